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

use serde::{Deserialize, Serialize};

use ucifi_runtime::codec::link_format::{self, Link, Param};

/// One link as `decode` prints it (fields in this order) and `encode` reads it.
#[derive(Serialize)]
struct LinkOut<'a> {
    params: Vec<(&'a str, Option<&'a str>)>,
    target: &'a str,
}

/// One link as `encode` reads it; unknown fields are ignored.
#[derive(Deserialize)]
struct LinkIn {
    target: String,
    #[serde(default)]
    params: Option<Vec<(String, ParamIn)>>,
}

/// A parameter value in the JSON form.
#[derive(Deserialize)]
#[serde(untagged)]
enum ParamIn {
    Bare(()),
    Text(String),
    Number(serde_json::Number),
}

/// Parses link-format text into the JSON described in the module docs. The LwM2M
/// attributes are checked as the library types them (`dim=256`, `ssid=0` or a bare
/// `pmin` are errors).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "link-format at byte {}: payload is not UTF-8 text",
            e.valid_up_to()
        )
    })?;
    let links = link_format::parse(text).map_err(|e| e.to_string())?;
    for l in &links {
        l.attributes().map_err(|e| e.to_string())?;
    }
    let out = Serialized(&links);
    serde_json::to_string(&out).map_err(|e| e.to_string())
}

/// The links as the JSON array, one [`LinkOut`] at a time.
struct Serialized<'l, 'a>(&'l [Link<'a>]);

impl Serialize for Serialized<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|l| {
            LinkOut {
                params: l
                    .params
                    .iter()
                    .map(|p| (&*p.name, p.value.as_deref()))
                    .collect(),
                target: &l.target,
            }
        }))
    }
}

/// Builds link-format text from the JSON described in the module docs; each link must
/// read back as valid link format with valid LwM2M attributes.
pub fn encode(json: &[u8]) -> Result<String, String> {
    // Read straight into typed links: a `serde_json::Value` tree costs dozens of times
    // the input.
    let links: Vec<LinkIn> = serde_json::from_slice(json).map_err(|e| {
        format!(
            "invalid link JSON: {e} (the form is [{{\"target\": \"/3/0\", \"params\": [[\"pmin\", \"10\"]]}}, ...])"
        )
    })?;
    let mut out = String::new();
    for (i, link) in links.into_iter().enumerate() {
        let mut built = Link::new(link.target);
        for (name, v) in link.params.unwrap_or_default() {
            built.params.push(match v {
                ParamIn::Bare(()) => Param {
                    name: name.into(),
                    value: None,
                    quoted: false,
                    offset: 0,
                },
                ParamIn::Text(s) if is_token(&s) => Param::token(name, s),
                ParamIn::Text(s) => Param::quoted(name, s),
                ParamIn::Number(n) => Param::token(name, n.to_string()),
            });
        }
        let mut text = String::new();
        link_format::write_link(&mut text, &built);
        // Whatever the JSON said must read back as the same link.
        link_format::parse(&text)
            .and_then(|back| back.iter().try_for_each(|l| l.attributes().map(drop)))
            .map_err(|e| format!("link {i}: {e} (in {text})"))?;
        if i > 0 {
            out.push(',');
        }
        out.push_str(&text);
    }
    Ok(out)
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
        let enc = |j: &str| encode(j.as_bytes()).unwrap_err();
        let dec = |t: &[u8]| decode(t).unwrap_err();
        assert_eq!(
            dec(b"</3/0"),
            "link-format at byte 0: not a valid link (RFC 6690)"
        );
        assert_eq!(
            dec(b"</3/\xff>"),
            "link-format at byte 4: payload is not UTF-8 text"
        );
        // RFC 3986 targets and the LwM2M attributes the library types.
        assert_eq!(
            dec(b"</%1g>"),
            "link-format at byte 2: not a valid link (RFC 6690)"
        );
        assert_eq!(
            dec(b"</3/0/6>;dim=256"),
            "link-format at byte 9: invalid field"
        );
        assert_eq!(
            dec(b"</0/0>;ssid=0"),
            "link-format at byte 7: invalid field"
        );
        assert_eq!(dec(b"</3/0>;pmin"), "link-format at byte 7: invalid field");
        assert_eq!(
            enc("{}"),
            "invalid link JSON: invalid type: map, expected a sequence at line 1 column 0 \
             (the form is [{\"target\": \"/3/0\", \"params\": [[\"pmin\", \"10\"]]}, ...])"
        );
        assert_eq!(
            enc(r#"[{"target":"/3/0","params":[["a b","1"]]}]"#),
            "link 0: link-format at byte 9: not a valid link (RFC 6690) (in </3/0>;a b=1)"
        );
        assert_eq!(
            enc(r#"[{"target":"/3/0"},{"target":"/ü"}]"#),
            "link 1: link-format at byte 2: not a valid link (RFC 6690) (in </ü>)"
        );
        assert_eq!(
            enc(r#"[{"target":"/0/0","params":[["ssid",0]]}]"#),
            "link 0: link-format at byte 7: invalid field (in </0/0>;ssid=0)"
        );
        assert!(
            enc(r#"[{"target":"/3/0","params":[["pmin"]]}]"#)
                .contains("invalid length 1, expected a tuple of size 2"),
        );
        assert!(enc(r#"[{"params":[]}]"#).contains("missing field `target`"));
        assert_eq!(
            encode(br#"[{"target":"/1/0","params":[["ssid",101],["b",null]]}]"#).unwrap(),
            "</1/0>;ssid=101;b"
        );
    }
}
