//! Mutated conformance vectors: every decoder must return (Ok or Err) without panicking
//! on byte flips, truncations, insertions and duplications of valid payloads. Fixed seed,
//! deterministic.

mod common;

use common::*;
use ucifi_runtime::codec::{self, NoModel, link_format, senml_cbor, senml_json};
use ucifi_runtime::{ContentFormat as F, Path};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(6) {
            0 if !b.is_empty() => {
                let k = rng.below(b.len());
                b[k] = rng.next() as u8;
            }
            1 => b.truncate(at),
            2 => b.insert(at, rng.next() as u8),
            3 if at < b.len() => {
                let end = (at + 1 + rng.below(8)).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            4 if !b.is_empty() => {
                let k = rng.below(b.len());
                b[k] ^= 1 << rng.below(8);
            }
            _ => {
                let k = rng.below(b.len().max(1));
                if k < b.len() {
                    b.remove(k);
                }
            }
        }
    }
    b
}

#[test]
fn mutated_vectors_never_panic() {
    let seeds: Vec<(F, &str, Vec<u8>)> = vec![
        (F::Tlv, "/4", hex("08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3")),
        (F::Tlv, "/3303", hex("08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C 08 01 0D E4 16 44 C0 88 00 00 E3 16 45 43 65 6C")),
        (F::Tlv, "/4/0/4", hex("88 04 1A 48 00 09 31 39 32 2E 30 2E 32 2E 31 48 01 0B 32 30 30 31 3A 64 62 38 3A 3A 31")),
        (F::Lwm2mCbor, "/3303", hex("A1 19 0C E7 A2 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C 01 A2 19 16 44 F9 C4 40 19 16 45 63 43 65 6C")),
        (F::Lwm2mCbor, "/3/0", hex("BF 82 03 00 BF 09 18 57 06 BF 01 05 00 01 FF FF FF")),
        (F::Cbor, "/9999/0/13", hex("C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A")),
        (F::Cbor, "/9999/0/4", hex("C4 82 20 18 E1")),
        (F::SenmlCbor, "/3/0", hex("85 A3 21 65 2F 33 2F 30 2F 00 61 30 03 64 41 43 4D 45 A2 00 63 36 2F 30 02 01 A2 00 63 36 2F 31 02 05 A2 00 61 39 02 18 57 A2 00 62 31 33 02 1A 65 53 F1 00")),
        (F::SenmlJson, "/3/0", br#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000},{"n":"22/0","vlo":"3303:0"},{"x":{"a":[1,2,"\u00e9"]},"n":"3","vs":"\ud83d\ude00"}]"#.to_vec()),
        (F::Lwm2mJson, "/3/0", br#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"6/0","v":1},{"n":"9","v":87},{"n":"22/0","ov":"3303:0"},{"n":"13","v":1700000000}]}"#.to_vec()),
        (F::Text, "/9999/0/4", b"-6.667e-11".to_vec()),
    ];
    let types = spec_types();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (format, path, seed) in &seeds {
        let path: Path = path.parse().unwrap();
        assert!(
            codec::decode(*format, &path, seed, &types).is_ok(),
            "{format} seed"
        );
        for _ in 0..5000 {
            let b = mutate(&mut rng, seed);
            let _ = codec::decode(*format, &path, &b, &types);
            let _ = codec::decode(*format, &path, &b, &NoModel);
            let _ = codec::decode(*format, &Path::ROOT, &b, &NoModel);
            match format {
                F::Lwm2mCbor => {
                    let _ = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &b, &types);
                }
                F::SenmlCbor => {
                    let _ = senml_cbor::decode_records(&b, &types);
                }
                F::SenmlJson => {
                    let _ = senml_json::decode_records(&b, &types);
                }
                _ => {}
            }
        }
    }
    let link = r#"</>;rt="oma.lwm2m";ct="60 110",</1/0>;ssid=101;uri="coaps://x:1",</3442>;ver=2.0,</3/0/6>;dim=2;gt=1.5"#;
    for _ in 0..5000 {
        let b = mutate(&mut rng, link.as_bytes());
        if let Ok(t) = std::str::from_utf8(&b) {
            let _ = link_format::parse_discover(t);
            let _ = link_format::RegisterPayload::parse(t);
        }
    }
}
