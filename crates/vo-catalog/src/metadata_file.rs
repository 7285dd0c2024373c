//! The user's column metadata file (`META.toml`) given to `ingest`.
//!
//! ```toml
//! description = "My survey's sources"
//! ra = "RAJ2000"            # optional: the position columns, when their names or UCDs do not say
//! dec = "DEJ2000"
//!
//! [columns.RAJ2000]
//! description = "Right ascension (ICRS, J2000)"
//! unit = "deg"
//! ucd = "pos.eq.ra;meta.main"
//! principal = true
//!
//! [columns.flux]
//! datatype = "float"        # VOTable datatype to store the column as (CSV types are guessed otherwise)
//! unit = "mJy"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use arrow_schema::DataType;
use serde::Deserialize;

use crate::error::{CatalogError, Result};

/// The parsed metadata file. Unknown keys are errors that name the key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataFile {
    pub description: Option<String>,
    pub utype: Option<String>,
    pub ra: Option<String>,
    pub dec: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnSpec>,
}

/// Metadata of one column, as the user writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub description: Option<String>,
    pub unit: Option<String>,
    pub ucd: Option<String>,
    pub utype: Option<String>,
    pub xtype: Option<String>,
    pub principal: Option<bool>,
    pub indexed: Option<bool>,
    pub std: Option<bool>,
    /// A VOTable datatype (`boolean`, `unsignedByte`, `short`, `int`, `long`, `float`, `double`,
    /// `char`) the column is stored as.
    pub datatype: Option<String>,
}

impl MetadataFile {
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| CatalogError::io(path, e))?;
        Self::parse(&text).map_err(|e| CatalogError::Metadata(format!("{}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let file: MetadataFile = toml::from_str(text).map_err(|e| CatalogError::Metadata(e.to_string()))?;
        for (name, spec) in &file.columns {
            if let Some(t) = &spec.datatype {
                votable_datatype_to_arrow(t).map_err(|e| CatalogError::Metadata(format!("column {name}: {e}")))?;
            }
        }
        Ok(file)
    }

    /// The storage types the file asks for, by column name.
    pub fn type_overrides(&self) -> Vec<(String, DataType)> {
        self.columns
            .iter()
            .filter_map(|(name, spec)| {
                let t = spec.datatype.as_deref()?;
                Some((name.clone(), votable_datatype_to_arrow(t).ok()?))
            })
            .collect()
    }

    /// Fails, naming them, if the file describes columns the data does not have.
    pub fn check_columns_exist(&self, data_columns: &[&str]) -> Result<()> {
        let missing: Vec<&str> =
            self.columns.keys().map(String::as_str).filter(|name| !data_columns.contains(name)).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Metadata(format!(
                "the metadata file describes column{} {} that the data does not have (columns: {})",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                data_columns.join(", ")
            )))
        }
    }
}

/// The Arrow type a VOTable scalar datatype is stored as.
pub fn votable_datatype_to_arrow(name: &str) -> Result<DataType> {
    Ok(match name {
        "boolean" => DataType::Boolean,
        "unsignedByte" => DataType::UInt8,
        "short" => DataType::Int16,
        "int" => DataType::Int32,
        "long" => DataType::Int64,
        "float" => DataType::Float32,
        "double" => DataType::Float64,
        "char" | "unicodeChar" | "string" => DataType::Utf8,
        other => {
            return Err(CatalogError::Metadata(format!(
                "unknown datatype '{other}' (boolean, unsignedByte, short, int, long, float, double, char)"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_unknown_keys() {
        let m = MetadataFile::parse("description = 'x'\n[columns.ra]\nunit = 'deg'\nucd = 'pos.eq.ra'\n").unwrap();
        assert_eq!(m.columns["ra"].unit.as_deref(), Some("deg"));
        let err = MetadataFile::parse("[columns.ra]\nunits = 'deg'\n").unwrap_err().to_string();
        assert!(err.contains("units"), "{err}");
        let err = MetadataFile::parse("[columns.ra]\nprincipal = 'yes'\n").unwrap_err().to_string();
        assert!(err.contains("principal") || err.contains("bool"), "{err}");
        let err = MetadataFile::parse("[columns.x]\ndatatype = 'quad'\n").unwrap_err().to_string();
        assert!(err.contains("quad"), "{err}");
    }

    #[test]
    fn missing_columns_are_named() {
        let m = MetadataFile::parse("[columns.ra]\n[columns.magnitude]\n").unwrap();
        let err = m.check_columns_exist(&["ra", "dec"]).unwrap_err().to_string();
        assert!(err.contains("column magnitude that"), "{err}");
    }
}
