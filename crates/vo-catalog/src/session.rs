//! A DataFusion `SessionContext` over the store, with every table registered under its schema.

use std::sync::Arc;

use datafusion::catalog::{MemorySchemaProvider, SchemaProvider};
use datafusion::common::TableReference;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext, col};

use crate::error::Result;
use crate::meta::TableMeta;
use crate::store::CatalogStore;

/// The session configuration the query services use: Parquet row-group and page pruning, filters
/// pushed into the scan (a cone's exact test then reads only the rows its HEALPix ranges select).
pub fn default_session_config() -> SessionConfig {
    let mut config = SessionConfig::new().with_information_schema(false);
    let parquet = &mut config.options_mut().execution.parquet;
    parquet.pushdown_filters = true;
    parquet.reorder_filters = true;
    parquet.enable_page_index = true;
    parquet.pruning = true;
    config
}

impl CatalogStore {
    /// A new session with every table of the store registered as `schema.table`.
    pub async fn session_context(&self, config: SessionConfig) -> Result<SessionContext> {
        let ctx = SessionContext::new_with_config(config);
        self.register_tables(&ctx).await?;
        Ok(ctx)
    }

    /// Registers (or re-registers) every table of the store in `ctx`.
    pub async fn register_tables(&self, ctx: &SessionContext) -> Result<()> {
        for table in self.tables() {
            self.register_table(ctx, &table).await?;
        }
        Ok(())
    }

    /// Registers one table in `ctx` under `schema.name`, declaring its sort order.
    pub async fn register_table(&self, ctx: &SessionContext, table: &TableMeta) -> Result<()> {
        let catalog = ctx.catalog("datafusion").expect("default catalog exists");
        let schema: Arc<dyn SchemaProvider> = match catalog.schema(&table.schema) {
            Some(s) => s,
            None => {
                let s: Arc<dyn SchemaProvider> = Arc::new(MemorySchemaProvider::new());
                catalog.register_schema(&table.schema, s.clone())?;
                s
            }
        };
        if schema.table_exist(&table.name) {
            schema.deregister_table(&table.name)?;
        }
        let mut options = ParquetReadOptions::default();
        if let Some(p) = &table.position {
            options = options.file_sort_order(vec![vec![col(format!("\"{}\"", p.healpix_column)).sort(true, false)]]);
        }
        let path = self.data_file(table);
        ctx.register_parquet(
            TableReference::partial(table.schema.as_str(), table.name.as_str()),
            path.to_str().expect("UTF-8 data path"),
            options,
        )
        .await?;
        Ok(())
    }
}
