//! The catalogue store: Parquet tables sorted by HEALPix, their metadata, coverage MOCs and a DataFusion context over them.
