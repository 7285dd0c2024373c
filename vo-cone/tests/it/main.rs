//! Cone search on a real catalogue store (Parquet sorted by HEALPix): single cones and
//! multi-position search against brute force, and the service through `DaliService::handle`.

mod exact;
mod multi;
mod service;
mod support;
