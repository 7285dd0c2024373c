//! Writing OAI-PMH responses [OAI-PMH §3.2]: the envelope, record headers, `ivo_vor` records
//! (`ri:Resource`) and `oai_dc` records derived from them.

use vo_resource::Resource;
use vo_resource::xml::{XmlWriter, ns};

use crate::error::OaiError;
use crate::store::StoredRecord;

pub const OAI_NAMESPACE: &str = "http://www.openarchives.org/OAI/2.0/";
const OAI_SCHEMA_LOCATION: &str =
    "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";
const OAI_DC_NAMESPACE: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
const DC_NAMESPACE: &str = "http://purl.org/dc/elements/1.1/";

/// The set every published record belongs to [Registry Interfaces §3.1].
pub const MANAGED_SET: &str = "ivo_managed";

/// The metadata formats this registry disseminates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    /// VOResource records, root `ri:Resource`.
    IvoVor,
    /// Simple Dublin Core, required of every OAI-PMH repository.
    OaiDc,
}

impl MetadataFormat {
    pub const ALL: [MetadataFormat; 2] = [MetadataFormat::IvoVor, MetadataFormat::OaiDc];

    pub fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "ivo_vor" => Some(MetadataFormat::IvoVor),
            "oai_dc" => Some(MetadataFormat::OaiDc),
            _ => None,
        }
    }

    pub fn prefix(self) -> &'static str {
        match self {
            MetadataFormat::IvoVor => "ivo_vor",
            MetadataFormat::OaiDc => "oai_dc",
        }
    }

    fn schema(self) -> &'static str {
        match self {
            MetadataFormat::IvoVor => "http://www.ivoa.net/xml/RegistryInterface/RegistryInterface-v1.0.xsd",
            MetadataFormat::OaiDc => "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        }
    }

    fn namespace(self) -> &'static str {
        match self {
            MetadataFormat::IvoVor => ns::RI,
            MetadataFormat::OaiDc => OAI_DC_NAMESPACE,
        }
    }
}

/// Starts a response: envelope, `responseDate`, `request` (arguments omitted when `arguments` is
/// `None`, as `badVerb`/`badArgument` demand).
pub fn start(response_date: &str, base_url: &str, arguments: Option<&[(String, String)]>) -> XmlWriter {
    let mut w = XmlWriter::new();
    w.start(
        "OAI-PMH",
        &[
            ("xmlns", Some(OAI_NAMESPACE)),
            ("xmlns:xsi", Some(ns::XSI)),
            ("xsi:schemaLocation", Some(OAI_SCHEMA_LOCATION)),
        ],
    );
    w.text("responseDate", response_date);
    let attributes: Vec<(&str, Option<&str>)> =
        arguments.unwrap_or_default().iter().map(|(name, value)| (name.as_str(), Some(value.as_str()))).collect();
    w.leaf("request", &attributes, base_url);
    w
}

/// A whole error response.
pub fn error(response_date: &str, base_url: &str, arguments: &[(String, String)], error: &OaiError) -> String {
    let echoed = (!error.code.hides_arguments()).then_some(arguments);
    let mut w = start(response_date, base_url, echoed);
    w.leaf("error", &[("code", Some(error.code.as_str()))], &error.message);
    w.finish()
}

pub fn metadata_formats(w: &mut XmlWriter) {
    w.start("ListMetadataFormats", &[]);
    for format in MetadataFormat::ALL {
        w.start("metadataFormat", &[]);
        w.text("metadataPrefix", format.prefix());
        w.text("schema", format.schema());
        w.text("metadataNamespace", format.namespace());
        w.end();
    }
    w.end();
}

pub fn header(w: &mut XmlWriter, record: &StoredRecord, with_sets: bool) {
    w.start("header", &[("status", record.deleted.then_some("deleted"))]);
    w.text("identifier", &record.identifier);
    w.text("datestamp", &record.updated);
    if with_sets {
        w.text("setSpec", MANAGED_SET);
    }
    w.end();
}

/// A `ri:Resource` inside OAI-PMH: `xmlns=""` undoes the OAI default namespace for the record's
/// unqualified VOResource elements.
pub fn resource_element(w: &mut XmlWriter, resource: &Resource) {
    let mut attributes: Vec<(&str, Option<&str>)> = vec![("xmlns", Some("")), ("xmlns:ri", Some(ns::RI))];
    attributes.extend(ns::RESOURCE_NAMESPACES.iter().map(|(k, v)| (*k, Some(*v))));
    resource.write_element(w, "ri:Resource", &attributes);
}

/// A full `record`: header, and metadata unless the record is deleted.
pub fn record(
    w: &mut XmlWriter,
    stored: &StoredRecord,
    resource: Option<&Resource>,
    format: MetadataFormat,
    with_sets: bool,
) {
    w.start("record", &[]);
    header(w, stored, with_sets);
    if let (false, Some(resource)) = (stored.deleted, resource) {
        w.start("metadata", &[]);
        match format {
            MetadataFormat::IvoVor => resource_element(w, resource),
            MetadataFormat::OaiDc => dublin_core(w, resource),
        }
        w.end();
    }
    w.end();
}

/// The Dublin Core view of a record (title, identifier, creators, subjects, description,
/// publisher, contributors, date, types, rights).
fn dublin_core(w: &mut XmlWriter, resource: &Resource) {
    w.start(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", Some(OAI_DC_NAMESPACE)),
            ("xmlns:dc", Some(DC_NAMESPACE)),
            (
                "xsi:schemaLocation",
                Some("http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
            ),
        ],
    );
    w.text("dc:title", &resource.title);
    w.text("dc:identifier", &resource.identifier);
    for creator in &resource.curation.creators {
        w.text("dc:creator", &creator.name.name);
    }
    w.each("dc:subject", &resource.content.subjects);
    w.text("dc:description", &resource.content.description);
    w.text("dc:publisher", &resource.curation.publisher.name);
    for contributor in &resource.curation.contributors {
        w.text("dc:contributor", &contributor.name);
    }
    w.text("dc:date", &resource.updated);
    w.each("dc:type", &resource.content.types);
    for rights in &resource.rights {
        w.text("dc:rights", &rights.text);
    }
    w.end();
}

/// The `resumptionToken` closing a page of a list.
pub fn resumption_token(w: &mut XmlWriter, token: Option<&str>, expiration: Option<&str>, total: usize, cursor: usize) {
    let total = total.to_string();
    let cursor = cursor.to_string();
    let attributes =
        [("expirationDate", expiration), ("completeListSize", Some(total.as_str())), ("cursor", Some(cursor.as_str()))];
    match token {
        Some(token) => w.leaf("resumptionToken", &attributes, token),
        None => w.empty("resumptionToken", &attributes),
    }
}
