//! Code shared by the examples, benchmarks and integration tests.

pub mod bench_data;
pub mod matrix;
