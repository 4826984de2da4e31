//! A client's registration as a server sees it: the Register request's query and
//! link-format payload, each object resolved to the exact model version the client
//! declared.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ucifi_runtime::codec::link_format::RegisterPayload;
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{Registry, Selection, Version};

use crate::{Error, ErrorKind};

/// The default lifetime when a Register request states none (seconds).
pub const DEFAULT_LIFETIME: u32 = 86_400;

/// A client's registration: what its Register request said.
#[derive(Clone, Debug, PartialEq)]
pub struct Registration {
    /// Endpoint client name (`ep`).
    pub endpoint: String,
    /// Lifetime in seconds (`lt`, [`DEFAULT_LIFETIME`] when absent).
    pub lifetime: u32,
    /// LwM2M enabler version (`lwm2m`, 1.0 when absent; `1.2.1` reads as 1.2).
    pub lwm2m_version: Version,
    /// Binding mode (`b`, `U` when absent).
    pub binding: String,
    /// Queue mode: `Q` (1.1 and later) or a `Q` in the 1.0 binding (`b=UQ`).
    pub queue_mode: bool,
    /// MSISDN for SMS binding (`sms`).
    pub sms: Option<String>,
    /// Query parameters LwM2M does not define, kept as sent.
    pub other_parameters: Vec<(String, Option<String>)>,
    /// The alternate path the client's objects live under (`</lwm2m>;rt="oma.lwm2m"`).
    pub alternate_path: Option<String>,
    /// Content formats the client announced (`ct` on the root link).
    pub content_formats: Vec<u16>,
    /// The objects, in payload order.
    pub objects: Vec<RegisteredObject>,
}

/// One object of a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredObject {
    /// Object ID.
    pub id: u16,
    /// The version the client uses: its `ver`, else the default (1.0, or for core objects
    /// the version of the client's LwM2M enabler version, see [`default_version`]).
    pub version: Version,
    /// Instance IDs.
    pub instances: Vec<u16>,
}

/// The version of object `id` a client of LwM2M `lwm2m` uses when it sends no `ver`: for
/// the core objects the version its enabler version defines, else 1.0.
pub fn default_version(id: u16, lwm2m: Version) -> Version {
    let v = Version::new;
    let core = match (lwm2m.major, lwm2m.minor) {
        (1, 1) => match id {
            0 | 1 | 3 => Some(v(1, 1)),
            4 => Some(v(1, 2)),
            2 | 5 | 6 | 7 | 21 => Some(v(1, 0)),
            _ => None,
        },
        (1, m) if m >= 2 => match id {
            0 | 1 | 3 => Some(v(1, 2)),
            2 | 5 => Some(v(1, 1)),
            4 => Some(v(1, 3)),
            21 => Some(v(2, 0)),
            6 | 7 | 23..=27 => Some(v(1, 0)),
            _ => None,
        },
        _ => None,
    };
    core.unwrap_or(Version::V1_0)
}

/// One query parameter: `name` or `name=value`.
fn parameter(p: &str) -> (&str, Option<&str>) {
    match p.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (p, None),
    }
}

/// `1.0`, `1.1`, `1.2`, `1.2.1` (the patch is dropped).
fn enabler_version(text: &str) -> Option<Version> {
    let mut parts = text.splitn(3, '.');
    let (major, minor) = (parts.next()?, parts.next()?);
    if let Some(patch) = parts.next()
        && (patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    alloc::format!("{major}.{minor}").parse().ok()
}

impl Registration {
    /// Reads a Register request: its Uri-Query options (`ep=...`, `lt=...`, `lwm2m=...`,
    /// `b=...`, `Q`, `sms=...`) and its link-format payload.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MissingEndpoint`]; [`ErrorKind::InvalidQuery`] for a parameter given
    /// twice or with a value that does not fit it; [`ErrorKind::Codec`] for a payload that
    /// is not a Register payload. All answer 4.00.
    pub fn from_register<'q>(
        query: impl IntoIterator<Item = &'q str>,
        payload: &[u8],
    ) -> Result<Registration, Error> {
        let mut r = Registration {
            endpoint: String::new(),
            lifetime: DEFAULT_LIFETIME,
            lwm2m_version: Version::V1_0,
            binding: "U".into(),
            queue_mode: false,
            sms: None,
            other_parameters: Vec::new(),
            alternate_path: None,
            content_formats: Vec::new(),
            objects: Vec::new(),
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut endpoint = None;
        for p in query {
            let (name, value) = parameter(p);
            let invalid = || Error::new(ErrorKind::InvalidQuery(p.to_string()));
            let known = matches!(name, "ep" | "lt" | "lwm2m" | "b" | "Q" | "sms");
            if known && seen.contains(&name) {
                return Err(invalid());
            }
            seen.push(name);
            match (name, value) {
                ("ep", Some(v)) if !v.is_empty() => endpoint = Some(v.to_string()),
                ("lt", Some(v)) => {
                    r.lifetime = v
                        .parse()
                        .ok()
                        .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(invalid)?
                }
                ("lwm2m", Some(v)) => r.lwm2m_version = enabler_version(v).ok_or_else(invalid)?,
                ("b", Some(v)) if !v.is_empty() => r.binding = v.to_string(),
                ("Q", None) => r.queue_mode = true,
                ("sms", Some(v)) => r.sms = Some(v.to_string()),
                _ if known => return Err(invalid()),
                (n, v) => r
                    .other_parameters
                    .push((n.to_string(), v.map(str::to_string))),
            }
        }
        r.endpoint = endpoint.ok_or(ErrorKind::MissingEndpoint)?;
        // LwM2M 1.0 wrote queue mode into the binding (`UQ`).
        if r.lwm2m_version == Version::V1_0 && r.binding.contains('Q') {
            r.queue_mode = true;
        }
        r.set_links(payload)?;
        Ok(r)
    }

    /// Replaces the objects, alternate path and content formats with those of a
    /// Register or Update payload.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Codec`] for a payload that is not a Register payload (4.00).
    pub fn set_links(&mut self, payload: &[u8]) -> Result<(), Error> {
        let text = core::str::from_utf8(payload).map_err(|e| {
            Error::from(ucifi_runtime::codec::Error::at(
                ucifi_runtime::ContentFormat::LinkFormat,
                e.valid_up_to(),
                ucifi_runtime::codec::ErrorKind::InvalidUtf8,
            ))
        })?;
        let links = RegisterPayload::parse(text)?;
        self.alternate_path = links.alternate_path;
        self.content_formats = links.content_formats;
        let lwm2m = self.lwm2m_version;
        self.objects = links
            .objects
            .into_iter()
            .map(|o| RegisteredObject {
                id: o.id,
                version: o.version.unwrap_or_else(|| default_version(o.id, lwm2m)),
                instances: o.instances,
            })
            .collect();
        Ok(())
    }

    /// The registered object `id`.
    pub fn object(&self, id: u16) -> Option<&RegisteredObject> {
        self.objects.iter().find(|o| o.id == id)
    }

    /// The models of this client: each registered object at the version it uses, from
    /// `registry`. Objects whose version the registry does not hold are listed in
    /// [`Models::unknown`], never replaced by another version.
    pub fn models<'r>(&self, registry: &'r Registry) -> Models<'r> {
        let (selection, unknown) = registry.resolve(self.objects.iter().map(|o| (o.id, o.version)));
        Models { selection, unknown }
    }

    /// `Ok` when the client registered object `T::OBJECT_ID` at `T::VERSION`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] when the object is not registered,
    /// [`ErrorKind::VersionMismatch`] when it is at another version.
    pub fn check_type<T: ObjectType>(&self) -> Result<(), Error> {
        let id = T::OBJECT_ID;
        let o = self
            .object(id)
            .ok_or(ErrorKind::NotFound(ucifi_runtime::Path::object(id)))?;
        if o.version != T::VERSION {
            return Err(ErrorKind::VersionMismatch {
                id,
                registered: o.version,
                requested: T::VERSION,
            }
            .into());
        }
        Ok(())
    }
}

/// The models a client uses ([`Registration::models`]): a [`Selection`] that types its
/// payloads (a `TypeLookup`), and the object versions it declared that the models lack.
#[derive(Clone, Debug, PartialEq)]
pub struct Models<'r> {
    /// The declared version of every known registered object (the latest version of
    /// objects it did not register).
    pub selection: Selection<'r>,
    /// Declared object versions the registry does not hold.
    pub unknown: Vec<ucifi_runtime::UnknownModel>,
}
