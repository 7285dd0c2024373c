//! Reading a FITS binary table (BINTABLE, FITS 4.0 §7.3) as a stream of Arrow record batches.
//!
//! The reader goes through the file once, front to back: HDUs before the chosen table are
//! skipped without being held, and the table's rows are read a block at a time, so memory is
//! bounded by the batch size whatever the file's length, and a gzip-compressed file reads the
//! same way through a decompressor. The table is the first BINTABLE extension, or the one a
//! [`HduSelector`] names (its EXTNAME, or its position among the extensions, 1 being the first
//! extension, as in CFITSIO's `file.fits[1]` and STILTS's `file.fits#1`).
//!
//! Column names come from TTYPEn (`colN` where missing); TUNITn, TUCDn, TUTYPn and TCOMMn
//! (description) go into the Arrow field metadata under the keys the store reads, as the
//! FITS writers of STILTS, DaCHS and our own `vo-formats` write them. Types, scaling and nulls
//! are described in [`columns`].
//!
//! A FITS-plus primary HDU (STILTS, TOPCAT) adds the UCDs, units and descriptions of its
//! VOTable's FIELDs to the first BINTABLE's columns where the header has none.
//!
//! We do not use the `fitsrs` crate here: its 0.4 BINTABLE reader yields one value enum per
//! cell and leaves TNULL/TSCAL/TZERO to the caller, which is the larger part of this work.

mod columns;
mod header;

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::{Field, Schema, SchemaRef};

use crate::error::{CatalogError, Result};
use crate::ingest::field_keys;
use crate::sources::BatchSource;
use columns::{Column, plan_columns};
use header::{BLOCK, Header, read_full};

/// What went wrong reading a FITS file (turned into [`CatalogError::BadInput`] with the path).
#[derive(Debug, thiserror::Error)]
pub enum FitsError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Format(String),
    /// A block that does not start a header where one should start.
    #[error("not a FITS file (it does not start with SIMPLE = T)")]
    NotAHeader,
}

/// Which HDU holds the table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HduSelector {
    /// The first BINTABLE extension.
    #[default]
    FirstTable,
    /// The extension with this EXTNAME (compared without regard to case, as FITS readers do).
    Name(String),
    /// The n-th extension, 1 being the first one after the primary HDU.
    Index(usize),
}

impl HduSelector {
    /// `"2"` is an index, anything else a name.
    pub fn parse(text: &str) -> Self {
        match text.parse::<usize>() {
            Ok(n) => HduSelector::Index(n),
            Err(_) => HduSelector::Name(text.to_string()),
        }
    }
}

/// Rows are read in blocks of at most this many bytes, whatever the batch size, so a table of
/// very wide rows does not ask for a huge buffer.
const MAX_BLOCK_BYTES: usize = 64 << 20;

/// The rows of one BINTABLE.
pub struct FitsSource {
    path: PathBuf,
    schema: SchemaRef,
    columns: Vec<Column>,
    input: BufReader<Box<dyn Read + Send>>,
    row_width: usize,
    rows: u64,
    rows_read: u64,
    block_rows: usize,
    failed: bool,
}

impl FitsSource {
    /// Reads the headers up to the chosen table from `input` (already decompressed), ready to
    /// stream its rows in batches of `batch_size`.
    pub fn new(path: &Path, input: Box<dyn Read + Send>, selector: &HduSelector, batch_size: usize) -> Result<Self> {
        let bad = |e: FitsError| CatalogError::BadInput(format!("{}: {e}", path.display()));
        let mut input = BufReader::with_capacity(1 << 20, input);
        let Found { header, plus } = find_table(&mut input, selector).map_err(bad)?;
        let mut columns = plan_columns(&header).map_err(bad)?;
        if let Some(plus) = plus {
            merge_fits_plus(&mut columns, &plus);
        }
        if columns.is_empty() {
            return Err(bad(FitsError::Format("the table has no columns".into())));
        }
        let row_width = usize::try_from(header.required_count("NAXIS1").map_err(bad)?)
            .map_err(|_| bad(FitsError::Format("NAXIS1 is too large".into())))?;
        let rows = header.required_count("NAXIS2").map_err(bad)?;
        let block_rows = batch_size.max(1).min(MAX_BLOCK_BYTES.checked_div(row_width).unwrap_or(1).max(1));
        let schema = SchemaRef::new(Schema::new(columns.iter().map(|c| c.field.clone()).collect::<Vec<_>>()));
        Ok(FitsSource {
            path: path.to_path_buf(),
            schema,
            columns,
            input,
            row_width,
            rows,
            rows_read: 0,
            block_rows,
            failed: false,
        })
    }

    /// The rows the header announces (NAXIS2).
    pub fn row_count(&self) -> u64 {
        self.rows
    }

    fn read_block(&mut self) -> Result<RecordBatch> {
        let n = (self.rows - self.rows_read).min(self.block_rows as u64) as usize;
        let mut block = vec![0u8; n * self.row_width];
        let got = read_full(&mut self.input, &mut block)
            .map_err(|e| CatalogError::BadInput(format!("{}: {e}", self.path.display())))?;
        if got < block.len() {
            let complete = self.rows_read + (got / self.row_width.max(1)) as u64;
            return Err(CatalogError::BadInput(format!(
                "{}: the file ends after row {complete} of the {} its header announces (truncated?)",
                self.path.display(),
                self.rows
            )));
        }
        let arrays = self.columns.iter().map(|c| c.decode(&block, self.row_width)).collect();
        self.rows_read += n as u64;
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), arrays, &options)?)
    }
}

impl BatchSource for FitsSource {
    fn path(&self) -> &Path {
        &self.path
    }
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
    fn next_batch(&mut self) -> Option<Result<RecordBatch>> {
        if self.failed || self.rows_read >= self.rows {
            return None;
        }
        let batch = self.read_block();
        self.failed = batch.is_err();
        Some(batch)
    }
}

/// The table found: its header, and the FIELDs of a FITS-plus primary HDU that describe it.
struct Found {
    header: Header,
    plus: Option<Vec<Field>>,
}

/// FITS-plus (what STILTS and TOPCAT write): a primary HDU with `VOTMETA = T` whose bytes are a
/// VOTable describing the first BINTABLE. Its FIELDs carry UCDs, units and descriptions the
/// BINTABLE header often lacks. Best effort: a document that does not parse is ignored.
fn fits_plus_fields(primary: &Header, data: &[u8]) -> Option<Vec<Field>> {
    if primary.boolean("VOTMETA") != Some(true) {
        return None;
    }
    let length = usize::try_from(primary.integer("NAXIS1").ok()??).ok()?.min(data.len());
    let reader = vo_votable::reader::VotableReader::new(&data[..length]).ok()?;
    Some(reader.schema().fields().iter().map(|f| f.as_ref().clone()).collect())
}

/// Copies the semantic metadata of FITS-plus FIELDs into columns that lack it, when the FIELDs
/// match the columns one for one by name.
fn merge_fits_plus(columns: &mut [Column], plus: &[Field]) {
    if plus.len() != columns.len() || columns.iter().zip(plus).any(|(c, f)| c.field.name() != f.name()) {
        return;
    }
    for (column, field) in columns.iter_mut().zip(plus) {
        let mut metadata = column.field.metadata().clone();
        for key in [field_keys::UCD, field_keys::UNIT, field_keys::UTYPE, field_keys::XTYPE, field_keys::DESCRIPTION] {
            if let Some(value) = field.metadata().get(key).filter(|v| !v.is_empty()) {
                metadata.entry(key.to_string()).or_insert_with(|| value.clone());
            }
        }
        column.field = column.field.clone().with_metadata(metadata);
    }
}

/// The most primary-HDU bytes read as FITS-plus metadata; larger primaries are skipped.
const MAX_FITS_PLUS_BYTES: u64 = 16 << 20;

/// Reads HDUs until the selected BINTABLE's header; the input is left at its first row.
fn find_table(input: &mut dyn Read, selector: &HduSelector) -> Result<Found, FitsError> {
    let mut consumed = 0u64;
    let primary = match Header::read(input, &mut consumed, "SIMPLE") {
        Ok(Some(header)) => header,
        Ok(None) => return Err(FitsError::Format("the file is empty".into())),
        // Less than a block: too short to be FITS, whatever it is.
        Err(FitsError::Format(_)) if consumed < BLOCK as u64 => return Err(FitsError::NotAHeader),
        Err(e) => return Err(e),
    };
    let primary_size = primary.data_size(true)?;
    let mut plus = None;
    if primary.boolean("VOTMETA") == Some(true) && primary_size <= MAX_FITS_PLUS_BYTES {
        let mut data = vec![0u8; primary_size as usize];
        if read_full(input, &mut data)? < data.len() {
            return Err(FitsError::Format("the file ends inside a data unit (truncated?)".into()));
        }
        plus = fits_plus_fields(&primary, &data);
    } else {
        skip(input, primary_size)?;
    }
    let mut tables_seen = 0;
    let mut seen = Vec::new();
    for index in 1usize.. {
        let header = match Header::read(input, &mut consumed, "XTENSION") {
            Ok(Some(header)) => header,
            // Some writers leave blocks of padding after the last HDU: they end the file too.
            Ok(None) | Err(FitsError::NotAHeader) => return Err(not_found(selector, &seen)),
            Err(e) => return Err(e),
        };
        let xtension = header.string("XTENSION").unwrap_or("").trim().to_string();
        let name = header.string("EXTNAME").map(str::trim).unwrap_or("").to_string();
        // A tile-compressed image is stored as a BINTABLE but is not a table.
        let is_table = xtension == "BINTABLE" && header.boolean("ZIMAGE") != Some(true);
        tables_seen += usize::from(xtension == "BINTABLE");
        let chosen = match selector {
            HduSelector::FirstTable => is_table,
            HduSelector::Name(wanted) => name.eq_ignore_ascii_case(wanted.trim()),
            HduSelector::Index(wanted) => index == *wanted,
        };
        if chosen {
            if !is_table {
                let what = if xtension == "BINTABLE" { "a compressed image".to_string() } else { xtension };
                return Err(FitsError::Format(format!(
                    "extension {index}{} is {what}, not a binary table (BINTABLE)",
                    if name.is_empty() { String::new() } else { format!(" ({name})") }
                )));
            }
            // The FITS-plus VOTable describes the first BINTABLE.
            let plus = if tables_seen == 1 { plus.take() } else { None };
            return Ok(Found { header, plus });
        }
        seen.push(if name.is_empty() { xtension } else { format!("{xtension} {name}") });
        skip(input, header.data_size(false)?)?;
    }
    unreachable!("the loop returns")
}

fn not_found(selector: &HduSelector, seen: &[String]) -> FitsError {
    let seen = if seen.is_empty() { "none".to_string() } else { seen.join(", ") };
    FitsError::Format(match selector {
        HduSelector::FirstTable if seen.contains("TABLE") && !seen.contains("BINTABLE") => {
            format!("no binary table (BINTABLE) extension; ASCII TABLE extensions are not read (extensions: {seen})")
        }
        HduSelector::FirstTable => format!("no binary table (BINTABLE) extension (extensions: {seen})"),
        HduSelector::Name(name) => format!("no extension named {name} (extensions: {seen})"),
        HduSelector::Index(n) => format!("no extension {n} (extensions: {seen})"),
    })
}

/// Skips `bytes` bytes of a stream (which may not be seekable: a decompressor).
fn skip(input: &mut dyn Read, bytes: u64) -> Result<(), FitsError> {
    let skipped = std::io::copy(&mut input.take(bytes), &mut std::io::sink())?;
    if skipped < bytes {
        return Err(FitsError::Format("the file ends inside a data unit (truncated?)".into()));
    }
    Ok(())
}

/// Splits `file.fits[NAME]` / `file.fits#NAME` (a CFITSIO / STILTS HDU selection) into the path
/// and the selector, unless the whole text names an existing file.
pub fn split_hdu_selector(path: &Path) -> (PathBuf, Option<HduSelector>) {
    if path.exists() {
        return (path.to_path_buf(), None);
    }
    let text = path.to_string_lossy();
    let split =
        if let Some(stripped) = text.strip_suffix(']') { stripped.rsplit_once('[') } else { text.rsplit_once('#') };
    match split {
        Some((file, hdu)) if !hdu.is_empty() && Path::new(file).is_file() => {
            (PathBuf::from(file), Some(HduSelector::parse(hdu)))
        }
        _ => (path.to_path_buf(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hdu_selectors_parse() {
        assert_eq!(HduSelector::parse("2"), HduSelector::Index(2));
        assert_eq!(HduSelector::parse("STARS"), HduSelector::Name("STARS".into()));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.fits");
        std::fs::write(&file, b"x").unwrap();
        let with = |s: &str| split_hdu_selector(&dir.path().join(s));
        assert_eq!(with("t.fits"), (file.clone(), None));
        assert_eq!(with("t.fits[OTHER]"), (file.clone(), Some(HduSelector::Name("OTHER".into()))));
        assert_eq!(with("t.fits#2"), (file.clone(), Some(HduSelector::Index(2))));
        assert_eq!(with("nothere.fits#2").1, None);
    }

    #[test]
    fn not_fits_and_truncated_files_are_named() {
        let err = FitsSource::new(Path::new("x.fits"), Box::new(&b"id,ra\n1,2\n"[..]), &HduSelector::default(), 10)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(err, "x.fits: not a FITS file (it does not start with SIMPLE = T)");
        let mut block = vec![b' '; 2880];
        for (i, card) in [
            "SIMPLE  =                    T",
            "BITPIX  =                    8",
            "NAXIS   =                    0",
            "END",
        ]
        .iter()
        .enumerate()
        {
            block[i * 80..i * 80 + card.len()].copy_from_slice(card.as_bytes());
        }
        let err =
            FitsSource::new(Path::new("p.fits"), Box::new(std::io::Cursor::new(block)), &HduSelector::default(), 10)
                .err()
                .unwrap()
                .to_string();
        assert!(err.contains("no binary table") && err.contains("none"), "{err}");
    }
}
