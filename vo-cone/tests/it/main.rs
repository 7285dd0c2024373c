//! Cone search against brute force on a real catalogue store (Parquet sorted by HEALPix).

mod exact;
