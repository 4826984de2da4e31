//! The items of one object-version module.
//!
//! The module opens with `use ucifi_runtime::typed::prelude::*;` and names what it uses
//! plainly ([`Names`]); each item is written the way a person would write it by hand.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{DataType, Operations};
use crate::range::Constraint;

use super::Options;
use super::plan::{EnumPlan, EnumSource, ObjectPlan, ResourcePlan, code, md};

/// How generated code names what it imports (`ucifi_runtime::typed::prelude` and the Rust
/// prelude): plainly, unless an item of the module has the same name and so shadows the
/// import (a resource named "Version" has a marker `Version`); those are written in full.
pub(super) struct Names {
    local: BTreeSet<String>,
}

impl Names {
    /// Names for a module defining the items `local`.
    pub(super) fn new<'a>(local: impl IntoIterator<Item = &'a str>) -> Self {
        Names {
            local: local.into_iter().map(String::from).collect(),
        }
    }

    /// The imported item `name`.
    pub(super) fn get(&self, name: &str) -> TokenStream {
        let id = format_ident!("{name}");
        if !self.local.contains(name) {
            return quote! { #id };
        }
        match name {
            "Option" => quote! { ::core::option::Option },
            "Some" | "None" => quote! { ::core::option::Option::#id },
            "Result" => quote! { ::core::result::Result },
            "Ok" | "Err" => quote! { ::core::result::Result::#id },
            "Default" => quote! { ::core::default::Default },
            _ => quote! { ::ucifi_runtime::typed::prelude::#id },
        }
    }

    /// Whether an item of the module is named `name`.
    fn shadows(&self, name: &str) -> bool {
        self.local.contains(name)
    }

    /// [`get`](Names::get) for several names at once.
    fn all<const N: usize>(&self, names: [&str; N]) -> [TokenStream; N] {
        names.map(|n| self.get(n))
    }
}

fn int(v: i128) -> TokenStream {
    let lit = Literal::i128_unsuffixed(v.unsigned_abs() as i128);
    if v < 0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

fn float(v: f64) -> TokenStream {
    let lit = Literal::f64_unsuffixed(v.abs());
    if v < 0.0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

fn id_lit(id: u16) -> Literal {
    Literal::u16_unsuffixed(id)
}

fn ops_name(o: Operations) -> proc_macro2::Ident {
    match o.ddf_name() {
        "" => format_ident!("NONE"),
        s => format_ident!("{}", s),
    }
}

fn dt_name(d: DataType) -> proc_macro2::Ident {
    format_ident!("{}", format!("{d:?}"))
}

fn version_tokens(v: crate::ir::Version, n: &Names) -> TokenStream {
    let version = n.get("Version");
    let (a, b) = (id_lit(v.major), id_lit(v.minor));
    quote! { #version::new(#a, #b) }
}

/// The Rust element type of a resource (`i64`, `String`, an enum, ...).
fn element_type(r: &ResourcePlan, n: &Names) -> TokenStream {
    if let Some(e) = &r.enumeration {
        let e = format_ident!("{}", e.name);
        return quote! { #e };
    }
    match r.def.data_type {
        DataType::String => n.get("String"),
        DataType::Integer => quote! { i64 },
        DataType::UnsignedInteger => quote! { u64 },
        DataType::Float => quote! { f64 },
        DataType::Boolean => quote! { bool },
        DataType::Opaque => {
            let vec = n.get("Vec");
            quote! { #vec<u8> }
        }
        DataType::Time => n.get("Time"),
        DataType::Objlnk => n.get("ObjectLink"),
        DataType::Corelnk => n.get("CoreLink"),
        DataType::None => quote! { () },
    }
}

/// Whether the whole value of a resource is `Copy` (numbers, booleans, times, links and
/// enumerations, single).
fn is_copy(r: &ResourcePlan) -> bool {
    !r.def.multiple
        && (r.enumeration.is_some()
            || !matches!(
                r.def.data_type,
                DataType::String | DataType::Opaque | DataType::Corelnk
            ))
}

/// The whole value of a resource (`T` or `InstanceMap<T>`).
fn value_type(r: &ResourcePlan, n: &Names) -> TokenStream {
    let t = element_type(r, n);
    if r.def.multiple {
        let map = n.get("InstanceMap");
        quote! { #map<#t> }
    } else {
        t
    }
}

/// The struct field type (`Option<T>` when optional).
fn field_type(r: &ResourcePlan, n: &Names) -> TokenStream {
    let v = value_type(r, n);
    if r.def.mandatory || r.def.multiple {
        v
    } else {
        let option = n.get("Option");
        quote! { #option<#v> }
    }
}

fn data_type_text(r: &ResourcePlan) -> String {
    if r.valueless() {
        "none".into()
    } else {
        r.def.data_type.ddf_name().into()
    }
}

/// Facts line of a resource's documentation.
fn facts(r: &ResourcePlan) -> String {
    let d = r.def;
    let mut s = format!(
        "ID {} · {} · {} · {} · {}",
        d.id,
        if d.operations.is_none() {
            "no operation (bootstrap/client only)".to_string()
        } else {
            d.operations.ddf_name().to_string()
        },
        data_type_text(r),
        if d.multiple { "multiple" } else { "single" },
        if d.mandatory { "mandatory" } else { "optional" },
    );
    if !d.units.trim().is_empty() {
        s.push_str(&format!(" · units {}", code(&d.units)));
    }
    if !d.range_text.trim().is_empty() {
        s.push_str(&format!(" · range {}", code(&d.range_text)));
    }
    s
}

fn res_doc(r: &ResourcePlan) -> TokenStream {
    let title = format!(" {} (resource {}).", md(&r.def.name), r.def.id);
    let facts = format!(" {}", facts(r));
    let mut t = quote! { #[doc = #title] #[doc = ""] #[doc = #facts] };
    if !r.def.description.trim().is_empty() {
        let d = format!(" {}", md(&r.def.description));
        t.extend(quote! { #[doc = ""] #[doc = #d] });
    }
    t
}

/// One line: name, ID and the marker type that has the full documentation.
fn short_doc(r: &ResourcePlan) -> TokenStream {
    let d = format!(
        " {} (resource {}, {}): see [`{m}`](struct@resources::{m}).",
        md(&r.def.name),
        r.def.id,
        if r.def.operations.is_none() {
            "no operation"
        } else {
            r.def.operations.ddf_name()
        },
        m = r.marker
    );
    quote! { #[doc = #d] }
}

/// The serde derives of an instance struct or write view: a field the document omits
/// takes its default (`None`, no instances), so a document lists only what it holds.
fn serde_struct_attrs(options: &Options, n: &Names) -> TokenStream {
    match &options.serde_feature {
        Some(f) => {
            let [ser, de] = n.all(["Serialize", "Deserialize"]);
            quote! {
                #[cfg_attr(feature = #f, derive(#ser, #de), serde(crate = "ucifi_runtime::__private::serde", default))]
            }
        }
        None => quote! {},
    }
}

/// The serde attribute of a field: an absent optional value (`None`, an optional multiple
/// resource without instances) is not written, so JSON carries no `null`s.
fn serde_field_attr(options: &Options, r: &ResourcePlan, in_write_view: bool) -> TokenStream {
    let Some(f) = &options.serde_feature else {
        return quote! {};
    };
    let skip = if in_write_view || !(r.def.multiple || r.def.mandatory) {
        "::core::option::Option::is_none"
    } else if r.def.multiple && !r.def.mandatory {
        "::ucifi_runtime::InstanceMap::is_empty"
    } else {
        return quote! {};
    };
    quote! { #[cfg_attr(feature = #f, serde(skip_serializing_if = #skip))] }
}

/// Every name the items of `o`'s module define in the type and value namespaces.
fn local_names<'o>(o: &'o ObjectPlan) -> Vec<&'o str> {
    let mut names = vec![o.type_name.as_str(), &o.write_name, &o.execute_name];
    for r in &o.resources {
        names.push(&r.marker);
        if let Some(e) = &r.enumeration {
            names.push(&e.name);
        }
    }
    names
}

/// The body of `v{M}_{m}` for one object version.
pub(super) fn version_module(o: &ObjectPlan, options: &Options) -> TokenStream {
    let n = Names::new(local_names(o));
    let def = o.def;
    let mut module_doc = vec![
        format!(
            " {} (object {}) version {}: `{}`.",
            md(&def.name),
            def.id,
            def.version,
            def.urn
        ),
        String::new(),
        format!(
            " LwM2M {} · {}-instance object · {}.",
            def.lwm2m_version,
            if def.multiple { "multiple" } else { "single" },
            if def.mandatory {
                "mandatory"
            } else {
                "optional"
            }
        ),
    ];
    for d in [&def.description1, &def.description2] {
        if !d.trim().is_empty() {
            module_doc.push(String::new());
            module_doc.push(format!(" {}", md(d)));
        }
    }
    let models = model_items(o, &n);
    let object = object_items(o, options, &n);
    let write_view = write_view_items(o, options, &n);
    let execute = execute_items(o, &n);
    let enums = o.resources.iter().filter_map(|r| {
        r.enumeration
            .as_ref()
            .map(|e| enum_items(r, e, options, &n))
    });
    let markers = o.resources.iter().map(|r| marker(r, o, &n));
    let resources_doc = format!(
        " One zero-sized type per resource of {} {}, with the resource's documentation: it implements `Resource` (and `Readable`, `Writable` or `Executable`) for typed reads and writes of that one resource (`typed::read`, `typed::write`).",
        md(&def.name),
        def.version
    );
    quote! {
        #(#![doc = #module_doc])*

        use ucifi_runtime::typed::prelude::*;

        #models
        #object
        #write_view
        #execute
        #(#enums)*

        #[doc = #resources_doc]
        pub mod resources {
            use super::*;

            #(#markers)*
        }
    }
}

/// `ID`, `VERSION`, `MODEL`, `RESOURCES` and the `id` module.
fn model_items(o: &ObjectPlan, n: &Names) -> TokenStream {
    let def = o.def;
    let [
        version_t,
        object_model,
        resource_model,
        operations,
        data_type,
        cow,
    ] = n.all([
        "Version",
        "ObjectModel",
        "ResourceModel",
        "Operations",
        "DataType",
        "Cow",
    ]);
    let id = id_lit(def.id);
    let version = version_tokens(def.version, n);
    let lwm2m_version = version_tokens(def.lwm2m_version, n);
    let resources = o.resources.iter().map(|r| {
        let d = r.def;
        let (rid, name) = (id_lit(d.id), &d.name);
        let (ops, dt) = (ops_name(d.operations), dt_name(d.data_type));
        let mut t =
            quote! { #resource_model::new(#rid, #name, #operations::#ops, #data_type::#dt) };
        if d.multiple {
            t.extend(quote! { .multiple() });
        }
        if d.mandatory {
            t.extend(quote! { .mandatory() });
        }
        if !d.range_text.is_empty() {
            let range = &d.range_text;
            t.extend(quote! { .range(#range) });
        }
        if !d.units.is_empty() {
            let units = &d.units;
            t.extend(quote! { .units(#units) });
        }
        if let Some(e) = &r.enumeration {
            let value_name = n.get("ValueName");
            let mut named: Vec<(i64, &str)> = e
                .variants
                .iter()
                .map(|v| (v.value, v.name.as_str()))
                .collect();
            named.sort_unstable();
            let items = named.iter().map(|(code, name)| {
                let code = Literal::i64_unsuffixed(*code);
                quote! { #value_name::new(#code, #name) }
            });
            t.extend(quote! { .values(const { &[#(#items),*] }) });
        }
        t
    });
    let (name, urn, multiple, mandatory) = (&def.name, &def.urn, def.multiple, def.mandatory);
    let model_doc = format!(" The model of {} version {}.", md(&def.name), def.version);
    let consts = o.resources.iter().map(|r| {
        let k = format_ident!("{}", r.konst);
        let rid = id_lit(r.def.id);
        let doc = format!(" {} (resource {}).", md(&r.def.name), r.def.id);
        quote! { #[doc = #doc] pub const #k: u16 = #rid; }
    });
    quote! {
        /// Object ID.
        pub const ID: u16 = #id;
        /// Object version.
        pub const VERSION: #version_t = #version;
        #[doc = #model_doc]
        pub const MODEL: #object_model = #object_model {
            id: ID,
            name: #cow::Borrowed(#name),
            urn: #cow::Borrowed(#urn),
            version: VERSION,
            lwm2m_version: #lwm2m_version,
            multiple: #multiple,
            mandatory: #mandatory,
            resources: #cow::Borrowed(RESOURCES),
        };
        /// The resource models, sorted by ID.
        pub const RESOURCES: &[#resource_model] = &[#(#resources),*];
        /// Resource IDs.
        pub mod id { #(#consts)* }
    }
}

/// A pattern matching sorted `ids`, runs of three or more as ranges: `0..=12 | 15`.
fn id_pattern(ids: &[u16]) -> TokenStream {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        let a = id_lit(ids[i]);
        if j >= i + 2 {
            let b = id_lit(ids[j]);
            parts.push(quote! { #a..=#b });
            i = j + 1;
        } else {
            parts.push(quote! { #a });
            i += 1;
        }
    }
    quote! { #(#parts)|* }
}

/// One `set` arm per field, `Ok(())` for resources the version does not define, and an
/// error arm per group of `refusals` (resource IDs and the `ErrorKind` variant they get).
fn set_fn(sets: Vec<TokenStream>, refusals: &[(Vec<u16>, &str)], n: &Names) -> TokenStream {
    let [option, result, ok, err, error_kind, raw_value] =
        n.all(["Option", "Result", "Ok", "Err", "ErrorKind", "RawValue"]);
    let refusals: Vec<TokenStream> = refusals
        .iter()
        .filter(|(ids, _)| !ids.is_empty())
        .map(|(ids, kind)| {
            let (pat, kind) = (id_pattern(ids), format_ident!("{kind}"));
            quote! { #pat => #err(#error_kind::#kind), }
        })
        .collect();
    let (resource, instance, raw) = if sets.is_empty() {
        let r = if refusals.is_empty() {
            "_resource"
        } else {
            "resource"
        };
        (
            format_ident!("{r}"),
            format_ident!("_instance"),
            format_ident!("_raw"),
        )
    } else {
        (
            format_ident!("resource"),
            format_ident!("instance"),
            format_ident!("raw"),
        )
    };
    let body = if sets.is_empty() && refusals.is_empty() {
        quote! { #ok(()) }
    } else {
        quote! { match resource { #(#sets)* #(#refusals)* _ => #ok(()), } }
    };
    quote! {
        fn set(&mut self, #resource: u16, #instance: #option<u16>, #raw: &#raw_value<'_>) -> #result<(), #error_kind> {
            #body
        }
    }
}

/// `clear_multiple`: `clears` (a resource ID and the statement that empties it), then the
/// `refusals` as in [`set_fn`], `Ok(())` for the rest.
fn clear_fn(
    clears: Vec<(u16, TokenStream)>,
    refusals: &[(Vec<u16>, &str)],
    n: &Names,
) -> TokenStream {
    let [result, ok, err, error_kind] = n.all(["Result", "Ok", "Err", "ErrorKind"]);
    let refusals: Vec<(TokenStream, TokenStream)> = refusals
        .iter()
        .filter(|(ids, _)| !ids.is_empty())
        .map(|(ids, kind)| {
            let kind = format_ident!("{kind}");
            (id_pattern(ids), quote! { #err(#error_kind::#kind) })
        })
        .collect();
    let signature = |resource: &str| {
        let resource = format_ident!("{resource}");
        quote! { fn clear_multiple(&mut self, #resource: u16) -> #result<(), #error_kind> }
    };
    let body = match (clears.as_slice(), refusals.as_slice()) {
        ([], []) => {
            let signature = signature("_resource");
            return quote! { #signature { #ok(()) } };
        }
        ([], refusals) => {
            let arms = refusals.iter().map(|(pat, e)| quote! { #pat => #e, });
            quote! { match resource { #(#arms)* _ => #ok(()), } }
        }
        ([(id, stmt)], []) => {
            let id = id_lit(*id);
            quote! { if resource == #id { #stmt; } #ok(()) }
        }
        (clears, refusals) => {
            let clears = clears.iter().map(|(id, stmt)| {
                let id = id_lit(*id);
                quote! { #id => #stmt, }
            });
            let refusals = refusals
                .iter()
                .map(|(pat, e)| quote! { #pat => return #e, });
            quote! { match resource { #(#clears)* #(#refusals)* _ => {} } #ok(()) }
        }
    };
    let signature = signature("resource");
    quote! { #signature { #body } }
}

/// `encode_resources` from one statement per field.
fn encode_fn(emits: Vec<TokenStream>, n: &Names) -> TokenStream {
    let [result, ok, error, writer] = n.all(["Result", "Ok", "Error", "Writer"]);
    let w = format_ident!("{}", if emits.is_empty() { "_w" } else { "w" });
    quote! {
        fn encode_resources<W: #writer + ?Sized>(&self, #w: &mut W) -> #result<(), #error> {
            #(#emits)*
            #ok(())
        }
    }
}

/// `reset_except` from one reset statement per field.
fn reset_fn(resets: Vec<(u16, TokenStream)>, n: &Names) -> TokenStream {
    let resource_set = n.get("ResourceSet");
    if resets.is_empty() {
        return quote! { fn reset_except(&mut self, _keep: &#resource_set) {} };
    }
    let resets = resets.iter().map(|(id, stmt)| {
        let id = id_lit(*id);
        quote! { if !keep.contains(#id) { #stmt } }
    });
    quote! { fn reset_except(&mut self, keep: &#resource_set) { #(#resets)* } }
}

/// The resources that carry a value (every one but executables and typeless ones).
fn value_resources<'o, 'a>(o: &'o ObjectPlan<'a>) -> Vec<&'o ResourcePlan<'a>> {
    o.resources.iter().filter(|r| !r.valueless()).collect()
}

fn valueless_ids(o: &ObjectPlan) -> Vec<u16> {
    o.resources
        .iter()
        .filter(|r| r.valueless())
        .map(|r| r.def.id)
        .collect()
}

/// The instance struct and its `InstanceSink`, `Instance` and `ObjectType` impls.
fn object_items(o: &ObjectPlan, options: &Options, n: &Names) -> TokenStream {
    let def = o.def;
    let ty = format_ident!("{}", o.type_name);
    let [none, default, instance_sink, instance, object_type] =
        n.all(["None", "Default", "InstanceSink", "Instance", "ObjectType"]);
    let [version, object_model] = n.all(["Version", "ObjectModel"]);
    let write_ty = format_ident!("{}", o.write_name);
    let field = n.get("field");
    let serde = serde_struct_attrs(options, n);
    let resources = value_resources(o);
    let fields = resources.iter().map(|r| {
        let (doc, f, t) = (res_doc(r), format_ident!("{}", r.field), field_type(r, n));
        let skip = serde_field_attr(options, r, false);
        quote! { #doc #skip pub #f: #t, }
    });
    let mut emits = Vec::new();
    let mut sets = Vec::new();
    let mut clears = Vec::new();
    let mut resets = Vec::new();
    let mut singles = Vec::new();
    for r in &resources {
        let (f, id) = (format_ident!("{}", r.field), r.def.id);
        let rid = id_lit(id);
        let (emit, set, reset) = match (r.def.multiple, r.def.mandatory) {
            (true, true) => ("emit", "set", quote! { self.#f.clear(); }),
            (true, false) => ("emit_non_empty", "set", quote! { self.#f.clear(); }),
            (false, true) => ("emit", "set", quote! { self.#f = #default::default(); }),
            (false, false) => ("emit_opt", "set_opt", quote! { self.#f = #none; }),
        };
        let (emit, set) = (format_ident!("{emit}"), format_ident!("{set}"));
        emits.push(quote! { #field::#emit(w, #rid, &self.#f)?; });
        sets.push(quote! { #rid => #field::#set(&mut self.#f, instance, raw), });
        resets.push((id, reset));
        if r.def.multiple {
            clears.push((id, quote! { self.#f.clear() }));
        } else {
            singles.push(id);
        }
    }
    let valueless = valueless_ids(o);
    // A container for a single or executable resource is refused as `set` refuses its
    // instances (an empty one too: nothing is silently dropped).
    let set = set_fn(sets, &[(valueless.clone(), "Executable")], n);
    let clear = clear_fn(
        clears,
        &[(singles, "NotMultiple"), (valueless, "Executable")],
        n,
    );
    let encode = encode_fn(emits, n);
    let reset = reset_fn(resets, n);
    let validate = validate_fn(&resources, n);
    let doc = format!(
        " One instance of {} (object {}) version {}: one field per resource that carries a value (optional resources are `Option`s, multiple-instance resources map resource-instance IDs to values).",
        md(&def.name),
        def.id,
        def.version
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Default)]
        #serde
        pub struct #ty { #(#fields)* }

        impl #instance_sink for #ty {
            #set
            #clear
        }

        impl #instance for #ty {
            const OBJECT_ID: u16 = ID;
            #encode
            #reset
            #validate
        }

        impl #object_type for #ty {
            const VERSION: #version = VERSION;
            const MODEL: &'static #object_model = &MODEL;
            type Write = #write_ty;
        }
    }
}

/// The write view and its `apply_to`, `InstanceSink` and `Instance` impls.
fn write_view_items(o: &ObjectPlan, options: &Options, n: &Names) -> TokenStream {
    let ty = format_ident!("{}", o.type_name);
    let write_ty = format_ident!("{}", o.write_name);
    let [option, some, none, instance_sink, instance, write_view] = n.all([
        "Option",
        "Some",
        "None",
        "InstanceSink",
        "Instance",
        "WriteView",
    ]);
    let field = n.get("field");
    let serde = serde_struct_attrs(options, n);
    let resources = value_resources(o);
    let writable: Vec<&ResourcePlan> = resources.iter().copied().filter(|r| r.writable()).collect();
    let fields = writable.iter().map(|r| {
        let (doc, f, t) = (short_doc(r), format_ident!("{}", r.field), value_type(r, n));
        let skip = serde_field_attr(options, r, true);
        quote! { #doc #skip pub #f: #option<#t>, }
    });
    let mut emits = Vec::new();
    let mut sets = Vec::new();
    let mut clears = Vec::new();
    let mut resets = Vec::new();
    let mut singles = Vec::new();
    let mut applies = Vec::new();
    for r in &writable {
        let (f, id) = (format_ident!("{}", r.field), r.def.id);
        let rid = id_lit(id);
        emits.push(quote! { #field::emit_opt(w, #rid, &self.#f)?; });
        sets.push(match rule(r, n) {
            Some(rule) => {
                quote! { #rid => #field::set_checked(&mut self.#f, instance, raw, #rule), }
            }
            None => quote! { #rid => #field::set_opt(&mut self.#f, instance, raw), },
        });
        resets.push((id, quote! { self.#f = #none; }));
        if r.def.multiple {
            let map = n.get("InstanceMap");
            clears.push((id, quote! { self.#f = #some(#map::new()) }));
        } else {
            singles.push(id);
        }
        // A value the type copies is taken by value; the others are cloned.
        let (v, value) = if is_copy(r) {
            (quote! { v }, quote! { self.#f })
        } else if n.shadows("Clone") {
            (
                quote! { ::core::clone::Clone::clone(v) },
                quote! { &self.#f },
            )
        } else {
            (quote! { v.clone() }, quote! { &self.#f })
        };
        applies.push(if r.def.multiple {
            quote! { if let #some(v) = &self.#f { #field::merge_instances(&mut target.#f, v); } }
        } else if r.def.mandatory {
            quote! { if let #some(v) = #value { target.#f = #v; } }
        } else {
            quote! { if let #some(v) = #value { target.#f = #some(#v); } }
        });
    }
    let readonly: Vec<u16> = resources
        .iter()
        .filter(|r| !r.writable())
        .map(|r| r.def.id)
        .collect();
    let valueless = valueless_ids(o);
    let set = set_fn(
        sets,
        &[
            (readonly.clone(), "NotWritable"),
            (valueless.clone(), "Executable"),
        ],
        n,
    );
    let clear = clear_fn(
        clears,
        &[
            (singles, "NotMultiple"),
            (readonly, "NotWritable"),
            (valueless, "Executable"),
        ],
        n,
    );
    let encode = encode_fn(emits, n);
    let reset = reset_fn(resets, n);
    let validate = validate_fn(&writable, n);
    let target = format_ident!(
        "{}",
        if applies.is_empty() {
            "_target"
        } else {
            "target"
        }
    );
    let doc = format!(
        " What a server may write to a [`{t}`](struct@{t}) instance: the {} resources with `W` or `RW`, each optional (a partial update). Read-only resources have no field, so writing them does not compile; decoding a payload that holds one fails, as does decoding a value the model does not allow.",
        writable.len(),
        t = o.type_name,
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Default)]
        #serde
        pub struct #write_ty { #(#fields)* }

        impl #instance_sink for #write_ty {
            #set
            #clear
        }

        impl #instance for #write_ty {
            const OBJECT_ID: u16 = ID;
            #encode
            #reset
            #validate
        }

        impl #write_view for #write_ty {
            type Target = #ty;
            fn apply_to(&self, #target: &mut #ty) { #(#applies)* }
        }
    }
}

/// The enum of executable resources, when there are any.
fn execute_items(o: &ObjectPlan, n: &Names) -> TokenStream {
    let execs: Vec<&ResourcePlan> = o
        .resources
        .iter()
        .filter(|r| r.def.is_executable())
        .collect();
    if execs.is_empty() {
        return quote! {};
    }
    let [option, some, none] = n.all(["Option", "Some", "None"]);
    let ex = format_ident!("{}", o.execute_name);
    let variants: Vec<_> = execs
        .iter()
        .map(|r| format_ident!("{}", r.marker))
        .collect();
    let ids: Vec<Literal> = execs.iter().map(|r| id_lit(r.def.id)).collect();
    let docs = execs.iter().map(|r| short_doc(r));
    let doc = format!(
        " The executable resources of {} (they carry no value, so they are not fields).",
        md(&o.def.name)
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #ex { #( #docs #variants, )* }

        impl #ex {
            /// Every executable resource, by ID.
            pub const ALL: &'static [#ex] = &[#(#ex::#variants),*];

            /// The resource ID.
            pub const fn id(self) -> u16 { match self { #(#ex::#variants => #ids,)* } }

            /// The executable resource with this ID.
            pub const fn from_id(id: u16) -> #option<#ex> {
                match id { #(#ids => #some(#ex::#variants),)* _ => #none }
            }
        }
    }
}

/// The `Rule` a resource's values must follow, if the model constrains them: what
/// `validate` checks and what a write view checks as it decodes.
fn rule(r: &ResourcePlan, n: &Names) -> Option<TokenStream> {
    let rule_t = n.get("Rule");
    // Labels in the range list every allowed value; value names only name some codes of
    // the range, which is checked as for a plain number.
    if r.enumeration
        .as_ref()
        .is_some_and(|e| e.source == EnumSource::RangeLabels)
    {
        return Some(quote! { #rule_t::Named });
    }
    Some(
        match crate::range::constraint(&r.def.range, r.def.data_type)? {
            Constraint::Int(min, max) => {
                let (a, b) = (int(min), int(max));
                quote! { #rule_t::Int(#a, #b) }
            }
            Constraint::Float(min, max) => {
                let (a, b) = (float(min), float(max));
                quote! { #rule_t::Float(#a, #b) }
            }
            Constraint::Discrete(list) => {
                let items = list.iter().map(|v| int(*v));
                quote! { #rule_t::Discrete(&[#(#items),*]) }
            }
            Constraint::Len(min, max) => {
                let (a, b) = (Literal::u64_unsuffixed(min), Literal::u64_unsuffixed(max));
                quote! { #rule_t::Len(#a, #b) }
            }
        },
    )
}

/// The `validate` function over `resources` (fields of the struct or of its write view).
fn validate_fn(resources: &[&ResourcePlan], n: &Names) -> TokenStream {
    let [result, ok, vec, violation, check_t] =
        n.all(["Result", "Ok", "Vec", "Violation", "Check"]);
    let checks: Vec<TokenStream> = resources
        .iter()
        .filter_map(|r| {
            let (f, rid, rule) = (format_ident!("{}", r.field), id_lit(r.def.id), rule(r, n)?);
            Some(quote! { check.range(#rid, &self.#f, #rule); })
        })
        .collect();
    let body = if checks.is_empty() {
        quote! { #ok(()) }
    } else {
        quote! {
            let mut check = #check_t::new();
            #(#checks)*
            check.finish()
        }
    };
    quote! { fn validate(&self) -> #result<(), #vec<#violation>> { #body } }
}

fn marker(r: &ResourcePlan, o: &ObjectPlan, n: &Names) -> TokenStream {
    let m = format_ident!("{}", r.marker);
    let object = format_ident!("{}", o.type_name);
    let doc = res_doc(r);
    let rid = id_lit(r.def.id);
    let value = if r.valueless() {
        quote! { () }
    } else {
        value_type(r, n)
    };
    let [resource, readable, writable, executable] =
        n.all(["Resource", "Readable", "Writable", "Executable"]);
    let mut extra = TokenStream::new();
    if !r.valueless() {
        if r.def.operations.readable() {
            extra.extend(quote! { impl #readable for #m {} });
        }
        if r.def.operations.writable() {
            extra.extend(quote! { impl #writable for #m {} });
        }
    }
    if r.def.is_executable() {
        extra.extend(quote! { impl #executable for #m {} });
    }
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #m;

        impl #resource for #m {
            const ID: u16 = #rid;
            type Object = #object;
            type Value = #value;
        }
        #extra
    }
}

fn enum_items(r: &ResourcePlan, e: &EnumPlan, options: &Options, n: &Names) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let (raw_ty, dt) = if e.unsigned {
        (quote! { u64 }, format_ident!("UnsignedInteger"))
    } else {
        (quote! { i64 }, format_ident!("Integer"))
    };
    let [enumeration, data_type, option, some, none] =
        n.all(["Enumeration", "DataType", "Option", "Some", "None"]);
    let doc = match e.source {
        EnumSource::RangeLabels => format!(
            " Values of {} (resource {}), as enumerated by the model; `Other` holds values it does not list.",
            md(&r.def.name),
            r.def.id
        ),
        EnumSource::ValueNames => format!(
            " Values of {} (resource {}): one variant per named code, `Other` for any other code.",
            md(&r.def.name),
            r.def.id
        ),
    };
    let variants: Vec<_> = e
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.ident))
        .collect();
    let values: Vec<TokenStream> = e.variants.iter().map(|v| int(v.value as i128)).collect();
    let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
    // The default is the variant of 0 (what a plain number defaults to), else the first.
    let default = e.variants.iter().position(|v| v.value == 0).unwrap_or(0);
    let items = e.variants.iter().enumerate().map(|(i, v)| {
        let doc = match e.source {
            EnumSource::RangeLabels => format!(" `{}`: {}", v.value, md(&v.doc)),
            EnumSource::ValueNames => format!(" {} (`{}`): {}", v.ident, v.value, md(&v.doc)),
        };
        let default = (i == default).then(|| quote! { #[default] });
        let ident = &variants[i];
        quote! { #[doc = #doc] #default #ident, }
    });
    let serde = options.serde_feature.as_ref().map(|f| {
        let [
            serialize,
            deserialize,
            serializer,
            deserializer,
            result,
            module,
        ] = n.all([
            "Serialize",
            "Deserialize",
            "Serializer",
            "Deserializer",
            "Result",
            "enumeration",
        ]);
        quote! {
            #[cfg(feature = #f)]
            impl #serialize for #name {
                fn serialize<S: #serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                    #module::serialize(self, serializer)
                }
            }

            #[cfg(feature = #f)]
            impl<'de> #deserialize<'de> for #name {
                fn deserialize<D: #deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    #module::deserialize(deserializer)
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
        pub enum #name {
            #(#items)*
            /// A code without a name.
            Other(#raw_ty),
        }

        impl #enumeration for #name {
            const DATA_TYPE: #data_type = #data_type::#dt;
            const NAMES: &'static [&'static str] = &[#(#names),*];

            fn to_i128(self) -> i128 {
                match self { #(#name::#variants => #values,)* #name::Other(v) => v as i128, }
            }

            fn from_i128(v: i128) -> Self {
                match v { #(#values => #name::#variants,)* v => #name::Other(v as #raw_ty), }
            }

            fn name(self) -> #option<&'static str> {
                match self { #(#name::#variants => #some(#names),)* #name::Other(_) => #none, }
            }

            fn from_name(name: &str) -> #option<Self> {
                match name { #(#names => #some(#name::#variants),)* _ => #none, }
            }
        }

        #serde
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn imported_names_are_written_in_full_only_where_an_item_shadows_them() {
        let n = Names::new(["Time", "Some", "Device"]);
        let text = |name| n.get(name).to_string().replace(' ', "");
        assert_eq!(text("Version"), "Version");
        assert_eq!(text("Time"), "::ucifi_runtime::typed::prelude::Time");
        assert_eq!(text("Some"), "::core::option::Option::Some");
        assert_eq!(text("Option"), "Option");
    }
}
