//! `astrocloud ingest`: good input lands, bad input is refused with a precise message and leaves
//! the store as it was.

use crate::support::{run, text};

fn write(dir: &std::path::Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn csv_ingest_then_bad_inputs_leave_the_store_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let good = write(tmp.path(), "good.csv", "id,ra,dec,mag\n1,10.0,20.0,12.5\n2,10.1,20.1,\n3,350,-89.5,14\n");
    let out = run(&data, &["ingest", "--table", "test.cat", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("3 rows") && stdout.contains("positional: ra / dec"), "{stdout}");

    // Non-numeric value in a numeric column: file, line and column named.
    let bad = write(tmp.path(), "bad.csv", "id,ra,dec,mag\n1,10.0,20.0,12.5\n2,10.1,abc,13\n");
    let out = run(&data, &["ingest", "--table", "test.bad", "--meta", "/nonexistent.toml", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let bad_meta = write(tmp.path(), "meta.toml", "[columns.dec]\ndatatype = 'double'\n");
    let out =
        run(&data, &["ingest", "--table", "test.bad", "--meta", bad_meta.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("column 3") && err.contains("abc"),
        "{err}"
    );

    // Wrong number of columns.
    let ragged = write(tmp.path(), "ragged.csv", "id,ra,dec\n1,10,20\n2,11\n");
    let out = run(&data, &["ingest", "--table", "test.cat", "--replace", ragged.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("line"), "{}", text(&out.stderr));

    // Dec out of range: the line is named, the existing table is untouched.
    let far = write(tmp.path(), "far.csv", "id,ra,dec\n1,10,20\n2,11,95\n");
    let out = run(&data, &["ingest", "--table", "test.cat", "--replace", far.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("line 3") && err.contains("95"), "{err}");

    // Metadata naming a column the data lacks.
    let meta = write(tmp.path(), "m.toml", "[columns.magnitude]\nunit = 'mag'\n");
    let out = run(&data, &["ingest", "--table", "test.m", "--meta", meta.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("magnitude"), "{}", text(&out.stderr));

    // A metadata file with an unknown key names the key.
    let meta = write(tmp.path(), "k.toml", "[columns.ra]\nunits = 'deg'\n");
    let out = run(&data, &["ingest", "--table", "test.k", "--meta", meta.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("units"), "{}", text(&out.stderr));

    // Nothing of the failed ingests is visible: the first table still has its 3 rows, no staging left.
    let out = run(&data, &["ingest", "--table", "test.cat", good.to_str().unwrap()]);
    assert!(!out.status.success(), "existing table without --replace must be refused");
    assert!(text(&out.stderr).contains("exists"), "{}", text(&out.stderr));
    let staging = std::fs::read_dir(data.join("catalog/staging")).unwrap().count();
    assert_eq!(staging, 0);
}

#[test]
fn bad_names_config_and_data_dir_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let good = write(tmp.path(), "good.csv", "id,ra,dec\n1,10,20\n");
    let out = run(&data, &["ingest", "--table", "nodot", good.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("SCHEMA.NAME"), "{}", text(&out.stderr));

    let config = write(tmp.path(), "c.toml", "[tap]\nmaxrec_defualt = 3\n");
    let out = run(&data, &["serve", "--config", config.to_str().unwrap(), "--bind", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("maxrec_defualt"), "{}", text(&out.stderr));

    let file_as_dir = write(tmp.path(), "plainfile", "x");
    let out = run(&file_as_dir.join("sub"), &["ingest", "--table", "a.b", good.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("data dir"), "{}", text(&out.stderr));
}
