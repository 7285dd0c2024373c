//! The offline tools: `votable convert` (re-encode a table) and `adql check` (lint a query).

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use vo_catalog::{ByteCounter, InputFormat, open_source};
use vo_dali::response::FormatKind;
use vo_formats::{EndStatus, ResultInfo, encoder_for};

#[derive(Debug, Subcommand)]
pub enum VotableCommand {
    /// Re-encode a table (VOTable in any serialization, CSV or Parquet) as VOTable, CSV or Parquet.
    Convert(ConvertArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// VOTable TABLEDATA
    Td,
    /// VOTable BINARY
    Binary,
    /// VOTable BINARY2
    Binary2,
    Csv,
    Tsv,
    /// VOParquet: Parquet with the VOTable metadata embedded
    Parquet,
    Fits,
    Json,
}

impl OutputFormat {
    fn kind(self) -> FormatKind {
        match self {
            OutputFormat::Td => FormatKind::VotableTabledata,
            OutputFormat::Binary => FormatKind::VotableBinary,
            OutputFormat::Binary2 => FormatKind::VotableBinary2,
            OutputFormat::Csv => FormatKind::Csv,
            OutputFormat::Tsv => FormatKind::Tsv,
            OutputFormat::Parquet => FormatKind::Parquet,
            OutputFormat::Fits => FormatKind::Fits,
            OutputFormat::Json => FormatKind::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Output format.
    #[arg(long)]
    pub to: OutputFormat,
    /// Input format [default: from the file name: .vot/.xml, .csv, .parquet].
    #[arg(long)]
    pub from: Option<String>,
    /// Rows per batch while streaming.
    #[arg(long, default_value_t = 65_536)]
    pub batch_rows: usize,
    /// Input file.
    pub input: PathBuf,
    /// Output file (`-` for standard output).
    pub output: PathBuf,
}

/// Streams `input` through the encoder of the requested format into `output`, batch by batch:
/// memory stays bounded by the batch size, whatever the table's length. A conversion that fails
/// removes its partial output.
pub fn convert(args: &ConvertArgs) -> Result<()> {
    let result = convert_streaming(args);
    if result.is_err() && args.output.as_os_str() != "-" {
        let _ = std::fs::remove_file(&args.output);
    }
    result
}

fn convert_streaming(args: &ConvertArgs) -> Result<()> {
    let format = match &args.from {
        Some(name) => InputFormat::parse(name)?,
        None => InputFormat::from_path(&args.input).with_context(|| {
            format!("cannot tell the format of {} from its name; give --from", args.input.display())
        })?,
    };
    let started = Instant::now();
    let counter = ByteCounter::default();
    let mut source = open_source(&args.input, format, &[], args.batch_rows.max(1), counter.clone())?;
    let schema = source.schema();
    let table_name = args.input.file_stem().map(|s| s.to_string_lossy().into_owned());
    let mut encoder = encoder_for(args.to.kind(), ResultInfo { table_name, ..ResultInfo::default() })?;

    let sink: Box<dyn Write> = if args.output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&args.output).with_context(|| format!("cannot create {}", args.output.display()))?)
    };
    let mut sink = BufWriter::with_capacity(1 << 20, sink);
    let mut buffer = Vec::with_capacity(1 << 20);
    encoder.begin(&schema, &mut buffer)?;
    let mut rows = 0u64;
    while let Some(batch) = source.next_batch() {
        let batch = batch?;
        rows += batch.num_rows() as u64;
        encoder.write_batch(&batch, &mut buffer)?;
        if buffer.len() >= 1 << 20 {
            sink.write_all(&buffer)?;
            buffer.clear();
        }
    }
    sink.write_all(&buffer)?;
    let mut write_error = None;
    encoder.finish_streaming(&EndStatus::Ok, &mut |piece| {
        if write_error.is_none() {
            write_error = sink.write_all(piece).err();
        }
        Ok(())
    })?;
    if let Some(error) = write_error {
        return Err(error).with_context(|| format!("cannot write {}", args.output.display()));
    }
    sink.flush()?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{} rows, {} columns, {:.1} MB read in {:.2} s ({:.0} rows/s)",
        rows,
        schema.fields().len(),
        counter.get() as f64 / 1e6,
        seconds,
        rows as f64 / seconds.max(1e-9)
    );
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum AdqlCommand {
    /// Check ADQL read from FILE (or standard input): prints the normalised query (exit 0) or the
    /// error with its line and column (exit 1).
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Check the syntax only; without it, table and column names are checked against the tables
    /// of the data dir and TAP_SCHEMA.
    #[arg(long)]
    pub syntax_only: bool,
    /// File holding the query [default: standard input].
    pub file: Option<PathBuf>,
}

/// Reads the query text of `adql check`.
pub fn read_query(file: Option<&Path>) -> Result<String> {
    let mut text = String::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            File::open(path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
        _ => {
            std::io::stdin().read_to_string(&mut text).context("cannot read the query from standard input")?;
        }
    }
    if text.trim().is_empty() {
        bail!("the query is empty");
    }
    Ok(text)
}

/// Checks `text`; `tables` (when given) are the tables names are resolved against.
pub fn check(text: &str, tables: Option<&[vo_catalog::TableMeta]>) -> std::result::Result<String, vo_adql::AdqlError> {
    match tables {
        None => vo_adql::check(text, None),
        Some(tables) => {
            let mut all = tables.to_vec();
            all.extend(vo_tap::metadata::tap_schema_tables());
            let catalog = vo_tap::metadata::TapCatalog::new(&all);
            vo_adql::check(text, Some(&catalog))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_position_and_normalises() {
        let error = check("SELECT ra\nFROM demo.stars WHERE", None).unwrap_err();
        assert!(error.to_string().starts_with("line 2, column"), "{error}");
        let normal = check("select top 3 ra from demo.stars", None).unwrap();
        assert!(normal.contains("TOP 3"), "{normal}");
        let tap_schema = check("SELECT table_name FROM TAP_SCHEMA.tables", Some(&[])).unwrap();
        assert!(tap_schema.contains("TAP_SCHEMA.tables"), "{tap_schema}");
        let unknown = check("SELECT x FROM demo.stars", Some(&[])).unwrap_err();
        assert!(unknown.to_string().contains("demo.stars"), "{unknown}");
    }
}
