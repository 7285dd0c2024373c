//! VOResource 1.1/1.2 and its extensions (VODataService, SimpleDALRegExt, TAPRegExt, Registry
//! Interfaces) as Rust types with XML write and read, plus the VOSI documents built from them.
//!
//! Everything is written with the standard namespaces and prefixes (`vr`, `vs`, `tr`, `cs`,
//! `sia`, `ssa`, `vg`, `ri`, `vosi`, `xsi`) and validates against the official schemas (copies in
//! `resources/xsd`, checked by `conformance/registry/validate_xsd.py`). Reading accepts any
//! prefixes and resolves `xsi:type` by namespace, so records from other publishers round-trip.
//!
//! ```
//! use vo_resource::{AccessUse, Capability, ConeSearch, Interface, write_capabilities};
//!
//! let base = "https://example.org/scs/hipparcos";
//! let capabilities = [
//!     Capability::vosi_capabilities(format!("{base}/capabilities")),
//!     Capability::vosi_availability(format!("{base}/availability")),
//!     Capability::cone_search(
//!         format!("{base}/scs?"),
//!         ConeSearch { max_sr: Some(10.0), max_records: Some(50_000), ..Default::default() },
//!     ),
//! ];
//! let xml = write_capabilities(&capabilities);
//! assert!(xml.contains(r#"<capability xsi:type="cs:ConeSearch" standardID="ivo://ivoa.net/std/ConeSearch">"#));
//! assert_eq!(vo_resource::vosi::read_capabilities(&xml).unwrap(), capabilities);
//! ```

pub mod capability;
pub mod coverage;
pub mod curation;
pub mod datatype;
pub mod error;
pub mod interface;
pub mod registry;
pub mod resource;
pub mod simple_dal;
pub mod tableset;
pub mod tap;
pub mod vosi;
pub mod vospace;
pub mod xml;

pub use capability::{Capability, CapabilityExtension, Validation, standard_id};
pub use coverage::{Coverage, Footprint, SpatialCoverage};
pub use curation::{Contact, Content, Creator, Curation, Date, Relationship, ResourceName, Source};
pub use datatype::{DataType, TypeSystem};
pub use error::{Position, ResourceError};
pub use interface::{
    AccessUrl, AccessUse, InputParam, Interface, InterfaceKind, MirrorUrl, ParamHttp, ParamUse, QueryType,
    SecurityMethod,
};
pub use registry::{Harvest, Search};
pub use resource::{Format, Resource, ResourceType, Rights, Status, read_resource, write_resource};
pub use simple_dal::{
    ConeQuery, ConeSearch, ImageQuery, SimpleImageAccess, SimpleSpectralAccess, SkyPair, SpectralQuery,
};
pub use tableset::{Column, Detail, ForeignKey, ForeignKeyColumn, Schema, Table, TableSet};
pub use tap::TableAccess;
pub use vosi::{Availability, write_availability, write_capabilities, write_table, write_tableset};
