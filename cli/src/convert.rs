//! `ucifi convert --from F --to G --path P [HEX]`: a payload from one format to another.

use std::process::ExitCode;

use crate::payload::{self, TypeArgs};

/// Arguments of `ucifi convert`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Input as for `ucifi decode` (hex for binary formats, text for text formats, --hex for
hex whatever the format, --raw for bytes on stdin); output as for `ucifi encode` (hex or text; --raw-out for bytes).
Timestamps survive between senml-json, senml-cbor and lwm2m-json; other formats cannot
carry them and are refused.

Examples:
  ucifi convert --from tlv --to senml-cbor --path /3/0/9 c10957
  ucifi convert --from 11542 --to 11544 --path /3416/0 < lamp.hex
  ucifi convert --from senml-json --to tlv --path /3/0 '[{\"bn\":\"/3/0/\",\"n\":\"9\",\"v\":87}]'
  ucifi convert --from tlv --to senml-json --path /3416/0 --object-version 3416=1.0 < lamp-v1.hex")]
pub struct Args {
    /// Content format of the input (name or CoAP number).
    #[arg(long, value_name = "F")]
    pub from: String,
    /// Content format of the output (name or CoAP number).
    #[arg(long, value_name = "G")]
    pub to: String,
    /// The path the payload is addressed to: /O, /O/I, /O/I/R or /O/I/R/RI; / for a
    /// composite payload (Send, Read-Composite) in SenML or LwM2M CBOR.
    #[arg(long, short = 'p', value_name = "P")]
    pub path: String,
    /// The payload: hex for binary formats, text for text formats (default: stdin).
    #[arg(value_name = "HEX")]
    pub payload: Option<String>,
    /// Read the payload bytes from stdin exactly as they are.
    #[arg(long, conflicts_with = "payload")]
    pub raw: bool,
    /// The payload is hex even for a text format (e.g. a captured SenML JSON payload).
    #[arg(long, conflicts_with = "raw")]
    pub hex: bool,
    /// Write the output bytes exactly (no hex, no trailing newline).
    #[arg(long)]
    pub raw_out: bool,
    /// Encode values outside their model's range too (numbers, lengths, codes).
    #[arg(long)]
    pub no_validate: bool,
    #[command(flatten)]
    pub models: TypeArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let from = payload::parse_format(&args.from)?;
    let to = payload::parse_format(&args.to)?;
    let path = payload::parse_path(&args.path)?;
    let types = args.models.load()?;
    let types = types.selection()?;
    let bytes = payload::read_input(
        from,
        args.payload.as_deref(),
        payload::InputForm::from_flags(args.raw, args.hex),
    )?;
    let leaves = payload::decode(from, &path, &bytes, &types, args.models.root_path())?;
    drop(bytes);
    if !args.no_validate {
        payload::validate(&leaves, &types)?;
    }
    let out = payload::encode(to, &path, leaves, &types, args.models.root_path())?;
    payload::write_output(to, &out, args.raw_out)?;
    Ok(ExitCode::SUCCESS)
}
