//! The commands `ucifi server` reads from stdin, one per line.

use ucifi_runtime::codec::WriteMode;
use ucifi_runtime::codec::link_format::Attribute;
use ucifi_runtime::{ContentFormat, Path};

use crate::payload::{parse_format, parse_path};

/// One command line.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `list`: the registered clients.
    List,
    /// `read EP PATH [FORMAT]`.
    Read {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
        /// The format asked for (Accept); the client's choice when absent.
        format: Option<ContentFormat>,
    },
    /// `discover EP PATH`.
    Discover {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
    },
    /// `write EP PATH SENML_JSON` (replace) and `update EP PATH SENML_JSON` (partial).
    Write {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
        /// Replace or partial update.
        mode: WriteMode,
        /// The values, as SenML JSON.
        senml: String,
    },
    /// `attr EP PATH pmin=10&pmax=60`.
    Attributes {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
        /// The attributes.
        attributes: Vec<Attribute>,
    },
    /// `exec EP PATH [ARGS]`.
    Execute {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
        /// The argument text.
        arguments: Option<String>,
    },
    /// `create EP PATH SENML_JSON` (`PATH` is the object; names carry the instance).
    Create {
        /// Endpoint name.
        endpoint: String,
        /// The object.
        path: Path,
        /// The values, as SenML JSON.
        senml: String,
    },
    /// `delete EP PATH`.
    Delete {
        /// Endpoint name.
        endpoint: String,
        /// The instance.
        path: Path,
    },
    /// `observe EP PATH`.
    Observe {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
    },
    /// `cancel EP PATH`.
    Cancel {
        /// Endpoint name.
        endpoint: String,
        /// Target.
        path: Path,
    },
    /// `quit`.
    Quit,
}

impl Command {
    /// The command's name, as the output names it.
    pub fn name(&self) -> &'static str {
        match self {
            Command::List => "list",
            Command::Read { .. } => "read",
            Command::Discover { .. } => "discover",
            Command::Write {
                mode: WriteMode::Replace,
                ..
            } => "write",
            Command::Write { .. } => "update",
            Command::Attributes { .. } => "attr",
            Command::Execute { .. } => "exec",
            Command::Create { .. } => "create",
            Command::Delete { .. } => "delete",
            Command::Observe { .. } => "observe",
            Command::Cancel { .. } => "cancel",
            Command::Quit => "quit",
        }
    }
}

/// The usage line of every command, for error messages.
pub const USAGE: &str = "commands: list | read EP PATH [FORMAT] | discover EP PATH | write EP PATH SENML_JSON | update EP PATH SENML_JSON | attr EP PATH pmin=10&pmax=60 | exec EP PATH [ARGS] | create EP PATH SENML_JSON | delete EP PATH | observe EP PATH | cancel EP PATH | quit";

/// Reads one command line.
///
/// # Errors
///
/// What is wrong with the line, for a person.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (name, rest) = split_word(line);
    let arguments = |count: usize| -> Result<(String, Path, &str), String> {
        let (endpoint, rest) = split_word(rest);
        let (path, rest) = split_word(rest);
        if endpoint.is_empty() || path.is_empty() {
            return Err(format!("{name}: expected an endpoint name and a path"));
        }
        let rest = rest.trim();
        if count == 0 && !rest.is_empty() {
            return Err(format!("{name}: unexpected {rest:?} after the path"));
        }
        let path = parse_path(path).map_err(|e| format!("{name}: {e}"))?;
        Ok((endpoint.to_string(), path, rest))
    };
    let needed = |what: &str, rest: &str| {
        if rest.is_empty() {
            Err(format!("{name}: expected {what} after the path"))
        } else {
            Ok(rest.to_string())
        }
    };
    let command = match name {
        "list" if rest.is_empty() => Command::List,
        "quit" if rest.is_empty() => Command::Quit,
        "list" | "quit" => return Err(format!("{name} takes no arguments")),
        "read" => {
            let (endpoint, path, rest) = arguments(1)?;
            let format = match rest {
                "" => None,
                f => Some(parse_format(f).map_err(|e| format!("read: {e}"))?),
            };
            Command::Read {
                endpoint,
                path,
                format,
            }
        }
        "discover" => {
            let (endpoint, path, _) = arguments(0)?;
            Command::Discover { endpoint, path }
        }
        "write" | "update" => {
            let (endpoint, path, rest) = arguments(1)?;
            let mode = if name == "write" {
                WriteMode::Replace
            } else {
                WriteMode::PartialUpdate
            };
            Command::Write {
                endpoint,
                path,
                mode,
                senml: needed("SenML JSON", rest)?,
            }
        }
        "attr" => {
            let (endpoint, path, rest) = arguments(1)?;
            let attributes = needed("attributes (pmin=10&pmax=60)", rest)?
                .split('&')
                .map(attribute)
                .collect::<Result<Vec<_>, String>>()?;
            Command::Attributes {
                endpoint,
                path,
                attributes,
            }
        }
        "exec" => {
            let (endpoint, path, rest) = arguments(1)?;
            Command::Execute {
                endpoint,
                path,
                arguments: (!rest.is_empty()).then(|| rest.to_string()),
            }
        }
        "create" => {
            let (endpoint, path, rest) = arguments(1)?;
            if path.len() != 1 {
                return Err(format!("create: {path} is no object path (/O)"));
            }
            Command::Create {
                endpoint,
                path,
                senml: needed("SenML JSON", rest)?,
            }
        }
        "delete" => {
            let (endpoint, path, _) = arguments(0)?;
            if path.len() != 2 {
                return Err(format!("delete: {path} is no object instance path (/O/I)"));
            }
            Command::Delete { endpoint, path }
        }
        "observe" => {
            let (endpoint, path, _) = arguments(0)?;
            Command::Observe { endpoint, path }
        }
        "cancel" => {
            let (endpoint, path, _) = arguments(0)?;
            Command::Cancel { endpoint, path }
        }
        "" => return Err(format!("empty command; {USAGE}")),
        other => return Err(format!("unknown command {other:?}; {USAGE}")),
    };
    Ok(command)
}

/// The first word of `s` and the rest after it.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim_start()),
        None => (s, ""),
    }
}

/// One `name=value` notification attribute.
fn attribute(text: &str) -> Result<Attribute, String> {
    let bad = || {
        format!("attr: {text:?} is not pmin, pmax, epmin, epmax (seconds) or gt, lt, st (a number)")
    };
    let (name, value) = text.split_once('=').ok_or_else(bad)?;
    let seconds = || -> Result<u32, String> {
        value
            .parse()
            .ok()
            .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(bad)
    };
    let number = || -> Result<f64, String> {
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(bad)
    };
    Ok(match name {
        "pmin" => Attribute::Pmin(seconds()?),
        "pmax" => Attribute::Pmax(seconds()?),
        "epmin" => Attribute::Epmin(seconds()?),
        "epmax" => Attribute::Epmax(seconds()?),
        "gt" => Attribute::Gt(number()?),
        "lt" => Attribute::Lt(number()?),
        "st" => Attribute::St(number()?),
        _ => return Err(bad()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_reads() {
        assert_eq!(parse("list"), Ok(Command::List));
        assert_eq!(parse("  quit "), Ok(Command::Quit));
        assert_eq!(
            parse("read lamp-1 /3416/0 tlv"),
            Ok(Command::Read {
                endpoint: "lamp-1".into(),
                path: Path::instance(3416, 0),
                format: Some(ContentFormat::Tlv)
            })
        );
        assert_eq!(
            parse(r#"update lamp-1 /3416/0/1 [{"n":"/3416/0/1","v":50}]"#),
            Ok(Command::Write {
                endpoint: "lamp-1".into(),
                path: Path::resource(3416, 0, 1),
                mode: WriteMode::PartialUpdate,
                senml: r#"[{"n":"/3416/0/1","v":50}]"#.into()
            })
        );
        assert_eq!(
            parse("attr d /3/0/9 pmin=10&pmax=60&st=0.5"),
            Ok(Command::Attributes {
                endpoint: "d".into(),
                path: Path::resource(3, 0, 9),
                attributes: vec![Attribute::Pmin(10), Attribute::Pmax(60), Attribute::St(0.5)]
            })
        );
        assert_eq!(
            parse("exec d /3/0/4 0='x'"),
            Ok(Command::Execute {
                endpoint: "d".into(),
                path: Path::resource(3, 0, 4),
                arguments: Some("0='x'".into())
            })
        );
        assert_eq!(parse("delete d /3303/1").map(|c| c.name()), Ok("delete"));
    }

    #[test]
    fn bad_lines_say_why() {
        for (line, message) in [
            ("", "empty command"),
            ("reed d /3/0", "unknown command \"reed\""),
            ("read d", "read: expected an endpoint name and a path"),
            ("read d /3/x", "read: "),
            ("read d /3/0 yaml", "read: "),
            ("discover d /3/0 extra", "discover: unexpected \"extra\""),
            ("write d /3/0", "write: expected SenML JSON"),
            ("attr d /3/0/9 pmin=-1", "attr: \"pmin=-1\""),
            ("attr d /3/0/9 foo=1", "attr: \"foo=1\""),
            ("create d /3/0 []", "create: /3/0 is no object path"),
            ("delete d /3", "delete: /3 is no object instance path"),
            ("list now", "list takes no arguments"),
        ] {
            let e = parse(line).unwrap_err();
            assert!(e.starts_with(message), "{line:?}: {e}");
        }
    }
}
