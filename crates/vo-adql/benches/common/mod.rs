//! What both benches need.

use datafusion::prelude::SessionConfig;

/// The services' session options: a copy of vo-catalog's `default_session_config` (vo-catalog is
/// not a dependency of this crate), so that plans here are the services' plans.
pub fn service_config() -> SessionConfig {
    let mut config = SessionConfig::new().with_information_schema(false);
    let parquet = &mut config.options_mut().execution.parquet;
    parquet.pushdown_filters = true;
    parquet.reorder_filters = true;
    parquet.enable_page_index = true;
    parquet.pruning = true;
    config
}
