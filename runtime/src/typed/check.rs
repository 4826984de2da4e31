//! Validation against the model: the [`Rule`]s generated code states per resource, what
//! generated [`Instance::validate`] calls, and the [`Violation`]s it returns. Write views
//! check each value by its rule as they decode it ([`field::set_checked`]).
//!
//! [`Instance::validate`]: super::Instance::validate
//! [`field::set_checked`]: super::field::set_checked

use alloc::vec::Vec;
use core::fmt;

use super::{Measure, Scalar};
use crate::InstanceMap;

/// One violation found by [`Instance::validate`](super::Instance::validate).
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Resource ID.
    pub resource: u16,
    /// Resource-instance ID for multiple resources.
    pub instance: Option<u16>,
    /// What is wrong.
    pub problem: Problem,
}

/// What a [`Violation`] is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A number outside `min..=max`.
    OutOfRange {
        /// The value.
        value: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A length outside `min..=max` bytes.
    BadLength {
        /// The length.
        len: usize,
        /// Minimum.
        min: u64,
        /// Maximum.
        max: u64,
    },
    /// A value not in the model's list or enumeration.
    NotAllowed {
        /// The value.
        value: i128,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "resource {}", self.resource)?;
        if let Some(i) = self.instance {
            write!(f, "/{i}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::OutOfRange { value, min, max } => write!(f, "{value} is outside {min}..{max}"),
            Problem::BadLength { len, min, max } => {
                write!(f, "length {len} is outside {min}..{max} bytes")
            }
            Problem::NotAllowed { value } => write!(f, "{value} is not an allowed value"),
        }
    }
}

/// A model range rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// Integer interval (inclusive).
    Int(i128, i128),
    /// Float interval (inclusive).
    Float(f64, f64),
    /// Byte length interval (inclusive).
    Len(u64, u64),
    /// Allowed values.
    Discrete(&'static [i128]),
    /// The values an [`Enumeration`](super::Enumeration) names (the model lists every
    /// allowed value with a label).
    Named,
}

/// The values of a field, with their resource-instance IDs: one value, an optional value
/// or the instances of a multiple resource.
pub trait Values {
    /// The element type.
    type Element: Scalar;
    /// Calls `f` with every value present.
    fn each(&self, f: impl FnMut(Option<u16>, &Self::Element));
}

impl<T: Scalar> Values for T {
    type Element = T;
    fn each(&self, mut f: impl FnMut(Option<u16>, &T)) {
        f(None, self);
    }
}

impl<V: Values> Values for Option<V> {
    type Element = V::Element;
    fn each(&self, f: impl FnMut(Option<u16>, &V::Element)) {
        if let Some(v) = self {
            v.each(f);
        }
    }
}

impl<T: Scalar> Values for InstanceMap<T> {
    type Element = T;
    fn each(&self, mut f: impl FnMut(Option<u16>, &T)) {
        for (ri, v) in self {
            f(Some(ri), v);
        }
    }
}

/// The violations found so far by a generated `validate`.
#[derive(Clone, Debug, Default)]
pub struct Check {
    found: Vec<Violation>,
}

impl Check {
    /// Nothing found yet.
    pub fn new() -> Self {
        Check::default()
    }

    /// Checks every value of resource `resource` against `rule`.
    pub fn range<V: Values>(&mut self, resource: u16, values: &V, rule: Rule) {
        values.each(|instance, v| {
            if let Some(problem) = problem(v, rule) {
                self.found.push(Violation {
                    resource,
                    instance,
                    problem,
                });
            }
        });
    }

    /// `Ok` when nothing was found, else every violation in the order found.
    pub fn finish(self) -> Result<(), Vec<Violation>> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(self.found)
        }
    }
}

/// What is wrong with `value` under `rule`, if anything.
pub fn problem<T: Scalar>(value: &T, rule: Rule) -> Option<Problem> {
    let m = value.measure();
    if let (Rule::Named, Measure::Int(v)) = (rule, m) {
        return (!value.is_named()).then_some(Problem::NotAllowed { value: v });
    }
    let out_of = |value: f64, min: f64, max: f64| {
        (!(min..=max).contains(&value)).then_some(Problem::OutOfRange { value, min, max })
    };
    match (m, rule) {
        (Measure::Int(v), Rule::Int(min, max)) => {
            (!(min..=max).contains(&v)).then_some(Problem::OutOfRange {
                value: v as f64,
                min: min as f64,
                max: max as f64,
            })
        }
        (Measure::Int(v), Rule::Float(min, max)) => out_of(v as f64, min, max),
        (Measure::Float(v), Rule::Float(min, max)) => out_of(v, min, max),
        (Measure::Float(v), Rule::Int(min, max)) => out_of(v, min as f64, max as f64),
        (Measure::Len(len), Rule::Len(min, max)) => {
            (!(min..=max).contains(&(len as u64))).then_some(Problem::BadLength { len, min, max })
        }
        (Measure::Int(v), Rule::Discrete(list)) => {
            (!list.contains(&v)).then_some(Problem::NotAllowed { value: v })
        }
        // A float against a list of integers: no bounds to report.
        (Measure::Float(v), Rule::Discrete(list)) => (!list.iter().any(|x| *x as f64 == v))
            .then_some(Problem::OutOfRange {
                value: v,
                min: f64::NAN,
                max: f64::NAN,
            }),
        _ => None,
    }
}
