//! Cone search errors and the SCS error document.

use quick_xml::escape::escape;

/// What can go wrong in a cone search.
#[derive(Debug, thiserror::Error)]
pub enum ConeError {
    /// A missing, unparsable or out-of-range parameter.
    #[error("{0}")]
    BadParameter(String),
    #[error("no table {0} is served by cone search")]
    UnknownTable(String),
    #[error("table {0} has no position columns")]
    NotPositional(String),
    #[error("{0}")]
    Geometry(String),
    #[error("query failed: {0}")]
    Query(#[from] datafusion::error::DataFusionError),
    #[error("query failed: {0}")]
    Catalog(#[from] vo_catalog::CatalogError),
    /// Reading the table's Parquet file (the fast path of `scan`).
    #[error("reading the table failed: {0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    #[error("query failed: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl From<vo_adql::AdqlError> for ConeError {
    fn from(e: vo_adql::AdqlError) -> Self {
        ConeError::Geometry(e.message.clone())
    }
}

impl ConeError {
    pub fn http_status(&self) -> u16 {
        match self {
            ConeError::BadParameter(_) | ConeError::Geometry(_) => 400,
            ConeError::UnknownTable(_) | ConeError::NotPositional(_) => 404,
            ConeError::Query(_) | ConeError::Catalog(_) | ConeError::Parquet(_) | ConeError::Arrow(_) => 500,
        }
    }
}

/// The SCS error document: `INFO name="Error"` under VOTABLE, where SCS 1.03 clients look for
/// it, and DALI's `INFO name="QUERY_STATUS" value="ERROR"` in the results resource, where DALI
/// and SCS 1.1 clients look.
pub fn error_document(message: &str) -> String {
    let message = escape(message);
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n",
            "<INFO ID=\"Error\" name=\"Error\" value=\"{m}\"/>\n",
            "<RESOURCE type=\"results\">\n",
            "<INFO name=\"QUERY_STATUS\" value=\"ERROR\">{m}</INFO>\n",
            "</RESOURCE>\n",
            "</VOTABLE>\n"
        ),
        m = message
    )
}
