//! CBOR helpers shared by the CBOR content formats. Placeholder.
