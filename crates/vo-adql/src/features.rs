//! The optional ADQL features this implementation supports, as TAPRegExt declares them.

/// A group of optional features: the `type` attribute of a TAPRegExt `languageFeatures` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureGroup {
    Geometry,
    Udf,
    String,
    CommonTable,
    Sets,
    Type,
    Conditional,
    Unit,
    Offset,
}

impl FeatureGroup {
    /// The group's IVOID as TAPRegExt 1.0 spells it (`features-adqlgeo` has no hyphen for
    /// historical reasons). IVOIDs compare case-insensitively, and ADQL 2.1 writes them in lower
    /// case, but the TOPCAT/STILTS releases in use (e.g. Debian 12's 3.4.7) match this spelling
    /// only: with the lower-case form TOPCAT's ADQL editor marks the geometry functions as
    /// unsupported and taplint warns of "custom feature types".
    ///
    /// The exception is `features-adql-conditional` (COALESCE), which ADQL 2.1 added after those
    /// releases: spelt as TAPRegExt spells the others, they report it as an *unknown standard*
    /// key (a taplint error), while in lower case they list it as a custom feature and newer
    /// clients, which compare IVOIDs case-insensitively as they must, see the standard one.
    pub fn ivoid(self) -> &'static str {
        use vo_resource::tap::feature_type as t;
        match self {
            FeatureGroup::Geometry => t::ADQL_GEO,
            FeatureGroup::Udf => t::UDF,
            FeatureGroup::String => t::ADQL_STRING,
            FeatureGroup::CommonTable => t::ADQL_COMMON_TABLE,
            FeatureGroup::Sets => t::ADQL_SETS,
            FeatureGroup::Type => t::ADQL_TYPE,
            FeatureGroup::Conditional => "ivo://ivoa.net/std/tapregext#features-adql-conditional",
            FeatureGroup::Unit => t::ADQL_UNIT,
            FeatureGroup::Offset => t::ADQL_OFFSET,
        }
    }
}

/// One supported optional feature: a TAPRegExt `languageFeatures/feature` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageFeature {
    /// The group's IVOID (`languageFeatures/@type`).
    pub type_ivoid: &'static str,
    /// `feature/form`: a keyword (`POINT`, `WITH`) or, for UDFs, a signature.
    pub form: &'static str,
    /// `feature/description`.
    pub description: &'static str,
}

const SUPPORTED: &[(FeatureGroup, &str, &str)] = &[
    (FeatureGroup::Geometry, "AREA", "Area of a shape in square degrees."),
    (FeatureGroup::Geometry, "BOX", "Box with great-circle sides: centre, width, height in degrees (deprecated)."),
    (FeatureGroup::Geometry, "CENTROID", "Area-weighted centroid of a shape on the sphere."),
    (FeatureGroup::Geometry, "CIRCLE", "Circle (spherical cap): centre and radius in degrees."),
    (
        FeatureGroup::Geometry,
        "CONTAINS",
        "1 if the first shape lies inside the second (boundary included), else 0; \
         HEALPix-accelerated on positional tables.",
    ),
    (FeatureGroup::Geometry, "COORD1", "First coordinate (RA) of a point, degrees."),
    (FeatureGroup::Geometry, "COORD2", "Second coordinate (Dec) of a point, degrees."),
    (FeatureGroup::Geometry, "COORDSYS", "Coordinate system of a shape (always ICRS here; deprecated)."),
    (
        FeatureGroup::Geometry,
        "DISTANCE",
        "Great-circle distance in degrees, from two points or four coordinates; \
         DISTANCE(...) < r is HEALPix-accelerated.",
    ),
    (FeatureGroup::Geometry, "INTERSECTS", "1 if the shapes overlap, else 0."),
    (FeatureGroup::Geometry, "POINT", "A position (RA, Dec) in degrees."),
    (FeatureGroup::Geometry, "POLYGON", "Polygon with great-circle edges; the interior is the smaller region."),
    (
        FeatureGroup::Udf,
        "ivo_healpix_index(hpxOrder INTEGER, ra DOUBLE PRECISION, dec DOUBLE PRECISION) -> BIGINT",
        "Nested HEALPix index of a position at the given order.",
    ),
    (
        FeatureGroup::Udf,
        "ivo_healpix_center(hpxOrder INTEGER, hpxIndex BIGINT) -> POINT",
        "Centre of a nested HEALPix cell.",
    ),
    (FeatureGroup::String, "LOWER", "Lower-case a string (Unicode)."),
    (FeatureGroup::String, "UPPER", "Upper-case a string (Unicode)."),
    (FeatureGroup::String, "ILIKE", "Case-insensitive LIKE."),
    (FeatureGroup::CommonTable, "WITH", "Common table expressions (not recursive)."),
    (FeatureGroup::Sets, "UNION", "Set union, with ALL keeping duplicates."),
    (FeatureGroup::Sets, "EXCEPT", "Set difference, with ALL keeping duplicates."),
    (FeatureGroup::Sets, "INTERSECT", "Set intersection, with ALL keeping duplicates."),
    (
        FeatureGroup::Type,
        "CAST",
        "CAST to INTEGER, SMALLINT, BIGINT, REAL, DOUBLE PRECISION, CHAR, VARCHAR, TIMESTAMP.",
    ),
    (FeatureGroup::Conditional, "COALESCE", "First non-NULL argument."),
    (FeatureGroup::Unit, "IN_UNIT", "Convert a value with a VOUnit to another, compatible VOUnit."),
    (FeatureGroup::Offset, "OFFSET", "Skip the first rows of the result (applied before TOP)."),
];

/// The supported optional features, in TAPRegExt terms, for the TAP service's capabilities.
///
/// ```
/// let features = vo_adql::features();
/// assert!(features.iter().any(|f| f.form == "CONTAINS"
///     && f.type_ivoid == "ivo://ivoa.net/std/TAPRegExt#features-adqlgeo"));
/// ```
pub fn features() -> Vec<LanguageFeature> {
    SUPPORTED
        .iter()
        .map(|&(group, form, description)| LanguageFeature { type_ivoid: group.ivoid(), form, description })
        .collect()
}
