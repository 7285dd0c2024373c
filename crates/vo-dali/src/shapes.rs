//! DALI geometry values in degrees: `point`, `circle`, `polygon` [DALI §3.3.5–3.3.7], the
//! `range` box, and the SIA 2.0 / SODA `POS` form ([`Shape`]: `CIRCLE …`, `RANGE …`, `POLYGON …`)
//! [SIA §2.1.1].
//!
//! This module checks what DALI states about the values: how many numbers, longitudes in [0, 360],
//! latitudes in [-90, 90], radii in (0, 180], at least three polygon vertices. Geometry proper
//! (winding, self-intersection, areas, containment) belongs to `vo-geom`, which builds its shapes
//! from the accessors here, e.g. `vo_geom::Polygon::from_radec_deg(&polygon.to_pairs())`.
//! vo-dali does not depend on it so that every protocol crate can parse parameters without pulling
//! in HEALPix.
//!
//! ```
//! use vo_dali::{Circle, Shape};
//!
//! let pos: Shape = "CIRCLE 12.0 34.0 0.5".parse()?;
//! let Shape::Circle(circle) = &pos else { unreachable!() };
//! assert_eq!((circle.center().lon(), circle.radius()), (12.0, 0.5));
//! assert_eq!(pos.to_string(), "CIRCLE 12 34 0.5");
//!
//! let err = "10 95 1".parse::<Circle>().unwrap_err();
//! assert_eq!(err.to_string(), "latitude 95 at character 4 is outside [-90, 90] degrees");
//! # Ok::<(), vo_dali::ValueError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::values::{At, DaliValue, Double, Interval, ValueError, Word, double_word, words, wrong_count};

/// A number together with how it was written and where, so errors can quote it.
struct Num {
    value: f64,
    word: String,
    at: At,
}

impl Num {
    fn given(value: f64) -> Num {
        Num { value, word: Double(value).to_string(), at: At(None) }
    }

    fn parse(word: &Word<'_>, what: impl FnOnce() -> String) -> Result<Num, ValueError> {
        Ok(Num { value: double_word(word, what)?, word: word.text.to_string(), at: word.at })
    }

    fn check(&self, what: impl FnOnce() -> String, ok: bool, problem: &'static str) -> Result<f64, ValueError> {
        if ok {
            return Ok(self.value);
        }
        let problem = if self.value.is_nan() { "not allowed (NaN is not a coordinate)" } else { problem };
        Err(ValueError::OutOfRange { what: what(), word: self.word.clone(), at: self.at, problem })
    }

    fn lon(&self, what: impl FnOnce() -> String) -> Result<f64, ValueError> {
        self.check(what, (0.0..=360.0).contains(&self.value), "outside [0, 360] degrees")
    }

    fn lat(&self, what: impl FnOnce() -> String) -> Result<f64, ValueError> {
        self.check(what, (-90.0..=90.0).contains(&self.value), "outside [-90, 90] degrees")
    }
}

fn name(s: &str) -> impl Fn() -> String + '_ {
    move || s.to_string()
}

/// A position: longitude in [0, 360], latitude in [-90, 90], degrees [DALI §3.3.5].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    lon: f64,
    lat: f64,
}

impl Point {
    pub fn new(lon: f64, lat: f64) -> Result<Point, ValueError> {
        Point::checked(&Num::given(lon), &Num::given(lat), "")
    }

    fn checked(lon: &Num, lat: &Num, suffix: &str) -> Result<Point, ValueError> {
        Ok(Point { lon: lon.lon(|| format!("longitude{suffix}"))?, lat: lat.lat(|| format!("latitude{suffix}"))? })
    }

    fn from_words(words: &[Word<'_>]) -> Result<Point, ValueError> {
        match words {
            [] => Err(ValueError::Empty),
            [lon, lat] => Point::checked(&Num::parse(lon, name("longitude"))?, &Num::parse(lat, name("latitude"))?, ""),
            other => Err(wrong_count("2 values (longitude latitude)", other)),
        }
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }
}

/// A circle: a centre and a radius in (0, 180] degrees [DALI §3.3.6].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    center: Point,
    radius: f64,
}

impl Circle {
    pub fn new(center: Point, radius: f64) -> Result<Circle, ValueError> {
        Circle::checked(center, &Num::given(radius))
    }

    fn checked(center: Point, radius: &Num) -> Result<Circle, ValueError> {
        let ok = radius.value > 0.0 && radius.value <= 180.0;
        Ok(Circle { center, radius: radius.check(name("radius"), ok, "outside (0, 180] degrees")? })
    }

    fn from_words(words: &[Word<'_>], context: &str) -> Result<Circle, ValueError> {
        match words {
            [] if context.is_empty() => Err(ValueError::Empty),
            [lon, lat, r] => {
                let (lon, lat) = (Num::parse(lon, name("longitude"))?, Num::parse(lat, name("latitude"))?);
                let radius = Num::parse(r, name("radius"))?;
                Circle::checked(Point::checked(&lon, &lat, "")?, &radius)
            }
            other => Err(wrong_count(format!("3 values {context}(longitude latitude radius)"), other)),
        }
    }

    pub fn center(&self) -> Point {
        self.center
    }

    pub fn radius(&self) -> f64 {
        self.radius
    }
}

/// A coordinate range `lon_min lon_max lat_min lat_max` in degrees: the `RANGE` of SIA 2.0 POS and
/// DALI 1.2's `range` xtype. `-Inf`/`+Inf` leave a side open (`RANGE 0 360 89 +Inf` is the polar
/// cap). A longitude range whose minimum exceeds its maximum crosses the meridian: `359 1 -1 1` is
/// the 2° × 2° box around longitude 0 (DALI 1.2 §3.9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    lon_min: f64,
    lon_max: f64,
    lat_min: f64,
    lat_max: f64,
}

impl Range {
    pub fn new(lon_min: f64, lon_max: f64, lat_min: f64, lat_max: f64) -> Result<Range, ValueError> {
        Range::checked([lon_min, lon_max, lat_min, lat_max].map(Num::given))
    }

    fn checked([lon_min, lon_max, lat_min, lat_max]: [Num; 4]) -> Result<Range, ValueError> {
        let lon = |n: &Num, open: f64| (0.0..=360.0).contains(&n.value) || n.value == open;
        let lat = |n: &Num, open: f64| (-90.0..=90.0).contains(&n.value) || n.value == open;
        let range = Range {
            lon_min: lon_min.check(
                name("longitude minimum"),
                lon(&lon_min, f64::NEG_INFINITY),
                "outside [0, 360] degrees (only -Inf may open a lower bound)",
            )?,
            lon_max: lon_max.check(
                name("longitude maximum"),
                lon(&lon_max, f64::INFINITY),
                "outside [0, 360] degrees (only +Inf may open an upper bound)",
            )?,
            lat_min: lat_min.check(
                name("latitude minimum"),
                lat(&lat_min, f64::NEG_INFINITY),
                "outside [-90, 90] degrees (only -Inf may open a lower bound)",
            )?,
            lat_max: lat_max.check(
                name("latitude maximum"),
                lat(&lat_max, f64::INFINITY),
                "outside [-90, 90] degrees (only +Inf may open an upper bound)",
            )?,
        };
        // Longitude wraps, so min > max is a range across 0; latitude does not.
        if range.lat_min > range.lat_max {
            return Err(ValueError::Reversed { what: "latitude", lower: lat_min.word, upper: lat_max.word });
        }
        Ok(range)
    }

    fn from_words(words: &[Word<'_>], context: &str) -> Result<Range, ValueError> {
        match words {
            [] if context.is_empty() => Err(ValueError::Empty),
            [a, b, c, d] => Range::checked([
                Num::parse(a, name("longitude minimum"))?,
                Num::parse(b, name("longitude maximum"))?,
                Num::parse(c, name("latitude minimum"))?,
                Num::parse(d, name("latitude maximum"))?,
            ]),
            other => Err(wrong_count(format!("4 values {context}(lon_min lon_max lat_min lat_max)"), other)),
        }
    }

    pub fn lon_min(&self) -> f64 {
        self.lon_min
    }

    pub fn lon_max(&self) -> f64 {
        self.lon_max
    }

    pub fn lat_min(&self) -> f64 {
        self.lat_min
    }

    pub fn lat_max(&self) -> f64 {
        self.lat_max
    }

    /// Whether the longitude range runs from `lon_min` up through 360/0 to `lon_max`.
    pub fn crosses_meridian(&self) -> bool {
        self.lon_min > self.lon_max
    }

    /// The latitude range as an interval.
    pub fn latitude(&self) -> Interval {
        Interval::new(self.lat_min, self.lat_max).expect("range invariants make a valid interval")
    }

    /// `[lon_min, lon_max, lat_min, lat_max]` with open sides closed at the edges of the sphere
    /// (0, 360, -90, 90), which is what geometry code and SQL bounds want.
    pub fn finite_bounds(&self) -> [f64; 4] {
        let clamp = |v: f64, low: f64, high: f64| if v.is_infinite() { if v < 0.0 { low } else { high } } else { v };
        [
            clamp(self.lon_min, 0.0, 360.0),
            clamp(self.lon_max, 0.0, 360.0),
            clamp(self.lat_min, -90.0, 90.0),
            clamp(self.lat_max, -90.0, 90.0),
        ]
    }
}

/// A polygon: at least three vertices, implicitly closed [DALI §3.3.7]. A closing vertex equal to
/// the first is dropped (DALI discourages it: the zero-length edge breaks polygon arithmetic), and
/// a vertex equal to its predecessor is rejected for the same reason.
///
/// DALI asks for counter-clockwise vertices (seen from the centre of the sphere) while SIA 2.0 POS
/// takes the smaller region whatever the order, so the winding is not checked here; `vo-geom`
/// normalises it.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    vertices: Vec<Point>,
}

impl Polygon {
    pub fn new(vertices: Vec<Point>) -> Result<Polygon, ValueError> {
        let ats = vec![At(None); vertices.len()];
        Polygon::checked(vertices, &ats, "")
    }

    /// From `(longitude, latitude)` pairs in degrees.
    pub fn from_pairs(pairs: &[(f64, f64)]) -> Result<Polygon, ValueError> {
        let vertices = pairs.iter().map(|&(lon, lat)| Point::new(lon, lat)).collect::<Result<Vec<_>, _>>()?;
        Polygon::new(vertices)
    }

    fn checked(mut vertices: Vec<Point>, ats: &[At], context: &str) -> Result<Polygon, ValueError> {
        if vertices.len() < 3 {
            return Err(ValueError::WrongCount {
                expected: format!("at least 6 values {context}(3 longitude latitude vertices)"),
                found: vertices.len() * 2,
                hint: "",
            });
        }
        if vertices.len() > 3 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        let n = vertices.len();
        if let Some(i) = (1..n).find(|&i| vertices[i] == vertices[i - 1]) {
            return Err(ValueError::RepeatedVertex { index: i + 1, of: i, at: ats[i] });
        }
        // Only reachable with three vertices whose last equals the first (no room to drop it).
        if vertices[n - 1] == vertices[0] {
            return Err(ValueError::RepeatedVertex { index: n, of: 1, at: ats[n - 1] });
        }
        Ok(Polygon { vertices })
    }

    fn from_words(words: &[Word<'_>], context: &str) -> Result<Polygon, ValueError> {
        if words.is_empty() && context.is_empty() {
            return Err(ValueError::Empty);
        }
        if words.len() % 2 != 0 {
            return Err(wrong_count(format!("an even number of values {context}(longitude latitude pairs)"), words));
        }
        if words.len() < 6 {
            return Err(wrong_count(format!("at least 6 values {context}(3 longitude latitude vertices)"), words));
        }
        let mut vertices = Vec::with_capacity(words.len() / 2);
        for (k, pair) in words.chunks_exact(2).enumerate() {
            let suffix = format!(" of vertex {}", k + 1);
            let lon = Num::parse(&pair[0], || format!("longitude{suffix}"))?;
            let lat = Num::parse(&pair[1], || format!("latitude{suffix}"))?;
            vertices.push(Point::checked(&lon, &lat, &suffix)?);
        }
        let ats: Vec<At> = words.iter().step_by(2).map(|w| w.at).collect();
        Polygon::checked(vertices, &ats, context)
    }

    /// The vertices in the order given (without a closing duplicate of the first).
    pub fn vertices(&self) -> &[Point] {
        &self.vertices
    }

    /// The vertices as `(longitude, latitude)` pairs, the form `vo_geom::Polygon::from_radec_deg` takes.
    pub fn to_pairs(&self) -> Vec<(f64, f64)> {
        self.vertices.iter().map(|p| (p.lon, p.lat)).collect()
    }
}

/// A SIA 2.0 / SODA `POS` value [SIA §2.1.1]: a shape keyword and its numbers, e.g.
/// `CIRCLE 12 34 0.5`, `RANGE 0 360 -2 2`, `POLYGON 12 34 14 35 14 36`. The keyword is matched
/// case-insensitively because DALI 1.2's `shape` xtype writes it in lower case; [`Display`](fmt::Display)
/// writes it in upper case as SIA 2.0 does.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Circle(Circle),
    Range(Range),
    Polygon(Polygon),
}

impl Shape {
    /// The DALI xtype of the shape's numbers: `circle`, `range` or `polygon`.
    pub fn xtype(&self) -> &'static str {
        match self {
            Shape::Circle(_) => "circle",
            Shape::Range(_) => "range",
            Shape::Polygon(_) => "polygon",
        }
    }
}

fn single_value<T>(text: &str, parse: impl FnOnce(&[Word<'_>]) -> Result<T, ValueError>) -> Result<T, ValueError> {
    let words = words(text);
    if words.is_empty() {
        return Err(ValueError::Empty);
    }
    parse(&words)
}

impl FromStr for Shape {
    type Err = ValueError;
    fn from_str(text: &str) -> Result<Shape, ValueError> {
        single_value(text, |words| {
            let (keyword, rest) = (&words[0], &words[1..]);
            let is = |k: &str| keyword.text.eq_ignore_ascii_case(k);
            if is("CIRCLE") {
                Circle::from_words(rest, "after CIRCLE ").map(Shape::Circle)
            } else if is("RANGE") {
                Range::from_words(rest, "after RANGE ").map(Shape::Range)
            } else if is("POLYGON") {
                Polygon::from_words(rest, "after POLYGON ").map(Shape::Polygon)
            } else {
                Err(ValueError::UnknownShape { word: keyword.text.to_string(), at: keyword.at })
            }
        })
    }
}

macro_rules! xtype_impls {
    ($type:ty, $name:literal, |$words:ident| $parse:expr) => {
        impl FromStr for $type {
            type Err = ValueError;
            fn from_str(text: &str) -> Result<$type, ValueError> {
                single_value(text, |$words| $parse)
            }
        }

        impl DaliValue for $type {
            const NAME: &'static str = $name;
            fn parse_dali(text: &str) -> Result<Self, ValueError> {
                text.parse()
            }
        }
    };
}

xtype_impls!(Point, "point", |w| Point::from_words(w));
xtype_impls!(Circle, "circle", |w| Circle::from_words(w, ""));
xtype_impls!(Range, "range", |w| Range::from_words(w, ""));
xtype_impls!(Polygon, "polygon", |w| Polygon::from_words(w, ""));

impl DaliValue for Shape {
    const NAME: &'static str = "shape";
    fn parse_dali(text: &str) -> Result<Self, ValueError> {
        text.parse()
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Double(self.lon), Double(self.lat))
    }
}

impl fmt::Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.center, Double(self.radius))
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = [self.lon_min, self.lon_max, self.lat_min, self.lat_max].map(Double);
        write!(f, "{a} {b} {c} {d}")
    }
}

impl fmt::Display for Polygon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, vertex) in self.vertices.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{vertex}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Circle(c) => write!(f, "CIRCLE {c}"),
            Shape::Range(r) => write!(f, "RANGE {r}"),
            Shape::Polygon(p) => write!(f, "POLYGON {p}"),
        }
    }
}

#[cfg(test)]
#[path = "shapes_tests.rs"]
mod tests;
