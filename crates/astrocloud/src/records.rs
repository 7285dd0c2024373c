//! The server's registry records: generated from what it actually serves (TAP, one cone search per
//! positional table), plus the Registry and Authority records, with the same capabilities as each
//! service's VOSI document.

use std::sync::Arc;

use vo_catalog::QueryEngine;
use vo_cone::ConeService;
use vo_registry::RecordSource;
use vo_resource::{Capability, Contact, Content, Curation, Resource, ResourceName, ResourceType};
use vo_tap::TapService;

use crate::config::ServiceConfig;

/// Builds the records on demand, so that tables ingested while the server runs get their cone
/// service records and removed tables become deleted records.
pub struct ServiceRecords {
    pub base: String,
    pub service: ServiceConfig,
    pub engine: Arc<QueryEngine>,
    pub tap: Arc<TapService>,
    pub cone: Arc<ConeService>,
}

impl ServiceRecords {
    fn curation(&self) -> Curation {
        Curation::new(
            ResourceName::new(&self.service.publisher),
            Contact::new(format!("{} operators", self.service.short_name), Some(&self.service.contact_email)),
        )
    }

    fn ivoid(&self, path: &str) -> String {
        if path.is_empty() {
            format!("ivo://{}", self.service.authority)
        } else {
            format!("ivo://{}/{path}", self.service.authority)
        }
    }

    fn record(&self, resource_type: ResourceType, path: &str, title: String, description: String) -> Resource {
        Resource {
            resource_type,
            title,
            short_name: Some(self.service.short_name.chars().take(16).collect()),
            identifier: self.ivoid(path),
            curation: self.curation(),
            content: Content::new(&["virtual-observatory"], description, format!("{}/", self.base)),
            ..Default::default()
        }
    }

    /// The OAI-PMH endpoint.
    pub fn oai_url(&self) -> String {
        format!("{}/oai", self.base)
    }

    pub fn registry_id(&self) -> String {
        self.ivoid("registry")
    }
}

impl RecordSource for ServiceRecords {
    fn records(&self) -> Vec<Resource> {
        let mut registry = self.record(
            ResourceType::Registry,
            "registry",
            format!("{} publishing registry", self.service.title),
            format!("The publishing registry of {}: the records of every service it runs.", self.service.title),
        );
        registry.capabilities = vec![Capability::oai_harvest(self.oai_url(), 100)];
        registry.managed_authorities = vec![self.service.authority.clone()];

        let mut authority = self.record(
            ResourceType::Authority,
            "",
            format!("The {} naming authority", self.service.authority),
            format!("Identifiers of resources published by {}.", self.service.title),
        );
        authority.managing_org = Some(ResourceName::new(&self.service.publisher));

        let tables = self.engine.store().tables();
        let tap_base = format!("{}/tap", self.base);
        let mut tap = self.record(
            ResourceType::CatalogService,
            "tap",
            format!("{} TAP service", self.service.title),
            "Table Access Protocol (TAP 1.1) service: ADQL queries over every table of this data centre.".into(),
        );
        tap.capabilities = vo_tap::capabilities::capabilities(&tap_base, self.tap.settings());
        tap.tableset = Some(vo_catalog::vosi::vosi_tableset(tables.iter().map(|t| t.as_ref())));

        let mut records = vec![registry, authority, tap];
        for table in tables.iter().filter(|t| t.position.is_some()) {
            let name = table.qualified_name();
            let mut cone = self.record(
                ResourceType::CatalogService,
                &format!("scs/{name}"),
                format!("{name} cone search"),
                table.description.clone().unwrap_or_else(|| format!("Simple Cone Search over {name}.")),
            );
            cone.capabilities = self.cone.capabilities(&format!("{}/scs/{name}", self.base));
            cone.tableset = Some(vo_catalog::vosi::vosi_tableset([table.as_ref()]));
            records.push(cone);
        }
        records
    }
}
