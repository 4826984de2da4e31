//! RFC 8428 §4.5.3 relative times: a resolved SenML time below 2^28 counts from the
//! receiver's "now"; the decoders keep resolved times as sent and `Record::absolute_time`
//! applies the rule.

use ucifi_runtime::Path;
use ucifi_runtime::codec::senml::{Record, resolve_time};
use ucifi_runtime::codec::{NoModel, senml_cbor, senml_json};

const NOW: f64 = 1_700_000_000.0;

fn times(records: &[Record]) -> Vec<(Option<f64>, Option<f64>)> {
    records
        .iter()
        .map(|r| (r.time, r.absolute_time(NOW)))
        .collect()
}

#[test]
fn relative_times_count_from_now() {
    // A sender counting back from the moment it sends: one minute and half a minute ago.
    let json = br#"[{"bn":"/3303/0/5700","bt":-60,"v":21.5},{"t":30,"v":21.75}]"#;
    let records = senml_json::decode_records(json, &NoModel).unwrap();
    assert_eq!(records[0].path, Path::resource(3303, 0, 5700));
    assert_eq!(
        times(&records),
        [
            (Some(-60.0), Some(1_699_999_940.0)),
            (Some(-30.0), Some(1_699_999_970.0))
        ]
    );
    // The same in SenML CBOR: {-2: "/3303/0/5700", -3: -60, 2: 21.5}, {6: 30, 2: 21.75}.
    let cbor = [
        0x82, 0xA3, 0x21, 0x6C, b'/', b'3', b'3', b'0', b'3', b'/', b'0', b'/', b'5', b'7', b'0',
        b'0', 0x22, 0x38, 0x3B, 0x02, 0xF9, 0x4D, 0x60, 0xA2, 0x06, 0x18, 0x1E, 0x02, 0xF9, 0x4D,
        0x70,
    ];
    assert_eq!(
        senml_cbor::decode_records(&cbor, &NoModel).unwrap(),
        records
    );
}

#[test]
fn absolute_times_stay() {
    // The spec's example C: base time 1700000000, then +60 and +120.
    let json = br#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#;
    let records = senml_json::decode_records(json, &NoModel).unwrap();
    assert_eq!(
        times(&records),
        [
            (Some(1_700_000_000.0), Some(1_700_000_000.0)),
            (Some(1_700_000_060.0), Some(1_700_000_060.0)),
            (Some(1_700_000_120.0), Some(1_700_000_120.0)),
        ]
    );
}

#[test]
fn boundary_and_no_time() {
    let limit = (1u64 << 28) as f64;
    assert_eq!(resolve_time(limit - 1.0, NOW), NOW + limit - 1.0);
    assert_eq!(resolve_time(limit, NOW), limit);
    assert_eq!(resolve_time(0.0, NOW), NOW);
    let untimed = Record::path_only(Path::instance(3, 0));
    assert_eq!(untimed.absolute_time(NOW), None);
}
