//! Runnable examples for the mailwire crates: `cargo run -p mailwire-examples --example NAME`.
//!
//! - `pop3_pair`: a POP3 client and server state machine talking in memory, printing the
//!   transcript.
//! - `pop3_blocking_client HOST PORT USER PASS`: the sans-IO client driven by a blocking
//!   `std::net::TcpStream` (plaintext; for a local test server).
#![forbid(unsafe_code)]

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
