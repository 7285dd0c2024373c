//! `astrocloud`: the AstroCloud reference VO data-centre server and its tools.
//!
//! ```text
//! astrocloud demo                      # build the demo catalogue (first run) and serve it
//! astrocloud serve --config FILE       # serve every table of the data dir
//! astrocloud ingest --table s.t FILE…  # load a catalogue (CSV, VOTable, Parquet)
//! astrocloud votable convert --to binary2 IN OUT   # re-encode a table
//! astrocloud adql check [--syntax-only] [FILE]     # lint an ADQL query
//! ```

mod cli;
mod config;
mod ingest_cmd;
mod landing;
mod logging;
mod records;
mod server;
mod tools_cmd;

use anyhow::Result;
use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<()> {
    let cli = cli::Cli::parse();
    logging::init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(cli::run(cli));
    if let Err(e) = &result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}
