//! A whole resource record (`ri:Resource`) [VOResource §3]: one struct for every resource type,
//! whose `resource_type` decides the `xsi:type` and which of the type-specific fields are
//! written, in the order the schema wants them.
//!
//! ```
//! use vo_resource::resource::*;
//! use vo_resource::Capability;
//!
//! let record = Resource {
//!     resource_type: ResourceType::CatalogService,
//!     created: "2026-01-01T00:00:00Z".into(),
//!     updated: "2026-02-01T00:00:00Z".into(),
//!     title: "Hipparcos main catalogue".into(),
//!     short_name: Some("HIP".into()),
//!     identifier: "ivo://example.org/hipparcos/scs".into(),
//!     curation: Curation::new(ResourceName::new("Example Data Centre"), Contact::new("Help desk", Some("help@example.org"))),
//!     content: Content::new(&["astrometry"], "The Hipparcos catalogue.", "https://example.org/hipparcos"),
//!     capabilities: vec![Capability::vosi_capabilities("https://example.org/hipparcos/capabilities")],
//!     ..Default::default()
//! };
//! let xml = write_resource(&record);
//! assert!(xml.contains(r#"xsi:type="vs:CatalogService""#));
//! assert_eq!(read_resource(&xml).unwrap(), record);
//! ```

use crate::capability::{Capability, Validation};
use crate::coverage::Coverage;
use crate::error::ResourceError;
use crate::interface::{AccessUrl, AccessUse};
use crate::tableset::{Detail, TableSet};
use crate::xml::{Element, XmlWriter, ns, parse_document};

pub use crate::curation::{Contact, Content, Creator, Curation, Date, Relationship, ResourceName, Source};

/// The `xsi:type` of a resource record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceType {
    /// `vr:Resource`: a generic resource.
    #[default]
    Resource,
    /// `vr:Organisation`: a publisher (facilities, instruments).
    Organisation,
    /// `vr:Service`: rights and capabilities.
    Service,
    /// `vs:DataService`: a service with coverage.
    DataService,
    /// `vs:CatalogService`: a service over tables (coverage and tableset).
    CatalogService,
    /// `vs:DataCollection`: data without a service of its own.
    DataCollection,
    /// `vg:Registry`: a registry (the harvesting interface is a capability).
    Registry,
    /// `vg:Authority`: a naming authority managed by a registry.
    Authority,
}

impl ResourceType {
    pub fn xsi_type(self) -> &'static str {
        match self {
            ResourceType::Resource => "vr:Resource",
            ResourceType::Organisation => "vr:Organisation",
            ResourceType::Service => "vr:Service",
            ResourceType::DataService => "vs:DataService",
            ResourceType::CatalogService => "vs:CatalogService",
            ResourceType::DataCollection => "vs:DataCollection",
            ResourceType::Registry => "vg:Registry",
            ResourceType::Authority => "vg:Authority",
        }
    }

    fn from_element(e: &Element) -> Result<Self, ResourceError> {
        const KNOWN: [(&str, &str, ResourceType); 8] = [
            (ns::VR, "Resource", ResourceType::Resource),
            (ns::VR, "Organisation", ResourceType::Organisation),
            (ns::VR, "Service", ResourceType::Service),
            (ns::VS, "DataService", ResourceType::DataService),
            (ns::VS, "CatalogService", ResourceType::CatalogService),
            (ns::VS, "DataCollection", ResourceType::DataCollection),
            (ns::VG, "Registry", ResourceType::Registry),
            (ns::VG, "Authority", ResourceType::Authority),
        ];
        let Some(xsi_type) = &e.xsi_type else { return Ok(ResourceType::Resource) };
        KNOWN.iter().find(|(namespace, local, _)| xsi_type.is(namespace, local)).map(|(_, _, t)| *t).ok_or_else(|| {
            ResourceError::UnknownType {
                element: e.local_name().to_string(),
                xsi_type: e.xsi_type_written.clone().unwrap_or_default(),
                position: e.position,
            }
        })
    }

    /// Whether the type has `rights` and `capability` (it derives from `vr:Service`).
    pub fn is_service(self) -> bool {
        matches!(
            self,
            ResourceType::Service | ResourceType::DataService | ResourceType::CatalogService | ResourceType::Registry
        )
    }
}

/// `status` of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Active,
    Inactive,
    Deleted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Deleted => "deleted",
        }
    }
}

/// A rights statement, ideally with an SPDX URI (`rightsURI`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rights {
    pub text: String,
    pub rights_uri: Option<String>,
}

/// A data format of a collection (`format`, `isMIMEType`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Format {
    pub value: String,
    pub is_mime_type: Option<bool>,
}

/// A resource record. Fields that the `resource_type` does not have are not written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    pub resource_type: ResourceType,
    /// UTC timestamp `YYYY-MM-DDThh:mm:ssZ`.
    pub created: String,
    /// UTC timestamp; must change whenever the record content changes.
    pub updated: String,
    pub status: Status,
    /// VOResource schema version written (e.g. `1.1`); optional.
    pub version: Option<String>,
    pub validation_levels: Vec<Validation>,
    pub title: String,
    /// At most 16 characters.
    pub short_name: Option<String>,
    /// The IVOID, `ivo://authority/path`.
    pub identifier: String,
    /// DOIs, ORCIDs, ... as URIs.
    pub alt_identifiers: Vec<String>,
    pub curation: Curation,
    pub content: Content,
    /// Organisation, DataService, CatalogService, DataCollection.
    pub facilities: Vec<ResourceName>,
    /// Organisation, DataService, CatalogService, DataCollection.
    pub instruments: Vec<ResourceName>,
    /// Services, registries and data collections.
    pub rights: Vec<Rights>,
    /// Services and registries.
    pub capabilities: Vec<Capability>,
    /// DataCollection.
    pub formats: Vec<Format>,
    /// DataService, CatalogService, DataCollection.
    pub coverage: Option<Coverage>,
    /// CatalogService, DataCollection, Registry.
    pub tableset: Option<TableSet>,
    /// DataCollection: where to get the data.
    pub access_url: Option<AccessUrl>,
    /// Registry: whether it harvests the whole VO (`full`).
    pub full: bool,
    /// Registry: the authority IDs it manages (without `ivo://`).
    pub managed_authorities: Vec<String>,
    /// Authority: the organisation that manages it.
    pub managing_org: Option<ResourceName>,
}

impl Resource {
    /// Writes the record as an element named `element` (e.g. `ri:Resource`) with extra attributes
    /// (namespace declarations for a root element).
    pub fn write_element(&self, w: &mut XmlWriter, element: &str, extra_attributes: &[(&str, Option<&str>)]) {
        let t = self.resource_type;
        let mut attributes = extra_attributes.to_vec();
        attributes.extend([
            ("xsi:type", Some(t.xsi_type())),
            ("created", Some(self.created.as_str())),
            ("updated", Some(self.updated.as_str())),
            ("status", Some(self.status.as_str())),
            ("version", self.version.as_deref()),
        ]);
        w.start(element, &attributes);
        Validation::write_all(&self.validation_levels, w);
        w.text("title", &self.title);
        w.optional("shortName", self.short_name.as_deref());
        w.text("identifier", &self.identifier);
        w.each("altIdentifier", &self.alt_identifiers);
        self.curation.write(w);
        self.content.write(w);
        let write_facilities = |w: &mut XmlWriter| {
            self.facilities.iter().for_each(|f| f.write(w, "facility"));
            self.instruments.iter().for_each(|i| i.write(w, "instrument"));
        };
        let write_rights = |w: &mut XmlWriter| {
            for rights in &self.rights {
                w.leaf("rights", &[("rightsURI", rights.rights_uri.as_deref())], &rights.text);
            }
        };
        if t == ResourceType::Organisation {
            write_facilities(w);
        }
        if t.is_service() {
            write_rights(w);
            self.capabilities.iter().for_each(|c| c.write(w));
        }
        if matches!(t, ResourceType::DataService | ResourceType::CatalogService) {
            write_facilities(w);
            self.write_coverage(w);
        }
        if t == ResourceType::DataCollection {
            write_facilities(w);
            write_rights(w);
            for format in &self.formats {
                let is_mime = format.is_mime_type.map(|m| if m { "true" } else { "false" });
                w.leaf("format", &[("isMIMEType", is_mime)], &format.value);
            }
            self.write_coverage(w);
        }
        if t == ResourceType::Registry {
            w.text("full", if self.full { "true" } else { "false" });
            w.each("managedAuthority", &self.managed_authorities);
        }
        if matches!(t, ResourceType::CatalogService | ResourceType::DataCollection | ResourceType::Registry)
            && let Some(tableset) = &self.tableset
        {
            tableset.write(w, "tableset", &[], Detail::Max);
        }
        if t == ResourceType::DataCollection
            && let Some(access) = &self.access_url
        {
            w.leaf("accessURL", &[("use", access.use_.map(AccessUse::as_str))], &access.url);
        }
        if t == ResourceType::Authority
            && let Some(org) = &self.managing_org
        {
            org.write(w, "managingOrg");
        }
        w.end();
    }

    fn write_coverage(&self, w: &mut XmlWriter) {
        if let Some(coverage) = &self.coverage {
            coverage.write(w);
        }
    }

    /// Reads a record from its element (any element name; the type comes from `xsi:type`).
    pub fn read_element(e: &Element) -> Result<Self, ResourceError> {
        let status = match e.required_attr("status")?.as_str() {
            "active" => Status::Active,
            "inactive" => Status::Inactive,
            "deleted" => Status::Deleted,
            other => return Err(e.invalid(other, "status active, inactive or deleted")),
        };
        let access_url = match e.child("accessURL") {
            Some(a) => Some(AccessUrl {
                url: a.trimmed_text().to_string(),
                use_: match a.attr("use") {
                    Some(v) => Some(v.trim().parse().map_err(|_| a.invalid(v, "full, base, post or dir"))?),
                    None => None,
                },
            }),
            None => None,
        };
        Ok(Resource {
            resource_type: ResourceType::from_element(e)?,
            created: e.required_attr("created")?,
            updated: e.required_attr("updated")?,
            status,
            version: e.optional_attr("version"),
            validation_levels: Validation::read_all(e)?,
            title: e.required_text("title")?,
            short_name: e.optional_text("shortName"),
            identifier: e.required_text("identifier")?,
            alt_identifiers: e.texts("altIdentifier"),
            curation: Curation::read(e.required_child("curation")?)?,
            content: Content::read(e.required_child("content")?)?,
            facilities: ResourceName::read_all(e, "facility"),
            instruments: ResourceName::read_all(e, "instrument"),
            rights: e
                .children_named("rights")
                .map(|r| Rights { text: r.trimmed_text().to_string(), rights_uri: r.optional_attr("rightsURI") })
                .collect(),
            capabilities: e.children_named("capability").map(Capability::read).collect::<Result<_, _>>()?,
            formats: e
                .children_named("format")
                .map(|f| {
                    Ok(Format {
                        value: f.trimmed_text().to_string(),
                        is_mime_type: f.optional_bool_attr("isMIMEType")?,
                    })
                })
                .collect::<Result<_, ResourceError>>()?,
            coverage: e.child("coverage").map(Coverage::read).transpose()?,
            tableset: e.child("tableset").map(TableSet::read).transpose()?,
            access_url,
            full: e.child("full").map(Element::boolean).transpose()?.unwrap_or(false),
            managed_authorities: e.texts("managedAuthority"),
            managing_org: e.child("managingOrg").map(ResourceName::read),
        })
    }

    /// The record as `ri:Resource` without XML declaration, indented `depth` levels, declaring
    /// its namespaces itself — for embedding in an OAI-PMH `metadata` element.
    pub fn to_fragment(&self, depth: usize) -> String {
        let mut w = XmlWriter::fragment(depth);
        self.write_element(&mut w, "ri:Resource", &resource_root_attributes());
        w.finish()
    }
}

fn resource_root_attributes() -> Vec<(&'static str, Option<&'static str>)> {
    let mut attributes = vec![("xmlns:ri", Some(ns::RI))];
    attributes.extend(ns::RESOURCE_NAMESPACES.iter().map(|(k, v)| (*k, Some(*v))));
    attributes
}

/// The record as a standalone `ri:Resource` document.
pub fn write_resource(resource: &Resource) -> String {
    let mut w = XmlWriter::new();
    resource.write_element(&mut w, "ri:Resource", &resource_root_attributes());
    w.finish()
}

/// Reads a record document (root `ri:Resource` or any element carrying the record).
pub fn read_resource(xml: &str) -> Result<Resource, ResourceError> {
    Resource::read_element(&parse_document(xml)?)
}
