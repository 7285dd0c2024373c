//! The VOTable 1.5 document model: plain structs with public fields, one per element.
//!
//! Element order inside a parent is kept per element kind (all FIELDs in order, all PARAMs in
//! order, ...). The writer emits kinds in an order the schema accepts (COOSYS and TIMESYS before
//! the FIELDs and PARAMs that reference them).
//!
//! ```
//! use vo_votable::model::{Datatype, ArraySize, Field, Info, Resource, Table, VoTable};
//! let mut table = Table::default();
//! table.fields.push(Field::new("ra", Datatype::Double).with_unit("deg").with_ucd("pos.eq.ra;meta.main"));
//! table.fields.push(Field::new("name", Datatype::Char).with_arraysize(ArraySize::variable()));
//! let mut doc = VoTable::default();
//! doc.resources.push(Resource::results_with(table));
//! doc.resources[0].infos.push(Info::new("QUERY_STATUS", "OK"));
//! let xml = doc.to_xml_string();
//! assert!(xml.contains(r#"<FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>"#));
//! ```

mod arraysize;
mod datatype;
mod elements;

pub use arraysize::{ArraySize, BadArraySize, LastDim, MAX_FIXED_ELEMENTS};
pub use datatype::{Datatype, UnknownDatatype};
pub use elements::*;

/// The namespace shared by VOTable 1.3, 1.4 and 1.5 documents.
pub const NAMESPACE_1_3: &str = "http://www.ivoa.net/xml/VOTable/v1.3";
/// The VOTable 1.2 namespace (read only).
pub const NAMESPACE_1_2: &str = "http://www.ivoa.net/xml/VOTable/v1.2";
/// The VOTable 1.1 namespace (read only).
pub const NAMESPACE_1_1: &str = "http://www.ivoa.net/xml/VOTable/v1.1";
/// The version this crate writes.
pub const VERSION: &str = "1.5";
/// The version services should declare on what they send: every document this crate writes
/// without 1.5-only content is also valid VOTable 1.4, and the STILTS that Debian 12 ships
/// (3.4.7, TOPCAT's library, with its `votlint` and `taplint`) rejects `version="1.5"` outright.
pub const SERVICE_VERSION: &str = "1.4";
