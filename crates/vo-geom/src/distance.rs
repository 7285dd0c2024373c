//! Angular separation between two positions.

/// Angular distance in degrees between (ra1, dec1) and (ra2, dec2), all in degrees.
///
/// Uses the Vincenty formula (an atan2 of the cross and dot products), which is accurate to a few
/// ulps for every separation, from micro-arcseconds up to 180°, unlike the acos of the dot product
/// (wrong below ~1″) or the plain haversine (wrong near 180°). It is the formula astropy uses.
///
/// ```
/// let d = vo_geom::angular_distance_deg(10.0, 20.0, 10.0, 21.0);
/// assert!((d - 1.0).abs() < 1e-12);
/// ```
pub fn angular_distance_deg(ra1: f64, dec1: f64, ra2: f64, dec2: f64) -> f64 {
    let (sin_dra, cos_dra) = (ra2 - ra1).to_radians().sin_cos();
    let (sin_d1, cos_d1) = dec1.to_radians().sin_cos();
    let (sin_d2, cos_d2) = dec2.to_radians().sin_cos();
    let num1 = cos_d2 * sin_dra;
    let num2 = cos_d1 * sin_d2 - sin_d1 * cos_d2 * cos_dra;
    let denominator = sin_d1 * sin_d2 + cos_d1 * cos_d2 * cos_dra;
    num1.hypot(num2).atan2(denominator).to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_separations() {
        assert_eq!(angular_distance_deg(0.0, 0.0, 0.0, 0.0), 0.0);
        assert!((angular_distance_deg(0.0, 0.0, 180.0, 0.0) - 180.0).abs() < 1e-12);
        assert!((angular_distance_deg(0.0, 90.0, 123.0, 90.0)).abs() < 1e-12);
        assert!((angular_distance_deg(359.5, 0.0, 0.5, 0.0) - 1.0).abs() < 1e-12);
        assert!((angular_distance_deg(0.0, -90.0, 0.0, 90.0) - 180.0).abs() < 1e-12);
    }

    #[test]
    fn tiny_separation_keeps_precision() {
        let one_mas = 1.0 / 3_600_000.0;
        let d = angular_distance_deg(45.0, 30.0, 45.0, 30.0 + one_mas);
        // 30° carries an ulp of 3.6e-15°, so the input itself is only good to ~1e-8 relative here.
        assert!((d - one_mas).abs() / one_mas < 1e-7, "{d}");
    }
}
