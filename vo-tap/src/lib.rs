//! TAP 1.1 service: sync and async ADQL queries, TAP_SCHEMA, uploads and streaming results.
