//! The `ucifi` command line.
#![forbid(unsafe_code)]

fn main() {}
