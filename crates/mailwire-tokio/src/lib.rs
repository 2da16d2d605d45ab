//! tokio adapters for mailwire: they move bytes between sockets and the sans-IO sessions of
//! `mailwire-server` and hold no protocol grammar of their own.
//!
//! - [`server`]: listeners, one task per connection, read and idle timeouts, connection limits,
//!   graceful shutdown, implicit TLS (RFC 8314 §3.3) and STARTTLS/STLS upgrades (RFC 2595,
//!   RFC 9051 §6.2.1) with rustls and its ring provider.
//! - [`tls`]: loading PEM certificates and making a self-signed one for development.
#![forbid(unsafe_code)]

pub mod server;
pub mod tls;
mod transport;

pub use server::{Listener, ServerOptions, SessionFactory, Shutdown};
