//! `ucifi-objects`: the generated object library (OMA core, IPSO, uCIFI) and the one
//! static model registry that client and server crates share.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
