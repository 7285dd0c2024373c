//! VODataService data types: the `dataType` of a table column (`vs:VOTableType`, or the legacy
//! `vs:TAPType`) and of an interface parameter (`vs:SimpleDataType`, no `xsi:type`).

use crate::error::ResourceError;
use crate::xml::{Element, QualifiedName, XmlWriter, ns};

/// Which type system a `dataType` value comes from (its `xsi:type`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TypeSystem {
    /// `vs:VOTableType`: `boolean bit unsignedByte short int long char unicodeChar float double
    /// floatComplex doubleComplex`. The right choice for VOSI tables in TAP 1.1.
    #[default]
    VOTable,
    /// `vs:TAPType` (TAP 1.0 style: `SMALLINT`, `VARCHAR`, `POINT`...).
    Tap,
    /// No `xsi:type`: a `vs:SimpleDataType` in interface parameters (`integer real complex boolean
    /// char string`).
    Simple,
    /// Some other `xsi:type`, kept as read (e.g. DaCHS' old `vs:TAP`).
    Other(QualifiedName),
}

/// A `dataType` element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataType {
    pub system: TypeSystem,
    /// The type name, e.g. `double`, `char`.
    pub name: String,
    /// VOTable arraysize, e.g. `*`, `2`, `32*`, `3x*`.
    pub arraysize: Option<String>,
    pub delim: Option<String>,
    /// DALI xtype (e.g. `timestamp`, `point`).
    pub extended_type: Option<String>,
    pub extended_schema: Option<String>,
    /// `size` (only `vs:TAPType`).
    pub size: Option<u64>,
}

impl DataType {
    /// A `vs:VOTableType` with this name.
    pub fn votable(name: impl Into<String>) -> Self {
        DataType { name: name.into(), ..Default::default() }
    }

    /// A `vs:SimpleDataType`, for interface parameters.
    pub fn simple(name: impl Into<String>) -> Self {
        DataType { system: TypeSystem::Simple, name: name.into(), ..Default::default() }
    }

    pub fn with_arraysize(mut self, arraysize: impl Into<String>) -> Self {
        self.arraysize = Some(arraysize.into());
        self
    }

    pub fn with_xtype(mut self, xtype: impl Into<String>) -> Self {
        self.extended_type = Some(xtype.into());
        self
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let other_type;
        let xsi_type = match &self.system {
            TypeSystem::VOTable => Some("vs:VOTableType"),
            TypeSystem::Tap => Some("vs:TAPType"),
            TypeSystem::Simple => None,
            TypeSystem::Other(name) => {
                other_type = match name.namespace.as_deref().and_then(ns::conventional_prefix) {
                    Some(prefix) => format!("{prefix}:{}", name.local),
                    None => name.local.clone(),
                };
                Some(other_type.as_str())
            }
        };
        let size = self.size.map(|s| s.to_string());
        w.leaf(
            "dataType",
            &[
                ("xsi:type", xsi_type),
                ("arraysize", self.arraysize.as_deref()),
                ("delim", self.delim.as_deref()),
                ("extendedType", self.extended_type.as_deref()),
                ("extendedSchema", self.extended_schema.as_deref()),
                ("size", size.as_deref()),
            ],
            &self.name,
        );
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let system = match &e.xsi_type {
            None => TypeSystem::Simple,
            Some(t) if t.is(ns::VS, "VOTableType") => TypeSystem::VOTable,
            Some(t) if t.is(ns::VS, "TAPType") => TypeSystem::Tap,
            Some(t) => TypeSystem::Other(t.clone()),
        };
        let size = match e.attr("size") {
            Some(v) => Some(v.trim().parse().map_err(|_| e.invalid(v, "a positive integer size"))?),
            None => None,
        };
        Ok(DataType {
            system,
            name: e.trimmed_text().to_string(),
            arraysize: e.optional_attr("arraysize"),
            delim: e.attr("delim").map(str::to_string),
            extended_type: e.optional_attr("extendedType"),
            extended_schema: e.optional_attr("extendedSchema"),
            size,
        })
    }
}
