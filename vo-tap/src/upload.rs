//! Table uploads [TAP §2.7.6, DALI §3.4.5]: `UPLOAD=name,param:part` (a multipart file part) or
//! `UPLOAD=name,http://…`, each a VOTable, visible to the query as `TAP_UPLOAD.name`.
//!
//! `https://` URLs are refused with a clear error while [`HTTPS_UPLOADS`] is false: the
//! workspace builds reqwest without a TLS backend, and the capabilities advertise only the
//! methods of [`upload_methods`].
//!
//! An upload URL makes the server fetch from wherever the client says, so by default it fetches
//! only from public addresses: a URL whose host is, or resolves to, a loopback, private or
//! link-local address is refused (else anyone could make the server read services only it can
//! reach, such as a cloud metadata endpoint). The check is made again at every redirect, and the
//! connection goes to the addresses that were checked, not to a second DNS answer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use arrow_array::RecordBatch;
use datafusion::catalog::TableProvider;
use datafusion::datasource::MemTable;
use futures::StreamExt;
use vo_catalog::{ColumnMeta, TableMeta};
use vo_dali::{DaliError, Params, UploadedFile};
use vo_resource::tap::upload_method;
use vo_votable::arrow_meta;

use crate::metadata::TAP_UPLOAD;

/// Whether `UPLOAD=name,https://…` can be fetched. The workspace's reqwest has no TLS backend
/// (`default-features = false`), so it cannot; turn this on together with a TLS feature
/// (a test checks that the two agree).
pub const HTTPS_UPLOADS: bool = false;

/// The TAPRegExt upload methods this server supports [TAPRegExt §2.6], for the capabilities.
pub fn upload_methods() -> Vec<String> {
    let mut methods = vec![upload_method::INLINE.to_string(), upload_method::HTTP.to_string()];
    if HTTPS_UPLOADS {
        methods.push(upload_method::HTTPS.to_string());
    }
    methods
}

/// One uploaded table, ready to register.
pub struct Upload {
    pub meta: TableMeta,
    pub provider: Arc<dyn TableProvider>,
    pub rows: usize,
}

/// Limits on uploads.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub max_bytes: u64,
    pub max_tables: usize,
    /// Whether `http://` upload URLs may point at loopback, private or link-local addresses
    /// (off by default; see the module docs).
    pub private_hosts: bool,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits { max_bytes: 100 * 1024 * 1024, max_tables: 10, private_hosts: false }
    }
}

/// Reads every table the request's UPLOAD parameters name. `files` are the request's inline parts.
pub async fn read_uploads(
    params: &Params,
    files: &[UploadedFile],
    limits: UploadLimits,
) -> Result<Vec<Upload>, DaliError> {
    let mut uploads: Vec<Upload> = Vec::new();
    let specs: Vec<&str> =
        params.get_all("UPLOAD").into_iter().flat_map(|v| v.split(';')).filter(|s| !s.trim().is_empty()).collect();
    if specs.len() > limits.max_tables {
        return Err(DaliError::usage(format!("at most {} uploaded tables per query", limits.max_tables)));
    }
    for spec in specs {
        let (name, uri) =
            spec.split_once(',').ok_or_else(|| DaliError::usage(format!("UPLOAD must be 'name,URI', got '{spec}'")))?;
        let name = name.trim();
        check_table_name(name)?;
        if uploads.iter().any(|u| u.meta.name.eq_ignore_ascii_case(name)) {
            return Err(DaliError::usage(format!("two uploads are named {name}")));
        }
        let uri = uri.trim();
        // URI schemes are case-insensitive (RFC 3986 §3.1); `param:` part names are not.
        let scheme = uri.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
        let bytes = match scheme.as_str() {
            "param" => {
                let part = &uri["param:".len()..];
                let file = files.iter().find(|f| f.part_name == part).ok_or_else(|| {
                    DaliError::usage(format!("UPLOAD {name} refers to param:{part}, but the request has no such part"))
                })?;
                file.data.clone()
            }
            "http" => fetch(uri, &limits).await?,
            "https" if HTTPS_UPLOADS => fetch(uri, &limits).await?,
            "https" => {
                return Err(DaliError::usage(format!(
                    "UPLOAD {name}: https uploads are not supported by this server; use an http:// URL, \
                     or send the table inline (UPLOAD={name},param:{name} with a multipart POST)"
                )));
            }
            _ => {
                return Err(DaliError::usage(format!(
                    "UPLOAD {name}: unsupported URI '{uri}' (use param:<part> with a multipart POST, or http://)"
                )));
            }
        };
        if bytes.len() as u64 > limits.max_bytes {
            return Err(DaliError::new(
                vo_dali::ErrorKind::TooLarge,
                format!("upload {name} is {} bytes; the limit is {}", bytes.len(), limits.max_bytes),
            ));
        }
        uploads.push(parse_votable(name, &bytes)?);
    }
    Ok(uploads)
}

fn check_table_name(name: &str) -> Result<(), DaliError> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok && !vo_adql::is_reserved(name) {
        Ok(())
    } else {
        Err(DaliError::usage(format!(
            "upload table name '{name}' must be an ADQL regular identifier ([A-Za-z][A-Za-z0-9_]*, not a reserved word)"
        )))
    }
}

/// Redirects followed from an upload URL before giving up.
const MAX_REDIRECTS: usize = 5;

async fn fetch(url: &str, limits: &UploadLimits) -> Result<bytes::Bytes, DaliError> {
    let mut current =
        reqwest::Url::parse(url).map_err(|e| DaliError::usage(format!("UPLOAD URL {url} is not a valid URL: {e}")))?;
    for _ in 0..=MAX_REDIRECTS {
        let response = request(&current, limits.private_hosts).await?;
        if !response.status().is_redirection() {
            return read_body(response, url, limits.max_bytes).await;
        }
        let location =
            response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
                DaliError::usage(format!("fetching upload {url} gave HTTP {} without a Location", response.status()))
            })?;
        current = current
            .join(location)
            .map_err(|e| DaliError::usage(format!("upload {url} redirects to a bad URL '{location}': {e}")))?;
        let allowed = current.scheme() == "http" || (HTTPS_UPLOADS && current.scheme() == "https");
        if !allowed {
            return Err(DaliError::usage(format!(
                "upload {url} redirects to {current}, which this server does not fetch"
            )));
        }
    }
    Err(DaliError::usage(format!("upload {url}: more than {MAX_REDIRECTS} redirects")))
}

/// One GET of `url`, without following redirects, connecting only to addresses that passed
/// [`is_public`] unless `private_hosts`.
async fn request(url: &reqwest::Url, private_hosts: bool) -> Result<reqwest::Response, DaliError> {
    let host = url.host_str().ok_or_else(|| DaliError::usage(format!("UPLOAD URL {url} has no host")))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let mut client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none());
    let addresses: Vec<SocketAddr> = match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
                .await
                .map_err(|e| DaliError::usage(format!("cannot fetch upload {url}: cannot resolve {host}: {e}")))?
                .collect();
            // Connect to exactly these, so that a second DNS answer cannot differ from the one checked.
            client = client.resolve_to_addrs(host, &found);
            found
        }
    };
    if !private_hosts && let Some(address) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(DaliError::usage(format!(
            "UPLOAD URL {url}: {host} is {}, a loopback, private or link-local address, from which this server \
             does not fetch uploads; send the table inline (a multipart POST with UPLOAD=name,param:part)",
            address.ip()
        )));
    }
    let client = client.build().map_err(|e| DaliError::internal(format!("cannot make an HTTP client: {e}")))?;
    client
        .get(url.clone())
        .send()
        .await
        .map_err(|e| DaliError::usage(format!("cannot fetch upload {url}: {}", error_chain(&e))))
}

async fn read_body(response: reqwest::Response, url: &str, max_bytes: u64) -> Result<bytes::Bytes, DaliError> {
    if !response.status().is_success() {
        return Err(DaliError::usage(format!("fetching upload {url} gave HTTP {}", response.status())));
    }
    let too_large =
        || DaliError::new(vo_dali::ErrorKind::TooLarge, format!("upload {url} exceeds the limit of {max_bytes} bytes"));
    // A declared length over the limit is refused before anything is read.
    if response.content_length().is_some_and(|n| n > max_bytes) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| DaliError::usage(format!("reading upload {url}: {}", error_chain(&e))))?;
        body.extend_from_slice(&chunk);
        if body.len() as u64 > max_bytes {
            return Err(too_large());
        }
    }
    Ok(body.into())
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, RFC 4193),
/// link-local, shared (RFC 6598), unspecified, multicast or reserved. IPv4-mapped IPv6
/// addresses are judged as the IPv4 address they carry.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local())
            }
        },
    }
}

/// An error with its causes: reqwest's own message ("error sending request") says nothing of
/// what went wrong (connection refused, DNS, timeout), which is in the source chain.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// A VOTable upload as a table: its columns keep the FIELDs' metadata.
pub fn parse_votable(name: &str, bytes: &[u8]) -> Result<Upload, DaliError> {
    let looks_like_xml = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    if !looks_like_xml {
        return Err(DaliError::usage(format!("upload {name} is not a VOTable")));
    }
    let unreadable = |e: vo_votable::Error| DaliError::usage(format!("upload {name} is not a readable VOTable: {e}"));
    let reader = vo_votable::reader::VotableReader::new(bytes).map_err(unreadable)?;
    let schema = reader.schema();
    if schema.fields().is_empty() {
        return Err(DaliError::usage(format!("upload {name} is a VOTable without a table (or without columns)")));
    }
    let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().map_err(unreadable)?;
    let mut seen: Vec<String> = Vec::new();
    for field in schema.fields() {
        let lower = field.name().to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(DaliError::usage(format!(
                "upload {name} has two columns named {} (column names must differ regardless of case)",
                field.name()
            )));
        }
        seen.push(lower);
    }
    let columns: Vec<ColumnMeta> = schema
        .fields()
        .iter()
        .map(|f| {
            let md = f.metadata();
            let get = |k: &str| md.get(k).cloned().filter(|v| !v.is_empty());
            ColumnMeta {
                name: f.name().clone(),
                arrow_type: f.data_type().to_string(),
                description: get(arrow_meta::DESCRIPTION),
                unit: get(arrow_meta::UNIT),
                ucd: get(arrow_meta::UCD),
                utype: get(arrow_meta::UTYPE),
                xtype: get(arrow_meta::XTYPE),
                principal: true,
                nullable: true,
                ..Default::default()
            }
        })
        .collect();
    let rows = batches.iter().map(RecordBatch::num_rows).sum();
    let batches: Vec<RecordBatch> = batches
        .into_iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| DaliError::usage(format!("upload {name}: {e}")))?;
    let provider = MemTable::try_new(schema.clone(), vec![batches])
        .map_err(|e| DaliError::usage(format!("upload {name}: {e}")))?;
    let meta = TableMeta {
        schema: TAP_UPLOAD.into(),
        name: name.into(),
        description: Some("Uploaded table".into()),
        utype: None,
        columns,
        position: None,
        nrows: rows as u64,
        bytes: bytes.len() as u64,
        data_dir: String::new(),
        created: String::new(),
        updated: String::new(),
    };
    Ok(Upload { meta, provider: Arc::new(provider), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`HTTPS_UPLOADS`] must say what the HTTP client can do. With a TLS backend the client
    /// opens a TCP connection before its handshake fails (nobody answers here); without one it
    /// refuses the https URL without connecting. The connection, if any, is in the listener's
    /// backlog by the time `send` returns, so the check does not depend on timing.
    #[tokio::test]
    async fn https_support_matches_the_http_client() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("https://{}/table.vot", listener.local_addr().unwrap());
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
        assert!(client.get(&url).send().await.is_err(), "nobody speaks TLS on {url}");
        let connected = listener.accept().is_ok();
        assert_eq!(connected, HTTPS_UPLOADS, "the client {} https", if connected { "supports" } else { "refuses" });
        let advertised = upload_methods().iter().any(|m| m == upload_method::HTTPS);
        assert_eq!(advertised, HTTPS_UPLOADS);
    }

    #[test]
    fn table_names_are_regular_identifiers() {
        assert!(check_table_name("mine_2").is_ok());
        for bad in ["2mine", "my-table", "", "select", "naïve"] {
            assert!(check_table_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["193.48.0.1", "8.8.8.8", "100.128.0.1", "2001:4860::8888", "::ffff:130.79.128.5"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
