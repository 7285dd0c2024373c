//! ADQL/DALI shapes on the sphere and the predicates between them.

use crate::error::{GeomError, Result};
use crate::polygon::{BOUNDARY_TOLERANCE_RAD, Polygon, SQ_DEG_PER_SR};
use crate::vec3::{Vec3, east_north};

/// A position on the sphere, in degrees: RA normalised to [0, 360), Dec in [-90, 90].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    ra: f64,
    dec: f64,
    unit: Vec3,
}

impl Point {
    /// Validates and normalises a position: any finite RA is accepted and wrapped into [0, 360).
    pub fn new(ra: f64, dec: f64) -> Result<Point> {
        if !ra.is_finite() {
            return Err(GeomError::InvalidCoordinate { what: "RA", value: ra, reason: "not a finite number" });
        }
        if !dec.is_finite() || !(-90.0..=90.0).contains(&dec) {
            return Err(GeomError::InvalidCoordinate {
                what: "Dec",
                value: dec,
                reason: "it must be between -90 and 90 degrees",
            });
        }
        let ra = ra.rem_euclid(360.0);
        let ra = if ra >= 360.0 { 0.0 } else { ra };
        Ok(Point { ra, dec, unit: Vec3::from_radec_deg(ra, dec) })
    }

    pub(crate) fn from_unit(unit: Vec3) -> Point {
        let (ra, dec) = unit.to_radec_deg();
        Point { ra, dec, unit }
    }

    pub fn ra(&self) -> f64 {
        self.ra
    }

    pub fn dec(&self) -> f64 {
        self.dec
    }

    pub(crate) fn unit(&self) -> Vec3 {
        self.unit
    }

    /// Angular distance to another point, in degrees.
    pub fn distance_deg(&self, other: &Point) -> f64 {
        self.unit.angle_to(other.unit).to_degrees()
    }
}

/// A spherical cap: all points within `radius` degrees of `center`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    center: Point,
    radius: f64,
    radius_rad: f64,
}

impl Circle {
    /// A circle of `radius` degrees, which must be in [0, 180].
    pub fn new(center: Point, radius: f64) -> Result<Circle> {
        if !radius.is_finite() || !(0.0..=180.0).contains(&radius) {
            return Err(GeomError::InvalidRadius(radius));
        }
        Ok(Circle { center, radius, radius_rad: radius.to_radians() })
    }

    pub fn center(&self) -> Point {
        self.center
    }

    pub fn radius(&self) -> f64 {
        self.radius
    }

    fn contains_unit(&self, p: Vec3) -> bool {
        self.center.unit.angle_to(p) <= self.radius_rad
    }
}

/// ADQL's BOX (deprecated in ADQL 2.1): a centre, a width along RA and a height along Dec, in degrees.
///
/// Following STC, the midpoints of the sides lie at ±width/2 and ±height/2 from the centre along the
/// great circles through the centre parallel to the coordinate axes, and the sides are great circles
/// meeting those arms at right angles. So a box is a spherical quadrilateral, and is stored as one.
/// (It is not an RA/Dec range: its sides are not parallels of declination.)
#[derive(Debug, Clone, PartialEq)]
pub struct SkyBox {
    center: Point,
    width: f64,
    height: f64,
    polygon: Polygon,
}

impl SkyBox {
    /// A box; width and height must be in (0, 180) degrees.
    pub fn new(center: Point, width: f64, height: f64) -> Result<SkyBox> {
        for (what, value) in [("width", width), ("height", height)] {
            if !value.is_finite() || value <= 0.0 || value >= 180.0 {
                return Err(GeomError::InvalidBoxSize { what, value });
            }
        }
        let (east, north) = east_north(center.ra, center.dec);
        let (half_w, half_h) = ((width / 2.0).to_radians().tan(), (height / 2.0).to_radians().tan());
        // In the tangent plane at the centre the box is the rectangle |x| ≤ tan(w/2), |y| ≤ tan(h/2):
        // great circles project to straight lines under the gnomonic projection.
        let corner = |sx: f64, sy: f64| {
            let v = center.unit + east * (sx * half_w) + north * (sy * half_h);
            Point::from_unit(v.normalized().unwrap_or(center.unit))
        };
        let corners = vec![corner(-1.0, -1.0), corner(1.0, -1.0), corner(1.0, 1.0), corner(-1.0, 1.0)];
        let polygon = Polygon::new(corners)?;
        Ok(SkyBox { center, width, height, polygon })
    }

    pub fn center(&self) -> Point {
        self.center
    }

    pub fn width(&self) -> f64 {
        self.width
    }

    pub fn height(&self) -> f64 {
        self.height
    }

    /// The box as a four-vertex polygon.
    pub fn as_polygon(&self) -> &Polygon {
        &self.polygon
    }
}

/// Any ADQL geometry value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Point(Point),
    Circle(Circle),
    Box(SkyBox),
    Polygon(Polygon),
}

impl Shape {
    /// Whether the position (degrees) is inside or on the boundary. For a point shape: whether the
    /// positions coincide (within about 20 micro-arcseconds).
    ///
    /// ```
    /// use vo_geom::{Circle, Point, Shape};
    /// let cone = Shape::Circle(Circle::new(Point::new(359.9, 0.0).unwrap(), 0.5).unwrap());
    /// assert!(cone.contains(0.2, 0.1));
    /// ```
    pub fn contains(&self, ra: f64, dec: f64) -> bool {
        self.contains_unit(Vec3::from_radec_deg(ra, dec))
    }

    /// [`Shape::contains`] for a point.
    pub fn contains_point(&self, point: &Point) -> bool {
        self.contains_unit(point.unit)
    }

    fn contains_unit(&self, p: Vec3) -> bool {
        match self {
            Shape::Point(q) => q.unit.angle_to(p) <= BOUNDARY_TOLERANCE_RAD,
            Shape::Circle(c) => c.contains_unit(p),
            Shape::Box(b) => b.polygon.contains_unit(p),
            Shape::Polygon(poly) => poly.contains_unit(p),
        }
    }

    fn as_polygon(&self) -> Option<&Polygon> {
        match self {
            Shape::Box(b) => Some(&b.polygon),
            Shape::Polygon(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the two shapes share at least one point (ADQL INTERSECTS).
    pub fn intersects(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Point(p), shape) | (shape, Shape::Point(p)) => shape.contains_point(p),
            (Shape::Circle(a), Shape::Circle(b)) => {
                a.center.unit.angle_to(b.center.unit) <= a.radius_rad + b.radius_rad + BOUNDARY_TOLERANCE_RAD
            }
            (Shape::Circle(c), shape) | (shape, Shape::Circle(c)) => {
                let poly = shape.as_polygon().expect("non-point, non-circle shapes are polygons");
                poly.contains_unit(c.center.unit)
                    || poly.distance_to_boundary(c.center.unit) <= c.radius_rad + BOUNDARY_TOLERANCE_RAD
            }
            (a, b) => {
                let (pa, pb) = (a.as_polygon().expect("polygon"), b.as_polygon().expect("polygon"));
                pa.unit_vertices().iter().any(|v| pb.contains_unit(*v))
                    || pb.unit_vertices().iter().any(|v| pa.contains_unit(*v))
                    || pa.edges_cross(pb)
            }
        }
    }

    /// Whether `inner` lies entirely inside this shape, boundary included (ADQL CONTAINS(inner, self)).
    pub fn contains_shape(&self, inner: &Shape) -> bool {
        match (self, inner) {
            (outer, Shape::Point(p)) => outer.contains_point(p),
            (Shape::Point(p), Shape::Circle(c)) => c.radius == 0.0 && Shape::Point(*p).contains_point(&c.center),
            (Shape::Point(_), _) => false,
            (Shape::Circle(outer), Shape::Circle(c)) => {
                outer.center.unit.angle_to(c.center.unit) + c.radius_rad <= outer.radius_rad + BOUNDARY_TOLERANCE_RAD
            }
            (Shape::Circle(outer), shape) => {
                let poly = shape.as_polygon().expect("polygon");
                // Caps up to a hemisphere are convex, so containing the vertices suffices; a larger cap
                // must also keep every edge out of the complementary cap around the antipode.
                poly.unit_vertices().iter().all(|v| outer.contains_unit(*v))
                    && (outer.radius <= 90.0
                        || poly.distance_to_boundary(-outer.center.unit)
                            >= std::f64::consts::PI - outer.radius_rad - BOUNDARY_TOLERANCE_RAD)
            }
            (outer, Shape::Circle(c)) => {
                let poly = outer.as_polygon().expect("polygon");
                poly.contains_unit(c.center.unit)
                    && poly.distance_to_boundary(c.center.unit) + BOUNDARY_TOLERANCE_RAD >= c.radius_rad
            }
            (outer, inner) => {
                let (po, pi) = (outer.as_polygon().expect("polygon"), inner.as_polygon().expect("polygon"));
                pi.unit_vertices().iter().all(|v| po.contains_unit(*v)) && !pi.edges_cross(po)
            }
        }
    }

    /// Area in square degrees (0 for a point).
    pub fn area_deg2(&self) -> f64 {
        match self {
            Shape::Point(_) => 0.0,
            Shape::Circle(c) => {
                // 2π(1 − cos r), written with sin² so tiny circles keep their precision.
                let half = c.radius_rad / 2.0;
                4.0 * std::f64::consts::PI * half.sin() * half.sin() * SQ_DEG_PER_SR
            }
            Shape::Box(b) => b.polygon.area_deg2(),
            Shape::Polygon(p) => p.area_deg2(),
        }
    }

    /// The centroid (ADQL CENTROID): the centre for points, circles and boxes.
    pub fn centroid(&self) -> Point {
        match self {
            Shape::Point(p) => *p,
            Shape::Circle(c) => c.center,
            Shape::Box(b) => b.center,
            Shape::Polygon(p) => p.centroid(),
        }
    }

    /// A cone (centre, radius in degrees) enclosing the shape.
    pub fn bounding_cone(&self) -> (Point, f64) {
        match self {
            Shape::Point(p) => (*p, 0.0),
            Shape::Circle(c) => (c.center, c.radius),
            Shape::Box(b) => (b.center, b.polygon.bounding_radius_deg_from(b.center)),
            Shape::Polygon(p) => (p.centroid(), p.bounding_radius_deg()),
        }
    }
}

impl Polygon {
    fn bounding_radius_deg_from(&self, center: Point) -> f64 {
        self.unit_vertices().iter().map(|v| center.unit.angle_to(*v)).fold(0.0, f64::max).to_degrees()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(ra: f64, dec: f64) -> Point {
        Point::new(ra, dec).unwrap()
    }

    #[test]
    fn point_validation_and_wrapping() {
        assert_eq!(pt(-10.0, 0.0).ra(), 350.0);
        assert_eq!(pt(360.0, 0.0).ra(), 0.0);
        assert!(Point::new(0.0, 90.5).is_err());
        assert!(Point::new(f64::NAN, 0.0).is_err());
    }

    #[test]
    fn circle_contains_across_ra_zero_and_pole() {
        let c = Shape::Circle(Circle::new(pt(0.0, 89.0), 2.0).unwrap());
        assert!(c.contains(180.0, 89.5), "over the pole");
        assert!(!c.contains(180.0, 86.5));
        let zero = Shape::Circle(Circle::new(pt(0.0, 0.0), 0.0).unwrap());
        assert!(zero.contains(0.0, 0.0) && !zero.contains(0.0, 1e-6));
        assert!(Circle::new(pt(0.0, 0.0), -1.0).is_err() && Circle::new(pt(0.0, 0.0), 180.5).is_err());
    }

    #[test]
    fn box_has_great_circle_sides() {
        let b = Shape::Box(SkyBox::new(pt(10.0, 0.0), 4.0, 2.0).unwrap());
        assert!(b.contains(11.9, 0.9) && !b.contains(12.1, 0.0) && !b.contains(10.0, 1.1));
        // At high declination the box is narrow in RA, unlike an RA range.
        let high = Shape::Box(SkyBox::new(pt(0.0, 80.0), 2.0, 2.0).unwrap());
        assert!(high.contains(5.0, 80.0) && !high.contains(6.0, 80.0));
        assert!(SkyBox::new(pt(0.0, 0.0), 0.0, 1.0).is_err());
        let around_pole = Shape::Box(SkyBox::new(pt(0.0, 90.0), 10.0, 10.0).unwrap());
        assert!(around_pole.contains(200.0, 86.0));
        assert!((b.area_deg2() - 8.0).abs() < 0.01);
    }

    #[test]
    fn intersections_and_containment() {
        let small = Shape::Circle(Circle::new(pt(10.0, 10.0), 1.0).unwrap());
        let big = Shape::Circle(Circle::new(pt(10.0, 10.0), 5.0).unwrap());
        let far = Shape::Circle(Circle::new(pt(100.0, 10.0), 5.0).unwrap());
        let square =
            Shape::Polygon(Polygon::from_radec_deg(&[(8.0, 8.0), (12.0, 8.0), (12.0, 12.0), (8.0, 12.0)]).unwrap());
        assert!(big.contains_shape(&small) && !small.contains_shape(&big));
        assert!(big.intersects(&small) && !big.intersects(&far));
        assert!(square.contains_shape(&small) && big.contains_shape(&square) && !square.contains_shape(&big));
        assert!(square.intersects(&big) && !square.intersects(&far));
        let edge_only = Shape::Circle(Circle::new(pt(13.0, 10.0), 1.5).unwrap());
        assert!(square.intersects(&edge_only) && !square.contains_shape(&edge_only));
        let overlap =
            Shape::Polygon(Polygon::from_radec_deg(&[(11.0, 9.0), (15.0, 9.0), (15.0, 11.0), (11.0, 11.0)]).unwrap());
        assert!(square.intersects(&overlap) && !square.contains_shape(&overlap));
        let hemisphere_plus = Shape::Circle(Circle::new(pt(10.0, 10.0), 120.0).unwrap());
        assert!(hemisphere_plus.contains_shape(&square));
    }

    #[test]
    fn areas() {
        let whole = Shape::Circle(Circle::new(pt(0.0, 0.0), 180.0).unwrap());
        assert!((whole.area_deg2() - 41252.96124941927).abs() < 1e-6);
        assert_eq!(Shape::Point(pt(1.0, 2.0)).area_deg2(), 0.0);
    }
}
