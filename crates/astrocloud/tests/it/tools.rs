//! `astrocloud votable convert` and `astrocloud adql check`.

use std::io::Write;
use std::process::Stdio;

use arrow_array::{Array, Float64Array, Int64Array, StringArray};

use crate::support::{astrocloud, run, text};

#[test]
fn convert_round_trips_through_every_serialization() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let csv = tmp.path().join("cat.csv");
    std::fs::write(&csv, "id,ra,name\n1,10.5,alpha\n2,,beta & <gamma>\n3,-0.25,\n").unwrap();
    // CSV → each VOTable serialization → BINARY2 again: the cells survive every hop.
    let mut previous = csv.clone();
    for to in ["td", "binary", "binary2", "parquet", "td"] {
        let out = tmp.path().join(format!("cat-{to}.{}", if to == "parquet" { "parquet" } else { "vot" }));
        let result = run(&data, &["votable", "convert", "--to", to, previous.to_str().unwrap(), out.to_str().unwrap()]);
        assert!(result.status.success(), "{to}: {}", text(&result.stderr));
        assert!(text(&result.stderr).contains("3 rows"), "{}", text(&result.stderr));
        previous = out;
    }
    let bytes = std::fs::read(&previous).unwrap();
    assert!(text(&bytes).contains("<TABLEDATA>"));
    let (_, batches) = vo_votable::read_all(&bytes[..]).unwrap();
    let batch = &batches[0];
    let ids = batch.column(0).as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(ids.values().to_vec(), vec![1, 2, 3]);
    let ra = batch.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
    // BINARY has no null flag: a null double travels as NaN, VOTable's null for floats.
    let null_or_nan = ra.is_null(1) || ra.value(1).is_nan();
    assert_eq!((ra.value(0), null_or_nan, ra.value(2)), (10.5, true, -0.25));
    let names = batch.column(2).as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(names.value(1), "beta & <gamma>");

    // Bad input: a clear message naming the file, and no output left behind.
    let broken = tmp.path().join("broken.vot");
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    let target = tmp.path().join("never.vot");
    let result =
        run(&data, &["votable", "convert", "--to", "binary2", broken.to_str().unwrap(), target.to_str().unwrap()]);
    assert!(!result.status.success());
    assert!(text(&result.stderr).contains("broken.vot"), "{}", text(&result.stderr));
    assert!(!target.exists(), "a failed conversion leaves no output");
    let result = run(&data, &["votable", "convert", "--to", "csv", "nothing.dat", "-"]);
    assert!(!result.status.success() && text(&result.stderr).contains("--from"), "{}", text(&result.stderr));
}

fn check(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = astrocloud()
        .args(["adql", "check"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn adql_check_lints_from_stdin_and_files() {
    let (ok, stdout, _) = check(
        &["--syntax-only"],
        "select top 5 ra, dec\nfrom anywhere.t where 1=contains(point(ra,dec), circle(1,2,3))",
    );
    assert!(ok);
    assert!(stdout.contains("TOP 5") && stdout.to_ascii_lowercase().contains("contains"), "{stdout}");
    let (ok, _, stderr) = check(&["--syntax-only"], "SELECT ra\nFROM t\nWHERE ra >");
    assert!(!ok);
    assert!(stderr.starts_with("line 3, column"), "{stderr}");
    let (ok, _, stderr) = check(&["--syntax-only"], "SELECT * FROM t LIMIT 5");
    assert!(!ok && stderr.contains("line 1"), "{stderr}");

    // Against a data dir: names are checked against its tables and TAP_SCHEMA.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let csv = tmp.path().join("cat.csv");
    std::fs::write(&csv, "id,ra,dec\n1,10,20\n").unwrap();
    assert!(run(&data, &["ingest", "--table", "my.cat", csv.to_str().unwrap()]).status.success());
    let query = tmp.path().join("q.adql");
    std::fs::write(&query, "SELECT id, ra FROM my.cat").unwrap();
    let out = run(&data, &["adql", "check", query.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(&query, "SELECT idd FROM my.cat").unwrap();
    let out = run(&data, &["adql", "check", query.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("idd") && text(&out.stderr).contains("line 1"), "{}", text(&out.stderr));
    let out = run(&data, &["adql", "check", "--syntax-only", query.to_str().unwrap()]);
    assert!(out.status.success(), "syntax only does not look at tables: {}", text(&out.stderr));
}
