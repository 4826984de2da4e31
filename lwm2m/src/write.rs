//! Typed writes from a registration: Write (replace and partial update) and Create from
//! a generated write view, Write-Composite from typed values, each checked
//! against the object version the client registered and encoded in a content format the
//! client speaks.

use alloc::vec::Vec;

use ucifi_runtime::codec::{self, ErrorKind as CodecKind, ValueError};
use ucifi_runtime::typed::{self, ObjectType, WriteView};
use ucifi_runtime::{ContentFormat, DataType, ObjectModel, Path, Registry, Value};

use crate::request::Operation;
use crate::{Error, ErrorKind, Registration};
use ucifi_runtime::codec::WriteMode;

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

    /// A Write of `content`, a write view (`OutdoorLampControllerWrite`), to `path`
    /// (`/O/I`, `/O/I/R` or `/O/I/R/RI` of its object). The view's object version must be
    /// the one the client registered; its values must be ones the model allows
    /// ([`typed::Instance::encode_checked`]). Encoded in `format`, else [`preferred_format`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] or [`ErrorKind::VersionMismatch`] for a view of a version
    /// the client did not register; [`ErrorKind::Codec`]: `WrongTarget` for a path of
    /// another object or above the instance; `NotWritable` or `Executable` for a path
    /// naming a resource the model forbids writing; `NoValue` when `content` lacks the
    /// resource `path` names; `Invalid` for a value the model does not allow;
    /// `Unsupported` for a format that cannot carry the target.
    ///
    /// [`preferred_format`]: Registration::preferred_format
    pub fn write_operation<W: WriteView>(
        &self,
        mode: WriteMode,
        path: &Path,
        content: &W,
        format: Option<ContentFormat>,
    ) -> Result<Operation, Error> {
        self.check_type::<W::Target>()?;
        if let Some(id) = path.resource_id()
            && path.object_id() == Some(W::OBJECT_ID)
        {
            let ops = W::Target::MODEL
                .resource(id)
                .map(|r| r.operations)
                .unwrap_or_default();
            check_writable(path, ops)?;
        }
        let format = format.unwrap_or_else(|| self.preferred_format());
        let payload = content.encode_checked(format, path)?;
        Ok(Operation::Write {
            mode,
            format,
            payload,
        })
    }

    /// A Create of instance `instance_id` of the object of `content`, a write view (the
    /// request's target is the object, `/O`; the instance ID travels in the payload). As
    /// for [`write_operation`](Registration::write_operation), the view's version must be
    /// the one the client registered and its values ones the model allows.
    ///
    /// # Errors
    ///
    /// As [`write_operation`](Registration::write_operation).
    pub fn create_operation<W: WriteView>(
        &self,
        instance_id: u16,
        content: &W,
        format: Option<ContentFormat>,
    ) -> Result<Operation, Error> {
        self.check_type::<W::Target>()?;
        let at = Path::instance(W::OBJECT_ID, instance_id);
        // The checks of a Write of the instance; the payload is the object's.
        content.encode_checked(ContentFormat::Tlv, &at)?;
        let format = format.unwrap_or_else(|| self.preferred_format());
        let payload = typed::encode_instances(
            format,
            &Path::object(W::OBJECT_ID),
            [(instance_id, content)],
        )?;
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
            check_writable(path, resource.operations)?;
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

/// `Ok` when `ops` let a server write the resource at `path`: else `Executable` (4.05)
/// for an executable resource, `NotWritable` (4.05) for another.
fn check_writable(path: &Path, ops: ucifi_runtime::Operations) -> Result<(), Error> {
    if ops.writable() {
        return Ok(());
    }
    let kind = if ops.executable() {
        CodecKind::Executable
    } else {
        CodecKind::NotWritable
    };
    Err(codec::Error::at_path(*path, kind).into())
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
