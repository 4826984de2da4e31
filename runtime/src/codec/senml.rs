//! SenML records shared by SenML JSON and SenML CBOR. Placeholder.
