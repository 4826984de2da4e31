//! A recording [`InstanceSink`] for the `read_instance` tests: every call in order, and
//! chosen `set` calls refused, to compare a reader's direct override with the event path.

use ucifi_runtime::codec::{Error, InstanceSink, RawValue, SetError, ValueError};
use ucifi_runtime::{DataType, Path};

/// One call a reader made on the sink.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    Clear(u16),
    Set(u16, Option<u16>, String),
}

/// A sink that records every call and refuses the values `fail` picks.
#[derive(Default)]
pub struct Recorder {
    /// The calls, in order.
    pub calls: Vec<Call>,
    /// Which `set` calls to refuse.
    pub fail: Fail,
}

/// Which `set` calls the recorder refuses, and how.
#[derive(Clone, Copy, Debug, Default)]
pub enum Fail {
    #[default]
    Never,
    /// Every value of this resource (any instance).
    Resource(u16, SetErr),
    /// The n-th `set` call.
    Nth(usize, SetErr),
    /// A multiple-resource container of this resource (`clear_multiple`), as a typed sink
    /// refuses one for a single resource.
    Container(u16),
}

/// The error a refused `set` returns.
#[derive(Clone, Copy, Debug)]
pub enum SetErr {
    Value,
    NotMultiple,
    NotSingle,
    Executable,
}

impl SetErr {
    pub fn error(self) -> SetError {
        match self {
            SetErr::Value => SetError::Value(ValueError::BadLength {
                data_type: DataType::Integer,
                len: 3,
            }),
            SetErr::NotMultiple => SetError::NotMultiple,
            SetErr::NotSingle => SetError::NotSingle,
            SetErr::Executable => SetError::Executable,
        }
    }
}

impl InstanceSink for Recorder {
    fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError> {
        self.calls.push(Call::Clear(resource));
        match self.fail {
            Fail::Container(r) if r == resource => Err(SetError::NotMultiple),
            _ => Ok(()),
        }
    }
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), SetError> {
        let n = self
            .calls
            .iter()
            .filter(|c| matches!(c, Call::Set(..)))
            .count();
        self.calls
            .push(Call::Set(resource, instance, format!("{raw:?}")));
        match self.fail {
            Fail::Resource(r, e) if r == resource => Err(e.error()),
            Fail::Nth(k, e) if k == n => Err(e.error()),
            _ => Ok(()),
        }
    }
}

/// Parses a path.
pub fn p(s: &str) -> Path {
    s.parse().unwrap()
}

/// What a read gave and the calls it made.
pub type Outcome = (Result<(), Error>, Vec<Call>);

/// Runs `f` on a fresh recorder.
pub fn run(fail: Fail, f: impl FnOnce(&mut Recorder) -> Result<(), Error>) -> Outcome {
    let mut r = Recorder {
        calls: Vec::new(),
        fail,
    };
    let res = f(&mut r);
    (res, r.calls)
}

/// Refusal patterns every test runs: none, by position and by resource, each error kind,
/// and a refused container.
pub const FAILS: [Fail; 8] = [
    Fail::Never,
    Fail::Nth(0, SetErr::Value),
    Fail::Nth(3, SetErr::NotMultiple),
    Fail::Resource(6, SetErr::NotSingle),
    Fail::Resource(9, SetErr::Executable),
    Fail::Resource(0, SetErr::Value),
    Fail::Container(6),
    Fail::Container(0),
];
