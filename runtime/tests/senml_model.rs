//! The SenML record model shared by the SenML formats and LwM2M JSON: records and RFC 8428
//! relative times, name and time resolution, the records collector, and the name and time
//! fields the encoders choose.

mod common;

use common::p;

use ucifi_runtime::codec::senml::{
    Fields, LeafWalker, Name, NameText, RawRecord, Record, RecordName, RecordPlan, RecordSink,
    Resolver, WriterNames, resolve_time,
};
use ucifi_runtime::codec::{ErrorKind, Event, NoModel, RawValue, Sink};
use ucifi_runtime::{Path, Value};

const NOW: f64 = 1_700_000_000.0;

#[test]
fn relative_times_boundary_and_no_time() {
    let limit = (1u64 << 28) as f64;
    assert_eq!(resolve_time(limit - 1.0, NOW), NOW + limit - 1.0);
    assert_eq!(resolve_time(limit, NOW), limit);
    assert_eq!(resolve_time(0.0, NOW), NOW);
    assert_eq!(resolve_time(-60.0, NOW), NOW - 60.0);
    assert_eq!(Record::path_only(p("/3/0")).absolute_time(NOW), None);
    let r = Record::timed(p("/3/0/9"), Value::Integer(1), 30.0);
    assert_eq!(r.absolute_time(NOW), Some(NOW + 30.0));
    assert_eq!(Record::new(p("/3/0/9"), Value::Integer(1)).time, None);
}

/// Resolves a record of `bn` and `n` (strings) with `r`.
fn path(
    r: &mut Resolver,
    bn: Option<&'static str>,
    n: Option<&'static str>,
) -> Result<Path, ErrorKind> {
    let rec = RawRecord {
        base_name: bn.map(Into::into),
        name: n.map(Into::into),
        ..RawRecord::default()
    };
    r.resolve(rec).map(|e| e.path())
}

#[test]
fn resolver_concatenates() {
    let mut r = Resolver::new();
    assert_eq!(path(&mut r, None, None), Err(ErrorKind::NotAPath));
    assert_eq!(path(&mut r, Some("/3/0"), Some("/9")), Ok(p("/3/0/9")));
    assert_eq!(path(&mut r, Some("/3/0/"), Some("9")), Ok(p("/3/0/9")));
    // The base name persists.
    assert_eq!(path(&mut r, None, None), Ok(p("/3/0")));
    assert_eq!(path(&mut r, None, Some("x")), Err(ErrorKind::NotAPath));
    assert_eq!(path(&mut r, None, Some("6/0")), Ok(p("/3/0/6/0")));
    assert_eq!(
        path(&mut r, None, Some("6/0/1/2")),
        Err(ErrorKind::NotAPath)
    );
    assert_eq!(path(&mut r, None, Some("65535")), Err(ErrorKind::NotAPath));
    assert_eq!(path(&mut r, Some("/3/0/1"), Some("0")), Ok(p("/3/0/10")));
    assert_eq!(path(&mut r, None, Some("/2")), Ok(p("/3/0/1/2")));
    assert_eq!(path(&mut r, Some("/"), Some("3")), Ok(p("/3")));
    assert_eq!(path(&mut r, None, None), Ok(Path::ROOT));
    // A name ending with `/` is no LwM2M path (a base name may end so); the root `/` is.
    assert_eq!(
        path(&mut r, Some(""), Some("/3/0/")),
        Err(ErrorKind::NotAPath)
    );
    assert_eq!(
        path(&mut r, None, Some("/16/0/0/3/")),
        Err(ErrorKind::NotAPath)
    );
    assert_eq!(path(&mut r, None, Some("/")), Ok(Path::ROOT));
    assert_eq!(path(&mut r, Some("/3/0/"), None), Ok(p("/3/0")));
    assert_eq!(path(&mut r, Some(""), Some("/")), Ok(Path::ROOT));
    assert_eq!(path(&mut r, None, Some("3/0")), Err(ErrorKind::NotAPath));
    // A base name longer than any path: every name fails until the next base name.
    let long: &'static str = Box::leak("/1".repeat(40).into_boxed_str());
    assert_eq!(path(&mut r, Some(long), Some("")), Err(ErrorKind::NotAPath));
    assert_eq!(path(&mut r, None, Some("/3")), Err(ErrorKind::NotAPath));
    assert_eq!(path(&mut r, Some("/3/"), Some("1")), Ok(p("/3/1")));
    // An alternate path.
    let mut r = Resolver::new().with_alternate_path("/lwm2m/");
    assert_eq!(
        path(&mut r, Some("/lwm2m/"), Some("3/0/9")),
        Ok(p("/3/0/9"))
    );
    assert_eq!(path(&mut r, Some("/lwm2m"), None), Ok(Path::ROOT));
    assert_eq!(path(&mut r, None, Some("/3")), Ok(p("/3")));
    assert_eq!(
        path(&mut r, Some("/3/0/"), Some("9")),
        Err(ErrorKind::OutsidePath)
    );
}

#[test]
fn resolver_times_and_events() {
    let mut r = Resolver::new();
    let ev = r
        .resolve(RawRecord {
            base_name: Some("/3/0/9".into()),
            value: Some(RawValue::Integer(1)),
            ..RawRecord::default()
        })
        .unwrap();
    assert_eq!(
        ev,
        Event::Value {
            path: p("/3/0/9"),
            value: RawValue::Integer(1),
            time: None
        }
    );
    let timed = |r: &mut Resolver, bt, t| {
        r.resolve(RawRecord {
            base_time: bt,
            time: t,
            value: Some(RawValue::Boolean(true)),
            ..RawRecord::default()
        })
        .map(|e| match e {
            Event::Value { time, .. } => time,
            _ => panic!(),
        })
    };
    assert_eq!(timed(&mut r, None, Some(5.0)), Ok(Some(5.0)));
    assert_eq!(timed(&mut r, Some(10.0), None), Ok(Some(10.0)));
    assert_eq!(timed(&mut r, None, Some(5.0)), Ok(Some(15.0)));
    assert_eq!(timed(&mut r, None, None), Ok(Some(10.0)));
    // No value: a path-only event, whatever the times.
    let ev = r.resolve(RawRecord::default()).unwrap();
    assert_eq!(ev, Event::PathOnly(p("/3/0/9")));
}

#[test]
fn record_sink_types_and_refuses_duplicates() {
    let mut s = RecordSink::new(&NoModel);
    let v = |path: &str, time| Event::Value {
        path: p(path),
        value: RawValue::Integer(7),
        time,
    };
    s.event(v("/3/0/9", Some(1.0))).unwrap();
    s.event(v("/3/0/9", Some(2.0))).unwrap();
    s.event(Event::Instance(p("/3/0"))).unwrap();
    s.event(Event::PathOnly(p("/3"))).unwrap();
    let e = s.event(v("/3/0/9", Some(1.0))).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (&ErrorKind::DuplicatePath, Some(p("/3/0/9")))
    );
    assert_eq!(
        s.into_records(),
        [
            Record::timed(p("/3/0/9"), Value::Integer(7), 1.0),
            Record::timed(p("/3/0/9"), Value::Integer(7), 2.0),
            Record::path_only(p("/3")),
        ]
    );
}

#[test]
fn names_render() {
    assert_eq!(Name::absolute(&[3, 0], true).text().as_str(), "/3/0/");
    assert_eq!(
        Name::absolute(&[3303, 0, 5700], false).text().as_str(),
        "/3303/0/5700"
    );
    assert_eq!(
        Name::absolute(&[65534, 65534, 65534, 65534], true)
            .text()
            .as_str(),
        "/65534/65534/65534/65534/"
    );
    assert_eq!(Name::relative(&[6, 0]).text().as_str(), "6/0");
    assert_eq!(Name::absolute(&[], false).text().as_str(), "/");
}

#[test]
fn walker_paths() {
    let mut w = LeafWalker::new(&p("/3")).unwrap();
    assert_eq!(w.value(1), Err(ErrorKind::WriterMisuse));
    w.begin_instance(0).unwrap();
    assert_eq!(w.value(9), Ok((p("/3/0/9"), false)));
    w.begin_multiple(6).unwrap();
    assert!(w.is_open());
    assert_eq!(w.value(1), Ok((p("/3/0/6/1"), false)));
    assert_eq!(w.end_instance(), Err(ErrorKind::WriterMisuse));
    w.end_multiple().unwrap();
    w.end_instance().unwrap();
    assert!(!w.is_open());
    let mut w = LeafWalker::new(&p("/3/0/9")).unwrap();
    assert_eq!(w.value(8), Err(ErrorKind::IdMismatch));
    assert_eq!(w.value(9), Ok((p("/3/0/9"), true)));
    assert_eq!(w.value(9), Err(ErrorKind::WriterMisuse));
    let mut w = LeafWalker::new(&p("/3/0/6/1")).unwrap();
    assert_eq!(w.begin_multiple(6), Err(ErrorKind::WriterMisuse));
    assert_eq!(w.value(1), Ok((p("/3/0/6/1"), true)));
    assert_eq!(
        LeafWalker::new(&Path::ROOT).unwrap_err(),
        ErrorKind::Unsupported
    );
}

/// A record's `bn` and `n` as text.
fn texts(r: RecordName<'_>) -> (Option<&str>, Option<String>) {
    let n = r.n.map(|(prefix, id)| format!("{}{id}", prefix.as_str()));
    (r.bn.map(NameText::as_str), n)
}

#[test]
fn writer_names_group_by_instance() {
    let mut n = WriterNames::new(&p("/3")).unwrap();
    n.begin_instance(0).unwrap();
    assert_eq!(
        texts(n.value(9).unwrap()),
        (Some("/3/0/"), Some("9".into()))
    );
    assert_eq!(texts(n.value(10).unwrap()), (None, Some("10".into())));
    n.begin_multiple(6).unwrap();
    assert_eq!(texts(n.value(1).unwrap()), (None, Some("6/1".into())));
    n.end_multiple().unwrap();
    n.end_instance().unwrap();
    n.begin_instance(1).unwrap();
    assert_eq!(texts(n.value(9).unwrap()).0, Some("/3/1/"));
    let mut n = WriterNames::new(&p("/3/0/9")).unwrap();
    assert_eq!(texts(n.value(9).unwrap()), (Some("/3/0/9"), None));
    // LwM2M JSON: relative to the target, one base name.
    let mut n = WriterNames::relative_to_target(&p("/3")).unwrap();
    n.begin_instance(0).unwrap();
    n.begin_multiple(6).unwrap();
    assert_eq!(
        texts(n.value(1).unwrap()),
        (Some("/3/"), Some("0/6/1".into()))
    );
    n.end_multiple().unwrap();
    assert_eq!(texts(n.value(9).unwrap()), (None, Some("0/9".into())));
}

#[test]
fn record_plans() {
    let v = Value::Integer(1);
    // One path: bn once, no n; integral times: bt then relative t (0 omitted).
    let one = [
        Record::timed(p("/3/0/9"), v.clone(), 100.0),
        Record::timed(p("/3/0/9"), v.clone(), 100.0 + 0.0),
        Record::timed(p("/3/0/9"), v.clone(), 160.0),
    ];
    let mut plan = RecordPlan::new(&one);
    assert_eq!(plan.base_time(), Some(100.0));
    let f: Vec<Fields> = one.iter().map(|r| plan.next(r)).collect();
    assert_eq!(
        f,
        [
            Fields {
                bn: Some(Name::absolute(&[3, 0, 9], false)),
                bt: Some(100.0),
                ..Fields::default()
            },
            Fields::default(),
            Fields {
                t: Some(60.0),
                ..Fields::default()
            },
        ]
    );
    // A fractional time: absolute t everywhere.
    let frac = [
        Record::timed(p("/3/0/9"), v.clone(), 1.5),
        Record::new(p("/3/0/10"), v.clone()),
    ];
    let mut plan = RecordPlan::new(&frac);
    assert_eq!(plan.base_time(), None);
    assert_eq!(plan.next(&frac[0]).t, Some(1.5));
    assert_eq!(plan.next(&frac[1]).n, Some(Name::relative(&[10])));
    // Paths only: full names, no base name, no time.
    let q = [Record::path_only(p("/3/0/9")), Record::path_only(p("/3"))];
    let mut plan = RecordPlan::new(&q);
    assert_eq!(
        plan.next(&q[1]),
        Fields {
            n: Some(Name::absolute(&[3], false)),
            ..Fields::default()
        }
    );
    // Grouped with a path-only record of an object: bn "/3/", no n.
    let g = [
        Record::new(p("/3/0/9"), v.clone()),
        Record::path_only(p("/3")),
    ];
    let mut plan = RecordPlan::new(&g);
    plan.next(&g[0]);
    assert_eq!(
        plan.next(&g[1]),
        Fields {
            bn: Some(Name::absolute(&[3], true)),
            ..Fields::default()
        }
    );
}
