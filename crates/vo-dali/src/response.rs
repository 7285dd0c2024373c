//! What a DALI resource answers: a status, a content type, headers and a body that may stream,
//! and the output formats a client can ask for with RESPONSEFORMAT [DALI §3.4.3].

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;

use crate::error::DaliError;

/// A body that is produced piece by piece (e.g. a query result written batch by batch).
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static>>;

/// The body of a response.
pub enum Body {
    Empty,
    Bytes(Bytes),
    Stream(ByteStream),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Empty => write!(f, "Body::Empty"),
            Body::Bytes(b) => write!(f, "Body::Bytes({} bytes)", b.len()),
            Body::Stream(_) => write!(f, "Body::Stream"),
        }
    }
}

/// A response of a DALI resource, independent of the web framework that sends it.
#[derive(Debug)]
pub struct DaliResponse {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl DaliResponse {
    pub fn new(status: u16, content_type: impl Into<String>, body: Body) -> Self {
        DaliResponse { status, content_type: content_type.into(), headers: Vec::new(), body }
    }

    pub fn ok(content_type: impl Into<String>, body: impl Into<Bytes>) -> Self {
        Self::new(200, content_type, Body::Bytes(body.into()))
    }

    pub fn xml(body: impl Into<Bytes>) -> Self {
        Self::ok("text/xml; charset=UTF-8", body)
    }

    pub fn text(body: impl Into<Bytes>) -> Self {
        Self::ok("text/plain; charset=UTF-8", body)
    }

    pub fn stream(content_type: impl Into<String>, stream: ByteStream) -> Self {
        Self::new(200, content_type, Body::Stream(stream))
    }

    /// A `303 See Other` redirect, as UWS uses after every state-changing request.
    pub fn see_other(location: impl Into<String>) -> Self {
        let mut r = Self::new(303, "text/plain; charset=UTF-8", Body::Empty);
        r.headers.push(("Location".into(), location.into()));
        r
    }

    /// The DALI error document for `err`, with the HTTP status its kind calls for.
    pub fn error(err: &DaliError) -> Self {
        Self::new(err.http_status(), "application/x-votable+xml", Body::Bytes(err.to_votable().into()))
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl From<DaliError> for DaliResponse {
    fn from(err: DaliError) -> Self {
        DaliResponse::error(&err)
    }
}

/// The table output formats a DALI service can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormatKind {
    VotableTabledata,
    VotableBinary,
    VotableBinary2,
    Csv,
    Tsv,
    Fits,
    Parquet,
    Json,
    Html,
    Text,
}

impl FormatKind {
    /// The MIME type we send when the client asked with a short name.
    pub fn canonical_mime(self) -> &'static str {
        match self {
            FormatKind::VotableTabledata => "application/x-votable+xml;serialization=TABLEDATA",
            FormatKind::VotableBinary => "application/x-votable+xml;serialization=BINARY",
            FormatKind::VotableBinary2 => "application/x-votable+xml;serialization=BINARY2",
            FormatKind::Csv => "text/csv;header=present",
            FormatKind::Tsv => "text/tab-separated-values",
            FormatKind::Fits => "application/fits",
            FormatKind::Parquet => "application/vnd.apache.parquet",
            FormatKind::Json => "application/json",
            FormatKind::Html => "text/html",
            FormatKind::Text => "text/plain",
        }
    }

    /// The short name TOPCAT and pyvo use for the format.
    pub fn short_name(self) -> &'static str {
        match self {
            FormatKind::VotableTabledata => "votable/td",
            FormatKind::VotableBinary => "votable/b",
            FormatKind::VotableBinary2 => "votable/b2",
            FormatKind::Csv => "csv",
            FormatKind::Tsv => "tsv",
            FormatKind::Fits => "fits",
            FormatKind::Parquet => "parquet",
            FormatKind::Json => "json",
            FormatKind::Html => "html",
            FormatKind::Text => "text",
        }
    }

    pub fn is_votable(self) -> bool {
        matches!(self, FormatKind::VotableTabledata | FormatKind::VotableBinary | FormatKind::VotableBinary2)
    }
}

/// A RESPONSEFORMAT value resolved to a format, keeping the content type to answer with:
/// a client that asked with a full MIME type gets that type back [DALI §3.4.3].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFormat {
    pub kind: FormatKind,
    pub content_type: String,
}

impl ResponseFormat {
    pub fn of(kind: FormatKind) -> Self {
        ResponseFormat { kind, content_type: kind.canonical_mime().to_string() }
    }

    /// Resolves a RESPONSEFORMAT value. `default_votable` is the serialization a plain `votable`
    /// (or `application/x-votable+xml` without `serialization`) means for this service.
    pub fn parse(value: &str, default_votable: FormatKind) -> Result<Self, DaliError> {
        let trimmed = value.trim();
        let lower = trimmed.to_ascii_lowercase();
        let (mime, mime_params) = match lower.split_once(';') {
            Some((m, p)) => (m.trim().to_string(), p.to_string()),
            None => (lower.clone(), String::new()),
        };
        let serialization = mime_params
            .split(';')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim() == "serialization")
            .map(|(_, v)| v.trim().trim_matches('"').to_string());
        let short = |kind: FormatKind| Ok(ResponseFormat::of(kind));
        let echoed = |kind: FormatKind| Ok(ResponseFormat { kind, content_type: trimmed.to_string() });
        match mime.as_str() {
            "votable" => short(default_votable),
            "votable/td" | "votabletd" | "votable_td" | "tabledata" => short(FormatKind::VotableTabledata),
            "votable/b" | "votableb" | "votable/binary" | "binary" => short(FormatKind::VotableBinary),
            "votable/b2" | "votableb2" | "votable/binary2" | "binary2" => short(FormatKind::VotableBinary2),
            "application/x-votable+xml" | "text/xml" | "application/xml" => {
                let kind = match serialization.as_deref() {
                    None => default_votable,
                    Some("tabledata") => FormatKind::VotableTabledata,
                    Some("binary") => FormatKind::VotableBinary,
                    Some("binary2") => FormatKind::VotableBinary2,
                    Some(other) => {
                        return Err(DaliError::usage(format!("unsupported VOTable serialization '{other}'")));
                    }
                };
                echoed(kind)
            }
            "csv" => short(FormatKind::Csv),
            "text/csv" => echoed(FormatKind::Csv),
            "tsv" => short(FormatKind::Tsv),
            "text/tab-separated-values" => echoed(FormatKind::Tsv),
            "fits" => short(FormatKind::Fits),
            "application/fits" | "image/fits" => echoed(FormatKind::Fits),
            "parquet" | "vo-parquet" | "voparquet" => short(FormatKind::Parquet),
            "application/vnd.apache.parquet" | "application/x-parquet" | "application/parquet" => {
                echoed(FormatKind::Parquet)
            }
            "json" => short(FormatKind::Json),
            "application/json" => echoed(FormatKind::Json),
            "html" => short(FormatKind::Html),
            "text/html" => echoed(FormatKind::Html),
            "text" => short(FormatKind::Text),
            "text/plain" => echoed(FormatKind::Text),
            _ => Err(DaliError::usage(format!("unsupported RESPONSEFORMAT '{trimmed}'"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_mime_echo() {
        let f = ResponseFormat::parse("votable", FormatKind::VotableBinary2).unwrap();
        assert_eq!(f.kind, FormatKind::VotableBinary2);
        let f = ResponseFormat::parse("text/xml", FormatKind::VotableBinary2).unwrap();
        assert_eq!(f.content_type, "text/xml");
        let f = ResponseFormat::parse("application/x-votable+xml;serialization=TABLEDATA", FormatKind::VotableBinary2)
            .unwrap();
        assert_eq!(f.kind, FormatKind::VotableTabledata);
        assert_eq!(f.content_type, "application/x-votable+xml;serialization=TABLEDATA");
        assert_eq!(ResponseFormat::parse("CSV", FormatKind::VotableBinary2).unwrap().kind, FormatKind::Csv);
        assert!(ResponseFormat::parse("image/png", FormatKind::VotableBinary2).is_err());
    }
}
