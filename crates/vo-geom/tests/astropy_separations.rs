//! Separations against astropy's `SkyCoord.separation` (fixture made by
//! `scripts/make_separation_fixture.py`).

use vo_geom::{Point, angular_distance_deg};

fn fixture() -> Vec<[f64; 5]> {
    include_str!("../resources/separations.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let values: Vec<f64> = line.split(',').map(|v| v.parse().expect("number")).collect();
            [values[0], values[1], values[2], values[3], values[4]]
        })
        .collect()
}

#[test]
fn angular_distance_matches_astropy() {
    let rows = fixture();
    assert!(rows.len() >= 300);
    for [ra1, dec1, ra2, dec2, expected] in rows {
        let got = angular_distance_deg(ra1, dec1, ra2, dec2);
        // Absolute agreement to ~1 nano-arcsecond, relative to 1e-9 for tiny separations.
        let tolerance = (expected * 1e-9).max(1e-13);
        assert!((got - expected).abs() <= tolerance, "({ra1},{dec1})-({ra2},{dec2}): {got} vs astropy {expected}");
        let via_points = Point::new(ra1, dec1).unwrap().distance_deg(&Point::new(ra2, dec2).unwrap());
        assert!((via_points - expected).abs() <= tolerance.max(1e-12), "{via_points} vs {expected}");
    }
}
