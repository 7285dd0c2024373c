//! A VOTable into Arrow and back out as BINARY2 and as VOParquet, with its metadata kept.
//!
//! ```text
//! cargo run -p vo-examples --example votable_arrow
//! ```
//!
//! The column metadata of a VOTable (unit, UCD, description, ...) travels in the Arrow fields'
//! metadata under the `vo_votable::arrow_meta` keys, so any Arrow tool in between (DataFusion,
//! Parquet, Polars) keeps it, and writing the batches again gives the same FIELDs.

use arrow_array::RecordBatch;
use vo_dali::response::FormatKind;
use vo_formats::{EndStatus, ResultInfo, encode_all};
use vo_votable::arrow_meta;
use vo_votable::writer::{Serialization, VotableWriter};

type Error = Box<dyn std::error::Error>;

const INPUT: &str = r#"<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE type="results">
  <TABLE name="bright">
   <FIELD name="name" datatype="char" arraysize="*" ucd="meta.id;meta.main"/>
   <FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"><DESCRIPTION>Right ascension (ICRS)</DESCRIPTION></FIELD>
   <FIELD name="dec" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
   <FIELD name="vmag" datatype="float" unit="mag" ucd="phot.mag;em.opt.V"/>
   <DATA><TABLEDATA>
    <TR><TD>Sirius</TD><TD>101.287155</TD><TD>-16.716116</TD><TD>-1.46</TD></TR>
    <TR><TD>Canopus</TD><TD>95.987958</TD><TD>-52.695661</TD><TD>-0.74</TD></TR>
    <TR><TD>Arcturus</TD><TD>213.915300</TD><TD>19.182410</TD><TD/></TR>
   </TABLEDATA></DATA>
  </TABLE>
 </RESOURCE>
</VOTABLE>"#;

fn main() -> Result<(), Error> {
    // VOTable -> Arrow.
    let (_document, batches) = vo_votable::read_all(INPUT.as_bytes())?;
    let schema = batches[0].schema();
    for field in schema.fields() {
        let meta = |key: &str| field.metadata().get(key).cloned().unwrap_or_default();
        println!(
            "{:5} {:8} unit={:4} ucd={}",
            field.name(),
            field.data_type().to_string(),
            meta(arrow_meta::UNIT),
            meta(arrow_meta::UCD)
        );
    }

    // Arrow -> VOTable BINARY2, and back: same rows, same metadata.
    let mut writer = VotableWriter::for_schema(Vec::new(), &schema, Serialization::Binary2)?;
    for batch in &batches {
        writer.write_batch(batch)?;
    }
    let binary2 = writer.finish(&[])?;
    let (_, again) = vo_votable::read_all(&binary2[..])?;
    check_same(&batches[0], &again[0])?;
    println!("BINARY2: {} bytes, same rows and metadata after a round trip", binary2.len());

    // Arrow -> VOParquet: Parquet with the VOTable header embedded in its footer.
    let parquet = encode_all(FormatKind::Parquet, ResultInfo::default(), &schema, &batches, &EndStatus::Ok)?;
    let (_, embedded) = vo_formats::voparquet::read_footer(parquet.clone().into())?;
    if !embedded.contains("ucd=\"phot.mag;em.opt.V\"") {
        return Err("the embedded VOTable lost a UCD".into());
    }
    println!("VOParquet: {} bytes, its embedded VOTable header keeps the UCDs and units", parquet.len());
    Ok(())
}

fn check_same(a: &RecordBatch, b: &RecordBatch) -> Result<(), Error> {
    if a.columns() != b.columns() {
        return Err("the values changed in the round trip".into());
    }
    for (x, y) in a.schema().fields().iter().zip(b.schema().fields()) {
        for key in [arrow_meta::UNIT, arrow_meta::UCD, arrow_meta::DESCRIPTION] {
            if x.metadata().get(key) != y.metadata().get(key) {
                return Err(format!("{} lost its {key}", x.name()).into());
            }
        }
    }
    Ok(())
}
