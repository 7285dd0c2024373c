//! Planning ADQL in a DataFusion session: parse → analyse against the catalogue → DataFusion's SQL
//! planner → a projection that attaches VOTable metadata to the result fields.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::common::metadata::FieldMetadata;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use sqlparser::ast::Statement;

use crate::analyze::{self, OutputColumn};
use crate::catalog::AdqlCatalog;
use crate::error::{AdqlError, ErrorKind, Position, Result};
use crate::parser::parse;

/// Arrow field metadata keys the VOTable writer reads.
pub const META_UNIT: &str = "votable.unit";
pub const META_UCD: &str = "votable.ucd";
pub const META_DESCRIPTION: &str = "votable.description";
pub const META_XTYPE: &str = "votable.xtype";

/// Plans ADQL queries against one catalogue.
///
/// The session must have the catalogue's tables registered under their schema and name, and the
/// geometry UDFs ([`crate::register_udfs`]).
#[derive(Clone)]
pub struct AdqlEngine {
    catalog: Arc<dyn AdqlCatalog>,
}

impl AdqlEngine {
    pub fn new(catalog: Arc<dyn AdqlCatalog>) -> Self {
        AdqlEngine { catalog }
    }

    /// Parses, validates and plans `text`; result fields carry `votable.*` metadata.
    pub async fn plan(&self, ctx: &SessionContext, text: &str) -> Result<LogicalPlan> {
        let query = parse(text)?;
        let analysis = analyze::analyze(query.ast(), self.catalog.as_ref())?;
        let statement = DfStatement::Statement(Box::new(Statement::Query(Box::new(analysis.query))));
        let plan = ctx.state().statement_to_plan(statement).await.map_err(planning_error)?;
        with_metadata(plan, &analysis.columns)
    }

    /// Like [`AdqlEngine::plan`] with at most `max_rows` rows on top (a TAP service passes MAXREC + 1
    /// to detect overflow). The query's own TOP still applies when it is smaller.
    pub async fn plan_with_limit(&self, ctx: &SessionContext, text: &str, max_rows: usize) -> Result<LogicalPlan> {
        let plan = self.plan(ctx, text).await?;
        LogicalPlanBuilder::from(plan).limit(0, Some(max_rows)).and_then(|b| b.build()).map_err(planning_error)
    }

    /// The query as a DataFrame, ready to execute or stream.
    pub async fn dataframe(&self, ctx: &SessionContext, text: &str) -> Result<DataFrame> {
        let plan = self.plan(ctx, text).await?;
        Ok(DataFrame::new(ctx.state(), plan))
    }
}

pub(crate) fn planning_error(error: datafusion::error::DataFusionError) -> AdqlError {
    let message = error.strip_backtrace();
    let message = message
        .trim_start_matches("Error during planning: ")
        .trim_start_matches("Optimizer rule 'simplify_expressions' failed\ncaused by\n")
        .trim_start_matches("Arrow error: ")
        .to_string();
    let mut error = AdqlError::new(ErrorKind::Planning, Position::UNKNOWN, message.clone());
    if message.contains("Divide by zero") {
        error.message = "division by zero".into();
    }
    error
}

fn metadata_of(column: &OutputColumn) -> Option<FieldMetadata> {
    let mut map = HashMap::new();
    let meta = &column.meta;
    for (key, value) in [
        (META_UNIT, &meta.unit),
        (META_UCD, &meta.ucd),
        (META_DESCRIPTION, &meta.description),
        (META_XTYPE, &meta.xtype),
    ] {
        if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
            map.insert(key.to_string(), value.clone());
        }
    }
    (!map.is_empty()).then(|| FieldMetadata::from(map))
}

/// Re-projects the plan's output so each field has its final name and VOTable metadata.
fn with_metadata(plan: LogicalPlan, columns: &[OutputColumn]) -> Result<LogicalPlan> {
    let fields = plan.schema().columns();
    if fields.len() != columns.len() {
        return Err(AdqlError::new(
            ErrorKind::Planning,
            Position::UNKNOWN,
            format!("internal error: planned {} columns for {} result columns", fields.len(), columns.len()),
        ));
    }
    let exprs: Vec<Expr> = fields
        .into_iter()
        .zip(columns)
        .map(|(field, column)| Expr::Column(field).alias_with_metadata(column.name.clone(), metadata_of(column)))
        .collect();
    LogicalPlanBuilder::from(plan).project(exprs).and_then(|b| b.build()).map_err(planning_error)
}

/// Checks ADQL text and returns it normalised (keywords upper-case, canonical spacing).
///
/// With a catalogue, names, function arguments and geometry are validated too; without, only the
/// syntax (`astrocloud adql check --syntax-only`).
///
/// ```
/// let normalized = vo_adql::check("select top 3 * from t where x<1", None).unwrap();
/// assert_eq!(normalized, "SELECT TOP 3 * FROM t WHERE x < 1");
/// ```
pub fn check(text: &str, catalog: Option<&dyn AdqlCatalog>) -> Result<String> {
    let query = parse(text)?;
    if let Some(catalog) = catalog {
        analyze::analyze(query.ast(), catalog)?;
    }
    Ok(query.to_string())
}
