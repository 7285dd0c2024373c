//! `capability`: what a service does (its `standardID`) and how to reach it (its interfaces),
//! plus the extension a capability type adds (`tr:TableAccess`, `cs:ConeSearch`, ...).

use crate::error::ResourceError;
use crate::interface::{AccessUse, Interface};
use crate::registry::{Harvest, Search};
use crate::simple_dal::{ConeSearch, SimpleImageAccess, SimpleSpectralAccess};
use crate::tap::TableAccess;
use crate::xml::{Element, XmlWriter, ns};

/// `standardID` values of the capabilities this toolkit serves.
pub mod standard_id {
    pub const TAP: &str = "ivo://ivoa.net/std/TAP";
    pub const CONE_SEARCH: &str = "ivo://ivoa.net/std/ConeSearch";
    /// SIA 1.0.
    pub const SIA: &str = "ivo://ivoa.net/std/SIA";
    /// SIA 2.0 query endpoint.
    pub const SIA2_QUERY: &str = "ivo://ivoa.net/std/SIA#query-2.0";
    pub const SSA: &str = "ivo://ivoa.net/std/SSA";
    pub const VOSI_CAPABILITIES: &str = "ivo://ivoa.net/std/VOSI#capabilities";
    pub const VOSI_AVAILABILITY: &str = "ivo://ivoa.net/std/VOSI#availability";
    /// VOSI 1.0 tables.
    pub const VOSI_TABLES: &str = "ivo://ivoa.net/std/VOSI#tables";
    /// VOSI 1.1 tables (with `detail` and per-table children).
    pub const VOSI_TABLES_1_1: &str = "ivo://ivoa.net/std/VOSI#tables-1.1";
    pub const DALI_EXAMPLES: &str = "ivo://ivoa.net/std/DALI#examples";
    pub const DATALINK_LINKS_1_1: &str = "ivo://ivoa.net/std/DataLink#links-1.1";
    pub const SODA_SYNC_1_0: &str = "ivo://ivoa.net/std/SODA#sync-1.0";
    /// A publishing or searchable registry (Registry Interfaces).
    pub const REGISTRY: &str = "ivo://ivoa.net/std/Registry";
    /// UWS 1.1 job lists.
    pub const UWS_REST_1_1: &str = "ivo://ivoa.net/std/UWS#rest-1.1";
}

/// A validation stamp: level 0–4 given by the registry or organisation `validated_by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub level: u8,
    pub validated_by: String,
}

impl Validation {
    pub(crate) fn write_all(validations: &[Validation], w: &mut XmlWriter) {
        for v in validations {
            w.leaf("validationLevel", &[("validatedBy", Some(&v.validated_by))], &v.level.to_string());
        }
    }

    pub(crate) fn read_all(e: &Element) -> Result<Vec<Validation>, ResourceError> {
        e.children_named("validationLevel")
            .map(|v| {
                let level: u8 = v.value("a validation level 0 to 4")?;
                if level > 4 {
                    return Err(v.invalid(v.trimmed_text(), "a validation level 0 to 4"));
                }
                Ok(Validation { level, validated_by: v.required_attr("validatedBy")? })
            })
            .collect()
    }
}

/// What a capability type adds to the plain `vr:Capability`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CapabilityExtension {
    /// A plain `vr:Capability` (VOSI endpoints, SIA 2, DataLink, ...).
    #[default]
    None,
    TableAccess(Box<TableAccess>),
    ConeSearch(ConeSearch),
    SimpleImageAccess(SimpleImageAccess),
    SimpleSpectralAccess(SimpleSpectralAccess),
    Harvest(Harvest),
    Search(Search),
}

/// A `capability` element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Capability {
    pub standard_id: Option<String>,
    pub validation_levels: Vec<Validation>,
    pub description: Option<String>,
    pub interfaces: Vec<Interface>,
    pub extension: CapabilityExtension,
}

impl Capability {
    /// A plain capability for a standard, without interfaces yet.
    pub fn new(standard_id: impl Into<String>) -> Self {
        Capability { standard_id: Some(standard_id.into()), ..Default::default() }
    }

    /// Adds an interface.
    pub fn with_interface(mut self, interface: Interface) -> Self {
        self.interfaces.push(interface);
        self
    }

    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A VOSI endpoint: `vs:ParamHTTP` with `accessURL use="full"`, no security method
    /// (VOSI §4: capabilities and availability must be anonymous).
    fn vosi(standard_id: &str, url: impl Into<String>) -> Self {
        Self::new(standard_id).with_interface(Interface::param_http(url, AccessUse::Full))
    }

    pub fn vosi_capabilities(url: impl Into<String>) -> Self {
        Self::vosi(standard_id::VOSI_CAPABILITIES, url)
    }

    pub fn vosi_availability(url: impl Into<String>) -> Self {
        Self::vosi(standard_id::VOSI_AVAILABILITY, url)
    }

    /// VOSI 1.1 tables.
    pub fn vosi_tables(url: impl Into<String>) -> Self {
        Self::vosi(standard_id::VOSI_TABLES_1_1, url)
    }

    pub fn dali_examples(url: impl Into<String>) -> Self {
        Self::new(standard_id::DALI_EXAMPLES).with_interface(Interface::web_browser(url))
    }

    /// The TAP capability: `tr:TableAccess` with the standard interface at the TAP base URL
    /// (`use="base"`, `version="1.1"`).
    pub fn tap(base_url: impl Into<String>, table_access: TableAccess) -> Self {
        Capability {
            extension: CapabilityExtension::TableAccess(Box::new(table_access)),
            ..Self::new(standard_id::TAP).with_interface(Interface::standard(base_url, AccessUse::Base, Some("1.1")))
        }
    }

    /// The Cone Search capability (`cs:ConeSearch`), standard interface with `use="base"`.
    pub fn cone_search(base_url: impl Into<String>, cone_search: ConeSearch) -> Self {
        Capability {
            extension: CapabilityExtension::ConeSearch(cone_search),
            ..Self::new(standard_id::CONE_SEARCH).with_interface(Interface::standard(base_url, AccessUse::Base, None))
        }
    }

    /// The SSA capability (`ssa:SimpleSpectralAccess`), standard interface version 1.1.
    pub fn ssa(base_url: impl Into<String>, ssa: SimpleSpectralAccess) -> Self {
        Capability {
            extension: CapabilityExtension::SimpleSpectralAccess(ssa),
            ..Self::new(standard_id::SSA).with_interface(Interface::standard(base_url, AccessUse::Base, Some("1.1")))
        }
    }

    /// The SIA 2.0 query capability: a plain capability, standard interface version 2.0.
    pub fn sia2(query_url: impl Into<String>) -> Self {
        Self::new(standard_id::SIA2_QUERY).with_interface(Interface::standard(query_url, AccessUse::Base, Some("2.0")))
    }

    /// The `xsi:type` this capability is written with, if any.
    pub fn xsi_type(&self) -> Option<&'static str> {
        match &self.extension {
            CapabilityExtension::None => None,
            CapabilityExtension::TableAccess(_) => Some("tr:TableAccess"),
            CapabilityExtension::ConeSearch(_) => Some("cs:ConeSearch"),
            CapabilityExtension::SimpleImageAccess(_) => Some("sia:SimpleImageAccess"),
            CapabilityExtension::SimpleSpectralAccess(_) => Some("ssa:SimpleSpectralAccess"),
            CapabilityExtension::Harvest(_) => Some("vg:Harvest"),
            CapabilityExtension::Search(_) => Some("vg:Search"),
        }
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("capability", &[("xsi:type", self.xsi_type()), ("standardID", self.standard_id.as_deref())]);
        Validation::write_all(&self.validation_levels, w);
        w.optional("description", self.description.as_deref());
        for interface in &self.interfaces {
            interface.write(w);
        }
        match &self.extension {
            CapabilityExtension::None => {}
            CapabilityExtension::TableAccess(t) => t.write(w),
            CapabilityExtension::ConeSearch(c) => c.write(w),
            CapabilityExtension::SimpleImageAccess(s) => s.write(w),
            CapabilityExtension::SimpleSpectralAccess(s) => s.write(w),
            CapabilityExtension::Harvest(h) => h.write(w),
            CapabilityExtension::Search(s) => s.write(w),
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let extension = match &e.xsi_type {
            None => CapabilityExtension::None,
            Some(t) if t.is(ns::TR, "TableAccess") => CapabilityExtension::TableAccess(Box::new(TableAccess::read(e)?)),
            Some(t) if t.is(ns::CS, "ConeSearch") => CapabilityExtension::ConeSearch(ConeSearch::read(e)?),
            Some(t) if t.is(ns::SIA, "SimpleImageAccess") => {
                CapabilityExtension::SimpleImageAccess(SimpleImageAccess::read(e)?)
            }
            Some(t) if t.is(ns::SSA, "SimpleSpectralAccess") => {
                CapabilityExtension::SimpleSpectralAccess(SimpleSpectralAccess::read(e)?)
            }
            Some(t) if t.is(ns::VG, "Harvest") => CapabilityExtension::Harvest(Harvest::read(e)?),
            Some(t) if t.is(ns::VG, "Search") => CapabilityExtension::Search(Search::read(e)?),
            Some(t) if t.is(ns::VR, "Capability") => CapabilityExtension::None,
            Some(_) => {
                return Err(ResourceError::UnknownType {
                    element: "capability".into(),
                    xsi_type: e.xsi_type_written.clone().unwrap_or_default(),
                    position: e.position,
                });
            }
        };
        Ok(Capability {
            standard_id: e.optional_attr("standardID"),
            validation_levels: Validation::read_all(e)?,
            description: e.optional_text("description"),
            interfaces: e.children_named("interface").map(Interface::read).collect::<Result<_, _>>()?,
            extension,
        })
    }
}
