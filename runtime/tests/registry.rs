//! The `Registry`: lookups by ID, version and URN, and selections of the versions a client
//! declared.

use std::borrow::Cow;

use ucifi_runtime::*;

const RES: &[ResourceModel] = &[ResourceModel {
    id: 0,
    name: Cow::Borrowed("Manufacturer"),
    operations: Operations::R,
    multiple: false,
    mandatory: false,
    data_type: DataType::String,
    range: Cow::Borrowed(""),
    units: Cow::Borrowed(""),
    values: Cow::Borrowed(&[]),
}];
const fn device(v: Version, urn: &'static str) -> ObjectModel {
    ObjectModel {
        id: 3,
        name: Cow::Borrowed("Device"),
        urn: Cow::Borrowed(urn),
        version: v,
        lwm2m_version: Version::V1_0,
        multiple: false,
        mandatory: true,
        resources: Cow::Borrowed(RES),
    }
}
static MODELS: &[ObjectModel] = &[
    device(Version::V1_0, "urn:oma:lwm2m:oma:3"),
    device(Version::V1_1, "urn:oma:lwm2m:oma:3:1.1"),
];

#[test]
fn lookups() {
    let r = Registry::from_static(MODELS);
    assert_eq!(r.latest(3).unwrap().version, Version::V1_1);
    assert_eq!(r.get(3, Version::V1_0).unwrap().urn, "urn:oma:lwm2m:oma:3");
    assert_eq!(
        r.by_urn("urn:oma:lwm2m:oma:3:1.0").unwrap().version,
        Version::V1_0
    );
    assert_eq!(
        r.by_urn("urn:oma:lwm2m:oma:3:1.1").unwrap().version,
        Version::V1_1
    );
    assert!(r.by_urn("urn:oma:lwm2m:oma:4").is_none());
    assert_eq!(r.versions(3).len(), 2);
    assert!(r.latest(4).is_none());
    let mut owned = r.clone();
    owned.extend([device(Version::new(1, 2), "urn:oma:lwm2m:oma:3:1.2")]);
    assert_eq!(owned.latest(3).unwrap().version, Version::V1_2);
    assert_eq!(r.len(), 2);
    assert_eq!(owned.objects()[0].resource(0).unwrap().name, "Manufacturer");
    let both = r.merged(&Registry::from_models([device(
        Version::new(1, 2),
        "urn:oma:lwm2m:oma:3:1.2",
    )]));
    assert_eq!(both, owned);
}

#[test]
fn a_selection_uses_the_declared_versions() {
    let r = Registry::from_static(MODELS);
    let s = r.select([(3, Version::V1_0)]).unwrap();
    assert_eq!(s.model(3).unwrap().version, Version::V1_0);
    assert_eq!(
        r.select([]).unwrap().model(3).unwrap().version,
        Version::V1_1
    );
    assert!(s.model(4).is_none());
    let (s, unknown) = r.resolve([(3, Version::new(1, 2)), (4, Version::V1_0)]);
    assert_eq!(s.model(3).unwrap().version, Version::V1_1);
    assert_eq!(
        unknown,
        [
            UnknownModel {
                id: 3,
                version: Version::new(1, 2)
            },
            UnknownModel {
                id: 4,
                version: Version::V1_0
            }
        ]
    );
    assert_eq!(
        r.select([(3, Version::V1_0), (3, Version::new(1, 2))]),
        Err(UnknownModel {
            id: 3,
            version: Version::new(1, 2)
        })
    );
    assert_eq!(
        UnknownModel {
            id: 3,
            version: Version::new(1, 2)
        }
        .to_string(),
        "object 3 version 1.2 is not in the registry"
    );
}
