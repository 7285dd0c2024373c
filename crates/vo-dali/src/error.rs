//! DALI errors [DALI §4.2] and the error document they render as [DALI §4.4].

use quick_xml::escape::escape;

use crate::values::ValueError;

/// Longest part of a rejected value quoted back in an error message; a 10,000-vertex polygon would
/// otherwise drown the explanation.
const QUOTE_LIMIT: usize = 100;

/// What kind of failure an error reports; decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The client's request is wrong (bad or missing parameter, bad query): HTTP 400.
    Usage,
    /// The resource does not exist (unknown table, job or file): HTTP 404.
    NotFound,
    /// The request is not allowed in the resource's current state or for this user: HTTP 403.
    Forbidden,
    /// The method is not supported on this resource: HTTP 405.
    MethodNotAllowed,
    /// The request body or upload exceeds a configured limit: HTTP 413.
    TooLarge,
    /// The service failed: HTTP 500.
    Internal,
    /// The service is temporarily unable to answer (overloaded, shutting down): HTTP 503.
    Unavailable,
}

impl ErrorKind {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::Usage => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::Forbidden => 403,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::TooLarge => 413,
            ErrorKind::Internal => 500,
            ErrorKind::Unavailable => 503,
        }
    }
}

/// An error a DALI service reports to its client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DaliError {
    pub kind: ErrorKind,
    pub message: String,
}

impl DaliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        DaliError { kind, message: message.into() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// A usage error for a parameter value that does not parse, e.g. `parameter BAND: invalid
    /// interval '2 1': the interval lower bound 2 is greater than its upper bound 1`. `kind` names
    /// the expected type (usually [`DaliValue::NAME`](crate::DaliValue::NAME)).
    pub fn invalid_value(parameter: &str, kind: &str, value: &str, error: &ValueError) -> Self {
        Self::invalid_value_at(parameter, None, kind, value, error)
    }

    /// [`DaliError::invalid_value`] for the `index`-th (1-based) of `count` values of a repeated parameter.
    pub(crate) fn invalid_value_at(
        parameter: &str,
        occurrence: Option<(usize, usize)>,
        kind: &str,
        value: &str,
        error: &ValueError,
    ) -> Self {
        let which = occurrence.map(|(index, count)| format!(" (value {index} of {count})")).unwrap_or_default();
        let quoted = match value.char_indices().nth(QUOTE_LIMIT) {
            Some((cut, _)) => format!("{}...", &value[..cut]),
            None => value.to_string(),
        };
        Self::usage(format!("parameter {}{which}: invalid {kind} '{quoted}': {error}", parameter.to_ascii_uppercase()))
    }

    pub fn http_status(&self) -> u16 {
        self.kind.http_status()
    }

    /// The DALI error document: a VOTable whose results resource holds
    /// `INFO name="QUERY_STATUS" value="ERROR"` with the message as content.
    pub fn to_votable(&self) -> String {
        error_votable(&self.message)
    }
}

/// A VOTable error document carrying `message` [DALI §4.4]. It declares VOTable 1.4, like
/// `vo_votable::SERVICE_VERSION`, so that every deployed client can read it.
pub fn error_votable(message: &str) -> String {
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\" ",
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ",
            "xsi:schemaLocation=\"http://www.ivoa.net/xml/VOTable/v1.3 http://www.ivoa.net/xml/VOTable/v1.3\">\n",
            "<RESOURCE type=\"results\">\n",
            "<INFO name=\"QUERY_STATUS\" value=\"ERROR\">{}</INFO>\n",
            "</RESOURCE>\n",
            "</VOTABLE>\n"
        ),
        escape(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_document_escapes_the_message() {
        let doc = DaliError::usage("a < b & \"c\"").to_votable();
        assert!(doc.contains("value=\"ERROR\">a &lt; b &amp; &quot;c&quot;</INFO>"), "{doc}");
        assert_eq!(DaliError::usage("x").http_status(), 400);
        assert_eq!(DaliError::not_found("x").http_status(), 404);
    }

    #[test]
    fn invalid_values_name_parameter_type_and_value() {
        let e = DaliError::invalid_value("band", "interval", "2 1", &"2 1".parse::<crate::Interval>().unwrap_err());
        assert_eq!(e.kind, ErrorKind::Usage);
        assert_eq!(
            e.message,
            "parameter BAND: invalid interval '2 1': the interval lower bound 2 is greater than its upper bound 1"
        );
        let long = "1 ".repeat(80);
        let e = DaliError::invalid_value_at("pos", Some((2, 3)), "shape", &long, &ValueError::Empty);
        assert_eq!(
            e.message,
            format!("parameter POS (value 2 of 3): invalid shape '{}...': the value is empty", &long[..100])
        );
    }
}
