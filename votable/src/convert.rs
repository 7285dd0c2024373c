//! VOTable FIELD ⇄ Arrow field.
//!
//! # VOTable → Arrow
//! | VOTable | Arrow |
//! |---|---|
//! | `boolean`, `bit` | `Boolean` |
//! | `unsignedByte`, `short`, `int`, `long` | `UInt8`, `Int16`, `Int32`, `Int64` |
//! | `float`, `double` | `Float32`, `Float64` |
//! | `char`, `unicodeChar` (any arraysize) | `Utf8` |
//! | fixed numeric/boolean array (any dimensions) | `FixedSizeList` of all elements, first index fastest |
//! | variable numeric/boolean array | `List` |
//! | `floatComplex`, `doubleComplex` | `FixedSizeList(2)` (arrays: `2 × n` components, real first) |
//!
//! Every VOTable attribute is kept in the Arrow field metadata under the keys of
//! [`crate::arrow_meta`], so VOTable → Arrow → VOTable is lossless.
//!
//! # Arrow → VOTable (no VOTable metadata)
//! `Int8`→short, `UInt16`→int, `UInt32`/`UInt64`→long (a `UInt64` value above `i64::MAX` makes
//! the writer fail with [`Error::Value`] rather than wrap), `Float16`→float, `Decimal*`→double,
//! strings→char `*`, `Timestamp`/`Date*`→char `*` with xtype `timestamp` (ISO 8601, UTC),
//! `Time*`→char `*`, `Dictionary<_, V>`→as V, `Binary`→unsignedByte `*`, `FixedSizeBinary(n)`→
//! unsignedByte `n`, lists of numbers→arrays, `Null`→char `*`. Strings are declared `char`
//! unless the field's metadata asks for `unicodeChar`; use [`fields_for_batch`] to pick
//! `unicodeChar` automatically for columns holding non-ASCII text.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field as ArrowField, Schema};

use crate::arrow_meta;
use crate::error::{Error, Result};
use crate::model::{ArraySize, Datatype, Field, Link, Values};

/// The Arrow type of one element of a VOTable datatype (complex types give their component type).
pub fn element_arrow_type(datatype: Datatype) -> DataType {
    match datatype {
        Datatype::Boolean | Datatype::Bit => DataType::Boolean,
        Datatype::UnsignedByte => DataType::UInt8,
        Datatype::Short => DataType::Int16,
        Datatype::Int => DataType::Int32,
        Datatype::Long => DataType::Int64,
        Datatype::Float | Datatype::FloatComplex => DataType::Float32,
        Datatype::Double | Datatype::DoubleComplex => DataType::Float64,
        Datatype::Char | Datatype::UnicodeChar => DataType::Utf8,
    }
}

/// The Arrow type the reader produces for a FIELD (see the module table).
pub fn arrow_type(field: &Field) -> Result<DataType> {
    let element = element_arrow_type(field.datatype);
    if field.datatype.is_character() {
        return Ok(DataType::Utf8);
    }
    let components: u64 = if field.datatype.is_complex() { 2 } else { 1 };
    let item = Arc::new(ArrowField::new("item", element.clone(), true));
    Ok(match &field.arraysize {
        None if components == 1 => element,
        None => DataType::FixedSizeList(item, 2),
        Some(size) => match size.fixed_elements() {
            Some(n) => {
                let total = i32::try_from(n * components)
                    .map_err(|_| Error::conversion(&field.name, format!("arraysize {size} is too large")))?;
                DataType::FixedSizeList(item, total)
            }
            None => DataType::List(item),
        },
    })
}

/// A VOTable FIELD as an Arrow field, with every attribute in the metadata.
pub fn field_to_arrow(field: &Field) -> Result<ArrowField> {
    let mut meta = HashMap::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            meta.insert(key.to_string(), value);
        }
    };
    put(arrow_meta::DATATYPE, Some(field.datatype.as_str().to_string()));
    put(arrow_meta::ARRAYSIZE, field.arraysize.as_ref().map(|a| a.to_string()));
    put(arrow_meta::WIDTH, field.width.map(|w| w.to_string()));
    put(arrow_meta::PRECISION, field.precision.clone());
    put(arrow_meta::UNIT, field.unit.clone());
    put(arrow_meta::UCD, field.ucd.clone());
    put(arrow_meta::UTYPE, field.utype.clone());
    put(arrow_meta::XTYPE, field.xtype.clone());
    put(arrow_meta::REF, field.reference.clone());
    put(arrow_meta::ID, field.id.clone());
    put(arrow_meta::FIELD_TYPE, field.field_type.clone());
    put(arrow_meta::DESCRIPTION, field.description.clone());
    if let Some(values) = &field.values {
        put(arrow_meta::NULL, values.null.clone());
        let rest = Values { null: None, ..values.clone() };
        if rest != Values::default() {
            put(arrow_meta::VALUES_XML, Some(crate::xml_out::values_fragment(&rest)));
        }
    }
    if !field.links.is_empty() {
        put(arrow_meta::LINKS_XML, Some(crate::xml_out::links_fragment(&field.links)));
    }
    Ok(ArrowField::new(&field.name, arrow_type(field)?, true).with_metadata(meta))
}

/// The Arrow schema for a list of FIELDs.
pub fn schema_from_fields(fields: &[Field]) -> Result<Schema> {
    Ok(Schema::new(fields.iter().map(field_to_arrow).collect::<Result<Vec<_>>>()?))
}

/// VOTable FIELDs for every column of an Arrow schema.
pub fn schema_to_fields(schema: &Schema) -> Result<Vec<Field>> {
    schema.fields().iter().map(|f| field_from_arrow(f)).collect()
}

/// Like [`schema_to_fields`], but declares string columns `unicodeChar` when `sample` (typically
/// the first batch) holds non-ASCII text in them and their metadata does not fix the datatype.
pub fn fields_for_batch(sample: &RecordBatch) -> Result<Vec<Field>> {
    let mut fields = schema_to_fields(sample.schema_ref())?;
    for ((field, arrow), column) in fields.iter_mut().zip(sample.schema_ref().fields()).zip(sample.columns()) {
        if field.datatype == Datatype::Char
            && !arrow.metadata().contains_key(arrow_meta::DATATYPE)
            && crate::writer::strings_have_non_ascii(column.as_ref())
        {
            field.datatype = Datatype::UnicodeChar;
        }
    }
    Ok(fields)
}

/// A VOTable FIELD for an Arrow field: VOTable metadata wins, the Arrow type fills the gaps.
pub fn field_from_arrow(arrow: &ArrowField) -> Result<Field> {
    let meta = arrow.metadata();
    let get = |key: &str| meta.get(key).cloned();
    let name = arrow.name();
    let (datatype, arraysize, default_xtype) = match meta.get(arrow_meta::DATATYPE) {
        Some(text) => {
            let datatype = text.parse::<Datatype>().map_err(|e| Error::conversion(name, e.to_string()))?;
            let arraysize = match meta.get(arrow_meta::ARRAYSIZE) {
                // `arraysize="1"` on a character is a single character, which VOTable 1.3
                // erratum 3 says to write without arraysize (taplint and votlint warn otherwise).
                Some(a) if datatype.is_character() && a.trim() == "1" => None,
                Some(a) => Some(a.parse::<ArraySize>().map_err(|e| Error::conversion(name, e.to_string()))?),
                None if datatype.is_character() && !matches!(arrow.data_type(), DataType::Null) => {
                    // A lone char holds one character; strings need an arraysize (astropy W47).
                    derive(name, arrow.data_type())?.1
                }
                None => None,
            };
            (datatype, arraysize, None)
        }
        None => derive(name, arrow.data_type())?,
    };
    let values = match (get(arrow_meta::NULL), meta.get(arrow_meta::VALUES_XML)) {
        (None, None) => None,
        (null, xml) => {
            let mut values = match xml {
                Some(xml) => {
                    crate::reader::parse_values_fragment(xml).map_err(|e| Error::conversion(name, e.to_string()))?
                }
                None => Values::default(),
            };
            values.null = null;
            Some(values)
        }
    };
    let links: Vec<Link> = match meta.get(arrow_meta::LINKS_XML) {
        Some(xml) => crate::reader::parse_links_fragment(xml).map_err(|e| Error::conversion(name, e.to_string()))?,
        None => Vec::new(),
    };
    let width = match meta.get(arrow_meta::WIDTH) {
        Some(w) => Some(w.trim().parse::<u32>().map_err(|_| Error::conversion(name, format!("bad width '{w}'")))?),
        None => None,
    };
    Ok(Field {
        name: name.to_string(),
        id: get(arrow_meta::ID),
        datatype,
        arraysize,
        width,
        precision: get(arrow_meta::PRECISION),
        unit: get(arrow_meta::UNIT),
        ucd: get(arrow_meta::UCD),
        utype: get(arrow_meta::UTYPE),
        xtype: get(arrow_meta::XTYPE).or(default_xtype.map(str::to_string)),
        reference: get(arrow_meta::REF),
        field_type: get(arrow_meta::FIELD_TYPE),
        description: get(arrow_meta::DESCRIPTION),
        values,
        links,
    })
}

/// Datatype, arraysize and default xtype for an Arrow type without VOTable metadata.
fn derive(name: &str, data_type: &DataType) -> Result<(Datatype, Option<ArraySize>, Option<&'static str>)> {
    let scalar = |d: Datatype| Ok((d, None, None));
    let string = Ok((Datatype::Char, Some(ArraySize::variable()), None));
    match data_type {
        DataType::Boolean => scalar(Datatype::Boolean),
        DataType::Int8 | DataType::Int16 => scalar(Datatype::Short),
        DataType::UInt8 => scalar(Datatype::UnsignedByte),
        DataType::Int32 | DataType::UInt16 => scalar(Datatype::Int),
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => scalar(Datatype::Long),
        DataType::Float16 | DataType::Float32 => scalar(Datatype::Float),
        DataType::Float64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => scalar(Datatype::Double),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => string,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => {
            Ok((Datatype::Char, Some(ArraySize::variable()), Some("timestamp")))
        }
        DataType::Time32(_) | DataType::Time64(_) => string,
        DataType::Dictionary(_, value) => derive(name, value),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            Ok((Datatype::UnsignedByte, Some(ArraySize::variable()), None))
        }
        DataType::FixedSizeBinary(n) => Ok((Datatype::UnsignedByte, Some(ArraySize::fixed(*n as u32)), None)),
        DataType::FixedSizeList(item, n) => {
            let (datatype, inner, _) = derive(name, item.data_type())?;
            if inner.is_some() || datatype.is_character() {
                return Err(Error::conversion(name, format!("nested arrays ({data_type}) have no VOTable datatype")));
            }
            Ok((datatype, Some(ArraySize::fixed(*n as u32)), None))
        }
        DataType::List(item) | DataType::LargeList(item) | DataType::ListView(item) | DataType::LargeListView(item) => {
            let (datatype, inner, _) = derive(name, item.data_type())?;
            if inner.is_some() || datatype.is_character() {
                return Err(Error::conversion(name, format!("nested arrays ({data_type}) have no VOTable datatype")));
            }
            Ok((datatype, Some(ArraySize::variable()), None))
        }
        other => Err(Error::conversion(name, format!("Arrow type {other} has no VOTable equivalent"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::TimeUnit;

    #[test]
    fn votable_to_arrow_types() {
        let f = Field::new("x", Datatype::Int);
        assert_eq!(arrow_type(&f).unwrap(), DataType::Int32);
        let f = Field::new("s", Datatype::Char).with_arraysize(ArraySize::fixed(16));
        assert_eq!(arrow_type(&f).unwrap(), DataType::Utf8);
        let f = Field::new("p", Datatype::Double).with_arraysize(ArraySize::fixed(2)).with_xtype("point");
        assert!(matches!(arrow_type(&f).unwrap(), DataType::FixedSizeList(_, 2)));
        let f = Field::new("c", Datatype::FloatComplex).with_arraysize("3".parse().unwrap());
        assert!(matches!(arrow_type(&f).unwrap(), DataType::FixedSizeList(_, 6)));
        let f = Field::new("m", Datatype::Short).with_arraysize("2x3*".parse().unwrap());
        assert!(matches!(arrow_type(&f).unwrap(), DataType::List(_)));
    }

    #[test]
    fn arrow_without_metadata() {
        let cases = [
            (DataType::UInt16, "int", None),
            (DataType::UInt64, "long", None),
            (DataType::Int8, "short", None),
            (DataType::Utf8View, "char", Some("*")),
            (DataType::Decimal128(10, 2), "double", None),
            (DataType::Binary, "unsignedByte", Some("*")),
            (DataType::Date32, "char", Some("*")),
            (DataType::Timestamp(TimeUnit::Microsecond, None), "char", Some("*")),
            (DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), "char", Some("*")),
            (DataType::new_list(DataType::Float64, true), "double", Some("*")),
            (DataType::new_fixed_size_list(DataType::Float32, 3, true), "float", Some("3")),
        ];
        for (dt, datatype, arraysize) in cases {
            let f = field_from_arrow(&ArrowField::new("c", dt.clone(), true)).unwrap();
            assert_eq!(f.datatype.as_str(), datatype, "{dt}");
            assert_eq!(f.arraysize.map(|a| a.to_string()).as_deref(), arraysize, "{dt}");
        }
        let ts = field_from_arrow(&ArrowField::new("t", DataType::Date64, true)).unwrap();
        assert_eq!(ts.xtype.as_deref(), Some("timestamp"));
        let nested = DataType::new_list(DataType::new_list(DataType::Int32, true), true);
        assert!(field_from_arrow(&ArrowField::new("n", nested, true)).is_err());
    }

    #[test]
    fn metadata_round_trip_is_lossless() {
        let mut f = Field::new("flux", Datatype::Int)
            .with_arraysize("2x3*".parse().unwrap())
            .with_unit("mJy")
            .with_ucd("phot.flux")
            .with_xtype("x:custom")
            .with_description("a <flux>")
            .with_null("-99");
        f.id = Some("col1".into());
        f.width = Some(8);
        f.precision = Some("F3".into());
        f.reference = Some("sys".into());
        let values = f.values.as_mut().unwrap();
        values.min = Some(crate::model::Limit { value: "0".into(), inclusive: true });
        values.options.push(crate::model::ValuesOption { name: Some("a".into()), value: "1".into(), options: vec![] });
        f.links.push(Link {
            href: Some("http://a/b?c=1&d=2".into()),
            content_role: Some("doc".into()),
            ..Link::default()
        });
        let arrow = field_to_arrow(&f).unwrap();
        assert_eq!(field_from_arrow(&arrow).unwrap(), f);
    }
}
