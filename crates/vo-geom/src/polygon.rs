//! Spherical polygons with great-circle edges.

use crate::error::{GeomError, Result};
use crate::shape::Point;
use crate::vec3::{Vec3, arcs_cross, distance_to_arc, ray_crosses_edge};

/// Points closer than this to an edge (radians, about 20 micro-arcseconds) count as on the boundary,
/// which ADQL's CONTAINS includes.
pub(crate) const BOUNDARY_TOLERANCE_RAD: f64 = 1e-10;

/// Vertices closer than this (radians) are considered the same point.
const SAME_VERTEX_RAD: f64 = 1e-12;

/// A polygon on the sphere: vertices joined by the shorter great-circle arcs, implicitly closed.
///
/// The interior is the **smaller** of the two regions the boundary separates (as pgsphere does),
/// whatever the order in which the vertices were given; vertices are stored counter-clockwise (interior
/// on the left, the DALI convention). Construction rejects fewer than 3 vertices, repeated consecutive
/// vertices, antipodal neighbours, zero area and self-intersections.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    vertices: Vec<Point>,
    unit: Vec<Vec3>,
    /// `normals[i]` is the unit normal of edge i → i+1; interior points have a positive dot product
    /// with every normal when the polygon is convex.
    normals: Vec<Vec3>,
    convex: bool,
    /// A point strictly inside, the anchor for ray casting.
    inside: Vec3,
    area_sr: f64,
}

impl Polygon {
    /// Builds a polygon from its vertices (degrees); a closing vertex equal to the first is dropped.
    ///
    /// ```
    /// use vo_geom::Polygon;
    /// let triangle = Polygon::from_radec_deg(&[(10.0, 10.0), (20.0, 10.0), (15.0, 20.0)]).unwrap();
    /// assert!(triangle.contains(15.0, 13.0));
    /// assert!(!triangle.contains(15.0, 25.0));
    /// ```
    pub fn from_radec_deg(vertices: &[(f64, f64)]) -> Result<Polygon> {
        let points = vertices.iter().map(|&(ra, dec)| Point::new(ra, dec)).collect::<Result<Vec<_>>>()?;
        Polygon::new(points)
    }

    /// Builds a polygon from validated points; see [`Polygon::from_radec_deg`].
    pub fn new(mut vertices: Vec<Point>) -> Result<Polygon> {
        if vertices.len() > 3 && vertices[0].unit().angle_to(vertices[vertices.len() - 1].unit()) < SAME_VERTEX_RAD {
            vertices.pop();
        }
        let n = vertices.len();
        if n < 3 {
            return Err(GeomError::TooFewVertices(n));
        }
        let mut unit: Vec<Vec3> = vertices.iter().map(Point::unit).collect();
        check_edges(&unit)?;
        let signed = signed_area_sr(&unit);
        if signed.abs() < 1e-20 {
            return Err(GeomError::DegeneratePolygon("the vertices enclose no area (all on one great circle?)".into()));
        }
        if signed < 0.0 {
            vertices.reverse();
            unit.reverse();
        }
        let normals: Vec<Vec3> =
            (0..n).map(|i| unit[i].cross(unit[(i + 1) % n]).normalized().unwrap_or(Vec3::new(0.0, 0.0, 1.0))).collect();
        let area_sr = signed.abs();
        let convex =
            area_sr < std::f64::consts::TAU && (0..n).all(|i| normals[(i + n - 1) % n].dot(unit[(i + 1) % n]) > 0.0);
        let inside = interior_point(&unit, &normals);
        Ok(Polygon { vertices, unit, normals, convex, inside, area_sr })
    }

    /// The vertices, counter-clockwise (interior on the left).
    pub fn vertices(&self) -> &[Point] {
        &self.vertices
    }

    /// Whether the position (degrees) is inside or on the boundary.
    pub fn contains(&self, ra: f64, dec: f64) -> bool {
        self.contains_unit(Vec3::from_radec_deg(ra, dec))
    }

    pub(crate) fn contains_unit(&self, p: Vec3) -> bool {
        if self.convex {
            return self.normals.iter().all(|normal| normal.dot(p) >= -BOUNDARY_TOLERANCE_RAD);
        }
        if self.edges().any(|(a, b)| distance_to_arc(p, a, b) <= BOUNDARY_TOLERANCE_RAD) {
            return true;
        }
        // Ray casting from p to the known interior point: an even number of crossings means inside.
        // When p is (nearly) antipodal to the anchor the arc is undefined, so go via a waypoint.
        if p.dot(self.inside) > -0.9 {
            return self.crossings(p, self.inside) % 2 == 0;
        }
        let waypoint = self.waypoint_off_boundary(p);
        (self.crossings(p, waypoint) + self.crossings(waypoint, self.inside)) % 2 == 0
    }

    fn crossings(&self, from: Vec3, to: Vec3) -> usize {
        self.edges().filter(|&(a, b)| ray_crosses_edge(from, to, a, b)).count()
    }

    /// A point roughly 90° from both `p` and the anchor and away from every edge.
    fn waypoint_off_boundary(&self, p: Vec3) -> Vec3 {
        let base = p.any_perpendicular();
        let other = p.cross(base);
        (0..16)
            .map(|k| {
                let angle = k as f64 * 0.37;
                base * angle.cos() + other * angle.sin()
            })
            .find(|w| self.edges().all(|(a, b)| distance_to_arc(*w, a, b) > 1e-6))
            .unwrap_or(base)
    }

    pub(crate) fn edges(&self) -> impl Iterator<Item = (Vec3, Vec3)> + '_ {
        let n = self.unit.len();
        (0..n).map(move |i| (self.unit[i], self.unit[(i + 1) % n]))
    }

    pub(crate) fn unit_vertices(&self) -> &[Vec3] {
        &self.unit
    }

    /// Smallest angular distance (radians) from a point to the boundary.
    pub(crate) fn distance_to_boundary(&self, p: Vec3) -> f64 {
        self.edges().map(|(a, b)| distance_to_arc(p, a, b)).fold(f64::INFINITY, f64::min)
    }

    /// Whether an edge of `self` properly crosses an edge of `other`.
    pub(crate) fn edges_cross(&self, other: &Polygon) -> bool {
        self.edges().any(|(a, b)| other.edges().any(|(c, d)| arcs_cross(a, b, c, d)))
    }

    /// Area in square degrees.
    pub fn area_deg2(&self) -> f64 {
        self.area_sr * SQ_DEG_PER_SR
    }

    /// The area-weighted centroid on the sphere.
    pub fn centroid(&self) -> Point {
        // ∫ x dA over the polygon = ½ Σ θᵢ nᵢ (θᵢ edge length, nᵢ edge normal): exact and cheap.
        let sum = self
            .edges()
            .zip(&self.normals)
            .fold(Vec3::new(0.0, 0.0, 0.0), |acc, ((a, b), normal)| acc + *normal * a.angle_to(b));
        let direction = sum.normalized().unwrap_or(self.inside);
        Point::from_unit(direction)
    }

    /// A point strictly inside the polygon.
    pub fn interior_point(&self) -> Point {
        Point::from_unit(self.inside)
    }

    /// The largest angular distance (degrees) from the centroid to a vertex: a bounding-cone radius.
    pub fn bounding_radius_deg(&self) -> f64 {
        let center = self.centroid().unit();
        self.unit.iter().map(|v| center.angle_to(*v)).fold(0.0, f64::max).to_degrees()
    }
}

/// Square degrees in one steradian.
pub(crate) const SQ_DEG_PER_SR: f64 = (180.0 / std::f64::consts::PI) * (180.0 / std::f64::consts::PI);

fn check_edges(unit: &[Vec3]) -> Result<()> {
    let n = unit.len();
    for i in 0..n {
        let (a, b) = (unit[i], unit[(i + 1) % n]);
        let length = a.angle_to(b);
        if length < SAME_VERTEX_RAD {
            return Err(GeomError::DegeneratePolygon(format!("vertices {} and {} coincide", i + 1, (i + 1) % n + 1)));
        }
        if std::f64::consts::PI - length < 1e-9 {
            return Err(GeomError::DegeneratePolygon(format!(
                "vertices {} and {} are antipodal, so the edge between them is undefined",
                i + 1,
                (i + 1) % n + 1
            )));
        }
    }
    for i in 0..n {
        let (a, b) = (unit[i], unit[(i + 1) % n]);
        for j in (i + 1)..n {
            let (c, d) = (unit[j], unit[(j + 1) % n]);
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if adjacent {
                // Neighbouring edges share a vertex; they must not fold back onto each other.
                let (shared, far_first, far_second) = if j == i + 1 { (b, a, d) } else { (a, b, c) };
                let folded = distance_to_arc(far_second, far_first, shared) < SAME_VERTEX_RAD
                    || distance_to_arc(far_first, shared, far_second) < SAME_VERTEX_RAD;
                if folded && n > 3 {
                    return Err(GeomError::SelfIntersectingPolygon { first: i + 1, second: j + 1 });
                }
                if folded {
                    return Err(GeomError::DegeneratePolygon("the edges fold back onto each other".into()));
                }
                continue;
            }
            let touches = distance_to_arc(a, c, d) < SAME_VERTEX_RAD
                || distance_to_arc(b, c, d) < SAME_VERTEX_RAD
                || distance_to_arc(c, a, b) < SAME_VERTEX_RAD
                || distance_to_arc(d, a, b) < SAME_VERTEX_RAD;
            if touches || arcs_cross(a, b, c, d) {
                return Err(GeomError::SelfIntersectingPolygon { first: i + 1, second: j + 1 });
            }
        }
    }
    Ok(())
}

/// Signed area in steradians of the region left of the boundary, in (-2π, 2π]: positive for
/// counter-clockwise vertices. A fan of triangles from vertex 0, each by the Van Oosterom–Strackee
/// formula, which stays exact for tiny polygons (unlike Girard's angle excess).
fn signed_area_sr(unit: &[Vec3]) -> f64 {
    let origin = unit[0];
    let mut total = 0.0;
    for i in 1..unit.len() - 1 {
        let (b, c) = (unit[i], unit[i + 1]);
        let triple = origin.dot(b.cross(c));
        let denominator = 1.0 + origin.dot(b) + b.dot(c) + c.dot(origin);
        total += 2.0 * triple.atan2(denominator);
    }
    let full = 2.0 * std::f64::consts::TAU;
    let wrapped = total.rem_euclid(full);
    if wrapped > std::f64::consts::TAU { wrapped - full } else { wrapped }
}

/// A point just left of the middle of the first edge, closer to it than to any other edge, so strictly
/// inside the (counter-clockwise) polygon.
fn interior_point(unit: &[Vec3], normals: &[Vec3]) -> Vec3 {
    let n = unit.len();
    let middle = (unit[0] + unit[1]).normalized().unwrap_or(unit[0]);
    let clearance = (1..n)
        .map(|i| distance_to_arc(middle, unit[i], unit[(i + 1) % n]))
        .fold(unit[0].angle_to(unit[1]) / 2.0, f64::min);
    let offset = (clearance / 2.0).min(1e-3);
    (middle * offset.cos() + normals[0] * offset.sin()).normalized().unwrap_or(middle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(ra: f64, dec: f64, half: f64) -> Polygon {
        Polygon::from_radec_deg(&[
            (ra - half, dec - half),
            (ra + half, dec - half),
            (ra + half, dec + half),
            (ra - half, dec + half),
        ])
        .unwrap()
    }

    #[test]
    fn clockwise_input_is_reoriented() {
        let ccw = Polygon::from_radec_deg(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]).unwrap();
        let cw = Polygon::from_radec_deg(&[(0.0, 0.0), (10.0, 10.0), (10.0, 0.0)]).unwrap();
        assert!((ccw.area_deg2() - cw.area_deg2()).abs() < 1e-9);
        assert!(cw.contains(8.0, 3.0) && ccw.contains(8.0, 3.0));
        assert!(!cw.contains(2.0, 8.0));
    }

    #[test]
    fn across_ra_zero_and_over_the_pole() {
        let p = square(0.0, 0.0, 1.0);
        assert!(p.contains(359.5, 0.5) && p.contains(0.5, -0.5));
        assert!(!p.contains(180.0, 0.0) && !p.contains(2.0, 0.0));
        let cap = Polygon::from_radec_deg(&[(0.0, 80.0), (90.0, 80.0), (180.0, 80.0), (270.0, 80.0)]).unwrap();
        assert!(cap.contains(123.0, 89.0) && cap.contains(0.0, 90.0));
        assert!(!cap.contains(45.0, 70.0));
    }

    #[test]
    fn concave_polygon() {
        // A "C" shape opening to the east.
        let c = Polygon::from_radec_deg(&[
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 2.0),
            (2.0, 2.0),
            (2.0, 8.0),
            (10.0, 8.0),
            (10.0, 10.0),
            (0.0, 10.0),
        ])
        .unwrap();
        assert!(c.contains(1.0, 5.0));
        assert!(!c.contains(6.0, 5.0));
        assert!(c.contains(6.0, 1.0) && c.contains(6.0, 9.0));
        assert!(c.contains(10.0, 1.0), "boundary is inside");
    }

    #[test]
    fn rejects_bad_polygons() {
        assert_eq!(Polygon::from_radec_deg(&[(0.0, 0.0), (1.0, 0.0)]), Err(GeomError::TooFewVertices(2)));
        let bow_tie = Polygon::from_radec_deg(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]);
        assert!(matches!(bow_tie, Err(GeomError::SelfIntersectingPolygon { .. })), "{bow_tie:?}");
        let line = Polygon::from_radec_deg(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
        assert!(matches!(line, Err(GeomError::DegeneratePolygon(_))), "{line:?}");
        let repeated = Polygon::from_radec_deg(&[(0.0, 0.0), (0.0, 0.0), (2.0, 0.0), (1.0, 1.0)]);
        assert!(matches!(repeated, Err(GeomError::DegeneratePolygon(_))));
    }

    #[test]
    fn area_and_centroid() {
        // An octant: a quarter of a hemisphere.
        let octant = Polygon::from_radec_deg(&[(0.0, 0.0), (90.0, 0.0), (0.0, 90.0)]).unwrap();
        let sky = 4.0 * std::f64::consts::PI * SQ_DEG_PER_SR;
        assert!((octant.area_deg2() - sky / 8.0).abs() < 1e-9);
        let c = octant.centroid();
        assert!((c.ra() - 45.0).abs() < 1e-9);
        let small = square(30.0, 0.0, 0.001);
        assert!((small.area_deg2() - 0.002 * 0.002).abs() < 1e-12);
        assert!((small.centroid().ra() - 30.0).abs() < 1e-9 && small.centroid().dec().abs() < 1e-9);
    }

    /// Great circles are straight lines in the gnomonic projection, so a planar point-in-polygon test
    /// there is an exact oracle for polygons within a hemisphere.
    fn gnomonic_oracle(center: Vec3, polygon: &[Vec3], p: Vec3) -> bool {
        let east = center.any_perpendicular();
        let north = center.cross(east);
        let project = |v: Vec3| (v.dot(east) / v.dot(center), v.dot(north) / v.dot(center));
        if p.dot(center) <= 0.0 {
            return false;
        }
        let (x, y) = project(p);
        let projected: Vec<(f64, f64)> = polygon.iter().map(|v| project(*v)).collect();
        let mut inside = false;
        for i in 0..projected.len() {
            let (x1, y1) = projected[i];
            let (x2, y2) = projected[(i + 1) % projected.len()];
            if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                inside = !inside;
            }
        }
        inside
    }

    #[test]
    fn star_polygons_match_gnomonic_oracle() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
        for (ra, dec) in [(0.0, 0.0), (359.0, 45.0), (120.0, 89.5), (200.0, -90.0), (10.0, -30.0)] {
            let center = Vec3::from_radec_deg(ra, dec);
            let east = center.any_perpendicular();
            let north = center.cross(east);
            let radius = 5f64.to_radians();
            let vertices: Vec<Vec3> = (0..10)
                .map(|k| {
                    let angle = k as f64 * std::f64::consts::TAU / 10.0;
                    let r = if k % 2 == 0 { radius } else { radius * 0.4 };
                    (center + (east * angle.cos() + north * angle.sin()) * r.tan()).normalized().unwrap()
                })
                .collect();
            let points: Vec<Point> = vertices.iter().map(|v| Point::from_unit(*v)).collect();
            let polygon = Polygon::new(points).unwrap();
            assert!(!polygon.convex);
            for _ in 0..2000 {
                let (dx, dy) = (rng.random_range(-0.1..0.1), rng.random_range(-0.1..0.1));
                let p = (center + east * dx + north * dy).normalized().unwrap();
                let expected = gnomonic_oracle(center, &vertices, p);
                if polygon.distance_to_boundary(p) > 1e-9 {
                    assert_eq!(
                        polygon.contains_unit(p),
                        expected,
                        "centre ({ra}, {dec}), point {:?}",
                        p.to_radec_deg()
                    );
                }
            }
            // The antipode of the centre is far outside (exercises the waypoint path).
            assert!(!polygon.contains_unit(-center));
        }
    }
}
