//! Spherical geometry on the celestial sphere (ADQL/DALI shapes) and HEALPix coverage of shapes.
//!
//! Everything is in **degrees** at the API and exact on the sphere (great-circle edges, no planar
//! approximation), correct near the poles and across RA = 0/360. This crate knows nothing of SQL or
//! Arrow: `vo-adql` builds its geometry UDFs and HEALPix pre-filters on it, and cone search reuses
//! [`angular_distance_deg`], [`healpix_index`] and [`coverage_ranges`].
//!
//! * [`angular_distance_deg`]: numerically stable separation (Vincenty formula).
//! * Shapes [`Point`], [`Circle`], [`SkyBox`] (ADQL BOX), [`Polygon`], and [`Shape`] with
//!   `contains`, `intersects`, `contains_shape`, `area_deg2`, `centroid`.
//! * [`healpix_index`] and [`coverage_ranges`]: nested HEALPix cell of a position, and the index ranges
//!   covering a shape.
//! * [`parse_xtype`] / [`format_xtype`]: DALI `point`, `circle`, `polygon` strings;
//!   [`CoordSys`]: ADQL coordinate-system strings.
//!
//! ```
//! use vo_geom::{Circle, Point, Shape, angular_distance_deg, coverage_ranges, healpix_index};
//!
//! let cone = Shape::Circle(Circle::new(Point::new(359.8, -30.0)?, 0.5)?);
//! assert!(cone.contains(0.1, -30.1)); // across RA = 0
//! assert!(angular_distance_deg(359.8, -30.0, 0.1, -30.1) < 0.5);
//!
//! // Index ranges at order 12 that a table sorted by `_healpix` can be pruned with.
//! let ranges = coverage_ranges(&cone, 12);
//! assert!(ranges.iter().any(|r| r.contains(&healpix_index(12, 0.1, -30.1))));
//! # Ok::<(), vo_geom::GeomError>(())
//! ```

mod coordsys;
mod distance;
mod error;
mod healpix;
mod polygon;
mod shape;
mod vec3;
mod xtype;

pub use coordsys::CoordSys;
pub use distance::angular_distance_deg;
pub use error::{GeomError, Result};
pub use healpix::{
    MAX_ORDER, cell_count, coverage_order, coverage_ranges, coverage_ranges_at, healpix_center, healpix_index,
};
pub use polygon::Polygon;
pub use shape::{Circle, Point, Shape, SkyBox};
pub use xtype::{format_xtype, parse_circle, parse_point, parse_polygon, parse_xtype, xtype_name};
