//! Simple Cone Search 1.03 over the HEALPix-indexed catalogue store.
