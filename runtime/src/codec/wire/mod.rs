//! Wire notations shared by several content formats: the JSON tokenizer and writer (SenML
//! JSON, LwM2M JSON) and the CBOR helpers (CBOR, SenML CBOR, LwM2M CBOR).

pub mod cbor;
pub mod json;
