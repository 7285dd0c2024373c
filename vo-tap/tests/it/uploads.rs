//! Table uploads: inline and by http URL, joined with the catalogue; bad uploads are refused
//! with clear errors.

use std::collections::BTreeSet;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vo_dali::{Method, UploadedFile};

use crate::support::{Reply, Tap, part, positions_upload, separation, stars, to_params, upload_votable};

const RADIUS: f64 = 0.5;

fn crossmatch_query() -> String {
    format!(
        "SELECT u.id, s.source_id FROM TAP_UPLOAD.mine AS u JOIN demo.stars AS s \
         ON 1 = CONTAINS(POINT('ICRS', s.ra, s.dec), CIRCLE('ICRS', u.ra, u.dec, {RADIUS}))"
    )
}

/// (upload id, source_id) pairs.
type Pairs = BTreeSet<(i64, i64)>;

/// The pairs within RADIUS, and apart the pairs within 1e-9° of the edge (either way is right).
fn brute_force_pairs(rows: &[(i64, f64, f64)]) -> (Pairs, Pairs) {
    let (mut inside, mut edge) = (BTreeSet::new(), BTreeSet::new());
    for (id, ra, dec) in rows {
        for s in stars() {
            let d = separation(*ra, *dec, s.ra, s.dec);
            if (d - RADIUS).abs() < 1e-9 {
                edge.insert((*id, s.source_id));
            } else if d <= RADIUS {
                inside.insert((*id, s.source_id));
            }
        }
    }
    (inside, edge)
}

impl Tap {
    async fn with_upload(&self, query: &str, upload: &str, files: Vec<UploadedFile>) -> Reply {
        let params = to_params(&[("LANG", "ADQL"), ("QUERY", query), ("UPLOAD", upload)]);
        self.call(Method::Post, "sync", params, files).await
    }
}

fn pairs_of(reply: &Reply) -> BTreeSet<(i64, i64)> {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let table = reply.votable();
    assert_eq!(table.status(), "OK", "{}", reply.text());
    table.ints("id").into_iter().zip(table.ints("source_id")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_upload_joined_with_the_catalogue_equals_brute_force() {
    let tap = Tap::start().await;
    let (votable, rows) = positions_upload();
    let (want, edge) = brute_force_pairs(&rows);
    let reply = tap.with_upload(&crossmatch_query(), "mine,param:tab", vec![part("tab", votable.clone())]).await;
    let got: BTreeSet<(i64, i64)> = pairs_of(&reply).difference(&edge).copied().collect();
    assert!(want.len() > rows.len() - 2, "each uploaded star matches at least itself: {}", want.len());
    assert_eq!(got, want);

    // The upload round-trips [TAP §2.7.6].
    let reply = tap.with_upload("SELECT * FROM TAP_UPLOAD.mine", "mine,param:tab", vec![part("tab", votable)]).await;
    let table = reply.votable();
    assert_eq!(table.fields, ["id", "ra", "dec"]);
    assert_eq!(table.ints("id"), rows.iter().map(|r| r.0).collect::<Vec<_>>());
    assert_eq!(table.floats("ra"), rows.iter().map(|r| r.1).collect::<Vec<_>>());
    assert_eq!(table.floats("dec"), rows.iter().map(|r| r.2).collect::<Vec<_>>());
}

/// Serves `responses` (raw HTTP answers) to the next connections on 127.0.0.1, one each.
async fn http_server(responses: Vec<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for response in responses {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024 {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = socket.write_all(&response).await;
            let _ = socket.shutdown().await;
        }
    });
    format!("http://{address}")
}

fn http_response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/x-votable+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_by_http_url_equals_inline() {
    let tap = Tap::start().await;
    let (votable, rows) = positions_upload();
    let (want, edge) = brute_force_pairs(&rows);
    let server = http_server(vec![http_response("200 OK", votable.as_bytes())]).await;
    let reply = tap.with_upload(&crossmatch_query(), &format!("mine,{server}/list.vot"), Vec::new()).await;
    let got: BTreeSet<(i64, i64)> = pairs_of(&reply).difference(&edge).copied().collect();
    assert_eq!(got, want);

    let server = http_server(vec![http_response("404 Not Found", b"gone")]).await;
    let reply = tap.with_upload(&crossmatch_query(), &format!("mine,{server}/list.vot"), Vec::new()).await;
    reply.assert_error(400, "HTTP 404");
}

fn redirect(location: &str) -> Vec<u8> {
    format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_urls_follow_redirects_within_limits() {
    let tap = Tap::start().await;
    let (votable, rows) = positions_upload();
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let query = "SELECT * FROM TAP_UPLOAD.mine";

    let target = http_server(vec![http_response("200 OK", votable.as_bytes())]).await;
    let hop = http_server(vec![redirect(&format!("{target}/list.vot"))]).await;
    let reply = tap.with_upload(query, &format!("mine,{hop}/old.vot"), Vec::new()).await;
    assert_eq!(reply.votable().ints("id"), ids);

    let relative = http_server(vec![redirect("/new.vot"), http_response("200 OK", votable.as_bytes())]).await;
    let reply = tap.with_upload(query, &format!("mine,{relative}/old.vot"), Vec::new()).await;
    assert_eq!(reply.votable().ints("id"), ids);

    let elsewhere = http_server(vec![redirect("ftp://example.org/t.vot")]).await;
    tap.with_upload(query, &format!("mine,{elsewhere}/t.vot"), Vec::new())
        .await
        .assert_error(400, "which this server does not fetch");
    let looping = http_server(vec![redirect("/again"); 6]).await;
    tap.with_upload(query, &format!("mine,{looping}/t.vot"), Vec::new())
        .await
        .assert_error(400, "more than 5 redirects");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_urls_on_private_addresses_are_refused_by_default() {
    let settings = vo_tap::TapSettings { upload_limits: vo_tap::UploadLimits::default(), ..crate::support::settings() };
    let tap = Tap::with_settings(settings).await;
    // Something listens, so a refusal cannot be a failed connection; it must never be connected to.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let urls = [
        format!("http://127.0.0.1:{port}/t.vot"),
        format!("http://localhost:{port}/t.vot"),
        format!("http://[::ffff:127.0.0.1]:{port}/t.vot"),
        format!("http://[::1]:{port}/t.vot"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/t.vot".to_string(),
        "http://192.168.1.1:8080/t.vot".to_string(),
    ];
    for url in urls {
        let reply = tap.with_upload("SELECT * FROM TAP_UPLOAD.mine", &format!("mine,{url}"), Vec::new()).await;
        let message = reply.assert_error(400, "a loopback, private or link-local address");
        assert!(message.contains("send the table inline"), "says what to do instead: {message}");
    }
    assert!(listener.accept().is_err(), "the refused URLs were never fetched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_are_refused_with_clear_errors() {
    let settings = vo_tap::TapSettings {
        upload_limits: vo_tap::UploadLimits { max_bytes: 4096, max_tables: 2, private_hosts: true },
        ..crate::support::settings()
    };
    let tap = Tap::with_settings(settings).await;
    let query = "SELECT * FROM TAP_UPLOAD.mine";
    let small = upload_votable(&[("a", "int")], &[vec!["1".into()]]);
    let inline = |content: String| vec![part("tab", content)];

    let cases: Vec<(&str, Vec<UploadedFile>, u16, &str)> = vec![
        ("mine,param:tab", inline("a,b\n1,2\n".into()), 400, "is not a VOTable"),
        ("mine,param:tab", inline("<html><body>hello</body></html>".into()), 400, "not a readable VOTable"),
        (
            "mine,param:tab",
            inline("<VOTABLE version=\"1.4\"><RESOURCE/></VOTABLE>".into()),
            400,
            "a VOTable without a table",
        ),
        (
            "mine,param:tab",
            inline(upload_votable(&[("ra", "double"), ("RA", "double")], &[vec!["1".into(), "2".into()]])),
            400,
            "two columns named RA",
        ),
        (
            "mine,param:tab",
            inline(upload_votable(&[("a", "int")], &vec![vec!["12345".to_string()]; 400])),
            413,
            "the limit is 4096",
        ),
        ("mine", inline(small.clone()), 400, "UPLOAD must be 'name,URI'"),
        ("2mine,param:tab", inline(small.clone()), 400, "ADQL regular identifier"),
        ("select,param:tab", inline(small.clone()), 400, "ADQL regular identifier"),
        ("mine,param:other", inline(small.clone()), 400, "no such part"),
        ("mine,ftp://example.org/t.vot", Vec::new(), 400, "unsupported URI"),
        ("mine,param:tab;mine,param:tab", inline(small.clone()), 400, "two uploads are named mine"),
        ("a,param:tab;b,param:tab;c,param:tab", inline(small.clone()), 400, "at most 2 uploaded tables"),
        ("mine,https://example.org/t.vot", Vec::new(), 400, "https uploads are not supported by this server"),
    ];
    for (upload, files, status, expect) in cases {
        let message = tap.with_upload(query, upload, files).await.assert_error(status, expect);
        assert!(message.len() < 400, "{upload}: a short message: {message}");
    }

    // An http URL nobody answers: a port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let reply = tap.with_upload(query, &format!("mine,http://127.0.0.1:{port}/t.vot"), Vec::new()).await;
    let message = reply.assert_error(400, "cannot fetch upload");
    assert!(message.to_lowercase().contains("connect"), "says why: {message}");

    // Too large by URL: refused from the declared length, and when no length is declared.
    let big = upload_votable(&[("a", "int")], &vec![vec!["12345".to_string()]; 400]);
    let server = http_server(vec![http_response("200 OK", big.as_bytes())]).await;
    tap.with_upload(query, &format!("mine,{server}/t.vot"), Vec::new()).await.assert_error(413, "exceeds the limit");
    let mut undeclared = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    undeclared.extend_from_slice(big.as_bytes());
    let server = http_server(vec![undeclared]).await;
    tap.with_upload(query, &format!("mine,{server}/t.vot"), Vec::new()).await.assert_error(413, "exceeds the limit");

    // And a good one still works on the same service.
    let reply = tap.with_upload(query, "mine,param:tab", inline(small)).await;
    assert_eq!(reply.votable().ints("a"), [1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_advertise_what_works() {
    let tap = Tap::start().await;
    let reply = tap.get("capabilities", &[]).await;
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(text.contains("ivo://ivoa.net/std/TAPRegExt#upload-inline"), "{text}");
    assert!(text.contains("ivo://ivoa.net/std/TAPRegExt#upload-http\""), "{text}");
    // https needs TLS, which this build's HTTP client lacks (see vo_tap::upload::HTTPS_UPLOADS).
    assert_eq!(text.contains("#upload-https"), vo_tap::upload::HTTPS_UPLOADS, "{text}");
    // The output limits clients rely on for MAXREC [TAPRegExt §2.7].
    let settings = crate::support::settings();
    for limit in ["outputLimit", "uploadLimit"] {
        assert!(text.contains(&format!("<{limit}>")), "{limit}: {text}");
    }
    assert!(text.contains(&format!("<default unit=\"row\">{}</default>", settings.maxrec_default)), "{text}");
    assert!(text.contains(&format!("<hard unit=\"row\">{}</hard>", settings.maxrec_hard)), "{text}");
    for alias in ["votable", "votable/td", "csv", "tsv", "fits", "parquet", "json"] {
        assert!(text.contains(&format!("<alias>{alias}</alias>")), "{alias}: {text}");
    }
}
