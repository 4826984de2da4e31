//! The items of one object-version module.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{DataType, Operations, Range};

use super::Options;
use super::plan::{EnumPlan, ObjectPlan, ResourcePlan, code, md};

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

fn ops_name(o: Operations) -> proc_macro2::Ident {
    match o.ddf_name() {
        "" => format_ident!("NONE"),
        s => format_ident!("{}", s),
    }
}

fn dt_name(d: DataType) -> proc_macro2::Ident {
    format_ident!("{}", format!("{d:?}"))
}

fn dt_tokens(d: DataType) -> TokenStream {
    let v = dt_name(d);
    quote! { ::ucifi_runtime::DataType::#v }
}

fn version_tokens(v: crate::ir::Version) -> TokenStream {
    let (a, b) = (
        Literal::u16_unsuffixed(v.major),
        Literal::u16_unsuffixed(v.minor),
    );
    quote! { ::ucifi_runtime::Version::new(#a, #b) }
}

/// The Rust element type of a resource (`i64`, `String`, an enum, ...).
fn element_type(r: &ResourcePlan) -> TokenStream {
    if let Some(e) = &r.enumeration {
        let n = format_ident!("{}", e.name);
        return quote! { #n };
    }
    scalar_type(r.def.data_type)
}

fn scalar_type(d: DataType) -> TokenStream {
    match d {
        DataType::String => quote! { ::ucifi_runtime::__private::String },
        DataType::Integer => quote! { i64 },
        DataType::UnsignedInteger => quote! { u64 },
        DataType::Float => quote! { f64 },
        DataType::Boolean => quote! { bool },
        DataType::Opaque => quote! { ::ucifi_runtime::__private::Vec<u8> },
        DataType::Time => quote! { ::ucifi_runtime::Time },
        DataType::Objlnk => quote! { ::ucifi_runtime::ObjectLink },
        DataType::Corelnk => quote! { ::ucifi_runtime::CoreLink },
        DataType::None => quote! { () },
    }
}

/// The whole value of a resource (`T` or `InstanceMap<T>`).
fn value_type(r: &ResourcePlan) -> TokenStream {
    let t = element_type(r);
    if r.def.multiple {
        quote! { ::ucifi_runtime::InstanceMap<#t> }
    } else {
        t
    }
}

/// The struct field type (`Option<T>` when optional).
fn field_type(r: &ResourcePlan) -> TokenStream {
    let v = value_type(r);
    if r.def.mandatory || r.def.multiple {
        v
    } else {
        quote! { ::core::option::Option<#v> }
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
        " {} (resource {}, {}): see [`{m}`](struct@{m}).",
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

fn serde_attrs(options: &Options) -> TokenStream {
    match &options.serde_feature {
        Some(f) => quote! {
            #[cfg_attr(feature = #f, derive(::ucifi_runtime::__private::serde::Serialize, ::ucifi_runtime::__private::serde::Deserialize))]
            #[cfg_attr(feature = #f, serde(crate = "::ucifi_runtime::__private::serde"))]
        },
        None => quote! {},
    }
}

/// The body of `v{M}_{m}` for one object version.
pub(super) fn version_module(o: &ObjectPlan, options: &Options) -> TokenStream {
    let def = o.def;
    let ty = format_ident!("{}", o.type_name);
    let write_ty = format_ident!("{}", o.write_name);
    let serde = serde_attrs(options);
    let id = Literal::u16_unsuffixed(def.id);
    let version = version_tokens(def.version);
    let lwm2m_version = version_tokens(def.lwm2m_version);

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

    // The model descriptor.
    let res_models = o.resources.iter().map(|r| {
        let d = r.def;
        let rid = Literal::u16_unsuffixed(d.id);
        let name = &d.name;
        let ops = ops_name(d.operations);
        let ops = quote! { O::#ops };
        let (m, man) = (d.multiple, d.mandatory);
        let dt = dt_name(d.data_type);
        let dt = quote! { T::#dt };
        let range = &d.range_text;
        let units = &d.units;
        quote! { r(#rid, #name, #ops, #m, #man, #dt, #range, #units) }
    });
    let (name, urn, multiple, mandatory) = (&def.name, &def.urn, def.multiple, def.mandatory);

    // Struct fields.
    let value_res: Vec<&ResourcePlan> = o.resources.iter().filter(|r| !r.valueless()).collect();
    let fields = value_res.iter().map(|r| {
        let doc = res_doc(r);
        let f = format_ident!("{}", r.field);
        let t = field_type(r);
        quote! { #doc pub #f: #t, }
    });

    // Encoding.
    let encodes: Vec<TokenStream> = value_res
        .iter()
        .map(|r| {
            let f = format_ident!("{}", r.field);
            let rid = Literal::u16_unsuffixed(r.def.id);
            if r.def.multiple {
                let always = r.def.mandatory;
                quote! { f::multi(w, #rid, &self.#f, #always)?; }
            } else if r.def.mandatory {
                quote! { f::one(w, #rid, &self.#f)?; }
            } else {
                quote! { f::opt(w, #rid, &self.#f)?; }
            }
        })
        .collect();
    let sets: Vec<TokenStream> = value_res
        .iter()
        .map(|r| {
            let f = format_ident!("{}", r.field);
            let rid = Literal::u16_unsuffixed(r.def.id);
            if r.def.multiple {
                quote! { #rid => f::set_multi(&mut self.#f, instance, raw), }
            } else if r.def.mandatory {
                quote! { #rid => f::set(&mut self.#f, instance, raw), }
            } else {
                quote! { #rid => f::set_opt(&mut self.#f, instance, raw), }
            }
        })
        .collect();
    let valueless: Vec<u16> = o
        .resources
        .iter()
        .filter(|r| r.valueless())
        .map(|r| r.def.id)
        .collect();
    let valueless_arm = if valueless.is_empty() {
        quote! {}
    } else {
        let pat = id_pattern(&valueless);
        quote! { #pat => ::core::result::Result::Err(::ucifi_runtime::typed::SetError::Executable), }
    };
    let multis: Vec<&&ResourcePlan> = value_res.iter().filter(|r| r.def.multiple).collect();
    let clears = multis.iter().map(|r| {
        let f = format_ident!("{}", r.field);
        let rid = Literal::u16_unsuffixed(r.def.id);
        (quote! { #rid }, quote! { self.#f.clear(); })
    });
    // A container for any other resource the struct has is refused as `set_raw` refuses
    // its instances (an empty one too: nothing is silently dropped).
    let singles: Vec<u16> = value_res
        .iter()
        .filter(|r| !r.def.multiple)
        .map(|r| r.def.id)
        .collect();
    let clear_body = clear_dispatch(
        clears.collect(),
        vec![
            (singles, quote! { NotMultiple }),
            (valueless.clone(), quote! { Executable }),
        ],
    );
    // Straight-line tests of constant IDs: no call or dispatch per resource.
    let resets: Vec<TokenStream> = value_res
        .iter()
        .map(|r| {
            let f = format_ident!("{}", r.field);
            let rid = Literal::u16_unsuffixed(r.def.id);
            let body = if r.def.multiple {
                quote! { self.#f.clear(); }
            } else if r.def.mandatory {
                quote! { self.#f = ::core::default::Default::default(); }
            } else {
                quote! { self.#f = ::core::option::Option::None; }
            };
            quote! { if !keep.contains(#rid) { #body } }
        })
        .collect();
    let reset_body = if resets.is_empty() {
        quote! { let _ = keep; }
    } else {
        quote! { #(#resets)* }
    };

    // Validation.
    let checks = value_res.iter().filter_map(|r| check(r));
    let checks: Vec<TokenStream> = checks.collect();
    let validate_body = if checks.is_empty() {
        quote! { ::core::result::Result::Ok(()) }
    } else {
        quote! {
            use ::ucifi_runtime::typed::check as c;
            let mut v = ::ucifi_runtime::__private::Vec::new();
            #(#checks)*
            c::finish(v)
        }
    };

    // Write view.
    let writable: Vec<&&ResourcePlan> = value_res.iter().filter(|r| r.writable()).collect();
    let wfields = writable.iter().map(|r| {
        let doc = short_doc(r);
        let f = format_ident!("{}", r.field);
        let t = value_type(r);
        quote! { #doc pub #f: ::core::option::Option<#t>, }
    });
    let wencodes: Vec<TokenStream> = writable
        .iter()
        .map(|r| {
            let f = format_ident!("{}", r.field);
            let rid = Literal::u16_unsuffixed(r.def.id);
            if r.def.multiple {
                quote! { f::opt_multi(w, #rid, &self.#f)?; }
            } else {
                quote! { f::opt(w, #rid, &self.#f)?; }
            }
        })
        .collect();
    let wsets: Vec<TokenStream> = writable
        .iter()
        .map(|r| {
            let f = format_ident!("{}", r.field);
            let rid = Literal::u16_unsuffixed(r.def.id);
            if r.def.multiple {
                quote! { #rid => f::set_opt_multi(&mut self.#f, instance, raw), }
            } else {
                quote! { #rid => f::set_opt(&mut self.#f, instance, raw), }
            }
        })
        .collect();
    let readonly: Vec<u16> = value_res
        .iter()
        .filter(|r| !r.writable())
        .map(|r| r.def.id)
        .collect();
    let readonly_arm = if readonly.is_empty() {
        quote! {}
    } else {
        let pat = id_pattern(&readonly);
        quote! { #pat => ::core::result::Result::Err(::ucifi_runtime::typed::SetError::NotWritable), }
    };
    let wmultis: Vec<&&&ResourcePlan> = writable.iter().filter(|r| r.def.multiple).collect();
    let wclears = wmultis.iter().map(|r| {
        let f = format_ident!("{}", r.field);
        let rid = Literal::u16_unsuffixed(r.def.id);
        (
            quote! { #rid },
            quote! { self.#f = ::core::option::Option::Some(::ucifi_runtime::InstanceMap::new()); },
        )
    });
    let wsingles: Vec<u16> = writable
        .iter()
        .filter(|r| !r.def.multiple)
        .map(|r| r.def.id)
        .collect();
    let wclear_body = clear_dispatch(
        wclears.collect(),
        vec![
            (wsingles, quote! { NotMultiple }),
            (readonly.clone(), quote! { NotWritable }),
            (valueless.clone(), quote! { Executable }),
        ],
    );
    let applies = writable.iter().map(|r| {
        let f = format_ident!("{}", r.field);
        if r.def.mandatory || r.def.multiple {
            quote! { if let ::core::option::Option::Some(v) = &self.#f { target.#f = ::core::clone::Clone::clone(v); } }
        } else {
            quote! { if let ::core::option::Option::Some(v) = &self.#f { target.#f = ::core::option::Option::Some(::core::clone::Clone::clone(v)); } }
        }
    });
    let applies: Vec<TokenStream> = applies.collect();
    let apply_body = if applies.is_empty() {
        quote! { let _ = target; }
    } else {
        quote! { #(#applies)* }
    };
    let write_doc = format!(
        " What a server may write to a [`{t}`](struct@{t}) instance: the {} resources with `W` or `RW`, each optional (a partial update). Read-only resources have no field, so writing them does not compile; decoding a payload that holds one fails.",
        writable.len(),
        t = o.type_name,
    );

    // Markers, constants, enums, executables.
    let markers = o.resources.iter().map(|r| marker(r, &ty));
    let consts = o.resources.iter().map(|r| {
        let k = format_ident!("{}", r.konst);
        let rid = Literal::u16_unsuffixed(r.def.id);
        let doc = format!(" {} (resource {}).", md(&r.def.name), r.def.id);
        quote! { #[doc = #doc] pub const #k: u16 = #rid; }
    });
    let enums = o
        .resources
        .iter()
        .filter_map(|r| r.enumeration.as_ref().map(|e| enum_items(r, e, &serde)));
    let execs: Vec<&ResourcePlan> = o
        .resources
        .iter()
        .filter(|r| r.def.is_executable())
        .collect();
    let execute = if execs.is_empty() {
        quote! {}
    } else {
        let ex = format_ident!("{}", o.execute_name);
        let variants: Vec<_> = execs
            .iter()
            .map(|r| format_ident!("{}", r.marker))
            .collect();
        let ids: Vec<Literal> = execs
            .iter()
            .map(|r| Literal::u16_unsuffixed(r.def.id))
            .collect();
        let docs = execs.iter().map(|r| short_doc(r));
        let doc = format!(
            " The executable resources of {} (they carry no value, so they are not fields).",
            md(&def.name)
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
                pub const fn from_id(id: u16) -> ::core::option::Option<#ex> {
                    match id { #(#ids => ::core::option::Option::Some(#ex::#variants),)* _ => ::core::option::Option::None }
                }
            }
        }
    };
    let enc_prologue = enc_prologue(encodes.is_empty());
    let wenc_prologue = enc_prologue_w(wencodes.is_empty());
    let set_prologue = set_prologue(sets.is_empty());
    let wset_prologue = set_prologue_w(wsets.is_empty());
    let struct_doc = format!(
        " One instance of {} (object {}) version {}: one field per resource that carries a value (optional resources are `Option`s, multiple-instance resources map resource-instance IDs to values).",
        md(&def.name),
        def.id,
        def.version
    );
    let model_doc = format!(" The model of {} version {}.", md(&def.name), def.version);

    quote! {
        #(#![doc = #module_doc])*

        /// Object ID.
        pub const ID: u16 = #id;
        /// Object version.
        pub const VERSION: ::ucifi_runtime::Version = #version;
        #[doc = #model_doc]
        pub const MODEL: ::ucifi_runtime::ObjectModel = ::ucifi_runtime::typed::object_model(
            #id, #name, #urn, #version, #lwm2m_version, #multiple, #mandatory, RESOURCES,
        );
        /// The resource models, sorted by ID.
        pub const RESOURCES: &[::ucifi_runtime::ResourceModel] = {
            use ::ucifi_runtime::typed::resource_model as r;
            use ::ucifi_runtime::{DataType as T, Operations as O};
            &[#(#res_models),*]
        };

        /// Resource IDs.
        pub mod id { #(#consts)* }

        #[doc = #struct_doc]
        #[derive(Clone, Debug, PartialEq, Default)]
        #serde
        pub struct #ty { #(#fields)* }

        impl ::ucifi_runtime::typed::Instance for #ty {
            const OBJECT_ID: u16 = #id;
            fn encode_resources<W: ::ucifi_runtime::codec::Writer>(&self, w: &mut W) -> ::core::result::Result<(), W::Error> {
                #enc_prologue
                #(#encodes)*
                ::core::result::Result::Ok(())
            }
            fn set_raw(&mut self, resource: u16, instance: ::core::option::Option<u16>, raw: &::ucifi_runtime::codec::RawValue<'_>) -> ::core::result::Result<bool, ::ucifi_runtime::typed::SetError> {
                #set_prologue
                match resource {
                    #(#sets)*
                    #valueless_arm
                    _ => ::core::result::Result::Ok(false),
                }
            }
            fn clear_multiple(&mut self, resource: u16) -> ::core::result::Result<(), ::ucifi_runtime::typed::SetError> { #clear_body }
        }

        impl ::ucifi_runtime::typed::ObjectType for #ty {
            const VERSION: ::ucifi_runtime::Version = VERSION;
            const MODEL: &'static ::ucifi_runtime::ObjectModel = &MODEL;
            fn validate(&self) -> ::core::result::Result<(), ::ucifi_runtime::__private::Vec<::ucifi_runtime::typed::Violation>> {
                #validate_body
            }
            fn reset_except(&mut self, keep: &::ucifi_runtime::typed::ResourceSet) { #reset_body }
        }

        #[doc = #write_doc]
        #[derive(Clone, Debug, PartialEq, Default)]
        #serde
        pub struct #write_ty { #(#wfields)* }

        impl #write_ty {
            /// Copies every present value into `target`.
            pub fn apply_to(&self, target: &mut #ty) { #apply_body }
        }

        impl ::ucifi_runtime::typed::Instance for #write_ty {
            const OBJECT_ID: u16 = #id;
            fn encode_resources<W: ::ucifi_runtime::codec::Writer>(&self, w: &mut W) -> ::core::result::Result<(), W::Error> {
                #wenc_prologue
                #(#wencodes)*
                ::core::result::Result::Ok(())
            }
            fn set_raw(&mut self, resource: u16, instance: ::core::option::Option<u16>, raw: &::ucifi_runtime::codec::RawValue<'_>) -> ::core::result::Result<bool, ::ucifi_runtime::typed::SetError> {
                #wset_prologue
                match resource {
                    #(#wsets)*
                    #readonly_arm
                    #valueless_arm
                    _ => ::core::result::Result::Ok(false),
                }
            }
            fn clear_multiple(&mut self, resource: u16) -> ::core::result::Result<(), ::ucifi_runtime::typed::SetError> { #wclear_body }
        }

        #execute
        #(#enums)*
        #(#markers)*
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
        let a = Literal::u16_unsuffixed(ids[i]);
        if j >= i + 2 {
            let b = Literal::u16_unsuffixed(ids[j]);
            parts.push(quote! { #a..=#b });
            i = j + 1;
        } else {
            parts.push(quote! { #a });
            i += 1;
        }
    }
    quote! { #(#parts)|* }
}

/// `if resource == ID { .. }` for one case, a `match` for several, nothing for none.
fn dispatch(cases: Vec<(TokenStream, TokenStream)>) -> TokenStream {
    match cases.len() {
        0 => quote! { let _ = resource; },
        1 => {
            let (id, body) = &cases[0];
            quote! { if resource == #id { #body } }
        }
        _ => {
            let arms = cases.iter().map(|(id, body)| quote! { #id => { #body } });
            quote! { match resource { #(#arms)* _ => {} } }
        }
    }
}

/// The body of `clear_multiple`: `clears` (one resource ID and the statement that empties
/// it), then `refusals` (resource IDs and the `SetError` variant they get), `Ok` for the rest.
fn clear_dispatch(
    clears: Vec<(TokenStream, TokenStream)>,
    refusals: Vec<(Vec<u16>, TokenStream)>,
) -> TokenStream {
    let refusals: Vec<(TokenStream, TokenStream)> = refusals
        .into_iter()
        .filter(|(ids, _)| !ids.is_empty())
        .map(|(ids, variant)| {
            (
                id_pattern(&ids),
                quote! { return ::core::result::Result::Err(::ucifi_runtime::typed::SetError::#variant); },
            )
        })
        .collect();
    let body = if refusals.is_empty() {
        dispatch(clears)
    } else if clears.is_empty() && refusals.len() == 1 {
        let (pat, ret) = &refusals[0];
        quote! { if matches!(resource, #pat) { #ret } }
    } else {
        let arms = clears
            .iter()
            .chain(&refusals)
            .map(|(pat, body)| quote! { #pat => { #body } });
        quote! { match resource { #(#arms)* _ => {} } }
    };
    quote! { #body ::core::result::Result::Ok(()) }
}

fn enc_prologue(empty: bool) -> TokenStream {
    if empty {
        quote! { let _ = w; }
    } else {
        quote! { use ::ucifi_runtime::typed::field as f; }
    }
}

fn enc_prologue_w(empty: bool) -> TokenStream {
    enc_prologue(empty)
}

fn set_prologue(empty: bool) -> TokenStream {
    if empty {
        quote! { let _ = (instance, raw); }
    } else {
        quote! { use ::ucifi_runtime::typed::field as f; }
    }
}

fn set_prologue_w(empty: bool) -> TokenStream {
    set_prologue(empty)
}

fn check(r: &ResourcePlan) -> Option<TokenStream> {
    let f = format_ident!("{}", r.field);
    let rid = Literal::u16_unsuffixed(r.def.id);
    let values = if r.def.multiple {
        quote! { c::multi(&self.#f) }
    } else if r.def.mandatory {
        quote! { c::one(&self.#f) }
    } else {
        quote! { c::opt(&self.#f) }
    };
    if r.enumeration.is_some() {
        return Some(quote! { c::enumerated(&mut v, #rid, #values); });
    }
    let numeric = matches!(
        r.def.data_type,
        DataType::Integer | DataType::UnsignedInteger | DataType::Float | DataType::Time
    );
    let bytes = matches!(
        r.def.data_type,
        DataType::String | DataType::Opaque | DataType::Corelnk
    );
    let rule = match (&r.def.range, numeric, bytes) {
        // A range as wide as the Rust type checks nothing.
        (Range::Integer { min, max }, true, _)
            if (r.def.data_type == DataType::UnsignedInteger
                && *min <= 0
                && *max >= u64::MAX as i128)
                || (matches!(r.def.data_type, DataType::Integer | DataType::Time)
                    && *min <= i64::MIN as i128
                    && *max >= i64::MAX as i128) =>
        {
            return None;
        }
        (Range::Integer { min, max }, true, _) => {
            let (a, b) = (int(*min), int(*max));
            quote! { c::Rule::Int(#a, #b) }
        }
        (Range::Float { min, max }, true, _) if min.is_finite() && max.is_finite() => {
            let (a, b) = (float(*min), float(*max));
            quote! { c::Rule::Float(#a, #b) }
        }
        (Range::Discrete(list), true, _) => {
            let items = list.iter().map(|v| int(*v));
            quote! { c::Rule::Discrete(&[#(#items),*]) }
        }
        (Range::Length { min, max }, _, true) => {
            let (a, b) = (Literal::u64_unsuffixed(*min), Literal::u64_unsuffixed(*max));
            quote! { c::Rule::Len(#a, #b) }
        }
        (Range::Integer { min, max }, _, true) if *min >= 0 && *max <= u64::MAX as i128 => {
            let (a, b) = (
                Literal::u64_unsuffixed(*min as u64),
                Literal::u64_unsuffixed(*max as u64),
            );
            quote! { c::Rule::Len(#a, #b) }
        }
        _ => return None,
    };
    Some(quote! { c::range(&mut v, #rid, #values, #rule); })
}

fn marker(r: &ResourcePlan, object: &proc_macro2::Ident) -> TokenStream {
    let m = format_ident!("{}", r.marker);
    let doc = res_doc(r);
    let rid = Literal::u16_unsuffixed(r.def.id);
    let value = if r.valueless() {
        quote! { () }
    } else {
        value_type(r)
    };
    let mut extra = TokenStream::new();
    if !r.valueless() {
        if r.def.operations.readable() {
            extra.extend(quote! { impl ::ucifi_runtime::typed::Readable for #m {} });
        }
        if r.def.operations.writable() {
            extra.extend(quote! { impl ::ucifi_runtime::typed::Writable for #m {} });
        }
    }
    if r.def.is_executable() {
        extra.extend(quote! { impl ::ucifi_runtime::typed::Executable for #m {} });
    }
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #m;
        impl ::ucifi_runtime::typed::Resource for #m {
            const ID: u16 = #rid;
            type Object = #object;
            type Value = #value;
        }
        #extra
    }
}

fn enum_items(r: &ResourcePlan, e: &EnumPlan, serde: &TokenStream) -> TokenStream {
    let n = format_ident!("{}", e.name);
    let unsigned = e.unsigned;
    let raw_ty = if unsigned {
        quote! { u64 }
    } else {
        quote! { i64 }
    };
    let dt = dt_tokens(r.def.data_type);
    let doc = format!(
        " Values of {} (resource {}), as enumerated by the model; `Other` holds values it does not list.",
        md(&r.def.name),
        r.def.id
    );
    let variants: Vec<_> = e
        .variants
        .iter()
        .map(|(v, _, _)| format_ident!("{}", v))
        .collect();
    let values: Vec<TokenStream> = e.variants.iter().map(|(_, x, _)| int(*x as i128)).collect();
    let mut docs = e
        .variants
        .iter()
        .map(|(_, x, l)| format!(" `{x}`: {}", md(l)));
    let first = &variants[0];
    let first_doc = docs.next().expect("an enumeration has a variant");
    let rest = &variants[1..];
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
        #serde
        pub enum #n {
            #[default]
            #[doc = #first_doc]
            #first,
            #( #[doc = #docs] #rest, )*
            /// A value the model does not list.
            Other(#raw_ty),
        }
        impl ::ucifi_runtime::typed::Enumeration for #n {
            fn to_i128(self) -> i128 {
                match self { #(#n::#variants => #values,)* #n::Other(v) => v as i128, }
            }
            fn from_i128(v: i128) -> Self {
                match v { #(#values => #n::#variants,)* v => #n::Other(v as #raw_ty), }
            }
            fn is_known(self) -> bool { !matches!(self, #n::Other(_)) }
        }
        impl ::ucifi_runtime::typed::Scalar for #n {
            const DATA_TYPE: ::ucifi_runtime::DataType = #dt;
            fn from_raw(raw: &::ucifi_runtime::codec::RawValue<'_>) -> ::core::result::Result<Self, ::ucifi_runtime::codec::ValueError> {
                ::ucifi_runtime::typed::field::enum_from_raw(raw, #unsigned)
            }
            fn to_value_ref(&self) -> ::ucifi_runtime::codec::ValueRef<'_> {
                ::ucifi_runtime::typed::field::enum_to_ref(*self, #unsigned)
            }
            fn measure(&self) -> ::ucifi_runtime::typed::Measure {
                ::ucifi_runtime::typed::Measure::Int(::ucifi_runtime::typed::Enumeration::to_i128(*self))
            }
        }
    }
}
