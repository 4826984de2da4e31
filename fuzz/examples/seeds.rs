//! Writes the seed corpus of every fuzz target: `seeds OUT_DIR [FORMATS_MD]` fills
//! `OUT_DIR/<target>/` (emptied first) with
//!
//! * the reference Device, an Outdoor lamp controller and a Temperature instance encoded in
//!   every value format, at instance, object, resource and resource-instance level;
//! * the worked examples of `FORMATS_MD` (the format reference): hex blocks and hex spans
//!   for the binary formats, JSON for the JSON formats, links for link-format, every code
//!   span for text/plain;
//! * a Register, Discover and Bootstrap-Discover payload for link-format;
//! * a few object definitions of `models/` for the DDF targets;
//! * for the LwM2M targets, real messages built by `ucifi-lwm2m`: a Register request and
//!   its Update, Send and De-register; a Read, Discover, Write (TLV, SenML JSON and CBOR),
//!   Write-Attributes, Observe, Execute, Create, Delete, Read- and Write-Composite, and a
//!   Block1 request; for the message layer, whole exchanges with a peer endpoint.
//!
//! Value payloads get the selector bytes under which they decode (see the `ucifi_fuzz`
//! crate documentation). Every target in `fuzz_targets/` must have a rule here.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path as FsPath, PathBuf};
use std::process::ExitCode;

use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use ucifi_fuzz::lwm2m;
use ucifi_fuzz::{Device, Lamp, VALUE_FORMATS, node_input, typed_input};
use ucifi_lwm2m::transport::{Endpoint, Event};
use ucifi_lwm2m::{Operation, Registration, SendBuilder, Server, WriteMode};
use ucifi_objects::REGISTRY;
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampControllerWrite as LampWrite;
use ucifi_runtime::codec::link_format::{
    self, Attribute, LinkEntry, RegisterObject, RegisterPayload,
};
use ucifi_runtime::codec::{self};
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{
    ContentFormat as F, InstanceNode, Node, ObjectNode, Path, ResourceNode, ResourceValue, Value,
    Version,
};

/// The DDF seeds, relative to `models/`.
const MODELS: [&str; 5] = [
    "oma/3-1_0.xml",
    "oma/1-1_1.xml",
    "oma/4-1_3.xml",
    "ipso/3303-1_1.xml",
    "ucifi/3416-2_0.xml",
];

/// Selectors kept per payload in the value-format targets.
const NODE_SELECTORS: usize = 4;

/// Selectors kept per payload in the typed targets.
const TYPED_SELECTORS: usize = 3;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first().map(PathBuf::from) else {
        eprintln!("usage: seeds OUT_DIR [FORMATS_MD]");
        return ExitCode::from(2);
    };
    let spec = match args.get(1) {
        Some(md) => match std::fs::read_to_string(md) {
            Ok(text) => extract(&text),
            Err(e) => {
                eprintln!("seeds: {md}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => Spec::default(),
    };
    match write_all(&out, &spec) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seeds: {e}");
            ExitCode::FAILURE
        }
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn targets() -> Result<Vec<String>, String> {
    let dir = crate_dir().join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "rs").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    Ok(names)
}

fn write_all(out: &FsPath, spec: &Spec) -> Result<(), String> {
    let encoded = encodings();
    let mut total = 0;
    for target in targets()? {
        let seeds = seeds_for(&target, &encoded, spec)?;
        let dir = out.join(&target);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for s in &seeds {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            let file = dir.join(format!("seed-{:016x}", h.finish()));
            std::fs::write(&file, s).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        total += seeds.len();
    }
    eprintln!("seeds: {total} files in {}", out.display());
    Ok(())
}

fn seeds_for(
    target: &str,
    encoded: &BTreeMap<F, Vec<Vec<u8>>>,
    spec: &Spec,
) -> Result<BTreeSet<Vec<u8>>, String> {
    let payloads = |f: F| -> Vec<Vec<u8>> {
        let mut all = encoded.get(&f).cloned().unwrap_or_default();
        all.extend(spec.for_format(f).iter().cloned());
        all
    };
    let format = |name: &str| VALUE_FORMATS.into_iter().find(|f| format_name(*f) == name);
    let mut seeds = BTreeSet::new();
    match target.split_once('_') {
        Some(("decode" | "roundtrip", "link_format")) => {
            seeds.extend(spec.links.iter().cloned());
            seeds.extend(link_payloads().into_iter().map(String::into_bytes));
        }
        Some(("decode" | "roundtrip", name)) if format(name).is_some() => {
            let f = format(name).unwrap();
            for p in payloads(f) {
                seeds.extend(node_seeds(f, &p));
            }
        }
        Some(("typed", "device")) => typed_seeds::<Device>(&payloads, &mut seeds),
        Some(("typed", "lamp")) => typed_seeds::<Lamp>(&payloads, &mut seeds),
        Some(("coap", "endpoint")) => seeds.extend(endpoint_seeds()),
        Some(("lwm2m", "server")) => seeds.extend(server_seeds()),
        Some(("lwm2m", "host")) => seeds.extend(host_seeds()),
        Some(("lwm2m", "register")) => seeds.extend(register_seeds()),
        Some(("ddf", _)) => {
            for m in MODELS {
                let file = crate_dir().join("../models").join(m);
                seeds.insert(std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?);
            }
        }
        _ => return Err(format!("no seed rule for fuzz target {target}")),
    }
    Ok(seeds)
}

/// `decode_text` → `text`, as the targets are named.
fn format_name(f: F) -> &'static str {
    match f {
        F::Text => "text",
        F::LinkFormat => "link_format",
        F::Opaque => "opaque",
        F::Cbor => "cbor",
        F::SenmlJson => "senml_json",
        F::SenmlCbor => "senml_cbor",
        F::Tlv => "tlv",
        F::Lwm2mJson => "lwm2m_json",
        F::Lwm2mCbor => "lwm2m_cbor",
    }
}

/// `payload` behind the first [`NODE_SELECTORS`] selectors under which it decodes
/// (selector 0 when none does).
fn node_seeds(f: F, payload: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for sel in 0..32u8 {
        if out.len() == NODE_SELECTORS {
            break;
        }
        let data: Vec<u8> = [&[sel][..], payload].concat();
        let (path, types, bytes) = node_input(&data).expect("a selector byte");
        let ok = if path.ids().is_empty() {
            codec::decode_leaves(f, &path, bytes, types).is_ok()
        } else {
            codec::decode(f, &path, bytes, types).is_ok()
        };
        if ok {
            out.push(data);
        }
    }
    if out.is_empty() {
        out.push([&[0][..], payload].concat());
    }
    out
}

fn typed_seeds<T: ObjectType>(payloads: &dyn Fn(F) -> Vec<Vec<u8>>, seeds: &mut BTreeSet<Vec<u8>>) {
    for (fi, f) in VALUE_FORMATS.into_iter().enumerate() {
        for p in payloads(f) {
            let mut kept = 0;
            for target in 0..=255u8 {
                let data: Vec<u8> = [&[fi as u8, target][..], &p].concat();
                let (format, path, bytes) = typed_input::<T>(&data).expect("two selector bytes");
                if T::decode(format, &path, bytes).is_ok() && seeds.insert(data) {
                    kept += 1;
                    if kept == TYPED_SELECTORS {
                        break;
                    }
                }
            }
            if kept == 0 {
                seeds.insert([&[fi as u8, 0][..], &p].concat());
            }
        }
    }
}

/// Every reference instance, and its object, resources and resource instances, encoded
/// in every value format that carries them.
fn encodings() -> BTreeMap<F, Vec<Vec<u8>>> {
    let mut nodes: Vec<(Path, Node)> = Vec::new();
    let mut add = |object: u16, i: InstanceNode| {
        nodes.push((
            Path::object(object),
            Node::Object(ObjectNode {
                id: object,
                instances: vec![i.clone()],
            }),
        ));
        let ip = Path::instance(object, i.id);
        for r in &i.resources {
            let rp = ip.child(r.id).expect("a resource path");
            if let ResourceValue::Multiple(list) = &r.value {
                for ri in list {
                    let rip = rp.child(ri.id).expect("a resource-instance path");
                    nodes.push((rip, Node::ResourceInstance(ri.clone())));
                }
            }
            nodes.push((rp, Node::Resource(r.clone())));
        }
        nodes.push((ip, Node::Instance(i)));
    };
    add(3, typed_node(&ucifi_fuzz::reference_device()));
    add(3416, typed_node(&ucifi_fuzz::reference_lamp()));
    add(
        3303,
        InstanceNode {
            id: 0,
            resources: vec![
                single(5700, Value::Float(22.5)),
                single(5701, Value::String("Cel".into())),
            ],
        },
    );
    add(
        19,
        InstanceNode {
            id: 0,
            resources: vec![single(0, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF]))],
        },
    );
    let mut out: BTreeMap<F, Vec<Vec<u8>>> = BTreeMap::new();
    for f in VALUE_FORMATS {
        for (path, node) in &nodes {
            if let Ok(bytes) = codec::encode(f, path, node) {
                out.entry(f).or_default().push(bytes);
            }
        }
    }
    out
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

/// A typed instance as a node (through TLV and its model).
fn typed_node<T: ObjectType>(t: &T) -> InstanceNode {
    let path = Path::instance(T::OBJECT_ID, 0);
    let bytes = t
        .encode(F::Tlv, &path)
        .expect("the reference instance encodes");
    match codec::decode(F::Tlv, &path, &bytes, &REGISTRY).expect("and decodes") {
        Node::Instance(i) => i,
        other => unreachable!("an instance path gives an instance: {other:?}"),
    }
}

fn link_payloads() -> Vec<String> {
    let register = RegisterPayload {
        alternate_path: Some("/lwm2m".into()),
        content_formats: vec![60, 110, 112, 11542],
        objects: vec![
            RegisterObject {
                id: 1,
                version: None,
                instances: vec![0],
            },
            RegisterObject {
                id: 3,
                version: Some(Version::new(1, 2)),
                instances: vec![0],
            },
            RegisterObject {
                id: 3416,
                version: Some(Version::new(2, 0)),
                instances: vec![0, 1],
            },
            RegisterObject {
                id: 5,
                version: None,
                instances: vec![],
            },
        ],
    };
    let p = |s: &str| -> Path { s.parse().expect("a path") };
    let discover = vec![
        LinkEntry::new(p("/3416/0"))
            .with(Attribute::Pmin(10))
            .with(Attribute::Pmax(60)),
        LinkEntry::new(p("/3416/0/5"))
            .with(Attribute::Gt(30.5))
            .with(Attribute::Lt(-5.0))
            .with(Attribute::St(0.5)),
        LinkEntry::new(p("/3/0/6")).with(Attribute::Dim(2)),
        LinkEntry::new(p("/3416")).with(Attribute::Ver(Version::new(2, 0))),
    ];
    let mut out = vec![
        register.to_payload(),
        RegisterPayload {
            alternate_path: None,
            ..register
        }
        .to_payload(),
        link_format::discover_payload(&discover),
        link_format::bootstrap_discover_payload(Some(Version::new(1, 1)), &discover),
    ];
    out.push(format!("{};title=\"a,b;c\\\"d\";obs", out[2]));
    out
}

/// What the format reference's examples give.
#[derive(Default)]
struct Spec {
    hex: Vec<Vec<u8>>,
    json: Vec<Vec<u8>>,
    links: Vec<Vec<u8>>,
    spans: Vec<Vec<u8>>,
}

impl Spec {
    fn for_format(&self, f: F) -> &[Vec<u8>] {
        match f {
            F::Text => &self.spans,
            F::SenmlJson | F::Lwm2mJson => &self.json,
            F::LinkFormat => &self.links,
            F::Opaque | F::Cbor | F::Tlv | F::SenmlCbor | F::Lwm2mCbor => &self.hex,
        }
    }

    fn classify(&mut self, text: &str) {
        let t = text.trim();
        if t.starts_with("{\"") || t.starts_with("[{\"") {
            self.json.push(t.as_bytes().to_vec());
        }
        if t.starts_with("</") {
            self.links.push(t.as_bytes().to_vec());
        }
    }
}

/// The bytes of text made only of two-digit hex numbers separated by spaces.
fn hex(text: &str) -> Option<Vec<u8>> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return None;
    }
    tokens
        .iter()
        .map(|t| {
            (t.len() == 2 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u8::from_str_radix(t, 16).ok())?
        })
        .collect()
}

/// The hex of a code-block line: its hex columns, where columns are separated by two
/// spaces or more and the others are comments (`C1 09 57     C1 = 11 0 00 001: ...`).
fn hex_of_line(line: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for column in line.trim().split("  ") {
        if let Some(b) = hex(column) {
            out.extend(b);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Reads the examples of the format reference: in code blocks, every hex line and every run
/// of consecutive hex lines (a multi-line payload), JSON and link lines; in the prose, every
/// code span (hex, JSON, links, and all of them as text/plain values).
fn extract(md: &str) -> Spec {
    let mut spec = Spec::default();
    let mut prose = String::new();
    let mut in_block = false;
    let mut run: Vec<u8> = Vec::new();
    let mut lines_in_run = 0;
    let flush = |run: &mut Vec<u8>, n: &mut usize, hex: &mut Vec<Vec<u8>>| {
        if *n > 1 {
            hex.push(std::mem::take(run));
        }
        run.clear();
        *n = 0;
    };
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut run, &mut lines_in_run, &mut spec.hex);
            in_block = !in_block;
            continue;
        }
        if !in_block {
            prose.push_str(line);
            prose.push('\n');
            continue;
        }
        spec.classify(line);
        match hex_of_line(line) {
            Some(b) => {
                run.extend_from_slice(&b);
                lines_in_run += 1;
                spec.hex.push(b);
            }
            None => flush(&mut run, &mut lines_in_run, &mut spec.hex),
        }
    }
    flush(&mut run, &mut lines_in_run, &mut spec.hex);
    for span in prose.split('`').skip(1).step_by(2) {
        let span = span.replace('\n', " ");
        if let Some(b) = hex(&span) {
            spec.hex.push(b);
        }
        spec.classify(&span);
        spec.spans.push(span.into_bytes());
    }
    spec
}

/// Register requests as `query \0 payload`.
fn register_seeds() -> Vec<Vec<u8>> {
    let mut payloads = link_payloads();
    payloads.truncate(2);
    payloads.push(lwm2m::host().register_payload());
    payloads.push(
        "</>;rt=\"oma.lwm2m\";ct=\"60 110 112\",</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>".into(),
    );
    let queries = [
        "ep=lamp-17&lt=300&lwm2m=1.1&b=U",
        "ep=urn:imei:356938035643809&lt=86400&lwm2m=1.2&b=UQ&Q",
        "ep=dev&lwm2m=1.0&b=UQ&sms=+15555550100&x=y",
    ];
    let mut out = Vec::new();
    for q in queries {
        for p in &payloads {
            out.push([q.as_bytes(), b"\0", p.as_bytes()].concat());
        }
    }
    out
}

/// A client's registration as `lwm2m_server` records (peer 0 or 1): Register, Update,
/// Send, De-register, and a Register whose lifetime runs out.
fn server_seeds() -> Vec<Vec<u8>> {
    let bytes = |p: &Packet| p.to_bytes().expect("a CoAP message");
    let mut server: Server<u8> = Server::new(REGISTRY.clone());
    let mut host = lwm2m::host();
    host.set_lifetime(60);
    let register = host.register_request(0x100, vec![1]);
    let (response, _) = server.handle(0, &register, 0);
    host.registered(&response).expect("registered");
    let update = host
        .update_request(true, 0x101, vec![2])
        .expect("an Update");
    let send = SendBuilder::new()
        .value(
            Path::resource(3, 0, 9),
            Value::Integer(87),
            Some(1_700_000_000.0),
        )
        .value(Path::resource(3416, 0, 1), Value::Integer(40), None);
    let send_json = send
        .request(Some(F::SenmlJson), 0x102, vec![3])
        .expect("a Send");
    let send_cbor = send.request(None, 0x103, vec![4]).expect("a Send");
    let deregister = host
        .deregister_request(0x104, vec![5])
        .expect("a De-register");
    // Records: ctl = peer | step << 2, step² seconds before the message.
    let r = |peer: u8, step: u8, p: &Packet| lwm2m::record(peer | step << 2, &bytes(p));
    let session = [
        r(0, 0, &register),
        r(0, 3, &update),
        r(0, 1, &send_json),
        r(0, 1, &send_cbor),
        r(1, 1, &send_json),
        r(0, 2, &deregister),
    ];
    let expiring = [r(1, 0, &register), r(1, 9, &update), r(1, 0, &send_json)];
    let mut out: Vec<Vec<u8>> = vec![session.concat(), expiring.concat()];
    out.extend(session.iter().cloned());
    out
}

/// Server requests to the `lwm2m_host` client (confirmable, one message ID and token
/// each).
fn host_requests() -> Vec<Packet> {
    let host = lwm2m::host();
    let reg =
        Registration::from_register(["ep=fuzz", "lwm2m=1.2"], host.register_payload().as_bytes())
            .expect("the host's own Register payload");
    let lamp = Path::instance(3416, 0);
    let command = Path::resource(3416, 0, 1);
    let dim = LampWrite {
        command: Some(40),
        ..LampWrite::default()
    };
    let mut id = 0x200u16;
    let mut next = || {
        id += 1;
        (id, vec![id as u8, 0x7e])
    };
    let mut op = |o: Operation, path: &Path| {
        let (m, t) = next();
        reg.request(&o, path, m, t)
    };
    let paths = br#"[{"n":"/3/0/0"},{"n":"/3416/0/1"},{"n":"/3416/1"}]"#.to_vec();
    let mut out = vec![
        op(Operation::Read { accept: None }, &Path::instance(3, 0)),
        op(
            Operation::Read {
                accept: Some(F::Tlv),
            },
            &lamp,
        ),
        op(
            Operation::Read {
                accept: Some(F::SenmlCbor),
            },
            &Path::object(3416),
        ),
        op(Operation::Discover, &lamp),
        op(
            Operation::WriteAttributes(vec![
                Attribute::Pmin(1),
                Attribute::Pmax(30),
                Attribute::St(5.0),
            ]),
            &command,
        ),
        op(Operation::Observe { accept: None }, &command),
        op(
            Operation::Observe {
                accept: Some(F::SenmlJson),
            },
            &lamp,
        ),
        op(
            Operation::Execute { arguments: None },
            &Path::resource(3, 0, 4),
        ),
        op(
            Operation::Execute {
                arguments: Some("0='on',1".into()),
            },
            &Path::resource(3, 0, 5),
        ),
        op(Operation::Delete, &Path::instance(3416, 1)),
        op(
            Operation::ReadComposite {
                format: F::SenmlJson,
                payload: paths.clone(),
                accept: None,
            },
            &Path::ROOT,
        ),
        op(
            Operation::WriteComposite {
                format: F::SenmlJson,
                payload: br#"[{"n":"/3416/0/1","v":20},{"n":"/3416/1/1","v":30}]"#.to_vec(),
            },
            &Path::ROOT,
        ),
        op(Operation::CancelObservation { accept: None }, &command),
    ];
    for (mode, path, format) in [
        (WriteMode::PartialUpdate, &lamp, F::Tlv),
        (WriteMode::PartialUpdate, &lamp, F::SenmlJson),
        (WriteMode::PartialUpdate, &lamp, F::SenmlCbor),
        (WriteMode::Replace, &command, F::Tlv),
        (WriteMode::Replace, &command, F::SenmlJson),
        (WriteMode::Replace, &command, F::Text),
    ] {
        let (m, t) = next();
        out.push(
            reg.write_request(mode, path, &dim, Some(format), m, t)
                .expect("a Write"),
        );
    }
    let (m, t) = next();
    out.push(
        reg.create_request(2, &dim, Some(F::Tlv), m, t)
            .expect("a Create"),
    );
    // The first block of a Write whose payload comes in 16-byte blocks.
    let (m, t) = next();
    let mut block1 = reg
        .write_request(
            WriteMode::PartialUpdate,
            &lamp,
            &dim,
            Some(F::SenmlJson),
            m,
            t,
        )
        .expect("a Write");
    block1.payload.truncate(16);
    block1.add_option(CoapOption::Block1, vec![0x08]);
    block1.add_option(CoapOption::Size1, vec![40]);
    out.push(block1);
    out
}

/// `lwm2m_host` records (ctl: seconds before the message): every request alone, and
/// sessions of attributes, observations and writes with time passing.
fn host_seeds() -> Vec<Vec<u8>> {
    let requests = host_requests();
    let r = |step: u8, p: &Packet| lwm2m::record(step, &p.to_bytes().expect("CoAP"));
    let mut out: Vec<Vec<u8>> = requests.iter().map(|p| r(0, p)).collect();
    let all: Vec<u8> = requests.iter().flat_map(|p| r(3, p)).collect();
    out.push(all);
    // Write-Attributes, Observe, Write, then time for pmin and pmax; a Reset of the
    // notification's message ID ends it.
    let [_, _, _, _, attributes, observe, observe_lamp, ..] = &requests[..] else {
        unreachable!()
    };
    let write = &requests[requests.len() - 6];
    let mut reset = Packet::new();
    reset.header.set_type(coap_lite::MessageType::Reset);
    out.push(
        [
            r(0, attributes),
            r(0, observe),
            r(0, observe_lamp),
            r(2, write),
            r(40, write),
            lwm2m::record(40, &[0x40, 0x01, 0x00, 0x00]),
            lwm2m::record(1, &reset.to_bytes().expect("a Reset")),
        ]
        .concat(),
    );
    out
}

/// `coap_endpoint` inputs: a peer endpoint (peer 1, block size 16) reads, writes
/// block-wise, reads a large resource, is observed and notifies, and gets a block-wise
/// PUT, all delivered to the fuzzed endpoint as its records say; under configurations of
/// block size 16 and 64 and of tight limits.
fn endpoint_seeds() -> Vec<Vec<u8>> {
    [0u8, 2, 0x18, 0x42]
        .into_iter()
        .map(endpoint_session)
        .collect()
}

fn endpoint_session(cfg: u8) -> Vec<u8> {
    const TARGET: u8 = 9;
    let mut input = vec![cfg];
    let mut peer: Endpoint<u8> = Endpoint::new(lwm2m::endpoint_config(0), 0x01c8);
    let mut delivered = 0;
    let mut observer: Option<Vec<u8>> = None;
    // Runs both sides until neither has anything to send; `first` is a record of the
    // fuzzed endpoint's own.
    let mut pump = |input: &mut Vec<u8>,
                    peer: &mut Endpoint<u8>,
                    observer: &mut Option<Vec<u8>>,
                    first: Option<Vec<u8>>| {
        input.extend(first.unwrap_or_default());
        loop {
            let mut progress = false;
            while let Some((_, d)) = peer.poll_transmit() {
                input.extend(lwm2m::record(lwm2m::endpoint_ctl(1, lwm2m::RECEIVE, 0), &d));
                progress = true;
            }
            let sent = lwm2m::coap_endpoint(input);
            for (_, d) in &sent[delivered..] {
                progress = true;
                let events = peer.receive(TARGET, d, 0);
                for e in &events {
                    if let Event::Request { id, request, .. } = e {
                        let mut a = Packet::new();
                        a.header.code = MessageClass::Response(ResponseType::Content);
                        a.payload = b"22.5".to_vec();
                        if request.get_option(CoapOption::Observe).is_some() {
                            a.add_option(CoapOption::Observe, vec![1]);
                            *observer = Some(request.get_token().to_vec());
                        }
                        peer.respond(*id, a, 0);
                    }
                }
            }
            delivered = sent.len();
            if !progress {
                break;
            }
        }
    };
    let get = |path: &[&str], payload: &[u8], method: RequestType| {
        let mut p = Packet::new();
        p.header.code = MessageClass::Request(method);
        for s in path {
            p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
        }
        p.payload = payload.to_vec();
        p
    };
    peer.request(TARGET, get(&["3", "0", "9"], b"", RequestType::Get), 0);
    pump(&mut input, &mut peer, &mut observer, None);
    let long: Vec<u8> = (0..100u8).map(|i| b'a' + i % 26).collect();
    peer.request(TARGET, get(&["3416", "0", "1"], &long, RequestType::Put), 0);
    pump(&mut input, &mut peer, &mut observer, None);
    // Observed by the fuzzed endpoint, then two notifications.
    let observe = lwm2m::record(lwm2m::endpoint_ctl(1, lwm2m::OBSERVE, 1), b"obs1");
    pump(&mut input, &mut peer, &mut observer, Some(observe));
    if let Some(token) = observer.clone() {
        for seq in [2u8, 3] {
            let mut n = Packet::new();
            n.header.set_type(coap_lite::MessageType::NonConfirmable);
            n.header.code = MessageClass::Response(ResponseType::Content);
            n.set_token(token.clone());
            n.add_option(CoapOption::Observe, vec![seq]);
            n.payload = vec![b'0' + seq];
            peer.send(TARGET, n, 0);
            pump(&mut input, &mut peer, &mut observer, None);
        }
    }
    let put = lwm2m::record(lwm2m::endpoint_ctl(1, lwm2m::PUT, 2), &long);
    pump(&mut input, &mut peer, &mut observer, Some(put));
    // A duplicate of the last datagram, and time for retransmissions and expiry.
    peer.request(TARGET, get(&["3", "0"], b"", RequestType::Get), 0);
    if let Some((_, d)) = peer.poll_transmit() {
        input.extend(lwm2m::record(lwm2m::endpoint_ctl(1, lwm2m::RECEIVE, 0), &d));
        input.extend(lwm2m::record(lwm2m::endpoint_ctl(1, lwm2m::RECEIVE, 3), &d));
    }
    for step in [4, 8, 16, 31, 31] {
        input.extend(lwm2m::record(
            lwm2m::endpoint_ctl(2, lwm2m::RECEIVE, step),
            &[],
        ));
    }
    input
}
