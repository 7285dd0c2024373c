//! Write and read throughput on the 1,000,000-row benchmark table (see BENCHMARKS.md).
//!
//! `cargo bench -p vo-votable --bench throughput`

#[path = "../examples/common/bench_data.rs"]
mod bench_data;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vo_votable::reader::VotableReader;
use vo_votable::writer::{Serialization, VotableWriter};

const ROWS: usize = 1_000_000;

fn encode(batches: &[arrow_array::RecordBatch], serialization: Serialization, out: &mut Vec<u8>) {
    out.clear();
    let mut writer = VotableWriter::for_schema(&mut *out, &bench_data::schema(), serialization).unwrap();
    for batch in batches {
        writer.write_batch(batch).unwrap();
    }
    writer.finish(&[]).unwrap();
}

fn throughput(c: &mut Criterion) {
    let batches = bench_data::batches(ROWS, 8192);
    for (serialization, name) in [(Serialization::Binary2, "binary2"), (Serialization::TableData, "tabledata")] {
        let mut document = Vec::new();
        encode(&batches, serialization, &mut document);
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.throughput(Throughput::Bytes(document.len() as u64));
        let mut out = Vec::with_capacity(document.len() + 4096);
        group.bench_function("write", |b| b.iter(|| encode(&batches, serialization, &mut out)));
        group.bench_function("read", |b| {
            b.iter(|| {
                let rows: usize = VotableReader::new(&document[..]).unwrap().map(|r| r.unwrap().num_rows()).sum();
                assert_eq!(rows, ROWS);
            })
        });
        group.finish();
        println!("{name}: {ROWS} rows, {:.1} MB document", document.len() as f64 / 1e6);
    }
}

criterion_group!(benches, throughput);
criterion_main!(benches);
