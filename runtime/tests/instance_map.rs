//! `InstanceMap`: the sorted map of resource-instance IDs behind multiple resources, checked
//! against `BTreeMap` as the reference.

use std::collections::BTreeMap;

use ucifi_runtime::InstanceMap;

fn ids<T>(m: &InstanceMap<T>) -> Vec<u16> {
    m.keys().collect()
}

#[test]
fn stays_sorted_through_every_representation() {
    let mut m = InstanceMap::new();
    for (id, v) in [(5u16, 50i64), (1, 10), (9, 90), (3, 30), (0, 0)] {
        assert_eq!(m.insert(id, v), None);
    }
    assert_eq!(ids(&m), [0, 1, 3, 5, 9]);
    assert_eq!(m.insert(3, 33), Some(30));
    assert_eq!(m[3], 33);
    assert_eq!(m.remove(0), Some(0));
    assert_eq!(m.remove(0), None);
    assert_eq!(ids(&m), [1, 3, 5, 9]);
    m.clear();
    assert!(m.is_empty());
    // Inline sizes: insert before, after, replace, remove either one.
    let mut m = InstanceMap::new();
    m.insert(7, "b");
    m.insert(2, "a");
    assert_eq!(m.iter().collect::<Vec<_>>(), [(2, &"a"), (7, &"b")]);
    assert_eq!(m.insert(7, "c"), Some("b"));
    assert_eq!(m.remove(2), Some("a"));
    assert_eq!(m.iter().collect::<Vec<_>>(), [(7, &"c")]);
    assert_eq!(m.remove(7), Some("c"));
    assert_eq!(m, InstanceMap::default());
}

#[test]
fn behaves_like_a_btreemap() {
    // A fixed pseudo-random sequence of inserts and removes against the reference.
    let mut reference = BTreeMap::new();
    let mut m = InstanceMap::new();
    let mut x = 0x2545_f491_u32;
    for step in 0..2000u32 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let id = (x % 7) as u16;
        if x.is_multiple_of(3) {
            assert_eq!(m.remove(id), reference.remove(&id), "step {step}");
        } else {
            assert_eq!(
                m.insert(id, step),
                reference.insert(id, step),
                "step {step}"
            );
        }
        assert!(
            m.iter()
                .map(|(k, v)| (k, *v))
                .eq(reference.iter().map(|(k, v)| (*k, *v)))
        );
        assert_eq!(m.len(), reference.len());
    }
    assert_eq!(BTreeMap::from(m.clone()), reference);
    assert_eq!(InstanceMap::from(reference), m);
}

#[test]
fn insertions_far_below_the_top_turn_the_map_into_a_tree() {
    // Every ID of a resource in descending order: each insertion goes to the front.
    // A sorted `Vec` moved every entry each time (quadratic: seconds for 65,535).
    let mut m = InstanceMap::new();
    for id in (0..=u16::MAX - 1).rev() {
        assert_eq!(m.insert(id, u32::from(id) * 2), None);
    }
    assert_eq!(m.len(), 65_535);
    assert_eq!(m.first(), Some((0, &0)));
    assert_eq!(m.last(), Some((65_534, &131_068)));
    assert!(m.keys().eq(0..=u16::MAX - 1));
    assert!(m.keys().rev().eq((0..=u16::MAX - 1).rev()));
    assert_eq!(m.get(1000), Some(&2000));
    *m.get_mut(1000).unwrap() = 7;
    assert_eq!(m.insert(1000, 8), Some(7));
    assert_eq!(m.remove(1000), Some(8));
    assert!(!m.contains_key(1000));
    for (_, v) in m.iter_mut() {
        *v += 1;
    }
    assert_eq!(m.values().next(), Some(&1));
    // Equal to the same entries held in a sorted `Vec`, hashed alike.
    let ascending: InstanceMap<u32> = m
        .iter()
        .map(|(k, v)| (k, *v))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert_eq!(ascending, m);
    let hash = |x: &InstanceMap<u32>| {
        use core::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    };
    assert_eq!(hash(&ascending), hash(&m));
    assert_eq!(BTreeMap::from(m.clone()).len(), 65_534);
    m.clear();
    m.insert(3, 1);
    assert_eq!(m.iter().collect::<Vec<_>>(), [(3, &1)]);
}

#[test]
fn behaves_like_a_btreemap_through_every_representation() {
    // IDs spread wide enough that insertions go far below the top: `Vec` maps turn
    // into trees on the way; every accessor agrees with the reference after each step.
    for seed in [0x2545_f491_u32, 0x9e37_79b9, 0x1234_5678] {
        let mut reference = BTreeMap::new();
        let mut m = InstanceMap::new();
        let mut x = seed;
        for step in 0..3000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let id = (x % 400) as u16;
            match x % 11 {
                0 => assert_eq!(m.remove(id), reference.remove(&id), "step {step}"),
                1 if step % 500 == 0 => {
                    m.clear();
                    reference.clear();
                }
                _ => assert_eq!(
                    m.insert(id, step),
                    reference.insert(id, step),
                    "step {step}"
                ),
            }
            assert_eq!(m.len(), reference.len());
            assert_eq!(m.get(id), reference.get(&id));
            assert_eq!(
                m.first().map(|(k, v)| (k, *v)),
                reference.first_key_value().map(|(k, v)| (*k, *v))
            );
            assert_eq!(
                m.last().map(|(k, v)| (k, *v)),
                reference.last_key_value().map(|(k, v)| (*k, *v))
            );
            if step % 97 == 0 {
                assert!(
                    m.iter()
                        .map(|(k, v)| (k, *v))
                        .eq(reference.iter().map(|(k, v)| (*k, *v)))
                );
                assert!(m.keys().rev().eq(reference.keys().rev().copied()));
                assert_eq!(m.iter().len(), reference.len());
                assert_eq!(InstanceMap::from(reference.clone()), m);
            }
        }
        assert_eq!(BTreeMap::from(m), reference);
    }
}

#[test]
fn equality_ignores_representation() {
    let mut spilled: InstanceMap<String> =
        [(0, "a".into()), (1, "b".into()), (2, "c".into())].into();
    spilled.remove(2);
    let inline: InstanceMap<String> = [(1, "b".into()), (0, "a".into())].into();
    assert_eq!(spilled, inline);
    assert_eq!(format!("{inline:?}"), r#"{0: "a", 1: "b"}"#);
}

#[test]
fn serde_as_a_map() {
    let m: InstanceMap<i64> = [(0, 1), (1, 5)].into();
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"0":1,"1":5}"#);
    assert_eq!(serde_json::from_str::<InstanceMap<i64>>(&json).unwrap(), m);
    let dup = serde_json::from_str::<InstanceMap<i64>>(r#"{"0":1,"0":2}"#).unwrap_err();
    assert!(
        dup.to_string()
            .contains("resource instance 0 appears twice"),
        "{dup}"
    );
}
