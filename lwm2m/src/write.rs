//! Typed writes from a registration: Write (replace and partial update) and Create from
//! a generated struct or its write view, Write-Composite from typed values, each checked
//! against the object version the client registered and encoded in a content format the
//! client speaks.

use alloc::vec::Vec;

use ucifi_runtime::codec::{self, ErrorKind as CodecKind, ValueError};
use ucifi_runtime::typed::{Instance, ObjectType};
use ucifi_runtime::{
    ContentFormat, DataType, Node, ObjectModel, ObjectNode, Path, Registry, Value,
};

use crate::request::{Operation, WriteMode};
use crate::{Error, ErrorKind, Registration};

/// The formats carrying a whole instance, best first, for a client that announced them.
const INSTANCE_FORMATS: [ContentFormat; 5] = [
    ContentFormat::SenmlCbor,
    ContentFormat::Tlv,
    ContentFormat::Lwm2mCbor,
    ContentFormat::SenmlJson,
    ContentFormat::Lwm2mJson,
];

/// The formats carrying a composite payload, best first.
const COMPOSITE_FORMATS: [ContentFormat; 3] = [
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mCbor,
    ContentFormat::SenmlJson,
];

impl Registration {
    /// The first of `candidates` the client announced (`ct`), else `fallback`.
    fn announced(&self, candidates: &[ContentFormat], fallback: ContentFormat) -> ContentFormat {
        candidates
            .iter()
            .copied()
            .find(|f| self.content_formats.contains(&f.number()))
            .unwrap_or(fallback)
    }

    /// The content format a server writes this client's payloads in when the caller
    /// names none: TLV for an LwM2M 1.0 client (the format every 1.0 client reads); from
    /// 1.1 on, the first of SenML CBOR, TLV, LwM2M CBOR, SenML JSON and LwM2M JSON the
    /// client announced in its `ct` attribute, SenML CBOR when it announced none of them.
    pub fn preferred_format(&self) -> ContentFormat {
        if self.lwm2m_version == ucifi_runtime::Version::V1_0 {
            return ContentFormat::Tlv;
        }
        self.announced(&INSTANCE_FORMATS, ContentFormat::SenmlCbor)
    }

    /// The content format of composite payloads (Write-Composite) when the caller names
    /// none: the first of SenML CBOR, LwM2M CBOR and SenML JSON the client announced
    /// (`ct`), SenML CBOR when it announced none of them.
    pub fn preferred_composite_format(&self) -> ContentFormat {
        self.announced(&COMPOSITE_FORMATS, ContentFormat::SenmlCbor)
    }

    /// A Write of `content` to `path` (`/O/I`, `/O/I/R` or `/O/I/R/RI` of `T`'s object):
    /// `content` is a `T` or its write view, `T` the type of the object version the client
    /// registered (a write view carries no version of its own: `T` names it, and types the
    /// values on their way into the payload). Only the resources that version lets a server write are sent (a
    /// struct's read-only resources are left out); a payload for one resource that is not
    /// writable is refused. Encoded in `format`, else [`preferred_format`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] or [`ErrorKind::VersionMismatch`] for a `T` the client did
    /// not register; [`ErrorKind::Codec`]: `WrongTarget` for a path of another object or
    /// above the instance, or content of another object than `T`'s; `NoValue` when
    /// `content` lacks the resource `path` names; `NotWritable` or `Executable` for that
    /// resource when the model forbids writing it; `Unsupported` for a format that cannot
    /// carry the target.
    ///
    /// [`preferred_format`]: Registration::preferred_format
    pub fn write_operation<T: ObjectType>(
        &self,
        mode: WriteMode,
        path: &Path,
        content: &impl Instance,
        format: Option<ContentFormat>,
    ) -> Result<Operation, Error> {
        self.check_type::<T>()?;
        let node = writable_node::<T, _>(path, content)?;
        let format = format.unwrap_or_else(|| self.preferred_format());
        let payload = codec::encode(format, path, &node)?;
        Ok(Operation::Write {
            mode,
            format,
            payload,
        })
    }

    /// A Create of instance `instance_id` of `T`'s object (the request's target is the
    /// object, `/O`; the instance ID travels in the payload) from `content`, a `T` or its
    /// write view, `T` the type of the object version the client registered. As for
    /// [`write_operation`](Registration::write_operation), only writable resources are
    /// sent.
    ///
    /// # Errors
    ///
    /// As [`write_operation`](Registration::write_operation).
    pub fn create_operation<T: ObjectType>(
        &self,
        instance_id: u16,
        content: &impl Instance,
        format: Option<ContentFormat>,
    ) -> Result<Operation, Error> {
        self.check_type::<T>()?;
        let Node::Instance(instance) =
            writable_node::<T, _>(&Path::instance(T::OBJECT_ID, instance_id), content)?
        else {
            // An instance path gives an instance node.
            return Err(codec::Error::new(CodecKind::WrongTarget).into());
        };
        let node = Node::Object(ObjectNode {
            id: T::OBJECT_ID,
            instances: alloc::vec![instance],
        });
        let format = format.unwrap_or_else(|| self.preferred_format());
        let payload = codec::encode(format, &Path::object(T::OBJECT_ID), &node)?;
        Ok(Operation::Create { format, payload })
    }

    /// A Write-Composite (target: the root) of `values`, each at a resource (`/O/I/R`) or
    /// resource-instance (`/O/I/R/RI`) path, checked against the object versions the
    /// client registered, found in `registry`. Encoded in `format` (SenML JSON, SenML
    /// CBOR or LwM2M CBOR), else [`preferred_composite_format`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for an object the client did not register (at the object)
    /// or a resource its version does not define (at the resource);
    /// [`ErrorKind::UnknownModel`] for a registered version `registry` lacks;
    /// [`ErrorKind::UnsupportedContentFormat`] for a format without composite payloads;
    /// [`ErrorKind::Codec`]: `Misplaced` for a path above a resource, `NotWritable` or
    /// `Executable` for a resource the model forbids writing, `NotSingle` or
    /// `NotMultiple` for a path of the wrong depth for the resource, `Value(WrongType)`
    /// for a value of another data type, `DuplicatePath` for a path given twice.
    ///
    /// [`preferred_composite_format`]: Registration::preferred_composite_format
    pub fn write_composite_operation(
        &self,
        registry: &Registry,
        values: &[(Path, Value)],
        format: Option<ContentFormat>,
    ) -> Result<Operation, Error> {
        let format = format.unwrap_or_else(|| self.preferred_composite_format());
        for (path, value) in values {
            let (_, resource) = self.resource_model(registry, path)?;
            let ops = resource.operations;
            if !ops.writable() {
                let kind = if ops.executable() {
                    CodecKind::Executable
                } else {
                    CodecKind::NotWritable
                };
                return Err(codec::Error::at_path(*path, kind).into());
            }
            check_depth(path, resource.multiple)?;
            if value.data_type() != resource.data_type {
                let kind = CodecKind::Value(ValueError::WrongType {
                    expected: resource.data_type,
                    found: in_words(value.data_type()),
                });
                return Err(codec::Error::at_path(*path, kind).into());
            }
        }
        check_unique(values)?;
        let records = || -> Vec<codec::senml::Record> {
            values
                .iter()
                .map(|(p, v)| codec::senml::Record::new(*p, v.clone()))
                .collect()
        };
        let payload = match format {
            ContentFormat::SenmlJson => codec::senml_json::encode_records(&records())?,
            ContentFormat::SenmlCbor => codec::senml_cbor::encode_records(&records())?,
            ContentFormat::Lwm2mCbor => codec::lwm2m_cbor::encode_leaves(values)?,
            other => return Err(ErrorKind::UnsupportedContentFormat(other.number()).into()),
        };
        Ok(Operation::WriteComposite { format, payload })
    }

    /// The model of the object `path` names, at the version the client registered, and
    /// of the resource it names.
    pub(crate) fn resource_model<'r>(
        &self,
        registry: &'r Registry,
        path: &Path,
    ) -> Result<(&'r ObjectModel, &'r ucifi_runtime::ResourceModel), Error> {
        let ids = path.ids();
        if ids.len() < 3 {
            return Err(codec::Error::at_path(*path, CodecKind::Misplaced).into());
        }
        let model = self.object_model(registry, ids[0])?;
        let resource = model
            .resource(ids[2])
            .ok_or(ErrorKind::NotFound(Path::resource(ids[0], ids[1], ids[2])))?;
        Ok((model, resource))
    }

    /// The model of object `id` at the version the client registered.
    pub(crate) fn object_model<'r>(
        &self,
        registry: &'r Registry,
        id: u16,
    ) -> Result<&'r ObjectModel, Error> {
        let o = self
            .object(id)
            .ok_or(ErrorKind::NotFound(Path::object(id)))?;
        registry.get(id, o.version).ok_or_else(|| {
            ErrorKind::UnknownModel {
                id,
                version: o.version,
            }
            .into()
        })
    }
}

/// `Ok` when a value at `path` fits a resource that is `multiple` or not: a resource
/// instance of a multiple resource, or a single resource itself.
pub(crate) fn check_depth(path: &Path, multiple: bool) -> Result<(), codec::Error> {
    match (multiple, path.len()) {
        (true, 3) => Err(codec::Error::at_path(*path, CodecKind::NotSingle)),
        (false, 4) => Err(codec::Error::at_path(*path, CodecKind::NotMultiple)),
        _ => Ok(()),
    }
}

/// A value of `data_type`, in the words the decoders use for what a payload held.
fn in_words(data_type: DataType) -> &'static str {
    match data_type {
        DataType::String => "a string",
        DataType::Integer => "an integer",
        DataType::UnsignedInteger => "an unsigned integer",
        DataType::Float => "a float",
        DataType::Boolean => "a boolean",
        DataType::Opaque => "opaque bytes",
        DataType::Time => "a time",
        DataType::Objlnk => "an object link",
        DataType::Corelnk => "a link",
        DataType::None => "no value",
    }
}

/// [`CodecKind::DuplicatePath`] at the second of two values at one path.
fn check_unique(values: &[(Path, Value)]) -> Result<(), Error> {
    let mut paths: Vec<Path> = values.iter().map(|(p, _)| *p).collect();
    paths.sort();
    match paths.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(codec::Error::at_path(w[1], CodecKind::DuplicatePath).into()),
        None => Ok(()),
    }
}

/// `content` at `path` as a node typed by `T`'s model, holding only what the model lets a
/// server write: resources it may not write are left out of an instance, and refused
/// when `path` names one.
fn writable_node<T: ObjectType, I: Instance>(path: &Path, content: &I) -> Result<Node, Error> {
    if I::OBJECT_ID != T::OBJECT_ID {
        return Err(codec::Error::at_path(*path, CodecKind::WrongTarget).into());
    }
    // TLV keeps every value (typed again by the model) and every container.
    let bytes = content.encode(ContentFormat::Tlv, path)?;
    let mut node = codec::decode(ContentFormat::Tlv, path, &bytes, T::MODEL)?;
    let model = T::MODEL;
    let refusal = |id: u16| {
        let ops = model.resource(id).map(|r| r.operations).unwrap_or_default();
        match (ops.writable(), ops.executable()) {
            (true, _) => None,
            (false, true) => Some(CodecKind::Executable),
            (false, false) => Some(CodecKind::NotWritable),
        }
    };
    match &mut node {
        Node::Instance(i) => i.resources.retain(|r| refusal(r.id).is_none()),
        Node::Resource(_) | Node::ResourceInstance(_) => {
            if let Some(kind) = path.resource_id().and_then(refusal) {
                return Err(codec::Error::at_path(*path, kind).into());
            }
        }
        Node::Object(_) => {}
    }
    Ok(node)
}
