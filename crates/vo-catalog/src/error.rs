//! The catalogue store's errors.

use std::path::PathBuf;

/// What went wrong in the catalogue store.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{0}")]
    BadName(String),
    #[error("no table {0} in the catalogue")]
    UnknownTable(String),
    /// Bad input data; the message names file, line and column where known.
    #[error("{0}")]
    BadInput(String),
    /// Bad user metadata (META.toml).
    #[error("{0}")]
    Metadata(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("metadata database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("query engine: {0}")]
    DataFusion(#[from] datafusion::error::DataFusionError),
}

impl CatalogError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        CatalogError::Io { path: path.into(), source }
    }
}

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;
