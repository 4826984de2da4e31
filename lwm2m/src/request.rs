//! The requests a server sends a registered client (LwM2M transport: method, Uri-Path under
//! the client's alternate path, Uri-Query, Accept, Content-Format, Observe, payload), and
//! the success code each expects.

use alloc::string::String;
use alloc::vec::Vec;

use ucifi_runtime::codec::WriteMode;
use ucifi_runtime::codec::link_format::Attribute;
use ucifi_runtime::{ContentFormat, Path};

use crate::ResponseCode;

/// A CoAP method LwM2M uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET: Read, Discover, Observe.
    Get,
    /// POST: partial-update Write, Execute, Create.
    Post,
    /// PUT: replacing Write, Write-Attributes.
    Put,
    /// DELETE: Delete.
    Delete,
    /// FETCH (RFC 8132): Read-Composite, Observe-Composite.
    Fetch,
    /// iPATCH (RFC 8132): Write-Composite.
    IPatch,
}

/// One server-initiated operation on a target path.
#[derive(Clone, Debug, PartialEq)]
pub enum Operation {
    /// Read, in `accept` when given.
    Read {
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Discover: the attributes and resources of the target, as link format.
    Discover,
    /// Write a payload.
    Write {
        /// Replace or partial update.
        mode: WriteMode,
        /// The payload's format.
        format: ContentFormat,
        /// The payload.
        payload: Vec<u8>,
    },
    /// Write-Attributes: the notification attributes of the target.
    WriteAttributes(Vec<Attribute>),
    /// Execute, with the argument text (`0='on',1`) when given.
    Execute {
        /// Execute arguments.
        arguments: Option<String>,
    },
    /// Create an object instance from a payload (target: the object).
    Create {
        /// The payload's format.
        format: ContentFormat,
        /// The payload.
        payload: Vec<u8>,
    },
    /// Delete an object instance.
    Delete,
    /// Observe the target (Observe option 0).
    Observe {
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Cancel an observation (Observe option 1) while reading once more.
    CancelObservation {
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Read-Composite: `payload` lists the paths (SenML records without values).
    ReadComposite {
        /// The format of the path list (SenML JSON or CBOR).
        format: ContentFormat,
        /// The path list.
        payload: Vec<u8>,
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Observe-Composite: `payload` lists the paths (as for Read-Composite); the answer
    /// and every notification hold their values.
    ObserveComposite {
        /// The format of the path list (SenML JSON or CBOR).
        format: ContentFormat,
        /// The path list.
        payload: Vec<u8>,
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Cancel an Observe-Composite (Observe option 1, the same path list) while reading
    /// once more.
    CancelObserveComposite {
        /// The format of the path list.
        format: ContentFormat,
        /// The path list.
        payload: Vec<u8>,
        /// The format asked for.
        accept: Option<ContentFormat>,
    },
    /// Write-Composite: values of several targets.
    WriteComposite {
        /// The payload's format.
        format: ContentFormat,
        /// The payload.
        payload: Vec<u8>,
    },
}

/// A request as the transport carries it, independent of the CoAP library.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Uri-Path segments (the alternate path's, then the IDs).
    pub uri_path: Vec<String>,
    /// Uri-Query options.
    pub uri_query: Vec<String>,
    /// Accept option.
    pub accept: Option<ContentFormat>,
    /// Content-Format option.
    pub content_format: Option<ContentFormat>,
    /// Observe option (0 register, 1 cancel).
    pub observe: Option<u32>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Operation {
    /// The success code the client answers with.
    pub fn success(&self) -> ResponseCode {
        match self {
            Operation::Read { .. }
            | Operation::Discover
            | Operation::Observe { .. }
            | Operation::CancelObservation { .. }
            | Operation::ReadComposite { .. }
            | Operation::ObserveComposite { .. }
            | Operation::CancelObserveComposite { .. } => ResponseCode::Content,
            Operation::Write { .. }
            | Operation::WriteAttributes(_)
            | Operation::Execute { .. }
            | Operation::WriteComposite { .. } => ResponseCode::Changed,
            Operation::Create { .. } => ResponseCode::Created,
            Operation::Delete => ResponseCode::Deleted,
        }
    }

    /// The request for `path` (Read-Composite and Write-Composite address the root) under
    /// `alternate_path` (`/lwm2m`, or none).
    pub fn request(&self, alternate_path: Option<&str>, path: &Path) -> Request {
        let mut uri_path: Vec<String> = alternate_path
            .unwrap_or("")
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        uri_path.extend(
            path.ids()
                .iter()
                .map(|id| itoa::Buffer::new().format(*id).into()),
        );
        let mut r = Request {
            method: Method::Get,
            uri_path,
            uri_query: Vec::new(),
            accept: None,
            content_format: None,
            observe: None,
            payload: Vec::new(),
        };
        match self {
            Operation::Read { accept } => r.accept = *accept,
            Operation::Discover => r.accept = Some(ContentFormat::LinkFormat),
            Operation::Write {
                mode,
                format,
                payload,
            } => {
                r.method = match mode {
                    WriteMode::Replace => Method::Put,
                    WriteMode::PartialUpdate => Method::Post,
                };
                r.content_format = Some(*format);
                r.payload = payload.clone();
            }
            Operation::WriteAttributes(attributes) => {
                r.method = Method::Put;
                r.uri_query = attributes
                    .iter()
                    .map(|a| {
                        let p = a.to_param();
                        match &p.value {
                            Some(v) => alloc::format!("{}={v}", p.name),
                            None => p.name.into_owned(),
                        }
                    })
                    .collect();
            }
            Operation::Execute { arguments } => {
                r.method = Method::Post;
                r.payload = arguments.clone().unwrap_or_default().into_bytes();
            }
            Operation::Create { format, payload } => {
                r.method = Method::Post;
                r.content_format = Some(*format);
                r.payload = payload.clone();
            }
            Operation::Delete => r.method = Method::Delete,
            Operation::Observe { accept } => {
                r.accept = *accept;
                r.observe = Some(0);
            }
            Operation::CancelObservation { accept } => {
                r.accept = *accept;
                r.observe = Some(1);
            }
            Operation::ReadComposite {
                format,
                payload,
                accept,
            }
            | Operation::ObserveComposite {
                format,
                payload,
                accept,
            }
            | Operation::CancelObserveComposite {
                format,
                payload,
                accept,
            } => {
                r.method = Method::Fetch;
                r.content_format = Some(*format);
                r.accept = *accept;
                r.payload = payload.clone();
                r.observe = match self {
                    Operation::ObserveComposite { .. } => Some(0),
                    Operation::CancelObserveComposite { .. } => Some(1),
                    _ => None,
                };
            }
            Operation::WriteComposite { format, payload } => {
                r.method = Method::IPatch;
                r.content_format = Some(*format);
                r.payload = payload.clone();
            }
        }
        r
    }
}
