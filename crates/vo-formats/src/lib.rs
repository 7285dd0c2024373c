//! Streaming table output formats for VO services: VOTable, CSV, TSV, JSON, VOParquet and FITS from Arrow record batches.
