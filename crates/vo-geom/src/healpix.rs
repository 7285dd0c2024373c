//! HEALPix (nested scheme) indexing of positions and coverage of shapes by index ranges.
//!
//! A table sorted by a HEALPix index column can be filtered for a region with a handful of
//! `index BETWEEN a AND b` ranges: [`coverage_ranges`] gives ranges guaranteed to contain the index
//! of every position inside the shape (plus some outside, which the exact test removes).

use std::ops::Range;

use cdshealpix::nested;
use cdshealpix::sph_geom::ContainsSouthPoleMethod;
use cdshealpix::sph_geom::coo3d::Coo3D;

use crate::shape::Shape;

/// The deepest HEALPix order (depth) supported.
pub const MAX_ORDER: u8 = 29;

/// Approximate side of a HEALPix cell at order 0, in degrees (√(4π/12) rad).
const ORDER0_CELL_DEG: f64 = 58.6;

/// The nested HEALPix index at `order` of the position (degrees).
///
/// Never panics: `order` is capped at [`MAX_ORDER`], Dec is clamped to [-90, 90] and a non-finite
/// coordinate is read as 0 (callers should not index NULL positions at all).
///
/// ```
/// assert_eq!(vo_geom::healpix_index(0, 0.0, 0.0), 4); // base cell 4 is centred on (0, 0)
/// ```
pub fn healpix_index(order: u8, ra: f64, dec: f64) -> u64 {
    let ra = if ra.is_finite() { ra } else { 0.0 };
    let dec = if dec.is_finite() { dec.clamp(-90.0, 90.0) } else { 0.0 };
    nested::hash(order.min(MAX_ORDER), ra.to_radians(), dec.to_radians())
}

/// Number of cells at `order`: 12·4^order.
pub fn cell_count(order: u8) -> u64 {
    12u64 << (2 * u32::from(order.min(MAX_ORDER)))
}

/// The coarse order at which [`coverage_ranges`] computes the coverage of a shape whose bounding
/// radius is `radius_deg`: cells a few times smaller than the shape, so that the boundary is followed
/// closely enough but the number of ranges stays small (a 1° cone gives order 7).
pub fn coverage_order(radius_deg: f64, order: u8) -> u8 {
    if radius_deg <= 0.0 || !radius_deg.is_finite() {
        return order.min(MAX_ORDER);
    }
    let cells_across = (ORDER0_CELL_DEG / radius_deg).log2().floor() + 2.0;
    (cells_across.max(0.0) as u8).min(order.min(MAX_ORDER))
}

/// Nested index ranges at `order` covering `shape`: every position inside the shape (boundary
/// included) has its [`healpix_index`] in one of the ranges. Ranges are sorted, disjoint and
/// non-adjacent. The coverage is computed at [`coverage_order`] and shifted to `order`.
///
/// ```
/// use vo_geom::{Circle, Point, Shape, coverage_ranges, healpix_index};
/// let cone = Shape::Circle(Circle::new(Point::new(10.0, 20.0).unwrap(), 1.0).unwrap());
/// let ranges = coverage_ranges(&cone, 12);
/// assert!(ranges.len() < 20);
/// let inside = healpix_index(12, 10.5, 20.3);
/// assert!(ranges.iter().any(|r| r.contains(&inside)));
/// ```
pub fn coverage_ranges(shape: &Shape, order: u8) -> Vec<Range<u64>> {
    let order = order.min(MAX_ORDER);
    let (_, radius) = shape.bounding_cone();
    let depth = coverage_order(radius, order);
    let shift = 2 * u32::from(order - depth);
    merge_adjacent(ranges_at_depth(shape, depth).into_iter().map(|r| (r.start << shift)..(r.end << shift)))
}

/// Like [`coverage_ranges`] but computed at `order` itself, without coarsening: the fewest cells,
/// at the cost of more ranges (useful when the cells themselves matter, e.g. cross-match buckets).
pub fn coverage_ranges_at(shape: &Shape, order: u8) -> Vec<Range<u64>> {
    ranges_at_depth(shape, order.min(MAX_ORDER))
}

/// Centre (ra, dec) in degrees of a nested cell; `order` is capped at [`MAX_ORDER`].
pub fn healpix_center(order: u8, index: u64) -> (f64, f64) {
    let order = order.min(MAX_ORDER);
    let (lon, lat) = nested::center(order, index.min(cell_count(order) - 1));
    (lon.to_degrees(), lat.to_degrees())
}

fn ranges_at_depth(shape: &Shape, depth: u8) -> Vec<Range<u64>> {
    match shape {
        Shape::Point(p) => {
            let cell = healpix_index(depth, p.ra(), p.dec());
            std::iter::once(cell..cell + 1).collect()
        }
        Shape::Circle(c) if c.radius() >= 90.0 => std::iter::once(0..cell_count(depth)).collect(),
        Shape::Circle(c) => {
            // A hair of margin so that positions exactly on the circle survive rounding.
            let radius = c.radius().to_radians() + 1e-9;
            let center = c.center();
            merge_adjacent(
                nested::cone_coverage_approx(depth, center.ra().to_radians(), center.dec().to_radians(), radius)
                    .to_ranges()
                    .into_vec()
                    .into_iter(),
            )
        }
        Shape::Box(b) => polygon_ranges(b.as_polygon(), depth),
        Shape::Polygon(p) => polygon_ranges(p, depth),
    }
}

fn polygon_ranges(polygon: &crate::Polygon, depth: u8) -> Vec<Range<u64>> {
    let vertices: Vec<(f64, f64)> =
        polygon.vertices().iter().map(|p| (p.ra().to_radians(), p.dec().to_radians())).collect();
    let inside = polygon.interior_point();
    // Tell cdshealpix which side is the interior, so it agrees with our smaller-region rule.
    let control = Coo3D::from_sph_coo(inside.ra().to_radians(), inside.dec().to_radians());
    let layer = nested::get(depth);
    // cdshealpix asserts on some degenerate configurations (e.g. an edge along a parallel through a
    // pole); fall back to the bounding cone then, which is a valid if looser cover.
    let computed = std::panic::catch_unwind(|| {
        layer.custom_polygon_coverage(&vertices, &ContainsSouthPoleMethod::ControlPointIn(control), false)
    });
    let Ok(bmoc) = computed else {
        let (center, radius) = Shape::Polygon(polygon.clone()).bounding_cone();
        let cone = crate::Circle::new(center, (radius + 1e-6).min(180.0)).expect("bounding radius is valid");
        return ranges_at_depth(&Shape::Circle(cone), depth);
    };
    // The approximate algorithm treats cell edges as great circles and may miss a cell that the
    // boundary only grazes: add the neighbours of partially covered cells so the cover is guaranteed.
    let mut cells: Vec<u64> = Vec::new();
    for cell in bmoc.flat_iter_cell() {
        cells.push(cell.hash);
        if !cell.is_full {
            layer.append_bulk_neighbours(cell.hash, &mut cells);
        }
    }
    cells.sort_unstable();
    cells.dedup();
    merge_adjacent(cells.into_iter().map(|c| c..c + 1))
}

fn merge_adjacent(ranges: impl Iterator<Item = Range<u64>>) -> Vec<Range<u64>> {
    let mut merged: Vec<Range<u64>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Circle, Point, Polygon, SkyBox};
    use rand::{Rng, SeedableRng};

    fn covered(ranges: &[Range<u64>], cell: u64) -> bool {
        ranges.iter().any(|r| r.contains(&cell))
    }

    fn random_points(seed: u64, n: usize) -> Vec<(f64, f64)> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| {
                let ra = rng.random_range(0.0..360.0);
                let dec = rng.random_range(-1.0f64..1.0).asin().to_degrees();
                (ra, dec)
            })
            .collect()
    }

    /// Every random point inside the shape must have its cell covered.
    fn assert_superset(shape: &Shape, points: &[(f64, f64)]) -> usize {
        let ranges = coverage_ranges(shape, 12);
        let mut inside = 0;
        for &(ra, dec) in points {
            if shape.contains(ra, dec) {
                inside += 1;
                assert!(covered(&ranges, healpix_index(12, ra, dec)), "{shape:?} misses ({ra}, {dec})");
            }
        }
        inside
    }

    #[test]
    fn one_degree_cone_needs_few_ranges() {
        assert_eq!(coverage_order(1.0, 12), 7);
        let cone = Shape::Circle(Circle::new(Point::new(10.0, 20.0).unwrap(), 1.0).unwrap());
        let n = coverage_ranges(&cone, 12).len();
        assert!(n <= 16, "{n} ranges");
    }

    #[test]
    fn coverage_is_superset_for_cones_boxes_and_polygons() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..60 {
            let ra = rng.random_range(0.0..360.0);
            let dec = rng.random_range(-90.0..=90.0);
            let size = 10f64.powf(rng.random_range(-2.0..1.3));
            let center = Point::new(ra, dec).unwrap();
            // Dense local samples around the shape.
            let local: Vec<(f64, f64)> = (0..400)
                .map(|_| {
                    let d = rng.random_range(-2.0 * size..2.0 * size);
                    let e = rng.random_range(-2.0 * size..2.0 * size);
                    let dec2 = (dec + d).clamp(-90.0, 90.0);
                    (ra + e / dec2.to_radians().cos().max(0.05), dec2)
                })
                .collect();
            assert_superset(&Shape::Circle(Circle::new(center, size).unwrap()), &local);
            if size < 90.0 {
                assert_superset(&Shape::Box(SkyBox::new(center, size * 1.5, size).unwrap()), &local);
            }
            let poly = Polygon::from_radec_deg(&[
                (ra, dec.clamp(-89.0, 89.0) - size.min(1.0)),
                (ra + size, dec.clamp(-89.0, 89.0)),
                (ra, dec.clamp(-89.0, 89.0) + size.min(1.0)),
                (ra - size / 3.0, dec.clamp(-89.0, 89.0)),
            ]);
            if let Ok(poly) = poly {
                assert_superset(&Shape::Polygon(poly), &local);
            }
        }
        let big = Shape::Circle(Circle::new(Point::new(0.0, 0.0).unwrap(), 10.0).unwrap());
        assert!(assert_superset(&big, &random_points(1, 20_000)) > 100);
    }

    #[test]
    fn ranges_are_sorted_and_disjoint() {
        let cone = Shape::Circle(Circle::new(Point::new(0.0, 90.0).unwrap(), 3.0).unwrap());
        let ranges = coverage_ranges(&cone, 12);
        assert!(ranges.windows(2).all(|w| w[0].end < w[1].start));
        let all = Shape::Circle(Circle::new(Point::new(0.0, 0.0).unwrap(), 180.0).unwrap());
        assert_eq!(coverage_ranges(&all, 12), vec![0..cell_count(12)]);
    }
}
