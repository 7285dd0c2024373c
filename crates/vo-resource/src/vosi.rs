//! VOSI 1.1 documents [VOSI §3]: capabilities (`vosi:capabilities`), availability
//! (`vosi:availability`) and table metadata (`vosi:tableset`, or one `vosi:table`), written with
//! the standard namespaces and prefixes so that STILTS taplint validates them against its own
//! copies of the schemas, and read back for tests and clients.
//!
//! ```
//! use vo_resource::vosi::{Availability, write_availability, read_availability};
//!
//! let status = Availability { note: vec!["all good".into()], ..Availability::up() };
//! let xml = write_availability(&status);
//! assert!(xml.contains("<vosi:available>true</vosi:available>"));
//! assert_eq!(read_availability(&xml).unwrap(), status);
//! ```

use crate::capability::Capability;
use crate::error::ResourceError;
use crate::tableset::{Detail, Table, TableSet};
use crate::xml::{Element, XmlWriter, ns, parse_document};

fn root_attributes(vosi_namespace: &'static str) -> Vec<(&'static str, Option<&'static str>)> {
    let mut attributes = vec![("xmlns:vosi", Some(vosi_namespace))];
    attributes.extend(ns::RESOURCE_NAMESPACES.iter().map(|(k, v)| (*k, Some(*v))));
    attributes
}

fn expect_root(root: &Element, namespace: &str, local: &'static str) -> Result<(), ResourceError> {
    if root.name.is(namespace, local) {
        Ok(())
    } else {
        Err(ResourceError::UnexpectedRoot {
            expected: local,
            namespace: root.name.namespace.clone().unwrap_or_default(),
            found: root.name.local.clone(),
        })
    }
}

/// The VOSI capabilities document listing `capabilities`.
pub fn write_capabilities(capabilities: &[Capability]) -> String {
    let mut w = XmlWriter::new();
    w.start("vosi:capabilities", &root_attributes(ns::VOSI_CAPABILITIES));
    for capability in capabilities {
        capability.write(&mut w);
    }
    w.finish()
}

/// Reads a VOSI capabilities document (any prefixes).
pub fn read_capabilities(xml: &str) -> Result<Vec<Capability>, ResourceError> {
    let root = parse_document(xml)?;
    expect_root(&root, ns::VOSI_CAPABILITIES, "capabilities")?;
    root.children_named("capability").map(Capability::read).collect()
}

/// The state of a service [VOSI §3.2]. Timestamps are ISO 8601 UTC (`2026-01-31T12:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    pub available: bool,
    /// When the service last came up.
    pub up_since: Option<String>,
    /// When a planned outage starts.
    pub down_at: Option<String>,
    /// When the service is expected back.
    pub back_at: Option<String>,
    pub note: Vec<String>,
}

impl Availability {
    /// Available, nothing else said.
    pub fn up() -> Self {
        Availability { available: true, ..Default::default() }
    }

    /// Not available, with the reason.
    pub fn down(reason: impl Into<String>) -> Self {
        Availability { available: false, note: vec![reason.into()], ..Default::default() }
    }
}

/// The VOSI availability document. Its children are qualified (`vosi:available`), as the
/// availability schema's `elementFormDefault="qualified"` requires.
pub fn write_availability(availability: &Availability) -> String {
    let mut w = XmlWriter::new();
    w.start("vosi:availability", &[("xmlns:vosi", Some(ns::VOSI_AVAILABILITY)), ("xmlns:xsi", Some(ns::XSI))]);
    w.text("vosi:available", if availability.available { "true" } else { "false" });
    w.optional("vosi:upSince", availability.up_since.as_deref());
    w.optional("vosi:downAt", availability.down_at.as_deref());
    w.optional("vosi:backAt", availability.back_at.as_deref());
    for note in &availability.note {
        w.text("vosi:note", note);
    }
    w.finish()
}

pub fn read_availability(xml: &str) -> Result<Availability, ResourceError> {
    let root = parse_document(xml)?;
    expect_root(&root, ns::VOSI_AVAILABILITY, "availability")?;
    Ok(Availability {
        available: root.required_child("available")?.boolean()?,
        up_since: root.optional_text("upSince"),
        down_at: root.optional_text("downAt"),
        back_at: root.optional_text("backAt"),
        note: root.texts("note"),
    })
}

/// Namespace declarations of a tables document: `vs` and `xsi` for the column data types.
const TABLES_ROOT_ATTRIBUTES: [(&str, Option<&str>); 3] =
    [("xmlns:vosi", Some(ns::VOSI_TABLES)), ("xmlns:vs", Some(ns::VS)), ("xmlns:xsi", Some(ns::XSI))];

/// The VOSI tables document for all tables; `Detail::Min` leaves out columns and foreign keys.
pub fn write_tableset(tableset: &TableSet, detail: Detail) -> String {
    let mut w = XmlWriter::new();
    tableset.write(&mut w, "vosi:tableset", &TABLES_ROOT_ATTRIBUTES, detail);
    w.finish()
}

/// The VOSI tables document for one table (`GET {tables}/{name}`), always in full detail.
pub fn write_table(table: &Table) -> String {
    let mut w = XmlWriter::new();
    table.write(&mut w, "vosi:table", &TABLES_ROOT_ATTRIBUTES, Detail::Max);
    w.finish()
}

pub fn read_tableset(xml: &str) -> Result<TableSet, ResourceError> {
    let root = parse_document(xml)?;
    expect_root(&root, ns::VOSI_TABLES, "tableset")?;
    TableSet::read(&root)
}

pub fn read_table(xml: &str) -> Result<Table, ResourceError> {
    let root = parse_document(xml)?;
    expect_root(&root, ns::VOSI_TABLES, "table")?;
    Table::read(&root)
}
