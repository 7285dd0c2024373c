//! Input positions of a multi-cone request: a `POSITIONS` file part (CSV with a header, or a
//! VOTable), or repeated `POS=ra,dec` parameters.

use arrow_array::{Array, Float64Array, RecordBatch};
use arrow_cast::cast;
use arrow_schema::DataType;
use vo_dali::DaliRequest;

use crate::error::ConeError;

/// The (ra, dec) positions of the request, in input order.
pub fn read_positions(request: &DaliRequest, max: usize) -> Result<Vec<(f64, f64)>, ConeError> {
    let mut positions = Vec::new();
    for value in request.params.get_all("POS") {
        let mut parts = value.split([',', ' ']).filter(|s| !s.is_empty());
        let parse = |s: Option<&str>| s.and_then(|v| v.trim().parse::<f64>().ok());
        match (parse(parts.next()), parse(parts.next()), parts.next()) {
            (Some(ra), Some(dec), None) => positions.push((ra, dec)),
            _ => return Err(ConeError::BadParameter(format!("POS must be 'ra,dec' in degrees, got '{value}'"))),
        }
    }
    if let Some(file) = request.file("POSITIONS") {
        let looks_like_xml = file.data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
        let batches = if looks_like_xml {
            vo_votable::read_all(&file.data[..])
                .map_err(|e| ConeError::BadParameter(format!("POSITIONS is not a readable VOTable: {e}")))?
                .1
        } else {
            read_csv(&file.data)?
        };
        for batch in &batches {
            let (ra, dec) = position_arrays(batch)?;
            for i in 0..batch.num_rows() {
                if ra.is_null(i) || dec.is_null(i) {
                    return Err(ConeError::BadParameter(format!(
                        "POSITIONS row {} has no position",
                        positions.len() + 1
                    )));
                }
                positions.push((ra.value(i), dec.value(i)));
            }
        }
    }
    if positions.is_empty() {
        return Err(ConeError::BadParameter(
            "give the positions as a POSITIONS file (CSV or VOTable with ra and dec columns) or POS=ra,dec parameters"
                .into(),
        ));
    }
    if positions.len() > max {
        return Err(ConeError::BadParameter(format!("at most {max} positions per request, got {}", positions.len())));
    }
    Ok(positions)
}

fn read_csv(data: &[u8]) -> Result<Vec<RecordBatch>, ConeError> {
    let bad = |e: arrow_schema::ArrowError| ConeError::BadParameter(format!("POSITIONS is not a readable CSV: {e}"));
    let format = arrow_csv::reader::Format::default().with_header(true);
    let (schema, _) = format.infer_schema(data, None).map_err(bad)?;
    let reader =
        arrow_csv::ReaderBuilder::new(std::sync::Arc::new(schema)).with_header(true).build(data).map_err(bad)?;
    reader.collect::<Result<Vec<_>, _>>().map_err(bad)
}

/// The RA and Dec columns of an input table: by UCD, else by the usual names.
fn position_arrays(batch: &RecordBatch) -> Result<(Float64Array, Float64Array), ConeError> {
    let schema = batch.schema();
    let find = |ucd_word: &str, names: &[&str]| {
        schema
            .fields()
            .iter()
            .position(|f| {
                f.metadata()
                    .get(vo_votable::arrow_meta::UCD)
                    .is_some_and(|u| u.to_ascii_lowercase().split(';').next() == Some(ucd_word))
            })
            .or_else(|| {
                names.iter().find_map(|n| schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(n)))
            })
    };
    let ra = find("pos.eq.ra", &["ra", "ra_icrs", "raj2000", "alpha"])
        .ok_or_else(|| ConeError::BadParameter("POSITIONS has no RA column (ra, or UCD pos.eq.ra)".into()))?;
    let dec = find("pos.eq.dec", &["dec", "de", "dec_icrs", "dej2000", "delta"])
        .ok_or_else(|| ConeError::BadParameter("POSITIONS has no Dec column (dec, or UCD pos.eq.dec)".into()))?;
    let as_f64 = |i: usize| -> Result<Float64Array, ConeError> {
        let array = cast(batch.column(i), &DataType::Float64).map_err(|e| {
            ConeError::BadParameter(format!("POSITIONS column {} is not numeric: {e}", schema.field(i).name()))
        })?;
        Ok(array.as_any().downcast_ref::<Float64Array>().expect("cast to Float64").clone())
    };
    Ok((as_f64(ra)?, as_f64(dec)?))
}
