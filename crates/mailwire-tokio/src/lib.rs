//! tokio adapters for mailwire: they move bytes between sockets and the sans-IO sessions of
//! `mailwire-server` and hold no protocol grammar of their own.
//!
//! - [`server`]: listeners, one task per connection, read and idle timeouts, connection limits,
//!   graceful shutdown, implicit TLS (RFC 8314 §3.3) and STARTTLS/STLS upgrades (RFC 2595,
//!   RFC 9051 §6.2.1) with rustls and its ring provider.
//! - [`tls`]: loading PEM certificates and making a self-signed one for development.
//! - [`client`]: async POP3 and IMAP clients over the sans-IO client machines, with implicit TLS
//!   and STARTTLS/STLS (RFC 8314, RFC 2595), streaming bodies, IDLE and sync helpers.
#![forbid(unsafe_code)]

pub mod client;
pub mod server;
pub mod tls;
mod transport;

pub use server::{Listener, ServerOptions, SessionFactory, Shutdown};
