//! End-to-end tests of the `astrocloud` binary: real processes, real HTTP on 127.0.0.1, a real
//! SQLite database and real files in a temporary data dir.

mod ingest;
mod server;
mod support;
mod tools;
