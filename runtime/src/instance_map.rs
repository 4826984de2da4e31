//! [`InstanceMap`]: the value of a multiple-instance resource in generated structs.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;
use core::mem;

/// An ordered map of resource-instance ID to value: the value of a multiple-instance
/// resource in generated structs.
///
/// It behaves like a `BTreeMap<u16, T>` (iteration in ascending ID order, inserting an ID
/// again replaces its value) but holds up to two instances inline, without a heap
/// allocation: most multiple resources in the field have one or two instances (power
/// sources, error codes, scheduler IDs), and decoding a struct should not pay an
/// allocation per resource for them. From the third instance on, the entries move to one
/// sorted `Vec`.
///
/// ```
/// use ucifi_runtime::InstanceMap;
///
/// let mut m: InstanceMap<i64> = [(1, 5000), (0, 3800)].into();
/// assert_eq!(m.insert(7, 12), None);
/// assert_eq!(m.get(0), Some(&3800));
/// assert_eq!(m.keys().collect::<Vec<_>>(), [0, 1, 7]);
/// ```
#[derive(Clone)]
pub struct InstanceMap<T> {
    repr: Repr<T>,
}

#[derive(Clone)]
enum Repr<T> {
    Empty,
    One([(u16, T); 1]),
    Two([(u16, T); 2]),
    // Sorted by ID, any length (removals do not move entries back inline).
    Many(Vec<(u16, T)>),
}

impl<T> Default for InstanceMap<T> {
    fn default() -> Self {
        InstanceMap { repr: Repr::Empty }
    }
}

impl<T> InstanceMap<T> {
    /// An empty map.
    pub const fn new() -> Self {
        InstanceMap { repr: Repr::Empty }
    }

    /// The entries in ascending ID order.
    #[inline]
    pub fn as_slice(&self) -> &[(u16, T)] {
        match &self.repr {
            Repr::Empty => &[],
            Repr::One(a) => a,
            Repr::Two(a) => a,
            Repr::Many(v) => v,
        }
    }

    #[inline]
    fn as_mut_slice(&mut self) -> &mut [(u16, T)] {
        match &mut self.repr {
            Repr::Empty => &mut [],
            Repr::One(a) => a,
            Repr::Two(a) => a,
            Repr::Many(v) => v,
        }
    }

    /// The number of instances.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether the map holds no instance.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    fn find(&self, id: u16) -> Result<usize, usize> {
        self.as_slice().binary_search_by_key(&id, |e| e.0)
    }

    /// The value of instance `id`.
    pub fn get(&self, id: u16) -> Option<&T> {
        self.find(id).ok().map(|i| &self.as_slice()[i].1)
    }

    /// The value of instance `id`, mutably.
    pub fn get_mut(&mut self, id: u16) -> Option<&mut T> {
        let i = self.find(id).ok()?;
        Some(&mut self.as_mut_slice()[i].1)
    }

    /// Whether instance `id` is present.
    pub fn contains_key(&self, id: u16) -> bool {
        self.find(id).is_ok()
    }

    /// Sets instance `id` to `value`, returning the value it replaces.
    #[inline]
    pub fn insert(&mut self, id: u16, value: T) -> Option<T> {
        // Appending in ascending order (how every format lists instances) is the fast path.
        let at = match self.as_slice().last() {
            None => 0,
            Some(last) if last.0 < id => self.len(),
            Some(_) => match self.find(id) {
                Ok(i) => return Some(mem::replace(&mut self.as_mut_slice()[i].1, value)),
                Err(i) => i,
            },
        };
        self.insert_at(at, (id, value));
        None
    }

    /// Appends `id`, which must be above every ID present (decoders check with [`last`]).
    ///
    /// [`last`]: InstanceMap::last
    #[inline]
    pub(crate) fn push_above(&mut self, id: u16, value: T) {
        debug_assert!(self.as_slice().last().is_none_or(|l| l.0 < id));
        let at = self.len();
        self.insert_at(at, (id, value));
    }

    #[inline]
    fn insert_at(&mut self, at: usize, e: (u16, T)) {
        match &mut self.repr {
            Repr::Many(v) => v.insert(at, e),
            Repr::Empty => self.repr = Repr::One([e]),
            // One to two, in place (decoders fill the Device's multiple resources so).
            Repr::One(_) => {
                if let Repr::One([a]) = mem::replace(&mut self.repr, Repr::Empty) {
                    self.repr = Repr::Two(if at == 0 { [e, a] } else { [a, e] });
                }
            }
            Repr::Two(_) => self.grow(at, e),
        }
    }

    /// Inserts into a map held inline and full (or any other, for completeness).
    #[inline(never)]
    fn grow(&mut self, at: usize, e: (u16, T)) {
        self.repr = match mem::replace(&mut self.repr, Repr::Empty) {
            Repr::Empty => Repr::One([e]),
            Repr::One([a]) => Repr::Two(if at == 0 { [e, a] } else { [a, e] }),
            Repr::Two([a, b]) => {
                let mut v = Vec::with_capacity(4);
                v.extend([a, b]);
                v.insert(at, e);
                Repr::Many(v)
            }
            Repr::Many(mut v) => {
                v.insert(at, e);
                Repr::Many(v)
            }
        };
    }

    /// Removes instance `id`, returning its value.
    pub fn remove(&mut self, id: u16) -> Option<T> {
        let at = self.find(id).ok()?;
        let (repr, out) = match mem::replace(&mut self.repr, Repr::Empty) {
            Repr::Empty => (Repr::Empty, None),
            Repr::One([a]) => (Repr::Empty, Some(a.1)),
            Repr::Two([a, b]) => {
                let (keep, gone) = if at == 0 { (b, a) } else { (a, b) };
                (Repr::One([keep]), Some(gone.1))
            }
            Repr::Many(mut v) => {
                let gone = v.remove(at);
                (Repr::Many(v), Some(gone.1))
            }
        };
        self.repr = repr;
        out
    }

    /// Removes every instance.
    pub fn clear(&mut self) {
        match &mut self.repr {
            // Keeps the allocation for the next fill.
            Repr::Many(v) => v.clear(),
            r => *r = Repr::Empty,
        }
    }

    /// `(ID, value)` pairs in ascending ID order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: self.as_slice().iter(),
        }
    }

    /// `(ID, value)` pairs in ascending ID order, values mutable.
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (u16, &mut T)> {
        self.as_mut_slice().iter_mut().map(|e| (e.0, &mut e.1))
    }

    /// The instance IDs in ascending order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = u16> + DoubleEndedIterator + '_ {
        self.as_slice().iter().map(|e| e.0)
    }

    /// The values in ascending ID order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &T> + DoubleEndedIterator {
        self.as_slice().iter().map(|e| &e.1)
    }

    /// The values in ascending ID order, mutable.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut T> {
        self.as_mut_slice().iter_mut().map(|e| &mut e.1)
    }

    /// The entry with the lowest ID.
    pub fn first(&self) -> Option<(u16, &T)> {
        self.as_slice().first().map(|e| (e.0, &e.1))
    }

    /// The entry with the highest ID.
    pub fn last(&self) -> Option<(u16, &T)> {
        self.as_slice().last().map(|e| (e.0, &e.1))
    }
}

/// Iterator over an [`InstanceMap`]'s `(ID, value)` pairs in ascending ID order.
#[derive(Clone, Debug)]
pub struct Iter<'a, T> {
    inner: core::slice::Iter<'a, (u16, T)>,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (u16, &'a T);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|e| (e.0, &e.1))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|e| (e.0, &e.1))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<'a, T> IntoIterator for &'a InstanceMap<T> {
    type Item = (u16, &'a T);
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for InstanceMap<T> {
    type Item = (u16, T);
    type IntoIter = alloc::vec::IntoIter<(u16, T)>;
    fn into_iter(self) -> Self::IntoIter {
        match self.repr {
            Repr::Empty => Vec::new(),
            Repr::One(a) => Vec::from(a),
            Repr::Two(a) => Vec::from(a),
            Repr::Many(v) => v,
        }
        .into_iter()
    }
}

impl<T> Extend<(u16, T)> for InstanceMap<T> {
    fn extend<I: IntoIterator<Item = (u16, T)>>(&mut self, iter: I) {
        for (id, v) in iter {
            self.insert(id, v);
        }
    }
}

impl<T> FromIterator<(u16, T)> for InstanceMap<T> {
    /// Later pairs with the same ID replace earlier ones, as in a `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (u16, T)>>(iter: I) -> Self {
        let mut m = InstanceMap::new();
        m.extend(iter);
        m
    }
}

impl<T, const N: usize> From<[(u16, T); N]> for InstanceMap<T> {
    fn from(a: [(u16, T); N]) -> Self {
        a.into_iter().collect()
    }
}

impl<T> From<BTreeMap<u16, T>> for InstanceMap<T> {
    fn from(m: BTreeMap<u16, T>) -> Self {
        m.into_iter().collect()
    }
}

impl<T> From<InstanceMap<T>> for BTreeMap<u16, T> {
    fn from(m: InstanceMap<T>) -> Self {
        m.into_iter().collect()
    }
}

impl<T> core::ops::Index<u16> for InstanceMap<T> {
    type Output = T;
    /// The value of instance `id`; panics when it is absent (as `BTreeMap` indexing does).
    fn index(&self, id: u16) -> &T {
        match self.get(id) {
            Some(v) => v,
            None => panic!("no resource instance {id} in the map"),
        }
    }
}

impl<T: PartialEq> PartialEq for InstanceMap<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for InstanceMap<T> {}

impl<T: core::hash::Hash> core::hash::Hash for InstanceMap<T> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for InstanceMap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Serialized as a map of ID to value, like `BTreeMap<u16, T>`.
impl<T: serde::Serialize> serde::Serialize for InstanceMap<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.len()))?;
        for (id, v) in self {
            m.serialize_entry(&id, v)?;
        }
        m.end()
    }
}

/// Read from a map of ID to value; a repeated ID is an error.
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for InstanceMap<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(core::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = InstanceMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of resource-instance ID to value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut m = InstanceMap::new();
                while let Some((id, v)) = a.next_entry::<u16, T>()? {
                    if m.insert(id, v).is_some() {
                        return Err(serde::de::Error::custom(alloc::format!(
                            "resource instance {id} appears twice"
                        )));
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(V(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn ids<T>(m: &InstanceMap<T>) -> Vec<u16> {
        m.keys().collect()
    }

    #[test]
    fn stays_sorted_through_every_representation() {
        let mut m = InstanceMap::new();
        for (id, v) in [(5u16, 50i64), (1, 10), (9, 90), (3, 30), (0, 0)] {
            assert_eq!(m.insert(id, v), None);
        }
        assert_eq!(ids(&m), [0, 1, 3, 5, 9]);
        assert_eq!(m.insert(3, 33), Some(30));
        assert_eq!(m[3], 33);
        assert_eq!(m.remove(0), Some(0));
        assert_eq!(m.remove(0), None);
        assert_eq!(ids(&m), [1, 3, 5, 9]);
        m.clear();
        assert!(m.is_empty());
        // Inline sizes: insert before, after, replace, remove either one.
        let mut m = InstanceMap::new();
        m.insert(7, "b");
        m.insert(2, "a");
        assert_eq!(m.iter().collect::<Vec<_>>(), [(2, &"a"), (7, &"b")]);
        assert_eq!(m.insert(7, "c"), Some("b"));
        assert_eq!(m.remove(2), Some("a"));
        assert_eq!(m.iter().collect::<Vec<_>>(), [(7, &"c")]);
        assert_eq!(m.remove(7), Some("c"));
        assert_eq!(m, InstanceMap::default());
    }

    #[test]
    fn behaves_like_a_btreemap() {
        // A fixed pseudo-random sequence of inserts and removes against the reference.
        let mut reference = BTreeMap::new();
        let mut m = InstanceMap::new();
        let mut x = 0x2545_f491_u32;
        for step in 0..2000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let id = (x % 7) as u16;
            if x.is_multiple_of(3) {
                assert_eq!(m.remove(id), reference.remove(&id), "step {step}");
            } else {
                assert_eq!(
                    m.insert(id, step),
                    reference.insert(id, step),
                    "step {step}"
                );
            }
            assert!(
                m.iter()
                    .map(|(k, v)| (k, *v))
                    .eq(reference.iter().map(|(k, v)| (*k, *v)))
            );
            assert_eq!(m.len(), reference.len());
        }
        assert_eq!(BTreeMap::from(m.clone()), reference);
        assert_eq!(InstanceMap::from(reference), m);
    }

    #[test]
    fn equality_ignores_representation() {
        let mut spilled: InstanceMap<String> =
            [(0, "a".into()), (1, "b".into()), (2, "c".into())].into();
        spilled.remove(2);
        let inline: InstanceMap<String> = [(1, "b".into()), (0, "a".into())].into();
        assert_eq!(spilled, inline);
        assert_eq!(alloc::format!("{inline:?}"), r#"{0: "a", 1: "b"}"#);
    }

    #[test]
    fn serde_as_a_map() {
        let m: InstanceMap<i64> = [(0, 1), (1, 5)].into();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"0":1,"1":5}"#);
        assert_eq!(serde_json::from_str::<InstanceMap<i64>>(&json).unwrap(), m);
        let dup = serde_json::from_str::<InstanceMap<i64>>(r#"{"0":1,"0":2}"#).unwrap_err();
        assert!(
            dup.to_string()
                .contains("resource instance 0 appears twice"),
            "{dup}"
        );
    }
}
