//! Runs one typed operation on the reference Device (or the lamp) many times, for
//! instruction counts that do not depend on the machine's load:
//!
//! ```sh
//! cargo build --release -p ucifi-objects --example typed_ops
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg target/release/examples/typed_ops tlv decode_into 1000
//! ```
//!
//! Run it with 0 and with N repetitions: the difference of the totals divided by N is the
//! cost of one operation. Formats: tlv, senml-json, senml-cbor, lwm2m-json, lwm2m-cbor;
//! operations: encode (into a caller's buffer), decode (a fresh struct), decode_into (a
//! reused struct); a fourth argument `lamp` uses the Outdoor lamp controller.

use std::hint::black_box;

use ucifi_runtime::typed::Instance;
use ucifi_runtime::{ContentFormat, Path};

#[path = "../benches/common/mod.rs"]
mod common;

fn run<I: Instance + Clone>(value: I, format: ContentFormat, op: &str, n: usize) {
    let path = Path::instance(I::OBJECT_ID, 0);
    let bytes = value.encode(format, &path).expect("encodes");
    let mut buf = [0u8; 4096];
    let mut reused = value.clone();
    for _ in 0..n {
        match op {
            "encode" => {
                black_box(
                    black_box(&value)
                        .encode_into(format, &path, &mut buf)
                        .unwrap(),
                );
            }
            "decode" => {
                black_box(I::decode(format, &path, black_box(&bytes)).unwrap());
            }
            "decode_into" => reused
                .decode_into(format, &path, black_box(&bytes))
                .unwrap(),
            other => panic!("unknown operation {other}"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, op, n, rest @ ..] = &args[..] else {
        panic!("usage: typed_ops FORMAT OPERATION REPETITIONS [lamp]");
    };
    let format: ContentFormat = format.parse().expect("a content format");
    let n: usize = n.parse().expect("a number of repetitions");
    if rest.first().map(String::as_str) == Some("lamp") {
        run(common::lamp(), format, op, n);
    } else {
        run(common::device(), format, op, n);
    }
}
