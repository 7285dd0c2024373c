//! The VOTable primitive datatypes [VOT §2.1].

use std::fmt;
use std::str::FromStr;

/// A VOTable primitive datatype, the value of the `datatype` attribute of FIELD and PARAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Datatype {
    /// `boolean`: one byte `T`/`F` (null `?`, space or NUL).
    Boolean,
    /// `bit`: packed bits, most significant first.
    Bit,
    /// `unsignedByte`: 0..=255.
    UnsignedByte,
    /// `short`: 16-bit two's complement.
    Short,
    /// `int`: 32-bit two's complement.
    Int,
    /// `long`: 64-bit two's complement.
    Long,
    /// `char`: 7-bit ASCII character; strings are arrays of char.
    #[default]
    Char,
    /// `unicodeChar`: UTF-16 (UCS-2 before VOTable 1.5) code unit.
    UnicodeChar,
    /// `float`: IEEE-754 single precision.
    Float,
    /// `double`: IEEE-754 double precision.
    Double,
    /// `floatComplex`: two floats (real, imaginary).
    FloatComplex,
    /// `doubleComplex`: two doubles (real, imaginary).
    DoubleComplex,
}

impl Datatype {
    /// Every datatype, in the order of the standard's table.
    pub const ALL: [Datatype; 12] = [
        Datatype::Boolean,
        Datatype::Bit,
        Datatype::UnsignedByte,
        Datatype::Short,
        Datatype::Int,
        Datatype::Long,
        Datatype::Char,
        Datatype::UnicodeChar,
        Datatype::Float,
        Datatype::Double,
        Datatype::FloatComplex,
        Datatype::DoubleComplex,
    ];

    /// The attribute value, e.g. `"unsignedByte"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Datatype::Boolean => "boolean",
            Datatype::Bit => "bit",
            Datatype::UnsignedByte => "unsignedByte",
            Datatype::Short => "short",
            Datatype::Int => "int",
            Datatype::Long => "long",
            Datatype::Char => "char",
            Datatype::UnicodeChar => "unicodeChar",
            Datatype::Float => "float",
            Datatype::Double => "double",
            Datatype::FloatComplex => "floatComplex",
            Datatype::DoubleComplex => "doubleComplex",
        }
    }

    /// Size in bytes of one element in BINARY/BINARY2 (`bit` is packed, reported as 0 here).
    pub fn element_bytes(self) -> usize {
        match self {
            Datatype::Bit => 0,
            Datatype::Boolean | Datatype::UnsignedByte | Datatype::Char => 1,
            Datatype::Short | Datatype::UnicodeChar => 2,
            Datatype::Int | Datatype::Float => 4,
            Datatype::Long | Datatype::Double | Datatype::FloatComplex => 8,
            Datatype::DoubleComplex => 16,
        }
    }

    /// `true` for the integer types, the only ones that may carry a VALUES `null` magic value.
    pub fn is_integer(self) -> bool {
        matches!(self, Datatype::UnsignedByte | Datatype::Short | Datatype::Int | Datatype::Long)
    }

    /// `true` for `char` and `unicodeChar`.
    pub fn is_character(self) -> bool {
        matches!(self, Datatype::Char | Datatype::UnicodeChar)
    }

    /// `true` for `floatComplex` and `doubleComplex`.
    pub fn is_complex(self) -> bool {
        matches!(self, Datatype::FloatComplex | Datatype::DoubleComplex)
    }

    /// `true` for the floating-point types (real and complex), whose nulls are NaN.
    pub fn is_floating(self) -> bool {
        matches!(self, Datatype::Float | Datatype::Double | Datatype::FloatComplex | Datatype::DoubleComplex)
    }
}

impl fmt::Display for Datatype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `datatype` attribute holds no VOTable datatype name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown datatype '{0}' (expected one of boolean, bit, unsignedByte, short, int, long, char, unicodeChar, float, double, floatComplex, doubleComplex)"
)]
pub struct UnknownDatatype(pub String);

impl FromStr for Datatype {
    type Err = UnknownDatatype;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Datatype::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| UnknownDatatype(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Datatype::ALL {
            assert_eq!(d.as_str().parse::<Datatype>(), Ok(d));
        }
        assert!("integer".parse::<Datatype>().is_err());
        // Datatype names are case-sensitive in the schema.
        assert!("Double".parse::<Datatype>().is_err());
    }
}
