//! The command line: subcommands and what each runs.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::tools_cmd::{self, AdqlCommand, VotableCommand};
use crate::{ingest_cmd, server};

#[derive(Debug, Parser)]
#[command(name = "astrocloud", version, about = "The AstroCloud VO data-centre server and its tools")]
pub struct Cli {
    /// Where the server keeps its metadata database, catalogue files and job results
    /// [default: ./astrocloud-data, or data_dir from the config file]
    #[arg(long, global = true, env = "ASTROCLOUD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the demo catalogue demo.stars in the data dir (first run only), then serve.
    Demo {
        /// Rows of demo.stars.
        #[arg(long, default_value_t = 1_000_000)]
        rows: u64,
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        bind: Option<String>,
        /// Configuration file (TOML; see astrocloud.example.toml).
        #[arg(long, env = "ASTROCLOUD_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Serve every table in the data dir.
    Serve {
        /// Configuration file (TOML; see astrocloud.example.toml).
        #[arg(long, env = "ASTROCLOUD_CONFIG")]
        config: Option<PathBuf>,
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        bind: Option<String>,
    },
    /// Load a catalogue into the data dir's catalogue store.
    Ingest(ingest_cmd::IngestArgs),
    /// VOTable tools.
    #[command(subcommand)]
    Votable(VotableCommand),
    /// ADQL tools.
    #[command(subcommand)]
    Adql(AdqlCommand),
}

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo { rows, bind, config } => {
            let config = load_config(config.as_deref(), cli.data_dir, bind)?;
            let ctx = server::open_data_dir(&config).await?;
            ingest_cmd::ensure_demo(&ctx.store, rows).await?;
            server::serve(config, ctx).await
        }
        Command::Serve { config, bind } => {
            let config = load_config(config.as_deref(), cli.data_dir, bind)?;
            let ctx = server::open_data_dir(&config).await?;
            server::serve(config, ctx).await
        }
        Command::Ingest(args) => {
            let config = load_config(None, cli.data_dir, None)?;
            let ctx = server::open_data_dir(&config).await?;
            ingest_cmd::run(&ctx.store, args).await
        }
        Command::Votable(VotableCommand::Convert(args)) => tokio::task::block_in_place(|| tools_cmd::convert(&args)),
        Command::Adql(AdqlCommand::Check(args)) => {
            let text = tools_cmd::read_query(args.file.as_deref())?;
            let tables = if args.syntax_only {
                None
            } else {
                let config = load_config(None, cli.data_dir, None)?;
                if !config.data_dir.exists() {
                    anyhow::bail!(
                        "no data dir at {} to check table names against; give --data-dir or --syntax-only",
                        config.data_dir.display()
                    );
                }
                let ctx = server::open_data_dir(&config).await?;
                Some(ctx.store.tables().iter().map(|t| t.as_ref().clone()).collect::<Vec<_>>())
            };
            match tools_cmd::check(&text, tables.as_deref()) {
                Ok(normalised) => {
                    println!("{normalised}");
                    Ok(())
                }
                Err(error) => {
                    eprintln!("{error}");
                    std::process::exit(1);
                }
            }
        }
    }
}

fn load_config(file: Option<&std::path::Path>, data_dir: Option<PathBuf>, bind: Option<String>) -> Result<Config> {
    let mut config = Config::load(file)?;
    if let Some(dir) = data_dir {
        config.data_dir = dir;
    }
    if let Some(bind) = bind {
        config.bind = bind;
    }
    Ok(config)
}
