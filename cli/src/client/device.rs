//! The simulated device: a [`Host`] of Security, Server, Device and the objects asked
//! for, each of a generated type picked by object ID and version at run time, with
//! plausible values, Execute handlers and the Outdoor lamp controller's simulation.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Value as Json, json};
use ucifi_lwm2m::{Host, SendBuilder};
use ucifi_runtime::codec::{self, TypeLookup};
use ucifi_runtime::typed::{ObjectType, ObjectVisitor};
use ucifi_runtime::{ContentFormat, DataType, ObjectModel, Path, Version};

/// The Outdoor lamp controller's object ID.
pub const LAMP: u16 = 3416;

/// Events the Execute handlers log, for the caller to print.
pub type Log = Rc<RefCell<Vec<Json>>>;

/// What the client does with one hosted object type, chosen at run time: plain
/// functions monomorphised for the generated type.
#[derive(Clone, Copy)]
struct Kind {
    /// The object version's model.
    model: &'static ObjectModel,
    /// Adds an instance with default values (and the Execute handler).
    add: fn(&mut Host, u16, &Log) -> Result<(), String>,
    /// Sets one resource from text ([`set`]).
    set: fn(&mut Host, &Path, &[u8]) -> Result<(), String>,
    /// The instance IDs.
    ids: fn(&Host) -> Vec<u16>,
}

/// Adds instance `id` of `T` with default values, and the Execute handler.
fn add<T: ObjectType>(host: &mut Host, id: u16, log: &Log) -> Result<(), String> {
    host.add(id, T::default()).map_err(|e| e.to_string())?;
    let log = log.clone();
    host.on_execute::<T>(move |instance, i, r, arguments| {
        let path = Path::resource(T::OBJECT_ID, i, r);
        log.borrow_mut().push(json!({
            "event": "execute",
            "path": path.to_string(),
            "arguments": arguments,
        }));
        if let Some(counter) = reset_target(T::OBJECT_ID, r) {
            let target = Path::resource(T::OBJECT_ID, i, counter);
            // The counter is optional: absent from this version, nothing to reset.
            if T::MODEL.resource(counter).is_some() {
                let _ = set_value(instance, &target, b"0");
            }
        }
        Ok(())
    })
    .map_err(|e| e.to_string())
}

/// The resource an executable reset resource of `object` sets to 0.
fn reset_target(object: u16, resource: u16) -> Option<u16> {
    match (object, resource) {
        // Lamp operating hours, lamp switch counter, thermal derating and shutdown
        // counters, driver operating hours.
        (LAMP, 16) => Some(15),
        (LAMP, 19) => Some(18),
        (LAMP, 24) => Some(23),
        (LAMP, 27) => Some(26),
        (LAMP, 57) => Some(56),
        _ => None,
    }
}

/// Sets one resource (`/O/I/R`) or resource instance of `instance` from text, checked by
/// the model: the value must decode as the resource's type and pass its range, length
/// and enumeration; otherwise nothing changes.
fn set_value<T: ObjectType>(instance: &mut T, path: &Path, text: &[u8]) -> Result<(), String> {
    let Some(resource) = path.resource_id() else {
        return Err(format!("{path} is no resource"));
    };
    let mut next = instance.clone();
    next.merge(ContentFormat::Text, path, text)
        .map_err(|e| e.to_string())?;
    if let Err(violations) = next.validate()
        && let Some(v) = violations.iter().find(|v| v.resource == resource)
    {
        return Err(format!("{path}: {v}"));
    }
    *instance = next;
    Ok(())
}

/// Sets a resource of a hosted instance of `T` from text, as the application does.
fn set<T: ObjectType>(host: &mut Host, path: &Path, text: &[u8]) -> Result<(), String> {
    let (Some(i), true) = (path.instance_id(), path.len() >= 3) else {
        return Err(format!("{path} is no resource"));
    };
    let instance = host
        .instance_mut::<T>(i)
        .ok_or_else(|| format!("{} does not exist", Path::instance(T::OBJECT_ID, i)))?;
    set_value(instance, path, text)
}

/// The instance IDs of `T`.
fn ids<T: ObjectType>(host: &Host) -> Vec<u16> {
    host.instances::<T>().map(|(id, _)| id).collect()
}

/// Finds the generated type of one object version.
struct Finder {
    /// The object ID looked for.
    id: u16,
    /// The version looked for.
    version: Version,
    /// What was found.
    found: Option<Kind>,
}

impl ObjectVisitor for Finder {
    fn visit<T: ObjectType>(&mut self) {
        if T::OBJECT_ID == self.id && T::VERSION == self.version {
            self.found = Some(Kind {
                model: T::MODEL,
                add: add::<T>,
                set: set::<T>,
                ids: ids::<T>,
            });
        }
    }
}

/// The generated type of object `id` at `version` (the latest when `None`).
fn kind(id: u16, version: Option<Version>) -> Result<Kind, String> {
    let registry = &ucifi_objects::REGISTRY;
    let version = match version {
        Some(v) => v,
        None => {
            registry
                .latest(id)
                .ok_or_else(|| format!("unknown object {id}"))?
                .version
        }
    };
    let mut finder = Finder {
        id,
        version,
        found: None,
    };
    ucifi_objects::visit_objects(&mut finder);
    finder.found.ok_or_else(|| {
        let known: Vec<String> = registry
            .versions(id)
            .iter()
            .map(|m| m.version.to_string())
            .collect();
        if known.is_empty() {
            format!("unknown object {id}")
        } else {
            format!(
                "object {id} has no version {version} (known: {})",
                known.join(", ")
            )
        }
    })
}

/// One entry of `--objects`: `ID` or `ID@VERSION`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObjectArg {
    /// The object ID.
    pub id: u16,
    /// The version, `None` for the latest.
    pub version: Option<Version>,
}

/// Parses `3,3416@1.0,...`.
pub fn parse_objects(text: &str) -> Result<Vec<ObjectArg>, String> {
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (id, version) = match item.split_once('@') {
            Some((id, v)) => (id, Some(v)),
            None => (item, None),
        };
        let id: u16 = id
            .parse()
            .map_err(|_| format!("bad object ID {id:?} in --objects"))?;
        let version = version
            .map(|v| {
                v.parse::<Version>()
                    .map_err(|_| format!("bad version {v:?} for object {id} in --objects"))
            })
            .transpose()?;
        out.push(ObjectArg { id, version });
    }
    Ok(out)
}

/// What the device is made of.
#[derive(Clone, Debug)]
pub struct Config {
    /// The endpoint name.
    pub endpoint: String,
    /// The LwM2M enabler version.
    pub lwm2m: Version,
    /// The registration lifetime, seconds.
    pub lifetime: u32,
    /// The server URI, for the Security instance.
    pub server_uri: String,
    /// The objects asked for besides Security, Server and Device.
    pub objects: Vec<ObjectArg>,
}

/// The simulated device.
pub struct Device {
    /// The object host.
    pub host: Host,
    /// Events logged by Execute handlers, for the caller to print.
    pub log: Log,
    /// The hosted object types, by object ID.
    kinds: BTreeMap<u16, Kind>,
    /// Per lamp instance: operating hours not yet counted in the model.
    lamp_hours: BTreeMap<u16, f64>,
}

impl Device {
    /// The device of `config`, with `unix` the time now (seconds since 1970).
    pub fn new(config: &Config, unix: u64) -> Result<Device, String> {
        let mut host = Host::new(config.endpoint.clone(), config.lwm2m);
        host.set_lifetime(config.lifetime);
        host.set_binding("U");
        let log: Log = Rc::default();
        let mut wanted: BTreeMap<u16, Option<Version>> = BTreeMap::new();
        for core in [0, 1, 3] {
            wanted.insert(core, Some(ucifi_lwm2m::default_version(core, config.lwm2m)));
        }
        for o in &config.objects {
            let core = matches!(o.id, 0 | 1 | 3);
            // A core object named without a version keeps the enabler's version.
            if !(core && o.version.is_none()) {
                wanted.insert(o.id, o.version);
            }
        }
        let mut kinds = BTreeMap::new();
        for (id, version) in wanted {
            let k = kind(id, version)?;
            (k.add)(&mut host, 0, &log)?;
            kinds.insert(id, k);
        }
        let mut device = Device {
            host,
            log,
            kinds,
            lamp_hours: BTreeMap::new(),
        };
        device.plausible_values(config, unix);
        Ok(device)
    }

    /// Sets the values a device of this kind would report; resources a version lacks
    /// are skipped.
    fn plausible_values(&mut self, config: &Config, unix: u64) {
        let unix = unix.to_string();
        let lifetime = config.lifetime.to_string();
        let serial = format!("SIM-{}", config.endpoint);
        let version = env!("CARGO_PKG_VERSION");
        let values: Vec<(u16, u16, Option<u16>, &str)> = vec![
            // Security: the server's URI, not bootstrap, NoSec (3), short server ID 1.
            (0, 0, None, config.server_uri.as_str()),
            (0, 1, None, "false"),
            (0, 2, None, "3"),
            (0, 10, None, "1"),
            // Server: short server ID 1, lifetime, notification storing, binding.
            (1, 0, None, "1"),
            (1, 1, None, lifetime.as_str()),
            (1, 6, None, "true"),
            (1, 7, None, "U"),
            // Device.
            (3, 0, None, "ucifi"),
            (3, 1, None, "ucifi simulated lamp controller"),
            (3, 2, None, serial.as_str()),
            (3, 3, None, version),
            (3, 6, Some(0), "1"),
            (3, 7, Some(0), "3800"),
            (3, 8, Some(0), "120"),
            (3, 9, None, "87"),
            (3, 10, None, "512"),
            (3, 11, Some(0), "0"),
            (3, 13, None, unix.as_str()),
            (3, 14, None, "+00:00"),
            (3, 15, None, "UTC"),
            (3, 16, None, "U"),
            (3, 17, None, "Outdoor lamp controller"),
            (3, 18, None, "1.0"),
            (3, 19, None, version),
            (3, 20, None, "0"),
            (3, 21, None, "1024"),
            // Outdoor lamp controller: on at full output, 60 W, 3000 K.
            (LAMP, 1, None, "100"),
            (LAMP, 2, None, "100"),
            (LAMP, 3, None, "100"),
            (LAMP, 4, None, "100"),
            (LAMP, 15, None, "0"),
            (LAMP, 17, None, unix.as_str()),
            (LAMP, 18, None, "1"),
            (LAMP, 21, None, "35.5"),
            (LAMP, 36, None, "60"),
            (LAMP, 39, None, "3000"),
            (LAMP, 40, None, "3000"),
            (LAMP, 44, None, "48.0"),
            (LAMP, 45, None, "1.25"),
            (LAMP, 46, None, "60.0"),
            (LAMP, 47, None, "0.0"),
        ];
        for (o, r, ri, text) in values {
            let path = match ri {
                Some(ri) => Path::resource_instance(o, 0, r, ri),
                None => Path::resource(o, 0, r),
            };
            let defined = self
                .kinds
                .get(&o)
                .is_some_and(|k| k.model.resource(r).is_some());
            if defined {
                let _ = self.set(&path, text.as_bytes());
            }
        }
    }

    /// Sets a resource of a hosted instance from text, as the application does (read-only
    /// resources too), checked by the model.
    pub fn set(&mut self, path: &Path, text: &[u8]) -> Result<(), String> {
        let Some(o) = path.object_id() else {
            return Err("set needs a resource path".into());
        };
        let kind = self
            .kinds
            .get(&o)
            .ok_or_else(|| format!("object {o} is not hosted"))?;
        (kind.set)(&mut self.host, path, text)
    }

    /// The text value of a single resource, if it has one.
    pub fn text(&self, path: &Path) -> Option<String> {
        let (_, bytes) = self.host.read(path, Some(ContentFormat::Text)).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// The numeric value of a single resource, if it has one.
    fn number(&self, path: &Path) -> Option<f64> {
        self.text(path)?.parse().ok()
    }

    /// The lifetime the Server instance holds now.
    pub fn server_lifetime(&self) -> Option<u32> {
        self.text(&Path::resource(1, 0, 1))?.parse().ok()
    }

    /// One step of `seconds` of simulated time at `unix`: the Device's clock, and each
    /// lamp's dimming level moving toward its command (20 points a second), its
    /// operating hours, switch counter, power and energy.
    pub fn step(&mut self, seconds: f64, unix: u64) {
        let _ = self.set(&Path::resource(3, 0, 13), unix.to_string().as_bytes());
        let Some(kind) = self.kinds.get(&LAMP).copied() else {
            return;
        };
        let hours_type = kind.model.resource(15).map(|r| r.data_type);
        for i in (kind.ids)(&self.host) {
            let at = |r| Path::resource(LAMP, i, r);
            let command = self.number(&at(1)).unwrap_or(0.0);
            let level = self.number(&at(3)).unwrap_or(0.0);
            let switches = self.number(&at(18)).unwrap_or(0.0);
            let nominal = self.number(&at(36)).unwrap_or(60.0);
            let energy = self.number(&at(47)).unwrap_or(0.0);
            let hours = self.number(&at(15)).unwrap_or(0.0);
            let ramp = 20.0 * seconds;
            let next = (level + (command - level).clamp(-ramp, ramp)).round();
            let watts = nominal * next / 100.0;
            let mut changes = vec![(46, format!("{watts:.1}"))];
            if next != level {
                changes.push((3, format!("{next}")));
                changes.push((2, format!("{next}")));
            }
            if level == 0.0 && next > 0.0 {
                changes.push((18, format!("{}", switches + 1.0)));
                changes.push((17, unix.to_string()));
            }
            if next > 0.0 {
                let energy = energy + watts * seconds / 3_600_000.0;
                changes.push((47, format!("{energy}")));
                let carry = self.lamp_hours.entry(i).or_default();
                *carry += seconds / 3600.0;
                let add = match hours_type {
                    Some(DataType::Float) => *carry,
                    _ => carry.floor(),
                };
                if add > 0.0 {
                    *carry -= add;
                    changes.push((15, format!("{}", hours + add)));
                }
            }
            for (r, text) in changes {
                // A resource this version lacks, or a value it refuses, is left as is.
                let _ = (kind.set)(&mut self.host, &at(r), text.as_bytes());
            }
        }
    }

    /// A Send of the current values at and below `paths`, each with time `unix`.
    pub fn send(&self, paths: &[Path], unix: u64) -> Result<SendBuilder, String> {
        let mut builder = SendBuilder::new();
        for path in paths {
            let (_, bytes) = self
                .host
                .read(path, Some(ContentFormat::SenmlCbor))
                .map_err(|e| format!("{path}: {e}"))?;
            let records = codec::senml_cbor::decode_records(&bytes, self)
                .map_err(|e| format!("{path}: {e}"))?;
            for r in records {
                if let Some(value) = r.value {
                    builder = builder.value(r.path, value, Some(unix as f64));
                }
            }
        }
        Ok(builder)
    }
}

impl TypeLookup for Device {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        let r = self.kinds.get(&object)?.model.resource(resource)?;
        Some((r.data_type, r.multiple))
    }
}
