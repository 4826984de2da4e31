//! A set of object models, looked up by ID and version, latest version, or URN.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::{ObjectModel, Version};

/// Object models sorted by (ID, version).
///
/// Generated code builds one from a static slice ([`Registry::from_static`]); tools build
/// one at run time ([`Registry::from_models`]) and may add definitions to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    objects: Cow<'static, [ObjectModel]>,
}

impl Registry {
    /// An empty registry.
    pub const fn empty() -> Self {
        Registry {
            objects: Cow::Borrowed(&[]),
        }
    }

    /// Wraps a static slice. The slice must be sorted by (ID, version) without duplicates;
    /// generated code guarantees this, and lookups rely on it.
    pub const fn from_static(objects: &'static [ObjectModel]) -> Self {
        Registry {
            objects: Cow::Borrowed(objects),
        }
    }

    /// Builds a registry from owned models; a later model replaces an earlier one with the
    /// same (ID, version).
    pub fn from_models(models: impl IntoIterator<Item = ObjectModel>) -> Self {
        let mut r = Registry::empty();
        r.extend(models);
        r
    }

    /// Adds models, replacing existing ones with the same (ID, version).
    pub fn extend(&mut self, models: impl IntoIterator<Item = ObjectModel>) {
        let list = self.objects.to_mut();
        for m in models {
            match list.binary_search_by_key(&(m.id, m.version), |o| (o.id, o.version)) {
                Ok(i) => list[i] = m,
                Err(i) => list.insert(i, m),
            }
        }
    }

    /// Every model, sorted by (ID, version).
    pub fn objects(&self) -> &[ObjectModel] {
        &self.objects
    }

    /// Number of object versions.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The model of this object version.
    pub fn get(&self, id: u16, version: Version) -> Option<&ObjectModel> {
        self.objects
            .binary_search_by_key(&(id, version), |o| (o.id, o.version))
            .ok()
            .map(|i| &self.objects[i])
    }

    /// Every version of an object, oldest first.
    pub fn versions(&self, id: u16) -> &[ObjectModel] {
        let start = self.objects.partition_point(|o| o.id < id);
        let end = self.objects.partition_point(|o| o.id <= id);
        &self.objects[start..end]
    }

    /// The latest version of an object.
    #[inline]
    pub fn latest(&self, id: u16) -> Option<&ObjectModel> {
        let end = self.objects.partition_point(|o| o.id <= id);
        self.objects[..end].last().filter(|o| o.id == id)
    }

    /// The model whose URN is `urn`. A URN without a version suffix names version 1.0.
    pub fn by_urn(&self, urn: &str) -> Option<&ObjectModel> {
        let urn = urn.trim();
        if let Some(m) = self.objects.iter().find(|o| o.urn == urn) {
            return Some(m);
        }
        // Tolerate `:1.0` spelled or omitted differently from the model.
        let (id, version) = parse_urn(urn)?;
        self.get(id, version)
    }

    /// A registry with the models of both: `other`'s model replaces this one's for the
    /// same (ID, version). `ucifi_objects::REGISTRY.merged(&my_objects::REGISTRY)` adds a
    /// vendor's generated objects to the standard ones.
    pub fn merged(&self, other: &Registry) -> Registry {
        let mut all = self.clone();
        all.extend(other.objects().iter().cloned());
        all
    }

    /// The models one device uses: each `(ID, version)` it declared (a Register payload's
    /// `ver`, 1.0 when absent), every other object at its latest version.
    ///
    /// # Errors
    ///
    /// [`UnknownModel`] for the first pair the registry does not hold: a version is never
    /// guessed.
    pub fn select(
        &self,
        versions: impl IntoIterator<Item = (u16, Version)>,
    ) -> Result<Selection<'_>, UnknownModel> {
        let mut chosen = BTreeMap::new();
        for (id, version) in versions {
            let model = self.get(id, version).ok_or(UnknownModel { id, version })?;
            chosen.insert(id, model);
        }
        Ok(Selection {
            registry: self,
            chosen,
        })
    }

    /// As [`select`](Registry::select), but a pair the registry does not hold is set
    /// aside instead of failing: the selection of the known pairs (other objects at their
    /// latest version, the unknown ones included), and the unknown pairs in order.
    pub fn resolve(
        &self,
        versions: impl IntoIterator<Item = (u16, Version)>,
    ) -> (Selection<'_>, Vec<UnknownModel>) {
        let mut chosen = BTreeMap::new();
        let mut unknown = Vec::new();
        for (id, version) in versions {
            match self.get(id, version) {
                Some(model) => {
                    chosen.insert(id, model);
                }
                None => unknown.push(UnknownModel { id, version }),
            }
        }
        let selection = Selection {
            registry: self,
            chosen,
        };
        (selection, unknown)
    }

    /// The IDs of all objects (each once, ascending).
    pub fn ids(&self) -> Vec<u16> {
        let mut ids: Vec<u16> = self.objects.iter().map(|o| o.id).collect();
        ids.dedup();
        ids
    }
}

/// The object models one device uses, from [`Registry::select`]: the declared version of
/// each object it names, the latest version of the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection<'r> {
    registry: &'r Registry,
    chosen: BTreeMap<u16, &'r ObjectModel>,
}

impl<'r> Selection<'r> {
    /// The model used for object `id`.
    pub fn model(&self, id: u16) -> Option<&'r ObjectModel> {
        match self.chosen.get(&id) {
            Some(m) => Some(m),
            None => self.registry.latest(id),
        }
    }

    /// The registry the models come from.
    pub fn registry(&self) -> &'r Registry {
        self.registry
    }
}

/// An object version a [`Registry`] does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("object {id} version {version} is not in the registry")]
pub struct UnknownModel {
    /// Object ID.
    pub id: u16,
    /// The version asked for.
    pub version: Version,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::empty()
    }
}

/// Splits `urn:oma:lwm2m:{oma|ext|x}:ID[:MAJOR.MINOR]` into ID and version (1.0 if absent).
pub(crate) fn parse_urn(urn: &str) -> Option<(u16, Version)> {
    let rest = urn.strip_prefix("urn:oma:lwm2m:")?;
    let (label, rest) = rest.split_once(':')?;
    if !matches!(label, "oma" | "ext" | "x") {
        return None;
    }
    let (id, version) = match rest.split_once(':') {
        Some((id, v)) => (id, v.parse().ok()?),
        None => (rest, Version::V1_0),
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((id.parse().ok()?, version))
}
