//! What other LwM2M stacks send, read as they read it (Leshan where the established
//! implementations differ): each accepted form decodes to the node of the canonical form.

mod common;

use common::{hex, p, spec_types};

use ucifi_runtime::codec::{self, ErrorKind};
use ucifi_runtime::{ContentFormat, InstanceNode, Node, ObjectNode, ResourceNode, ResourceValue};

const MANY: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mJson,
    ContentFormat::Lwm2mCbor,
];

#[test]
fn an_empty_payload_is_an_empty_object_instance_or_multiple_resource() {
    let types = spec_types();
    for f in MANY {
        let decode = |path: &str| codec::decode(f, &p(path), b"", &types);
        assert_eq!(
            decode("/3").unwrap(),
            Node::Object(ObjectNode {
                id: 3,
                instances: vec![]
            }),
            "{f}"
        );
        assert_eq!(
            decode("/3/0").unwrap(),
            Node::Instance(InstanceNode {
                id: 0,
                resources: vec![]
            }),
            "{f}"
        );
        // Resource 6 (Available Power Sources) is multiple: no instances.
        assert_eq!(
            decode("/3/0/6").unwrap(),
            Node::Resource(ResourceNode {
                id: 6,
                value: ResourceValue::Multiple(vec![])
            }),
            "{f}"
        );
        // A single resource needs its value.
        let e = decode("/3/0/9").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::NoValue, "{f}");
        assert_eq!(e.path(), Some(p("/3/0/9")), "{f}");
        // Each is what the format's own empty form gives.
        let canonical: &[u8] = match f {
            ContentFormat::SenmlJson => b"[]",
            ContentFormat::SenmlCbor => b"\x80",
            ContentFormat::Lwm2mJson => br#"{"e":[]}"#,
            ContentFormat::Lwm2mCbor => b"\xa0",
            _ => b"",
        };
        for path in ["/3", "/3/0", "/3/0/6"] {
            assert_eq!(
                codec::decode(f, &p(path), canonical, &types).unwrap(),
                decode(path).unwrap(),
                "{f} {path}"
            );
        }
    }
}

#[test]
fn lwm2m_json_base_names_without_a_leading_slash() {
    let types = spec_types();
    let canonical = codec::decode(
        ContentFormat::Lwm2mJson,
        &p("/3/0"),
        br#"{"bn":"/3/0/","e":[{"n":"9","v":87},{"n":"6/0","v":1}]}"#,
        &types,
    )
    .unwrap();
    for bn in ["3/0/", "3/0"] {
        let n9 = if bn.ends_with('/') { "9" } else { "/9" };
        let n6 = if bn.ends_with('/') { "6/0" } else { "/6/0" };
        let text = format!(r#"{{"bn":"{bn}","e":[{{"n":"{n9}","v":87}},{{"n":"{n6}","v":1}}]}}"#);
        let node = codec::decode(
            ContentFormat::Lwm2mJson,
            &p("/3/0"),
            text.as_bytes(),
            &types,
        );
        assert_eq!(node.unwrap(), canonical, "{text}");
    }
    // bn and n join as plain strings: "/3/0/1" + "1/0" is /3/0/11/0.
    let node = codec::decode(
        ContentFormat::Lwm2mJson,
        &p("/3/0"),
        br#"{"bn":"/3/0/1","e":[{"n":"1/0","v":5}]}"#,
        &types,
    )
    .unwrap();
    let Node::Instance(i) = node else { panic!() };
    assert_eq!(i.resources[0].id, 11);
}

#[test]
fn tlv_forms_of_the_c_and_java_stacks() {
    let types = spec_types();
    let tlv = |path: &str, h: &str| codec::decode(ContentFormat::Tlv, &p(path), &hex(h), &types);
    // Resource Instance TLVs without the Multiple Resource TLV around them.
    assert_eq!(
        tlv("/3/0/6", "41 00 01 41 01 05").unwrap(),
        tlv("/3/0/6", "86 06 41 00 01 41 01 05").unwrap()
    );
    // An Object Instance TLV of the path's instance around the resources.
    assert_eq!(
        tlv("/3/0", "08 00 03 C1 09 57").unwrap(),
        tlv("/3/0", "C1 09 57").unwrap()
    );
    // Resource TLVs at an object path: instance 0 (a Create without instance ID).
    assert_eq!(
        tlv("/3", "C1 09 57").unwrap(),
        tlv("/3", "08 00 03 C1 09 57").unwrap()
    );
    // Bare instances are still refused at an instance path, and for a single resource.
    assert_eq!(
        tlv("/3/0", "41 00 01").unwrap_err().kind_at(),
        (&ErrorKind::Misplaced, Some(0))
    );
    assert_eq!(
        tlv("/3/0/9", "41 00 01").unwrap_err().kind(),
        &ErrorKind::NotMultiple
    );
}
