//! CSV input: a header line, then one record a line, read once, as a stream.
//!
//! Column types are those the metadata file declares, else inferred from a bounded sample: the
//! first [`SAMPLE_ROWS`] rows (or [`SAMPLE_BYTES`] of text, whichever ends first). The sample
//! is kept while it is read and replayed in front of the rest of the input, so the file (or the
//! decompressor of a `.csv.gz`) is read once, from the front. After the sample, a value that
//! does not fit its column's type is an error naming the file, the line (the header is line 1)
//! and the column (number and name), as is a line with the wrong number of fields.
//!
//! Inside the sample, a column holding numbers and some text can only be text; when most of its
//! values are numbers the source gives a warning naming the first line with text, so a stray
//! value does not silently turn a numeric column into strings (declaring the column's datatype
//! in the metadata file makes it an error instead).

use std::io::{BufReader, Chain, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::error::{CatalogError, Result};
use crate::sources::BatchSource;

/// Rows the column types are inferred from.
pub const SAMPLE_ROWS: usize = 10_000;
/// The most text the sample may hold (for very wide rows).
pub const SAMPLE_BYTES: usize = 32 << 20;

type Stream = Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>;

/// A CSV file with a header line.
pub struct CsvSource {
    path: PathBuf,
    schema: SchemaRef,
    /// Per column: whether its type was inferred (rather than declared).
    inferred: Vec<bool>,
    sample_rows: usize,
    reader: arrow_csv::reader::BufReader<BufReader<Stream>>,
    warnings: Vec<String>,
    failed: bool,
}

impl CsvSource {
    /// Reads the header and the sample from `input` (already decompressed). `types` gives the
    /// Arrow type of named columns (from the metadata file); the others are inferred from the
    /// first `sample_rows` rows.
    pub fn new(
        path: &Path,
        input: Box<dyn Read + Send>,
        types: &[(String, DataType)],
        batch_size: usize,
        sample_rows: usize,
    ) -> Result<Self> {
        let bad = |message: String| CatalogError::BadInput(format!("{}: {message}", path.display()));
        let input = without_bom(input).map_err(|e| CatalogError::io(path, e))?;
        let mut sample = Sampler { inner: input, seen: Vec::new(), visible: 0, limit: SAMPLE_BYTES, done: false };
        // Flexible while sampling: a ragged line is reported by the reader below, with its line.
        let format = arrow_csv::reader::Format::default().with_header(true).with_truncated_rows(true);
        let (inferred, sampled) = format
            .infer_schema(&mut sample, Some(sample_rows.max(1)))
            .map_err(|e| bad(CsvContext::default().message(&e.to_string())))?;
        if inferred.fields().is_empty() {
            return Err(bad("no header line".into()));
        }
        let declared = |name: &str| types.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone());
        let fields: Vec<Field> = inferred
            .fields()
            .iter()
            .map(|f| {
                let data_type = declared(f.name()).unwrap_or_else(|| match f.data_type() {
                    DataType::Null => DataType::Utf8,
                    other => other.clone(),
                });
                Field::new(f.name(), data_type, true)
            })
            .collect();
        let inferred_flags: Vec<bool> = fields.iter().map(|f| declared(f.name()).is_none()).collect();
        let schema = Arc::new(Schema::new(fields));
        let warnings = text_column_warnings(path, &sample.seen[..sample.visible], &schema, &inferred_flags, sampled);
        let Sampler { inner, seen, .. } = sample;
        let reader = arrow_csv::ReaderBuilder::new(schema.clone())
            .with_header(true)
            .with_batch_size(batch_size.max(1))
            .build_buffered(BufReader::with_capacity(1 << 20, Cursor::new(seen).chain(inner)))
            .map_err(|e| bad(e.to_string()))?;
        Ok(CsvSource {
            path: path.to_path_buf(),
            schema,
            inferred: inferred_flags,
            sample_rows: sampled,
            reader,
            warnings,
            failed: false,
        })
    }
}

impl BatchSource for CsvSource {
    fn path(&self) -> &Path {
        &self.path
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        if self.failed {
            return None;
        }
        let batch = self.reader.next()?.map_err(|e| {
            let context = CsvContext {
                schema: Some(self.schema.as_ref()),
                inferred: &self.inferred,
                sample_rows: self.sample_rows,
            };
            CatalogError::BadInput(format!("{}: {}", self.path.display(), context.message(&e.to_string())))
        });
        // The reader cannot resume after a bad record: one error ends the stream.
        self.failed = batch.is_err();
        Some(batch)
    }
    fn locate_row(&self, row: u64) -> String {
        // Line 1 is the header.
        format!("line {}", row + 2)
    }
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }
}

/// The input less a leading UTF-8 byte-order mark (spreadsheets write one), which would otherwise
/// become part of the first column's name.
fn without_bom(mut input: Box<dyn Read + Send>) -> std::io::Result<Box<dyn Read + Send>> {
    let mut start = Vec::with_capacity(3);
    (&mut input).take(3).read_to_end(&mut start)?;
    if start == b"\xEF\xBB\xBF" { Ok(input) } else { Ok(Box::new(Cursor::new(start).chain(input))) }
}

/// Passes the input through while keeping a copy of it, and ends early (at a line end) once
/// [`SAMPLE_BYTES`] have gone by. Everything taken from `inner` is in `seen`; the first
/// `visible` bytes are what the reader was given.
struct Sampler {
    inner: Box<dyn Read + Send>,
    seen: Vec<u8>,
    visible: usize,
    limit: usize,
    done: bool,
}

impl Read for Sampler {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        let start = self.seen.len();
        self.seen.extend_from_slice(&buf[..n]);
        if self.seen.len() > self.limit {
            let from = self.limit.saturating_sub(start);
            if let Some(p) = buf[from..n].iter().position(|&b| b == b'\n') {
                self.done = true;
                self.visible = start + from + p + 1;
                return Ok(from + p + 1);
            }
        }
        self.visible = self.seen.len();
        Ok(n)
    }
}

/// What the messages of arrow-csv are rewritten with.
#[derive(Default)]
struct CsvContext<'a> {
    schema: Option<&'a Schema>,
    inferred: &'a [bool],
    sample_rows: usize,
}

impl CsvContext<'_> {
    fn column(&self, index: usize) -> String {
        match self.schema.and_then(|s| s.fields().get(index)) {
            Some(f) => format!("column {} ({})", index + 1, f.name()),
            None => format!("column {}", index + 1),
        }
    }

    fn header(&self) -> String {
        let names: Vec<&str> =
            self.schema.map(|s| s.fields().iter().map(|f| f.name().as_str()).collect()).unwrap_or_default();
        names.join(", ")
    }

    /// Rewrites arrow-csv's messages into "line L, column C (name): …" with the header as line
    /// 1 and columns counted from 1.
    fn message(&self, message: &str) -> String {
        let message = message.trim_start_matches("Parser error: ").trim_start_matches("Csv error: ");
        // "Error while parsing value 'x' as type 'Float64' for column 3 at line 5. Row data: '[...]'",
        // where arrow-csv counts data rows from 1.
        if let Some(rest) = message.strip_prefix("Error while parsing value ") {
            let parts = (|| {
                let (value, rest) = rest.split_once(" as type ")?;
                let (type_name, rest) = rest.split_once(" for column ")?;
                let (column, rest) = rest.split_once(" at line ")?;
                let line: u64 = rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()?;
                Some((
                    value.to_string(),
                    type_name.trim_matches('\'').to_string(),
                    column.trim().parse::<usize>().ok()?,
                    line,
                ))
            })();
            if let Some((value, type_name, column, line)) = parts {
                let hint = if self.inferred.get(column).copied().unwrap_or(false) {
                    format!(
                        " (the type was inferred from the first {} rows; declare another datatype for the column \
                         in the metadata file to read it otherwise)",
                        self.sample_rows
                    )
                } else {
                    String::new()
                };
                return format!("line {}, {}: cannot read {value} as {type_name}{hint}", line + 1, self.column(column));
            }
        }
        // "incorrect number of fields for line 3, expected 3 got 2" (or "got more than 3"); this
        // line number already counts the header.
        if let Some(rest) = message.strip_prefix("incorrect number of fields for line ") {
            let parts = (|| {
                let (line, rest) = rest.split_once(", expected ")?;
                let (expected, got) = rest.split_once(" got ")?;
                Some((line.to_string(), expected.to_string(), got.to_string()))
            })();
            if let Some((line, expected, got)) = parts {
                return format!("line {line}: {got} fields, but the header has {expected} ({})", self.header());
            }
        }
        // "Encountered invalid UTF-8 data for line 4 and field 2" (header counted, field from 1).
        if let Some(rest) = message.strip_prefix("Encountered invalid UTF-8 data for line ") {
            if let Some((line, field)) = rest.split_once(" and field ") {
                if let Ok(field) = field.trim().parse::<usize>() {
                    return format!("line {line}, {}: the text is not UTF-8", self.column(field.saturating_sub(1)));
                }
            }
        }
        message.to_string()
    }
}

/// Warnings for inferred text columns of the sample whose values are mostly numbers.
fn text_column_warnings(path: &Path, sample: &[u8], schema: &Schema, inferred: &[bool], rows: usize) -> Vec<String> {
    let suspects: Vec<usize> =
        (0..schema.fields().len()).filter(|&i| inferred[i] && schema.field(i).data_type() == &DataType::Utf8).collect();
    if suspects.is_empty() || rows == 0 {
        return Vec::new();
    }
    let text_schema = Arc::new(Schema::new(
        schema.fields().iter().map(|f| Field::new(f.name(), DataType::Utf8, true)).collect::<Vec<_>>(),
    ));
    let batch = arrow_csv::ReaderBuilder::new(text_schema)
        .with_header(true)
        .with_truncated_rows(true)
        .with_batch_size(rows)
        .build_buffered(Cursor::new(sample))
        .ok()
        .and_then(|mut reader| reader.next())
        .and_then(|batch| batch.ok());
    // A sample the text reader cannot read has an error the main reader will report.
    let Some(batch) = batch else { return Vec::new() };
    let mut warnings = Vec::new();
    for i in suspects {
        let values = batch.column(i).as_string::<i32>();
        let mut numbers = 0usize;
        let mut texts = 0usize;
        let mut first_text = None;
        for row in 0..values.len() {
            if values.is_null(row) {
                continue;
            }
            let value = values.value(row);
            if value.trim().parse::<f64>().is_ok() {
                numbers += 1;
            } else {
                texts += 1;
                first_text.get_or_insert((row + 2, value.to_string()));
            }
        }
        let name = schema.field(i).name();
        if let Some((line, value)) = first_text.filter(|_| numbers > texts) {
            let others = if texts > 1 { format!(" and {} other lines", texts - 1) } else { String::new() };
            warnings.push(format!(
                "{}: column {} ({name}) is stored as text: line {line} has '{value}'{others}, where {numbers} other \
                 values of the first {rows} rows are numbers; declare its datatype in the metadata file to make \
                 such values an error",
                path.display(),
                i + 1
            ));
        } else if numbers == 0 && texts == 0 {
            warnings.push(format!(
                "{}: column {} ({name}) has no values in the first {rows} rows and is stored as text; declare its \
                 datatype in the metadata file if it holds numbers",
                path.display(),
                i + 1
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str, types: &[(String, DataType)], batch: usize, sample: usize) -> Result<CsvSource> {
        CsvSource::new(Path::new("t.csv"), Box::new(Cursor::new(text.as_bytes().to_vec())), types, batch, sample)
    }

    fn read_all(mut s: CsvSource) -> Result<Vec<RecordBatch>> {
        let mut batches = Vec::new();
        while let Some(b) = s.next_batch() {
            batches.push(b?);
        }
        Ok(batches)
    }

    #[test]
    fn types_come_from_the_sample_and_later_values_must_fit() {
        let mut text = String::from("id,ra,mag,name\n");
        for i in 0..20 {
            text.push_str(&format!("{i},{}.5,{}.25,n{i}\n", i * 10, i % 7));
        }
        let s = source(&text, &[], 4, 8).unwrap();
        let types: Vec<DataType> = s.schema().fields().iter().map(|f| f.data_type().clone()).collect();
        assert_eq!(types, [DataType::Int64, DataType::Float64, DataType::Float64, DataType::Utf8]);
        let batches = read_all(s).unwrap();
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 20, "the sample is replayed, not lost");

        // Line 18 (data row 17, past the 8-row sample and in the fifth batch) holds text.
        let bad = text.replace("17,170.5,3.25,n17", "17,170.5,abc,n17");
        let err = read_all(source(&bad, &[], 4, 8).unwrap()).unwrap_err().to_string();
        assert!(err.starts_with("t.csv: line 19, column 3 (mag): cannot read 'abc' as Float64"), "{err}");
        assert!(err.contains("inferred from the first 8 rows"), "{err}");
        // An integer column meeting a real number.
        let bad = text.replace("\n15,", "\n15.5,");
        let err = read_all(source(&bad, &[], 4, 8).unwrap()).unwrap_err().to_string();
        assert!(err.contains("line 17, column 1 (id): cannot read '15.5' as Int64"), "{err}");
        // A declared type: no hint about inference.
        let declared = [("mag".to_string(), DataType::Float32)];
        let bad = text.replace("\n3,30.5,3.25", "\n3,30.5,x");
        let err = read_all(source(&bad, &declared, 4, 8).unwrap()).unwrap_err().to_string();
        assert_eq!(err, "t.csv: line 5, column 3 (mag): cannot read 'x' as Float32");
    }

    #[test]
    fn wrong_field_counts_name_the_line() {
        let err = read_all(source("id,ra,dec\n1,10,20\n2,11\n", &[], 10, 100).unwrap()).unwrap_err().to_string();
        assert_eq!(err, "t.csv: line 3: 2 fields, but the header has 3 (id, ra, dec)");
        let err = read_all(source("id,ra,dec\n1,10,20\n2,11,3\n4,5,6,7\n", &[], 1, 100).unwrap()).unwrap_err();
        let err = err.to_string();
        assert!(err.starts_with("t.csv: line 4: ") && err.contains("fields, but the header has 3"), "{err}");
    }

    #[test]
    fn stray_text_in_a_numeric_sample_is_a_warning() {
        let mut text = String::from("id,mag,name\n");
        for i in 0..10 {
            let mag = if i == 4 { "n/a".to_string() } else { format!("{i}.5") };
            text.push_str(&format!("{i},{mag},x{i}\n"));
        }
        let s = source(&text, &[], 100, 1000).unwrap();
        assert_eq!(s.schema().field(1).data_type(), &DataType::Utf8);
        let warnings = s.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("column 2 (mag)") && warnings[0].contains("line 6 has 'n/a'"), "{warnings:?}");
    }

    #[test]
    fn the_sample_stops_at_a_line_end_after_its_byte_limit() {
        let text = "a,b\n1,2\n3,4\n5,6\n";
        let mut sampler = Sampler {
            inner: Box::new(Cursor::new(text.as_bytes().to_vec())),
            seen: Vec::new(),
            visible: 0,
            limit: 6,
            done: false,
        };
        let mut given = Vec::new();
        sampler.read_to_end(&mut given).unwrap();
        assert_eq!(given, b"a,b\n1,2\n");
        assert_eq!(sampler.seen, text.as_bytes());
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_name() {
        let s = source("\u{feff}id,ra\n1,2\n", &[], 10, 10).unwrap();
        assert_eq!(s.schema().field(0).name(), "id");
        let s = source("i,ra\n1,2\n", &[], 10, 10).unwrap();
        assert_eq!(s.schema().field(0).name(), "i");
    }

    #[test]
    fn no_header_is_an_error() {
        let err = source("", &[], 10, 10).err().unwrap().to_string();
        assert_eq!(err, "t.csv: no header line");
    }
}
