//! DALI request parameters [DALI §3]: names are case-insensitive, values are case-sensitive,
//! and a parameter may be repeated (whether that is allowed depends on the parameter).
//!
//! Typed getters parse the DALI value types [DALI §3.3] and report a bad value as a usage error
//! naming the parameter, the expected type and what is wrong where:
//!
//! ```
//! use vo_dali::{Params, Shape};
//!
//! let p = Params::from_query("POS=CIRCLE+10+20+0.5&POS=RANGE+0+360+89+%2BInf&BAND=500e-9+550e-9&time=55000");
//! assert_eq!(p.get_all_shapes("pos")?.len(), 2);
//! assert_eq!(p.get_interval("BAND")?.map(|b| b.upper()), Some(5.5e-7));
//! assert!(p.get_interval_or_scalar("TIME")?.unwrap().is_scalar());
//!
//! let bad = Params::from_query("POS=CIRCLE+10+95+1");
//! assert_eq!(
//!     bad.get_shape("POS").unwrap_err().message,
//!     "parameter POS: invalid shape 'CIRCLE 10 95 1': latitude 95 at character 11 is outside [-90, 90] degrees"
//! );
//! # Ok::<(), vo_dali::DaliError>(())
//! ```

use bytes::Bytes;

use crate::error::DaliError;
use crate::moc::Moc;
use crate::shapes::{Circle, Point, Polygon, Range, Shape};
use crate::timestamp::Timestamp;
use crate::values::{DaliValue, Interval, ValueError};

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

/// Typed getters for the DALI value types. Single-valued getters follow [`Params::get`] (a repeat
/// with a different value is an error); `get_all_*` getters return every value in order, which in
/// SIA 2.0 are OR-ed together [SIA §2.1].
impl Params {
    /// A single-valued parameter of any [`DaliValue`] type, e.g. `get_value::<Circle>("CIRCLE")`.
    pub fn get_value<T: DaliValue>(&self, name: &str) -> Result<Option<T>, DaliError> {
        self.parse_one(name, T::NAME, T::parse_dali)
    }

    /// Every value of a multi-valued parameter of any [`DaliValue`] type.
    pub fn get_all_values<T: DaliValue>(&self, name: &str) -> Result<Vec<T>, DaliError> {
        self.parse_all(name, T::NAME, T::parse_dali)
    }

    fn parse_one<T>(
        &self,
        name: &str,
        kind: &str,
        parse: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Result<Option<T>, DaliError> {
        match self.get(name)? {
            None => Ok(None),
            Some(value) => parse(value).map(Some).map_err(|e| DaliError::invalid_value(name, kind, value, &e)),
        }
    }

    fn parse_all<T>(
        &self,
        name: &str,
        kind: &str,
        parse: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Result<Vec<T>, DaliError> {
        let values = self.get_all(name);
        let count = values.len();
        values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let occurrence = (count > 1).then_some((i + 1, count));
                parse(value).map_err(|e| DaliError::invalid_value_at(name, occurrence, kind, value, &e))
            })
            .collect()
    }

    /// A DALI interval `lower upper` [DALI §3.3.4].
    pub fn get_interval(&self, name: &str) -> Result<Option<Interval>, DaliError> {
        self.get_value(name)
    }

    /// Every value of a repeated interval parameter.
    pub fn get_all_intervals(&self, name: &str) -> Result<Vec<Interval>, DaliError> {
        self.get_all_values(name)
    }

    /// An interval or a single number meaning `[value, value]`, as SIA 2.0 numeric parameters
    /// (BAND, TIME, FOV, ...) accept [SIA §2.1].
    pub fn get_interval_or_scalar(&self, name: &str) -> Result<Option<Interval>, DaliError> {
        self.parse_one(name, Interval::NAME, Interval::parse_or_scalar)
    }

    /// Every value of a repeated SIA 2.0 numeric parameter (intervals or single numbers).
    pub fn get_all_intervals_or_scalars(&self, name: &str) -> Result<Vec<Interval>, DaliError> {
        self.parse_all(name, Interval::NAME, Interval::parse_or_scalar)
    }

    /// A DALI timestamp [DALI §3.3.3].
    pub fn get_timestamp(&self, name: &str) -> Result<Option<Timestamp>, DaliError> {
        self.get_value(name)
    }

    /// A DALI point `lon lat` [DALI §3.3.5].
    pub fn get_point(&self, name: &str) -> Result<Option<Point>, DaliError> {
        self.get_value(name)
    }

    /// A DALI circle `lon lat radius` [DALI §3.3.6] (e.g. SODA's CIRCLE).
    pub fn get_circle(&self, name: &str) -> Result<Option<Circle>, DaliError> {
        self.get_value(name)
    }

    /// A DALI range `lon_min lon_max lat_min lat_max` (without the RANGE keyword).
    pub fn get_range(&self, name: &str) -> Result<Option<Range>, DaliError> {
        self.get_value(name)
    }

    /// A DALI polygon `lon1 lat1 lon2 lat2 lon3 lat3 ...` [DALI §3.3.7] (e.g. SODA's POLYGON).
    pub fn get_polygon(&self, name: &str) -> Result<Option<Polygon>, DaliError> {
        self.get_value(name)
    }

    /// A POS-style shape `CIRCLE ...`, `RANGE ...` or `POLYGON ...` [SIA §2.1.1].
    pub fn get_shape(&self, name: &str) -> Result<Option<Shape>, DaliError> {
        self.get_value(name)
    }

    /// Every value of a repeated POS-style parameter (SIA 2.0 POS: the shapes are OR-ed).
    pub fn get_all_shapes(&self, name: &str) -> Result<Vec<Shape>, DaliError> {
        self.get_all_values(name)
    }

    /// A spatial MOC in ASCII serialisation (DALI 1.2 `moc` xtype).
    pub fn get_moc(&self, name: &str) -> Result<Option<Moc>, DaliError> {
        self.get_value(name)
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

    #[test]
    fn absent_parameters_are_none_or_empty() {
        let p = Params::from_query("OTHER=1");
        assert_eq!(p.get_interval("BAND").unwrap(), None);
        assert_eq!(p.get_interval_or_scalar("BAND").unwrap(), None);
        assert!(p.get_all_intervals("BAND").unwrap().is_empty());
        assert!(p.get_all_intervals_or_scalars("BAND").unwrap().is_empty());
        assert_eq!(p.get_timestamp("T").unwrap(), None);
        assert_eq!(p.get_point("P").unwrap(), None);
        assert_eq!(p.get_circle("C").unwrap(), None);
        assert_eq!(p.get_range("R").unwrap(), None);
        assert_eq!(p.get_polygon("P").unwrap(), None);
        assert_eq!(p.get_shape("POS").unwrap(), None);
        assert!(p.get_all_shapes("POS").unwrap().is_empty());
        assert_eq!(p.get_moc("MOC").unwrap(), None);
        assert_eq!(p.get_value::<i64>("N").unwrap(), None);
    }

    #[test]
    fn typed_values_parse_with_case_insensitive_names() {
        let p = Params::from_query(concat!(
            "band=500e-9+550e-9&Time=55123.456&start=2000-01-02T03:04:05Z&Point=10+20&circle=10+20+0.5",
            "&range=0+360+-2+2&polygon=10+10+20+10+15+20&pos=circle+1+2+3&moc=1/1+2&n=0x10&x=-Inf"
        ));
        assert_eq!(p.get_interval("BAND").unwrap(), Some(Interval::new(5e-7, 5.5e-7).unwrap()));
        assert_eq!(p.get_interval_or_scalar("TIME").unwrap(), Some(Interval::scalar(55123.456).unwrap()));
        assert_eq!(p.get_timestamp("START").unwrap().unwrap().to_string(), "2000-01-02T03:04:05Z");
        assert_eq!(p.get_point("POINT").unwrap(), Some(Point::new(10.0, 20.0).unwrap()));
        assert_eq!(p.get_circle("CIRCLE").unwrap().unwrap().radius(), 0.5);
        assert_eq!(p.get_range("RANGE").unwrap().unwrap().lat_min(), -2.0);
        assert_eq!(p.get_polygon("POLYGON").unwrap().unwrap().vertices().len(), 3);
        assert_eq!(p.get_shape("POS").unwrap().unwrap().to_string(), "CIRCLE 1 2 3");
        assert_eq!(p.get_moc("MOC").unwrap().unwrap().to_string(), "1/1 2");
        assert_eq!(p.get_value::<i64>("N").unwrap(), Some(16));
        assert_eq!(p.get_value::<f64>("X").unwrap(), Some(f64::NEG_INFINITY));
    }

    #[test]
    fn repeated_values_are_all_returned_in_order() {
        let p = Params::from_query("BAND=1+2&band=3&BAND=-Inf+0.5&POS=RANGE+0+1+0+1&pos=CIRCLE+5+5+1");
        let bands = p.get_all_intervals_or_scalars("BAND").unwrap();
        assert_eq!(bands.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["1 2", "3 3", "-Inf 0.5"]);
        let shapes = p.get_all_shapes("POS").unwrap();
        assert_eq!(shapes.iter().map(Shape::xtype).collect::<Vec<_>>(), vec!["range", "circle"]);
        // The strict DALI form does not take the single number.
        let e = p.get_all_intervals("BAND").unwrap_err();
        assert_eq!(
            e.message,
            "parameter BAND (value 2 of 3): invalid interval '3': expected 2 values (lower upper), found 1"
        );
        // Single-valued getters keep the DALI rule on repeats.
        assert!(p.get_interval("BAND").unwrap_err().message.contains("single-valued"));
    }

    #[test]
    fn bad_values_are_usage_errors_naming_the_parameter() {
        let msg = |query: &str, get: fn(&Params) -> Result<(), DaliError>| {
            let e = get(&Params::from_query(query)).unwrap_err();
            assert_eq!(e.http_status(), 400);
            e.message
        };
        assert_eq!(
            msg("BAND=2+1", |p| p.get_interval("band").map(drop)),
            "parameter BAND: invalid interval '2 1': the interval lower bound 2 is greater than its upper bound 1"
        );
        assert_eq!(
            msg("TIME=abc", |p| p.get_interval_or_scalar("time").map(drop)),
            "parameter TIME: invalid interval 'abc': value 'abc' at character 1 is not a number"
        );
        assert_eq!(
            msg("DATE=2023-02-30", |p| p.get_timestamp("date").map(drop)),
            "parameter DATE: invalid timestamp '2023-02-30': day 30 does not exist in 2023-02 at character 9"
        );
        assert_eq!(
            msg("POS=CIRCLE+10+20+1&POS=BOX+1+2+3+4", |p| p.get_all_shapes("pos").map(drop)),
            "parameter POS (value 2 of 2): invalid shape 'BOX 1 2 3 4': unknown shape 'BOX' at character 1: \
             expected CIRCLE, RANGE or POLYGON followed by numbers in degrees"
        );
        assert_eq!(
            msg("CIRCLE=10+20+0", |p| p.get_circle("circle").map(drop)),
            "parameter CIRCLE: invalid circle '10 20 0': radius 0 at character 7 is outside (0, 180] degrees"
        );
        assert_eq!(
            msg("POLYGON=1+1+2+2", |p| p.get_polygon("polygon").map(drop)),
            "parameter POLYGON: invalid polygon '1 1 2 2': expected at least 6 values (3 longitude latitude vertices), found 4"
        );
        assert_eq!(
            msg("P=1", |p| p.get_point("p").map(drop)),
            "parameter P: invalid point '1': expected 2 values (longitude latitude), found 1"
        );
        assert_eq!(
            msg("R=0+1+2+1", |p| p.get_range("r").map(drop)),
            "parameter R: invalid range '0 1 2 1': the latitude lower bound 2 is greater than its upper bound 1"
        );
        assert_eq!(
            msg("MOC=0/12", |p| p.get_moc("moc").map(drop)),
            "parameter MOC: invalid MOC '0/12': cell 12 does not exist at order 0 (0 to 11) at character 3"
        );
        assert_eq!(
            msg("N=1.5", |p| p.get_value::<i64>("n").map(drop)),
            "parameter N: invalid integer '1.5': '1.5' at character 1 is not a 64-bit integer"
        );
        assert_eq!(
            msg("BAND=", |p| p.get_interval("band").map(drop)),
            "parameter BAND: invalid interval '': the value is empty"
        );
    }
}
