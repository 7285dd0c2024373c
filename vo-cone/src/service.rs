//! The cone search web service, framework-free: `{table}` answers SCS queries, `{table}/
//! capabilities`, `{table}/availability` and `{table}/tables` are its VOSI resources, and
//! `{table}/multi` is our multi-position extension.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::DataType;
use datafusion::logical_expr::{Expr, cast};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use vo_catalog::output::{FieldMetadata, LimitedEncoder};
use vo_catalog::{QueryEngine, TableMeta};
use vo_dali::response::{FormatKind, ResponseFormat};
use vo_dali::{Body, DaliRequest, DaliResponse, DaliService, Method, Params};
use vo_formats::ResultInfo;
use vo_resource::capability::Capability;
use vo_resource::simple_dal::{ConeQuery, ConeSearch};
use vo_resource::vosi::{self, Availability};
use vo_votable::arrow_meta;

use crate::error::{ConeError, error_document};
use crate::positions::{InputIds, read_positions};
use crate::scan::ConeScanner;
use crate::search::{self, Cone, Verbosity, columns_for};

/// Limits and defaults of the cone services.
#[derive(Debug, Clone)]
pub struct ConeSettings {
    /// Largest radius, degrees (advertised as maxSR).
    pub max_sr: f64,
    /// Largest number of rows per cone (advertised as maxRecords).
    pub max_records: u64,
    /// Largest number of positions in one multi-cone request.
    pub max_positions: usize,
}

impl Default for ConeSettings {
    fn default() -> Self {
        ConeSettings { max_sr: 10.0, max_records: 1_000_000, max_positions: 100_000 }
    }
}

/// Simple Cone Search over every positional table of the catalogue store.
pub struct ConeService {
    engine: Arc<QueryEngine>,
    settings: ConeSettings,
    /// Single cones are read by the fast path (`scan`), not planned through DataFusion.
    scanner: Arc<ConeScanner>,
    up_since: chrono::DateTime<chrono::Utc>,
}

impl ConeService {
    pub fn new(engine: Arc<QueryEngine>, settings: ConeSettings) -> Self {
        ConeService { engine, settings, scanner: Arc::default(), up_since: chrono::Utc::now() }
    }

    /// The positional tables served.
    pub fn tables(&self) -> Vec<Arc<TableMeta>> {
        self.engine.store().tables().into_iter().filter(|t| t.position.is_some()).collect()
    }

    fn table(&self, name: &str) -> Result<Arc<TableMeta>, ConeError> {
        self.engine
            .store()
            .table(name)
            .filter(|t| t.position.is_some())
            .ok_or_else(|| ConeError::UnknownTable(name.to_string()))
    }

    /// The VOSI capabilities of the cone service of `table` at `base` (the service URL).
    pub fn capabilities(&self, base: &str) -> Vec<Capability> {
        let query_url = format!("{base}?");
        let cone = ConeSearch {
            max_sr: Some(self.settings.max_sr),
            max_records: Some(self.settings.max_records),
            verbosity: true,
            test_query: Some(ConeQuery { ra: 10.0, dec: 10.0, sr: 0.1, ..Default::default() }),
        };
        vec![
            Capability::cone_search(query_url, cone),
            Capability::vosi_capabilities(format!("{base}/capabilities")),
            Capability::vosi_availability(format!("{base}/availability")),
            Capability::vosi_tables(format!("{base}/tables")),
        ]
    }

    async fn query(&self, table: Arc<TableMeta>, request: &DaliRequest) -> Result<DaliResponse, ConeError> {
        let params = &request.params;
        let (cone, verbosity) = parse_cone(params, self.settings.max_sr)?;
        let (format, maxrec) = parse_output(params, self.settings.max_records)?;
        let columns = output_columns(&table, verbosity);
        let limit = plan_limit(cone.radius, maxrec);
        let (store, scanner, scanned) = (self.engine.store().clone(), self.scanner.clone(), table.clone());
        // File reading and decoding run on the engine's runtime, not on the web server's worker.
        let batch = self
            .engine
            .run(move |_| async move { scanner.cone(&store, &scanned, cone, Some(&columns), Some(limit)) })
            .await??;
        let batch = scs_batch(batch, &table)?;
        let info = ResultInfo {
            infos: vec![
                ("standardID".into(), "ivo://ivoa.net/std/ConeSearch".into(), None),
                ("request".into(), format!("RA={} DEC={} SR={}", cone.ra, cone.dec, cone.radius), None),
            ],
            table_name: Some(table.qualified_name()),
            resource_description: table.description.clone(),
            coosys: Some(("ICRS".into(), None, position_columns(&table))),
            ..Default::default()
        };
        let encoder = vo_formats::encoder_for(format.kind, info).map_err(|e| ConeError::BadParameter(e.to_string()))?;
        let encoder = LimitedEncoder::new(encoder, Some(maxrec)).with_field_metadata(scs_metadata(&table));
        let stream = RecordBatchStreamAdapter::new(batch.schema(), futures::stream::iter([Ok(batch)]));
        let receiver = self.engine.stream_encoded(Box::pin(stream), encoder, None);
        let body = Body::Stream(Box::pin(vo_catalog::engine::chunk_stream(receiver)));
        Ok(DaliResponse::new(200, format.content_type, body))
    }

    /// Reads and checks a `/multi` request: the positions (`POSITIONS` upload and/or repeated
    /// `POS`, at most `max_positions`), `SR` (at most maxSR), `VERB`, `RESPONSEFORMAT`, `MAXREC`.
    pub fn multi_query(&self, request: &DaliRequest) -> Result<MultiQuery, ConeError> {
        if request.method != Method::Post && request.method != Method::Get {
            return Err(ConeError::BadParameter("use POST with a POSITIONS upload or POS parameters".into()));
        }
        let params = &request.params;
        let radius = params.get_f64("SR").map_err(dali)?.ok_or_else(|| missing("SR"))?;
        check_max_sr(radius, self.settings.max_sr)?;
        let verbosity = parse_verb(params)?;
        let (format, maxrec) = parse_output(params, self.settings.max_records)?;
        let positions = read_positions(request, self.settings.max_positions)?;
        let cones = positions
            .coords
            .iter()
            .enumerate()
            .map(|(i, &(ra, dec))| {
                let cone = Cone { ra, dec, radius };
                search::check_cone(cone).map_err(|e| ConeError::BadParameter(format!("position {i}: {e}")))?;
                Ok(Cone { ra: search::normalize_ra(ra), ..cone })
            })
            .collect::<Result<_, ConeError>>()?;
        Ok(MultiQuery { cones, ids: positions.ids, verbosity, format, maxrec })
    }

    async fn multi(&self, table: Arc<TableMeta>, request: &DaliRequest) -> Result<DaliResponse, ConeError> {
        let query = self.multi_query(request)?;
        let columns = output_columns(&table, query.verbosity);
        let radius = query.cones[0].radius;
        let limit = plan_limit(radius, query.maxrec);
        let ids = query.ids.as_ref().map(|i| i.values.clone());
        let (planned, cones) = (table.clone(), query.cones.clone());
        // Bucketing up to 100,000 positions is real work: done on the engine's runtime, not on the
        // web server's worker.
        let plan = self
            .engine
            .run(move |ctx| async move {
                let frame = search::multi_cone(&ctx, &planned, &cones, ids, Some(&columns), None).await?;
                let frame = scs_projection(frame, &planned)?.limit(0, Some(limit))?;
                Ok::<_, ConeError>(frame.into_unoptimized_plan())
            })
            .await??;
        let info = ResultInfo {
            infos: vec![
                ("standardID".into(), "ivo://ivoa.net/std/ConeSearch".into(), None),
                ("request".into(), format!("{} positions, SR={radius}", query.cones.len()), None),
            ],
            table_name: Some(table.qualified_name()),
            resource_description: table.description.clone(),
            coosys: Some(("ICRS".into(), None, position_columns(&table))),
            ..Default::default()
        };
        let encoder =
            vo_formats::encoder_for(query.format.kind, info).map_err(|e| ConeError::BadParameter(e.to_string()))?;
        let mut metadata = scs_metadata(&table);
        metadata.insert(
            search::IN_ROW_COLUMN.into(),
            HashMap::from([
                (arrow_meta::UCD.to_string(), "meta.id.cross".to_string()),
                (arrow_meta::DESCRIPTION.to_string(), "Row of the input position (0-based)".to_string()),
            ]),
        );
        if let Some(ids) = &query.ids {
            metadata.insert(
                search::IN_ID_COLUMN.into(),
                HashMap::from([
                    (arrow_meta::UCD.to_string(), "meta.id.cross".to_string()),
                    (
                        arrow_meta::DESCRIPTION.to_string(),
                        format!("Identifier of the input position (column {} of POSITIONS)", ids.name),
                    ),
                ]),
            );
        }
        let encoder = LimitedEncoder::new(encoder, Some(query.maxrec)).with_field_metadata(metadata);
        let stream = self.engine.start_query(plan).await?;
        let receiver = self.engine.stream_encoded(stream, encoder, None);
        let body = Body::Stream(Box::pin(vo_catalog::engine::chunk_stream(receiver)));
        Ok(DaliResponse::new(200, query.format.content_type, body))
    }
}

/// A checked `/multi` request.
#[derive(Debug, Clone)]
pub struct MultiQuery {
    /// One cone per input position, in input order (RA normalised to [0, 360)).
    pub cones: Vec<Cone>,
    /// The identifier column of the upload, if it has one.
    pub ids: Option<InputIds>,
    pub verbosity: Verbosity,
    pub format: ResponseFormat,
    pub maxrec: u64,
}

/// The row limit to plan with: MAXREC + 1, so that the encoder sees whether there were more
/// rows (OVERFLOW); none at all for SR=0, the SCS 1.03 metadata query, whose answer has the
/// columns but no rows and so nothing to overflow.
fn plan_limit(radius: f64, maxrec: u64) -> usize {
    if radius == 0.0 { 0 } else { (maxrec as usize).saturating_add(1) }
}

fn dali(e: vo_dali::DaliError) -> ConeError {
    ConeError::BadParameter(e.message)
}

fn missing(name: &str) -> ConeError {
    ConeError::BadParameter(format!("missing required parameter {name}"))
}

fn parse_verb(params: &Params) -> Result<Verbosity, ConeError> {
    match params.get_u64("VERB") {
        Ok(None) => Ok(Verbosity::Default),
        Ok(Some(v)) => {
            Verbosity::from_verb(v).ok_or_else(|| ConeError::BadParameter(format!("VERB must be 1, 2 or 3, got {v}")))
        }
        Err(_) => Err(ConeError::BadParameter(format!(
            "VERB must be 1, 2 or 3, got '{}'",
            params.get("VERB").ok().flatten().unwrap_or("")
        ))),
    }
}

fn check_max_sr(radius: f64, max_sr: f64) -> Result<(), ConeError> {
    if radius > max_sr {
        return Err(ConeError::BadParameter(format!("SR {radius} exceeds this service's maximum of {max_sr} degrees")));
    }
    Ok(())
}

/// RA, DEC, SR and VERB [SCS §2].
fn parse_cone(params: &Params, max_sr: f64) -> Result<(Cone, Verbosity), ConeError> {
    let ra = params.get_f64("RA").map_err(dali)?.ok_or_else(|| missing("RA"))?;
    let dec = params.get_f64("DEC").map_err(dali)?.ok_or_else(|| missing("DEC"))?;
    let radius = params.get_f64("SR").map_err(dali)?.ok_or_else(|| missing("SR"))?;
    let cone = Cone { ra: search::normalize_ra(ra), dec, radius };
    search::check_cone(Cone { ra, ..cone })?;
    check_max_sr(radius, max_sr)?;
    Ok((cone, parse_verb(params)?))
}

/// RESPONSEFORMAT (VOTable BINARY2 by default, served as `text/xml` as SCS 1.03 asks) and MAXREC.
fn parse_output(params: &Params, max_records: u64) -> Result<(ResponseFormat, u64), ConeError> {
    let format = match params.get("RESPONSEFORMAT").map_err(dali)? {
        Some(value) => ResponseFormat::parse(value, FormatKind::VotableBinary2).map_err(dali)?,
        None => ResponseFormat { kind: FormatKind::VotableBinary2, content_type: "text/xml".into() },
    };
    let maxrec = params.get_maxrec(Some(max_records), max_records).map_err(dali)?.unwrap_or(max_records);
    Ok((format, maxrec))
}

fn output_columns(table: &TableMeta, verbosity: Verbosity) -> Vec<String> {
    columns_for(table, verbosity).into_iter().map(|c| c.name.clone()).collect()
}

fn position_columns(table: &TableMeta) -> Vec<String> {
    table.position.as_ref().map(|p| vec![p.ra_column.clone(), p.dec_column.clone()]).unwrap_or_default()
}

/// [`scs_projection`] for a result already read.
fn scs_batch(batch: RecordBatch, table: &TableMeta) -> Result<RecordBatch, ConeError> {
    let Some(id) = table.id_column() else { return Ok(batch) };
    let Ok(at) = batch.schema().index_of(&id.name) else { return Ok(batch) };
    if batch.column(at).data_type() == &DataType::Utf8 {
        return Ok(batch);
    }
    let mut fields: Vec<arrow_schema::Field> = batch.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    fields[at] = fields[at].clone().with_data_type(DataType::Utf8);
    let mut columns = batch.columns().to_vec();
    columns[at] = arrow_cast::cast(&columns[at], &DataType::Utf8)?;
    Ok(RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns)?)
}

/// SCS 1.03 wants the main identifier as a string column with UCD `ID_MAIN`.
fn scs_projection(
    frame: datafusion::dataframe::DataFrame,
    table: &TableMeta,
) -> Result<datafusion::dataframe::DataFrame, ConeError> {
    let id = table.id_column().map(|c| c.name.clone());
    let projection: Vec<Expr> = frame
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let column = Expr::Column(datafusion::common::Column::new_unqualified(f.name()));
            if Some(f.name()) == id.as_ref() && f.data_type() != &DataType::Utf8 {
                cast(column, DataType::Utf8).alias(f.name())
            } else {
                column
            }
        })
        .collect();
    Ok(frame.select(projection)?)
}

/// The UCD1 names SCS 1.03 requires on the identifier and position [SCS §2], and the metadata
/// of every column (which the projection may have dropped), plus `_r`.
fn scs_metadata(table: &TableMeta) -> FieldMetadata {
    let mut out = FieldMetadata::new();
    for c in &table.columns {
        let mut md = HashMap::new();
        let mut put = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                md.insert(k.to_string(), v.clone());
            }
        };
        put(arrow_meta::UCD, &c.ucd);
        put(arrow_meta::UNIT, &c.unit);
        put(arrow_meta::DESCRIPTION, &c.description);
        put(arrow_meta::UTYPE, &c.utype);
        put(arrow_meta::XTYPE, &c.xtype);
        out.insert(c.name.clone(), md);
    }
    let mut set_ucd = |name: &str, ucd: &str| {
        out.entry(name.to_string()).or_default().insert(arrow_meta::UCD.to_string(), ucd.to_string());
    };
    if let Some(id) = table.id_column() {
        set_ucd(&id.name, "ID_MAIN");
    }
    if let Some(p) = &table.position {
        set_ucd(&p.ra_column, "POS_EQ_RA_MAIN");
        set_ucd(&p.dec_column, "POS_EQ_DEC_MAIN");
    }
    out.insert(search::DISTANCE_COLUMN.into(), search::distance_field().metadata().clone());
    out
}

fn scs_error(e: &ConeError) -> DaliResponse {
    DaliResponse::new(e.http_status(), "text/xml", Body::Bytes(error_document(&e.to_string()).into()))
}

#[async_trait::async_trait]
impl DaliService for ConeService {
    async fn handle(&self, resource: &str, request: DaliRequest) -> DaliResponse {
        let resource = resource.trim_matches('/');
        if resource.is_empty() {
            let mut html = String::from("<!DOCTYPE html>\n<html><body><h1>Cone search services</h1><ul>\n");
            for t in self.tables() {
                let name = t.qualified_name();
                html.push_str(&format!("<li><a href=\"{}/{name}/capabilities\">{name}</a></li>\n", request.base_url));
            }
            html.push_str("</ul></body></html>\n");
            return DaliResponse::ok("text/html; charset=utf-8", html);
        }
        let (table_name, sub) = resource.split_once('/').unwrap_or((resource, ""));
        let table = match self.table(table_name) {
            Ok(t) => t,
            Err(e) => return scs_error(&e),
        };
        let base = format!("{}/{}", request.base_url, table.qualified_name());
        let vosi_get = |body: String| {
            if request.method == Method::Get || request.method == Method::Head {
                DaliResponse::xml(body)
            } else {
                DaliResponse::error(&vo_dali::DaliError::new(
                    vo_dali::ErrorKind::MethodNotAllowed,
                    "VOSI resources answer GET",
                ))
            }
        };
        match sub {
            "" => self.query(table.clone(), &request).await.unwrap_or_else(|e| scs_error(&e)),
            "multi" => self.multi(table.clone(), &request).await.unwrap_or_else(|e| scs_error(&e)),
            "capabilities" => vosi_get(vosi::write_capabilities(&self.capabilities(&base))),
            "availability" => {
                let mut availability = Availability::up();
                availability.up_since = Some(self.up_since.format("%Y-%m-%dT%H:%M:%SZ").to_string());
                vosi_get(vosi::write_availability(&availability))
            }
            "tables" => vosi_get(vosi::write_tableset(
                &vo_catalog::vosi::vosi_tableset([table.as_ref()]),
                vo_resource::tableset::Detail::Max,
            )),
            other => DaliResponse::error(&vo_dali::DaliError::not_found(format!("no resource {other} here"))),
        }
    }
}
