//! `astrocloud ingest`: load a user's catalogue, with a progress bar and a summary.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use vo_catalog::{
    ByteCounter, CatalogStore, IngestObserver, IngestOptions, InputFormat, MetadataFile, Phase, TableSpec, demo,
    open_source, sources::split_hdu_selector,
};

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The table to create, as SCHEMA.NAME.
    #[arg(long)]
    pub table: String,
    /// Input format (default: from the file extension): csv, votable, parquet, fits. CSV, VOTable
    /// and FITS files may be gzip-compressed (.csv.gz, .fits.gz...). A FITS file's first binary
    /// table is read, or the one named as FILE[EXTNAME] or numbered as FILE#N (1 = first extension).
    #[arg(long)]
    pub format: Option<String>,
    /// The right-ascension column (default: found by UCD pos.eq.ra;meta.main or a usual name).
    /// RA must be in [0, 360] degrees and Dec in [-90, 90]: other values are refused, not wrapped.
    #[arg(long)]
    pub ra: Option<String>,
    /// The declination column (default: found by UCD pos.eq.dec;meta.main or a usual name).
    #[arg(long)]
    pub dec: Option<String>,
    /// Column metadata (TOML: description, unit, ucd, utype, principal, indexed, datatype per column).
    #[arg(long)]
    pub meta: Option<PathBuf>,
    /// Replace the table if it exists.
    #[arg(long)]
    pub replace: bool,
    /// Rows per Parquet row group of the stored table.
    #[arg(long, default_value_t = IngestOptions::default().row_group_size)]
    pub row_group_size: usize,
    /// Input files (all with the same columns).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Shows progress on a terminal-friendly bar and collects warnings.
struct Progress {
    bar: ProgressBar,
    counter: ByteCounter,
}

impl IngestObserver for Progress {
    fn progress(&self, phase: Phase, rows: u64) {
        match phase {
            Phase::Reading => {
                self.bar.set_position(self.counter.get());
                self.bar.set_message(format!("{rows} rows read"));
            }
            Phase::Sorting => {
                self.bar.set_position(self.bar.length().unwrap_or(0));
                self.bar.set_message(format!("{rows} rows read; sorting by HEALPix index"));
            }
            Phase::Committing => self.bar.set_message(format!("{rows} rows; committing")),
        }
    }
    fn warning(&self, message: &str) {
        self.bar.suspend(|| eprintln!("warning: {message}"));
    }
}

pub async fn run(store: &CatalogStore, args: IngestArgs) -> Result<()> {
    let metadata = match &args.meta {
        Some(path) => MetadataFile::from_path(path)?,
        None => MetadataFile::default(),
    };
    let options = IngestOptions { row_group_size: args.row_group_size.max(1024), ..Default::default() };
    let counter = ByteCounter::default();
    let mut total_bytes = 0;
    let mut sources = Vec::new();
    for file in &args.files {
        let format = match &args.format {
            Some(f) => InputFormat::parse(f)?,
            None => InputFormat::from_path(file).with_context(|| {
                format!("cannot tell the format of {} from its name: give --format", file.display())
            })?,
        };
        // A FITS HDU selection (`file.fits[NAME]`) is not part of the file's name.
        let on_disk = if format == InputFormat::Fits { split_hdu_selector(file).0 } else { file.clone() };
        total_bytes += std::fs::metadata(&on_disk).with_context(|| format!("{}", on_disk.display()))?.len();
        sources.push(open_source(file, format, &metadata.type_overrides(), options.batch_size, counter.clone())?);
    }
    for warning in ucd_warnings(&metadata, &sources) {
        eprintln!("warning: {warning}");
    }
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {msg}")
            .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let progress = Progress { bar, counter };
    let spec = TableSpec { table: args.table.clone(), ra: args.ra, dec: args.dec, metadata, replace: args.replace };
    let report = vo_catalog::ingest(store, sources, &spec, &options, &progress).await;
    progress.bar.finish_and_clear();
    let report = report?;
    let rate = report.rows as f64 / report.seconds.max(1e-9);
    println!(
        "ingested {}: {} rows, {} input bytes, {} stored bytes, {:.1} s, {:.0} rows/s{}",
        report.table.qualified_name(),
        report.rows,
        total_bytes,
        report.output_bytes,
        report.seconds,
        rate,
        match &report.table.position {
            Some(p) => format!(" (positional: {} / {})", p.ra_column, p.dec_column),
            None => " (no position columns)".to_string(),
        }
    );
    Ok(())
}

/// Warnings for UCDs that are not valid UCD1+ (unknown words, wrong word order, deprecated words).
fn ucd_warnings(metadata: &MetadataFile, sources: &[Box<dyn vo_catalog::BatchSource>]) -> Vec<String> {
    let mut ucds: Vec<(String, String)> =
        metadata.columns.iter().filter_map(|(name, spec)| Some((name.clone(), spec.ucd.clone()?))).collect();
    if let Some(source) = sources.first() {
        for field in source.schema().fields() {
            if metadata.columns.get(field.name()).and_then(|s| s.ucd.as_ref()).is_some() {
                continue;
            }
            if let Some(ucd) = field.metadata().get(vo_votable::arrow_meta::UCD) {
                ucds.push((field.name().clone(), ucd.clone()));
            }
        }
    }
    let mut warnings = Vec::new();
    for (column, ucd) in ucds {
        for issue in vo_ucd::validate(&ucd) {
            warnings.push(format!("column {column}: UCD '{ucd}': {} ({})", issue.message, issue.kind.name()));
        }
    }
    warnings
}

/// Builds `demo.stars` with `rows` rows unless it is there already with that many rows.
pub async fn ensure_demo(store: &CatalogStore, rows: u64) -> Result<()> {
    if rows == 0 {
        bail!("--rows must be at least 1");
    }
    if let Some(existing) = store.table("demo.stars") {
        if existing.nrows == rows {
            return Ok(());
        }
        eprintln!("demo.stars has {} rows; rebuilding it with {rows}", existing.nrows);
    } else {
        eprintln!("building the demo catalogue demo.stars ({rows} rows) in {}", store.root().display());
    }
    let bar = ProgressBar::new(rows);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} rows {msg}")
            .expect("valid template"),
    );
    struct DemoProgress(ProgressBar);
    impl IngestObserver for DemoProgress {
        fn progress(&self, phase: Phase, rows: u64) {
            self.0.set_position(rows);
            if phase == Phase::Sorting {
                self.0.set_message("sorting by HEALPix index");
            }
        }
    }
    let observer = DemoProgress(bar);
    let spec =
        TableSpec { table: "demo.stars".into(), metadata: demo::metadata(), replace: true, ..Default::default() };
    let options = IngestOptions::default();
    let report =
        vo_catalog::ingest(store, vec![demo::source(rows, options.batch_size)], &spec, &options, &observer).await;
    observer.0.finish_and_clear();
    let report = report?;
    eprintln!("built demo.stars: {} rows in {:.1} s", report.rows, report.seconds);
    Ok(())
}
