//! VOResource 1.1/1.2 and its extensions (VODataService, SimpleDALRegExt, TAPRegExt, Registry Interfaces) as Rust types with XML read/write.
