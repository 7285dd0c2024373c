//! TAPRegExt 1.0: the `tr:TableAccess` capability of a TAP service [TAPRegExt §2] — its data
//! models, query languages with their optional features, output formats, upload methods and
//! limits. Every part has a public-field struct with `Default` and constructors for the common
//! values, so a TAP service can build its capability in a few lines:
//!
//! ```
//! use vo_resource::tap::*;
//! use vo_resource::{Capability, write_capabilities};
//!
//! let mut adql = Language::adql();
//! adql.feature_lists.push(
//!     FeatureList::new(feature_type::ADQL_GEO).with("CIRCLE", None).with("CONTAINS", None),
//! );
//! let access = TableAccess {
//!     data_models: vec![DataModel::obscore_1_1()],
//!     languages: vec![adql],
//!     output_formats: vec![OutputFormat::votable_binary2(), OutputFormat::csv()],
//!     upload_methods: vec![upload_method::INLINE.into(), upload_method::HTTP.into()],
//!     output_limit: Some(DataLimits::rows(Some(10_000), Some(10_000_000))),
//!     ..Default::default()
//! };
//! let xml = write_capabilities(&[Capability::tap("https://example.org/tap", access)]);
//! assert!(xml.contains(r#"<capability xsi:type="tr:TableAccess" standardID="ivo://ivoa.net/std/TAP">"#));
//! ```

use crate::error::ResourceError;
use crate::xml::{Element, XmlWriter};

/// `languageFeatures/@type` values [ADQL §4; TAPRegExt §2.4].
pub mod feature_type {
    pub const ADQL_GEO: &str = "ivo://ivoa.net/std/TAPRegExt#features-adqlgeo";
    pub const UDF: &str = "ivo://ivoa.net/std/TAPRegExt#features-udf";
    pub const ADQL_STRING: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-string";
    pub const ADQL_COMMON_TABLE: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-common-table";
    pub const ADQL_SETS: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-sets";
    pub const ADQL_TYPE: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-type";
    pub const ADQL_CONDITIONAL: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-conditional";
    pub const ADQL_UNIT: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-unit";
    pub const ADQL_OFFSET: &str = "ivo://ivoa.net/std/TAPRegExt#features-adql-offset";
}

/// `uploadMethod/@ivo-id` values [TAPRegExt §2.6].
pub mod upload_method {
    pub const INLINE: &str = "ivo://ivoa.net/std/TAPRegExt#upload-inline";
    pub const HTTP: &str = "ivo://ivoa.net/std/TAPRegExt#upload-http";
    pub const HTTPS: &str = "ivo://ivoa.net/std/TAPRegExt#upload-https";
    pub const FTP: &str = "ivo://ivoa.net/std/TAPRegExt#upload-ftp";
}

/// `outputFormat/@ivo-id` values [TAPRegExt §2.5].
pub mod output_format_id {
    pub const VOTABLE_TABLEDATA: &str = "ivo://ivoa.net/std/TAPRegExt#output-votable-td";
    pub const VOTABLE_BINARY: &str = "ivo://ivoa.net/std/TAPRegExt#output-votable-binary";
    pub const VOTABLE_BINARY2: &str = "ivo://ivoa.net/std/TAPRegExt#output-votable-binary2";
}

/// A data model the service supports (`dataModel`), e.g. ObsCore.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataModel {
    pub ivo_id: String,
    pub name: String,
}

impl DataModel {
    pub fn new(ivo_id: impl Into<String>, name: impl Into<String>) -> Self {
        DataModel { ivo_id: ivo_id.into(), name: name.into() }
    }

    /// ObsCore 1.1 (`ivoa.ObsCore` table).
    pub fn obscore_1_1() -> Self {
        Self::new("ivo://ivoa.net/std/ObsCore#core-1.1", "ObsCore-1.1")
    }
}

/// A version of a query language, with its IVOID (`ivo://ivoa.net/std/ADQL#v2.1`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LanguageVersion {
    pub version: String,
    pub ivo_id: Option<String>,
}

/// One optional feature: its form (e.g. `CIRCLE`, or a UDF signature) and a description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Feature {
    pub form: String,
    pub description: Option<String>,
}

/// The features of one type (`languageFeatures type="..."`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureList {
    pub feature_type: String,
    pub features: Vec<Feature>,
}

impl FeatureList {
    pub fn new(feature_type: impl Into<String>) -> Self {
        FeatureList { feature_type: feature_type.into(), features: Vec::new() }
    }

    /// Adds a feature.
    pub fn with(mut self, form: impl Into<String>, description: Option<&str>) -> Self {
        self.features.push(Feature { form: form.into(), description: description.map(str::to_string) });
        self
    }
}

/// A query language (`language`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Language {
    pub name: String,
    pub versions: Vec<LanguageVersion>,
    pub description: Option<String>,
    pub feature_lists: Vec<FeatureList>,
}

impl Language {
    /// ADQL in versions 2.0 and 2.1, without optional features (add them to `feature_lists`).
    pub fn adql() -> Self {
        Language {
            name: "ADQL".into(),
            versions: vec![
                LanguageVersion { version: "2.0".into(), ivo_id: Some("ivo://ivoa.net/std/ADQL#v2.0".into()) },
                LanguageVersion { version: "2.1".into(), ivo_id: Some("ivo://ivoa.net/std/ADQL#v2.1".into()) },
            ],
            description: Some("The Astronomical Data Query Language".into()),
            feature_lists: Vec::new(),
        }
    }
}

/// An output format (`outputFormat`): MIME type, short aliases for RESPONSEFORMAT, IVOID.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutputFormat {
    pub mime: String,
    pub aliases: Vec<String>,
    pub ivo_id: Option<String>,
}

impl OutputFormat {
    pub fn new(mime: impl Into<String>, aliases: &[&str], ivo_id: Option<&str>) -> Self {
        OutputFormat {
            mime: mime.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ivo_id: ivo_id.map(str::to_string),
        }
    }

    pub fn votable_binary2() -> Self {
        Self::new(
            "application/x-votable+xml;serialization=BINARY2",
            &["votable/b2"],
            Some(output_format_id::VOTABLE_BINARY2),
        )
    }

    pub fn votable_binary() -> Self {
        Self::new("application/x-votable+xml", &["votable"], Some(output_format_id::VOTABLE_BINARY))
    }

    pub fn votable_tabledata() -> Self {
        Self::new(
            "application/x-votable+xml;serialization=TABLEDATA",
            &["votable/td"],
            Some(output_format_id::VOTABLE_TABLEDATA),
        )
    }

    pub fn csv() -> Self {
        Self::new("text/csv;header=present", &["csv"], None)
    }

    pub fn tsv() -> Self {
        Self::new("text/tab-separated-values", &["tsv"], None)
    }

    pub fn fits() -> Self {
        Self::new("application/fits", &["fits"], None)
    }

    pub fn parquet() -> Self {
        Self::new("application/vnd.apache.parquet", &["parquet"], None)
    }
}

/// Limits in seconds (`retentionPeriod`, `executionDuration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeLimits {
    pub default: Option<i64>,
    pub hard: Option<i64>,
}

/// Unit of a data limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimitUnit {
    #[default]
    Row,
    Byte,
}

impl LimitUnit {
    fn as_str(self) -> &'static str {
        match self {
            LimitUnit::Row => "row",
            LimitUnit::Byte => "byte",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataLimit {
    pub value: i64,
    pub unit: LimitUnit,
}

/// Limits in rows or bytes (`outputLimit`, `uploadLimit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataLimits {
    pub default: Option<DataLimit>,
    pub hard: Option<DataLimit>,
}

impl DataLimits {
    pub fn rows(default: Option<i64>, hard: Option<i64>) -> Self {
        let limit = |value| DataLimit { value, unit: LimitUnit::Row };
        DataLimits { default: default.map(limit), hard: hard.map(limit) }
    }

    pub fn bytes(default: Option<i64>, hard: Option<i64>) -> Self {
        let limit = |value| DataLimit { value, unit: LimitUnit::Byte };
        DataLimits { default: default.map(limit), hard: hard.map(limit) }
    }
}

/// The `tr:TableAccess` capability content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableAccess {
    pub data_models: Vec<DataModel>,
    /// At least one (ADQL) in a valid record.
    pub languages: Vec<Language>,
    /// At least one (VOTable) in a valid record.
    pub output_formats: Vec<OutputFormat>,
    /// IVOIDs from [`upload_method`].
    pub upload_methods: Vec<String>,
    pub retention_period: Option<TimeLimits>,
    pub execution_duration: Option<TimeLimits>,
    pub output_limit: Option<DataLimits>,
    pub upload_limit: Option<DataLimits>,
}

impl TableAccess {
    pub(crate) fn write(&self, w: &mut XmlWriter) {
        for model in &self.data_models {
            w.leaf("dataModel", &[("ivo-id", Some(&model.ivo_id))], &model.name);
        }
        for language in &self.languages {
            w.start("language", &[]);
            w.text("name", &language.name);
            for version in &language.versions {
                w.leaf("version", &[("ivo-id", version.ivo_id.as_deref())], &version.version);
            }
            w.optional("description", language.description.as_deref());
            for list in &language.feature_lists {
                w.start("languageFeatures", &[("type", Some(&list.feature_type))]);
                for feature in &list.features {
                    w.start("feature", &[]);
                    w.text("form", &feature.form);
                    w.optional("description", feature.description.as_deref());
                    w.end();
                }
                w.end();
            }
            w.end();
        }
        for format in &self.output_formats {
            w.start("outputFormat", &[("ivo-id", format.ivo_id.as_deref())]);
            w.text("mime", &format.mime);
            w.each("alias", &format.aliases);
            w.end();
        }
        for method in &self.upload_methods {
            w.empty("uploadMethod", &[("ivo-id", Some(method))]);
        }
        write_time_limits(w, "retentionPeriod", self.retention_period);
        write_time_limits(w, "executionDuration", self.execution_duration);
        write_data_limits(w, "outputLimit", self.output_limit);
        write_data_limits(w, "uploadLimit", self.upload_limit);
    }

    pub(crate) fn read(e: &Element) -> Result<Self, ResourceError> {
        let data_models = e
            .children_named("dataModel")
            .map(|m| Ok(DataModel { ivo_id: m.required_attr("ivo-id")?, name: m.trimmed_text().to_string() }))
            .collect::<Result<_, ResourceError>>()?;
        let languages = e.children_named("language").map(read_language).collect::<Result<_, _>>()?;
        let output_formats = e
            .children_named("outputFormat")
            .map(|f| {
                Ok(OutputFormat {
                    mime: f.required_text("mime")?,
                    aliases: f.texts("alias"),
                    ivo_id: f.optional_attr("ivo-id"),
                })
            })
            .collect::<Result<_, ResourceError>>()?;
        let upload_methods =
            e.children_named("uploadMethod").map(|m| m.required_attr("ivo-id")).collect::<Result<_, _>>()?;
        Ok(TableAccess {
            data_models,
            languages,
            output_formats,
            upload_methods,
            retention_period: e.child("retentionPeriod").map(read_time_limits).transpose()?,
            execution_duration: e.child("executionDuration").map(read_time_limits).transpose()?,
            output_limit: e.child("outputLimit").map(read_data_limits).transpose()?,
            upload_limit: e.child("uploadLimit").map(read_data_limits).transpose()?,
        })
    }
}

fn read_language(e: &Element) -> Result<Language, ResourceError> {
    let feature_lists = e
        .children_named("languageFeatures")
        .map(|list| {
            let features = list
                .children_named("feature")
                .map(|f| Ok(Feature { form: f.required_text("form")?, description: f.optional_text("description") }))
                .collect::<Result<_, ResourceError>>()?;
            Ok(FeatureList { feature_type: list.required_attr("type")?, features })
        })
        .collect::<Result<_, ResourceError>>()?;
    Ok(Language {
        name: e.required_text("name")?,
        versions: e
            .children_named("version")
            .map(|v| LanguageVersion { version: v.trimmed_text().to_string(), ivo_id: v.optional_attr("ivo-id") })
            .collect(),
        description: e.optional_text("description"),
        feature_lists,
    })
}

fn write_time_limits(w: &mut XmlWriter, name: &str, limits: Option<TimeLimits>) {
    if let Some(limits) = limits {
        w.start(name, &[]);
        w.optional_value("default", limits.default);
        w.optional_value("hard", limits.hard);
        w.end();
    }
}

fn read_time_limits(e: &Element) -> Result<TimeLimits, ResourceError> {
    Ok(TimeLimits {
        default: e.optional_value("default", "an integer number of seconds")?,
        hard: e.optional_value("hard", "an integer number of seconds")?,
    })
}

fn write_data_limits(w: &mut XmlWriter, name: &str, limits: Option<DataLimits>) {
    if let Some(limits) = limits {
        w.start(name, &[]);
        for (tag, limit) in [("default", limits.default), ("hard", limits.hard)] {
            if let Some(limit) = limit {
                w.leaf(tag, &[("unit", Some(limit.unit.as_str()))], &limit.value.to_string());
            }
        }
        w.end();
    }
}

fn read_data_limits(e: &Element) -> Result<DataLimits, ResourceError> {
    let read = |tag: &str| -> Result<Option<DataLimit>, ResourceError> {
        let Some(limit) = e.child(tag) else { return Ok(None) };
        let unit = match limit.required_attr("unit")?.as_str() {
            "row" => LimitUnit::Row,
            "byte" => LimitUnit::Byte,
            other => return Err(limit.invalid(other, "unit row or byte")),
        };
        Ok(Some(DataLimit { value: limit.value("an integer limit")?, unit }))
    };
    Ok(DataLimits { default: read("default")?, hard: read("hard")? })
}
