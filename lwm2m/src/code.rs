//! CoAP response codes an LwM2M endpoint answers with (RFC 7252 §5.9, RFC 7959, RFC 8132
//! as LwM2M uses them).

use core::fmt;

/// A CoAP response code: class and detail, written `c.dd` (`2.05`, `4.04`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseCode {
    /// 2.01: a Register, Create or Write-Composite created something.
    Created,
    /// 2.02: a Delete or De-register succeeded.
    Deleted,
    /// 2.03: a cached representation is still valid.
    Valid,
    /// 2.04: a Write, Execute, Write-Attributes or Update succeeded.
    Changed,
    /// 2.05: a Read, Discover or Observe answered with content.
    Content,
    /// 2.31: one block of a Block1 transfer was received, send the next.
    Continue,
    /// 4.00: the request or its payload is wrong (syntax, type, range).
    BadRequest,
    /// 4.01: the server is not allowed to do this.
    Unauthorized,
    /// 4.02: a critical option is not understood.
    BadOption,
    /// 4.03: forbidden.
    Forbidden,
    /// 4.04: the object, instance or resource does not exist.
    NotFound,
    /// 4.05: the operation is not allowed on this target (writing a read-only resource,
    /// executing a readable one, ...).
    MethodNotAllowed,
    /// 4.06: the Accept option names a format that cannot carry the target.
    NotAcceptable,
    /// 4.08: a Block1 transfer is missing blocks.
    RequestEntityIncomplete,
    /// 4.09: a conflict with the target's state.
    Conflict,
    /// 4.12: a precondition failed.
    PreconditionFailed,
    /// 4.13: the request payload is too large.
    RequestEntityTooLarge,
    /// 4.15: the Content-Format of the payload is not supported.
    UnsupportedContentFormat,
    /// 5.00: the endpoint failed.
    InternalServerError,
    /// 5.01: the operation is not implemented.
    NotImplemented,
    /// 5.03: the endpoint cannot answer now.
    ServiceUnavailable,
}

impl ResponseCode {
    /// Every code, in numeric order.
    pub const ALL: [ResponseCode; 21] = [
        ResponseCode::Created,
        ResponseCode::Deleted,
        ResponseCode::Valid,
        ResponseCode::Changed,
        ResponseCode::Content,
        ResponseCode::Continue,
        ResponseCode::BadRequest,
        ResponseCode::Unauthorized,
        ResponseCode::BadOption,
        ResponseCode::Forbidden,
        ResponseCode::NotFound,
        ResponseCode::MethodNotAllowed,
        ResponseCode::NotAcceptable,
        ResponseCode::RequestEntityIncomplete,
        ResponseCode::Conflict,
        ResponseCode::PreconditionFailed,
        ResponseCode::RequestEntityTooLarge,
        ResponseCode::UnsupportedContentFormat,
        ResponseCode::InternalServerError,
        ResponseCode::NotImplemented,
        ResponseCode::ServiceUnavailable,
    ];

    /// Class and detail: `(4, 5)` for 4.05.
    pub const fn parts(self) -> (u8, u8) {
        use ResponseCode::*;
        match self {
            Created => (2, 1),
            Deleted => (2, 2),
            Valid => (2, 3),
            Changed => (2, 4),
            Content => (2, 5),
            Continue => (2, 31),
            BadRequest => (4, 0),
            Unauthorized => (4, 1),
            BadOption => (4, 2),
            Forbidden => (4, 3),
            NotFound => (4, 4),
            MethodNotAllowed => (4, 5),
            NotAcceptable => (4, 6),
            RequestEntityIncomplete => (4, 8),
            Conflict => (4, 9),
            PreconditionFailed => (4, 12),
            RequestEntityTooLarge => (4, 13),
            UnsupportedContentFormat => (4, 15),
            InternalServerError => (5, 0),
            NotImplemented => (5, 1),
            ServiceUnavailable => (5, 3),
        }
    }

    /// The code byte of a CoAP header: class in the top 3 bits, detail in the low 5.
    pub const fn byte(self) -> u8 {
        let (class, detail) = self.parts();
        class << 5 | detail
    }

    /// The code of a CoAP header byte, if it is one of these.
    pub fn from_byte(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.byte() == b)
    }

    /// The code's name in the CoAP registry (RFC 7252 §12.1.2 and its updates): `Bad
    /// Request` for 4.00.
    pub const fn reason(self) -> &'static str {
        use ResponseCode::*;
        match self {
            Created => "Created",
            Deleted => "Deleted",
            Valid => "Valid",
            Changed => "Changed",
            Content => "Content",
            Continue => "Continue",
            BadRequest => "Bad Request",
            Unauthorized => "Unauthorized",
            BadOption => "Bad Option",
            Forbidden => "Forbidden",
            NotFound => "Not Found",
            MethodNotAllowed => "Method Not Allowed",
            NotAcceptable => "Not Acceptable",
            RequestEntityIncomplete => "Request Entity Incomplete",
            Conflict => "Conflict",
            PreconditionFailed => "Precondition Failed",
            RequestEntityTooLarge => "Request Entity Too Large",
            UnsupportedContentFormat => "Unsupported Content-Format",
            InternalServerError => "Internal Server Error",
            NotImplemented => "Not Implemented",
            ServiceUnavailable => "Service Unavailable",
        }
    }

    /// Whether the code says the request succeeded (class 2).
    pub const fn is_success(self) -> bool {
        self.parts().0 == 2
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (class, detail) = self.parts();
        write!(f, "{class}.{detail:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn codes_are_written_class_dot_detail() {
        assert_eq!(ResponseCode::Content.to_string(), "2.05");
        assert_eq!(ResponseCode::Continue.to_string(), "2.31");
        assert_eq!(ResponseCode::UnsupportedContentFormat.to_string(), "4.15");
        assert_eq!(ResponseCode::MethodNotAllowed.byte(), 0x85);
        assert_eq!(ResponseCode::Content.byte(), 0x45);
        for c in ResponseCode::ALL {
            assert_eq!(ResponseCode::from_byte(c.byte()), Some(c));
        }
        assert_eq!(ResponseCode::from_byte(0x01), None);
        assert_eq!(ResponseCode::BadRequest.reason(), "Bad Request");
        assert_eq!(
            ResponseCode::UnsupportedContentFormat.reason(),
            "Unsupported Content-Format"
        );
    }
}
