//! Sample documents shared by the `write_documents` example and the round-trip tests: every
//! capability type, every resource type, availability and tables.

#![allow(dead_code)] // each user takes what it needs

use vo_resource::resource::{Resource, ResourceType, Rights};
use vo_resource::tap::{
    DataLimits, DataModel, FeatureList, Language, OutputFormat, TimeLimits, feature_type, upload_method,
};
use vo_resource::{
    AccessUse, Availability, Capability, CapabilityExtension, Column, ConeQuery, ConeSearch, Contact, Content,
    Coverage, Curation, DataType, Footprint, ForeignKey, ForeignKeyColumn, InputParam, Interface, InterfaceKind,
    ParamHttp, QueryType, ResourceName, Schema, SimpleImageAccess, SimpleSpectralAccess, SkyPair, SpatialCoverage,
    Table, TableAccess, TableSet, tableset::flag,
};

/// Capabilities of a TAP service with every TAPRegExt element, plus Cone Search, SSA and SIA.
pub fn example_capabilities() -> Vec<Capability> {
    let base = "https://example.org/tap";
    let mut adql = Language::adql();
    adql.feature_lists = vec![
        FeatureList::new(feature_type::ADQL_GEO).with("POINT", None).with("CIRCLE", None).with("CONTAINS", None),
        FeatureList::new(feature_type::UDF)
            .with("ivo_hasword(haystack TEXT, needle TEXT) -> INTEGER", Some("1 if needle is a word of haystack")),
    ];
    let tap = TableAccess {
        data_models: vec![DataModel::obscore_1_1()],
        languages: vec![adql],
        output_formats: vec![OutputFormat::votable_binary2(), OutputFormat::votable_tabledata(), OutputFormat::csv()],
        upload_methods: vec![upload_method::INLINE.into(), upload_method::HTTP.into(), upload_method::HTTPS.into()],
        retention_period: Some(TimeLimits { default: Some(172_800), hard: Some(604_800) }),
        execution_duration: Some(TimeLimits { default: Some(3_600), hard: None }),
        output_limit: Some(DataLimits::rows(Some(20_000), Some(10_000_000))),
        upload_limit: Some(DataLimits::bytes(None, Some(100_000_000))),
    };
    let cone = ConeSearch {
        max_sr: Some(10.0),
        max_records: Some(50_000),
        verbosity: true,
        test_query: Some(ConeQuery { ra: 10.5, dec: -20.25, sr: 0.1, ..Default::default() }),
    };
    let ssa = SimpleSpectralAccess {
        compliance_level: "minimal".into(),
        data_sources: vec!["survey".into()],
        creation_types: vec!["archival".into()],
        supported_frames: vec!["ICRS".into()],
        max_search_radius: Some(90.0),
        max_records: Some(10_000),
        ..Default::default()
    };
    let sia1 = SimpleImageAccess {
        image_service_type: "Pointed".into(),
        max_query_region_size: Some(SkyPair { long: 360.0, lat: 180.0 }),
        max_records: Some(10_000),
        ..Default::default()
    };
    let mut form = Interface::param_http("https://example.org/scs/form", AccessUse::Full);
    form.kind = InterfaceKind::ParamHttp(ParamHttp {
        query_types: vec![QueryType::Get],
        result_type: Some("application/x-votable+xml".into()),
        params: vec![InputParam::new("RA", "Right ascension (ICRS)", DataType::simple("real")).required()],
        test_query: Some("RA=10&DEC=10&SR=1".into()),
    });
    vec![
        Capability::vosi_capabilities(format!("{base}/capabilities")),
        Capability::vosi_availability(format!("{base}/availability")),
        Capability::vosi_tables(format!("{base}/tables")),
        Capability::dali_examples(format!("{base}/examples")),
        Capability::tap(base, tap),
        Capability::cone_search("https://example.org/scs?", cone).with_interface(form),
        Capability::ssa("https://example.org/ssa?", ssa),
        Capability::sia2("https://example.org/sia2/query"),
        Capability {
            extension: CapabilityExtension::SimpleImageAccess(sia1),
            ..Capability::new(vo_resource::standard_id::SIA).with_interface(Interface::standard(
                "https://example.org/sia1?",
                AccessUse::Base,
                Some("1.0"),
            ))
        },
    ]
}

pub fn example_availability() -> Availability {
    Availability {
        available: true,
        up_since: Some("2026-01-31T12:00:00Z".into()),
        down_at: Some("2026-02-10T06:00:00Z".into()),
        back_at: Some("2026-02-10T08:00:00Z".into()),
        note: vec!["Maintenance on 10 February.".into()],
    }
}

pub fn example_tableset() -> TableSet {
    let obscore = Table {
        description: Some("Observations in the ObsCore 1.1 model".into()),
        nrows: Some(1_000_000),
        columns: vec![
            Column {
                description: Some("Publisher dataset identifier".into()),
                ucd: Some("meta.ref.ivoid".into()),
                utype: Some("obscore:Curation.PublisherDID".into()),
                std: Some(true),
                ..Column::new("obs_publisher_did", DataType::votable("char").with_arraysize("*"))
                    .with_flag(flag::PRIMARY)
                    .with_flag(flag::INDEXED)
            },
            Column {
                unit: Some("deg".into()),
                ucd: Some("pos.eq.ra".into()),
                ..Column::new("s_ra", DataType::votable("double")).with_flag(flag::NULLABLE)
            },
            Column::new("t_min", DataType::votable("double")),
            Column::new("s_region", DataType::votable("double").with_arraysize("*").with_xtype("polygon")),
        ],
        ..Table::new("ivoa.obscore")
    };
    let plates = Table {
        foreign_keys: vec![ForeignKey {
            target_table: "ivoa.obscore".into(),
            columns: vec![ForeignKeyColumn { from_column: "did".into(), target_column: "obs_publisher_did".into() }],
            description: Some("The observation a plate belongs to".into()),
            utype: None,
        }],
        columns: vec![Column::new("did", DataType::votable("char").with_arraysize("*"))],
        ..Table::new("ivoa.plates")
    };
    TableSet {
        schemas: vec![Schema {
            description: Some("IVOA-defined tables".into()),
            tables: vec![obscore, plates],
            ..Schema::new("ivoa")
        }],
    }
}

pub fn base_record(resource_type: ResourceType, identifier: &str) -> Resource {
    Resource {
        resource_type,
        created: "2026-01-01T00:00:00Z".into(),
        updated: "2026-02-01T12:30:00Z".into(),
        title: format!("Example {}", resource_type.xsi_type()),
        identifier: identifier.into(),
        curation: Curation::new(
            ResourceName::new("Example Data Centre").with_ivo_id("ivo://example.org/org"),
            Contact::new("Help desk", Some("help@example.org")),
        ),
        content: Content::new(&["astrometry"], "An example record.", "https://example.org/"),
        ..Default::default()
    }
}

/// One record of each type with every type-specific field set, as the registry publishes them.
pub fn records_of_every_type() -> Vec<Resource> {
    let coverage = Coverage {
        spatial: Some(SpatialCoverage { moc: "0/1-3 1/40".into(), frame: None }),
        temporal: vec![(47847.5, 51370.25)],
        spectral: vec![(2.72e-19, 4.14e-19)],
        footprint: Some(Footprint {
            url: "https://example.org/moc".into(),
            ivo_id: Some("ivo://ivoa.net/std/moc".into()),
        }),
        wavebands: vec!["Optical".into()],
        region_of_regard: Some(0.5),
        ..Default::default()
    };
    let rights =
        vec![Rights { text: "CC-BY 4.0".into(), rights_uri: Some("https://spdx.org/licenses/CC-BY-4.0.html".into()) }];
    vec![
        base_record(ResourceType::Resource, "ivo://example.org/generic"),
        Resource {
            facilities: vec![ResourceName::new("Example Telescope")],
            instruments: vec![ResourceName::new("Example Camera")],
            ..base_record(ResourceType::Organisation, "ivo://example.org/org")
        },
        Resource {
            rights: rights.clone(),
            capabilities: vec![Capability::vosi_capabilities("https://example.org/svc/capabilities")],
            ..base_record(ResourceType::Service, "ivo://example.org/svc")
        },
        Resource {
            coverage: Some(coverage.clone()),
            capabilities: vec![Capability::sia2("https://example.org/sia2/query")],
            ..base_record(ResourceType::DataService, "ivo://example.org/sia2")
        },
        Resource {
            coverage: Some(coverage.clone()),
            tableset: Some(vo_resource::TableSet {
                schemas: vec![vo_resource::Schema {
                    tables: vec![vo_resource::Table::new("hip.main")],
                    ..vo_resource::Schema::new("hip")
                }],
            }),
            ..base_record(ResourceType::CatalogService, "ivo://example.org/hip/scs")
        },
        Resource {
            rights,
            formats: vec![vo_resource::Format { value: "application/fits".into(), is_mime_type: Some(true) }],
            coverage: Some(coverage),
            access_url: Some(vo_resource::AccessUrl {
                url: "https://example.org/data/".into(),
                use_: Some(vo_resource::AccessUse::Dir),
            }),
            ..base_record(ResourceType::DataCollection, "ivo://example.org/collection")
        },
        Resource {
            capabilities: vec![Capability::oai_harvest("https://example.org/oai", 100)],
            managed_authorities: vec!["example.org".into()],
            ..base_record(ResourceType::Registry, "ivo://example.org/registry")
        },
        Resource {
            managing_org: Some(ResourceName::new("Example Data Centre").with_ivo_id("ivo://example.org/org")),
            ..base_record(ResourceType::Authority, "ivo://example.org")
        },
    ]
}
