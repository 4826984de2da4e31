//! `ucifi decode --format F --path P [HEX]`: a payload as canonical SenML JSON.

use std::process::ExitCode;

use ucifi_runtime::ContentFormat;

use crate::payload::{self, TypeArgs};

/// Arguments of `ucifi decode`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Input: HEX on the command line, or on stdin (hex text; with --raw the payload bytes as
they are). For text formats (text, senml-json, lwm2m-json) the argument or stdin is the
payload text itself, unless --hex is given.

Output: a JSON array of records sorted by path, each with \"n\" (the full path), one of
v (numbers; Time as seconds), vs, vb, vd (opaque, base64url without padding) or vlo
(\"3:0\"), and t when the payload carries a time. A link-format payload (Register,
Discover) carries links, not values: it prints as [{\"target\", \"params\": [[name, value],
...]}, ...] in payload order.

Examples:
  ucifi decode --format tlv --path /3/0/9 c10957
  ucifi decode --format 11542 --path /3/0 --models my-models/ < payload.hex
  ucifi decode --format senml-cbor --path /3303 --raw < notification.bin
  ucifi decode --format tlv --path /3416/0 --object-version 3416=1.0 < lamp-v1.hex
  ucifi decode --format senml-json --path / --root-path /lwm2m < send.json")]
pub struct Args {
    /// Content format: text, opaque, cbor, tlv, senml-json, senml-cbor, lwm2m-json,
    /// lwm2m-cbor, link-format, or its CoAP number (0, 42, 60, 11542, 110, 112, 11543,
    /// 11544, 40).
    #[arg(long, short = 'f', value_name = "F")]
    pub format: String,
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
    #[command(flatten)]
    pub models: TypeArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let format = payload::parse_format(&args.format)?;
    let path = payload::parse_path(&args.path)?;
    let types = args.models.load()?;
    let types = types.selection()?;
    let bytes = payload::read_input(
        format,
        args.payload.as_deref(),
        payload::InputForm::from_flags(args.raw, args.hex),
    )?;
    // Links carry attributes, not values: they get their own JSON form.
    let text = if format == ContentFormat::LinkFormat {
        crate::links::decode(&bytes)? + "\n"
    } else {
        let leaves = payload::decode(format, &path, &bytes, &types, args.models.root_path())?;
        payload::senml_json(&leaves)?
    };
    payload::write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
