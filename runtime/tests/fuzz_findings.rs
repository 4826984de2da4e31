//! Inputs the fuzz targets (`cargo xtask fuzz`, `fuzz/`) found, minimised, each with the
//! result it must give.

mod common;

use common::*;
use ucifi_runtime::codec::link_format::RegisterPayload;
use ucifi_runtime::codec::{self, NoModel, TypeLookup};
use ucifi_runtime::{
    ContentFormat as F, DataType, InstanceNode, Node, ResourceInstanceNode, Time, Value,
};

/// Decode → encode → decode: (first decode, bytes, second decode).
fn round_trip(f: F, path: &str, bytes: &[u8], types: &dyn TypeLookup) -> (Node, Vec<u8>, Node) {
    let path = p(path);
    let first = codec::decode(f, &path, bytes, types).expect("the input decodes");
    let again = codec::encode(f, &path, &first).expect("what decodes encodes");
    let second = codec::decode(f, &path, &again, types).expect("what encodes decodes");
    (first, again, second)
}

/// roundtrip_cbor, roundtrip_lwm2m_cbor: without a model a tag-1 (epoch) item decoded as a
/// Time value, the encoders write Time untagged, and the untagged integer decoded as an
/// Integer. Without a model a tagged time now reads as that Integer.
#[test]
fn untyped_tagged_time_round_trips() {
    // CBOR (60) at /1/0/6: 1(19).
    let (first, bytes, second) = round_trip(F::Cbor, "/1/0/6", &hex("C1 13"), &NoModel);
    assert_eq!(first, Node::Resource(single(6, Value::Integer(19))));
    assert_eq!(bytes, hex("13"));
    assert_eq!(second, first);
    // LwM2M CBOR at /3/0: {[3, 0, 7]: 1(19)}.
    let (first, _, second) = round_trip(
        F::Lwm2mCbor,
        "/3/0",
        &hex("A1 83 03 00 07 D8 01 13"),
        &NoModel,
    );
    assert_eq!(
        first,
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![single(7, Value::Integer(19))],
        })
    );
    assert_eq!(second, first);
}

#[test]
fn typed_tagged_time_round_trips() {
    let time = Types::default().with(1, 6, DataType::Time, false);
    let (first, bytes, second) = round_trip(F::Cbor, "/1/0/6", &hex("C1 13"), &time);
    assert_eq!(first, Node::Resource(single(6, Value::Time(Time(19)))));
    assert_eq!(bytes, hex("13"));
    assert_eq!(second, first);
    let times = Types::default().with(3, 7, DataType::Time, true);
    let (first, _, second) = round_trip(
        F::Lwm2mCbor,
        "/3/0/7/0",
        &hex("A1 84 03 00 07 00 C1 13"),
        &times,
    );
    assert_eq!(
        first,
        Node::ResourceInstance(ResourceInstanceNode {
            id: 0,
            value: Value::Time(Time(19)),
        })
    );
    assert_eq!(second, first);
}

/// roundtrip_link_format: a root link `<>;rt="oma.lwm2m"` read as the alternate path `""`,
/// which wrote back as `</>;rt="oma.lwm2m"`, which read as no alternate path. An empty
/// alternate path is none.
#[test]
fn register_payload_with_an_empty_alternate_path_round_trips() {
    for text in [r#"<>;rt="oma.lwm2m""#, r#"<//>;rt="oma.lwm2m""#] {
        let first = RegisterPayload::parse(text).unwrap();
        assert_eq!(first.alternate_path, None, "{text}");
        let again = first.to_payload();
        assert_eq!(RegisterPayload::parse(&again).unwrap(), first, "{again}");
    }
}
