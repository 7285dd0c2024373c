//! The publishing registry: answers the six OAI-PMH verbs over the records of a
//! [`RecordSource`], with datestamps and deletions kept in the metadata database.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::AnyPool;
use vo_dali::{DaliResponse, Params};
use vo_resource::xml::XmlWriter;
use vo_resource::{Resource, Status, write_resource};

use crate::datestamp::{Clock, SystemClock, format_datestamp};
use crate::error::{OaiError, OaiErrorCode, RegistryError};
use crate::request::{ListVerb, OaiRequest, ParsedRequest, Selection, parse_request};
use crate::response::{self, MANAGED_SET, MetadataFormat};
use crate::source::RecordSource;
use crate::store::{PublishedRecord, Store, StoredRecord, SyncReport};
use crate::token::ResumptionToken;

/// How the registry presents itself.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    /// The OAI-PMH endpoint URL, as echoed in every response (`…/oai`).
    pub base_url: String,
    pub repository_name: String,
    /// At least one operator e-mail address.
    pub admin_emails: Vec<String>,
    /// IVOID of the `vg:Registry` record (served in `Identify`'s description).
    pub registry_id: String,
    /// Records or headers per response before a resumption token is issued.
    pub page_size: usize,
    /// How long a resumption token stays valid.
    pub token_lifetime: Duration,
    /// Whether sets are supported. Registry Interfaces requires the `ivo_managed` set; turning
    /// this off answers set requests with `noSetHierarchy`, as a plain OAI-PMH repository would.
    pub sets: bool,
}

impl RegistryConfig {
    pub fn new(base_url: impl Into<String>, registry_id: impl Into<String>, admin_email: impl Into<String>) -> Self {
        RegistryConfig {
            base_url: base_url.into(),
            repository_name: "AstroCloud publishing registry".into(),
            admin_emails: vec![admin_email.into()],
            registry_id: registry_id.into(),
            page_size: 100,
            token_lifetime: Duration::from_secs(24 * 3600),
            sets: true,
        }
    }
}

/// An OAI-PMH publishing registry (Registry Interfaces 1.1).
pub struct Registry {
    config: RegistryConfig,
    source: Arc<dyn RecordSource>,
    store: Store,
    clock: Arc<dyn Clock>,
    /// Serialises synchronisations so concurrent requests do not race on the table.
    sync_lock: tokio::sync::Mutex<()>,
}

/// A record as published, keyed for lookups.
struct Snapshot {
    by_key: HashMap<String, Resource>,
}

impl Snapshot {
    fn get(&self, identifier: &str) -> Option<&Resource> {
        self.by_key.get(&identifier.to_lowercase())
    }
}

/// The content hash leaves out `created`/`updated`, which the registry itself maintains.
fn content_hash(resource: &Resource) -> String {
    let mut normalised = resource.clone();
    normalised.created.clear();
    normalised.updated.clear();
    format!("{:x}", Sha256::digest(write_resource(&normalised).as_bytes()))
}

/// Tables go into the configured database (`sqlite:…`, `postgres:…`); this installs sqlx's Any
/// drivers and connects.
pub async fn connect(database_url: &str) -> Result<AnyPool, RegistryError> {
    sqlx::any::install_default_drivers();
    Ok(AnyPool::connect(database_url).await?)
}

impl Registry {
    /// Creates the `registry_` tables if needed.
    pub async fn new(
        config: RegistryConfig,
        source: Arc<dyn RecordSource>,
        pool: AnyPool,
    ) -> Result<Self, RegistryError> {
        if config.page_size == 0 {
            return Err(RegistryError::Config("page_size must be at least 1".into()));
        }
        Ok(Registry {
            config,
            source,
            store: Store::open(pool).await?,
            clock: Arc::new(SystemClock),
            sync_lock: tokio::sync::Mutex::new(()),
        })
    }

    /// Uses another clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    /// Compares the published records with the database: new and changed records get a new
    /// `updated` datestamp, records no longer published become deleted.
    pub async fn sync(&self) -> Result<SyncReport, RegistryError> {
        self.sync_snapshot().await.map(|(report, _)| report)
    }

    async fn sync_snapshot(&self) -> Result<(SyncReport, Snapshot), RegistryError> {
        let _guard = self.sync_lock.lock().await;
        let records: Vec<Resource> =
            self.source.records().into_iter().filter(|r| r.status != Status::Deleted).collect();
        let published: Vec<PublishedRecord> = records
            .iter()
            .map(|r| PublishedRecord {
                identifier: r.identifier.clone(),
                content_hash: content_hash(r),
                created: (!r.created.is_empty()).then(|| r.created.clone()),
            })
            .collect();
        let report = self.store.sync(&published, &format_datestamp(self.clock.now())).await?;
        let mut by_key = HashMap::new();
        for record in records {
            by_key.entry(record.identifier.to_lowercase()).or_insert(record);
        }
        Ok((report, Snapshot { by_key }))
    }

    /// Answers one OAI-PMH request. Protocol errors are OAI-PMH error documents (HTTP 200);
    /// a database failure is an HTTP 500.
    pub async fn handle(&self, params: &Params) -> DaliResponse {
        match self.respond(params).await {
            Ok(xml) => DaliResponse::xml(xml),
            Err(error) => {
                DaliResponse::new(500, "text/plain; charset=UTF-8", vo_dali::Body::Bytes(error.to_string().into()))
            }
        }
    }

    /// The OAI-PMH response document for a request.
    pub async fn respond(&self, params: &Params) -> Result<String, RegistryError> {
        let now = self.clock.now();
        let response_date = format_datestamp(now);
        let parsed = match parse_request(params) {
            Ok(parsed) => parsed,
            Err(error) => return Ok(response::error(&response_date, &self.config.base_url, &[], &error)),
        };
        let (_, snapshot) = self.sync_snapshot().await?;
        match self.answer(&parsed, &snapshot, now).await? {
            Ok(xml) => Ok(xml),
            Err(error) => Ok(response::error(&response_date, &self.config.base_url, &parsed.arguments, &error)),
        }
    }

    async fn answer(
        &self,
        parsed: &ParsedRequest,
        snapshot: &Snapshot,
        now: DateTime<Utc>,
    ) -> Result<Result<String, OaiError>, RegistryError> {
        let mut w = response::start(&format_datestamp(now), &self.config.base_url, Some(&parsed.arguments));
        let outcome = match &parsed.request {
            OaiRequest::Identify => self.identify(&mut w, snapshot, now).await?,
            OaiRequest::ListMetadataFormats { identifier } => {
                self.list_metadata_formats(&mut w, identifier.as_deref()).await?
            }
            OaiRequest::ListSets { resumption_token } => self.list_sets(&mut w, resumption_token.as_deref()),
            OaiRequest::GetRecord { identifier, metadata_prefix } => {
                self.get_record(&mut w, snapshot, identifier, metadata_prefix).await?
            }
            OaiRequest::List { verb, selection } => {
                let until = selection.until.map(|u| u.datestamp()).unwrap_or_else(|| format_datestamp(now));
                match self.check_selection(selection) {
                    Ok(format) => {
                        let token = ResumptionToken {
                            verb: verb.as_str().to_string(),
                            metadata_prefix: format.prefix().to_string(),
                            from: selection.from.map(|f| f.datestamp()),
                            until: Some(until),
                            set: selection.set.clone(),
                            offset: 0,
                            issued: now.timestamp(),
                        };
                        self.list_page(&mut w, snapshot, *verb, format, &token, false).await?
                    }
                    Err(error) => Err(error),
                }
            }
            OaiRequest::Resume { verb, resumption_token } => match self.check_token(*verb, resumption_token, now) {
                Ok((token, format)) => self.list_page(&mut w, snapshot, *verb, format, &token, true).await?,
                Err(error) => Err(error),
            },
        };
        Ok(outcome.map(|()| w.finish()))
    }

    async fn identify(
        &self,
        w: &mut XmlWriter,
        snapshot: &Snapshot,
        now: DateTime<Utc>,
    ) -> Result<Result<(), OaiError>, RegistryError> {
        let earliest = self.store.earliest_datestamp().await?.unwrap_or_else(|| format_datestamp(now));
        w.start("Identify", &[]);
        w.text("repositoryName", &self.config.repository_name);
        w.text("baseURL", &self.config.base_url);
        w.text("protocolVersion", "2.0");
        w.each("adminEmail", &self.config.admin_emails);
        w.text("earliestDatestamp", &earliest);
        // Deleted records are kept in the database for good.
        w.text("deletedRecord", "persistent");
        w.text("granularity", "YYYY-MM-DDThh:mm:ssZ");
        if let Some(registry) = snapshot.get(&self.config.registry_id)
            && let Some(stored) = self.store.get(&registry.identifier).await?
        {
            w.start("description", &[]);
            response::resource_element(w, &with_datestamps(registry, &stored));
            w.end();
        }
        w.end();
        Ok(Ok(()))
    }

    async fn list_metadata_formats(
        &self,
        w: &mut XmlWriter,
        identifier: Option<&str>,
    ) -> Result<Result<(), OaiError>, RegistryError> {
        if let Some(identifier) = identifier {
            match self.store.get(identifier).await? {
                None => return Ok(Err(id_does_not_exist(identifier))),
                Some(stored) if stored.deleted => {
                    return Ok(Err(OaiError::new(
                        OaiErrorCode::NoMetadataFormats,
                        format!("{identifier} has been deleted; no metadata is disseminated for it"),
                    )));
                }
                Some(_) => {}
            }
        }
        response::metadata_formats(w);
        Ok(Ok(()))
    }

    fn list_sets(&self, w: &mut XmlWriter, resumption_token: Option<&str>) -> Result<(), OaiError> {
        if !self.config.sets {
            return Err(OaiError::new(OaiErrorCode::NoSetHierarchy, "this repository does not support sets"));
        }
        if let Some(token) = resumption_token {
            return Err(OaiError::new(
                OaiErrorCode::BadResumptionToken,
                format!("{token:?}: the set list has a single page"),
            ));
        }
        w.start("ListSets", &[]);
        w.start("set", &[]);
        w.text("setSpec", MANAGED_SET);
        w.text("setName", "Resources published by this registry");
        w.end();
        w.end();
        Ok(())
    }

    async fn get_record(
        &self,
        w: &mut XmlWriter,
        snapshot: &Snapshot,
        identifier: &str,
        prefix: &str,
    ) -> Result<Result<(), OaiError>, RegistryError> {
        let Some(format) = MetadataFormat::from_prefix(prefix) else { return Ok(Err(cannot_disseminate(prefix))) };
        let Some(stored) = self.store.get(identifier).await? else { return Ok(Err(id_does_not_exist(identifier))) };
        let resource = snapshot.get(identifier).map(|r| with_datestamps(r, &stored));
        w.start("GetRecord", &[]);
        response::record(w, &stored, resource.as_ref(), format, self.config.sets);
        w.end();
        Ok(Ok(()))
    }

    fn check_selection(&self, selection: &Selection) -> Result<MetadataFormat, OaiError> {
        let format = MetadataFormat::from_prefix(&selection.metadata_prefix)
            .ok_or_else(|| cannot_disseminate(&selection.metadata_prefix))?;
        if let Some(set) = &selection.set {
            if !self.config.sets {
                return Err(OaiError::new(OaiErrorCode::NoSetHierarchy, "this repository does not support sets"));
            }
            if set != MANAGED_SET {
                return Err(OaiError::new(OaiErrorCode::NoRecordsMatch, format!("there is no set {set:?}")));
            }
        }
        Ok(format)
    }

    fn check_token(
        &self,
        verb: ListVerb,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(ResumptionToken, MetadataFormat), OaiError> {
        let token = ResumptionToken::decode(text)?;
        let bad = |why: &str| OaiError::new(OaiErrorCode::BadResumptionToken, format!("{why}: {text:?}"));
        if token.verb != verb.as_str() {
            return Err(bad("this token continues another verb"));
        }
        let lifetime = TimeDelta::from_std(self.config.token_lifetime).unwrap_or(TimeDelta::MAX);
        let issued = DateTime::from_timestamp(token.issued, 0).ok_or_else(|| bad("invalid issue time"))?;
        if now - issued > lifetime {
            return Err(bad("the resumption token has expired"));
        }
        let format = MetadataFormat::from_prefix(&token.metadata_prefix).ok_or_else(|| bad("unknown format"))?;
        Ok((token, format))
    }

    async fn list_page(
        &self,
        w: &mut XmlWriter,
        snapshot: &Snapshot,
        verb: ListVerb,
        format: MetadataFormat,
        token: &ResumptionToken,
        resumed: bool,
    ) -> Result<Result<(), OaiError>, RegistryError> {
        let from = token.from.clone().unwrap_or_else(|| "0000-01-01T00:00:00Z".into());
        let until = token.until.clone().unwrap_or_else(|| "9999-12-31T23:59:59Z".into());
        let total = self.store.count(&from, &until).await?;
        if total == 0 {
            return Ok(Err(OaiError::new(OaiErrorCode::NoRecordsMatch, "no records match the request")));
        }
        if token.offset >= total {
            return Ok(Err(OaiError::new(
                OaiErrorCode::BadResumptionToken,
                "the list has changed since the token was issued",
            )));
        }
        let page = self.store.list(&from, &until, token.offset, self.config.page_size).await?;
        w.start(verb.as_str(), &[]);
        for stored in &page {
            match verb {
                ListVerb::Identifiers => response::header(w, stored, self.config.sets),
                ListVerb::Records => {
                    let resource = snapshot.get(&stored.identifier).map(|r| with_datestamps(r, stored));
                    response::record(w, stored, resource.as_ref(), format, self.config.sets);
                }
            }
        }
        let next_offset = token.offset + page.len();
        if next_offset < total {
            let next = ResumptionToken { offset: next_offset, ..token.clone() };
            let expires = DateTime::from_timestamp(token.issued, 0)
                .and_then(|issued| TimeDelta::from_std(self.config.token_lifetime).ok().map(|d| issued + d))
                .map(format_datestamp);
            response::resumption_token(w, Some(&next.encode()), expires.as_deref(), total, token.offset);
        } else if resumed {
            response::resumption_token(w, None, None, total, token.offset);
        }
        w.end();
        Ok(Ok(()))
    }
}

/// The published record with the registry's datestamps.
fn with_datestamps(resource: &Resource, stored: &StoredRecord) -> Resource {
    Resource { created: stored.created.clone(), updated: stored.updated.clone(), ..resource.clone() }
}

fn id_does_not_exist(identifier: &str) -> OaiError {
    OaiError::new(OaiErrorCode::IdDoesNotExist, format!("{identifier} is not known to this registry"))
}

fn cannot_disseminate(prefix: &str) -> OaiError {
    OaiError::new(
        OaiErrorCode::CannotDisseminateFormat,
        format!("{prefix:?} is not a supported format (ivo_vor, oai_dc)"),
    )
}
