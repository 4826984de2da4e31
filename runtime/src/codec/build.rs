//! The owned node tree as a [`Sink`]: [`NodeBuilder`] types each value through a
//! [`TypeLookup`] and checks the payload's shape.

use alloc::vec::Vec;

use super::{Error, ErrorKind, RawValue, Sink, TypeLookup};
use crate::{DataType, Path, Value};

/// Builds a [`Node`](crate::Node) from what a decoder reads, typing values through a
/// [`TypeLookup`] (fallback: [`RawValue::to_value_untyped`](super::RawValue::to_value_untyped)).
/// Rejects paths outside its own, duplicate paths, and a value where the model says
/// multiple (or the reverse).
///
/// The tree is built while the values arrive. Duplicate detection costs O(1) per leaf when a
/// payload lists IDs in ascending order at each level (what every encoder does) and a
/// logarithmic search otherwise.
pub struct NodeBuilder<'t> {
    types: &'t dyn TypeLookup,
    path: Path,
    // Instances of the first object seen (the only one unless the path is the root).
    object: Option<u16>,
    instances: Vec<crate::InstanceNode>,
    // Further objects (composite payloads addressed to the root only).
    others: Vec<crate::ObjectNode>,
    // Finds children by ID (ascending lists need no search; see `Lookup`).
    lookup: Lookup,
    // The last type lookup: (object, resource, result).
    last_type: Option<(u16, u16, ModelFacts)>,
    // Paths opened by containers (`Sink::instance`, `Sink::multiple`). A container seen
    // twice is a duplicate; a container whose node already exists because leaves below it
    // came first (LwM2M CBOR `{[3,0,9]: 1, [3,0]: {6: {...}}}`) is not: the same paths in
    // the other order are accepted too.
    containers: alloc::collections::BTreeSet<Path>,
    // Object ID → position in `others`.
    others_index: alloc::collections::BTreeMap<u16, usize>,
}

/// What a [`TypeLookup`] says about one resource.
type ModelFacts = Option<(DataType, bool)>;

impl<'t> NodeBuilder<'t> {
    /// A builder for a payload addressed to `path` (`/O`, `/O/I`, `/O/I/R` or `/O/I/R/RI`).
    pub fn new(path: Path, types: &'t dyn TypeLookup) -> Self {
        NodeBuilder {
            types,
            path,
            object: path.object_id(),
            instances: Vec::new(),
            others: Vec::new(),
            lookup: Lookup::new(),
            last_type: None,
            containers: alloc::collections::BTreeSet::new(),
            others_index: alloc::collections::BTreeMap::new(),
        }
    }

    /// A value ([`Sink::value`]).
    fn leaf(&mut self, path: Path, value: &RawValue<'_>) -> Result<(), Error> {
        use crate::{ResourceInstanceNode, ResourceValue};
        let types = self.types;
        self.check_inside(&path)?;
        let ids = path.ids();
        if ids.len() < 3 {
            return Err(Error::at_path(path, ErrorKind::Misplaced));
        }
        let (o, i, r) = (ids[0], ids[1], ids[2]);
        // Resource instances of one resource arrive together: look the type up once.
        let ty = match self.last_type {
            Some((lo, lr, t)) if lo == o && lr == r => t,
            _ => {
                let t = types.resource_type(o, r);
                self.last_type = Some((o, r, t));
                t
            }
        };
        let v = match ty {
            Some((dt, multiple)) => {
                if multiple && ids.len() == 3 {
                    return Err(Error::at_path(path, ErrorKind::NotSingle));
                }
                if !multiple && ids.len() == 4 {
                    return Err(Error::at_path(path, ErrorKind::NotMultiple));
                }
                value
                    .to_value(dt)
                    .map_err(|e| Error::at_path(path, ErrorKind::Value(e)))?
            }
            None => value.to_value_untyped(),
        };
        let (list, lk) = self.instances_of(o);
        let inst = instance_of(list, o, i, lk);
        let parent = Path::instance(o, i);
        let found = lk.find(&inst.resources, parent, r);
        match (found, ids.get(3)) {
            (None, ri) => {
                let prev = inst.resources.last().map(|l| l.id);
                push_small(
                    &mut inst.resources,
                    crate::ResourceNode {
                        id: r,
                        value: match ri {
                            None => ResourceValue::Single(v),
                            // Room for a few more instances without reallocating.
                            Some(&ri) => ResourceValue::Multiple({
                                let mut l = Vec::with_capacity(4);
                                l.push(ResourceInstanceNode { id: ri, value: v });
                                l
                            }),
                        },
                    },
                );
                lk.pushed(parent, prev, r, inst.resources.len() - 1);
            }
            (Some(k), ri) => match (&mut inst.resources[k].value, ri) {
                (ResourceValue::Multiple(list), Some(&ri)) => {
                    let parent = Path::resource(o, i, r);
                    if lk.find(list, parent, ri).is_some() {
                        return Err(Error::at_path(path, ErrorKind::DuplicatePath));
                    }
                    let prev = list.last().map(|l| l.id);
                    list.push(ResourceInstanceNode { id: ri, value: v });
                    lk.pushed(parent, prev, ri, list.len() - 1);
                }
                (ResourceValue::Single(_), None) => {
                    return Err(Error::at_path(path, ErrorKind::DuplicatePath));
                }
                _ => {
                    return Err(Error::at_path(path, ErrorKind::ValueAndInstances));
                }
            },
        }
        Ok(())
    }

    /// A multiple-resource container ([`Sink::multiple`]).
    fn multiple_resource(&mut self, path: Path) -> Result<(), Error> {
        use crate::ResourceValue;
        let types = self.types;
        if self.is_ancestor(&path) {
            return Ok(());
        }
        self.check_inside(&path)?;
        let ids = path.ids();
        if ids.len() != 3 {
            return Err(Error::at_path(path, ErrorKind::Misplaced));
        }
        if let Some((_, false)) = types.resource_type(ids[0], ids[2]) {
            return Err(Error::at_path(path, ErrorKind::NotMultiple));
        }
        if !self.containers.insert(path) {
            return Err(Error::at_path(path, ErrorKind::DuplicatePath));
        }
        let (list, lk) = self.instances_of(ids[0]);
        let inst = instance_of(list, ids[0], ids[1], lk);
        let parent = Path::instance(ids[0], ids[1]);
        if let Some(k) = lk.find(&inst.resources, parent, ids[2]) {
            // Resource instances arrived before the container: nothing to add.
            if let ResourceValue::Multiple(_) = inst.resources[k].value {
                return Ok(());
            }
            return Err(Error::at_path(path, ErrorKind::DuplicatePath));
        }
        let prev = inst.resources.last().map(|l| l.id);
        push_small(
            &mut inst.resources,
            crate::ResourceNode {
                id: ids[2],
                value: ResourceValue::Multiple(Vec::new()),
            },
        );
        lk.pushed(parent, prev, ids[2], inst.resources.len() - 1);
        Ok(())
    }

    /// An instance container ([`Sink::instance`]).
    fn instance_container(&mut self, path: Path) -> Result<(), Error> {
        if self.is_ancestor(&path) {
            return Ok(());
        }
        self.check_inside(&path)?;
        let ids = path.ids();
        if ids.len() != 2 {
            return Err(Error::at_path(path, ErrorKind::Misplaced));
        }
        if !self.containers.insert(path) {
            return Err(Error::at_path(path, ErrorKind::DuplicatePath));
        }
        let (list, lk) = self.instances_of(ids[0]);
        let parent = Path::object(ids[0]);
        if lk.find(list, parent, ids[1]).is_some() {
            // Leaves of the instance arrived before its container.
            return Ok(());
        }
        let prev = list.last().map(|l| l.id);
        // No capacity up front: the container may stay empty (hostile payloads
        // list thousands of empty instances in two bytes each).
        list.push(crate::InstanceNode {
            id: ids[1],
            resources: Vec::new(),
        });
        lk.pushed(parent, prev, ids[1], list.len() - 1);
        Ok(())
    }

    #[inline]
    fn instances_of(&mut self, object: u16) -> (&mut Vec<crate::InstanceNode>, &mut Lookup) {
        match self.object {
            Some(o) if o == object => return (&mut self.instances, &mut self.lookup),
            None => {
                self.object = Some(object);
                return (&mut self.instances, &mut self.lookup);
            }
            Some(_) => {}
        }
        // The object of the previous leaf, else an index: a scan of `others` per leaf made
        // a composite payload naming thousands of objects quadratic (seconds for 500 KB).
        let k = match self.others.last() {
            Some(o) if o.id == object => self.others.len() - 1,
            _ => match self.others_index.get(&object) {
                Some(&k) => k,
                None => {
                    self.others.push(crate::ObjectNode {
                        id: object,
                        instances: Vec::new(),
                    });
                    self.others_index.insert(object, self.others.len() - 1);
                    self.others.len() - 1
                }
            },
        };
        (&mut self.others[k].instances, &mut self.lookup)
    }

    /// Every object received, in arrival order (for payloads addressed to the root, such
    /// as composite operations and Send).
    pub fn finish_objects(self) -> Vec<crate::ObjectNode> {
        let mut out = Vec::with_capacity(1 + self.others.len());
        if let Some(id) = self.object {
            out.push(crate::ObjectNode {
                id,
                instances: self.instances,
            });
        }
        out.extend(self.others);
        out
    }

    /// Every leaf received as (path, value), grouped by object, instance and resource.
    pub fn into_leaves(self) -> Vec<(Path, Value)> {
        use crate::ResourceValue;
        let mut out = Vec::new();
        for o in self.finish_objects() {
            for i in o.instances {
                for r in i.resources {
                    let p = Path::resource(o.id, i.id, r.id);
                    match r.value {
                        ResourceValue::Single(v) => out.push((p, v)),
                        ResourceValue::Multiple(list) => out.extend(list.into_iter().map(|ri| {
                            (Path::resource_instance(o.id, i.id, r.id, ri.id), ri.value)
                        })),
                    }
                }
            }
        }
        out
    }

    /// Whether `p` lies strictly above the builder's path: a container event there (LwM2M
    /// CBOR `{3: {0: {9: 87}}}` answering a Read of `/3/0/9`) only leads to the target
    /// and adds nothing to it.
    #[inline]
    fn is_ancestor(&self, p: &Path) -> bool {
        p.len() < self.path.len() && p.contains(&self.path)
    }

    fn check_inside(&self, p: &Path) -> Result<(), Error> {
        if self.path.contains(p) {
            Ok(())
        } else {
            Err(Error::at_path(*p, ErrorKind::OutsidePath))
        }
    }

    /// The node addressed to the builder's path.
    pub fn finish(mut self) -> Result<crate::Node, Error> {
        use crate::{InstanceNode, Node, ObjectNode, ResourceValue};
        let path = self.path;
        let no_value = || Error::at_path(path, ErrorKind::NoValue);
        let ids = path.ids();
        Ok(match ids.len() {
            1 => Node::Object(ObjectNode {
                id: ids[0],
                instances: self.instances,
            }),
            2 => Node::Instance(self.instances.pop().unwrap_or(InstanceNode {
                id: ids[1],
                resources: Vec::new(),
            })),
            3 => match self.instances.pop().and_then(|mut i| i.resources.pop()) {
                Some(r) => Node::Resource(r),
                // No value for a resource the model says is multiple: it has no instances
                // (SenML and LwM2M JSON can only say so with an empty pack).
                None if self
                    .types
                    .resource_type(ids[0], ids[2])
                    .is_some_and(|(_, multiple)| multiple) =>
                {
                    Node::Resource(crate::ResourceNode {
                        id: ids[2],
                        value: ResourceValue::Multiple(Vec::new()),
                    })
                }
                None => return Err(no_value()),
            },
            4 => {
                let res = self
                    .instances
                    .pop()
                    .and_then(|mut i| i.resources.pop())
                    .ok_or_else(no_value)?;
                match res.value {
                    ResourceValue::Multiple(mut l) if l.len() == 1 => {
                        Node::ResourceInstance(l.remove(0))
                    }
                    _ => return Err(no_value()),
                }
            }
            _ => return Err(Error::at_path(path, ErrorKind::WrongTarget)),
        })
    }
}

/// Pushes onto a list that grows 1, 2, 4, ... from empty: a payload of many instances with
/// one or two resources each (hostile or not) then costs one or two slots per instance,
/// not the four a first `push` reserves.
fn push_small<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() {
        list.reserve_exact(list.len().max(1));
    }
    list.push(item);
}

/// Something with an ID in a list a decoder builds.
pub(crate) trait HasId {
    /// The ID.
    fn id(&self) -> u16;
}

impl HasId for crate::InstanceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

impl HasId for crate::ResourceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

impl HasId for crate::ResourceInstanceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

/// Finds children by ID in the lists a decoder builds (instances of an object, resources
/// of an instance, instances of a resource).
///
/// While every list has received its IDs in ascending order (what encoders do), "not after
/// the last one" proves absence without a search. After the first out-of-order ID, short
/// lists are scanned and longer ones looked up in an index of child paths, filled for a
/// list the first time it is searched and kept up to date by [`Lookup::pushed`]: scanning
/// made payloads listing thousands of IDs in descending order quadratic.
#[derive(Debug)]
pub(crate) struct Lookup {
    ordered: bool,
    // Child path → position in its list, for the lists whose parent is in `filled`.
    index: alloc::collections::BTreeMap<Path, usize>,
    filled: alloc::collections::BTreeSet<Path>,
}

impl Lookup {
    /// Lists up to this long are scanned rather than indexed.
    const SCAN: usize = 16;

    pub(crate) fn new() -> Self {
        Lookup {
            ordered: true,
            index: alloc::collections::BTreeMap::new(),
            filled: alloc::collections::BTreeSet::new(),
        }
    }

    /// The position of child `id` in `list`, the children of `parent`.
    #[inline]
    pub(crate) fn find<T: HasId>(&mut self, list: &[T], parent: Path, id: u16) -> Option<usize> {
        match list.last() {
            None => None,
            Some(last) if last.id() == id => Some(list.len() - 1),
            Some(last) if self.ordered && last.id() < id => None,
            _ => self.search(list, parent, id),
        }
    }

    #[inline(never)]
    fn search<T: HasId>(&mut self, list: &[T], parent: Path, id: u16) -> Option<usize> {
        let key = match parent.child(id) {
            Some(key) if list.len() > Self::SCAN => key,
            _ => return list.iter().position(|x| x.id() == id),
        };
        if self.filled.insert(parent) {
            for (k, x) in list.iter().enumerate() {
                if let Some(p) = parent.child(x.id()) {
                    self.index.insert(p, k);
                }
            }
        }
        self.index.get(&key).copied()
    }

    /// Records that child `id` was appended at `pos` to the list of `parent`, whose last
    /// child was `prev` before.
    #[inline]
    pub(crate) fn pushed(&mut self, parent: Path, prev: Option<u16>, id: u16, pos: usize) {
        if prev.is_some_and(|l| l > id) {
            self.ordered = false;
        }
        if !self.filled.is_empty()
            && self.filled.contains(&parent)
            && let Some(p) = parent.child(id)
        {
            self.index.insert(p, pos);
        }
    }
}

#[inline]
fn instance_of<'a>(
    list: &'a mut Vec<crate::InstanceNode>,
    object: u16,
    id: u16,
    lk: &mut Lookup,
) -> &'a mut crate::InstanceNode {
    let parent = Path::object(object);
    let k = match lk.find(list, parent, id) {
        Some(k) => k,
        None => {
            let prev = list.last().map(|l| l.id);
            list.push(crate::InstanceNode {
                id,
                resources: Vec::new(),
            });
            lk.pushed(parent, prev, id, list.len() - 1);
            list.len() - 1
        }
    };
    &mut list[k]
}

impl<'a> Sink<'a> for NodeBuilder<'_> {
    fn value(&mut self, path: Path, value: &RawValue<'a>, _: Option<f64>) -> Result<(), Error> {
        self.leaf(path, value)
    }
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        self.instance_container(path)
    }
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        self.multiple_resource(path)
    }
}

impl core::fmt::Debug for NodeBuilder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NodeBuilder")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}
