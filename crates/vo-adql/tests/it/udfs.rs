//! Geometry UDFs evaluated through ADQL, against the astropy fixture and known values.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type};
use vo_adql::AdqlEngine;

use super::support;

async fn scalar_f64(query: &str) -> f64 {
    let catalog = support::catalog();
    let ctx = support::empty_session(&catalog);
    // One row to evaluate on.
    let one = arrow_array::RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new("x", arrow_schema::DataType::Int64, false)])),
        vec![Arc::new(arrow_array::Int64Array::from(vec![1]))],
    )
    .unwrap();
    let mut catalog = catalog;
    catalog.add(vo_adql::TableInfo::new(
        "demo",
        "one",
        vec![vo_adql::ColumnInfo::new("x", arrow_schema::DataType::Int64)],
    ));
    ctx.register_batch("\"demo\".\"one\"", one).unwrap();
    let df = AdqlEngine::new(Arc::new(catalog)).dataframe(&ctx, query).await.unwrap_or_else(|e| panic!("{query}: {e}"));
    let batches = df.collect().await.unwrap_or_else(|e| panic!("{query}: {e}"));
    let column = batches[0].column(0);
    match column.data_type() {
        arrow_schema::DataType::Int32 => f64::from(column.as_primitive::<Int32Type>().value(0)),
        arrow_schema::DataType::Int64 => column.as_primitive::<arrow_array::types::Int64Type>().value(0) as f64,
        _ => column.as_primitive::<Float64Type>().value(0),
    }
}

#[tokio::test]
async fn distance_matches_astropy() {
    let fixture = include_str!("../../../vo-geom/resources/separations.csv");
    for line in fixture.lines().skip(1).step_by(7) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        let query =
            format!("SELECT DISTANCE(POINT({:?}, {:?}), POINT({:?}, {:?})) FROM demo.one", v[0], v[1], v[2], v[3]);
        let got = scalar_f64(&query).await;
        assert!((got - v[4]).abs() <= (v[4] * 1e-9).max(1e-12), "{query}: {got} vs astropy {}", v[4]);
    }
}

#[tokio::test]
async fn geometry_functions() {
    assert_eq!(scalar_f64("SELECT COORD1(POINT(10, 20)) FROM demo.one").await, 10.0);
    assert_eq!(scalar_f64("SELECT COORD2(CENTROID(CIRCLE(10, 20, 1))) FROM demo.one").await, 20.0);
    let area = scalar_f64("SELECT AREA(CIRCLE(0, 0, 180)) FROM demo.one").await;
    assert!((area - 41252.96124941927).abs() < 1e-6, "{area}");
    assert_eq!(scalar_f64("SELECT CONTAINS(CIRCLE(0, 0, 1), CIRCLE(0, 0, 2)) FROM demo.one").await, 1.0);
    assert_eq!(scalar_f64("SELECT CONTAINS(CIRCLE(0, 0, 2), CIRCLE(0, 0, 1)) FROM demo.one").await, 0.0);
    assert_eq!(scalar_f64("SELECT INTERSECTS(CIRCLE(0, 0, 1), BOX(1.5, 0, 2, 2)) FROM demo.one").await, 1.0);
    assert_eq!(scalar_f64("SELECT INTERSECTS(POLYGON(0, 0, 1, 0, 1, 1), CIRCLE(50, 50, 1)) FROM demo.one").await, 0.0);
    assert_eq!(scalar_f64("SELECT INTERSECTS(CIRCLE(0, 0, 1), POINT(0.5, 0)) FROM demo.one").await, 1.0);
    assert_eq!(scalar_f64("SELECT CONTAINS(POINT(359.9, 0), CIRCLE(0.05, 0, 0.2)) FROM demo.one").await, 1.0);
    assert_eq!(scalar_f64("SELECT ivo_healpix_index(0, 0, 0) FROM demo.one").await.round(), 4.0);
}

#[tokio::test]
async fn adql_math_semantics() {
    assert_eq!(scalar_f64("SELECT LOG(EXP(2)) FROM demo.one").await, 2.0, "LOG is the natural logarithm");
    assert_eq!(scalar_f64("SELECT MOD(7, 3) FROM demo.one").await, 1.0);
    assert_eq!(scalar_f64("SELECT TRUNCATE(-2.7) FROM demo.one").await, -2.0);
    assert_eq!(scalar_f64("SELECT ROUND(2.567, 2) FROM demo.one").await, 2.57);
    assert_eq!(scalar_f64("SELECT CEILING(1.2) FROM demo.one").await, 2.0);
    assert_eq!(scalar_f64("SELECT POWER(2, 10) FROM demo.one").await, 1024.0);
    assert!((scalar_f64("SELECT COT(PI()/4) FROM demo.one").await - 1.0).abs() < 1e-12);
    assert!((scalar_f64("SELECT DEGREES(ATAN2(1, 1)) FROM demo.one").await - 45.0).abs() < 1e-12);
}
