//! How a capability is reached: `interface` with its access URLs, security methods and, for
//! `vs:ParamHTTP`, the HTTP parameters [VOResource §3.2.2, VODataService §3.6].

use std::fmt;
use std::str::FromStr;

use crate::datatype::DataType;
use crate::error::ResourceError;
use crate::xml::{Element, QualifiedName, XmlWriter, ns};

/// How a client uses an access URL (`accessURL/@use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessUse {
    /// Call the URL as is (VOSI endpoints).
    #[default]
    Full,
    /// Append parameters or path segments (TAP, SCS, SSA base URLs).
    Base,
    /// POST to the URL (VOResource 1.2; not in the 1.1 schema).
    Post,
    /// A directory listing.
    Dir,
}

impl AccessUse {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessUse::Full => "full",
            AccessUse::Base => "base",
            AccessUse::Post => "post",
            AccessUse::Dir => "dir",
        }
    }
}

impl FromStr for AccessUse {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "full" => Ok(AccessUse::Full),
            "base" => Ok(AccessUse::Base),
            "post" => Ok(AccessUse::Post),
            "dir" => Ok(AccessUse::Dir),
            _ => Err(()),
        }
    }
}

impl fmt::Display for AccessUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessUrl {
    pub url: String,
    /// `None` when a record we read did not say (the schema makes the attribute optional).
    pub use_: Option<AccessUse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorUrl {
    pub url: String,
    pub title: Option<String>,
}

/// An authentication method; no `standardID` means anonymous access.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecurityMethod {
    pub standard_id: Option<String>,
}

/// HTTP method for a `vs:ParamHTTP` interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryType {
    Get,
    Post,
}

/// Whether an interface parameter must be given (`param/@use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamUse {
    Required,
    Optional,
    Ignored,
}

impl ParamUse {
    fn as_str(self) -> &'static str {
        match self {
            ParamUse::Required => "required",
            ParamUse::Optional => "optional",
            ParamUse::Ignored => "ignored",
        }
    }
}

/// A parameter of a `vs:ParamHTTP` interface (`vs:InputParam`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputParam {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub ucd: Option<String>,
    pub utype: Option<String>,
    pub data_type: Option<DataType>,
    pub use_: Option<ParamUse>,
    /// Whether the parameter is defined by the standard (schema default: true).
    pub std: Option<bool>,
}

/// The `vs:ParamHTTP` details.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParamHttp {
    pub query_types: Vec<QueryType>,
    pub result_type: Option<String>,
    pub params: Vec<InputParam>,
    pub test_query: Option<String>,
}

/// The interface type (`xsi:type`).
#[derive(Debug, Clone, PartialEq)]
pub enum InterfaceKind {
    /// `vs:ParamHTTP`: the standard for DAL protocols and VOSI.
    ParamHttp(ParamHttp),
    /// `vr:WebBrowser`: a page for humans.
    WebBrowser,
    /// `vr:WebService` with optional WSDL URLs.
    WebService { wsdl_urls: Vec<String> },
    /// `vg:OAIHTTP`: the OAI-PMH interface of a registry.
    OaiHttp,
    /// Any other type, kept as read (no extra children are preserved).
    Other(Option<QualifiedName>),
}

/// One `interface` of a capability.
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    pub kind: InterfaceKind,
    /// Version of the standard the interface implements (e.g. `1.1` for TAP 1.1).
    pub version: Option<String>,
    /// `std` for the interface defined by the capability's standard.
    pub role: Option<String>,
    pub access_urls: Vec<AccessUrl>,
    pub mirror_urls: Vec<MirrorUrl>,
    /// At most one in the VOResource 1.1 schema; none means anonymous only.
    pub security_methods: Vec<SecurityMethod>,
    pub test_query_string: Option<String>,
}

impl Interface {
    /// A `vs:ParamHTTP` interface with one access URL.
    pub fn param_http(url: impl Into<String>, use_: AccessUse) -> Self {
        Interface {
            kind: InterfaceKind::ParamHttp(ParamHttp::default()),
            version: None,
            role: None,
            access_urls: vec![AccessUrl { url: url.into(), use_: Some(use_) }],
            mirror_urls: Vec::new(),
            security_methods: Vec::new(),
            test_query_string: None,
        }
    }

    /// The standard interface of a DAL capability: `vs:ParamHTTP`, `role="std"`, with a version.
    pub fn standard(url: impl Into<String>, use_: AccessUse, version: Option<&str>) -> Self {
        Interface { role: Some("std".into()), version: version.map(str::to_string), ..Self::param_http(url, use_) }
    }

    /// A `vr:WebBrowser` interface (a form for humans).
    pub fn web_browser(url: impl Into<String>) -> Self {
        Interface {
            kind: InterfaceKind::WebBrowser,
            access_urls: vec![AccessUrl { url: url.into(), use_: Some(AccessUse::Full) }],
            ..Self::param_http("", AccessUse::Full)
        }
    }

    /// A `vg:OAIHTTP` interface (OAI-PMH endpoint), `role="std"`.
    pub fn oai_http(url: impl Into<String>) -> Self {
        Interface {
            kind: InterfaceKind::OaiHttp,
            role: Some("std".into()),
            version: Some("1.0".into()),
            access_urls: vec![AccessUrl { url: url.into(), use_: Some(AccessUse::Base) }],
            ..Self::param_http("", AccessUse::Full)
        }
    }

    /// Adds an authentication method (`ivo://ivoa.net/sso#...`).
    pub fn with_security_method(mut self, standard_id: impl Into<String>) -> Self {
        self.security_methods.push(SecurityMethod { standard_id: Some(standard_id.into()) });
        self
    }

    /// The first access URL.
    pub fn url(&self) -> Option<&str> {
        self.access_urls.first().map(|a| a.url.as_str())
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let other_type;
        let xsi_type = match &self.kind {
            InterfaceKind::ParamHttp(_) => Some("vs:ParamHTTP"),
            InterfaceKind::WebBrowser => Some("vr:WebBrowser"),
            InterfaceKind::WebService { .. } => Some("vr:WebService"),
            InterfaceKind::OaiHttp => Some("vg:OAIHTTP"),
            InterfaceKind::Other(None) => None,
            InterfaceKind::Other(Some(name)) => {
                other_type = match name.namespace.as_deref().and_then(ns::conventional_prefix) {
                    Some(prefix) => format!("{prefix}:{}", name.local),
                    None => name.local.clone(),
                };
                Some(other_type.as_str())
            }
        };
        w.start(
            "interface",
            &[("xsi:type", xsi_type), ("version", self.version.as_deref()), ("role", self.role.as_deref())],
        );
        for access in &self.access_urls {
            w.leaf("accessURL", &[("use", access.use_.map(AccessUse::as_str))], &access.url);
        }
        for mirror in &self.mirror_urls {
            w.leaf("mirrorURL", &[("title", mirror.title.as_deref())], &mirror.url);
        }
        for method in &self.security_methods {
            w.empty("securityMethod", &[("standardID", method.standard_id.as_deref())]);
        }
        w.optional("testQueryString", self.test_query_string.as_deref());
        match &self.kind {
            InterfaceKind::WebService { wsdl_urls } => w.each("wsdlURL", wsdl_urls),
            InterfaceKind::ParamHttp(http) => {
                for query_type in &http.query_types {
                    w.text("queryType", if *query_type == QueryType::Get { "GET" } else { "POST" });
                }
                w.optional("resultType", http.result_type.as_deref());
                for param in &http.params {
                    param.write(w);
                }
                w.optional("testQuery", http.test_query.as_deref());
            }
            _ => {}
        }
        w.end();
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let kind = match &e.xsi_type {
            Some(t) if t.is(ns::VS, "ParamHTTP") => InterfaceKind::ParamHttp(read_param_http(e)?),
            Some(t) if t.is(ns::VR, "WebBrowser") => InterfaceKind::WebBrowser,
            Some(t) if t.is(ns::VR, "WebService") => InterfaceKind::WebService { wsdl_urls: e.texts("wsdlURL") },
            Some(t) if t.is(ns::VG, "OAIHTTP") => InterfaceKind::OaiHttp,
            other => InterfaceKind::Other(other.clone()),
        };
        let mut access_urls = Vec::new();
        for access in e.children_named("accessURL") {
            let use_ = match access.attr("use") {
                Some(value) => {
                    Some(value.trim().parse().map_err(|_| access.invalid(value, "full, base, post or dir"))?)
                }
                None => None,
            };
            access_urls.push(AccessUrl { url: access.trimmed_text().to_string(), use_ });
        }
        Ok(Interface {
            kind,
            version: e.optional_attr("version"),
            role: e.optional_attr("role"),
            access_urls,
            mirror_urls: e
                .children_named("mirrorURL")
                .map(|m| MirrorUrl { url: m.trimmed_text().to_string(), title: m.optional_attr("title") })
                .collect(),
            security_methods: e
                .children_named("securityMethod")
                .map(|m| SecurityMethod { standard_id: m.optional_attr("standardID") })
                .collect(),
            test_query_string: e.optional_text("testQueryString"),
        })
    }
}

fn read_param_http(e: &Element) -> Result<ParamHttp, ResourceError> {
    let mut query_types = Vec::new();
    for q in e.children_named("queryType") {
        query_types.push(match q.trimmed_text() {
            "GET" => QueryType::Get,
            "POST" => QueryType::Post,
            other => return Err(q.invalid(other, "GET or POST")),
        });
    }
    Ok(ParamHttp {
        query_types,
        result_type: e.optional_text("resultType"),
        params: e.children_named("param").map(InputParam::read).collect::<Result<_, _>>()?,
        test_query: e.optional_text("testQuery"),
    })
}

impl InputParam {
    /// A parameter with a name, a description and a simple data type.
    pub fn new(name: impl Into<String>, description: impl Into<String>, data_type: DataType) -> Self {
        InputParam {
            name: Some(name.into()),
            description: Some(description.into()),
            data_type: Some(data_type),
            ..Default::default()
        }
    }

    pub fn required(mut self) -> Self {
        self.use_ = Some(ParamUse::Required);
        self
    }

    fn write(&self, w: &mut XmlWriter) {
        let std = self.std.map(|s| if s { "true" } else { "false" });
        w.start("param", &[("use", self.use_.map(ParamUse::as_str)), ("std", std)]);
        w.optional("name", self.name.as_deref());
        w.optional("description", self.description.as_deref());
        w.optional("unit", self.unit.as_deref());
        w.optional("ucd", self.ucd.as_deref());
        w.optional("utype", self.utype.as_deref());
        if let Some(data_type) = &self.data_type {
            data_type.write(w);
        }
        w.end();
    }

    fn read(e: &Element) -> Result<Self, ResourceError> {
        let use_ = match e.attr("use").map(str::trim) {
            None => None,
            Some("required") => Some(ParamUse::Required),
            Some("optional") => Some(ParamUse::Optional),
            Some("ignored") => Some(ParamUse::Ignored),
            Some(other) => return Err(e.invalid(other, "required, optional or ignored")),
        };
        Ok(InputParam {
            name: e.optional_text("name"),
            description: e.optional_text("description"),
            unit: e.optional_text("unit"),
            ucd: e.optional_text("ucd"),
            utype: e.optional_text("utype"),
            data_type: e.child("dataType").map(DataType::read).transpose()?,
            use_,
            std: e.optional_bool_attr("std")?,
        })
    }
}
