//! Geometry values in Arrow: how shapes travel between UDFs and into results.
//!
//! * POINT: `FixedSizeList<Float64, 2>` (ra, dec) — written to VOTable as `double[2]`, xtype `point`;
//! * CIRCLE: `FixedSizeList<Float64, 3>` (ra, dec, radius), xtype `circle`;
//! * POLYGON (and BOX): `List<Float64>` of vertex coordinates, xtype `polygon`.
//!
//! Geometry arguments may also be DALI strings (`"10 20 0.5"`), as catalogues often store regions.

use std::sync::Arc;

use arrow_array::builder::{FixedSizeListBuilder, Float64Builder, ListBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_schema::{DataType, Field};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::ColumnarValue;
use vo_geom::{Circle, Point, Polygon, Shape};

/// Arrow type of an ADQL POINT.
pub fn point_type() -> DataType {
    DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Float64, true)), 2)
}

/// Arrow type of an ADQL CIRCLE.
pub fn circle_type() -> DataType {
    DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Float64, true)), 3)
}

/// Arrow type of an ADQL POLYGON.
pub fn polygon_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
}

pub(crate) fn geometry_error(error: vo_geom::GeomError) -> DataFusionError {
    DataFusionError::Execution(error.to_string())
}

/// A numeric argument: a constant or a column, read as f64.
pub(crate) enum Number {
    Scalar(Option<f64>),
    Column(Float64Array),
}

impl Number {
    pub fn new(value: &ColumnarValue) -> Result<Number> {
        Ok(match value {
            ColumnarValue::Scalar(scalar) => {
                let scalar = scalar.cast_to(&DataType::Float64)?;
                match scalar {
                    datafusion::scalar::ScalarValue::Float64(v) => Number::Scalar(v),
                    _ => Number::Scalar(None),
                }
            }
            ColumnarValue::Array(array) => {
                let array = arrow_cast_f64(array)?;
                Number::Column(array.as_primitive::<Float64Type>().clone())
            }
        })
    }

    pub fn get(&self, row: usize) -> Option<f64> {
        match self {
            Number::Scalar(v) => *v,
            Number::Column(a) => a.is_valid(row).then(|| a.value(row)),
        }
    }
}

fn arrow_cast_f64(array: &ArrayRef) -> Result<ArrayRef> {
    Ok(datafusion::arrow::compute::cast(array, &DataType::Float64)?)
}

/// A geometry argument; a constant shape is decoded (and validated) once.
pub(crate) enum Geometry {
    Scalar(Option<Shape>),
    Column(ArrayRef),
}

impl Geometry {
    pub fn new(value: &ColumnarValue) -> Result<Geometry> {
        Ok(match value {
            ColumnarValue::Scalar(scalar) => {
                let array = scalar.to_array()?;
                Geometry::Scalar(shape_at(&array, 0)?)
            }
            ColumnarValue::Array(array) => Geometry::Column(Arc::clone(array)),
        })
    }

    pub fn get(&self, row: usize) -> Result<Option<std::borrow::Cow<'_, Shape>>> {
        Ok(match self {
            Geometry::Scalar(shape) => shape.as_ref().map(std::borrow::Cow::Borrowed),
            Geometry::Column(array) => shape_at(array, row)?.map(std::borrow::Cow::Owned),
        })
    }
}

fn values_at(array: &ArrayRef, row: usize) -> Result<Option<Vec<f64>>> {
    if array.is_null(row) {
        return Ok(None);
    }
    let values: ArrayRef = match array.data_type() {
        DataType::FixedSizeList(..) => array.as_fixed_size_list().value(row),
        DataType::List(_) => array.as_list::<i32>().value(row),
        DataType::LargeList(_) => array.as_list::<i64>().value(row),
        other => return Err(DataFusionError::Execution(format!("{other} is not a geometry type"))),
    };
    let values = arrow_cast_f64(&values)?;
    let values = values.as_primitive::<Float64Type>();
    if values.null_count() > 0 {
        return Ok(None);
    }
    Ok(Some(values.values().to_vec()))
}

/// The shape at `row` of a geometry array (NULL → `None`).
pub(crate) fn shape_at(array: &ArrayRef, row: usize) -> Result<Option<Shape>> {
    match array.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            if array.is_null(row) {
                return Ok(None);
            }
            let text = match array.data_type() {
                DataType::Utf8 => array.as_string::<i32>().value(row).to_string(),
                DataType::LargeUtf8 => array.as_string::<i64>().value(row).to_string(),
                _ => array.as_string_view().value(row).to_string(),
            };
            let count = text.split_ascii_whitespace().count();
            let xtype = match count {
                2 => "point",
                3 => "circle",
                _ => "polygon",
            };
            vo_geom::parse_xtype(xtype, &text).map(Some).map_err(geometry_error)
        }
        DataType::Null => Ok(None),
        DataType::FixedSizeList(_, 2) => match values_at(array, row)? {
            Some(v) => Point::new(v[0], v[1]).map(|p| Some(Shape::Point(p))).map_err(geometry_error),
            None => Ok(None),
        },
        DataType::FixedSizeList(_, 3) => match values_at(array, row)? {
            Some(v) => Point::new(v[0], v[1])
                .and_then(|c| Circle::new(c, v[2]))
                .map(|c| Some(Shape::Circle(c)))
                .map_err(geometry_error),
            None => Ok(None),
        },
        DataType::List(_) | DataType::LargeList(_) => match values_at(array, row)? {
            Some(v) if v.len() % 2 == 0 => {
                let vertices: Vec<(f64, f64)> = v.chunks(2).map(|c| (c[0], c[1])).collect();
                Polygon::from_radec_deg(&vertices).map(|p| Some(Shape::Polygon(p))).map_err(geometry_error)
            }
            Some(v) => Err(DataFusionError::Execution(format!(
                "a polygon needs an even number of coordinates, got {}",
                v.len()
            ))),
            None => Ok(None),
        },
        other => Err(DataFusionError::Execution(format!("{other} is not a geometry type"))),
    }
}

/// Collects points into a POINT array.
pub(crate) fn points(values: impl Iterator<Item = Option<(f64, f64)>>) -> ArrayRef {
    let mut builder = FixedSizeListBuilder::new(Float64Builder::new(), 2);
    for value in values {
        match value {
            Some((ra, dec)) => {
                builder.values().append_value(ra);
                builder.values().append_value(dec);
                builder.append(true);
            }
            None => {
                builder.values().append_null();
                builder.values().append_null();
                builder.append(false);
            }
        }
    }
    Arc::new(builder.finish())
}

/// Collects circles into a CIRCLE array.
pub(crate) fn circles(values: impl Iterator<Item = Option<[f64; 3]>>) -> ArrayRef {
    let mut builder = FixedSizeListBuilder::new(Float64Builder::new(), 3);
    for value in values {
        match value {
            Some(v) => {
                builder.values().append_slice(&v);
                builder.append(true);
            }
            None => {
                builder.values().append_nulls(3);
                builder.append(false);
            }
        }
    }
    Arc::new(builder.finish())
}

/// Collects polygons (vertex coordinate lists) into a POLYGON array.
pub(crate) fn polygons(values: impl Iterator<Item = Option<Vec<f64>>>) -> ArrayRef {
    let mut builder = ListBuilder::new(Float64Builder::new());
    for value in values {
        match value {
            Some(v) => {
                builder.values().append_slice(&v);
                builder.append(true);
            }
            None => builder.append(false),
        }
    }
    Arc::new(builder.finish())
}

/// The polygon coordinates of a shape as stored in a POLYGON array.
pub(crate) fn polygon_coordinates(polygon: &Polygon) -> Vec<f64> {
    polygon.vertices().iter().flat_map(|p| [p.ra(), p.dec()]).collect()
}
