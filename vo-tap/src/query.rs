//! One TAP query, from parameters to an encoded result: the part sync and async share.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::catalog::TableProvider;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use vo_adql::AdqlEngine;
use vo_catalog::engine::ExtraTable;
use vo_catalog::output::LimitedEncoder;
use vo_catalog::{QueryEngine, TableMeta};
use vo_dali::response::{FormatKind, ResponseFormat};
use vo_dali::{DaliError, Params, UploadedFile};
use vo_formats::ResultInfo;

use crate::metadata::{TAP_SCHEMA, TAP_UPLOAD, TapCatalog, tap_schema_providers, tap_schema_tables};
use crate::upload::{UploadLimits, read_uploads};

/// Limits and defaults of the TAP service.
#[derive(Debug, Clone)]
pub struct TapSettings {
    /// Rows returned without MAXREC, and the most any query returns.
    pub maxrec_default: u64,
    pub maxrec_hard: u64,
    /// How long a synchronous query may run.
    pub sync_timeout: Duration,
    /// What RESPONSEFORMAT=votable (and no RESPONSEFORMAT) means.
    pub default_votable: FormatKind,
    pub upload_limits: UploadLimits,
    /// Async job limits, advertised in the capabilities (seconds).
    pub execution_duration: u64,
    pub max_execution_duration: u64,
    pub retention: u64,
}

impl Default for TapSettings {
    fn default() -> Self {
        TapSettings {
            maxrec_default: 100_000,
            maxrec_hard: 50_000_000,
            sync_timeout: Duration::from_secs(600),
            default_votable: FormatKind::VotableBinary2,
            upload_limits: UploadLimits::default(),
            execution_duration: 3600,
            max_execution_duration: 86_400,
            retention: 7 * 86_400,
        }
    }
}

/// The queryable metadata for one catalogue state: tables with TAP_SCHEMA, and TAP_SCHEMA's content.
pub struct TapMetadata {
    /// Catalogue tables then TAP_SCHEMA's own, in TAP_SCHEMA order.
    pub tables: Vec<TableMeta>,
    pub tap_schema: Vec<ExtraTable>,
    /// (qualified name, updated) of the catalogue tables this was built from.
    fingerprint: Vec<(String, String)>,
    /// What the validator knows of `tables`, shared by every query without uploads.
    catalog: Arc<TapCatalog>,
    /// The session with TAP_SCHEMA registered, for queries without uploads, and the id of the
    /// engine session it was derived from. Creating a session registers DataFusion's built-in
    /// functions and every table again: about half of the planning time of a small query.
    session: Mutex<Option<(String, SessionContext)>>,
}

impl TapMetadata {
    pub fn build(catalogue: &[Arc<TableMeta>]) -> Result<Self, DaliError> {
        let mut tables: Vec<TableMeta> = catalogue.iter().map(|t| t.as_ref().clone()).collect();
        tables.extend(tap_schema_tables());
        let providers = tap_schema_providers(&tables).map_err(|e| DaliError::internal(format!("TAP_SCHEMA: {e}")))?;
        let tap_schema = providers.into_iter().map(|(name, p)| (TAP_SCHEMA.to_string(), name, p)).collect();
        let catalog = Arc::new(TapCatalog::new(&tables));
        Ok(TapMetadata { tables, tap_schema, fingerprint: fingerprint(catalogue), catalog, session: Mutex::new(None) })
    }

    /// The session for a query without uploads: derived once from the engine's current session.
    async fn session(&self, engine: &QueryEngine) -> Result<SessionContext, DaliError> {
        let base = engine.context().session_id();
        if let Some((id, ctx)) = self.session.lock().expect("session lock poisoned").as_ref()
            && *id == base
        {
            return Ok(ctx.clone());
        }
        // A refresh of the engine between reading the id and deriving the session only makes the
        // next query derive it again.
        let ctx = engine.query_context(&self.tap_schema).await.map_err(|e| DaliError::internal(e.to_string()))?;
        *self.session.lock().expect("session lock poisoned") = Some((base, ctx.clone()));
        Ok(ctx)
    }

    pub fn is_current(&self, catalogue: &[Arc<TableMeta>]) -> bool {
        self.fingerprint == fingerprint(catalogue)
    }

    pub fn table(&self, qualified_name: &str) -> Option<&TableMeta> {
        self.tables
            .iter()
            .find(|t| t.qualified_name() == qualified_name)
            .or_else(|| self.tables.iter().find(|t| t.qualified_name().eq_ignore_ascii_case(qualified_name)))
    }
}

fn fingerprint(catalogue: &[Arc<TableMeta>]) -> Vec<(String, String)> {
    catalogue.iter().map(|t| (t.qualified_name(), t.updated.clone())).collect()
}

/// A query planned and ready to run.
pub struct PreparedQuery {
    pub plan: LogicalPlan,
    pub format: ResponseFormat,
    pub maxrec: u64,
    pub info: ResultInfo,
}

impl PreparedQuery {
    /// The encoder that writes this query's result, truncated at MAXREC with the overflow flag.
    pub fn encoder(&self) -> Result<LimitedEncoder, DaliError> {
        let inner = vo_formats::encoder_for(self.format.kind, self.info.clone())
            .map_err(|e| DaliError::usage(e.to_string()))?;
        Ok(LimitedEncoder::new(inner, Some(self.maxrec)))
    }
}

/// Checks LANG [TAP §2.7.1].
fn check_lang(params: &Params) -> Result<(), DaliError> {
    match params.get("LANG")? {
        None => Err(DaliError::usage("missing required parameter LANG (use LANG=ADQL)")),
        Some(lang) if ["ADQL", "ADQL-2.0", "ADQL-2.1"].iter().any(|l| lang.trim().eq_ignore_ascii_case(l)) => Ok(()),
        Some(other) => Err(DaliError::usage(format!(
            "unknown query language '{other}': this service speaks ADQL (ADQL-2.0, ADQL-2.1)"
        ))),
    }
}

/// RESPONSEFORMAT, or its TAP synonym FORMAT [TAP §2.7.3].
fn response_format(params: &Params, default: FormatKind) -> Result<ResponseFormat, DaliError> {
    let value = match params.get("RESPONSEFORMAT")? {
        Some(v) => Some(v),
        None => params.get("FORMAT")?,
    };
    match value {
        None => Ok(ResponseFormat { kind: default, content_type: "application/x-votable+xml".into() }),
        Some(v) => ResponseFormat::parse(v, default),
    }
}

/// Checks the parameters, reads uploads and plans the ADQL query.
pub async fn prepare(
    engine: &QueryEngine,
    metadata: &TapMetadata,
    params: &Params,
    files: &[UploadedFile],
    settings: &TapSettings,
) -> Result<PreparedQuery, DaliError> {
    check_lang(params)?;
    let query = params.require("QUERY")?.to_string();
    let format = response_format(params, settings.default_votable)?;
    let maxrec =
        params.get_maxrec(Some(settings.maxrec_default), settings.maxrec_hard)?.unwrap_or(settings.maxrec_hard);
    params.get_runid()?;
    let uploads = read_uploads(params, files, settings.upload_limits).await?;

    let (ctx, adql) = if uploads.is_empty() {
        (metadata.session(engine).await?, AdqlEngine::new(metadata.catalog.clone()))
    } else {
        let mut tables = metadata.tables.clone();
        let mut extra = metadata.tap_schema.clone();
        for upload in &uploads {
            tables.push(upload.meta.clone());
            extra.push((
                TAP_UPLOAD.to_string(),
                upload.meta.name.clone(),
                upload.provider.clone() as Arc<dyn TableProvider>,
            ));
        }
        let ctx = engine.query_context(&extra).await.map_err(|e| DaliError::internal(e.to_string()))?;
        (ctx, AdqlEngine::new(Arc::new(TapCatalog::new(&tables))))
    };
    let text = query.clone();
    let plan = engine
        .run(move |_| async move { adql.plan_with_limit(&ctx, &text, (maxrec as usize).saturating_add(1)).await })
        .await
        .map_err(|e| DaliError::internal(e.to_string()))?
        .map_err(|e| DaliError::usage(adql_message(&e)))?;
    let mut infos = vec![
        ("standardID".to_string(), "ivo://ivoa.net/std/TAP".to_string(), None),
        ("QUERY".to_string(), query, None),
        ("request_date".to_string(), chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(), None),
    ];
    if let Some(runid) = params.get_runid()? {
        infos.push(("RUNID".to_string(), runid.to_string(), None));
    }
    Ok(PreparedQuery { plan, format, maxrec, info: ResultInfo { infos, ..Default::default() } })
}

/// An ADQL error as one readable line (position, message, help).
fn adql_message(e: &vo_adql::AdqlError) -> String {
    e.to_string().replace("\n  help: ", " (help: ").to_string() + if e.help.is_some() { ")" } else { "" }
}
