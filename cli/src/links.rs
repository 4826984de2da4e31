//! link-format (CoAP content format 40) in `ucifi decode` / `ucifi encode`.
//!
//! A link-format payload (Register/Update, Discover, Bootstrap-Discover) carries links and
//! their attributes, not resource values, so it has no SenML form. `decode` prints it as a
//! JSON array with one object per link, in payload order:
//! `{"target": "/3/0", "params": [["pmin", "10"], ["ver", "1.1"], ["bare", null]]}`
//! (parameters in payload order, duplicates kept; values as unquoted strings, `null` for a
//! parameter without value), and `encode` reads the same JSON back and writes the payload
//! text: numbers and versions (`10`, `1.1`) unquoted, every other value quoted, as
//! LwM2M writes `rt="oma.lwm2m"`, `uri="coaps://..."` and `ver=1.1`.

use serde_json::{Map, Value};

use ucifi_runtime::codec::link_format::{self, Link, Param};

/// Parses link-format text into the JSON described in the module docs.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "link-format at byte {}: payload is not UTF-8 text",
            e.valid_up_to()
        )
    })?;
    let links = link_format::parse(text).map_err(|e| e.to_string())?;
    let array: Vec<Value> = links
        .iter()
        .map(|l| {
            let params: Vec<Value> = l
                .params
                .iter()
                .map(|p| {
                    let v = p
                        .value
                        .as_ref()
                        .map_or(Value::Null, |v| Value::String(v.to_string()));
                    Value::Array(vec![Value::String(p.name.to_string()), v])
                })
                .collect();
            let mut o = Map::new();
            o.insert("target".into(), Value::String(l.target.to_string()));
            o.insert("params".into(), Value::Array(params));
            Value::Object(o)
        })
        .collect();
    serde_json::to_string(&array).map_err(|e| e.to_string())
}

/// Builds link-format text from the JSON described in the module docs.
pub fn encode(json: &[u8]) -> Result<String, String> {
    let value: Value = serde_json::from_slice(json).map_err(|e| {
        format!(
            "invalid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    let Value::Array(items) = value else {
        return Err("link JSON must be an array of {\"target\", \"params\"} objects".into());
    };
    let mut links = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let target = item
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("link {i}: \"target\" must be a string"))?;
        if target.contains(['<', '>']) {
            return Err(format!("link {i}: \"target\" must not contain '<' or '>'"));
        }
        let mut link = Link::new(target.to_string());
        match item.get("params") {
            None | Some(Value::Null) => {}
            Some(Value::Array(params)) => {
                for param in params {
                    let (name, v) = match param.as_array().map(Vec::as_slice) {
                        Some([Value::String(name), v]) => (name, v),
                        _ => {
                            return Err(format!(
                                "link {i}: each parameter must be a [name, value] pair"
                            ));
                        }
                    };
                    if name.is_empty() || !name.bytes().all(is_param_name_byte) {
                        return Err(format!("link {i}: invalid parameter name {name:?}"));
                    }
                    link.params.push(match v {
                        Value::Null => Param {
                            name: name.clone().into(),
                            value: None,
                            quoted: false,
                            offset: 0,
                        },
                        Value::String(s) if is_token(s) => Param::token(name.clone(), s.clone()),
                        Value::String(s) => Param::quoted(name.clone(), s.clone()),
                        Value::Number(n) => Param::token(name.clone(), n.to_string()),
                        _ => {
                            return Err(format!(
                                "link {i}: parameter {name:?} must be a string, a number or null"
                            ));
                        }
                    });
                }
            }
            Some(_) => return Err(format!("link {i}: \"params\" must be an array")),
        }
        links.push(link);
    }
    Ok(link_format::serialize(&links))
}

fn is_param_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// Whether a value is written unquoted: numbers and versions only.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_payload_round_trips() {
        let text = "</>;rt=\"oma.lwm2m\";ct=\"60 110 112 11542\",</1/0>,</3/0>,</3442>;ver=2.0,</3/0/6>;dim=2";
        let json = decode(text.as_bytes()).unwrap();
        assert_eq!(
            json,
            r#"[{"params":[["rt","oma.lwm2m"],["ct","60 110 112 11542"]],"target":"/"},{"params":[],"target":"/1/0"},{"params":[],"target":"/3/0"},{"params":[["ver","2.0"]],"target":"/3442"},{"params":[["dim","2"]],"target":"/3/0/6"}]"#
        );
        assert_eq!(encode(json.as_bytes()).unwrap(), text);
    }

    #[test]
    fn bootstrap_discover_round_trips() {
        let text = "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri=\"coaps://lw.example.com:5684\",</1/0>;ssid=101,</3/0>";
        let json = decode(text.as_bytes()).unwrap();
        assert_eq!(encode(json.as_bytes()).unwrap(), text);
    }

    #[test]
    fn errors() {
        assert!(
            decode(b"</3/0")
                .unwrap_err()
                .starts_with("link-format at byte")
        );
        assert_eq!(
            decode(b"</3/\xff>").unwrap_err(),
            "link-format at byte 4: payload is not UTF-8 text"
        );
        assert_eq!(
            encode(b"{}").unwrap_err(),
            "link JSON must be an array of {\"target\", \"params\"} objects"
        );
        assert_eq!(
            encode(br#"[{"target":"/3/0","params":[["a b","1"]]}]"#).unwrap_err(),
            "link 0: invalid parameter name \"a b\""
        );
        assert_eq!(
            encode(br#"[{"target":"/3/0","params":[["pmin"]]}]"#).unwrap_err(),
            "link 0: each parameter must be a [name, value] pair"
        );
        assert_eq!(
            encode(br#"[{"params":[]}]"#).unwrap_err(),
            "link 0: \"target\" must be a string"
        );
        assert_eq!(
            encode(br#"[{"target":"/1/0","params":[["ssid",101],["b",null]]}]"#).unwrap(),
            "</1/0>;ssid=101;b"
        );
    }
}
