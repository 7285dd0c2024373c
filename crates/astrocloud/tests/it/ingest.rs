//! `astrocloud ingest`: good input lands, bad input is refused with a precise message and leaves
//! the store as it was.

use crate::support::{Server, run, text};

fn write(dir: &std::path::Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// `SELECT ... ` through TAP sync as CSV: the lines after the header.
fn tap_csv(server: &Server, query: &str) -> Vec<String> {
    let query: String = query
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let (status, _, body) = server.get(&format!("/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY={query}"));
    assert_eq!(status, 200, "{body}");
    body.lines().skip(1).map(|l| l.trim().to_string()).collect()
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
    let refused = |args: &[&str]| {
        let out = run(&data, args);
        assert!(!out.status.success(), "{args:?} must fail");
        text(&out.stderr)
    };

    // Non-numeric value in a numeric column, with nothing declared: file, line and column named.
    let bad = write(tmp.path(), "bad.csv", "id,ra,dec,mag\n1,10.0,20.0,12.5\n2,10.1,abc,13\n");
    let err = refused(&["ingest", "--table", "test.bad", bad.to_str().unwrap()]);
    assert!(err.contains("bad.csv: line 3, column 3 (dec): cannot read 'abc' as Float64"), "{err}");
    // The same with the type declared in the metadata file.
    let dec_meta = write(tmp.path(), "meta.toml", "[columns.dec]\ndatatype = 'double'\n");
    let err = refused(&["ingest", "--table", "test.bad", "--meta", dec_meta.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(err.contains("bad.csv: line 3, column 3 (dec): cannot read 'abc' as Float64"), "{err}");

    // Past the 10,000 rows the types are inferred from, text in a numeric column is an error too
    // (here in a column that is not a position), and it fails a replacement of test.cat.
    let mut long = String::from("id,ra,dec,mag\n");
    for i in 0..10_050u32 {
        let mag = if i == 10_027 { "bright".to_string() } else { format!("{}.5", i % 20) };
        long.push_str(&format!("{i},{},{},{mag}\n", f64::from(i % 360), f64::from(i % 90)));
    }
    let long = write(tmp.path(), "long.csv", &long);
    let err = refused(&["ingest", "--table", "test.cat", "--replace", long.to_str().unwrap()]);
    assert!(err.contains("long.csv: line 10029, column 4 (mag): cannot read 'bright' as Float64"), "{err}");
    assert!(err.contains("inferred from the first 10000 rows"), "{err}");

    // Wrong number of columns.
    let ragged = write(tmp.path(), "ragged.csv", "id,ra,dec\n1,10,20\n2,11\n");
    let err = refused(&["ingest", "--table", "test.cat", "--replace", ragged.to_str().unwrap()]);
    assert!(err.contains("ragged.csv: line 3: 2 fields, but the header has 3 (id, ra, dec)"), "{err}");

    // Dec and RA out of range: file, line and value named.
    let far = write(tmp.path(), "far.csv", "id,ra,dec\n1,10,20\n2,11,95\n");
    let err = refused(&["ingest", "--table", "test.cat", "--replace", far.to_str().unwrap()]);
    assert!(err.contains("far.csv: line 3") && err.contains("Dec 95"), "{err}");
    let wide = write(tmp.path(), "wide.csv", "id,ra,dec\n1,10,20\n2,-11.5,30\n");
    let err = refused(&["ingest", "--table", "test.cat", "--replace", wide.to_str().unwrap()]);
    assert!(err.contains("wide.csv: line 3") && err.contains("RA -11.5"), "{err}");

    // Metadata naming a column the data lacks.
    let meta = write(tmp.path(), "m.toml", "[columns.magnitude]\nunit = 'mag'\n");
    let err = refused(&["ingest", "--table", "test.m", "--meta", meta.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(err.contains("magnitude"), "{err}");

    // A metadata file with an unknown key names the key.
    let meta = write(tmp.path(), "k.toml", "[columns.ra]\nunits = 'deg'\n");
    let err = refused(&["ingest", "--table", "test.k", "--meta", meta.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(err.contains("units"), "{err}");

    // Nothing of the failed ingests is visible: no staging left, the existing table is refused
    // without --replace, and it still has its own 3 rows.
    let err = refused(&["ingest", "--table", "test.cat", good.to_str().unwrap()]);
    assert!(err.contains("exists"), "{err}");
    let staging = std::fs::read_dir(data.join("catalog/staging")).unwrap().count();
    assert_eq!(staging, 0);
    let server = Server::start(&data, &["serve"]);
    assert_eq!(tap_csv(&server, "SELECT COUNT(*) AS n FROM test.cat"), ["3"]);
    let health = server.get("/health").2;
    assert!(health.contains("\"tables\":1"), "only test.cat exists: {health}");
}

#[test]
fn fits_ingest_keeps_units_through_the_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../vo-catalog/tests/fixtures");
    // Written by astropy (see that directory's make_fits.py), gzip-compressed.
    let stars = fixtures.join("stars.fits.gz");
    let out = run(&data, &["ingest", "--table", "fits.stars", stars.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("5 rows") && stdout.contains("positional: ra / dec"), "{stdout}");
    // Another HDU, chosen by EXTNAME.
    let other = format!("{}[OTHER]", fixtures.join("stars.fits").display());
    let out = run(&data, &["ingest", "--table", "fits.other", &other]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 rows"), "{}", text(&out.stdout));
    // An IMAGE HDU is refused by name.
    let image = format!("{}#1", fixtures.join("stars.fits").display());
    let out = run(&data, &["ingest", "--table", "fits.image", &image]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("IMAGE, not a binary table"), "{}", text(&out.stderr));

    let server = Server::start(&data, &["serve"]);
    let (status, _, body) = server.get(
        "/tap/sync?LANG=ADQL&RESPONSEFORMAT=votable/td&QUERY=SELECT%20source_id,ra,flux,quality%20FROM%20fits.stars",
    );
    assert_eq!(status, 200, "{body}");
    for expected in ["name=\"ra\"", "unit=\"deg\"", "unit=\"mJy\"", "ucd=\"pos.eq.ra;meta.main\""] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    assert_eq!(body.matches("<TR>").count(), 5);
    assert_eq!(tap_csv(&server, "SELECT COUNT(*) FROM fits.stars WHERE quality IS NULL"), ["2"]);
    assert_eq!(tap_csv(&server, "SELECT SUM(x) FROM fits.other"), ["15"]);
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
