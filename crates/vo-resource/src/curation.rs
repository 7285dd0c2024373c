//! The descriptive parts every resource record has [VOResource §3.1.2–3.1.3]: who is responsible
//! (`curation`) and what it is about (`content`).

use crate::error::ResourceError;
use crate::xml::{Element, XmlWriter};

/// A name, optionally with the IVOID of the resource it names (`vr:ResourceName`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceName {
    pub name: String,
    pub ivo_id: Option<String>,
}

impl ResourceName {
    pub fn new(name: impl Into<String>) -> Self {
        ResourceName { name: name.into(), ivo_id: None }
    }

    pub fn with_ivo_id(mut self, ivo_id: impl Into<String>) -> Self {
        self.ivo_id = Some(ivo_id.into());
        self
    }

    pub(crate) fn write(&self, w: &mut XmlWriter, element: &str) {
        w.leaf(element, &[("ivo-id", self.ivo_id.as_deref())], &self.name);
    }

    pub(crate) fn read(e: &Element) -> Self {
        ResourceName { name: e.trimmed_text().to_string(), ivo_id: e.optional_attr("ivo-id") }
    }

    pub(crate) fn read_all(parent: &Element, element: &str) -> Vec<Self> {
        parent.children_named(element).map(ResourceName::read).collect()
    }
}

/// A creator (author) of the resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Creator {
    pub name: ResourceName,
    pub logo: Option<String>,
    /// ORCID and similar URIs.
    pub alt_identifiers: Vec<String>,
    pub ivo_id: Option<String>,
}

/// Someone to contact about the resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub name: ResourceName,
    pub address: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
    pub alt_identifiers: Vec<String>,
    pub ivo_id: Option<String>,
}

impl Contact {
    pub fn new(name: impl Into<String>, email: Option<&str>) -> Self {
        Contact { name: ResourceName::new(name), email: email.map(str::to_string), ..Default::default() }
    }
}

/// A date in the life of the resource, with its role (`created`, `updated`, `Collected`...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Date {
    /// `YYYY-MM-DD` or a UTC timestamp.
    pub value: String,
    pub role: Option<String>,
}

/// `curation`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Curation {
    pub publisher: ResourceName,
    pub creators: Vec<Creator>,
    pub contributors: Vec<ResourceName>,
    pub dates: Vec<Date>,
    pub version: Option<String>,
    /// At least one.
    pub contacts: Vec<Contact>,
}

impl Curation {
    pub fn new(publisher: ResourceName, contact: Contact) -> Self {
        Curation { publisher, contacts: vec![contact], ..Default::default() }
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("curation", &[]);
        self.publisher.write(w, "publisher");
        for creator in &self.creators {
            w.start("creator", &[("ivo-id", creator.ivo_id.as_deref())]);
            creator.name.write(w, "name");
            w.optional("logo", creator.logo.as_deref());
            w.each("altIdentifier", &creator.alt_identifiers);
            w.end();
        }
        for contributor in &self.contributors {
            contributor.write(w, "contributor");
        }
        for date in &self.dates {
            w.leaf("date", &[("role", date.role.as_deref())], &date.value);
        }
        w.optional("version", self.version.as_deref());
        for contact in &self.contacts {
            w.start("contact", &[("ivo-id", contact.ivo_id.as_deref())]);
            contact.name.write(w, "name");
            w.optional("address", contact.address.as_deref());
            w.optional("email", contact.email.as_deref());
            w.optional("telephone", contact.telephone.as_deref());
            w.each("altIdentifier", &contact.alt_identifiers);
            w.end();
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let creators = e
            .children_named("creator")
            .map(|c| {
                Ok(Creator {
                    name: ResourceName::read(c.required_child("name")?),
                    logo: c.optional_text("logo"),
                    alt_identifiers: c.texts("altIdentifier"),
                    ivo_id: c.optional_attr("ivo-id"),
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        let contacts = e
            .children_named("contact")
            .map(|c| {
                Ok(Contact {
                    name: ResourceName::read(c.required_child("name")?),
                    address: c.optional_text("address"),
                    email: c.optional_text("email"),
                    telephone: c.optional_text("telephone"),
                    alt_identifiers: c.texts("altIdentifier"),
                    ivo_id: c.optional_attr("ivo-id"),
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        Ok(Curation {
            publisher: ResourceName::read(e.required_child("publisher")?),
            creators,
            contributors: ResourceName::read_all(e, "contributor"),
            dates: e
                .children_named("date")
                .map(|d| Date { value: d.trimmed_text().to_string(), role: d.optional_attr("role") })
                .collect(),
            version: e.optional_text("version"),
            contacts,
        })
    }
}

/// A typed link to another resource (`relationshipType`: `served-by`, `service-for`,
/// `derived-from`, `mirror-of`, `related-to`, `IsSupplementTo`...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Relationship {
    pub relationship_type: String,
    pub related_resources: Vec<ResourceName>,
}

/// Where the content comes from (`source`, e.g. a bibcode with `format="bibcode"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    pub value: String,
    pub format: Option<String>,
}

/// `content`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    /// At least one; UAT concepts in current practice.
    pub subjects: Vec<String>,
    pub description: String,
    pub source: Option<Source>,
    /// An http(s) URL describing the resource.
    pub reference_url: String,
    /// `Catalog`, `Survey`, `Archive`... (content type vocabulary).
    pub types: Vec<String>,
    /// `General`, `University`, `Research`...
    pub content_levels: Vec<String>,
    pub relationships: Vec<Relationship>,
}

impl Content {
    pub fn new(subjects: &[&str], description: impl Into<String>, reference_url: impl Into<String>) -> Self {
        Content {
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            description: description.into(),
            reference_url: reference_url.into(),
            ..Default::default()
        }
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.start("content", &[]);
        w.each("subject", &self.subjects);
        w.text("description", &self.description);
        if let Some(source) = &self.source {
            w.leaf("source", &[("format", source.format.as_deref())], &source.value);
        }
        w.text("referenceURL", &self.reference_url);
        w.each("type", &self.types);
        w.each("contentLevel", &self.content_levels);
        for relationship in &self.relationships {
            w.start("relationship", &[]);
            w.text("relationshipType", &relationship.relationship_type);
            for related in &relationship.related_resources {
                related.write(w, "relatedResource");
            }
            w.end();
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let relationships = e
            .children_named("relationship")
            .map(|r| {
                Ok(Relationship {
                    relationship_type: r.required_text("relationshipType")?,
                    related_resources: ResourceName::read_all(r, "relatedResource"),
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        Ok(Content {
            subjects: e.texts("subject"),
            description: e.required_text("description")?,
            source: e
                .child("source")
                .map(|s| Source { value: s.trimmed_text().to_string(), format: s.optional_attr("format") }),
            reference_url: e.required_text("referenceURL")?,
            types: e.texts("type"),
            content_levels: e.texts("contentLevel"),
            relationships,
        })
    }
}
