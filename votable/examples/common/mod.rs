//! Code shared by the examples and the integration tests.

pub mod matrix;
