//! JSON (`application/json`), streamed row by row.
//!
//! The document is one object (compact, one data row per line):
//!
//! ```text
//! {"metadata":[{"name":"ra","datatype":"double","arraysize":null,"unit":"deg",
//!               "ucd":"pos.eq.ra;meta.main","description":"Right ascension","xtype":null}, ...],
//!  "infos":[{"name":"QUERY","value":"SELECT ...","content":null}, ...],
//!  "data":[
//! [10.5,"M31",[1.0,2.0]],
//! ...
//! ],
//!  "status":"OK"}
//! ```
//!
//! - `metadata` has one object per column with the VOTable FIELD attributes (`datatype` and
//!   `arraysize` as VOTable would declare the column, so clients can reuse VOTable logic);
//!   absent attributes are `null`. `infos` holds the [`ResultInfo`] INFOs.
//! - `data` holds one array per row; cells are JSON numbers (integers exact, also beyond 2^53),
//!   strings, booleans, arrays for array columns, `null` for nulls and for NaN/±Infinity
//!   (which JSON cannot express).
//! - `status` is `"OK"`, `"OVERFLOW"` (truncated at MAXREC) or `"ERROR"`, in which case a
//!   `message` member follows. `status` comes last because it is only known at the end.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, RecordBatch};
//! use arrow_schema::{DataType, Field, Schema};
//! use vo_formats::{encode_all, EndStatus, FormatKind, ResultInfo};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, true)]));
//! let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Float64Array::from(vec![1.5, f64::NAN]))]).unwrap();
//! let bytes = encode_all(FormatKind::Json, ResultInfo::default(), &schema, &[batch], &EndStatus::Overflow).unwrap();
//! let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
//! assert_eq!(doc["data"], serde_json::json!([[1.5], [null]]));
//! assert_eq!(doc["metadata"][0]["datatype"], "double");
//! assert_eq!(doc["status"], "OVERFLOW");
//! ```

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use crate::metadata::{check_batch, votable_fields};
use crate::text::{TextColumn, write_json_string};
use crate::{EndStatus, FormatError, ResultInfo, TableEncoder};

/// Writes the JSON document described in the module documentation.
pub struct JsonEncoder {
    info: ResultInfo,
    schema: Option<SchemaRef>,
    rows: u64,
}

impl JsonEncoder {
    /// An encoder whose `infos` member comes from `info`.
    pub fn new(info: ResultInfo) -> Self {
        JsonEncoder { info, schema: None, rows: 0 }
    }
}

fn write_member(out: &mut Vec<u8>, key: &str, value: Option<&str>) {
    write_json_string(out, key);
    out.push(b':');
    match value {
        Some(value) => write_json_string(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

impl TableEncoder for JsonEncoder {
    fn begin(&mut self, schema: &SchemaRef, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let fields = votable_fields(schema)?;
        for field in schema.fields() {
            TextColumn::new(field.name(), &arrow_array::new_empty_array(field.data_type()))?;
        }
        out.extend_from_slice(b"{\"metadata\":[");
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            write_member(out, "name", Some(&field.name));
            out.push(b',');
            write_member(out, "datatype", Some(field.datatype.as_str()));
            out.push(b',');
            let arraysize = field.arraysize.as_ref().map(|a| a.to_string());
            write_member(out, "arraysize", arraysize.as_deref());
            for (key, value) in [
                ("unit", &field.unit),
                ("ucd", &field.ucd),
                ("description", &field.description),
                ("xtype", &field.xtype),
            ] {
                out.push(b',');
                write_member(out, key, value.as_deref());
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\n\"infos\":[");
        for (i, (name, value, content)) in self.info.infos.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            write_member(out, "name", Some(name));
            out.push(b',');
            write_member(out, "value", Some(value));
            out.push(b',');
            write_member(out, "content", content.as_deref());
            out.push(b'}');
        }
        out.extend_from_slice(b"],\n\"data\":[");
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let schema = self.schema.as_ref().ok_or_else(|| FormatError::Usage("begin was not called".into()))?;
        check_batch(schema, batch)?;
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(field, array)| TextColumn::new(field.name(), array))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..batch.num_rows() {
            out.extend_from_slice(if self.rows == 0 { b"\n[" } else { b",\n[" });
            for (i, column) in columns.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                column.write_json(row, out);
            }
            out.push(b']');
            self.rows += 1;
        }
        Ok(())
    }

    fn finish(&mut self, status: &EndStatus, out: &mut Vec<u8>) -> Result<(), FormatError> {
        if self.schema.is_none() {
            return Err(FormatError::Usage("begin was not called".into()));
        }
        out.extend_from_slice(b"\n],\n");
        write_member(out, "status", Some(status.query_status()));
        if let Some(message) = status.message() {
            out.push(b',');
            write_member(out, "message", Some(message));
        }
        out.extend_from_slice(b"}\n");
        Ok(())
    }
}
