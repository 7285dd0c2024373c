//! The TAP service's VOSI capabilities with TAPRegExt [TAP §2.4, TAPRegExt §2].

use vo_dali::response::FormatKind;
use vo_resource::capability::Capability;
use vo_resource::tap::{
    DataLimits, Feature, FeatureList, Language, OutputFormat, TableAccess, TimeLimits, output_format_id,
};

use crate::query::TapSettings;

/// The output formats we write, with their MIME types and RESPONSEFORMAT aliases.
pub fn output_formats(default_votable: FormatKind) -> Vec<OutputFormat> {
    let votable_alias = |kind: FormatKind| if kind == default_votable { vec!["votable"] } else { vec![] };
    let with = |kind: FormatKind, aliases: &[&str], id: Option<&str>| {
        let mut all: Vec<&str> = votable_alias(kind);
        all.extend_from_slice(aliases);
        OutputFormat::new(kind.canonical_mime(), &all, id)
    };
    vec![
        with(FormatKind::VotableBinary2, &["votable/b2", "votableb2"], Some(output_format_id::VOTABLE_BINARY2)),
        with(FormatKind::VotableBinary, &["votable/b", "votableb"], Some(output_format_id::VOTABLE_BINARY)),
        with(FormatKind::VotableTabledata, &["votable/td", "votabletd"], Some(output_format_id::VOTABLE_TABLEDATA)),
        OutputFormat::new(FormatKind::Csv.canonical_mime(), &["csv"], None),
        OutputFormat::new(FormatKind::Tsv.canonical_mime(), &["tsv"], None),
        OutputFormat::new(FormatKind::Fits.canonical_mime(), &["fits"], None),
        OutputFormat::new(FormatKind::Parquet.canonical_mime(), &["parquet"], None),
        OutputFormat::new(FormatKind::Json.canonical_mime(), &["json"], None),
    ]
}

/// ADQL with every optional feature the ADQL crate declares.
pub fn adql_language() -> Language {
    let mut language = Language::adql();
    for feature in vo_adql::features() {
        let list = match language.feature_lists.iter_mut().find(|l| l.feature_type == feature.type_ivoid) {
            Some(list) => list,
            None => {
                language.feature_lists.push(FeatureList::new(feature.type_ivoid));
                language.feature_lists.last_mut().expect("just pushed")
            }
        };
        list.features.push(Feature { form: feature.form.into(), description: Some(feature.description.into()) });
    }
    language
}

/// The capabilities document's entries for a TAP service at `base`.
pub fn capabilities(base: &str, settings: &TapSettings) -> Vec<Capability> {
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let access = TableAccess {
        data_models: Vec::new(),
        languages: vec![adql_language()],
        output_formats: output_formats(settings.default_votable),
        upload_methods: crate::upload::upload_methods(),
        retention_period: Some(TimeLimits {
            default: Some(to_i64(settings.retention)),
            hard: Some(to_i64(settings.retention)),
        }),
        execution_duration: Some(TimeLimits {
            default: Some(to_i64(settings.execution_duration)),
            hard: Some(to_i64(settings.max_execution_duration)),
        }),
        output_limit: Some(DataLimits::rows(Some(to_i64(settings.maxrec_default)), Some(to_i64(settings.maxrec_hard)))),
        upload_limit: Some(DataLimits::bytes(
            Some(to_i64(settings.upload_limits.max_bytes)),
            Some(to_i64(settings.upload_limits.max_bytes)),
        )),
    };
    vec![
        Capability::tap(base, access),
        Capability::vosi_capabilities(format!("{base}/capabilities")),
        Capability::vosi_availability(format!("{base}/availability")),
        Capability::vosi_tables(format!("{base}/tables")),
        Capability::dali_examples(format!("{base}/examples")),
    ]
}
