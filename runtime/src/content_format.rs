//! CoAP content-format numbers of the LwM2M payload formats.

use core::fmt;
use core::str::FromStr;

/// A LwM2M content format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentFormat {
    /// `text/plain` (0).
    Text,
    /// `application/link-format` (40).
    LinkFormat,
    /// `application/octet-stream` (42).
    Opaque,
    /// `application/cbor` (60).
    Cbor,
    /// `application/senml+json` (110).
    SenmlJson,
    /// `application/senml+cbor` (112).
    SenmlCbor,
    /// `application/vnd.oma.lwm2m+tlv` (11542).
    Tlv,
    /// `application/vnd.oma.lwm2m+json` (11543).
    Lwm2mJson,
    /// `application/vnd.oma.lwm2m+cbor` (11544).
    Lwm2mCbor,
}

impl ContentFormat {
    /// Every format.
    pub const ALL: [ContentFormat; 9] = [
        ContentFormat::Text,
        ContentFormat::LinkFormat,
        ContentFormat::Opaque,
        ContentFormat::Cbor,
        ContentFormat::SenmlJson,
        ContentFormat::SenmlCbor,
        ContentFormat::Tlv,
        ContentFormat::Lwm2mJson,
        ContentFormat::Lwm2mCbor,
    ];

    /// The IANA CoAP content-format number.
    pub const fn number(self) -> u16 {
        match self {
            ContentFormat::Text => 0,
            ContentFormat::LinkFormat => 40,
            ContentFormat::Opaque => 42,
            ContentFormat::Cbor => 60,
            ContentFormat::SenmlJson => 110,
            ContentFormat::SenmlCbor => 112,
            ContentFormat::Tlv => 11542,
            ContentFormat::Lwm2mJson => 11543,
            ContentFormat::Lwm2mCbor => 11544,
        }
    }

    /// The format for a number, mapping the pre-IANA numbers 1541 (text), 1542 (TLV),
    /// 1543 (LwM2M JSON) and 1544 (opaque) that older peers still send.
    pub const fn from_number(n: u16) -> Option<ContentFormat> {
        Some(match n {
            0 | 1541 => ContentFormat::Text,
            40 => ContentFormat::LinkFormat,
            42 | 1544 => ContentFormat::Opaque,
            60 => ContentFormat::Cbor,
            110 => ContentFormat::SenmlJson,
            112 => ContentFormat::SenmlCbor,
            11542 | 1542 => ContentFormat::Tlv,
            11543 | 1543 => ContentFormat::Lwm2mJson,
            11544 => ContentFormat::Lwm2mCbor,
            _ => return None,
        })
    }

    /// The short name used by the `ucifi` CLI (`text`, `tlv`, `senml-json`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            ContentFormat::Text => "text",
            ContentFormat::LinkFormat => "link-format",
            ContentFormat::Opaque => "opaque",
            ContentFormat::Cbor => "cbor",
            ContentFormat::SenmlJson => "senml-json",
            ContentFormat::SenmlCbor => "senml-cbor",
            ContentFormat::Tlv => "tlv",
            ContentFormat::Lwm2mJson => "lwm2m-json",
            ContentFormat::Lwm2mCbor => "lwm2m-cbor",
        }
    }

    /// The media type.
    pub const fn media_type(self) -> &'static str {
        match self {
            ContentFormat::Text => "text/plain",
            ContentFormat::LinkFormat => "application/link-format",
            ContentFormat::Opaque => "application/octet-stream",
            ContentFormat::Cbor => "application/cbor",
            ContentFormat::SenmlJson => "application/senml+json",
            ContentFormat::SenmlCbor => "application/senml+cbor",
            ContentFormat::Tlv => "application/vnd.oma.lwm2m+tlv",
            ContentFormat::Lwm2mJson => "application/vnd.oma.lwm2m+json",
            ContentFormat::Lwm2mCbor => "application/vnd.oma.lwm2m+cbor",
        }
    }

    /// Whether payloads of this format are text (printed as is) rather than bytes.
    pub const fn is_text(self) -> bool {
        matches!(
            self,
            ContentFormat::Text
                | ContentFormat::LinkFormat
                | ContentFormat::SenmlJson
                | ContentFormat::Lwm2mJson
        )
    }
}

impl fmt::Display for ContentFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name or number that is no LwM2M content format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown content format {0:?}: expected text, opaque, cbor, tlv, senml-json, senml-cbor, lwm2m-json, lwm2m-cbor, link-format or a CoAP number (0, 42, 60, 11542, 110, 112, 11543, 11544, 40)"
)]
pub struct UnknownContentFormat(pub alloc::string::String);

impl FromStr for ContentFormat {
    type Err = UnknownContentFormat;
    /// Accepts the short name (case-insensitive) or the CoAP number.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if let Ok(n) = t.parse::<u16>() {
            return ContentFormat::from_number(n).ok_or_else(|| UnknownContentFormat(t.into()));
        }
        ContentFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownContentFormat(t.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        for f in ContentFormat::ALL {
            assert_eq!(ContentFormat::from_number(f.number()), Some(f));
            assert_eq!(f.name().parse(), Ok(f));
        }
        assert_eq!("1542".parse(), Ok(ContentFormat::Tlv));
        assert_eq!(ContentFormat::from_number(1541), Some(ContentFormat::Text));
        assert_eq!(
            ContentFormat::from_number(1544),
            Some(ContentFormat::Opaque)
        );
        assert!("xml".parse::<ContentFormat>().is_err());
    }
}
