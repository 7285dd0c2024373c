//! The HTTP server: opens the data dir, mounts every service, serves until SIGINT/SIGTERM.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::{Context, Result};
use sqlx::AnyPool;
use vo_actix::MountOptions;
use vo_catalog::{CatalogStore, QueryEngine, connect_metadata_db};
use vo_cone::{ConeService, ConeSettings};
use vo_dali::response::FormatKind;
use vo_dali::{DaliRequest, DaliResponse, DaliService};
use vo_registry::{Registry, RegistryConfig};
use vo_tap::{TapService, TapSettings, UploadLimits};

use crate::records::ServiceRecords;

use crate::config::Config;
use crate::landing;

/// What every command that touches the data dir opens.
pub struct DataDir {
    pub pool: AnyPool,
    pub store: Arc<CatalogStore>,
}

/// Opens (creating) the data dir, its metadata database and catalogue store. A data dir that is
/// not writable is a clear error before anything is touched.
pub async fn open_data_dir(config: &Config) -> Result<DataDir> {
    let dir = &config.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data dir {}", dir.display()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"").with_context(|| format!("the data dir {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    let url = config.database_url();
    let pool = connect_metadata_db(&url).await.with_context(|| format!("opening the metadata database {url}"))?;
    let store = CatalogStore::open(dir.join("catalog"), pool.clone()).await.context("opening the catalogue store")?;
    Ok(DataDir { pool, store: Arc::new(store) })
}

/// Shared state of the running server.
pub struct AppState {
    pub config: Config,
    pub engine: Arc<QueryEngine>,
    pub started: chrono::DateTime<chrono::Utc>,
}

/// The protocol services the server mounts.
#[derive(Clone)]
struct Services {
    tap: Arc<TapService>,
    cone: Arc<ConeService>,
    oai: Arc<OaiService>,
}

/// The publishing registry as a DALI-style service (OAI-PMH arguments in, XML out).
struct OaiService(Registry);

#[async_trait::async_trait]
impl DaliService for OaiService {
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
        if !resource.trim_matches('/').is_empty() {
            return DaliResponse::error(&vo_dali::DaliError::not_found("the OAI-PMH endpoint is /oai"));
        }
        self.0.handle(&request.params).await
    }
}

async fn start_services(config: &Config, data: &DataDir, engine: Arc<QueryEngine>, base: &str) -> Result<Services> {
    let default_votable = match vo_dali::ResponseFormat::parse(&config.tap.default_votable, FormatKind::VotableBinary2)
    {
        Ok(f) if f.kind.is_votable() => f.kind,
        _ => anyhow::bail!("tap.default_votable must be votable/b2, votable/b or votable/td"),
    };
    let settings = TapSettings {
        maxrec_default: config.tap.maxrec_default,
        maxrec_hard: config.tap.maxrec_hard,
        sync_timeout: Duration::from_secs(config.tap.sync_timeout_s),
        default_votable,
        upload_limits: UploadLimits {
            max_bytes: config.tap.upload_limit_bytes,
            max_tables: 10,
            private_hosts: config.tap.upload_private_hosts,
        },
        execution_duration: config.uws.execution_duration_s,
        max_execution_duration: config.uws.max_execution_duration_s,
        retention: config.uws.retention_s,
    };
    let uws = vo_uws::UwsConfig {
        workers: config.uws.workers,
        default_execution_duration: Duration::from_secs(config.uws.execution_duration_s),
        max_execution_duration: Some(Duration::from_secs(config.uws.max_execution_duration_s)),
        default_retention: Duration::from_secs(config.uws.retention_s),
        max_retention: Duration::from_secs(config.uws.retention_s.max(30 * 86_400)),
        ..Default::default()
    };
    let tap = TapService::new(engine.clone(), settings, data.pool.clone(), config.data_dir.join("jobs"), uws)
        .await
        .map_err(|e| anyhow::anyhow!("starting TAP: {e}"))?;
    let cone = ConeService::new(
        engine.clone(),
        ConeSettings { max_sr: config.cone.max_sr, max_records: config.cone.max_records, ..Default::default() },
    );
    let (tap, cone) = (Arc::new(tap), Arc::new(cone));
    let records = Arc::new(ServiceRecords {
        base: base.to_string(),
        service: config.service.clone(),
        engine: engine.clone(),
        tap: tap.clone(),
        cone: cone.clone(),
    });
    let mut registry_config =
        RegistryConfig::new(records.oai_url(), records.registry_id(), &config.service.contact_email);
    registry_config.repository_name = format!("{} publishing registry", config.service.title);
    registry_config.page_size = config.registry.page_size;
    let registry = Registry::new(registry_config, records, data.pool.clone())
        .await
        .map_err(|e| anyhow::anyhow!("starting the registry: {e}"))?;
    Ok(Services { tap, cone, oai: Arc::new(OaiService(registry)) })
}

/// Serves until SIGINT/SIGTERM; in-flight requests finish first.
pub async fn serve(config: Config, data: DataDir) -> Result<()> {
    // Bind first: the base URL (used in capabilities and registry records) needs the real port
    // when the configuration asks for port 0.
    let listener =
        std::net::TcpListener::bind(&config.bind).with_context(|| format!("cannot listen on {}", config.bind))?;
    let local = listener.local_addr()?;
    let base = if config.base_url.is_empty() {
        format!("http://{local}")
    } else {
        config.base_url.trim_end_matches('/').to_string()
    };

    let setup: vo_catalog::SessionSetup = Arc::new(vo_adql::register_udfs);
    let engine =
        QueryEngine::start_with_setup(data.store.clone(), 0, vo_catalog::default_session_config(), Some(setup))
            .await
            .context("starting the query engine")?;
    let services = start_services(&config, &data, engine.clone(), &base).await?;
    let state =
        web::Data::new(AppState { config: config.clone(), engine: engine.clone(), started: chrono::Utc::now() });

    // Tables ingested by another process (`astrocloud ingest`) appear without a restart.
    let refresher = engine.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            match refresher.refresh().await {
                Ok(true) => tracing::info!("catalogue changed: tables re-registered"),
                Ok(false) => {}
                Err(e) => tracing::warn!("catalogue refresh failed: {e}"),
            }
        }
    });

    let app_state = state.clone();
    let mount_options = MountOptions { max_body_bytes: config.max_body_bytes, ..Default::default() };
    let mounted = services.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .wrap(from_fn(log_request))
            .wrap(DefaultHeaders::new().add(("Server", concat!("AstroCloud/", env!("CARGO_PKG_VERSION")))))
            .route("/", web::get().to(landing::landing_page))
            .route("/health", web::get().to(health))
            .service(vo_actix::mount("/tap", mounted.tap.clone(), mount_options.clone()))
            .service(vo_actix::mount("/scs", mounted.cone.clone(), mount_options.clone()))
            .service(vo_actix::mount("/oai", mounted.oai.clone(), mount_options.clone()))
    })
    .on_connect(vo_actix::no_delay)
    .shutdown_timeout(30);
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    let server = server.listen(listener).context("cannot serve on the socket")?;
    println!("AstroCloud serving {} on {base}", config.data_dir.display());
    for (name, url) in landing::service_urls(&state, &base) {
        println!("  {name:<32} {url}");
    }
    // On a line of its own, for scripts (useful with --bind 127.0.0.1:0).
    println!("listening {base}");
    server.run().await.context("HTTP server failed")?;
    tracing::info!("shut down");
    Ok(())
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    let tables = state.engine.store().tables().len();
    HttpResponse::Ok().content_type("application/json").body(format!("{{\"status\":\"ok\",\"tables\":{tables}}}"))
}

/// One log line per request: method, path, status, bytes (or `stream`), milliseconds.
async fn log_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.path().to_string();
    let response = next.call(request).await?;
    let bytes = match response.response().body().size() {
        BodySize::Sized(n) => n.to_string(),
        BodySize::None => "0".to_string(),
        BodySize::Stream => "stream".to_string(),
    };
    tracing::info!(
        "{method} {path} {} {bytes} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(response)
}
