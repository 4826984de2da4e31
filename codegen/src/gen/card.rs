//! A compact, readable text card per object version, for review snapshots.

use std::fmt::Write as _;

use super::plan::{ObjectPlan, ResourcePlan};
use crate::ir::DataType;

fn rust_type(r: &ResourcePlan) -> String {
    if r.valueless() {
        return if r.def.is_executable() {
            "execute".into()
        } else {
            "no value".into()
        };
    }
    let t = match &r.enumeration {
        Some(e) => e.name.clone(),
        None => match r.def.data_type {
            DataType::String => "String".into(),
            DataType::Integer => "i64".into(),
            DataType::UnsignedInteger => "u64".into(),
            DataType::Float => "f64".into(),
            DataType::Boolean => "bool".into(),
            DataType::Opaque => "Vec<u8>".into(),
            DataType::Time => "Time".into(),
            DataType::Objlnk => "ObjectLink".into(),
            DataType::Corelnk => "CoreLink".into(),
            DataType::None => "()".into(),
        },
    };
    if r.def.multiple {
        format!("InstanceMap<{t}>")
    } else if r.def.mandatory {
        t
    } else {
        format!("Option<{t}>")
    }
}

/// The card of one planned object version.
pub fn model_card(o: &ObjectPlan) -> String {
    let d = o.def;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} (object {}) v{} · {} · LwM2M {} · {} · {}",
        d.name,
        d.id,
        d.version,
        d.urn,
        d.lwm2m_version,
        if d.multiple { "multiple" } else { "single" },
        if d.mandatory { "mandatory" } else { "optional" }
    );
    let _ = writeln!(
        s,
        "rust: {}::{}::{}::{} (write view {})",
        o.family, o.module, o.version_module, o.type_name, o.write_name
    );
    for r in &o.resources {
        let def = r.def;
        let mut line = format!(
            "{:>5} {:<3} {:<16} {}{} {} -> {}: {} [{}]",
            def.id,
            if def.operations.is_none() {
                "-"
            } else {
                def.operations.ddf_name()
            },
            if r.valueless() {
                "none"
            } else {
                def.data_type.ddf_name()
            },
            if def.multiple { "multi" } else { "single" },
            if def.mandatory { "!" } else { "?" },
            def.name,
            r.field,
            rust_type(r),
            r.marker
        );
        if !def.units.is_empty() {
            let _ = write!(line, " units={}", def.units);
        }
        if !def.range_text.is_empty() {
            let _ = write!(
                line,
                " range={}",
                def.range_text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        if let Some(e) = &r.enumeration {
            let vs: Vec<String> = e
                .variants
                .iter()
                .map(|v| format!("{}={}", v.ident, v.value))
                .collect();
            let _ = write!(line, " enum {}{{{}}}", e.name, vs.join(","));
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    s
}
