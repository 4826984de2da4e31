//! `ucifi encode --format F --path P`: SenML JSON (stdin) to a payload of any format.

use std::process::ExitCode;

use ucifi_runtime::ContentFormat;

use crate::payload::{self, TypeArgs};

/// Arguments of `ucifi encode`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Input: SenML JSON on stdin (or as the argument): any valid form, with bn/bt and relative
n/t, e.g. the output of `ucifi decode`. Values are typed by the object models. For
--format link-format the input is the link JSON that `ucifi decode --format link-format`
prints ([{\"target\": \"/3/0\", \"params\": [[\"pmin\", \"10\"]]}]).

Output: hex for binary formats (tlv, cbor, senml-cbor, lwm2m-cbor, opaque), the payload
text for text formats; with --raw the payload bytes exactly.

Examples:
  echo '[{\"n\":\"/3/0/9\",\"v\":87}]' | ucifi encode --format tlv --path /3/0/9
  ucifi encode --format lwm2m-cbor --path /3/0 < device.json
  ucifi encode --format senml-cbor --path /3303 --raw < readings.json > readings.bin
  ucifi encode --format tlv --path /3416/0 --object-version 3416=1.0 < lamp-v1.json")]
pub struct Args {
    /// Content format of the output: text, opaque, cbor, tlv, senml-json, senml-cbor,
    /// lwm2m-json, lwm2m-cbor, link-format, or its CoAP number (0, 42, 60, 11542, 110, 112,
    /// 11543, 11544, 40).
    #[arg(long, short = 'f', value_name = "F")]
    pub format: String,
    /// The path the payload is addressed to: /O, /O/I, /O/I/R or /O/I/R/RI; / for a
    /// composite payload (Send, Read-Composite) in SenML or LwM2M CBOR.
    #[arg(long, short = 'p', value_name = "P")]
    pub path: String,
    /// The SenML JSON input (default: stdin).
    #[arg(value_name = "JSON")]
    pub input: Option<String>,
    /// Write the payload bytes exactly (no hex, no trailing newline).
    #[arg(long)]
    pub raw: bool,
    /// Encode values outside their model's range too (numbers, lengths, codes).
    #[arg(long)]
    pub no_validate: bool,
    #[command(flatten)]
    pub models: TypeArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let format = payload::parse_format(&args.format)?;
    let path = payload::parse_path(&args.path)?;
    let types = args.models.load()?;
    let types = types.selection()?;
    let json = payload::read_input(
        ContentFormat::SenmlJson,
        args.input.as_deref(),
        payload::InputForm::Natural,
    )?;
    if format == ContentFormat::LinkFormat {
        // Links carry no values: the input is the link JSON `ucifi decode` prints.
        let text = crate::links::encode(&json)?;
        payload::write_output(format, text.as_bytes(), args.raw)?;
        return Ok(ExitCode::SUCCESS);
    }
    let leaves = payload::decode(ContentFormat::SenmlJson, &path, &json, &types, "")?;
    drop(json);
    if !args.no_validate {
        payload::validate(&leaves, &types)?;
    }
    let bytes = payload::encode(format, &path, leaves, &types, args.models.root_path())?;
    payload::write_output(format, &bytes, args.raw)?;
    Ok(ExitCode::SUCCESS)
}
