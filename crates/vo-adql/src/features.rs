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
    /// The group's IVOID, lower-case as ADQL 2.1 §4.1 requires (`features-adqlgeo` has no hyphen for
    /// historical reasons).
    pub fn ivoid(self) -> &'static str {
        match self {
            FeatureGroup::Geometry => "ivo://ivoa.net/std/tapregext#features-adqlgeo",
            FeatureGroup::Udf => "ivo://ivoa.net/std/tapregext#features-udf",
            FeatureGroup::String => "ivo://ivoa.net/std/tapregext#features-adql-string",
            FeatureGroup::CommonTable => "ivo://ivoa.net/std/tapregext#features-adql-common-table",
            FeatureGroup::Sets => "ivo://ivoa.net/std/tapregext#features-adql-sets",
            FeatureGroup::Type => "ivo://ivoa.net/std/tapregext#features-adql-type",
            FeatureGroup::Conditional => "ivo://ivoa.net/std/tapregext#features-adql-conditional",
            FeatureGroup::Unit => "ivo://ivoa.net/std/tapregext#features-adql-unit",
            FeatureGroup::Offset => "ivo://ivoa.net/std/tapregext#features-adql-offset",
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
///     && f.type_ivoid == "ivo://ivoa.net/std/tapregext#features-adqlgeo"));
/// ```
pub fn features() -> Vec<LanguageFeature> {
    SUPPORTED
        .iter()
        .map(|&(group, form, description)| LanguageFeature { type_ivoid: group.ivoid(), form, description })
        .collect()
}
