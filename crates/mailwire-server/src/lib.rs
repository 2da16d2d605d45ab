//! Runtime-agnostic POP3 and IMAP server sessions over the [`mailwire-mailbox`] trait.
//!
//! This crate holds the protocol *semantics* a server needs and nothing else: POP3 message
//! numbers and deferred deletes (RFC 1939 §5–§6), IMAP sequence numbers and expunge
//! notifications. It owns no socket, spawns no task and reads no clock; a driver such as
//! `mailwire-tokio` moves bytes between a transport and a [`Session`].
//!
//! [`mailwire-mailbox`]: https://example.invalid/mailwire
#![forbid(unsafe_code)]

pub mod imap;
pub mod pop3;
mod sasl;
pub mod session;

pub use session::{ConnectionInfo, Session, Step};
