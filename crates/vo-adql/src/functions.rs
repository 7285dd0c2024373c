//! The functions ADQL queries may call, with their arities and the optional feature they belong to.

use crate::features::FeatureGroup;

/// What a function is, for validation and translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionClass {
    Aggregate,
    Math,
    Trigonometric,
    String,
    Conditional,
    Unit,
    Geometry,
    /// A user-defined function declared in TAPRegExt as `features-udf`.
    Udf,
}

/// One callable function.
#[derive(Debug, Clone, Copy)]
pub struct FunctionSpec {
    /// Upper-case ADQL name.
    pub name: &'static str,
    pub class: FunctionClass,
    pub min_args: usize,
    /// `None`: unbounded.
    pub max_args: Option<usize>,
    /// The optional feature group this function belongs to, if any.
    pub feature: Option<FeatureGroup>,
}

const fn spec(
    name: &'static str,
    class: FunctionClass,
    min_args: usize,
    max_args: Option<usize>,
    feature: Option<FeatureGroup>,
) -> FunctionSpec {
    FunctionSpec { name, class, min_args, max_args, feature }
}

use FunctionClass::*;

const GEO: Option<FeatureGroup> = Some(FeatureGroup::Geometry);

/// Every function this implementation accepts.
pub const FUNCTIONS: &[FunctionSpec] = &[
    spec("AVG", Aggregate, 1, Some(1), None),
    spec("COUNT", Aggregate, 1, Some(1), None),
    spec("MAX", Aggregate, 1, Some(1), None),
    spec("MIN", Aggregate, 1, Some(1), None),
    spec("SUM", Aggregate, 1, Some(1), None),
    spec("ABS", Math, 1, Some(1), None),
    spec("CEILING", Math, 1, Some(1), None),
    spec("DEGREES", Math, 1, Some(1), None),
    spec("EXP", Math, 1, Some(1), None),
    spec("FLOOR", Math, 1, Some(1), None),
    spec("LOG", Math, 1, Some(1), None),
    spec("LOG10", Math, 1, Some(1), None),
    spec("MOD", Math, 2, Some(2), None),
    spec("PI", Math, 0, Some(0), None),
    spec("POWER", Math, 2, Some(2), None),
    spec("RADIANS", Math, 1, Some(1), None),
    spec("SQRT", Math, 1, Some(1), None),
    spec("RAND", Math, 0, Some(1), None),
    spec("ROUND", Math, 1, Some(2), None),
    spec("TRUNCATE", Math, 1, Some(2), None),
    spec("ACOS", Trigonometric, 1, Some(1), None),
    spec("ASIN", Trigonometric, 1, Some(1), None),
    spec("ATAN", Trigonometric, 1, Some(1), None),
    spec("ATAN2", Trigonometric, 2, Some(2), None),
    spec("COS", Trigonometric, 1, Some(1), None),
    spec("COT", Trigonometric, 1, Some(1), None),
    spec("SIN", Trigonometric, 1, Some(1), None),
    spec("TAN", Trigonometric, 1, Some(1), None),
    spec("LOWER", String, 1, Some(1), Some(FeatureGroup::String)),
    spec("UPPER", String, 1, Some(1), Some(FeatureGroup::String)),
    spec("COALESCE", Conditional, 1, None, Some(FeatureGroup::Conditional)),
    spec("IN_UNIT", Unit, 2, Some(2), Some(FeatureGroup::Unit)),
    spec("AREA", Geometry, 1, Some(1), GEO),
    spec("BOX", Geometry, 3, Some(5), GEO),
    spec("CENTROID", Geometry, 1, Some(1), GEO),
    spec("CIRCLE", Geometry, 2, Some(4), GEO),
    spec("CONTAINS", Geometry, 2, Some(2), GEO),
    spec("COORD1", Geometry, 1, Some(1), GEO),
    spec("COORD2", Geometry, 1, Some(1), GEO),
    spec("COORDSYS", Geometry, 1, Some(1), GEO),
    spec("DISTANCE", Geometry, 2, Some(4), GEO),
    spec("INTERSECTS", Geometry, 2, Some(2), GEO),
    spec("POINT", Geometry, 2, Some(3), GEO),
    spec("POLYGON", Geometry, 3, None, GEO),
    spec("IVO_HEALPIX_INDEX", Udf, 3, Some(3), Some(FeatureGroup::Udf)),
    spec("IVO_HEALPIX_CENTER", Udf, 2, Some(2), Some(FeatureGroup::Udf)),
];

/// The function called `name` (any case), if ADQL has it.
pub fn lookup(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Closest known function name, for "did you mean" help.
pub fn suggest(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    FUNCTIONS
        .iter()
        .map(|f| (strsim::damerau_levenshtein(&upper, f.name), f.name))
        .filter(|(distance, _)| *distance <= if upper.len() <= 4 { 1 } else { 2 })
        .min()
        .map(|(_, candidate)| candidate)
}
