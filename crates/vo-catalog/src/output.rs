//! Query results encoded for the client: MAXREC truncation with the overflow flag, column
//! metadata added or corrected on the way, any output format of `vo-formats`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{Field, Schema, SchemaRef};
use vo_formats::{EndStatus, TableEncoder};

use crate::engine::{BatchEncoder, Step};

/// Per-column metadata to merge into the result's Arrow fields (by column name).
pub type FieldMetadata = HashMap<String, HashMap<String, String>>;

/// Encodes at most `maxrec` rows with a `vo-formats` encoder. Plan the query with a limit of
/// `maxrec + 1`: when a row beyond `maxrec` arrives, the result is flagged OVERFLOW and the query
/// stops.
pub struct LimitedEncoder {
    inner: Box<dyn TableEncoder>,
    maxrec: Option<u64>,
    rows: u64,
    rows_seen: Arc<AtomicU64>,
    failure: Arc<std::sync::Mutex<Option<String>>>,
    overflow: bool,
    field_metadata: FieldMetadata,
    schema: Option<SchemaRef>,
}

impl LimitedEncoder {
    pub fn new(inner: Box<dyn TableEncoder>, maxrec: Option<u64>) -> Self {
        LimitedEncoder {
            inner,
            maxrec,
            rows: 0,
            rows_seen: Arc::new(AtomicU64::new(0)),
            failure: Arc::default(),
            overflow: false,
            field_metadata: HashMap::new(),
            schema: None,
        }
    }

    /// Adds (or replaces) metadata keys of named columns before they are encoded.
    pub fn with_field_metadata(mut self, metadata: FieldMetadata) -> Self {
        self.field_metadata = metadata;
        self
    }

    /// A counter of the rows encoded so far, readable while and after the result streams.
    pub fn row_counter(&self) -> Arc<AtomicU64> {
        self.rows_seen.clone()
    }

    /// Where the error that ended the result early is left, readable after the result streamed
    /// (an async job uses it to end in ERROR rather than COMPLETED).
    pub fn failure_slot(&self) -> Arc<std::sync::Mutex<Option<String>>> {
        self.failure.clone()
    }

    fn restyle(&self, schema: &Schema) -> SchemaRef {
        let fields: Vec<Field> = schema
            .fields()
            .iter()
            .map(|f| match self.field_metadata.get(f.name()) {
                Some(extra) => {
                    let mut md = f.metadata().clone();
                    md.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                    f.as_ref().clone().with_metadata(md)
                }
                None => f.as_ref().clone(),
            })
            .collect();
        Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
    }
}

impl BatchEncoder for LimitedEncoder {
    fn begin(&mut self, schema: SchemaRef, out: &mut Vec<u8>) -> Result<(), String> {
        let schema = self.restyle(&schema);
        self.schema = Some(schema.clone());
        self.inner.begin(&schema, out).map_err(|e| e.to_string())
    }

    fn batch(&mut self, batch: &RecordBatch, out: &mut Vec<u8>) -> Step {
        let schema = self.schema.clone().expect("begin called first");
        let mut batch = match RecordBatch::try_new(schema, batch.columns().to_vec()) {
            Ok(b) => b,
            Err(e) => return Step::Failed(e.to_string()),
        };
        let mut step = Step::Continue;
        if let Some(max) = self.maxrec {
            let room = max.saturating_sub(self.rows);
            if (batch.num_rows() as u64) > room {
                batch = batch.slice(0, room as usize);
                self.overflow = true;
                step = Step::Stop;
            }
        }
        self.rows += batch.num_rows() as u64;
        self.rows_seen.store(self.rows, Ordering::Relaxed);
        if batch.num_rows() > 0
            && let Err(e) = self.inner.write_batch(&batch, out)
        {
            return Step::Failed(e.to_string());
        }
        step
    }

    fn finish(&mut self, error: Option<&str>, out: &mut Vec<u8>) -> Result<(), String> {
        let status = match error {
            Some(message) => {
                *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.to_string());
                EndStatus::Error(message.to_string())
            }
            None if self.overflow => EndStatus::Overflow,
            None => EndStatus::Ok,
        };
        self.inner.finish(&status, out).map_err(|e| e.to_string())
    }
}
