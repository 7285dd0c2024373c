//! Reading an OAI-PMH request [OAI-PMH §3.1, §4]: the verb, its required, optional and exclusive
//! arguments. Unlike DALI, OAI-PMH argument names are case-sensitive and an argument may not be
//! repeated; everything that breaks these rules is `badVerb` or `badArgument`.

use vo_dali::Params;

use crate::datestamp::DateBound;
use crate::error::{OaiError, OaiErrorCode};

/// Which list a `ListIdentifiers`/`ListRecords` request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListVerb {
    Identifiers,
    Records,
}

impl ListVerb {
    pub fn as_str(self) -> &'static str {
        match self {
            ListVerb::Identifiers => "ListIdentifiers",
            ListVerb::Records => "ListRecords",
        }
    }
}

/// The selection of a new list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub metadata_prefix: String,
    pub from: Option<DateBound>,
    pub until: Option<DateBound>,
    pub set: Option<String>,
}

/// A well-formed OAI-PMH request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OaiRequest {
    Identify,
    ListMetadataFormats { identifier: Option<String> },
    ListSets { resumption_token: Option<String> },
    GetRecord { identifier: String, metadata_prefix: String },
    List { verb: ListVerb, selection: Selection },
    Resume { verb: ListVerb, resumption_token: String },
}

/// A parsed request with the arguments to echo in the response's `request` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRequest {
    pub request: OaiRequest,
    /// `(name, value)` in the order received, `verb` first.
    pub arguments: Vec<(String, String)>,
}

const VERBS: [&str; 6] = ["Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords"];

/// Allowed arguments per verb (besides `verb`).
fn allowed_arguments(verb: &str) -> &'static [&'static str] {
    match verb {
        "Identify" => &[],
        "ListMetadataFormats" => &["identifier"],
        "ListSets" => &["resumptionToken"],
        "GetRecord" => &["identifier", "metadataPrefix"],
        _ => &["metadataPrefix", "from", "until", "set", "resumptionToken"],
    }
}

/// `metadataPrefix` syntax from the OAI-PMH schema.
fn is_valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c))
}

pub fn parse_request(params: &Params) -> Result<ParsedRequest, OaiError> {
    let mut arguments: Vec<(String, String)> = Vec::new();
    for (name, value) in params.iter() {
        if arguments.iter().any(|(seen, _)| seen == name) {
            let code = if name == "verb" { OaiErrorCode::BadVerb } else { OaiErrorCode::BadArgument };
            return Err(OaiError::new(code, format!("the argument {name} is repeated")));
        }
        arguments.push((name.to_string(), value.to_string()));
    }
    let verb = match arguments.iter().position(|(name, _)| name == "verb") {
        Some(index) => arguments.remove(index).1,
        None => return Err(OaiError::new(OaiErrorCode::BadVerb, "the verb argument is missing")),
    };
    if !VERBS.contains(&verb.as_str()) {
        return Err(OaiError::new(OaiErrorCode::BadVerb, format!("{verb:?} is not an OAI-PMH verb")));
    }
    let allowed = allowed_arguments(&verb);
    if let Some((name, _)) = arguments.iter().find(|(name, _)| !allowed.contains(&name.as_str())) {
        return Err(OaiError::bad_argument(format!("{verb} does not take the argument {name:?}")));
    }
    let get = |name: &str| arguments.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let require = |name: &str| {
        get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| OaiError::bad_argument(format!("{verb} requires the argument {name}")))
    };
    let prefix_checked = |prefix: String| {
        if is_valid_prefix(&prefix) {
            Ok(prefix)
        } else {
            Err(OaiError::bad_argument(format!("{prefix:?} is not a valid metadataPrefix")))
        }
    };
    let request = match verb.as_str() {
        "Identify" => OaiRequest::Identify,
        "ListMetadataFormats" => OaiRequest::ListMetadataFormats { identifier: get("identifier") },
        "ListSets" => OaiRequest::ListSets { resumption_token: get("resumptionToken") },
        "GetRecord" => OaiRequest::GetRecord {
            identifier: require("identifier")?,
            metadata_prefix: prefix_checked(require("metadataPrefix")?)?,
        },
        list_verb => {
            let verb = if list_verb == "ListRecords" { ListVerb::Records } else { ListVerb::Identifiers };
            if let Some(token) = get("resumptionToken") {
                if arguments.len() > 1 {
                    return Err(OaiError::bad_argument("resumptionToken is an exclusive argument"));
                }
                OaiRequest::Resume { verb, resumption_token: token }
            } else {
                OaiRequest::List {
                    verb,
                    selection: parse_selection(&require("metadataPrefix")?, get("from"), get("until"), get("set"))?,
                }
            }
        }
    };
    let mut echoed = vec![("verb".to_string(), verb)];
    echoed.extend(arguments);
    Ok(ParsedRequest { request, arguments: echoed })
}

fn parse_selection(
    prefix: &str,
    from: Option<String>,
    until: Option<String>,
    set: Option<String>,
) -> Result<Selection, OaiError> {
    if !is_valid_prefix(prefix) {
        return Err(OaiError::bad_argument(format!("{prefix:?} is not a valid metadataPrefix")));
    }
    let bound = |text: Option<String>, name: &str, upper: bool| -> Result<Option<DateBound>, OaiError> {
        text.map(|t| {
            DateBound::parse(&t, upper).ok_or_else(|| {
                OaiError::bad_argument(format!("{name}={t:?} is not a datestamp YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"))
            })
        })
        .transpose()
    };
    let from = bound(from, "from", false)?;
    let until = bound(until, "until", true)?;
    if let (Some(f), Some(u)) = (from, until) {
        if f.granularity != u.granularity {
            return Err(OaiError::bad_argument("from and until must have the same granularity"));
        }
        if f.time > u.time {
            return Err(OaiError::bad_argument("from is later than until"));
        }
    }
    Ok(Selection { metadata_prefix: prefix.to_string(), from, until, set: set.filter(|s| !s.is_empty()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<ParsedRequest, OaiError> {
        parse_request(&Params::from_query(query))
    }

    fn code(query: &str) -> OaiErrorCode {
        parse(query).unwrap_err().code
    }

    #[test]
    fn verbs_are_case_sensitive_required_and_single() {
        assert_eq!(code(""), OaiErrorCode::BadVerb);
        assert_eq!(code("verb=identify"), OaiErrorCode::BadVerb);
        assert_eq!(code("VERB=Identify"), OaiErrorCode::BadVerb);
        assert_eq!(code("verb=Identify&verb=Identify"), OaiErrorCode::BadVerb);
        assert_eq!(parse("verb=Identify").unwrap().request, OaiRequest::Identify);
    }

    #[test]
    fn illegal_missing_and_repeated_arguments_are_bad_arguments() {
        assert_eq!(code("verb=Identify&identifier=x"), OaiErrorCode::BadArgument);
        assert_eq!(code("verb=GetRecord&identifier=ivo://x"), OaiErrorCode::BadArgument);
        assert_eq!(code("verb=ListRecords"), OaiErrorCode::BadArgument);
        assert_eq!(code("verb=ListRecords&metadataPrefix=ivo_vor&metadataPrefix=oai_dc"), OaiErrorCode::BadArgument);
        assert_eq!(code("verb=ListRecords&MetadataPrefix=ivo_vor"), OaiErrorCode::BadArgument);
        assert_eq!(code("verb=ListRecords&metadataPrefix=bad%20prefix"), OaiErrorCode::BadArgument);
    }

    #[test]
    fn resumption_token_is_exclusive() {
        assert_eq!(code("verb=ListRecords&resumptionToken=abc&metadataPrefix=ivo_vor"), OaiErrorCode::BadArgument);
        assert_eq!(
            parse("verb=ListIdentifiers&resumptionToken=abc").unwrap().request,
            OaiRequest::Resume { verb: ListVerb::Identifiers, resumption_token: "abc".into() }
        );
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(code("verb=ListRecords&metadataPrefix=ivo_vor&from=yesterday"), OaiErrorCode::BadArgument);
        assert_eq!(
            code("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-01-01&until=2026-02-01T00:00:00Z"),
            OaiErrorCode::BadArgument
        );
        assert_eq!(
            code("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-02-01&until=2026-01-01"),
            OaiErrorCode::BadArgument
        );
        let parsed =
            parse("verb=ListRecords&metadataPrefix=ivo_vor&from=2026-01-01&until=2026-01-01&set=ivo_managed").unwrap();
        let OaiRequest::List { verb: ListVerb::Records, selection } = parsed.request else { panic!() };
        assert_eq!(selection.until.unwrap().datestamp(), "2026-01-01T23:59:59Z");
        assert_eq!(selection.set.as_deref(), Some("ivo_managed"));
        assert_eq!(parsed.arguments[0], ("verb".to_string(), "ListRecords".to_string()));
        assert_eq!(parsed.arguments.len(), 5);
    }
}
