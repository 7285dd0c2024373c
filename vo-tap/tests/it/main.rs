//! vo-tap's integration tests, one binary: a TAP service over an ingested demo catalogue,
//! driven through `DaliService::handle` (and a real HTTP server where the connection matters),
//! with answers checked against brute force on the generator's rows.

mod asynchronous;
mod examples;
mod limits;
mod support;
mod sync;
mod uploads;
