//! LwM2M JSON (11543): the examples of the formats reference §8, interop quirks and errors.

use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{self, Error, NoModel, TypeLookup, lwm2m_json};
use ucifi_runtime::{
    ContentFormat, DataType, InstanceNode, Node, ObjectLink, Path, ResourceInstanceNode,
    ResourceNode, ResourceValue, Value,
};

/// A model where every resource has one fixed type (single-instance).
struct AllOf(DataType);

impl TypeLookup for AllOf {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        Some((self.0, false))
    }
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multiple(id: u16, ri: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(vec![ResourceInstanceNode { id: ri, value: v }]),
    }
}

const READ_3_0: &str = r#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"6/0","v":1},{"n":"9","v":87},{"n":"22/0","ov":"3303:0"},{"n":"13","v":1700000000}]}"#;

fn read_3_0_node() -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, Value::String("ACME".into())),
            multiple(6, 0, Value::Integer(1)),
            single(9, Value::Integer(87)),
            multiple(22, 0, Value::Objlnk(ObjectLink::new(3303, 0))),
            single(13, Value::Integer(1_700_000_000)),
        ],
    })
}

#[test]
fn read_instance_example() {
    let path = Path::instance(3, 0);
    let node = read_3_0_node();
    let bytes = codec::encode(ContentFormat::Lwm2mJson, &path, &node).unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap(), READ_3_0);
    assert_eq!(
        codec::decode(
            ContentFormat::Lwm2mJson,
            &path,
            READ_3_0.as_bytes(),
            &NoModel
        )
        .unwrap(),
        node
    );
}

const HISTORY: &str =
    r#"{"bn":"/3303/0/5700","bt":1700000000,"e":[{"v":21.5},{"v":21.75,"t":60}]}"#;

#[test]
fn notification_with_history_example() {
    let p = Path::resource(3303, 0, 5700);
    let records = vec![
        Record::timed(p, Value::Float(21.5), 1_700_000_000.0),
        Record::timed(p, Value::Float(21.75), 1_700_000_060.0),
    ];
    assert_eq!(
        String::from_utf8(lwm2m_json::encode_records(&records).unwrap()).unwrap(),
        HISTORY
    );
    assert_eq!(
        lwm2m_json::decode_records(HISTORY.as_bytes(), &NoModel).unwrap(),
        records
    );
    // Keys in another order resolve the same.
    let reordered =
        r#"{"e":[{"t":0,"v":21.5},{"t":60,"v":21.75}],"bt":1700000000,"bn":"/3303/0/5700"}"#;
    assert_eq!(
        lwm2m_json::decode_records(reordered.as_bytes(), &NoModel).unwrap(),
        records
    );
}

#[test]
fn single_resource_and_object_targets() {
    let p = Path::resource(3, 0, 9);
    let node = Node::Resource(single(9, Value::Integer(87)));
    let bytes = lwm2m_json::encode(&p, &node).unwrap();
    assert_eq!(bytes, br#"{"bn":"/3/0/9","e":[{"v":87}]}"#);
    assert_eq!(lwm2m_json::decode(&p, &bytes, &NoModel).unwrap(), node);

    let p = Path::object(3303);
    let node = Node::Object(ucifi_runtime::ObjectNode {
        id: 3303,
        instances: vec![
            InstanceNode {
                id: 0,
                resources: vec![single(5700, Value::Float(22.5))],
            },
            InstanceNode {
                id: 1,
                resources: vec![single(5700, Value::Float(-4.25))],
            },
        ],
    });
    let bytes = lwm2m_json::encode(&p, &node).unwrap();
    assert_eq!(
        bytes,
        br#"{"bn":"/3303/","e":[{"n":"0/5700","v":22.5},{"n":"1/5700","v":-4.25}]}"#
    );
    assert_eq!(lwm2m_json::decode(&p, &bytes, &NoModel).unwrap(), node);
}

#[test]
fn opaque_is_standard_base64_with_padding() {
    let p = Path::resource(19, 0, 0);
    let node = Node::Resource(single(0, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])));
    let bytes = lwm2m_json::encode(&p, &node).unwrap();
    assert_eq!(bytes, br#"{"bn":"/19/0/0","e":[{"sv":"AQID+/8="}]}"#);
    assert_eq!(
        lwm2m_json::decode(&p, &bytes, &AllOf(DataType::Opaque)).unwrap(),
        node
    );
    // Without a model the text stays a string.
    assert_eq!(
        lwm2m_json::decode(&p, &bytes, &NoModel).unwrap(),
        Node::Resource(single(0, Value::String("AQID+/8=".into())))
    );
    let bad = br#"{"bn":"/19/0/0","e":[{"sv":"A*=="}]}"#;
    let err = lwm2m_json::decode(&p, bad, &AllOf(DataType::Opaque)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "lwm2m-json at byte 27: sv of an Opaque resource is not valid base64"
    );
}

#[test]
fn leshan_writes_objlnk_in_sv() {
    let p = Path::resource(3, 0, 22);
    let payload = br#"{"bn":"/3/0/22","e":[{"sv":"3303:0"}]}"#;
    assert_eq!(
        lwm2m_json::decode(&p, payload, &AllOf(DataType::Objlnk)).unwrap(),
        Node::Resource(single(22, Value::Objlnk(ObjectLink::new(3303, 0))))
    );
}

#[test]
fn wrong_kinds_and_syntax_errors_carry_offsets() {
    let p = Path::instance(3, 0);
    let err = |s: &str| lwm2m_json::decode(&p, s.as_bytes(), &NoModel).unwrap_err();
    let Error::Format(e) = err(r#"{"bn":"/3/0/","e":[{"n":"0","sv":1}]}"#) else {
        panic!()
    };
    assert_eq!((e.offset, &*e.reason), (33, "expected a string"));
    let Error::Format(e) = err(r#"{"bn":"/3/0/","e":[{"n":"0","v":1,"bv":true}]}"#) else {
        panic!()
    };
    assert_eq!(
        (e.offset, &*e.reason),
        (34, "entry has more than one value")
    );
    let Error::Format(e) = err(r#"{"bn":"/3/0/"}"#) else {
        panic!()
    };
    assert_eq!(&*e.reason, "missing the e array");
    let Error::Format(e) = err(r#"{"bn":"/3/0/","e":[]} x"#) else {
        panic!()
    };
    assert_eq!(
        (e.offset, &*e.reason),
        (22, "unexpected data after the JSON value")
    );
    let Error::Format(e) = err(r#"{"bn":"/3/0/","e":[{"n":"x","v":1}]}"#) else {
        panic!()
    };
    assert_eq!(e.offset, 19);
    // A value of the wrong kind for the model.
    let e = lwm2m_json::decode(
        &p,
        br#"{"bn":"/3/0/","e":[{"n":"9","sv":"87"}]}"#,
        &AllOf(DataType::Integer),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "/3/0/9: expected a value of type Integer, found a string"
    );
    // Outside the requested path.
    let e =
        lwm2m_json::decode(&p, br#"{"bn":"/3/1/","e":[{"n":"9","v":87}]}"#, &NoModel).unwrap_err();
    assert_eq!(e.to_string(), "/3/1/9: outside the requested path");
}
