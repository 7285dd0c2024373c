//! Input positions of a multi-cone request: a `POSITIONS` file part (CSV with a header, or a
//! VOTable), or repeated `POS=ra,dec` parameters.
//!
//! The RA and Dec columns of an upload are found by UCD (`pos.eq.ra`, `pos.eq.dec`), else by the
//! usual names (`ra`, `dec`, `raj2000`, ...). Its identifier column, copied to the results as
//! `_in_id`, is the one with UCD `meta.id;meta.main`, else the first named `id`, `source_id` or
//! `name` (case-insensitive).

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, new_null_array};
use arrow_cast::cast;
use arrow_schema::{DataType, Schema};
use vo_dali::DaliRequest;

use crate::error::ConeError;

/// Column names taken as the identifier of an input position when no column has the UCD
/// `meta.id;meta.main`.
const ID_NAMES: [&str; 3] = ["id", "source_id", "name"];

/// The identifiers of the input positions: one value per position, in input order.
#[derive(Debug, Clone)]
pub struct InputIds {
    /// The name of the identifier column in the upload.
    pub name: String,
    /// One value per position (null for positions given as `POS` parameters).
    pub values: ArrayRef,
}

/// The positions of a multi-cone request, in input order.
#[derive(Debug, Clone)]
pub struct Positions {
    /// (ra, dec) in degrees, as given.
    pub coords: Vec<(f64, f64)>,
    /// The upload's identifier column, when it has one.
    pub ids: Option<InputIds>,
}

/// The positions of `request`: `POS` parameters first, then the rows of the `POSITIONS` upload.
/// At most `max` positions are accepted.
pub fn read_positions(request: &DaliRequest, max: usize) -> Result<Positions, ConeError> {
    let mut coords = Vec::new();
    for value in request.params.get_all("POS") {
        let mut parts = value.split([',', ' ']).filter(|s| !s.is_empty());
        let parse = |s: Option<&str>| s.and_then(|v| v.trim().parse::<f64>().ok());
        match (parse(parts.next()), parse(parts.next()), parts.next()) {
            (Some(ra), Some(dec), None) => coords.push((ra, dec)),
            _ => return Err(ConeError::BadParameter(format!("POS must be 'ra,dec' in degrees, got '{value}'"))),
        }
        // Checked as we go so that a huge request is refused before it is all parsed.
        check_count(coords.len(), max)?;
    }
    let from_params = coords.len();
    let mut ids = None;
    if let Some(file) = request.file("POSITIONS") {
        let upload = read_upload(&file.data, max.saturating_sub(from_params))?;
        coords.extend(upload.coords);
        ids = match upload.ids {
            // Positions given as POS parameters have no identifier: null in front.
            Some(i) if from_params > 0 => {
                let nulls = new_null_array(i.values.data_type(), from_params);
                let values = datafusion::arrow::compute::concat(&[nulls.as_ref(), i.values.as_ref()])
                    .map_err(|e| ConeError::BadParameter(format!("POSITIONS identifiers: {e}")))?;
                Some(InputIds { name: i.name, values })
            }
            other => other,
        };
    }
    if coords.is_empty() {
        return Err(ConeError::BadParameter(
            "give the positions as a POSITIONS file (CSV or VOTable with ra and dec columns) or POS=ra,dec parameters"
                .into(),
        ));
    }
    Ok(Positions { coords, ids })
}

/// The positions of an uploaded table (CSV with a header line, or a VOTable), at most `max`.
pub fn read_upload(data: &[u8], max: usize) -> Result<Positions, ConeError> {
    let looks_like_xml = data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    let batches = if looks_like_xml {
        vo_votable::read_all(data)
            .map_err(|e| ConeError::BadParameter(format!("POSITIONS is not a readable VOTable: {e}")))?
            .1
    } else {
        read_csv(data)?
    };
    let Some(first) = batches.first() else {
        return Err(ConeError::BadParameter("POSITIONS holds no rows".into()));
    };
    let schema = first.schema();
    let (ra_index, dec_index) = position_columns(&schema)?;
    let id_index = id_column(&schema, &[ra_index, dec_index]);
    let mut coords = Vec::new();
    let mut id_parts: Vec<ArrayRef> = Vec::new();
    for batch in &batches {
        check_count(coords.len() + batch.num_rows(), max)?;
        let ra = as_f64(batch, ra_index)?;
        let dec = as_f64(batch, dec_index)?;
        for i in 0..batch.num_rows() {
            if ra.is_null(i) || dec.is_null(i) {
                return Err(ConeError::BadParameter(format!("POSITIONS row {} has no position", coords.len() + 1)));
            }
            coords.push((ra.value(i), dec.value(i)));
        }
        if let Some(i) = id_index {
            id_parts.push(batch.column(i).clone());
        }
    }
    let ids = match id_index {
        Some(i) => {
            let parts: Vec<&dyn Array> = id_parts.iter().map(|a| a.as_ref()).collect();
            let values = datafusion::arrow::compute::concat(&parts)
                .map_err(|e| ConeError::BadParameter(format!("POSITIONS identifiers: {e}")))?;
            Some(InputIds { name: schema.field(i).name().clone(), values })
        }
        None => None,
    };
    Ok(Positions { coords, ids })
}

fn check_count(count: usize, max: usize) -> Result<(), ConeError> {
    if count > max {
        return Err(ConeError::BadParameter(format!("too many positions: at most {max} per request")));
    }
    Ok(())
}

fn read_csv(data: &[u8]) -> Result<Vec<RecordBatch>, ConeError> {
    let bad = |e: arrow_schema::ArrowError| ConeError::BadParameter(format!("POSITIONS is not a readable CSV: {e}"));
    let format = arrow_csv::reader::Format::default().with_header(true);
    let (schema, _) = format.infer_schema(data, None).map_err(bad)?;
    let reader = arrow_csv::ReaderBuilder::new(Arc::new(schema)).with_header(true).build(data).map_err(bad)?;
    reader.collect::<Result<Vec<_>, _>>().map_err(bad)
}

fn ucd_of(schema: &Schema, i: usize) -> String {
    schema.field(i).metadata().get(vo_votable::arrow_meta::UCD).map(|u| u.to_ascii_lowercase()).unwrap_or_default()
}

/// The RA and Dec columns of an input table: by UCD, else by the usual names.
fn position_columns(schema: &Schema) -> Result<(usize, usize), ConeError> {
    let find = |ucd_word: &str, names: &[&str]| {
        (0..schema.fields().len()).find(|&i| ucd_of(schema, i).split(';').next() == Some(ucd_word)).or_else(|| {
            names.iter().find_map(|n| schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(n)))
        })
    };
    let ra = find("pos.eq.ra", &["ra", "ra_icrs", "raj2000", "alpha"])
        .ok_or_else(|| ConeError::BadParameter("POSITIONS has no RA column (ra, or UCD pos.eq.ra)".into()))?;
    let dec = find("pos.eq.dec", &["dec", "de", "dec_icrs", "dej2000", "delta"])
        .ok_or_else(|| ConeError::BadParameter("POSITIONS has no Dec column (dec, or UCD pos.eq.dec)".into()))?;
    Ok((ra, dec))
}

/// The identifier column of an input table, never one of the position columns.
fn id_column(schema: &Schema, position: &[usize]) -> Option<usize> {
    let candidates = || (0..schema.fields().len()).filter(|i| !position.contains(i));
    candidates()
        .find(|&i| {
            let ucd = ucd_of(schema, i);
            ucd.split(';').any(|w| w == "meta.id") && ucd.split(';').any(|w| w == "meta.main")
        })
        .or_else(|| {
            ID_NAMES.iter().find_map(|n| candidates().find(|&i| schema.field(i).name().eq_ignore_ascii_case(n)))
        })
}

fn as_f64(batch: &RecordBatch, i: usize) -> Result<Float64Array, ConeError> {
    let name = batch.schema().field(i).name().clone();
    let array = cast(batch.column(i), &DataType::Float64)
        .map_err(|e| ConeError::BadParameter(format!("POSITIONS column {name} is not numeric: {e}")))?;
    Ok(array.as_any().downcast_ref::<Float64Array>().expect("cast to Float64").clone())
}
