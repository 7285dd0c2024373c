//! The XML plumbing: namespaces with their conventional prefixes, a namespace-resolved element
//! tree that readers work from ([`Element`]), and the writer every document goes through.

mod read;
mod tree;
mod writer;

pub use tree::{Attribute, Element, QualifiedName, parse_document};
pub use writer::{Attrs, XmlWriter};

/// XML namespaces of the documents this crate reads and writes.
pub mod ns {
    /// VOResource 1.0–1.2 (the namespace stayed at v1.0).
    pub const VR: &str = "http://www.ivoa.net/xml/VOResource/v1.0";
    /// VODataService 1.1–1.2.
    pub const VS: &str = "http://www.ivoa.net/xml/VODataService/v1.1";
    /// TAPRegExt 1.0.
    pub const TR: &str = "http://www.ivoa.net/xml/TAPRegExt/v1.0";
    /// SimpleDALRegExt: Cone Search.
    pub const CS: &str = "http://www.ivoa.net/xml/ConeSearch/v1.0";
    /// SimpleDALRegExt: Simple Image Access 1.
    pub const SIA: &str = "http://www.ivoa.net/xml/SIA/v1.1";
    /// SimpleDALRegExt: Simple Spectral Access.
    pub const SSA: &str = "http://www.ivoa.net/xml/SSA/v1.1";
    /// VORegistry (Registry, Authority, Harvest, Search, OAIHTTP).
    pub const VG: &str = "http://www.ivoa.net/xml/VORegistry/v1.0";
    /// RegistryInterface (`ri:Resource`, the root of a record in OAI-PMH).
    pub const RI: &str = "http://www.ivoa.net/xml/RegistryInterface/v1.0";
    pub const VOSI_CAPABILITIES: &str = "http://www.ivoa.net/xml/VOSICapabilities/v1.0";
    pub const VOSI_AVAILABILITY: &str = "http://www.ivoa.net/xml/VOSIAvailability/v1.0";
    pub const VOSI_TABLES: &str = "http://www.ivoa.net/xml/VOSITables/v1.0";
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// STC 1.30, only met inside the deprecated `coverage/STCResourceProfile`.
    pub const STC: &str = "http://www.ivoa.net/xml/STC/stc-v1.30.xsd";
    pub const XLINK: &str = "http://www.w3.org/1999/xlink";

    /// The prefix STILTS, DaCHS and the standards use for a namespace, if it has one.
    pub fn conventional_prefix(namespace: &str) -> Option<&'static str> {
        Some(match namespace {
            VR => "vr",
            VS => "vs",
            TR => "tr",
            CS => "cs",
            SIA => "sia",
            SSA => "ssa",
            VG => "vg",
            RI => "ri",
            XSI => "xsi",
            STC => "stc",
            XLINK => "xlink",
            _ => return None,
        })
    }

    /// The namespaces declared on the root of every VOResource-bearing document we write, so that
    /// `xsi:type` values anywhere below can use the conventional prefixes.
    pub const RESOURCE_NAMESPACES: [(&str, &str); 8] = [
        ("xmlns:vr", VR),
        ("xmlns:vs", VS),
        ("xmlns:tr", TR),
        ("xmlns:cs", CS),
        ("xmlns:sia", SIA),
        ("xmlns:ssa", SSA),
        ("xmlns:vg", VG),
        ("xmlns:xsi", XSI),
    ];
}
