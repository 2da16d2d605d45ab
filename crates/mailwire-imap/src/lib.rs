//! A sans-IO IMAP4rev1/IMAP4rev2 codec (RFC 3501, RFC 9051).
#![forbid(unsafe_code)]

pub mod codec;
pub mod types;
