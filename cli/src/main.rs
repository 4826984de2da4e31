//! The `ucifi` command line.
//!
//! Each subcommand lives in its own module with an `Args` struct (clap derive) and a
//! `run(args) -> Result<ExitCode, String>` function. Adding one is three lines: a `mod`
//! line, a variant of [`Command`] and an arm in [`main`].
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod lint;

/// Typed LwM2M / uCIFI tooling: lint object definitions, generate code, handle payloads.
#[derive(Debug, Parser)]
#[command(name = "ucifi", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Read and validate DDF object definitions (files or folders).
    Lint(lint::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
