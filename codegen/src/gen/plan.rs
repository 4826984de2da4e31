//! Naming and shaping decisions for every generated item, made once before rendering.

use std::collections::BTreeMap;

use heck::ToSnakeCase;

use crate::ir::{DataType, ObjectDef, Range, ResourceDef};
use crate::names::{self, Kind, Style};
use crate::values::NamedValue;

use super::{GenError, Input};

/// Every object of the input, grouped by family and ID, with names resolved.
#[derive(Debug)]
pub struct Plan<'a> {
    /// Object groups (one per family and ID), sorted by family then ID.
    pub groups: Vec<ObjectGroup<'a>>,
}

/// All versions of one object ID in one family.
#[derive(Debug)]
pub struct ObjectGroup<'a> {
    /// Family module.
    pub family: String,
    /// Object module (`device`).
    pub module: String,
    /// Struct name (`Device`).
    pub type_name: String,
    /// Versions, oldest first.
    pub versions: Vec<ObjectPlan<'a>>,
}

/// One object version.
#[derive(Debug)]
pub struct ObjectPlan<'a> {
    /// The definition.
    pub def: &'a ObjectDef,
    /// Family module.
    pub family: String,
    /// Object module.
    pub module: String,
    /// Version module (`v1_2`).
    pub version_module: String,
    /// Struct name.
    pub type_name: String,
    /// Write view name (`DeviceWrite`).
    pub write_name: String,
    /// Name of the executable list enum (`Execute`).
    pub execute_name: String,
    /// Header source.
    pub source: String,
    /// Resources sorted by ID.
    pub resources: Vec<ResourcePlan<'a>>,
}

/// One resource.
#[derive(Debug)]
pub struct ResourcePlan<'a> {
    /// The definition.
    pub def: &'a ResourceDef,
    /// Field name (snake case).
    pub field: String,
    /// Marker type name (camel case).
    pub marker: String,
    /// Constant name in the `id` module.
    pub konst: String,
    /// Enumeration, when value names are given or the range is a clean one.
    pub enumeration: Option<EnumPlan>,
}

/// A generated Rust enum.
#[derive(Debug)]
pub struct EnumPlan {
    /// Type name.
    pub name: String,
    /// Whether values are unsigned.
    pub unsigned: bool,
    /// The named codes, in code order for value names, in range order for labels.
    pub variants: Vec<Variant>,
    /// Where the names come from: value names ([`crate::values`]), or `N: LABEL` range
    /// lines (then the range lists every allowed value, and `validate` rejects the others).
    pub source: EnumSource,
}

/// Where the variants of an [`EnumPlan`] come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumSource {
    /// Value names given to the generator.
    ValueNames,
    /// The `N: LABEL` lines of the model's range.
    RangeLabels,
}

/// One named code of an [`EnumPlan`].
#[derive(Debug)]
pub struct Variant {
    /// The variant (`ChargeComplete`).
    pub ident: String,
    /// The code.
    pub value: i64,
    /// The `snake_case` name (`charge_complete`), as serde writes it.
    pub name: String,
    /// The value name's doc, or the range line's label.
    pub doc: String,
}

impl ResourcePlan<'_> {
    /// Whether the resource carries no value (executable, or empty type).
    pub fn valueless(&self) -> bool {
        self.def.is_executable() || self.def.data_type == DataType::None
    }
    /// Whether a server may write it.
    pub fn writable(&self) -> bool {
        !self.valueless() && self.def.operations.writable()
    }
}

impl<'a> Plan<'a> {
    /// Groups and names `inputs`.
    pub fn new(inputs: &'a [Input]) -> Result<Plan<'a>, GenError> {
        let mut by_key: BTreeMap<(String, u16), Vec<&'a Input>> = BTreeMap::new();
        let mut seen: BTreeMap<(u16, crate::ir::Version), &Input> = BTreeMap::new();
        for i in inputs {
            if let Some(first) = seen.insert((i.def.id, i.def.version), i) {
                return Err(GenError::Duplicate {
                    id: i.def.id,
                    version: i.def.version.to_string(),
                    first: first.source.clone(),
                    second: i.source.clone(),
                });
            }
            by_key
                .entry((names::family(&i.family), i.def.id))
                .or_default()
                .push(i);
        }
        // Object names per family, from the latest version's name.
        let mut per_family: BTreeMap<String, Vec<(u16, &str)>> = BTreeMap::new();
        for ((fam, id), list) in by_key.iter_mut() {
            list.sort_by_key(|i| i.def.version);
            let latest = list.last().expect("non-empty");
            per_family
                .entry(fam.clone())
                .or_default()
                .push((*id, latest.def.name.as_str()));
        }
        let mut object_names: BTreeMap<(String, u16), (String, String)> = BTreeMap::new();
        for (fam, objs) in &per_family {
            let snake: Vec<(u16, String)> = objs
                .iter()
                .map(|(id, n)| (*id, names::snake(n, Kind::Object, *id as u64)))
                .collect();
            let camel: Vec<(u16, String)> = objs
                .iter()
                .map(|(id, n)| (*id, names::camel(n, Kind::Object, *id as u64)))
                .collect();
            let snake = names::unique(&snake, &[], Style::Snake);
            let camel = names::unique(&camel, &[], Style::Camel);
            for (i, (id, _)) in objs.iter().enumerate() {
                object_names.insert((fam.clone(), *id), (snake[i].clone(), camel[i].clone()));
            }
        }
        let mut groups = Vec::new();
        for ((fam, id), list) in by_key {
            let (module, type_name) = object_names[&(fam.clone(), id)].clone();
            let versions = list
                .iter()
                .map(|i| object_plan(i, &fam, &module, &type_name))
                .collect();
            groups.push(ObjectGroup {
                family: fam,
                module,
                type_name,
                versions,
            });
        }
        Ok(Plan { groups })
    }
}

fn object_plan<'a>(i: &'a Input, fam: &str, module: &str, type_name: &str) -> ObjectPlan<'a> {
    let mut defs: Vec<&ResourceDef> = i.def.resources.iter().collect();
    defs.sort_by_key(|r| r.id);
    let write_name = names::write_view(type_name);
    let execute_name = names::execute_enum(type_name);
    let fields = names::unique(
        &defs
            .iter()
            .map(|r| (r.id, names::snake(&r.name, Kind::Resource, r.id as u64)))
            .collect::<Vec<_>>(),
        &[],
        Style::Snake,
    );
    let markers = names::unique(
        &defs
            .iter()
            .map(|r| (r.id, names::camel(&r.name, Kind::Resource, r.id as u64)))
            .collect::<Vec<_>>(),
        &[type_name, &write_name, &execute_name],
        Style::Camel,
    );
    let konsts = names::unique(
        &defs
            .iter()
            .map(|r| (r.id, names::shouty(&r.name, r.id as u64)))
            .collect::<Vec<_>>(),
        &[],
        Style::Snake,
    );
    let mut resources: Vec<ResourcePlan> = defs
        .iter()
        .enumerate()
        .map(|(n, r)| ResourcePlan {
            def: r,
            field: fields[n].clone(),
            marker: markers[n].clone(),
            konst: konsts[n].clone(),
            enumeration: None,
        })
        .collect();
    let taken: Vec<String> = markers
        .iter()
        .cloned()
        .chain([
            type_name.to_string(),
            write_name.clone(),
            execute_name.clone(),
        ])
        .collect();
    for r in resources.iter_mut() {
        let planned = match i.values.get(&r.def.id) {
            Some(values) => Some(named_plan(r.def, values)),
            None => enum_plan(r.def),
        };
        if let Some(mut e) = planned {
            e.name = names::enum_type(&r.marker, r.def.id, &taken);
            r.enumeration = Some(e);
        }
    }
    ObjectPlan {
        def: &i.def,
        family: fam.to_string(),
        module: module.to_string(),
        version_module: names::version_module(i.def.version.major, i.def.version.minor),
        type_name: type_name.to_string(),
        write_name,
        execute_name,
        source: i.source.clone(),
        resources,
    }
}

/// The enum of a resource with value names (already checked to fit it, see
/// [`crate::values`]).
fn named_plan(r: &ResourceDef, values: &[NamedValue]) -> EnumPlan {
    EnumPlan {
        name: String::new(),
        unsigned: r.data_type == DataType::UnsignedInteger,
        variants: values
            .iter()
            .map(|v| Variant {
                ident: v.name.clone(),
                value: v.code,
                name: v.snake_name(),
                doc: v.doc.clone(),
            })
            .collect(),
        source: EnumSource::ValueNames,
    }
}

/// A clean enumeration: `N: LABEL` lines on an Integer or Unsigned Integer resource, with
/// distinct values (non-negative for unsigned).
fn enum_plan(r: &ResourceDef) -> Option<EnumPlan> {
    let Range::Enumeration(entries) = &r.range else {
        return None;
    };
    let unsigned = match r.data_type {
        DataType::Integer => false,
        DataType::UnsignedInteger => true,
        _ => return None,
    };
    if r.is_executable() || entries.is_empty() {
        return None;
    }
    let mut values: Vec<i64> = entries.iter().map(|e| e.value).collect();
    values.sort();
    values.dedup();
    if values.len() != entries.len() || (unsigned && values[0] < 0) {
        return None;
    }
    let names = names::unique(
        &entries
            .iter()
            .map(|e| {
                (
                    e.value.to_string().replace('-', "Minus"),
                    names::camel(&e.label, Kind::Variant, e.value.unsigned_abs()),
                )
            })
            .collect::<Vec<_>>(),
        &["Other"],
        Style::Camel,
    );
    // Distinct variants can fold to one snake name (`AB`, `Ab`): those get their value.
    let snake = names::unique(
        &entries
            .iter()
            .zip(&names)
            .map(|(e, n)| (e.value.to_string().replace('-', "minus"), n.to_snake_case()))
            .collect::<Vec<_>>(),
        &[],
        Style::Snake,
    );
    Some(EnumPlan {
        name: String::new(),
        unsigned,
        variants: entries
            .iter()
            .zip(names)
            .zip(snake)
            .map(|((e, ident), name)| Variant {
                ident,
                value: e.value,
                name,
                doc: e.label.clone(),
            })
            .collect(),
        source: EnumSource::RangeLabels,
    })
}

/// Markdown-safe documentation text: whitespace collapsed, markup characters escaped,
/// URLs wrapped as autolinks.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let mut rest = word;
        while !rest.is_empty() {
            let at = ["http://", "https://"]
                .iter()
                .filter_map(|p| rest.find(p))
                .min();
            let Some(at) = at else {
                escape(&mut out, rest);
                break;
            };
            escape(&mut out, &rest[..at]);
            let url_len = rest[at..]
                .find(['<', '>', '`', '"', '\'', ')', ']', '|'])
                .unwrap_or(rest.len() - at);
            let url = rest[at..at + url_len].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[at + url.len()..];
        }
    }
    out
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Inline code of model text (range, units), or escaped text if it has backticks.
pub fn code(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.contains('`') {
        md(&t)
    } else {
        format!("`{t}`")
    }
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markdown_escaping() {
        assert_eq!(md("a  *b*\n_c_"), "a \\*b\\* \\_c\\_");
        assert_eq!(md("see https://x.org/a."), "see <https://x.org/a>.");
        assert_eq!(
            md("[RFC6690](https://tools.ietf.org/html/rfc6690)"),
            "\\[RFC6690\\](<https://tools.ietf.org/html/rfc6690>)"
        );
        assert_eq!(md("<tag> `x`"), "\\<tag\\> \\`x\\`");
    }
}
