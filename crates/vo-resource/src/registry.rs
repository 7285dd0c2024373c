//! VORegistry (Registry Interfaces): the capabilities a registry declares — `vg:Harvest` (its
//! OAI-PMH endpoint) and the legacy `vg:Search` — and the constructor of a harvest capability.

use crate::capability::{Capability, CapabilityExtension, standard_id};
use crate::error::ResourceError;
use crate::interface::Interface;
use crate::xml::{Element, XmlWriter};

/// `vg:Harvest`: the registry's OAI-PMH interface and its page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Harvest {
    /// Records per response before a resumption token is issued.
    pub max_records: i32,
}

impl Harvest {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.text("maxRecords", &self.max_records.to_string());
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        Ok(Harvest { max_records: e.required_child("maxRecords")?.value("an integer")? })
    }
}

/// `vg:Search`: a (legacy) registry search interface.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub max_records: i32,
    /// `core`, `partial` or `full`.
    pub extension_search_support: String,
    pub optional_protocols: Vec<String>,
}

impl Search {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.text("maxRecords", &self.max_records.to_string());
        w.text("extensionSearchSupport", &self.extension_search_support);
        w.each("optionalProtocol", &self.optional_protocols);
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        Ok(Search {
            max_records: e.required_child("maxRecords")?.value("an integer")?,
            extension_search_support: e.required_text("extensionSearchSupport")?,
            optional_protocols: e.texts("optionalProtocol"),
        })
    }
}

impl Capability {
    /// The harvesting capability of a publishing registry: `vg:Harvest` with a `vg:OAIHTTP`
    /// interface at the OAI-PMH endpoint.
    pub fn oai_harvest(oai_url: impl Into<String>, max_records: i32) -> Self {
        Capability {
            extension: CapabilityExtension::Harvest(Harvest { max_records }),
            ..Capability::new(standard_id::REGISTRY).with_interface(Interface::oai_http(oai_url))
        }
    }
}
