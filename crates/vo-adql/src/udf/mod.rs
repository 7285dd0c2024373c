//! The geometry UDFs ADQL queries are translated to, backed by vo-geom (degrees, exact on the sphere).
//!
//! They are registered under `adql_*` names by [`register_udfs`]; ADQL users never call them by
//! name (the translator does), but SQL users of the same session may.

mod values;

use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{Float64Builder, Int32Builder, Int64Builder, ListBuilder};
use arrow_schema::{DataType, Field};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;
use vo_geom::{Circle, Point, Shape, SkyBox};

use values::{Geometry, Number, geometry_error};
pub use values::{circle_type, point_type, polygon_type};

/// Registered names of the UDFs.
pub mod names {
    pub const POINT: &str = "adql_point";
    pub const CIRCLE: &str = "adql_circle";
    pub const BOX: &str = "adql_box";
    pub const POLYGON: &str = "adql_polygon";
    pub const CONTAINS: &str = "adql_contains";
    pub const CONTAINS_POINT: &str = "adql_contains_point";
    pub const INTERSECTS: &str = "adql_intersects";
    pub const DISTANCE: &str = "adql_distance";
    pub const AREA: &str = "adql_area";
    pub const CENTROID: &str = "adql_centroid";
    pub const COORD1: &str = "adql_coord1";
    pub const COORD2: &str = "adql_coord2";
    pub const HEALPIX: &str = "adql_healpix";
    pub const HEALPIX_CENTER: &str = "adql_healpix_center";
    pub const XMATCH_CELLS: &str = "adql_xmatch_cells";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Point,
    Circle,
    Box,
    Polygon,
    Contains,
    ContainsPoint,
    Intersects,
    Distance,
    Area,
    Centroid,
    Coord1,
    Coord2,
    Healpix,
    HealpixCenter,
    XmatchCells,
}

/// One geometry UDF; `kind` selects the computation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GeometryUdf {
    name: &'static str,
    kind: Kind,
    signature: Signature,
}

fn udf(name: &'static str, kind: Kind, signature: TypeSignature) -> ScalarUDF {
    ScalarUDF::new_from_impl(GeometryUdf { name, kind, signature: Signature::new(signature, Volatility::Immutable) })
}

/// All geometry UDFs.
pub fn geometry_udfs() -> Vec<ScalarUDF> {
    use TypeSignature::{Any, Uniform, UserDefined, Variadic};
    let f64s = || vec![DataType::Float64];
    vec![
        udf(names::POINT, Kind::Point, Uniform(2, f64s())),
        udf(names::CIRCLE, Kind::Circle, Uniform(3, f64s())),
        udf(names::BOX, Kind::Box, Uniform(4, f64s())),
        udf(names::POLYGON, Kind::Polygon, Variadic(f64s())),
        udf(names::CONTAINS, Kind::Contains, Any(2)),
        udf(names::CONTAINS_POINT, Kind::ContainsPoint, UserDefined),
        udf(names::INTERSECTS, Kind::Intersects, Any(2)),
        udf(names::DISTANCE, Kind::Distance, Uniform(4, f64s())),
        udf(names::AREA, Kind::Area, Any(1)),
        udf(names::CENTROID, Kind::Centroid, Any(1)),
        udf(names::COORD1, Kind::Coord1, Any(1)),
        udf(names::COORD2, Kind::Coord2, Any(1)),
        udf(names::HEALPIX, Kind::Healpix, UserDefined),
        udf(names::HEALPIX_CENTER, Kind::HealpixCenter, UserDefined),
        udf(names::XMATCH_CELLS, Kind::XmatchCells, UserDefined),
    ]
}

/// Registers the geometry UDFs in a session; needed before planning ADQL in it.
pub fn register_udfs(ctx: &SessionContext) {
    for function in geometry_udfs() {
        ctx.register_udf(function);
    }
}

/// The distance UDF, for building DataFusion expressions directly (e.g. cone search's `_r` column).
pub fn distance_udf() -> ScalarUDF {
    udf(names::DISTANCE, Kind::Distance, TypeSignature::Uniform(4, vec![DataType::Float64]))
}

/// The point-in-shape UDF `adql_contains_point(ra, dec, shape)` returning 1 or 0.
pub fn contains_point_udf() -> ScalarUDF {
    udf(names::CONTAINS_POINT, Kind::ContainsPoint, TypeSignature::UserDefined)
}

impl ScalarUDFImpl for GeometryUdf {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.kind {
            Kind::Point | Kind::Centroid | Kind::HealpixCenter => point_type(),
            Kind::Circle => circle_type(),
            Kind::Box | Kind::Polygon => polygon_type(),
            Kind::Contains | Kind::ContainsPoint | Kind::Intersects => DataType::Int32,
            Kind::Distance | Kind::Area | Kind::Coord1 | Kind::Coord2 => DataType::Float64,
            Kind::Healpix => DataType::Int64,
            Kind::XmatchCells => DataType::List(Arc::new(Field::new("item", DataType::Int64, true))),
        })
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let expected: &[Option<DataType>] = match self.kind {
            Kind::ContainsPoint => &[Some(DataType::Float64), Some(DataType::Float64), None],
            Kind::Healpix => &[Some(DataType::Float64), Some(DataType::Float64), Some(DataType::Int64)],
            Kind::HealpixCenter => &[Some(DataType::Int64), Some(DataType::Int64)],
            Kind::XmatchCells => {
                &[Some(DataType::Float64), Some(DataType::Float64), Some(DataType::Float64), Some(DataType::Int64)]
            }
            _ => return Ok(arg_types.to_vec()),
        };
        if arg_types.len() != expected.len() {
            return Err(DataFusionError::Plan(format!(
                "{} takes {} arguments, got {}",
                self.name,
                expected.len(),
                arg_types.len()
            )));
        }
        Ok(arg_types
            .iter()
            .zip(expected)
            .map(|(given, wanted)| wanted.clone().unwrap_or_else(|| given.clone()))
            .collect())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let a = &args.args;
        let array = match self.kind {
            Kind::Point => {
                let (ra, dec) = (Number::new(&a[0])?, Number::new(&a[1])?);
                let points = (0..rows)
                    .map(|row| match (ra.get(row), dec.get(row)) {
                        (Some(r), Some(d)) => Point::new(r, d).map(|p| Some((p.ra(), p.dec()))),
                        _ => Ok(None),
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(geometry_error)?;
                values::points(points.into_iter())
            }
            Kind::Circle => {
                let (ra, dec, radius) = (Number::new(&a[0])?, Number::new(&a[1])?, Number::new(&a[2])?);
                let circles = (0..rows)
                    .map(|row| match (ra.get(row), dec.get(row), radius.get(row)) {
                        (Some(r), Some(d), Some(radius)) => Point::new(r, d)
                            .and_then(|c| Circle::new(c, radius))
                            .map(|c| Some([c.center().ra(), c.center().dec(), c.radius()])),
                        _ => Ok(None),
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(geometry_error)?;
                values::circles(circles.into_iter())
            }
            Kind::Box => {
                let n: Vec<Number> = a.iter().map(Number::new).collect::<Result<_>>()?;
                let boxes = (0..rows)
                    .map(|row| match (n[0].get(row), n[1].get(row), n[2].get(row), n[3].get(row)) {
                        (Some(ra), Some(dec), Some(w), Some(h)) => Point::new(ra, dec)
                            .and_then(|c| SkyBox::new(c, w, h))
                            .map(|b| Some(values::polygon_coordinates(b.as_polygon()))),
                        _ => Ok(None),
                    })
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(geometry_error)?;
                values::polygons(boxes.into_iter())
            }
            Kind::Polygon => {
                if a.len() < 6 || a.len() % 2 != 0 {
                    return Err(DataFusionError::Execution(format!(
                        "POLYGON needs at least 3 vertices (6 numbers), got {} numbers",
                        a.len()
                    )));
                }
                let n: Vec<Number> = a.iter().map(Number::new).collect::<Result<_>>()?;
                let mut out = Vec::with_capacity(rows);
                for row in 0..rows {
                    let coordinates: Option<Vec<f64>> = n.iter().map(|x| x.get(row)).collect();
                    out.push(match coordinates {
                        Some(c) => {
                            let vertices: Vec<(f64, f64)> = c.chunks(2).map(|v| (v[0], v[1])).collect();
                            let polygon = vo_geom::Polygon::from_radec_deg(&vertices).map_err(geometry_error)?;
                            Some(values::polygon_coordinates(&polygon))
                        }
                        None => None,
                    });
                }
                values::polygons(out.into_iter())
            }
            Kind::ContainsPoint => {
                let (ra, dec, shape) = (Number::new(&a[0])?, Number::new(&a[1])?, Geometry::new(&a[2])?);
                let mut builder = Int32Builder::with_capacity(rows);
                for row in 0..rows {
                    match (ra.get(row), dec.get(row), shape.get(row)?) {
                        (Some(r), Some(d), Some(s)) => builder.append_value(i32::from(s.contains(r, d))),
                        _ => builder.append_null(),
                    }
                }
                Arc::new(builder.finish())
            }
            Kind::Contains | Kind::Intersects => {
                let (first, second) = (Geometry::new(&a[0])?, Geometry::new(&a[1])?);
                let mut builder = Int32Builder::with_capacity(rows);
                for row in 0..rows {
                    match (first.get(row)?, second.get(row)?) {
                        (Some(x), Some(y)) => {
                            let result =
                                if self.kind == Kind::Contains { y.contains_shape(&x) } else { x.intersects(&y) };
                            builder.append_value(i32::from(result));
                        }
                        _ => builder.append_null(),
                    }
                }
                Arc::new(builder.finish())
            }
            Kind::Distance => {
                let n: Vec<Number> = a.iter().map(Number::new).collect::<Result<_>>()?;
                let mut builder = Float64Builder::with_capacity(rows);
                for row in 0..rows {
                    match (n[0].get(row), n[1].get(row), n[2].get(row), n[3].get(row)) {
                        (Some(ra1), Some(dec1), Some(ra2), Some(dec2)) => {
                            builder.append_value(vo_geom::angular_distance_deg(ra1, dec1, ra2, dec2))
                        }
                        _ => builder.append_null(),
                    }
                }
                Arc::new(builder.finish())
            }
            Kind::Area | Kind::Coord1 | Kind::Coord2 => {
                let shape = Geometry::new(&a[0])?;
                let mut builder = Float64Builder::with_capacity(rows);
                for row in 0..rows {
                    match shape.get(row)? {
                        Some(s) => builder.append_value(match self.kind {
                            Kind::Area => s.area_deg2(),
                            Kind::Coord1 => point_only(&s)?.ra(),
                            _ => point_only(&s)?.dec(),
                        }),
                        None => builder.append_null(),
                    }
                }
                Arc::new(builder.finish())
            }
            Kind::Centroid => {
                let shape = Geometry::new(&a[0])?;
                let centroids = (0..rows)
                    .map(|row| Ok(shape.get(row)?.map(|s| (s.centroid().ra(), s.centroid().dec()))))
                    .collect::<Result<Vec<_>>>()?;
                values::points(centroids.into_iter())
            }
            Kind::Healpix => {
                let (ra, dec, order) = (Number::new(&a[0])?, Number::new(&a[1])?, Number::new(&a[2])?);
                let mut builder = Int64Builder::with_capacity(rows);
                for row in 0..rows {
                    match (ra.get(row), dec.get(row), order.get(row)) {
                        (Some(r), Some(d), Some(o)) => {
                            let order = checked_order(o)?;
                            builder.append_value(vo_geom::healpix_index(order, r, d) as i64)
                        }
                        _ => builder.append_null(),
                    }
                }
                Arc::new(builder.finish())
            }
            Kind::HealpixCenter => {
                let (order, index) = (Number::new(&a[0])?, Number::new(&a[1])?);
                let centers = (0..rows)
                    .map(|row| match (order.get(row), index.get(row)) {
                        (Some(o), Some(i)) => {
                            let order = checked_order(o)?;
                            if i < 0.0 || i as u64 >= vo_geom::cell_count(order) {
                                return Err(DataFusionError::Execution(format!(
                                    "{i} is not a HEALPix index at order {order}"
                                )));
                            }
                            let (lon, lat) = cdshealpix_center(order, i as u64);
                            Ok(Some((lon, lat)))
                        }
                        _ => Ok(None),
                    })
                    .collect::<Result<Vec<_>>>()?;
                values::points(centers.into_iter())
            }
            Kind::XmatchCells => {
                let n: Vec<Number> = a.iter().map(Number::new).collect::<Result<_>>()?;
                let mut builder = ListBuilder::new(Int64Builder::new());
                for row in 0..rows {
                    match (n[0].get(row), n[1].get(row), n[2].get(row), n[3].get(row)) {
                        (Some(ra), Some(dec), Some(radius), Some(order)) => {
                            let order = checked_order(order)?;
                            let circle =
                                Point::new(ra, dec).and_then(|c| Circle::new(c, radius)).map_err(geometry_error)?;
                            for range in vo_geom::coverage_ranges_at(&Shape::Circle(circle), order) {
                                for cell in range {
                                    builder.values().append_value(cell as i64);
                                }
                            }
                            builder.append(true);
                        }
                        _ => builder.append(false),
                    }
                }
                Arc::new(builder.finish()) as ArrayRef
            }
        };
        Ok(ColumnarValue::Array(array))
    }
}

fn point_only(shape: &Shape) -> Result<Point> {
    match shape {
        Shape::Point(p) => Ok(*p),
        _ => Err(DataFusionError::Execution("COORD1/COORD2 need a POINT".into())),
    }
}

fn checked_order(order: f64) -> Result<u8> {
    if order.fract() != 0.0 || !(0.0..=f64::from(vo_geom::MAX_ORDER)).contains(&order) {
        return Err(DataFusionError::Execution(format!("HEALPix order {order} is not an integer between 0 and 29")));
    }
    Ok(order as u8)
}

fn cdshealpix_center(order: u8, index: u64) -> (f64, f64) {
    vo_geom::healpix_center(order, index)
}
