//! Keys of the Arrow field metadata that carry VOTable FIELD attributes.
//!
//! The reader sets them on every Arrow field it produces; the writer reads them back, so a
//! VOTable → Arrow → VOTable trip loses nothing. Other crates set a few of them (UCD, unit,
//! description) on the Arrow fields they produce and the writer emits them.
//!
//! ```
//! use std::collections::HashMap;
//! use arrow_schema::{DataType, Field as ArrowField};
//! use vo_votable::{arrow_meta, convert::field_from_arrow};
//!
//! let arrow = ArrowField::new("ra", DataType::Float64, true).with_metadata(HashMap::from([
//!     (arrow_meta::UCD.to_string(), "pos.eq.ra;meta.main".to_string()),
//!     (arrow_meta::UNIT.to_string(), "deg".to_string()),
//! ]));
//! let field = field_from_arrow(&arrow).unwrap();
//! assert_eq!(field.ucd.as_deref(), Some("pos.eq.ra;meta.main"));
//! assert_eq!(field.datatype.as_str(), "double");
//! ```

/// FIELD `ucd`.
pub const UCD: &str = "votable.ucd";
/// FIELD `unit`.
pub const UNIT: &str = "votable.unit";
/// FIELD `utype`.
pub const UTYPE: &str = "votable.utype";
/// FIELD `xtype`.
pub const XTYPE: &str = "votable.xtype";
/// FIELD DESCRIPTION text.
pub const DESCRIPTION: &str = "votable.description";
/// FIELD `ID`.
pub const ID: &str = "votable.id";
/// FIELD `datatype` (overrides the datatype derived from the Arrow type).
pub const DATATYPE: &str = "votable.datatype";
/// FIELD `arraysize`.
pub const ARRAYSIZE: &str = "votable.arraysize";
/// FIELD `width`.
pub const WIDTH: &str = "votable.width";
/// FIELD `precision`.
pub const PRECISION: &str = "votable.precision";
/// FIELD `ref`.
pub const REF: &str = "votable.ref";
/// The VALUES `null` magic value.
pub const NULL: &str = "votable.null";
/// The deprecated FIELD `type` attribute.
pub const FIELD_TYPE: &str = "votable.type";
/// The rest of VALUES (MIN, MAX, OPTION, `type`, `ID`, `ref`), as an XML fragment `<VALUES ...>`.
pub const VALUES_XML: &str = "votable.values";
/// The FIELD's LINK children, as a sequence of `<LINK .../>` XML fragments.
pub const LINKS_XML: &str = "votable.links";
