//! A registry over an in-memory SQLite database, a clock the tests move, and sample records.

#![allow(dead_code)] // each test file uses part of this

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use vo_registry::{Clock, MemorySource, Registry, RegistryConfig};
use vo_resource::resource::{Contact, Content, Curation, Resource, ResourceName, ResourceType};
use vo_resource::{Capability, ConeSearch};

pub const REGISTRY_ID: &str = "ivo://example.org/registry";

/// A clock that only moves when told to.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new() -> Arc<Self> {
        let start = DateTime::parse_from_rfc3339("2026-01-10T08:00:00Z").unwrap().with_timezone(&Utc);
        Arc::new(ManualClock(Mutex::new(start)))
    }

    pub fn advance(&self, seconds: i64) {
        let mut now = self.0.lock().unwrap();
        *now += TimeDelta::seconds(seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub fn service(identifier: &str, title: &str) -> Resource {
    Resource {
        resource_type: ResourceType::CatalogService,
        title: title.into(),
        identifier: identifier.into(),
        curation: Curation::new(
            ResourceName::new("Example Data Centre"),
            Contact::new("Help desk", Some("help@example.org")),
        ),
        content: Content::new(&["astrometry"], format!("The {title} service."), "https://example.org/"),
        capabilities: vec![Capability::cone_search(
            format!("https://example.org/{title}/scs?"),
            ConeSearch { max_sr: Some(1.0), ..Default::default() },
        )],
        ..Default::default()
    }
}

pub fn registry_record() -> Resource {
    Resource {
        resource_type: ResourceType::Registry,
        title: "Example publishing registry".into(),
        identifier: REGISTRY_ID.into(),
        curation: Curation::new(
            ResourceName::new("Example Data Centre"),
            Contact::new("Help desk", Some("help@example.org")),
        ),
        content: Content::new(&["virtual-observatory"], "The registry of example.org.", "https://example.org/"),
        capabilities: vec![Capability::oai_harvest("https://example.org/oai", 100)],
        managed_authorities: vec!["example.org".into()],
        ..Default::default()
    }
}

pub fn authority_record() -> Resource {
    Resource {
        resource_type: ResourceType::Authority,
        title: "The example.org authority".into(),
        identifier: "ivo://example.org".into(),
        managing_org: Some(ResourceName::new("Example Data Centre")),
        ..registry_record()
    }
}

/// The registry and authority records plus `services` catalogue services.
pub fn records(services: usize) -> Vec<Resource> {
    let mut records = vec![registry_record(), authority_record()];
    records.extend((0..services).map(|i| service(&format!("ivo://example.org/svc{i:04}"), &format!("svc{i}"))));
    records
}

pub struct TestRegistry {
    pub registry: Registry,
    pub source: Arc<MemorySource>,
    pub clock: Arc<ManualClock>,
}

impl TestRegistry {
    pub async fn with(records: Vec<Resource>, configure: impl FnOnce(&mut RegistryConfig)) -> Self {
        sqlx::any::install_default_drivers();
        // One connection: each connection to sqlite::memory: is its own database.
        let pool = sqlx::any::AnyPoolOptions::new().max_connections(1).connect("sqlite::memory:").await.unwrap();
        let mut config = RegistryConfig::new("https://example.org/oai", REGISTRY_ID, "ops@example.org");
        configure(&mut config);
        let source = Arc::new(MemorySource::new(records));
        let clock = ManualClock::new();
        let registry = Registry::new(config, source.clone(), pool).await.unwrap().with_clock(clock.clone());
        TestRegistry { registry, source, clock }
    }

    pub async fn new(services: usize) -> Self {
        Self::with(records(services), |_| {}).await
    }

    pub async fn get(&self, query: &str) -> String {
        self.registry.respond(&vo_dali::Params::from_query(query)).await.unwrap()
    }
}

/// The `code` of the first OAI-PMH error in a response, if any.
pub fn error_code(xml: &str) -> Option<String> {
    let start = xml.find("<error code=\"")? + "<error code=\"".len();
    Some(xml[start..].split('"').next()?.to_string())
}

/// The text of every `<name>` element.
pub fn texts(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    xml.match_indices(&open).filter_map(|(i, _)| xml[i + open.len()..].split('<').next().map(str::to_string)).collect()
}

/// The resumption token of a list page, if there is a next page.
pub fn resumption_token(xml: &str) -> Option<String> {
    let start = xml.find("<resumptionToken")?;
    let rest = &xml[start..];
    let close = rest.find('>')?;
    if rest[..close].ends_with('/') {
        return None;
    }
    Some(rest[close + 1..].split('<').next()?.to_string())
}

/// The identifiers in the record headers of a list (not those inside the records).
pub fn header_identifiers(xml: &str) -> Vec<String> {
    xml.match_indices("<header").filter_map(|(i, _)| texts(&xml[i..], "identifier").into_iter().next()).collect()
}
