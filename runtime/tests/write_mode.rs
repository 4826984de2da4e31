//! Replace vs partial-update Write semantics ([`codec::apply_write`]).

mod common;

use common::*;
use ucifi_runtime::codec::{self, ErrorKind, WriteMode};
use ucifi_runtime::{ContentFormat, InstanceNode, Node, ObjectNode, Path};

fn stored() -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("ACME")),
            multi(6, &[(0, int(1)), (1, int(5))]),
            single(9, int(87)),
        ],
    })
}

/// The update as a server would send it, through TLV.
fn update() -> Node {
    let n = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![multi(6, &[(1, int(2)), (2, int(7))]), single(10, int(15))],
    });
    let path: Path = "/3/0".parse().unwrap();
    let bytes = codec::encode(ContentFormat::Tlv, &path, &n).unwrap();
    codec::decode(ContentFormat::Tlv, &path, &bytes, &spec_types()).unwrap()
}

#[test]
fn replace_takes_the_payload_as_is() {
    let mut t = stored();
    codec::apply_write(&mut t, update(), WriteMode::Replace).unwrap();
    let mut want = update();
    want.canonicalize();
    assert_eq!(t, want);
    assert_eq!(WriteMode::Replace.coap_method(), 3);
    assert_eq!(WriteMode::default(), WriteMode::Replace);
}

#[test]
fn partial_update_merges_resources_and_instances() {
    let mut t = stored();
    codec::apply_write(&mut t, update(), WriteMode::PartialUpdate).unwrap();
    assert_eq!(
        t,
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![
                single(0, s("ACME")),
                multi(6, &[(0, int(1)), (1, int(2)), (2, int(7))]),
                single(9, int(87)),
                single(10, int(15)),
            ],
        })
    );
    assert_eq!(WriteMode::PartialUpdate.coap_method(), 2);
}

#[test]
fn partial_update_of_an_object_adds_instances() {
    let mut t = Node::Object(ObjectNode {
        id: 3,
        instances: vec![InstanceNode {
            id: 1,
            resources: vec![single(9, int(1))],
        }],
    });
    let u = Node::Object(ObjectNode {
        id: 3,
        instances: vec![
            InstanceNode {
                id: 0,
                resources: vec![single(9, int(2))],
            },
            InstanceNode {
                id: 1,
                resources: vec![single(10, int(3))],
            },
        ],
    });
    codec::apply_write(&mut t, u, WriteMode::PartialUpdate).unwrap();
    assert_eq!(
        t,
        Node::Object(ObjectNode {
            id: 3,
            instances: vec![
                InstanceNode {
                    id: 0,
                    resources: vec![single(9, int(2))],
                },
                InstanceNode {
                    id: 1,
                    resources: vec![single(9, int(1)), single(10, int(3))],
                },
            ],
        })
    );
}

#[test]
fn mismatched_nodes_are_refused() {
    let mut t = stored();
    let e = codec::apply_write(
        &mut t,
        Node::Resource(single(9, int(1))),
        WriteMode::Replace,
    )
    .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::WrongTarget, "{e}");
    assert_eq!(t, stored());
}
