//! vo-adql integration tests, in one binary so DataFusion is linked once.

mod bad_input;
mod corpus;
mod crossmatch;
mod metadata;
mod results;
mod support;
mod udfs;
