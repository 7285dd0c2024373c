//! The ADQL corpus: `tests/corpus/*.adql`, each a list of records
//!
//! ```text
//! query ok|error
//! <ADQL, one or more lines>
//! ----
//! <normalised ADQL, or the error as displayed>
//! <blank line>
//! ```
//!
//! "ok" queries must also plan in DataFusion against empty tables. Run with `ADQL_CORPUS_BLESS=1` to
//! rewrite the expectations from the current behaviour (then review the diff).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::support;

#[derive(Debug)]
struct Record {
    expect_ok: bool,
    query: String,
    expected: String,
}

fn parse_file(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(mode) = line.strip_prefix("query ") else { continue };
        let mut query = Vec::new();
        for line in lines.by_ref() {
            if line == "----" {
                break;
            }
            query.push(line);
        }
        let mut expected = Vec::new();
        while let Some(line) = lines.peek() {
            if line.is_empty() {
                break;
            }
            expected.push(*line);
            lines.next();
        }
        records.push(Record { expect_ok: mode.trim() == "ok", query: query.join("\n"), expected: expected.join("\n") });
    }
    records
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "adql"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn corpus() {
    let catalog = support::catalog();
    let ctx = support::empty_session(&catalog);
    let engine = vo_adql::AdqlEngine::new(Arc::new(catalog.clone()));
    let bless = std::env::var_os("ADQL_CORPUS_BLESS").is_some();
    let mut total = 0;
    let mut failures = Vec::new();
    for file in corpus_files() {
        let text = std::fs::read_to_string(&file).expect("read corpus file");
        let header: String = text.lines().take_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
        let mut blessed = header.clone();
        for record in parse_file(&text) {
            total += 1;
            let checked = vo_adql::check(&record.query, Some(&catalog));
            let (ok, actual) = match checked {
                Ok(normalized) => match engine.plan(&ctx, &record.query).await {
                    Ok(_) => (true, normalized),
                    Err(e) => (false, format!("PLANNING FAILED: {e}")),
                },
                Err(e) => (false, e.to_string()),
            };
            if bless {
                blessed.push_str(&format!(
                    "query {}\n{}\n----\n{}\n\n",
                    if ok { "ok" } else { "error" },
                    record.query,
                    actual
                ));
            } else if ok != record.expect_ok || actual != record.expected {
                failures.push(format!(
                    "{}:\n  query:    {}\n  expected: {} {}\n  actual:   {} {}",
                    file.file_name().unwrap().to_string_lossy(),
                    record.query,
                    if record.expect_ok { "ok" } else { "error" },
                    record.expected,
                    if ok { "ok" } else { "error" },
                    actual
                ));
            }
        }
        if bless {
            std::fs::write(&file, blessed.trim_end().to_string() + "\n").expect("write blessed corpus");
        }
    }
    assert!(total >= 300, "the corpus has only {total} queries");
    assert!(failures.is_empty(), "{} of {total} corpus queries differ:\n{}", failures.len(), failures.join("\n"));
}
