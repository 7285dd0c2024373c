//! The server's configuration: a TOML file (see `astrocloud.example.toml`), every key overridable
//! by an environment variable `ASTROCLOUD_<SECTION>__<KEY>` (e.g. `ASTROCLOUD_TAP__MAXREC_DEFAULT=
//! 5000`, `ASTROCLOUD_BIND=0.0.0.0:9000`). Unknown keys and wrong types are errors naming the key.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// Everything `astrocloud serve` can be told.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// The public base URL of the server (used in capabilities, job URLs, registry records).
    /// Empty: derived from each request's Host header.
    pub base_url: String,
    /// Where the metadata database, catalogue files and job results live.
    pub data_dir: PathBuf,
    /// Metadata database URL: empty for SQLite in the data dir, or `postgres://user:pw@host/db`.
    pub database_url: String,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Largest accepted request body (uploads), bytes.
    pub max_body_bytes: u64,
    pub service: ServiceConfig,
    pub tap: TapConfig,
    pub cone: ConeConfig,
    pub uws: UwsConfig,
    pub registry: RegistrySection,
}

/// How the data centre describes itself (landing page, registry, capabilities).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    pub title: String,
    pub short_name: String,
    pub publisher: String,
    pub contact_email: String,
    /// The IVOA naming authority of the records (`ivo://<authority>/...`).
    pub authority: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TapConfig {
    /// Rows returned when the client gives no MAXREC.
    pub maxrec_default: u64,
    /// The most rows any query returns.
    pub maxrec_hard: u64,
    /// Seconds a synchronous query may run.
    pub sync_timeout_s: u64,
    /// Default output format for `RESPONSEFORMAT=votable` (`votable/b2`, `votable/b`, `votable/td`).
    pub default_votable: String,
    /// Largest upload, bytes.
    pub upload_limit_bytes: u64,
    /// Whether `UPLOAD=name,http://…` may fetch from loopback, private or link-local addresses.
    pub upload_private_hosts: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConeConfig {
    /// Largest search radius, degrees.
    pub max_sr: f64,
    /// Largest number of rows a cone returns.
    pub max_records: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UwsConfig {
    /// Jobs executing at once.
    pub workers: usize,
    /// Default and largest execution duration of async jobs, seconds.
    pub execution_duration_s: u64,
    pub max_execution_duration_s: u64,
    /// How long jobs and their results are kept, seconds.
    pub retention_s: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrySection {
    /// Records (or headers) per OAI-PMH list response before a resumption token is issued.
    pub page_size: usize,
}

impl Default for RegistrySection {
    fn default() -> Self {
        RegistrySection { page_size: 100 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            base_url: String::new(),
            data_dir: PathBuf::from("astrocloud-data"),
            database_url: String::new(),
            workers: 0,
            max_body_bytes: 256 * 1024 * 1024,
            service: ServiceConfig::default(),
            tap: TapConfig::default(),
            cone: ConeConfig::default(),
            uws: UwsConfig::default(),
            registry: RegistrySection::default(),
        }
    }
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            title: "AstroCloud data centre".into(),
            short_name: "AstroCloud".into(),
            publisher: "AstroCloud".into(),
            contact_email: "astrocloud@example.invalid".into(),
            authority: "astrocloud.example.invalid".into(),
        }
    }
}

impl Default for TapConfig {
    fn default() -> Self {
        TapConfig {
            maxrec_default: 100_000,
            maxrec_hard: 50_000_000,
            sync_timeout_s: 600,
            default_votable: "votable/b2".into(),
            upload_limit_bytes: 100 * 1024 * 1024,
            upload_private_hosts: false,
        }
    }
}

impl Default for ConeConfig {
    fn default() -> Self {
        ConeConfig { max_sr: 10.0, max_records: 1_000_000 }
    }
}

impl Default for UwsConfig {
    fn default() -> Self {
        UwsConfig { workers: 4, execution_duration_s: 3600, max_execution_duration_s: 86_400, retention_s: 7 * 86_400 }
    }
}

const ENV_PREFIX: &str = "ASTROCLOUD_";

impl Config {
    /// Reads `file` (if given), applies `ASTROCLOUD_…` environment overrides, and checks the result.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let text = match file {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("reading config {}", path.display()))?
            }
            None => String::new(),
        };
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::from_parts(&text, &env).with_context(|| match file {
            Some(path) => format!("in config {}", path.display()),
            None => "in configuration".to_string(),
        })
    }

    /// Builds a configuration from TOML text and `(name, value)` environment pairs.
    pub fn from_parts(text: &str, env: &[(String, String)]) -> Result<Config> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        for (name, value) in env {
            let Some(path) = name.strip_prefix(ENV_PREFIX) else { continue };
            // Variables the binary reads itself, not config keys.
            if matches!(path, "LOG" | "CONFIG") {
                continue;
            }
            let keys: Vec<String> = path.split("__").map(|k| k.to_ascii_lowercase()).collect();
            set_path(&mut table, &keys, parse_env_value(value))
                .with_context(|| format!("environment variable {name}"))?;
        }
        let config: Config =
            toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| anyhow::anyhow!("{e}"))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<()> {
        if self.tap.maxrec_default > self.tap.maxrec_hard {
            bail!(
                "tap.maxrec_default ({}) exceeds tap.maxrec_hard ({})",
                self.tap.maxrec_default,
                self.tap.maxrec_hard
            );
        }
        if !(self.cone.max_sr > 0.0 && self.cone.max_sr <= 180.0) {
            bail!("cone.max_sr must be in (0, 180] degrees, got {}", self.cone.max_sr);
        }
        if self.uws.workers == 0 {
            bail!("uws.workers must be at least 1");
        }
        if self.registry.page_size == 0 {
            bail!("registry.page_size must be at least 1");
        }
        if !self.base_url.is_empty() && !self.base_url.starts_with("http://") && !self.base_url.starts_with("https://")
        {
            bail!("base_url must start with http:// or https://, got '{}'", self.base_url);
        }
        Ok(())
    }

    /// The metadata database URL: the configured one, or SQLite in the data dir.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}?mode=rwc", self.data_dir.join("metadata.db").display())
        } else {
            self.database_url.clone()
        }
    }
}

/// An environment value as TOML (numbers, booleans), falling back to a string.
fn parse_env_value(value: &str) -> toml::Value {
    let probe = format!("v = {value}");
    match toml::from_str::<toml::Table>(&probe) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(value.to_string())),
        Err(_) => toml::Value::String(value.to_string()),
    }
}

fn set_path(table: &mut toml::Table, keys: &[String], value: toml::Value) -> Result<()> {
    match keys {
        [] => bail!("empty key"),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => set_path(t, rest, value),
                _ => bail!("{first} is not a section"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_parts("", &[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        let env = vec![
            ("ASTROCLOUD_TAP__MAXREC_DEFAULT".to_string(), "5000".to_string()),
            ("ASTROCLOUD_BIND".to_string(), "127.0.0.1:9999".to_string()),
            ("OTHER".to_string(), "x".to_string()),
        ];
        let c = Config::from_parts("[tap]\nmaxrec_default = 10\n", &env).unwrap();
        assert_eq!(c.tap.maxrec_default, 5000);
        assert_eq!(c.bind, "127.0.0.1:9999");
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_named() {
        let err = format!("{:#}", Config::from_parts("[tap]\nmaxrec_defualt = 10\n", &[]).unwrap_err());
        assert!(err.contains("maxrec_defualt"), "{err}");
        let err = format!("{:#}", Config::from_parts("[cone]\nmax_sr = 'big'\n", &[]).unwrap_err());
        assert!(err.contains("max_sr"), "{err}");
        let env = vec![("ASTROCLOUD_TAP__NOPE".to_string(), "1".to_string())];
        let err = format!("{:#}", Config::from_parts("", &env).unwrap_err());
        assert!(err.contains("nope"), "{err}");
        let err =
            format!("{:#}", Config::from_parts("[tap]\nmaxrec_default = 10\nmaxrec_hard = 5\n", &[]).unwrap_err());
        assert!(err.contains("maxrec_hard"), "{err}");
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../../astrocloud.example.toml");
        Config::from_parts(text, &[]).unwrap();
    }
}
