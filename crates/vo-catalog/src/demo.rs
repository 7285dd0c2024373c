//! The demo catalogue `demo.stars`, generated deterministically.
//!
//! The generator is the one of the DaCHS anchor benchmark (`gen_catalogue.py`: SplitMix64 used as a
//! counter-based generator, seed `0x1D0A2025`, 13 draws per row), so the first `N` rows of
//! `demo.stars` are the rows of the anchor catalogue (before its CSV rounding), and benchmarks
//! against DaCHS compare the same data. `bp_rp` comes from a second stream (seed `SEED ^ 0xB9`)
//! so that the anchor's draws stay untouched.

use std::sync::Arc;

use arrow_array::{Float32Array, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::ingest::field_keys;
use crate::metadata_file::{ColumnSpec, MetadataFile};
use crate::sources::{BatchSource, GeneratedSource};

pub const SEED: u64 = 0x1D0A2025;
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
const DRAWS_PER_ROW: u64 = 13;
pub const SOURCE_ID_BASE: i64 = 5_000_000_000;
const BP_RP_SEED: u64 = SEED ^ 0xB9;

/// Draw number `k` of the SplitMix64 stream with `seed`, as a uniform deviate in [0, 1).
pub fn uniform(seed: u64, k: u64) -> f64 {
    let mut z = seed.wrapping_add((k + 1).wrapping_mul(GAMMA));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One star of the demo catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Star {
    pub source_id: i64,
    pub ra: f64,
    pub dec: f64,
    pub pmra: Option<f64>,
    pub pmdec: Option<f64>,
    pub parallax: Option<f64>,
    pub phot_g_mean_mag: f64,
    pub bp_rp: Option<f64>,
}

/// Row `i` of the demo catalogue.
pub fn star(i: u64) -> Star {
    let u = |j: u64| uniform(SEED, DRAWS_PER_ROW * i + j);
    let ra = 360.0 * u(0);
    let dec = (2.0 * u(1) - 1.0).asin().to_degrees();
    let astrometry = u(2) >= 0.05;
    let pmra = (u(3) + u(4) + u(5) + u(6) - 2.0) * 10.0;
    let pmdec = (u(7) + u(8) + u(9) + u(10) - 2.0) * 10.0;
    let parallax = 10.0 * u(11) * u(11) * u(11);
    let m = u(12);
    let phot_g_mean_mag = 21.0 - 15.0 * ((m * m) * (m * m));
    let c = uniform(BP_RP_SEED, 2 * i);
    let bp_rp = (uniform(BP_RP_SEED, 2 * i + 1) >= 0.03).then(|| -0.5 + 4.0 * c * c);
    Star {
        source_id: SOURCE_ID_BASE + i as i64,
        ra,
        dec,
        pmra: astrometry.then_some(pmra),
        pmdec: astrometry.then_some(pmdec),
        parallax: astrometry.then_some(parallax),
        phot_g_mean_mag,
        bp_rp,
    }
}

fn field(name: &str, t: DataType, ucd: &str, unit: &str, description: &str) -> Field {
    let mut md = std::collections::HashMap::new();
    md.insert(field_keys::UCD.to_string(), ucd.to_string());
    if !unit.is_empty() {
        md.insert(field_keys::UNIT.to_string(), unit.to_string());
    }
    md.insert(field_keys::DESCRIPTION.to_string(), description.to_string());
    Field::new(name, t, true).with_metadata(md)
}

/// The columns of `demo.stars` with their UCDs, units and descriptions.
pub fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        field("source_id", DataType::Int64, "meta.id;meta.main", "", "Unique source identifier"),
        field("ra", DataType::Float64, "pos.eq.ra;meta.main", "deg", "Right ascension (ICRS, epoch J2016.0)"),
        field("dec", DataType::Float64, "pos.eq.dec;meta.main", "deg", "Declination (ICRS, epoch J2016.0)"),
        field("pmra", DataType::Float64, "pos.pm;pos.eq.ra", "mas/yr", "Proper motion in RA times cos(Dec)"),
        field("pmdec", DataType::Float64, "pos.pm;pos.eq.dec", "mas/yr", "Proper motion in declination"),
        field("parallax", DataType::Float64, "pos.parallax.trig", "mas", "Trigonometric parallax"),
        field("phot_g_mean_mag", DataType::Float32, "phot.mag;em.opt", "mag", "Mean G-band magnitude"),
        field("bp_rp", DataType::Float32, "phot.color;em.opt.B;em.opt.R", "mag", "BP - RP colour"),
    ]))
}

/// The metadata file for `demo.stars` (descriptions, principal columns).
pub fn metadata() -> MetadataFile {
    let principal = |description: Option<&str>| ColumnSpec {
        principal: Some(true),
        description: description.map(str::to_string),
        ..Default::default()
    };
    let mut file = MetadataFile {
        description: Some(
            "Demo catalogue: stars uniform on the sphere with Gaia-like astrometry and photometry, generated \
             deterministically (SplitMix64, seed 0x1D0A2025) so that tests and benchmarks are reproducible."
                .into(),
        ),
        ..Default::default()
    };
    for name in ["source_id", "ra", "dec", "phot_g_mean_mag"] {
        file.columns.insert(name.into(), principal(None));
    }
    file
}

/// A source generating `rows` stars in batches of `batch_size`, never holding the whole table.
pub fn source(rows: u64, batch_size: usize) -> Box<dyn BatchSource> {
    let schema = schema();
    let batch_schema = schema.clone();
    let mut next = 0u64;
    Box::new(GeneratedSource::new("demo.stars generator", schema, move || {
        if next >= rows {
            return None;
        }
        let end = (next + batch_size as u64).min(rows);
        let stars: Vec<Star> = (next..end).map(star).collect();
        next = end;
        let batch = RecordBatch::try_new(
            batch_schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(stars.iter().map(|s| s.source_id))),
                Arc::new(Float64Array::from_iter_values(stars.iter().map(|s| s.ra))),
                Arc::new(Float64Array::from_iter_values(stars.iter().map(|s| s.dec))),
                Arc::new(Float64Array::from_iter(stars.iter().map(|s| s.pmra))),
                Arc::new(Float64Array::from_iter(stars.iter().map(|s| s.pmdec))),
                Arc::new(Float64Array::from_iter(stars.iter().map(|s| s.parallax))),
                Arc::new(Float32Array::from_iter_values(stars.iter().map(|s| s.phot_g_mean_mag as f32))),
                Arc::new(Float32Array::from_iter(stars.iter().map(|s| s.bp_rp.map(|v| v as f32)))),
            ],
        );
        Some(batch.map_err(Into::into))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first rows of the anchor catalogue as `gen_catalogue.py` writes them (%.9f / %.4f).
    #[test]
    fn matches_the_anchor_generator() {
        let s = star(0);
        assert_eq!(s.source_id, 5_000_000_000);
        let line = format!(
            "{},{:.9},{:.9},{},{},{},{:.4}",
            s.source_id,
            s.ra,
            s.dec,
            s.pmra.map(|v| format!("{v:.4}")).unwrap_or_default(),
            s.pmdec.map(|v| format!("{v:.4}")).unwrap_or_default(),
            s.parallax.map(|v| format!("{v:.4}")).unwrap_or_default(),
            s.phot_g_mean_mag
        );
        assert_eq!(line, ANCHOR_ROW_0);
    }

    /// Computed with `gen_catalogue.py --rows 1` from the DaCHS anchor kit.
    const ANCHOR_ROW_0: &str = include_str!("../tests/fixtures/anchor_row0.txt");

    #[test]
    fn statistics_look_like_the_spec() {
        let n = 20_000;
        let stars: Vec<Star> = (0..n).map(star).collect();
        let nulls = stars.iter().filter(|s| s.parallax.is_none()).count() as f64 / n as f64;
        assert!((0.04..0.06).contains(&nulls), "{nulls}");
        let bright = stars.iter().filter(|s| s.phot_g_mean_mag < 15.0).count() as f64 / n as f64;
        assert!((0.19..0.22).contains(&bright), "{bright}");
        assert!(stars.iter().all(|s| (0.0..360.0).contains(&s.ra) && (-90.0..=90.0).contains(&s.dec)));
        assert!(stars.iter().any(|s| s.bp_rp.is_none()));
    }
}
