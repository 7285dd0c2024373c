//! Throughput of the four benchmark operations on the benchmark table, for `bench/compare.sh`.
//!
//! ```text
//! cargo run --profile bench -p vo-votable --example bench_ops -- generate DIR [ROWS]
//! cargo run --profile bench -p vo-votable --example bench_ops -- time DIR [ROWS]
//! cargo run --profile bench -p vo-votable --example bench_ops -- memory ROWS
//! ```
//! `generate` writes `DIR/bench.bin2.vot` and `DIR/bench.td.vot`; `time` prints one line per
//! operation (`op seconds megabytes rows`), best of three runs (a fourth argument keeps only the
//! operations whose name contains it); `memory` streams ROWS rows to a
//! sink in BINARY2 and prints the peak resident memory.

mod common;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use vo_votable::reader::VotableReader;
use vo_votable::writer::{Serialization, VotableWriter};

use common::bench_data;

const BATCH: usize = 8192;

fn write(out: impl Write, batches: &[arrow_array::RecordBatch], serialization: Serialization) -> usize {
    let mut counter = CountingWriter { inner: out, bytes: 0 };
    let mut writer = VotableWriter::for_schema(&mut counter, &bench_data::schema(), serialization).expect("writer");
    for batch in batches {
        writer.write_batch(batch).expect("write");
    }
    writer.finish(&[]).expect("finish");
    counter.bytes
}

struct CountingWriter<W> {
    inner: W,
    bytes: usize,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn read(path: &Path) -> usize {
    let reader =
        VotableReader::new(BufReader::with_capacity(1 << 20, File::open(path).expect("open"))).expect("reader");
    reader.map(|b| b.expect("batch").num_rows()).sum()
}

fn best_of_three(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let command = args.get(1).map(String::as_str).unwrap_or("time");
    let dir = PathBuf::from(args.get(2).map(String::as_str).unwrap_or("."));
    let rows: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(1_000_000);
    let only = args.get(4).cloned().unwrap_or_default();
    match command {
        "generate" => {
            let batches = bench_data::batches(rows, BATCH);
            for (serialization, name) in
                [(Serialization::Binary2, "bench.bin2.vot"), (Serialization::TableData, "bench.td.vot")]
            {
                let file = BufWriter::new(File::create(dir.join(name)).expect("create"));
                let bytes = write(file, &batches, serialization);
                println!("wrote {} ({:.1} MB)", dir.join(name).display(), bytes as f64 / 1e6);
            }
        }
        "time" => {
            let batches = bench_data::batches(rows, BATCH);
            let mut sink = Vec::with_capacity(200 << 20);
            for (serialization, op) in
                [(Serialization::Binary2, "write-binary2"), (Serialization::TableData, "write-tabledata")]
            {
                if !op.contains(&only) {
                    continue;
                }
                let mut bytes = 0;
                let seconds = best_of_three(|| {
                    sink.clear();
                    bytes = write(&mut sink, &batches, serialization);
                });
                println!("{op} {seconds:.4} {:.2} {rows}", bytes as f64 / 1e6);
            }
            for (name, op) in [("bench.bin2.vot", "read-binary2"), ("bench.td.vot", "read-tabledata")] {
                if !op.contains(&only) {
                    continue;
                }
                let path = dir.join(name);
                let bytes = std::fs::metadata(&path).expect("run generate first").len();
                let mut read_rows = 0;
                let seconds = best_of_three(|| read_rows = read(&path));
                assert_eq!(read_rows, rows);
                println!("{op} {seconds:.4} {:.2} {rows}", bytes as f64 / 1e6);
            }
        }
        "memory" => {
            // Rows given as the second argument here.
            let rows: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1_000_000);
            let mut writer = VotableWriter::for_schema(std::io::sink(), &bench_data::schema(), Serialization::Binary2)
                .expect("writer");
            let batch = bench_data::batch(0, BATCH);
            for _ in 0..rows / BATCH {
                writer.write_batch(&batch).expect("write");
            }
            writer.finish(&[]).expect("finish");
            println!("streamed {} rows, peak RSS {:.1} MB", rows / BATCH * BATCH, peak_rss_mb());
        }
        other => eprintln!("unknown command {other}: use generate, time or memory"),
    }
}
