//! The helpers generated `encode_resources` and [`InstanceSink::set`] call, one per kind of
//! field, so generated code stays one line per resource.
//!
//! | field | resource | encode | decode |
//! |---|---|---|---|
//! | `T` | mandatory single | [`emit`] | [`set`] |
//! | `Option<T>` | optional single; any resource of a write view | [`emit_opt`] | [`set_opt`] |
//! | `InstanceMap<T>` | mandatory multiple | [`emit`] | [`set`] |
//! | `InstanceMap<T>` | optional multiple | [`emit_non_empty`] | [`set`] |
//!
//! A write view stores a resource the model constrains with [`set_checked`], which refuses
//! a value its [`Rule`] does not allow.
//!
//! [`InstanceSink::set`]: crate::codec::InstanceSink::set

use crate::InstanceMap;
use crate::codec::{Error, ErrorKind, RawValue, Writer};

use super::Scalar;
use super::check::{self, Rule};

/// The whole value of one resource: a [`Scalar`] for a single-instance resource, a map of
/// resource-instance ID to value for a multiple-instance resource.
pub trait ResourceValue: Sized + Default {
    /// Whether this is the multiple-instance form.
    const MULTIPLE: bool;
    /// The type of one value.
    type Element: Scalar;
    /// Stores one decoded value (`instance` is the resource-instance ID, if any). On error
    /// the value is unchanged.
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), ErrorKind>;
    /// Stores one value already read, as [`put`](ResourceValue::put) does.
    fn store(&mut self, instance: Option<u16>, value: Self::Element) -> Result<(), ErrorKind>;
    /// Emits the value as resource `id` (a multiple resource even without instances).
    fn emit<W: Writer + ?Sized>(&self, id: u16, w: &mut W) -> Result<(), Error>;
}

impl<T: Scalar> ResourceValue for T {
    const MULTIPLE: bool = false;
    type Element = T;
    #[inline]
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), ErrorKind> {
        if instance.is_some() {
            return Err(ErrorKind::NotMultiple);
        }
        Ok(self.assign_raw(raw)?)
    }
    fn store(&mut self, instance: Option<u16>, value: T) -> Result<(), ErrorKind> {
        if instance.is_some() {
            return Err(ErrorKind::NotMultiple);
        }
        *self = value;
        Ok(())
    }
    #[inline]
    fn emit<W: Writer + ?Sized>(&self, id: u16, w: &mut W) -> Result<(), Error> {
        w.value(id, self.to_value_ref())
    }
}

impl<T: Scalar> ResourceValue for InstanceMap<T> {
    const MULTIPLE: bool = true;
    type Element = T;
    #[inline]
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), ErrorKind> {
        let ri = instance.ok_or(ErrorKind::NotSingle)?;
        // Payloads list instances in ascending order: one above the last is new, no search.
        if self.last().is_some_and(|(last, _)| last >= ri)
            && let Some(v) = self.get_mut(ri)
        {
            return Ok(v.assign_raw(raw)?);
        }
        self.insert(ri, T::from_raw(raw)?);
        Ok(())
    }
    fn store(&mut self, instance: Option<u16>, value: T) -> Result<(), ErrorKind> {
        self.insert(instance.ok_or(ErrorKind::NotSingle)?, value);
        Ok(())
    }
    #[inline]
    fn emit<W: Writer + ?Sized>(&self, id: u16, w: &mut W) -> Result<(), Error> {
        w.begin_multiple(id, self.len())?;
        for (ri, v) in self {
            w.value(ri, v.to_value_ref())?;
        }
        w.end_multiple()
    }
}

/// Emits resource `id`, always (a mandatory resource).
#[inline]
pub fn emit<W: Writer + ?Sized, V: ResourceValue>(w: &mut W, id: u16, v: &V) -> Result<(), Error> {
    v.emit(id, w)
}

/// Emits resource `id` when present.
#[inline]
pub fn emit_opt<W: Writer + ?Sized, V: ResourceValue>(
    w: &mut W,
    id: u16,
    v: &Option<V>,
) -> Result<(), Error> {
    match v {
        Some(v) => v.emit(id, w),
        None => Ok(()),
    }
}

/// Emits multiple resource `id` when it has instances (an optional multiple resource).
#[inline]
pub fn emit_non_empty<W: Writer + ?Sized, T: Scalar>(
    w: &mut W,
    id: u16,
    v: &InstanceMap<T>,
) -> Result<(), Error> {
    if v.is_empty() {
        return Ok(());
    }
    v.emit(id, w)
}

// `set` and `set_opt` stay out of line: a generated `InstanceSink::set` is then a jump
// table of calls, not one large function that saves and restores registers for every
// value.

/// Stores a decoded value into a field that always holds a value.
#[inline(never)]
pub fn set<V: ResourceValue>(
    slot: &mut V,
    instance: Option<u16>,
    raw: &RawValue<'_>,
) -> Result<(), ErrorKind> {
    slot.put(instance, raw)
}

/// Stores a decoded value into an optional field, reusing the value it holds. On error the
/// field is unchanged.
#[inline(never)]
pub fn set_opt<V: ResourceValue>(
    slot: &mut Option<V>,
    instance: Option<u16>,
    raw: &RawValue<'_>,
) -> Result<(), ErrorKind> {
    match slot {
        Some(v) => v.put(instance, raw),
        None => {
            let mut v = V::default();
            v.put(instance, raw)?;
            *slot = Some(v);
            Ok(())
        }
    }
}

/// Stores a decoded value into an optional field after checking it against `rule`: a
/// value the rule does not allow is [`ErrorKind::Invalid`]. On error the field is
/// unchanged.
#[inline(never)]
pub fn set_checked<V: ResourceValue>(
    slot: &mut Option<V>,
    instance: Option<u16>,
    raw: &RawValue<'_>,
    rule: Rule,
) -> Result<(), ErrorKind> {
    let value = V::Element::from_raw(raw)?;
    if let Some(problem) = check::problem(&value, rule) {
        return Err(ErrorKind::Invalid(problem));
    }
    match slot {
        Some(v) => v.store(instance, value),
        None => {
            let mut v = V::default();
            v.store(instance, value)?;
            *slot = Some(v);
            Ok(())
        }
    }
}

/// Adds or replaces the resource instances of `from` in `into` (what a write view's
/// multiple resource does to an instance).
pub fn merge_instances<T: Scalar>(into: &mut InstanceMap<T>, from: &InstanceMap<T>) {
    for (ri, v) in from {
        into.insert(ri, v.clone());
    }
}
