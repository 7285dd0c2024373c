//! Table and column metadata: what TAP_SCHEMA, VOSI tables and the VOTable FIELDs are made from.

use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use crate::error::CatalogError;

/// The HEALPix order of the `_healpix` column of positional tables (nested scheme).
///
/// Order 12 cells are about 0.86 arcmin across: fine enough that a 1″ cross-match bucket or a 0.01°
/// cone touches only a few cells, coarse enough that a 10° cone still needs few index ranges once its
/// coverage is computed at a lower order and shifted.
pub const HEALPIX_ORDER: u8 = 12;

/// The name of the internal HEALPix column of positional tables. It is not part of the table's
/// published metadata (TAP_SCHEMA, VOSI, `SELECT *`).
pub const HEALPIX_COLUMN: &str = "_healpix";

/// The HEALPix order of the coverage MOC computed for each positional table (about 0.23°).
pub const COVERAGE_MOC_ORDER: u8 = 8;

/// Metadata of one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ColumnMeta {
    pub name: String,
    /// The Arrow type of the column in the Parquet file, in Arrow's `Display` form
    /// (e.g. `Int64`, `Float64`, `Utf8`).
    pub arrow_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ucd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xtype: Option<String>,
    /// Shown at the lowest verbosity (SCS VERB=1, TAP_SCHEMA `principal`).
    #[serde(default)]
    pub principal: bool,
    /// The column has an index (TAP_SCHEMA `indexed`): RA/Dec of positional tables.
    #[serde(default)]
    pub indexed: bool,
    /// The column is defined by a standard (TAP_SCHEMA `std`).
    #[serde(default)]
    pub std: bool,
    #[serde(default = "default_true")]
    pub nullable: bool,
}

fn default_true() -> bool {
    true
}

impl ColumnMeta {
    /// The column's Arrow type.
    pub fn data_type(&self) -> Result<DataType, CatalogError> {
        self.arrow_type.parse::<DataType>().map_err(|e| {
            CatalogError::Metadata(format!("column {}: bad stored type '{}': {e}", self.name, self.arrow_type))
        })
    }
}

/// Which columns carry the position of a positional table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionMeta {
    pub ra_column: String,
    pub dec_column: String,
    pub healpix_column: String,
    pub healpix_order: u8,
}

/// Metadata of one table of the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableMeta {
    pub schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utype: Option<String>,
    pub columns: Vec<ColumnMeta>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<PositionMeta>,
    pub nrows: u64,
    /// Size of the table's data files in bytes.
    pub bytes: u64,
    /// The table's data directory, relative to the store's root.
    pub data_dir: String,
    /// When the table was first ingested and last replaced (RFC 3339, UTC).
    pub created: String,
    pub updated: String,
}

impl TableMeta {
    /// `schema.name`, as ADQL and VOSI name the table.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    pub fn column(&self, name: &str) -> Option<&ColumnMeta> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .or_else(|| self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
    }

    /// The column carrying the main identifier: UCD `meta.id;meta.main`, else the first column
    /// whose UCD starts with `meta.id`.
    pub fn id_column(&self) -> Option<&ColumnMeta> {
        let ucd = |c: &&ColumnMeta| c.ucd.as_deref().unwrap_or("").to_ascii_lowercase();
        self.columns
            .iter()
            .find(|c| ucd(c).split(';').any(|w| w == "meta.id") && ucd(c).contains("meta.main"))
            .or_else(|| self.columns.iter().find(|c| ucd(c).starts_with("meta.id")))
    }
}

/// Checks that `name` is a valid schema or table name: an ADQL regular identifier
/// (`[A-Za-z][A-Za-z0-9_]*`), so that it never needs quoting.
pub fn check_identifier(kind: &str, name: &str) -> Result<(), CatalogError> {
    let mut chars = name.chars();
    let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64;
    if valid {
        Ok(())
    } else {
        Err(CatalogError::BadName(format!(
            "{kind} name '{name}' must start with a letter and contain only letters, digits and '_' (at most 64)"
        )))
    }
}

/// Splits `schema.table` into its parts, checking both.
pub fn parse_qualified_name(qualified: &str) -> Result<(String, String), CatalogError> {
    let (schema, table) = qualified
        .split_once('.')
        .ok_or_else(|| CatalogError::BadName(format!("table name '{qualified}' must be qualified as SCHEMA.NAME")))?;
    check_identifier("schema", schema)?;
    check_identifier("table", table)?;
    Ok((schema.to_string(), table.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse_qualified_name("demo.stars").unwrap(), ("demo".into(), "stars".into()));
        assert!(parse_qualified_name("stars").is_err());
        assert!(parse_qualified_name("demo.1x").is_err());
        assert!(parse_qualified_name("de mo.x").is_err());
        assert!(parse_qualified_name("demo.x;drop").is_err());
    }

    #[test]
    fn arrow_type_round_trip() {
        for t in [DataType::Int64, DataType::Float32, DataType::Utf8, DataType::Boolean] {
            let c = ColumnMeta { name: "x".into(), arrow_type: t.to_string(), ..Default::default() };
            assert_eq!(c.data_type().unwrap(), t);
        }
    }
}
