//! DALI xtype serialisations of geometry: `point`, `circle` and `polygon` as space-separated numbers in
//! degrees (DALI 1.1 §3.3.5–3.3.7), e.g. a circle `"10 20 0.5"`.

use crate::error::{GeomError, Result};
use crate::polygon::Polygon;
use crate::shape::{Circle, Point, Shape};

fn numbers(xtype: &'static str, text: &str) -> Result<Vec<f64>> {
    text.split_ascii_whitespace()
        .map(|word| {
            word.parse::<f64>().map_err(|_| GeomError::InvalidXtype {
                xtype,
                text: text.to_string(),
                reason: format!("'{word}' is not a number"),
            })
        })
        .collect()
}

fn wrap(xtype: &'static str, text: &str, error: GeomError) -> GeomError {
    GeomError::InvalidXtype { xtype, text: text.to_string(), reason: error.to_string() }
}

/// Parses a DALI `point`: `"ra dec"`.
pub fn parse_point(text: &str) -> Result<Point> {
    match numbers("point", text)?.as_slice() {
        &[ra, dec] => Point::new(ra, dec).map_err(|e| wrap("point", text, e)),
        other => Err(GeomError::InvalidXtype {
            xtype: "point",
            text: text.to_string(),
            reason: format!("expected 2 numbers, found {}", other.len()),
        }),
    }
}

/// Parses a DALI `circle`: `"ra dec radius"`.
pub fn parse_circle(text: &str) -> Result<Circle> {
    match numbers("circle", text)?.as_slice() {
        &[ra, dec, radius] => {
            Point::new(ra, dec).and_then(|center| Circle::new(center, radius)).map_err(|e| wrap("circle", text, e))
        }
        other => Err(GeomError::InvalidXtype {
            xtype: "circle",
            text: text.to_string(),
            reason: format!("expected 3 numbers, found {}", other.len()),
        }),
    }
}

/// Parses a DALI `polygon`: `"ra1 dec1 ra2 dec2 ra3 dec3 ..."` (at least 3 vertices).
pub fn parse_polygon(text: &str) -> Result<Polygon> {
    let values = numbers("polygon", text)?;
    if values.len() % 2 != 0 || values.len() < 6 {
        return Err(GeomError::InvalidXtype {
            xtype: "polygon",
            text: text.to_string(),
            reason: format!("expected an even number (at least 6) of numbers, found {}", values.len()),
        });
    }
    let vertices: Vec<(f64, f64)> = values.chunks_exact(2).map(|c| (c[0], c[1])).collect();
    Polygon::from_radec_deg(&vertices).map_err(|e| wrap("polygon", text, e))
}

/// Parses a value given its DALI xtype name (`point`, `circle` or `polygon`, case-insensitive).
pub fn parse_xtype(xtype: &str, text: &str) -> Result<Shape> {
    match xtype.to_ascii_lowercase().as_str() {
        "point" => parse_point(text).map(Shape::Point),
        "circle" => parse_circle(text).map(Shape::Circle),
        "polygon" => parse_polygon(text).map(Shape::Polygon),
        _ => Err(GeomError::InvalidXtype {
            xtype: "geometry",
            text: text.to_string(),
            reason: format!("unknown xtype '{xtype}' (expected point, circle or polygon)"),
        }),
    }
}

/// The DALI xtype name of a shape (a box is written as a polygon, DALI having no box).
pub fn xtype_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Point(_) => "point",
        Shape::Circle(_) => "circle",
        Shape::Box(_) | Shape::Polygon(_) => "polygon",
    }
}

/// The DALI serialisation of a shape, numbers in Rust's shortest round-trip form.
///
/// ```
/// use vo_geom::{Circle, Point, Shape, format_xtype};
/// let c = Shape::Circle(Circle::new(Point::new(10.0, -5.5).unwrap(), 0.25).unwrap());
/// assert_eq!(format_xtype(&c), "10 -5.5 0.25");
/// ```
pub fn format_xtype(shape: &Shape) -> String {
    match shape {
        Shape::Point(p) => format!("{} {}", p.ra(), p.dec()),
        Shape::Circle(c) => format!("{} {} {}", c.center().ra(), c.center().dec(), c.radius()),
        Shape::Box(b) => join_vertices(b.as_polygon()),
        Shape::Polygon(p) => join_vertices(p),
    }
}

fn join_vertices(polygon: &Polygon) -> String {
    polygon.vertices().iter().map(|p| format!("{} {}", p.ra(), p.dec())).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (xtype, text) in [("point", "10 20"), ("circle", "359.5 -89 0.001"), ("polygon", "10 10 20 10 15 20")] {
            let shape = parse_xtype(xtype, text).unwrap();
            assert_eq!(format_xtype(&shape), text);
            assert_eq!(xtype_name(&shape), xtype);
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = parse_point("10").unwrap_err().to_string();
        assert!(e.contains("expected 2 numbers"), "{e}");
        let e = parse_circle("10 20 abc").unwrap_err().to_string();
        assert!(e.contains("'abc' is not a number"), "{e}");
        let e = parse_circle("10 95 1").unwrap_err().to_string();
        assert!(e.contains("Dec"), "{e}");
        assert!(parse_polygon("0 0 1 1 2").is_err());
    }
}
