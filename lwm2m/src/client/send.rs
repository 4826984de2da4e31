//! Send (`POST /dp`): a composite payload of typed values, each with its time.

use alloc::vec::Vec;

use coap_lite::{CoapOption, Packet, RequestType};
use ucifi_runtime::codec;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::typed::Instance;
use ucifi_runtime::{ContentFormat, Path, Value};

use super::store::Values;
use crate::coap::uint;
use crate::{Error, ErrorKind};

/// A Send payload being built: values at resource (`/O/I/R`) or resource-instance
/// (`/O/I/R/RI`) paths, each with an optional time in seconds, in the order added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendBuilder {
    records: Vec<Record>,
}

impl SendBuilder {
    /// An empty payload.
    pub fn new() -> Self {
        SendBuilder::default()
    }

    /// Adds one value at `path`, with its time when given.
    pub fn value(mut self, path: Path, value: Value, time: Option<f64>) -> Self {
        self.records.push(Record {
            path,
            value: Some(value),
            time,
        });
        self
    }

    /// Adds every resource instance `id` of a typed instance holds, all with `time`.
    ///
    /// # Errors
    ///
    /// None from the generated types; the result keeps the encoder's signature.
    pub fn instance<T: Instance>(
        mut self,
        id: u16,
        instance: &T,
        time: Option<f64>,
    ) -> Result<Self, Error> {
        let mut values = Values::new(Path::instance(T::OBJECT_ID, id), &mut self.records);
        values.time = time;
        instance.encode_resources(&mut values)?;
        Ok(self)
    }

    /// The records, in the order added.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The payload in `format`: SenML CBOR or SenML JSON (the formats a Send carries
    /// times in).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedContentFormat`] for another format;
    /// [`ErrorKind::Codec`] for a path that is no resource or resource instance.
    pub fn payload(&self, format: ContentFormat) -> Result<Vec<u8>, Error> {
        if let Some(r) = self.records.iter().find(|r| r.path.len() < 3) {
            return Err(codec::Error::at_path(r.path, codec::ErrorKind::Misplaced).into());
        }
        match format {
            ContentFormat::SenmlCbor => Ok(codec::senml_cbor::encode_records(&self.records)?),
            ContentFormat::SenmlJson => Ok(codec::senml_json::encode_records(&self.records)?),
            other => Err(ErrorKind::UnsupportedContentFormat(other.number()).into()),
        }
    }

    /// The confirmable Send request, `POST /dp`, in `format` (SenML CBOR when `None`).
    ///
    /// # Errors
    ///
    /// As [`payload`](SendBuilder::payload).
    pub fn request(
        &self,
        format: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Result<Packet, Error> {
        let format = format.unwrap_or(ContentFormat::SenmlCbor);
        let payload = self.payload(format)?;
        let mut p = super::register::request(RequestType::Post, message_id, token);
        p.add_option(CoapOption::UriPath, b"dp".to_vec());
        p.add_option(CoapOption::ContentFormat, uint(u32::from(format.number())));
        p.payload = payload;
        Ok(p)
    }
}
