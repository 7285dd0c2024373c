//! The coarse value types validation reasons with: enough to reject `SQRT('abc')` or
//! `CONTAINS(ra, dec)` with a clear message, leaving fine typing to DataFusion.

use arrow_schema::DataType;

/// The ADQL-level type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Integer,
    /// Any non-integer number.
    Float,
    String,
    Timestamp,
    Point,
    Circle,
    Polygon,
    /// Some geometry whose kind is only known at run time (e.g. an STC-S or DALI string column).
    Geometry,
    Null,
    /// Not known at validation time (e.g. arrays, binary): accepted everywhere.
    Unknown,
}

impl ValueType {
    /// The type of a catalogue column, refined by its DALI xtype.
    pub fn of_column(data_type: &DataType, xtype: Option<&str>) -> ValueType {
        match xtype.map(str::to_ascii_lowercase).as_deref() {
            Some("point") => return ValueType::Point,
            Some("circle") => return ValueType::Circle,
            Some("polygon") => return ValueType::Polygon,
            Some("adql:region" | "region" | "shape" | "moc") => return ValueType::Geometry,
            Some("timestamp") => return ValueType::Timestamp,
            _ => {}
        }
        match data_type {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => ValueType::Integer,
            DataType::Float16
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..) => ValueType::Float,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ValueType::String,
            DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => ValueType::Timestamp,
            DataType::Null => ValueType::Null,
            _ => ValueType::Unknown,
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, ValueType::Integer | ValueType::Float | ValueType::Null | ValueType::Unknown)
    }

    pub fn is_string(self) -> bool {
        matches!(self, ValueType::String | ValueType::Null | ValueType::Unknown)
    }

    pub fn is_geometry(self) -> bool {
        matches!(
            self,
            ValueType::Point
                | ValueType::Circle
                | ValueType::Polygon
                | ValueType::Geometry
                | ValueType::String
                | ValueType::Null
                | ValueType::Unknown
        )
    }

    pub fn is_point(self) -> bool {
        matches!(
            self,
            ValueType::Point | ValueType::Geometry | ValueType::String | ValueType::Null | ValueType::Unknown
        )
    }

    /// DALI xtype of a geometry result.
    pub fn xtype(self) -> Option<&'static str> {
        match self {
            ValueType::Point => Some("point"),
            ValueType::Circle => Some("circle"),
            ValueType::Polygon => Some("polygon"),
            ValueType::Timestamp => Some("timestamp"),
            _ => None,
        }
    }

    /// How the type is named in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Integer => "an integer",
            ValueType::Float => "a number",
            ValueType::String => "a string",
            ValueType::Timestamp => "a timestamp",
            ValueType::Point => "a POINT",
            ValueType::Circle => "a CIRCLE",
            ValueType::Polygon => "a POLYGON",
            ValueType::Geometry => "a geometry",
            ValueType::Null => "NULL",
            ValueType::Unknown => "a value",
        }
    }

    /// The common type of two branches (CASE, COALESCE, set operations).
    pub fn unify(self, other: ValueType) -> ValueType {
        match (self, other) {
            (a, b) if a == b => a,
            (ValueType::Null, x) | (x, ValueType::Null) => x,
            (ValueType::Integer, ValueType::Float) | (ValueType::Float, ValueType::Integer) => ValueType::Float,
            _ => ValueType::Unknown,
        }
    }
}
