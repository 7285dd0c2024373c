//! Unit vectors on the sphere: the representation every geometric test works in.
//!
//! Working with Cartesian unit vectors instead of (ra, dec) avoids all special cases at the poles and
//! at RA = 0/360: a great circle is a plane through the origin, "left of an edge" is the sign of a
//! triple product, and nothing wraps.

use std::ops::{Add, Mul, Neg, Sub};

/// A 3-vector; for positions on the sphere it has unit length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vec3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Vec3 {
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }

    /// The unit vector of a position given in degrees.
    pub fn from_radec_deg(ra_deg: f64, dec_deg: f64) -> Self {
        let (sin_ra, cos_ra) = ra_deg.to_radians().sin_cos();
        let (sin_dec, cos_dec) = dec_deg.to_radians().sin_cos();
        Self::new(cos_dec * cos_ra, cos_dec * sin_ra, sin_dec)
    }

    /// (ra, dec) in degrees, ra normalised to [0, 360).
    pub fn to_radec_deg(self) -> (f64, f64) {
        let ra = self.y.atan2(self.x).to_degrees();
        let ra = if ra < 0.0 { ra + 360.0 } else { ra };
        // atan2(-0.0 ...) + 360 can round to exactly 360.
        let ra = if ra >= 360.0 { 0.0 } else { ra };
        let dec = self.z.atan2(self.x.hypot(self.y)).to_degrees();
        (ra, dec)
    }

    pub fn dot(self, other: Vec3) -> f64 {
        self.x * other.x + self.y * other.y + self.z * other.z
    }

    pub fn cross(self, other: Vec3) -> Vec3 {
        Vec3::new(
            self.y * other.z - self.z * other.y,
            self.z * other.x - self.x * other.z,
            self.x * other.y - self.y * other.x,
        )
    }

    pub fn norm(self) -> f64 {
        self.dot(self).sqrt()
    }

    /// This vector scaled to unit length; `None` for a (near) zero vector.
    pub fn normalized(self) -> Option<Vec3> {
        let n = self.norm();
        (n > 1e-300 && n.is_finite()).then(|| self * (1.0 / n))
    }

    /// Angle between two vectors in radians, accurate for tiny and near-π angles alike
    /// (atan2 of |a×b| and a·b instead of acos of the dot product).
    pub fn angle_to(self, other: Vec3) -> f64 {
        self.cross(other).norm().atan2(self.dot(other))
    }

    /// A unit vector perpendicular to `self`, chosen deterministically.
    pub fn any_perpendicular(self) -> Vec3 {
        let helper = if self.x.abs() < 0.9 { Vec3::new(1.0, 0.0, 0.0) } else { Vec3::new(0.0, 1.0, 0.0) };
        self.cross(helper).normalized().unwrap_or(Vec3::new(0.0, 0.0, 1.0))
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for Vec3 {
    type Output = Vec3;
    fn mul(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
}

impl Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

/// Local east and north unit vectors at a position (the tangent-plane axes); at a pole, where east is
/// undefined, east is taken along RA = 90° so results stay finite and deterministic.
pub fn east_north(ra_deg: f64, dec_deg: f64) -> (Vec3, Vec3) {
    let (sin_ra, cos_ra) = ra_deg.to_radians().sin_cos();
    let (sin_dec, cos_dec) = dec_deg.to_radians().sin_cos();
    let east = Vec3::new(-sin_ra, cos_ra, 0.0);
    let north = Vec3::new(-sin_dec * cos_ra, -sin_dec * sin_ra, cos_dec);
    (east, north)
}

/// Angular distance in radians from point `p` to the great-circle arc `a`→`b` (shorter than π).
pub fn distance_to_arc(p: Vec3, a: Vec3, b: Vec3) -> f64 {
    let Some(normal) = a.cross(b).normalized() else {
        // Degenerate arc (a == b): distance to the vertex.
        return p.angle_to(a);
    };
    // Projection of p onto the great circle: it lies within the arc when it is "between" a and b.
    let in_plane = p - normal * p.dot(normal);
    if let Some(foot) = in_plane.normalized()
        && a.cross(foot).dot(normal) >= 0.0
        && foot.cross(b).dot(normal) >= 0.0
    {
        return (p.dot(normal)).abs().min(1.0).asin();
    }
    p.angle_to(a).min(p.angle_to(b))
}

/// Whether the arcs `a`→`b` and `c`→`d` (each shorter than π) cross at a point interior to both.
/// Touching at a vertex or overlapping collinearly is not a crossing.
pub fn arcs_cross(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> bool {
    let ab = a.cross(b);
    let acb = -ab.dot(c);
    let bda = ab.dot(d);
    if acb * bda <= 0.0 {
        return false;
    }
    let cd = c.cross(d);
    let cbd = -cd.dot(b);
    let dac = cd.dot(a);
    acb * cbd > 0.0 && acb * dac > 0.0
}

/// Crossing test used for point-in-polygon ray casting from `a` to `b` (neither on the edge `c`→`d`):
/// a vertex of the edge lying exactly on the ray counts as being on its positive side, a consistent
/// perturbation that makes a ray through a vertex count the two edges meeting there exactly once.
pub fn ray_crosses_edge(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> bool {
    let ab = a.cross(b);
    if (ab.dot(c) >= 0.0) == (ab.dot(d) >= 0.0) {
        return false;
    }
    let cd = c.cross(d);
    // An end of the ray exactly on the edge's great circle (but not on the edge) cannot be a crossing.
    if cd.dot(a) * cd.dot(b) >= 0.0 {
        return false;
    }
    // Arc a→b crosses the plane of c→d exactly once, at the intersection on a+b's side; arc c→d crosses
    // the plane of a→b once, on c+d's side. They cross iff it is the same point.
    let meet = ab.cross(cd);
    let meet = if meet.dot(a + b) < 0.0 { -meet } else { meet };
    meet.dot(c + d) > 0.0
}
