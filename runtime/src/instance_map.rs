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
    // A map that took an insertion far below its highest ID: every later one would move
    // the entries above it, so a payload listing thousands of instances in descending
    // order cost quadratic time. Until it is cleared.
    Tree(BTreeMap<u16, T>),
}

/// Entries a `Vec` map moves for one insertion before it turns into a tree.
const MOVE_LIMIT: usize = 64;

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

    /// The entries in ascending ID order, when they lie in one slice (not a tree).
    #[inline]
    pub(crate) fn slice(&self) -> Option<&[(u16, T)]> {
        match &self.repr {
            Repr::Empty => Some(&[]),
            Repr::One(a) => Some(a),
            Repr::Two(a) => Some(a),
            Repr::Many(v) => Some(v),
            Repr::Tree(_) => None,
        }
    }

    /// The entries in ascending ID order, mutable, when they lie in one slice.
    #[inline]
    fn slice_mut(&mut self) -> Option<&mut [(u16, T)]> {
        match &mut self.repr {
            Repr::Empty => Some(&mut []),
            Repr::One(a) => Some(a),
            Repr::Two(a) => Some(a),
            Repr::Many(v) => Some(v),
            Repr::Tree(_) => None,
        }
    }

    /// The number of instances.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Empty => 0,
            Repr::One(_) => 1,
            Repr::Two(_) => 2,
            Repr::Many(v) => v.len(),
            Repr::Tree(m) => m.len(),
        }
    }

    /// Whether the map holds no instance.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of instance `id`.
    pub fn get(&self, id: u16) -> Option<&T> {
        match &self.repr {
            Repr::Tree(m) => m.get(&id),
            _ => {
                let s = self.slice()?;
                s.binary_search_by_key(&id, |e| e.0).ok().map(|i| &s[i].1)
            }
        }
    }

    /// The value of instance `id`, mutably.
    pub fn get_mut(&mut self, id: u16) -> Option<&mut T> {
        let s: &mut [(u16, T)] = match &mut self.repr {
            Repr::Empty => return None,
            Repr::One(a) => a,
            Repr::Two(a) => a,
            Repr::Many(v) => v,
            Repr::Tree(m) => return m.get_mut(&id),
        };
        let i = s.binary_search_by_key(&id, |e| e.0).ok()?;
        Some(&mut s[i].1)
    }

    /// Whether instance `id` is present.
    pub fn contains_key(&self, id: u16) -> bool {
        self.get(id).is_some()
    }

    /// Sets instance `id` to `value`, returning the value it replaces.
    #[inline]
    pub fn insert(&mut self, id: u16, value: T) -> Option<T> {
        // Appending in ascending order (how every format lists instances) is the fast path.
        let at = match self.slice() {
            None => return self.insert_tree(id, value),
            Some([]) => 0,
            Some(s) if s[s.len() - 1].0 < id => s.len(),
            Some(s) => match s.binary_search_by_key(&id, |e| e.0) {
                Ok(i) => {
                    let s = self.slice_mut().unwrap_or_default();
                    return Some(mem::replace(&mut s[i].1, value));
                }
                Err(i) if s.len() - i > MOVE_LIMIT => return self.insert_tree(id, value),
                Err(i) => i,
            },
        };
        self.insert_at(at, (id, value));
        None
    }

    /// Inserts into the tree the map is, or turns into.
    #[inline(never)]
    fn insert_tree(&mut self, id: u16, value: T) -> Option<T> {
        if !matches!(self.repr, Repr::Tree(_)) {
            let entries: BTreeMap<u16, T> = match mem::replace(&mut self.repr, Repr::Empty) {
                Repr::Many(v) => v.into_iter().collect(),
                other => InstanceMap { repr: other }.into_iter().collect(),
            };
            self.repr = Repr::Tree(entries);
        }
        match &mut self.repr {
            Repr::Tree(m) => m.insert(id, value),
            _ => None,
        }
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
            Repr::Two(_) | Repr::Tree(_) => self.grow(at, e),
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
            Repr::Tree(mut m) => {
                m.insert(e.0, e.1);
                Repr::Tree(m)
            }
        };
    }

    /// Removes instance `id`, returning its value.
    pub fn remove(&mut self, id: u16) -> Option<T> {
        if let Repr::Tree(m) = &mut self.repr {
            return m.remove(&id);
        }
        let at = self.slice()?.binary_search_by_key(&id, |e| e.0).ok()?;
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
            Repr::Tree(mut m) => {
                let gone = m.remove(&id);
                (Repr::Tree(m), gone)
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
            // A tree goes: the next fill starts inline again.
            r => *r = Repr::Empty,
        }
    }

    /// `(ID, value)` pairs in ascending ID order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            inner: match &self.repr {
                Repr::Tree(m) => Entries::Tree(m.iter()),
                _ => Entries::Slice(self.slice().unwrap_or_default().iter()),
            },
        }
    }

    /// `(ID, value)` pairs in ascending ID order, values mutable.
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (u16, &mut T)> {
        match &mut self.repr {
            Repr::Empty => EntriesMut::Slice([].iter_mut()),
            Repr::One(a) => EntriesMut::Slice(a.iter_mut()),
            Repr::Two(a) => EntriesMut::Slice(a.iter_mut()),
            Repr::Many(v) => EntriesMut::Slice(v.iter_mut()),
            Repr::Tree(m) => EntriesMut::Tree(m.iter_mut()),
        }
    }

    /// The instance IDs in ascending order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = u16> + DoubleEndedIterator + '_ {
        self.iter().map(|e| e.0)
    }

    /// The values in ascending ID order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &T> + DoubleEndedIterator {
        self.iter().map(|e| e.1)
    }

    /// The values in ascending ID order, mutable.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut T> {
        self.iter_mut().map(|e| e.1)
    }

    /// The entry with the lowest ID.
    pub fn first(&self) -> Option<(u16, &T)> {
        self.iter().next()
    }

    /// The entry with the highest ID.
    pub fn last(&self) -> Option<(u16, &T)> {
        let e = match &self.repr {
            Repr::Empty => return None,
            Repr::One([a]) | Repr::Two([_, a]) => a,
            Repr::Many(v) => v.last()?,
            Repr::Tree(m) => return m.last_key_value().map(|(k, v)| (*k, v)),
        };
        Some((e.0, &e.1))
    }
}

/// Iterator over an [`InstanceMap`]'s `(ID, value)` pairs in ascending ID order.
#[derive(Clone, Debug)]
pub struct Iter<'a, T> {
    inner: Entries<'a, T>,
}

#[derive(Clone, Debug)]
enum Entries<'a, T> {
    Slice(core::slice::Iter<'a, (u16, T)>),
    Tree(alloc::collections::btree_map::Iter<'a, u16, T>),
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (u16, &'a T);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Entries::Slice(i) => i.next().map(|e| (e.0, &e.1)),
            Entries::Tree(i) => i.next().map(|(k, v)| (*k, v)),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            Entries::Slice(i) => i.size_hint(),
            Entries::Tree(i) => i.size_hint(),
        }
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Entries::Slice(i) => i.next_back().map(|e| (e.0, &e.1)),
            Entries::Tree(i) => i.next_back().map(|(k, v)| (*k, v)),
        }
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

/// [`InstanceMap::iter_mut`]'s iterator.
enum EntriesMut<'a, T> {
    Slice(core::slice::IterMut<'a, (u16, T)>),
    Tree(alloc::collections::btree_map::IterMut<'a, u16, T>),
}

impl<'a, T> Iterator for EntriesMut<'a, T> {
    type Item = (u16, &'a mut T);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            EntriesMut::Slice(i) => i.next().map(|e| (e.0, &mut e.1)),
            EntriesMut::Tree(i) => i.next().map(|(k, v)| (*k, v)),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            EntriesMut::Slice(i) => i.size_hint(),
            EntriesMut::Tree(i) => i.size_hint(),
        }
    }
}

impl<T> ExactSizeIterator for EntriesMut<'_, T> {}

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
            Repr::Tree(m) => m.into_iter().collect(),
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
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for InstanceMap<T> {}

impl<T: core::hash::Hash> core::hash::Hash for InstanceMap<T> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for (id, v) in self {
            id.hash(state);
            v.hash(state);
        }
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
