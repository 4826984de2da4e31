//! Every Rust identifier the generator derives from a model name, in one place.
//!
//! The rules (pinned by the tests below):
//!
//! 1. **Characters.** U+00A0 and every other non-ASCII space are spaces; Latin letters with
//!    diacritics lose them (`é` → `e`, `ß` → `ss`, `µ` → `u`); other non-ASCII characters
//!    and all ASCII punctuation separate words. Only ASCII letters and digits remain. A word
//!    mixing letters and digits (`LwM2M`, `IPv6`, `5GNR`) or a lower-case letter before
//!    capitals (`uCIFI`, `eNB`) is one word (`lwm2m`, `ipv6`, `ucifi`).
//! 2. **Case.** Words are folded with `heck`: `snake_case` for modules, fields and functions,
//!    `UpperCamelCase` for types and variants, `SHOUTY_SNAKE_CASE` for constants.
//! 3. **Leading digit.** A name that starts with a digit gets a prefix telling what it is:
//!    `r_`/`R` for resources (`3-Phase Active Power` → `r_3_phase_active_power`,
//!    `R3PhaseActivePower`), `o_`/`O` for objects, `V` for enumeration variants, `N_` for
//!    constants.
//! 4. **Empty.** A name with no letter or digit becomes the prefix plus its ID (`r_7`).
//! 5. **Keywords.** Rust keywords (strict, reserved and 2024 ones, and `Self`) get a
//!    trailing underscore: `type` → `type_`.
//! 6. **Collisions.** When names collide inside one namespace (two resources named alike,
//!    or names equal after folding, or a name equal to a reserved one) the ID is appended
//!    to *every* colliding name (`object_enabled_924`, `object_enabled_934`), so a name never
//!    depends on the order of definitions, and a new resource can only rename the ones it
//!    collides with.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// What an identifier names (decides the prefix for names starting with a digit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A resource (field, marker type, constant).
    Resource,
    /// An object (module, struct).
    Object,
    /// An enumeration variant.
    Variant,
}

const KEYWORDS: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "crate",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "Self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "async",
    "await",
    "dyn",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "union",
    "macro_rules",
    "raw",
    "safe",
];

/// Whether `s` is a Rust keyword (or a word the generator never uses as an identifier).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Rule 1: the name reduced to ASCII words separated by single spaces.
pub fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => out.push(c),
            c if c.is_ascii() => out.push(' '),
            c => match transliterate(c) {
                Some(t) => out.push_str(t),
                None => out.push(' '),
            },
        }
    }
    out.split_whitespace()
        .map(|w| {
            // A word mixing letters and digits (`LwM2M`, `IPv6`, `5GNR`), or a lower-case
            // letter before capitals (`uCIFI`, `eNB`), stays one word.
            let b = w.as_bytes();
            let brand = b.len() > 2
                && b[0].is_ascii_lowercase()
                && b[1..]
                    .iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if brand
                || (b.iter().any(|c| c.is_ascii_digit())
                    && b.iter().any(|c| c.is_ascii_alphabetic()))
            {
                w.to_ascii_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' => "I",
        'ñ' | 'ń' => "n",
        'Ñ' | 'Ń' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "O",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ß' => "ss",
        'µ' | 'μ' => "u",
        'š' => "s",
        'Š' => "S",
        'ž' => "z",
        'Ž' => "Z",
        'ł' => "l",
        'Ł' => "L",
        '°' => " deg ",
        _ => return None,
    })
}

fn prefix(kind: Kind, camel: bool) -> &'static str {
    match (kind, camel) {
        (Kind::Resource, false) => "r_",
        (Kind::Resource, true) => "R",
        (Kind::Object, false) => "o_",
        (Kind::Object, true) => "O",
        (Kind::Variant, _) => "V",
    }
}

fn finish(mut s: String, kind: Kind, camel: bool, id: u64) -> String {
    if s.is_empty() {
        s = format!("{}{id}", prefix(kind, camel));
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, prefix(kind, camel));
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// `snake_case` identifier of a name (rules 1–5). `id` is used only for an empty name.
pub fn snake(name: &str, kind: Kind, id: u64) -> String {
    finish(words(name).to_snake_case(), kind, false, id)
}

/// `UpperCamelCase` identifier of a name (rules 1–5).
pub fn camel(name: &str, kind: Kind, id: u64) -> String {
    finish(words(name).to_upper_camel_case(), kind, true, id)
}

/// `SHOUTY_SNAKE_CASE` identifier of a name (rules 1–5).
pub fn shouty(name: &str, id: u64) -> String {
    let s = words(name).to_shouty_snake_case();
    if s.is_empty() {
        format!("R_{id}")
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N_{s}")
    } else {
        s
    }
}

/// How a suffix is appended on collision (rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `name_ID`.
    Snake,
    /// `NameID`.
    Camel,
}

/// Rule 6: makes `names` (key, candidate) unique within one namespace that also holds
/// `reserved`. Every candidate that collides (with another candidate or a reserved name)
/// gets its key appended; repeated until unique. Returns names in input order.
pub fn unique<K: ToString>(names: &[(K, String)], reserved: &[&str], style: Style) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|(_, n)| n.clone()).collect();
    for round in 0..4 {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &out {
            *count.entry(n.as_str()).or_default() += 1;
        }
        let reserved: BTreeSet<&str> = reserved.iter().copied().collect();
        let clash: Vec<bool> = out
            .iter()
            .map(|n| count[n.as_str()] > 1 || reserved.contains(n.as_str()))
            .collect();
        if !clash.contains(&true) {
            break;
        }
        for (i, c) in clash.into_iter().enumerate() {
            if c {
                let key = names[i].0.to_string();
                let suffix = if round == 0 {
                    key
                } else {
                    format!("{key}_{i}")
                };
                match style {
                    Style::Snake => out[i] = format!("{}_{suffix}", out[i].trim_end_matches('_')),
                    Style::Camel => out[i] = format!("{}{suffix}", out[i].trim_end_matches('_')),
                }
            }
        }
    }
    out
}

/// The write view of an object struct: `DeviceWrite`.
pub fn write_view(type_name: &str) -> String {
    format!("{type_name}Write")
}

/// The enum listing a version's executable resources: `Execute`, or `ExecuteResources`
/// when the object struct itself is named `Execute`.
pub fn execute_enum(type_name: &str) -> String {
    if type_name == "Execute" {
        "ExecuteResources".into()
    } else {
        "Execute".into()
    }
}

/// The enum of an enumerated resource: `<Marker>Value` (`ModeValue`), or `<Marker>Kind`
/// when the marker already ends in `Value` (`SensorValueKind`, not `SensorValueValue`),
/// with the resource ID appended when that name is already taken in the module
/// (`ModeValue12`).
pub fn enum_type(marker: &str, id: u16, taken: &[String]) -> String {
    let name = if marker.ends_with("Value") {
        format!("{marker}Kind")
    } else {
        format!("{marker}Value")
    };
    if taken.contains(&name) {
        format!("{name}{id}")
    } else {
        name
    }
}

/// The module name of an object version: `v1_0`.
pub fn version_module(major: u16, minor: u16) -> String {
    format!("v{major}_{minor}")
}

/// A module name for a family directory or URN label (`oma`, `ipso`, `ucifi`, `ext`, `x`).
pub fn family(name: &str) -> String {
    snake(name, Kind::Object, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let r = |n: &str| snake(n, Kind::Resource, 9);
        let rc = |n: &str| camel(n, Kind::Resource, 9);
        assert_eq!(r("Battery Level"), "battery_level");
        assert_eq!(rc("Battery Level"), "BatteryLevel");
        assert_eq!(r("LwM2M Server"), "lwm2m_server");
        assert_eq!(rc("IPv6 Address"), "Ipv6Address");
        assert_eq!(
            snake("uCIFI Data Bridge", Kind::Object, 0),
            "ucifi_data_bridge"
        );
        assert_eq!(r("rsrpResult"), "rsrp_result");
        assert_eq!(r("LWM2M  Server URI"), "lwm2m_server_uri");
        assert_eq!(rc("LWM2M  Server URI"), "Lwm2mServerUri");
        assert_eq!(r("3-Phase Active Power"), "r_3_phase_active_power");
        assert_eq!(rc("3-Phase Active Power"), "R3PhaseActivePower");
        assert_eq!(
            snake("5GNR Connectivity", Kind::Object, 27),
            "o_5gnr_connectivity"
        );
        assert_eq!(
            camel("5GNR Connectivity", Kind::Object, 27),
            "O5gnrConnectivity"
        );
        assert_eq!(r("Group\u{a0} Address"), "group_address");
        assert_eq!(r("Température"), "temperature");
        assert_eq!(r("rsrp-Result "), "rsrp_result");
        assert_eq!(r("Type"), "type_");
        assert_eq!(rc("Self"), "Self_");
        assert_eq!(
            r("Active energy (|+A|+|-A|) Combined total"),
            "active_energy_a_a_combined_total"
        );
        assert_eq!(r("Min Measured Value / %"), "min_measured_value");
        assert_eq!(r("---"), "r_9");
        assert_eq!(rc("()"), "R9");
        assert_eq!(shouty("Battery Level", 9), "BATTERY_LEVEL");
        assert_eq!(shouty("3-Phase phi cosine", 40), "N_3_PHASE_PHI_COSINE");
        assert_eq!(camel("CONFIGURED_ON", Kind::Variant, 0), "ConfiguredOn");
        assert_eq!(camel("0 dB", Kind::Variant, 0), "V0DB");
        assert_eq!(version_module(1, 2), "v1_2");
        assert_eq!(write_view("Device"), "DeviceWrite");
        assert_eq!(execute_enum("Device"), "Execute");
        assert_eq!(execute_enum("Execute"), "ExecuteResources");
        assert_eq!(enum_type("Mode", 12, &[]), "ModeValue");
        assert_eq!(enum_type("Mode", 12, &["ModeValue".into()]), "ModeValue12");
        assert_eq!(enum_type("SensorValue", 5700, &[]), "SensorValueKind");
        assert_eq!(enum_type("ValueKind", 3, &[]), "ValueKindValue");
    }

    #[test]
    fn collisions() {
        let names = vec![
            (924, "object_enabled".to_string()),
            (925, "other".to_string()),
            (934, "object_enabled".to_string()),
            (5, "reserved".to_string()),
        ];
        assert_eq!(
            unique(&names, &["reserved"], Style::Snake),
            [
                "object_enabled_924",
                "other",
                "object_enabled_934",
                "reserved_5"
            ]
        );
        let camel_names = vec![(1, "Type".to_string()), (2, "Type".to_string())];
        assert_eq!(unique(&camel_names, &[], Style::Camel), ["Type1", "Type2"]);
        // A suffixed name that collides again gets its position too.
        let tricky = vec![(1, "a".to_string()), (1, "a".to_string())];
        let u = unique(&tricky, &[], Style::Snake);
        assert_ne!(u[0], u[1]);
    }
}
