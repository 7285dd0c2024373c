//! A sample registry for the examples: the registry and authority records plus `n` cone search
//! services, over an in-memory SQLite database.

#![allow(dead_code)] // each example uses part of this

use std::sync::Arc;

use vo_registry::{MemorySource, Registry, RegistryConfig};
use vo_resource::resource::{Contact, Content, Curation, Resource, ResourceName, ResourceType};
use vo_resource::{Capability, ConeSearch};

pub fn records(base_url: &str, services: usize) -> Vec<Resource> {
    let curation =
        Curation::new(ResourceName::new("Example Data Centre"), Contact::new("Help desk", Some("help@example.org")));
    let registry = Resource {
        resource_type: ResourceType::Registry,
        title: "Example publishing registry".into(),
        identifier: "ivo://example.org/registry".into(),
        curation: curation.clone(),
        content: Content::new(
            &["virtual-observatory"],
            "The publishing registry of example.org.",
            "https://example.org/",
        ),
        capabilities: vec![Capability::oai_harvest(format!("{base_url}/oai"), 100)],
        managed_authorities: vec!["example.org".into()],
        ..Default::default()
    };
    let authority = Resource {
        resource_type: ResourceType::Authority,
        title: "The example.org naming authority".into(),
        identifier: "ivo://example.org".into(),
        curation: curation.clone(),
        content: Content::new(&["virtual-observatory"], "Identifiers of example.org.", "https://example.org/"),
        managing_org: Some(ResourceName::new("Example Data Centre")),
        ..Default::default()
    };
    let mut records = vec![registry, authority];
    records.extend((0..services).map(|i| Resource {
        resource_type: ResourceType::CatalogService,
        title: format!("Example catalogue {i}"),
        identifier: format!("ivo://example.org/cat{i:04}/scs"),
        curation: curation.clone(),
        content: Content::new(&["astrometry"], format!("Cone search over catalogue {i}."), "https://example.org/"),
        capabilities: vec![
            Capability::vosi_capabilities(format!("{base_url}/cat{i}/capabilities")),
            Capability::cone_search(
                format!("{base_url}/cat{i}/scs?"),
                ConeSearch { max_sr: Some(5.0), max_records: Some(10_000), ..Default::default() },
            ),
        ],
        ..Default::default()
    }));
    records
}

pub async fn registry(base_url: &str, services: usize, page_size: usize) -> (Registry, Arc<MemorySource>) {
    registry_in(base_url, services, page_size, "sqlite::memory:").await
}

/// The sample registry with its tables in `database_url` (e.g. `postgres://user@host/db`).
pub async fn registry_in(
    base_url: &str,
    services: usize,
    page_size: usize,
    database_url: &str,
) -> (Registry, Arc<MemorySource>) {
    sqlx::any::install_default_drivers();
    // One connection: every connection to sqlite::memory: is a database of its own.
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap_or_else(|e| panic!("{database_url}: {e}"));
    let mut config = RegistryConfig::new(format!("{base_url}/oai"), "ivo://example.org/registry", "ops@example.org");
    config.page_size = page_size;
    let source = Arc::new(MemorySource::new(records(base_url, services)));
    let registry = Registry::new(config, source.clone(), pool).await.unwrap_or_else(|e| panic!("registry: {e}"));
    (registry, source)
}
