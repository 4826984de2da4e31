//! The `ucifi` command line.
//!
//! Each subcommand lives in its own module with an `Args` struct (clap derive) and a
//! `run(args) -> Result<ExitCode, String>` function. Adding one is three lines: a `mod`
//! line, a variant of [`Command`] and an arm in [`main`].
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod client;
mod convert;
mod decode;
mod diff;
mod encode;
mod generate;
mod links;
mod lint;
mod models;
mod payload;
mod server;

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
    /// Decode a payload (any content format) to canonical SenML JSON.
    Decode(decode::Args),
    /// Encode SenML JSON (stdin) as a payload of any content format.
    Encode(encode::Args),
    /// Convert a payload from one content format to another.
    Convert(convert::Args),
    /// Compare two sets of object definitions: classified changes and a version check.
    Diff(diff::Args),
    /// List the known object versions, or print one object's model card.
    Models(models::Args),
    /// Generate typed Rust (modules or a whole crate) from DDF definitions.
    Generate(generate::Args),
    /// Run an LwM2M server on CoAP/UDP (NoSec): commands on stdin, JSON lines on stdout.
    Server(server::Args),
    /// Run a simulated LwM2M device on CoAP/UDP (NoSec): register, answer, notify.
    Client(client::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `lint` keeps its documented status 2 for failures; every other command exits 1.
    let failure = if matches!(cli.command, Command::Lint(_)) {
        2
    } else {
        1
    };
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Encode(args) => encode::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Models(args) => models::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Server(args) => server::run(args),
        Command::Client(args) => client::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(failure)
        }
    }
}
