//! Writes the registry's answer to every verb, and to a request for every error code, into a
//! directory, for `conformance/registry/validate_xsd.py`.
//!
//! ```text
//! cargo run -p vo-registry --example oai_responses -- /tmp/oai-responses
//! ```

mod sample;

use std::path::PathBuf;

use vo_dali::Params;

const REQUESTS: [(&str, &str); 16] = [
    ("identify", "verb=Identify"),
    ("list-metadata-formats", "verb=ListMetadataFormats"),
    ("list-metadata-formats-item", "verb=ListMetadataFormats&identifier=ivo://example.org/cat0000/scs"),
    ("list-sets", "verb=ListSets"),
    ("get-record-ivo-vor", "verb=GetRecord&identifier=ivo://example.org/cat0001/scs&metadataPrefix=ivo_vor"),
    ("get-record-oai-dc", "verb=GetRecord&identifier=ivo://example.org/cat0001/scs&metadataPrefix=oai_dc"),
    ("get-record-deleted", "verb=GetRecord&identifier=ivo://example.org/cat0004/scs&metadataPrefix=ivo_vor"),
    ("list-identifiers", "verb=ListIdentifiers&metadataPrefix=ivo_vor&set=ivo_managed"),
    ("list-records", "verb=ListRecords&metadataPrefix=ivo_vor&from=2000-01-01"),
    ("error-bad-argument", "verb=ListRecords"),
    ("error-bad-resumption-token", "verb=ListRecords&resumptionToken=nonsense"),
    ("error-bad-verb", "verb=Harvest"),
    ("error-cannot-disseminate-format", "verb=ListRecords&metadataPrefix=marc21"),
    ("error-id-does-not-exist", "verb=GetRecord&identifier=ivo://example.org/none&metadataPrefix=oai_dc"),
    ("error-no-records-match", "verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01"),
    ("error-no-metadata-formats", "verb=ListMetadataFormats&identifier=ivo://example.org/cat0004/scs"),
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "oai-responses".into()));
    std::fs::create_dir_all(&directory)?;
    let (registry, source) = sample::registry("https://example.org", 5, 3).await;
    registry.sync().await?;
    // Withdraw one service so that a deleted record exists.
    source.replace(sample::records("https://example.org", 4));
    for (name, query) in REQUESTS {
        let xml = registry.respond(&Params::from_query(query)).await?;
        std::fs::write(directory.join(format!("{name}.xml")), xml)?;
    }
    // noSetHierarchy comes only from a repository without sets.
    let mut config =
        vo_registry::RegistryConfig::new("https://example.org/oai", "ivo://example.org/registry", "ops@example.org");
    config.sets = false;
    let plain = vo_registry::Registry::new(
        config,
        std::sync::Arc::new(sample::records("https://example.org", 1)),
        sqlx::any::AnyPoolOptions::new().max_connections(1).connect("sqlite::memory:").await?,
    )
    .await?;
    let xml = plain.respond(&Params::from_query("verb=ListSets")).await?;
    std::fs::write(directory.join("error-no-set-hierarchy.xml"), xml)?;
    println!("{} responses written to {}", REQUESTS.len() + 1, directory.display());
    Ok(())
}
