//! Fuzzes the ADQL parser and validator: any input must give Ok or a clean error, never a panic.
#![no_main]

use std::sync::OnceLock;

use arrow_schema::DataType;
use libfuzzer_sys::fuzz_target;
use vo_adql::{ColumnInfo, MemoryCatalog, PositionIndex, TableInfo};

fn catalog() -> &'static MemoryCatalog {
    static CATALOG: OnceLock<MemoryCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        MemoryCatalog::new(vec![
            TableInfo::new(
                "demo",
                "stars",
                vec![
                    ColumnInfo::new("ra", DataType::Float64).with_unit("deg"),
                    ColumnInfo::new("dec", DataType::Float64).with_unit("deg"),
                    ColumnInfo::new("Name", DataType::Utf8),
                ],
            )
            .with_position(PositionIndex::new("ra", "dec")),
            TableInfo::new("demo", "other", vec![ColumnInfo::new("ra", DataType::Float64), ColumnInfo::new("dec", DataType::Float64)]),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = vo_adql::check(text, None);
        let _ = vo_adql::check(text, Some(catalog()));
    }
});
