//! Readers that turn a user's input file into Arrow record batches for ingest.
//!
//! Each source reports errors with the file name and, where the format has them, line and column.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::error::{CatalogError, Result};

/// The input formats `ingest` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Votable,
    Parquet,
    Fits,
}

impl InputFormat {
    /// Guesses the format from the file name's extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".csv") {
            Some(InputFormat::Csv)
        } else if name.ends_with(".vot") || name.ends_with(".votable") || name.ends_with(".xml") {
            Some(InputFormat::Votable)
        } else if name.ends_with(".parquet") || name.ends_with(".pq") {
            Some(InputFormat::Parquet)
        } else if name.ends_with(".fits") || name.ends_with(".fit") || name.ends_with(".fits.gz") {
            Some(InputFormat::Fits)
        } else {
            None
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(InputFormat::Csv),
            "votable" | "vot" | "xml" => Ok(InputFormat::Votable),
            "parquet" => Ok(InputFormat::Parquet),
            "fits" => Ok(InputFormat::Fits),
            other => {
                Err(CatalogError::BadInput(format!("unknown input format '{other}' (csv, votable, parquet, fits)")))
            }
        }
    }
}

/// A stream of record batches read from one input file.
pub trait BatchSource: Send {
    /// The file being read, for messages.
    fn path(&self) -> &Path;
    fn schema(&self) -> SchemaRef;
    fn next_batch(&mut self) -> Option<Result<RecordBatch>>;
    /// Where the `row`-th data row (0-based) of this source is, for messages (e.g. "line 12").
    fn locate_row(&self, row: u64) -> String {
        format!("row {}", row + 1)
    }
}

/// Counts the bytes read through it, for progress reports.
#[derive(Debug, Clone, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct CountingReader<R> {
    inner: R,
    counter: ByteCounter,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `path` as a source of the given format. `types` overrides the Arrow type of named columns
/// (from the user's metadata file) where the format's own typing is weak (CSV).
pub fn open_source(
    path: &Path,
    format: InputFormat,
    types: &[(String, DataType)],
    batch_size: usize,
    counter: ByteCounter,
) -> Result<Box<dyn BatchSource>> {
    match format {
        InputFormat::Csv => Ok(Box::new(CsvSource::open(path, types, batch_size, counter)?)),
        InputFormat::Parquet => Ok(Box::new(ParquetSource::open(path, batch_size, counter)?)),
        InputFormat::Votable => Ok(Box::new(VotableSource::open(path, batch_size, counter)?)),
        InputFormat::Fits => Err(CatalogError::BadInput(format!(
            "{}: FITS input is not supported yet; convert it to VOTable or Parquet (e.g. stilts tcopy {} out.vot)",
            path.display(),
            path.display()
        ))),
    }
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| CatalogError::io(path, e))
}

/// CSV with a header line. Column types are inferred from the whole file (a value that is not a
/// number makes the column a string), unless the metadata gives them.
pub struct CsvSource {
    path: PathBuf,
    schema: SchemaRef,
    reader: arrow_csv::reader::BufReader<BufReader<CountingReader<File>>>,
}

impl CsvSource {
    pub fn open(path: &Path, types: &[(String, DataType)], batch_size: usize, counter: ByteCounter) -> Result<Self> {
        let mut file = open_file(path)?;
        let format = arrow_csv::reader::Format::default().with_header(true);
        let (inferred, _) = format.infer_schema(BufReader::with_capacity(1 << 20, &mut file), None).map_err(|e| {
            CatalogError::BadInput(format!("{}: {}", path.display(), csv_message(&e.to_string(), None)))
        })?;
        if inferred.fields().is_empty() {
            return Err(CatalogError::BadInput(format!("{}: no header line", path.display())));
        }
        let fields: Vec<Field> = inferred
            .fields()
            .iter()
            .map(|f| {
                let overridden = types.iter().find(|(name, _)| name == f.name()).map(|(_, t)| t.clone());
                let data_type = overridden.unwrap_or_else(|| match f.data_type() {
                    DataType::Null => DataType::Utf8,
                    other => other.clone(),
                });
                Field::new(f.name(), data_type, true)
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        file.rewind().map_err(|e| CatalogError::io(path, e))?;
        let reader = arrow_csv::ReaderBuilder::new(schema.clone())
            .with_header(true)
            .with_batch_size(batch_size)
            .build_buffered(BufReader::with_capacity(1 << 20, CountingReader { inner: file, counter }))
            .map_err(|e| CatalogError::BadInput(format!("{}: {e}", path.display())))?;
        Ok(CsvSource { path: path.to_path_buf(), schema, reader })
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
        self.reader.next().map(|r| {
            r.map_err(|e| {
                CatalogError::BadInput(format!(
                    "{}: {}",
                    self.path.display(),
                    csv_message(&e.to_string(), Some(&self.schema))
                ))
            })
        })
    }
    fn locate_row(&self, row: u64) -> String {
        // Line 1 is the header.
        format!("line {}", row + 2)
    }
}

/// Rewrites arrow-csv's messages into "line L, column C (name): …" with 1-based columns.
fn csv_message(message: &str, schema: Option<&Schema>) -> String {
    let message = message.trim_start_matches("Parser error: ").trim_start_matches("Csv error: ");
    // "Error while parsing value 'x' as type 'Float64' for column 3 at line 5. Row data: '[...]'"
    if let Some(rest) = message.strip_prefix("Error while parsing value ") {
        let parts: Option<(String, String, usize, String)> = (|| {
            let (value, rest) = rest.split_once(" as type ")?;
            let (type_name, rest) = rest.split_once(" for column ")?;
            let (column, rest) = rest.split_once(" at line ")?;
            let line: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            Some((value.to_string(), type_name.trim_matches('\'').to_string(), column.trim().parse().ok()?, line))
        })();
        if let Some((value, type_name, column, line)) = parts {
            let name =
                schema.and_then(|s| s.fields().get(column)).map(|f| format!(" ({})", f.name())).unwrap_or_default();
            // arrow-csv counts data rows from 1; the header is line 1 of the file.
            let line = line.parse::<u64>().map(|l| (l + 1).to_string()).unwrap_or(line);
            return format!("line {line}, column {}{name}: cannot read {value} as {type_name}", column + 1);
        }
    }
    message.to_string()
}

/// A Parquet file, read with its own schema.
pub struct ParquetSource {
    path: PathBuf,
    schema: SchemaRef,
    reader: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
}

impl ParquetSource {
    pub fn open(path: &Path, batch_size: usize, counter: ByteCounter) -> Result<Self> {
        let file = open_file(path)?;
        let size = file.metadata().map_err(|e| CatalogError::io(path, e))?.len();
        let builder = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| CatalogError::BadInput(format!("{}: not a readable Parquet file: {e}", path.display())))?;
        let schema = builder.schema().clone();
        let reader = builder.with_batch_size(batch_size).build()?;
        // Parquet is read by row group; count the whole file as read once it is open.
        counter.0.fetch_add(size, Ordering::Relaxed);
        Ok(ParquetSource { path: path.to_path_buf(), schema, reader })
    }
}

impl BatchSource for ParquetSource {
    fn path(&self) -> &Path {
        &self.path
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        self.reader.next().map(|r| r.map_err(|e| CatalogError::BadInput(format!("{}: {e}", self.path.display()))))
    }
}

/// A VOTable (any serialization), read as a stream; FIELD metadata (unit, UCD, description...)
/// travels in the Arrow field metadata into the store.
pub struct VotableSource {
    path: PathBuf,
    schema: SchemaRef,
    reader: vo_votable::reader::VotableReader<BufReader<CountingReader<File>>>,
}

impl VotableSource {
    pub fn open(path: &Path, batch_size: usize, counter: ByteCounter) -> Result<Self> {
        let file = open_file(path)?;
        let input = BufReader::with_capacity(1 << 20, CountingReader { inner: file, counter });
        let reader = vo_votable::reader::VotableReader::with_base_dir(input, path.parent().map(Path::to_path_buf))
            .map_err(|e| CatalogError::BadInput(format!("{}: {e}", path.display())))?
            .with_batch_size(batch_size);
        Ok(VotableSource { path: path.to_path_buf(), schema: reader.schema(), reader })
    }
}

impl BatchSource for VotableSource {
    fn path(&self) -> &Path {
        &self.path
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        self.reader.next().map(|r| r.map_err(|e| CatalogError::BadInput(format!("{}: {e}", self.path.display()))))
    }
}

/// Record batches already in memory (e.g. the demo generator, or a VOTable read by the caller).
pub struct MemorySource {
    path: PathBuf,
    schema: SchemaRef,
    batches: std::vec::IntoIter<RecordBatch>,
}

impl MemorySource {
    pub fn new(name: impl Into<PathBuf>, schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        MemorySource { path: name.into(), schema, batches: batches.into_iter() }
    }
}

impl BatchSource for MemorySource {
    fn path(&self) -> &Path {
        &self.path
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        self.batches.next().map(Ok)
    }
}

/// Batches produced by a closure (a generator that never holds the whole table).
pub struct GeneratedSource<F> {
    name: PathBuf,
    schema: SchemaRef,
    next: F,
}

impl<F> GeneratedSource<F>
where
    F: FnMut() -> Option<Result<RecordBatch>> + Send,
{
    pub fn new(name: impl Into<PathBuf>, schema: SchemaRef, next: F) -> Self {
        GeneratedSource { name: name.into(), schema, next }
    }
}

impl<F> BatchSource for GeneratedSource<F>
where
    F: FnMut() -> Option<Result<RecordBatch>> + Send,
{
    fn path(&self) -> &Path {
        &self.name
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        (self.next)()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_messages_name_line_and_column() {
        let schema =
            Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Float64, true)]);
        let m = csv_message(
            "Parser error: Error while parsing value 'x1' as type 'Float64' for column 1 at line 4. Row data: '[1,x1]'",
            Some(&schema),
        );
        assert_eq!(m, "line 5, column 2 (b): cannot read 'x1' as Float64");
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(InputFormat::from_path(Path::new("a/b.CSV")), Some(InputFormat::Csv));
        assert_eq!(InputFormat::from_path(Path::new("t.vot")), Some(InputFormat::Votable));
        assert_eq!(InputFormat::from_path(Path::new("t.parquet")), Some(InputFormat::Parquet));
        assert_eq!(InputFormat::from_path(Path::new("t.fits")), Some(InputFormat::Fits));
        assert_eq!(InputFormat::from_path(Path::new("t.txt")), None);
    }
}
