//! Writes the conformance matrix: one VOTable per datatype × arraysize × serialization, one
//! document with every column per serialization, and `expected.json` with the intended values.
//!
//! ```text
//! cargo run -p vo-votable --example write_matrix -- /tmp/matrix
//! ```
//! `conformance/votable/run` checks the files with STILTS votlint, the VOTable XSD and astropy.

mod common;

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use serde_json::{Value as Json, json};
use vo_votable::model::Field;
use vo_votable::model::Info;
use vo_votable::writer::{Serialization, Value, VotableWriter, declare_binary_nulls, results_document};

use common::matrix::{ROWS, cases, disputed};

/// The document for `fields`; BINARY has no null flags, so integer columns get VALUES null.
fn document(mut fields: Vec<Field>, serialization: Serialization) -> vo_votable::model::VoTable {
    if serialization == Serialization::Binary {
        declare_binary_nulls(&mut fields);
    }
    results_document(fields)
}

fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) if f.is_nan() => json!("NaN"),
        Value::Float(f) if f.is_infinite() => json!(if *f > 0.0 { "+Inf" } else { "-Inf" }),
        Value::Float(f) => json!(f),
        Value::Text(s) => json!(s),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "matrix".into()));
    std::fs::create_dir_all(&out_dir)?;
    let cases = cases();
    let serializations =
        [(Serialization::TableData, "td"), (Serialization::Binary, "bin"), (Serialization::Binary2, "bin2")];
    let mut expected = serde_json::Map::new();
    for case in &cases {
        expected.insert(
            case.id.clone(),
            json!({
                "datatype": case.field.datatype.as_str(),
                "arraysize": case.field.arraysize.as_ref().map(|a| a.to_string()),
                "rows": case.rows.iter().map(to_json).collect::<Vec<_>>(),
            }),
        );
        for (serialization, suffix) in serializations {
            let path = out_dir.join(format!("{}.{suffix}.vot", case.id));
            let doc = document(vec![case.field.clone()], serialization);
            let mut writer = VotableWriter::new(BufWriter::new(File::create(&path)?), doc, serialization)?;
            for value in &case.rows {
                writer.write_row(std::slice::from_ref(value))?;
            }
            writer.finish(&[])?;
        }
    }
    // Every undisputed column in one table, with an OVERFLOW status after it.
    let combined: Vec<_> = cases.iter().filter(|c| !disputed(&c.id)).collect();
    for (serialization, suffix) in serializations {
        let path = out_dir.join(format!("all_columns.{suffix}.vot"));
        let doc = document(combined.iter().map(|c| c.field.clone()).collect(), serialization);
        let mut writer = VotableWriter::new(BufWriter::new(File::create(&path)?), doc, serialization)?;
        for row in 0..ROWS {
            let values: Vec<Value> = combined.iter().map(|c| c.rows[row].clone()).collect();
            writer.write_row(&values)?;
        }
        writer.finish(&[Info::new("QUERY_STATUS", "OVERFLOW")])?;
    }
    std::fs::write(out_dir.join("expected.json"), serde_json::to_string_pretty(&Json::Object(expected))?)?;
    println!("wrote {} documents to {}", (cases.len() + 1) * serializations.len(), out_dir.display());
    Ok(())
}
