//! A live server on the demo catalogue: landing page, health, cone search, TAP sync and async,
//! VOSI, the registry, errors in each protocol's own form, and a clean shutdown.

use std::time::{Duration, Instant};

use crate::support::Server;

fn info_value<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let start = doc.find(&format!("name=\"{name}\""))?;
    let rest = &doc[start..];
    let v = rest.find("value=\"")? + 7;
    Some(&rest[v..v + rest[v..].find('"')?])
}

#[test]
fn demo_server_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(tmp.path(), &["demo", "--rows", "20000"]);

    let (status, _, body) = server.get("/health");
    assert_eq!(status, 200);
    assert!(body.contains("\"tables\":1"), "{body}");
    let (status, content_type, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html") && body.contains("demo.stars") && body.contains("/tap"), "{body}");

    // Cone search: UCD1 names, _r column, rows inside the cone.
    let (status, content_type, body) = server.get("/scs/demo.stars?RA=180&DEC=0&SR=5&RESPONSEFORMAT=votable/td");
    assert_eq!(status, 200, "{body}");
    assert!(content_type.contains("votable") || content_type.contains("xml"), "{content_type}");
    assert!(body.contains("ID_MAIN") && body.contains("POS_EQ_RA_MAIN") && body.contains("name=\"_r\""), "{body}");
    assert_eq!(info_value(&body, "QUERY_STATUS"), Some("OK"));
    assert!(body.matches("<TR>").count() > 10, "a 5° cone on 20,000 stars holds ~38 rows");
    // SR=0: metadata, no rows.
    let (status, _, body) = server.get("/scs/demo.stars?RA=180&DEC=0&SR=0&RESPONSEFORMAT=votable/td");
    assert_eq!(status, 200);
    assert_eq!(body.matches("<TR>").count(), 0);
    // SCS errors: a VOTable with INFO name="Error", never a 500.
    for (query, expect) in [
        ("RA=180&SR=1", "DEC"),
        ("RA=180&DEC=91&SR=1", "DEC"),
        ("RA=abc&DEC=0&SR=1", "RA"),
        ("RA=180&DEC=0&SR=-1", "SR"),
        ("RA=180&DEC=0&SR=50", "maximum"),
        ("RA=180&DEC=0&SR=1&VERB=7", "VERB"),
    ] {
        let (status, _, body) = server.get(&format!("/scs/demo.stars?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains("name=\"Error\"") && body.contains(expect), "{query}: {body}");
        assert_eq!(info_value(&body, "QUERY_STATUS"), Some("ERROR"));
    }
    let (status, _, body) = server.get("/scs/demo.nothing?RA=1&DEC=1&SR=1");
    assert_eq!(status, 404, "{body}");
    let (status, _, body) = server.get("/scs/demo.stars/capabilities");
    assert_eq!(status, 200);
    assert!(body.contains("ConeSearch") && body.contains("<maxSR>10</maxSR>"), "{body}");

    // TAP sync.
    let (status, _, body) = server.get(
        "/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20COUNT(*)%20AS%20n%20FROM%20demo.stars%20WHERE%20phot_g_mean_mag%20%3C%2015",
    );
    assert_eq!(status, 200, "{body}");
    let n: u64 = body.lines().nth(1).unwrap().trim().parse().unwrap();
    let expected = (0..20_000).filter(|&i| (vo_catalog::demo::star(i).phot_g_mean_mag as f32) < 15.0).count() as u64;
    assert_eq!(n, expected);
    // MAXREC truncation is flagged OVERFLOW after the table.
    let (status, _, body) = server
        .get("/tap/sync?LANG=ADQL&MAXREC=5&RESPONSEFORMAT=votable/td&QUERY=SELECT%20source_id%20FROM%20demo.stars");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.matches("<TR>").count(), 5);
    let trailing = &body[body.find("</TABLE>").expect("table closed")..];
    assert!(trailing.contains("name=\"QUERY_STATUS\" value=\"OVERFLOW\""), "{body}");
    // ADQL errors: a DALI error VOTable with the position, HTTP 400.
    let (status, _, body) = server.get("/tap/sync?LANG=ADQL&QUERY=SELECT%20ra%20FORM%20demo.stars");
    assert_eq!(status, 400, "{body}");
    assert_eq!(info_value(&body, "QUERY_STATUS"), Some("ERROR"));
    assert!(body.contains("line 1, column"), "{body}");
    let (status, _, body) = server.get("/tap/sync?LANG=SQL&QUERY=SELECT%201");
    assert_eq!(status, 400);
    assert!(body.contains("ADQL"), "{body}");
    // TAP_SCHEMA is queryable and describes the demo table.
    let (status, _, body) = server.get(
        "/tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=SELECT%20column_name%20FROM%20TAP_SCHEMA.columns%20WHERE%20table_name%3D%27demo.stars%27",
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("phot_g_mean_mag") && !body.contains("_healpix"), "{body}");

    // TAP async: create and start in one POST, wait, fetch.
    let (status, job) = server.post_form(
        "/tap/async",
        &[
            ("LANG", "ADQL"),
            ("QUERY", "SELECT TOP 3 source_id FROM demo.stars"),
            ("PHASE", "RUN"),
            ("RESPONSEFORMAT", "csv"),
        ],
    );
    assert_eq!(status, 303, "{job}");
    let job_path = job.strip_prefix(&server.url).unwrap_or(&job).to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, phase) = server.get(&format!("{job_path}/phase"));
        if phase == "COMPLETED" {
            break;
        }
        assert!(phase != "ERROR" && Instant::now() < deadline, "job phase {phase}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, _, body) = server.get(&format!("{job_path}/results/result"));
    assert_eq!(status, 200);
    assert_eq!(body.lines().count(), 4, "{body}");

    // VOSI and the registry.
    for path in ["/tap/capabilities", "/tap/availability", "/tap/tables", "/tap/tables/demo.stars", "/tap/examples"] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, _, body) = server.get("/oai?verb=ListIdentifiers&metadataPrefix=ivo_vor");
    assert_eq!(status, 200);
    assert!(body.contains("/tap</identifier>") && body.contains("scs/demo.stars"), "{body}");

    assert!(server.stop().success(), "clean exit on SIGTERM");
}
