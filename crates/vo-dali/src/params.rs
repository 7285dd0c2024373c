//! DALI request parameters [DALI §3]: names are case-insensitive, values are case-sensitive,
//! and a parameter may be repeated (whether that is allowed depends on the parameter).

use bytes::Bytes;

use crate::error::DaliError;

/// The parameters of one request, in the order they arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<(String, String)>,
}

/// A file sent as a `multipart/form-data` part (DALI inline upload, `param:<part name>`).
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub part_name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses an `application/x-www-form-urlencoded` string (a query string or a POST body).
    pub fn from_query(query: &str) -> Self {
        Self::from_urlencoded(query.as_bytes())
    }

    pub fn from_urlencoded(body: &[u8]) -> Self {
        let entries = form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        Params { entries }
    }

    /// Appends the parameters of `other` (e.g. a POST body after the query string).
    pub fn extend(&mut self, other: Params) {
        self.entries.extend(other.entries);
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.entries.push((name.into(), value.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// All `(name, value)` pairs, names as the client spelled them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    }

    /// Every value given for `name`, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.entries.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// The value of a single-valued parameter. Giving it more than once is an error [DALI §3.2],
    /// unless every value is the same (clients that send a parameter in both the query string and
    /// the body do that).
    pub fn get(&self, name: &str) -> Result<Option<&str>, DaliError> {
        let values = self.get_all(name);
        match values.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            [first, rest @ ..] if rest.iter().all(|v| v == first) => Ok(Some(first)),
            _ => Err(DaliError::usage(format!(
                "parameter {} is single-valued but was given {} different values",
                name.to_ascii_uppercase(),
                values.len()
            ))),
        }
    }

    /// A single-valued parameter that must be present.
    pub fn require(&self, name: &str) -> Result<&str, DaliError> {
        self.get(name)?
            .ok_or_else(|| DaliError::usage(format!("missing required parameter {}", name.to_ascii_uppercase())))
    }

    /// A single-valued floating-point parameter.
    pub fn get_f64(&self, name: &str) -> Result<Option<f64>, DaliError> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) => v.trim().parse::<f64>().map(Some).map_err(|_| {
                DaliError::usage(format!("parameter {} must be a number, got '{}'", name.to_ascii_uppercase(), v))
            }),
        }
    }

    /// A single-valued non-negative integer parameter.
    pub fn get_u64(&self, name: &str) -> Result<Option<u64>, DaliError> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                DaliError::usage(format!(
                    "parameter {} must be a non-negative integer, got '{}'",
                    name.to_ascii_uppercase(),
                    v
                ))
            }),
        }
    }

    /// A DALI boolean [DALI §3.3.2]: `true`, `false`, `1` or `0`.
    pub fn get_bool(&self, name: &str) -> Result<Option<bool>, DaliError> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(DaliError::usage(format!(
                    "parameter {} must be true, false, 1 or 0, got '{}'",
                    name.to_ascii_uppercase(),
                    v
                ))),
            },
        }
    }

    /// MAXREC [DALI §3.4.4]: absent means the service default (`default`, `None` for unlimited);
    /// values above `hard_limit` are capped at it.
    pub fn get_maxrec(&self, default: Option<u64>, hard_limit: u64) -> Result<Option<u64>, DaliError> {
        let requested = self.get_u64("MAXREC")?.or(default);
        Ok(Some(requested.map_or(hard_limit, |m| m.min(hard_limit))))
    }

    /// RUNID [DALI §3.4.6], at most 64 characters.
    pub fn get_runid(&self) -> Result<Option<&str>, DaliError> {
        match self.get("RUNID")? {
            Some(v) if v.chars().count() > 64 => Err(DaliError::usage("RUNID must be at most 64 characters")),
            other => Ok(other),
        }
    }
}

impl FromIterator<(String, String)> for Params {
    fn from_iter<T: IntoIterator<Item = (String, String)>>(iter: T) -> Self {
        Params { entries: iter.into_iter().collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_values_are_not() {
        let p = Params::from_query("Query=SELECT+%27Abc%27&lang=ADQL");
        assert_eq!(p.get("QUERY").unwrap(), Some("SELECT 'Abc'"));
        assert_eq!(p.get("query").unwrap(), Some("SELECT 'Abc'"));
        assert_eq!(p.get("LANG").unwrap(), Some("ADQL"));
        assert_eq!(p.get("missing").unwrap(), None);
    }

    #[test]
    fn repeated_single_valued_parameter_is_an_error() {
        let p = Params::from_query("MAXREC=1&maxrec=2");
        let err = p.get("MAXREC").unwrap_err();
        assert!(err.to_string().contains("single-valued"), "{err}");
        assert_eq!(p.get_all("MAXREC"), vec!["1", "2"]);
        let same = Params::from_query("MAXREC=1&maxrec=1");
        assert_eq!(same.get("MAXREC").unwrap(), Some("1"));
    }

    #[test]
    fn maxrec_default_and_cap() {
        assert_eq!(Params::from_query("").get_maxrec(Some(100), 1000).unwrap(), Some(100));
        assert_eq!(Params::from_query("").get_maxrec(None, 1000).unwrap(), Some(1000));
        assert_eq!(Params::from_query("MAXREC=5000").get_maxrec(Some(100), 1000).unwrap(), Some(1000));
        assert_eq!(Params::from_query("MAXREC=0").get_maxrec(Some(100), 1000).unwrap(), Some(0));
        assert!(Params::from_query("MAXREC=-1").get_maxrec(None, 10).is_err());
        assert!(Params::from_query("MAXREC=abc").get_maxrec(None, 10).is_err());
    }

    #[test]
    fn typed_getters() {
        let p = Params::from_query("RA=10.5&FLAG=TRUE&N=x&RUNID=abc");
        assert_eq!(p.get_f64("ra").unwrap(), Some(10.5));
        assert_eq!(p.get_bool("flag").unwrap(), Some(true));
        assert!(p.get_f64("n").is_err());
        assert!(p.require("dec").unwrap_err().to_string().contains("DEC"));
        assert_eq!(p.get_runid().unwrap(), Some("abc"));
        let long = format!("RUNID={}", "x".repeat(65));
        assert!(Params::from_query(&long).get_runid().is_err());
    }
}
