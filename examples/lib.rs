//! Examples of the AstroCloud-rs crates used together, as a data centre embedding them in its own
//! software would use them (the `astrocloud` server is the full-size version of the first one).
//!
//! | example | shows |
//! |---|---|
//! | `embed_data_centre` | your own actix-web app serving your catalogue over TAP and Simple Cone Search: catalogue store, query engine, TAP and SCS services, mounted with `vo-actix`; it queries itself over HTTP |
//! | `votable_arrow` | a VOTable with units, UCDs and descriptions read into Arrow, written back as BINARY2 and as VOParquet, metadata kept |
//!
//! ```text
//! cargo run -p vo-examples --example embed_data_centre            # checks itself over HTTP, then exits
//! cargo run -p vo-examples --example embed_data_centre -- --serve # keeps serving on 127.0.0.1:8090
//! cargo run -p vo-examples --example votable_arrow
//! ```
//!
//! Each crate has smaller examples of its own in its `examples/` directory (for instance
//! `vo-actix/examples/embed.rs`: a custom UWS job service; `vo-cone/examples/cone_latency.rs`).
