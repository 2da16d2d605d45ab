//! Shared sans-IO plumbing for the mailwire protocol crates.
//!
//! `mailwire-core` holds the pieces that the POP3 ([`mailwire-pop3`]) and IMAP codecs both need and
//! that carry no protocol grammar of their own:
//!
//! | module | what it is | RFC |
//! |---|---|---|
//! | [`line`](mod@line) | a bounded line framer: splits a byte stream into CRLF lines, skips oversized lines to the next line end and reports them | RFC 1939 §3, RFC 2449 §4, RFC 9051 §2.2 |
//! | [`dot`] | streaming dot-stuffing and un-stuffing of multi-line bodies, linear in the input | RFC 1939 §3 |
//! | [`secret`] | [`Secret<T>`], a wrapper whose `Debug` and `Serialize` never show the value | RFC 4422 §9 |
//! | [`sasl`] | strict base64 for SASL exchanges and the PLAIN message | RFC 4422, RFC 4648 §4, RFC 4616 |
//! | [`sasl_client`] | the client side of PLAIN, LOGIN, XOAUTH2, OAUTHBEARER and SCRAM-SHA-256 | RFC 4616, RFC 7628, RFC 7677 |
//! | [`scram`] | SCRAM-SHA-256 messages, keys, verifiers, server and client machines | RFC 5802, RFC 7677 |
//! | [`sansio`] | the vocabulary of the sans-IO state machines: bytes in, events and bytes out | — |
//!
//! Nothing here performs I/O, spawns threads or reads clocks.
//!
//! [`mailwire-pop3`]: https://docs.rs/mailwire-pop3
//!
//! ```
//! use mailwire_core::line::{Frame, LineFramer};
//!
//! let mut framer = LineFramer::new();
//! framer.feed(b"USER alice\r\nPA");
//! assert_eq!(framer.next_line(255), Some(Frame::Line("USER alice".into())));
//! assert_eq!(framer.next_line(255), None); // "PA" is incomplete: more input is needed
//! ```
#![forbid(unsafe_code)]

pub mod dot;
pub mod line;
mod newtype;
pub mod sansio;
pub mod sasl;
pub mod sasl_client;
pub mod scram;
pub mod secret;
#[cfg(feature = "serde")]
pub mod serde_util;
pub mod text;

pub use newtype::ValidationError;
pub use sansio::{Interrupt, Io};
pub use secret::Secret;
