//! Result column names and VOTable metadata.

use std::sync::Arc;

use vo_adql::{AdqlEngine, META_UCD, META_UNIT, META_XTYPE};

use super::support;

async fn fields(query: &str) -> Vec<(String, std::collections::HashMap<String, String>)> {
    let catalog = support::catalog();
    let ctx = support::empty_session(&catalog);
    let plan = AdqlEngine::new(Arc::new(catalog)).plan(&ctx, query).await.unwrap_or_else(|e| panic!("{query}: {e}"));
    plan.schema().fields().iter().map(|f| (f.name().clone(), f.metadata().clone())).collect()
}

#[tokio::test]
async fn star_expands_to_declared_columns_only() {
    let names: Vec<String> = fields("SELECT * FROM demo.stars").await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["source_id", "ra", "dec", "phot_g_mean_mag", "parallax", "Name"]);
}

#[tokio::test]
async fn plain_columns_carry_their_metadata() {
    let f = fields("SELECT RA, dec AS Declination FROM demo.stars").await;
    assert_eq!(f[0].0, "ra", "case-insensitive reference gets the catalogue's spelling");
    assert_eq!(f[0].1.get(META_UNIT).map(String::as_str), Some("deg"));
    assert_eq!(f[0].1.get(META_UCD).map(String::as_str), Some("pos.eq.ra;meta.main"));
    assert_eq!(f[1].0, "Declination");
}

#[tokio::test]
async fn generated_names_are_unique_and_readable() {
    let names: Vec<String> =
        fields("SELECT COUNT(*), AVG(parallax), COUNT(ra) FROM demo.stars").await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["count", "avg", "count2"]);
    let names: Vec<String> =
        fields("SELECT ra + 1, ra * 2, ra FROM demo.stars").await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["expr", "expr2", "ra"]);
    let names: Vec<String> =
        fields("SELECT 1 + 2, MAX(ra) FROM demo.stars").await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["expr", "max"]);
}

#[tokio::test]
async fn geometry_results_have_xtypes() {
    let f = fields(
        "SELECT POINT(ra, dec), CIRCLE(ra, dec, 1), POLYGON(1, 1, 2, 1, 2, 2), DISTANCE(ra, dec, 0, 0) FROM demo.stars",
    )
    .await;
    let xtypes: Vec<Option<&str>> = f.iter().map(|(_, m)| m.get(META_XTYPE).map(String::as_str)).collect();
    assert_eq!(xtypes, [Some("point"), Some("circle"), Some("polygon"), None]);
}

#[tokio::test]
async fn in_unit_converts_and_relabels() {
    let f = fields("SELECT IN_UNIT(parallax, 'arcsec') FROM demo.stars").await;
    assert_eq!(f[0].1.get(META_UNIT).map(String::as_str), Some("arcsec"));
}
