//! Writes the table of every column type (the one the tests use) in every format, for the
//! conformance checks in `conformance/formats/run`.
//!
//! ```text
//! cargo run -p vo-formats --example write_all -- OUT_DIR
//! ```
//!
//! Files: `all.{b2,b,td}.vot`, `all.csv`, `all.tsv`, `all.json`, `all.parquet`, `all.fits`, the
//! same with `overflow.` and `error.` prefixes for the other endings, `empty.*` for a result
//! without rows, `first_row.parquet` (the first row without the all-null column, for astropy's
//! Parquet reader, which cannot hold nulls), and `expected.json`: the cells every reader must
//! find, per column.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;

use common::{Cell, every_type, every_type_batch};
use vo_formats::{EndStatus, FormatKind, ResultInfo, encode_all};

const FORMATS: [(FormatKind, &str); 8] = [
    (FormatKind::VotableBinary2, "b2.vot"),
    (FormatKind::VotableBinary, "b.vot"),
    (FormatKind::VotableTabledata, "td.vot"),
    (FormatKind::Csv, "csv"),
    (FormatKind::Tsv, "tsv"),
    (FormatKind::Json, "json"),
    (FormatKind::Parquet, "parquet"),
    (FormatKind::Fits, "fits"),
];

fn result_info() -> ResultInfo {
    ResultInfo {
        infos: vec![
            ("standardID".into(), "ivo://ivoa.net/std/TAP".into(), None),
            ("QUERY".into(), "SELECT * FROM demo.every_type".into(), None),
        ],
        resource_description: Some("Every column type vo-formats writes".into()),
        table_name: Some("every_type".into()),
        params: Vec::new(),
        coosys: Some(("ICRS".into(), None, vec!["ra".into(), "dec".into()])),
    }
}

fn expected_json() -> serde_json::Value {
    let cell = |c: &Cell| match c {
        Cell::Null => serde_json::Value::Null,
        Cell::Bool(b) => serde_json::json!(b),
        Cell::Int(i) => serde_json::json!(i.to_string()),
        Cell::Float(f) => serde_json::json!({ "float": f.to_string() }),
        Cell::Text(s) => serde_json::json!({ "text": s }),
        Cell::Array(a) => serde_json::json!({ "array": a.iter().map(f64::to_string).collect::<Vec<_>>() }),
    };
    let columns: Vec<serde_json::Value> = every_type()
        .iter()
        .map(|c| {
            let meta = c.field.metadata();
            serde_json::json!({
                "name": c.field.name(),
                "unit": meta.get("votable.unit"),
                "ucd": meta.get("votable.ucd"),
                "cells": c.expected.iter().map(cell).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({ "columns": columns })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: write_all OUT_DIR")?;
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    let (schema, batch) = every_type_batch();
    let batches = [batch.slice(0, 2), batch.slice(2, 2)];
    let endings = [
        ("all", EndStatus::Ok),
        ("overflow", EndStatus::Overflow),
        ("error", EndStatus::Error("the query was cancelled after 4 rows".into())),
    ];
    for (format, extension) in FORMATS {
        for (prefix, status) in &endings {
            let bytes = encode_all(format, result_info(), &schema, &batches, status)?;
            std::fs::write(dir.join(format!("{prefix}.{extension}")), bytes)?;
        }
        let empty = encode_all(format, result_info(), &schema, &[], &EndStatus::Overflow)?;
        std::fs::write(dir.join(format!("empty.{extension}")), empty)?;
    }
    // astropy's Parquet reader cannot hold null strings or null fixed-size arrays: it also gets
    // the first row, which has no nulls, without the all-null column.
    let nulls_free = batch.slice(0, 1);
    let keep: Vec<usize> = (0..nulls_free.num_columns()).filter(|&i| schema.field(i).name() != "nothing").collect();
    let nulls_free = nulls_free.project(&keep)?;
    let bytes = encode_all(
        FormatKind::Parquet,
        result_info(),
        nulls_free.schema_ref(),
        std::slice::from_ref(&nulls_free),
        &EndStatus::Ok,
    )?;
    std::fs::write(dir.join("first_row.parquet"), bytes)?;
    std::fs::write(dir.join("expected.json"), serde_json::to_string_pretty(&expected_json())?)?;
    println!("wrote {} files to {}", FORMATS.len() * 4 + 2, dir.display());
    Ok(())
}
