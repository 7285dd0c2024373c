//! The benchmark table: `id` long, `ra`, `dec`, `pmra`, `pmdec` double, `mag_g`, `mag_r` float,
//! `name` char[16] (Arrow Utf8), with some nulls in every column but `id`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{Float32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use vo_votable::arrow_meta;

pub fn schema() -> SchemaRef {
    let name = Field::new("name", DataType::Utf8, true).with_metadata(HashMap::from([
        (arrow_meta::DATATYPE.to_string(), "char".to_string()),
        (arrow_meta::ARRAYSIZE.to_string(), "16".to_string()),
    ]));
    let unit = |f: Field, u: &str| f.with_metadata(HashMap::from([(arrow_meta::UNIT.to_string(), u.to_string())]));
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        unit(Field::new("ra", DataType::Float64, true), "deg"),
        unit(Field::new("dec", DataType::Float64, true), "deg"),
        unit(Field::new("pmra", DataType::Float64, true), "mas/yr"),
        unit(Field::new("pmdec", DataType::Float64, true), "mas/yr"),
        unit(Field::new("mag_g", DataType::Float32, true), "mag"),
        unit(Field::new("mag_r", DataType::Float32, true), "mag"),
        name,
    ]))
}

/// Rows `start..start + len` of the table.
pub fn batch(start: usize, len: usize) -> RecordBatch {
    let rows = start..start + len;
    // A cheap deterministic pseudo-random sequence (no RNG dependency needed).
    let noise = |i: usize, k: u64| {
        ((i as u64).wrapping_mul(6364136223846793005).wrapping_add(k) >> 11) as f64 / (1u64 << 53) as f64
    };
    let id: Int64Array = rows.clone().map(|i| Some(i as i64)).collect();
    let ra: Float64Array = rows.clone().map(|i| Some(noise(i, 1) * 360.0)).collect();
    let dec: Float64Array = rows.clone().map(|i| Some(noise(i, 2) * 180.0 - 90.0)).collect();
    let pmra: Float64Array = rows.clone().map(|i| (i % 10 != 3).then(|| noise(i, 3) * 40.0 - 20.0)).collect();
    let pmdec: Float64Array = rows.clone().map(|i| (i % 10 != 3).then(|| noise(i, 4) * 40.0 - 20.0)).collect();
    let mag_g: Float32Array = rows.clone().map(|i| (i % 17 != 0).then(|| (noise(i, 5) * 10.0 + 10.0) as f32)).collect();
    let mag_r: Float32Array = rows.clone().map(|i| (i % 13 != 0).then(|| (noise(i, 6) * 10.0 + 10.0) as f32)).collect();
    let name: StringArray = rows.map(|i| (i % 50 != 7).then(|| format!("SRC-{i:012}"))).collect();
    RecordBatch::try_new(
        schema(),
        vec![
            Arc::new(id),
            Arc::new(ra),
            Arc::new(dec),
            Arc::new(pmra),
            Arc::new(pmdec),
            Arc::new(mag_g),
            Arc::new(mag_r),
            Arc::new(name),
        ],
    )
    .expect("benchmark batch")
}

/// The whole table in batches of `batch_size` rows.
pub fn batches(rows: usize, batch_size: usize) -> Vec<RecordBatch> {
    (0..rows).step_by(batch_size).map(|start| batch(start, batch_size.min(rows - start))).collect()
}
