//! Readers that turn a user's input file into Arrow record batches for ingest.
//!
//! Each source reports errors with the file name and, where the format has them, line and column.
//! CSV, VOTable and FITS inputs may be gzip-compressed (recognised by their first bytes, whatever
//! the name): they are read through a decompressor, still as one stream. Parquet needs random
//! access and is refused compressed (its pages are compressed inside the file anyway).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::{DataType, SchemaRef};

pub use crate::csv_source::{CsvSource, SAMPLE_ROWS};
use crate::error::{CatalogError, Result};
pub use crate::fits::{FitsSource, HduSelector, split_hdu_selector};

/// The input formats `ingest` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Votable,
    Parquet,
    Fits,
}

impl InputFormat {
    /// Guesses the format from the file name's extension (less any FITS HDU selection).
    pub fn from_path(path: &Path) -> Option<Self> {
        let (path, _) = split_hdu_selector(path);
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with(".csv") {
            Some(InputFormat::Csv)
        } else if name.ends_with(".vot") || name.ends_with(".votable") || name.ends_with(".xml") {
            Some(InputFormat::Votable)
        } else if name.ends_with(".parquet") || name.ends_with(".pq") {
            Some(InputFormat::Parquet)
        } else if name.ends_with(".fits") || name.ends_with(".fit") || name.ends_with(".fts") {
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
    /// What the reader noticed about the input that is not an error (e.g. a CSV column stored
    /// as text although most of its values are numbers).
    fn warnings(&self) -> Vec<String> {
        Vec::new()
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
/// (from the user's metadata file) where the format's own typing is weak (CSV). A FITS path may
/// end in an HDU selection, `file.fits[NAME]` or `file.fits#2` (see [`split_hdu_selector`]).
pub fn open_source(
    path: &Path,
    format: InputFormat,
    types: &[(String, DataType)],
    batch_size: usize,
    counter: ByteCounter,
) -> Result<Box<dyn BatchSource>> {
    match format {
        InputFormat::Csv => {
            let input = open_input(path, counter)?;
            Ok(Box::new(CsvSource::new(path, input, types, batch_size, SAMPLE_ROWS)?))
        }
        InputFormat::Parquet => {
            if is_gzip(path)? {
                return Err(CatalogError::BadInput(format!(
                    "{}: gzip-compressed Parquet cannot be read (Parquet needs random access); gunzip it first",
                    path.display()
                )));
            }
            Ok(Box::new(ParquetSource::open(path, batch_size, counter)?))
        }
        InputFormat::Votable => Ok(Box::new(VotableSource::open(path, batch_size, counter)?)),
        InputFormat::Fits => {
            let (file, selector) = split_hdu_selector(path);
            let input = open_input(&file, counter)?;
            Ok(Box::new(FitsSource::new(&file, input, &selector.unwrap_or_default(), batch_size)?))
        }
    }
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| CatalogError::io(path, e))
}

/// Whether the file starts with the gzip magic bytes.
fn is_gzip(path: &Path) -> Result<bool> {
    let mut magic = [0u8; 2];
    let mut file = open_file(path)?;
    let mut got = 0;
    while got < 2 {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CatalogError::io(path, e)),
        }
    }
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

/// The bytes of `path`, decompressed when the file is gzip (`.csv.gz`, `.fits.gz`, ...), as one
/// stream. The counter counts the bytes of the file itself, so progress matches its size.
pub fn open_input(path: &Path, counter: ByteCounter) -> Result<Box<dyn Read + Send>> {
    let gzip = is_gzip(path)?;
    let file = CountingReader { inner: open_file(path)?, counter };
    if gzip {
        // Multi-member: `cat a.gz b.gz` and bgzip files are one stream too.
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file));
        Ok(Box::new(GzipErrors { inner: decoder }))
    } else {
        Ok(Box::new(file))
    }
}

/// Says which layer failed when the decompressor does (a corrupt or truncated `.gz`).
struct GzipErrors<R> {
    inner: R,
}

impl<R: Read> Read for GzipErrors<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| std::io::Error::new(e.kind(), format!("gzip decompression failed: {e}")))
    }
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
    reader: vo_votable::reader::VotableReader<BufReader<Box<dyn Read + Send>>>,
}

impl VotableSource {
    pub fn open(path: &Path, batch_size: usize, counter: ByteCounter) -> Result<Self> {
        let input = BufReader::with_capacity(1 << 20, open_input(path, counter)?);
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
    fn formats_from_extensions() {
        assert_eq!(InputFormat::from_path(Path::new("a/b.CSV")), Some(InputFormat::Csv));
        assert_eq!(InputFormat::from_path(Path::new("t.vot")), Some(InputFormat::Votable));
        assert_eq!(InputFormat::from_path(Path::new("t.parquet")), Some(InputFormat::Parquet));
        assert_eq!(InputFormat::from_path(Path::new("t.fits")), Some(InputFormat::Fits));
        assert_eq!(InputFormat::from_path(Path::new("t.fits.gz")), Some(InputFormat::Fits));
        assert_eq!(InputFormat::from_path(Path::new("t.csv.gz")), Some(InputFormat::Csv));
        assert_eq!(InputFormat::from_path(Path::new("t.txt")), None);
    }
}
