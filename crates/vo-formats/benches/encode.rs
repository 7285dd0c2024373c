//! Encoding speed of every format for a typical catalogue result: 1 000 000 rows of one long,
//! four doubles, two floats and a string, in batches of 8192 rows (DataFusion's batch size).
//!
//! ```text
//! cargo bench -p vo-formats --bench encode
//! ```
//!
//! Throughput is reported in bytes of output per second; the row rate is 1 M rows divided by
//! the time per iteration.

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vo_formats::{EndStatus, FormatKind, ResultInfo, encoder_for};

const ROWS: usize = 1_000_000;
const BATCH: usize = 8192;

fn catalogue() -> (SchemaRef, Vec<RecordBatch>) {
    let schema = Arc::new(Schema::new(vec![
        Field::new("source_id", DataType::Int64, false),
        Field::new("ra", DataType::Float64, true),
        Field::new("dec", DataType::Float64, true),
        Field::new("pmra", DataType::Float64, true),
        Field::new("pmdec", DataType::Float64, true),
        Field::new("g_mag", DataType::Float32, true),
        Field::new("bp_rp", DataType::Float32, true),
        Field::new("designation", DataType::Utf8, true),
    ]));
    let batches = (0..ROWS)
        .step_by(BATCH)
        .map(|start| {
            let rows = start..(start + BATCH).min(ROWS);
            let f64s = |scale: f64| -> ArrayRef {
                Arc::new(Float64Array::from_iter_values(rows.clone().map(|i| (i as f64 * scale).sin() * 90.0)))
            };
            let f32s = |scale: f32| -> ArrayRef {
                Arc::new(Float32Array::from_iter_values(rows.clone().map(|i| 12.0 + (i as f32 * scale).cos() * 5.0)))
            };
            let columns: Vec<ArrayRef> = vec![
                Arc::new(Int64Array::from_iter_values(rows.clone().map(|i| 4_295_806_720 + i as i64 * 7919))),
                f64s(0.000_123),
                f64s(0.000_321),
                f64s(0.37),
                f64s(0.53),
                f32s(0.011),
                f32s(0.017),
                Arc::new(StringArray::from_iter_values(
                    rows.clone().map(|i| format!("Gaia DR3 {}", 4_295_806_720 + i)),
                )),
            ];
            RecordBatch::try_new(schema.clone(), columns).unwrap()
        })
        .collect();
    (schema, batches)
}

/// Encodes everything, dropping the output as a service would after sending it; returns the
/// number of bytes produced.
fn encode(format: FormatKind, schema: &SchemaRef, batches: &[RecordBatch]) -> usize {
    let mut encoder = encoder_for(format, ResultInfo::default()).unwrap();
    let mut out = Vec::new();
    let mut sent = 0;
    encoder.begin(schema, &mut out).unwrap();
    for batch in batches {
        encoder.write_batch(batch, &mut out).unwrap();
        sent += out.len();
        out.clear();
    }
    encoder
        .finish_streaming(&EndStatus::Ok, &mut |piece| {
            sent += black_box(piece).len();
            Ok(())
        })
        .unwrap();
    sent + out.len()
}

fn bench(c: &mut Criterion) {
    let (schema, batches) = catalogue();
    let mut group = c.benchmark_group("encode_1M_rows");
    group.sample_size(10);
    for format in [
        FormatKind::VotableBinary2,
        FormatKind::VotableBinary,
        FormatKind::VotableTabledata,
        FormatKind::Csv,
        FormatKind::Tsv,
        FormatKind::Json,
        FormatKind::Parquet,
        FormatKind::Fits,
    ] {
        let bytes = encode(format, &schema, &batches);
        println!("{}: {:.1} MB per 1M rows", format.short_name(), bytes as f64 / 1e6);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format.short_name().replace('/', "_"), |b| b.iter(|| encode(format, &schema, &batches)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
