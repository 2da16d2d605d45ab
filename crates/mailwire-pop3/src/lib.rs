//! A sans-IO POP3 codec with client and server connection state machines.
//!
//! `mailwire-pop3` reads and writes every command, response and capability of POP3 (RFC 1939) and
//! its extensions, and drives whole sessions without doing any I/O itself: you feed it bytes and it
//! hands back typed events and bytes to send.
//!
//! | RFC | what | covered |
//! |---|---|---|
//! | RFC 1939 | USER, PASS, APOP, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT, TOP, UIDL; the three states | all commands and responses |
//! | RFC 2449 | CAPA; TOP, USER, SASL, RESP-CODES, LOGIN-DELAY, PIPELINING, EXPIRE, UIDL, IMPLEMENTATION; extended response codes IN-USE, LOGIN-DELAY | all |
//! | RFC 2595 §4 | STLS | command, capability, upgrade with injection protection |
//! | RFC 5034 / RFC 1734 | AUTH with initial response, `=` for empty, `*` cancel; bare AUTH listing | all |
//! | RFC 3206 | SYS/TEMP, SYS/PERM, AUTH codes; AUTH-RESP-CODE capability | all |
//! | RFC 6856 | UTF8 and LANG commands and capabilities, UTF8 code | all |
//!
//! # Layers
//!
//! - [`types`]: validated message types ([`Command`], [`Response`], [`Capability`], [`MsgNum`],
//!   [`UniqueId`]…). A value that exists is valid and encodes canonically.
//! - [`codec`]: nom decoders over borrowed input (`Incomplete` is a status, not an error) and
//!   encoders.
//! - [`server`] and [`client`]: sans-IO connection state machines. They frame input with bounded
//!   line limits, decode, enforce the session state (AUTHORIZATION, TRANSACTION, UPDATE), run SASL
//!   exchanges and STLS, and stream message bodies in and out with dot-stuffing.
//!
//! # Example: a client and a server talking in memory
//!
//! ```
//! use mailwire_pop3::{client, server, Capability, Command, Response, Status};
//! use mailwire_core::{Interrupt, Io};
//!
//! let mut srv = server::Connection::new(server::Options::default(), Status::ok("ready").unwrap());
//! let mut cli = client::Connection::new(client::Options::default());
//! let handle = cli.enqueue(Command::Capa).unwrap();
//! // Run both machines until they are quiet, moving bytes between them.
//! # let mut seen = None;
//! for _ in 0..10 {
//!     loop {
//!         match srv.next() {
//!             Ok(server::Event::Command(Command::Capa)) => {
//!                 let capabilities = vec![Capability::Top, Capability::Uidl];
//!                 let status = Status::ok("Capability list follows").unwrap();
//!                 srv.respond(Response::Capabilities { status, capabilities }).unwrap();
//!             }
//!             Ok(_) => {}
//!             Err(Interrupt::Io(Io::Output(bytes))) => cli.feed(&bytes),
//!             Err(_) => break,
//!         }
//!     }
//!     loop {
//!         match cli.next() {
//!             Ok(client::Event::Response { handle: h, response }) => seen = Some((h, response)),
//!             Ok(_) => {}
//!             Err(Interrupt::Io(Io::Output(bytes))) => srv.feed(&bytes),
//!             Err(_) => break,
//!         }
//!     }
//! }
//! let (h, response) = seen.unwrap();
//! assert_eq!(h, handle);
//! assert!(matches!(response, Response::Capabilities { capabilities, .. } if capabilities.len() == 2));
//! ```
#![forbid(unsafe_code)]

pub mod client;
pub mod codec;
pub mod server;
pub mod types;

#[cfg(feature = "arbitrary")]
pub mod arbitrary;

pub use types::{
    ApopDigest, Arg, AuthLine, CapaTag, Capability, Command, ExpirePolicy, Keyword, LangRequest,
    LanguageListing, LanguageTag, Mechanism, MsgNum, Password, RespCodeText, Response,
    ResponseCode, SaslAuth, ScanListing, SessionState, Status, StatusKind, Text, UidListing,
    UniqueId, ValidationError,
};

impl<'a> From<Status<'a>> for Response<'a> {
    fn from(s: Status<'a>) -> Self {
        Response::Status(s)
    }
}
