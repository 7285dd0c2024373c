//! Resumption tokens [OAI-PMH §3.5]: the registry keeps no harvest state; a token carries the list
//! request it continues (verb, format, from, until, set), where the next page starts, and when it
//! was issued (tokens expire). It is opaque to harvesters: URL-safe base64 of a versioned line.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{OaiError, OaiErrorCode};

const FORMAT_VERSION: &str = "oai1";

/// The list request a token continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumptionToken {
    /// `ListIdentifiers` or `ListRecords`.
    pub verb: String,
    pub metadata_prefix: String,
    /// Lower datestamp bound, already normalised to `YYYY-MM-DDThh:mm:ssZ`.
    pub from: Option<String>,
    /// Upper datestamp bound, normalised; set to the issue time when the harvest started without
    /// one, so that records changing during the harvest do not shift the pages.
    pub until: Option<String>,
    pub set: Option<String>,
    /// Position of the first record of the next page.
    pub offset: usize,
    /// Issue time, seconds since 1970.
    pub issued: i64,
}

impl ResumptionToken {
    pub fn encode(&self) -> String {
        let fields = [
            FORMAT_VERSION,
            &self.verb,
            &self.metadata_prefix,
            self.from.as_deref().unwrap_or(""),
            self.until.as_deref().unwrap_or(""),
            self.set.as_deref().unwrap_or(""),
            &self.offset.to_string(),
            &self.issued.to_string(),
        ];
        URL_SAFE_NO_PAD.encode(fields.join("\n"))
    }

    /// Decodes a token; anything that is not a token we issued is `badResumptionToken`.
    pub fn decode(text: &str) -> Result<Self, OaiError> {
        let bad =
            || OaiError::new(OaiErrorCode::BadResumptionToken, format!("{text:?} is not a valid resumption token"));
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        let line = String::from_utf8(bytes).map_err(|_| bad())?;
        let fields: Vec<&str> = line.split('\n').collect();
        let [version, verb, prefix, from, until, set, offset, issued] = fields[..] else { return Err(bad()) };
        if version != FORMAT_VERSION || !matches!(verb, "ListIdentifiers" | "ListRecords") || prefix.is_empty() {
            return Err(bad());
        }
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(ResumptionToken {
            verb: verb.to_string(),
            metadata_prefix: prefix.to_string(),
            from: optional(from),
            until: optional(until),
            set: optional(set),
            offset: offset.parse().map_err(|_| bad())?,
            issued: issued.parse().map_err(|_| bad())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> ResumptionToken {
        ResumptionToken {
            verb: "ListRecords".into(),
            metadata_prefix: "ivo_vor".into(),
            from: Some("2026-01-01T00:00:00Z".into()),
            until: None,
            set: Some("ivo_managed".into()),
            offset: 100,
            issued: 1_767_225_600,
        }
    }

    #[test]
    fn tokens_round_trip_and_are_url_safe() {
        let encoded = token().encode();
        assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{encoded}");
        assert_eq!(ResumptionToken::decode(&encoded).unwrap(), token());
    }

    #[test]
    fn garbage_is_a_bad_resumption_token() {
        for bad in ["", "!!!", "bm90IGEgdG9rZW4", &URL_SAFE_NO_PAD.encode("oai1\nGetRecord\nivo_vor\n\n\n\n1\n2")] {
            let err = ResumptionToken::decode(bad).unwrap_err();
            assert_eq!(err.code, OaiErrorCode::BadResumptionToken, "{bad}");
        }
        let tampered = URL_SAFE_NO_PAD.encode("oai1\nListRecords\nivo_vor\n\n\n\nmany\n2");
        assert!(ResumptionToken::decode(&tampered).is_err());
    }
}
