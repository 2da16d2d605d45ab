//! A sans-IO IMAP codec and connection state machines for IMAP4rev1 (RFC 3501) and IMAP4rev2
//! (RFC 9051).
//!
//! `mailwire-imap` reads and writes every command, response, greeting and continuation request of
//! both revisions, and drives whole client and server sessions without doing any I/O: feed it
//! bytes, act on the events it returns, write the bytes it hands back.
//!
//! # Layers
//!
//! - [`types`]: validated message types. String values keep the form they were sent in (atom,
//!   quoted string, literal) and borrow from the input; [`types::IntoStatic`] detaches them.
//! - [`codec`]: *frame, then parse*. The [`codec::frame`] layer splits the stream into messages
//!   (lines and the literals they announce) under named limits, skipping literal bytes by count;
//!   the nom decoders then parse one complete message, so decode cost does not grow with literal
//!   size. `Incomplete` and `LiteralFound` are statuses, not errors. Encoders emit
//!   [`codec::Fragment`]s so a client can wait for `+` before a synchronizing literal.
//! - [`client`] and [`server`]: sans-IO connection state machines (tags, literal flow,
//!   AUTHENTICATE with SASL-IR, IDLE/DONE, STARTTLS with injection safety, the four states).
//!
//! # Coverage
//!
//! | RFC | what | status |
//! |---|---|---|
//! | RFC 9051 (IMAP4rev2) | all commands, responses, codes, FETCH items, SEARCH keys, ESEARCH | decoded and encoded |
//! | RFC 3501 (IMAP4rev1) | LSUB, CHECK, RECENT, `SEARCH` response, `UNSEEN` code, `RFC822*` items, NEW/OLD/RECENT keys | decoded and encoded |
//! | RFC 7888 | LITERAL+ / LITERAL- `{n+}` | framing, codec, client option |
//! | RFC 3516 | BINARY, `~{n}` literal8 | codec |
//! | RFC 4959 | SASL-IR | codec, machines |
//! | RFC 5258, 5819, 6154 | LIST-EXTENDED, LIST-STATUS, SPECIAL-USE options and attributes | codec |
//! | RFC 4731, 5182 | ESEARCH, SEARCHRES (`$`, `SAVE`) | codec |
//! | RFC 4315, 6851, 3691, 5161, 2342, 3348, 5530 | UIDPLUS codes and UID EXPUNGE, MOVE, UNSELECT, ENABLE, NAMESPACE, CHILDREN, response codes | codec |
//! | RFC 4466 | generic extension syntax (`tagged-ext-val`) for unknown options and items | codec |
//! | RFC 2971 | ID command and response, bounded as §3.3 requires (30 pairs, 30/1024 octets) | codec, vectors |
//! | RFC 2342 | NAMESPACE with response extensions, every §5 example | codec, vectors |
//! | RFC 3691, 3348 | UNSELECT; CHILDREN attributes | codec, machines, vectors |
//! | RFC 6154, 4466 | SPECIAL-USE attributes and options; CREATE-SPECIAL-USE `CREATE m (USE (...))` and generic `create-param`s; USEATTR | codec, vectors |
//! | RFC 5258, 5819 | LIST-EXTENDED options (atom names), CHILDINFO and OLDNAME items typed, NONEXISTENT/REMOTE/SUBSCRIBED; LIST-STATUS | codec, vectors |
//! | RFC 9208, 2087 | QUOTA: GETQUOTA, GETQUOTAROOT, SETQUOTA, QUOTA and QUOTAROOT responses, resource names, STATUS DELETED-STORAGE, OVERQUOTA | codec, vectors |
//! | RFC 5464 | METADATA: GETMETADATA (MAXSIZE, DEPTH), SETMETADATA, METADATA responses (values and entry list), METADATA codes, validated entry names | codec, vectors |
//! | RFC 4314, 2086 | ACL: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS and their responses; validated rights, `+`/`-` modifiers, RFC 2086 letters | codec, vectors |
//! | RFC 8437 | UNAUTHENTICATE: back to Not Authenticated, enabled extensions and compression reset | codec, machines, vectors |
//! | RFC 5161, 4959 | ENABLE with the enabled set tracked by both machines (`enabled()`); SASL-IR | codec, machines, vectors |
//! | RFC 4978 | COMPRESS=DEFLATE: command, COMPRESSIONACTIVE, the sans-IO raw DEFLATE layer ([`compress`]) in both machines | codec, machines, session tests |
//! | RFC 5530, 9051 §7.1 | every response code of both | codec, vectors |
//! | capabilities | every capability of the extensions this table lists, typed; unknown ones kept as atoms | codec |
//! | generic | unknown commands and untagged data (`CommandBody::Other`, `Data::Other`): name and raw arguments with literals, byte for byte; unknown codes (`Code::Other`) | codec, machines |
//!
//! The remaining extensions (CONDSTORE/QRESYNC, SORT/THREAD, ...) are the
//! next milestone.
//!
//! # Tolerance
//!
//! Each deviation real peers commit is a named switch in [`codec::Quirks`], documented with where
//! it was seen; the defaults tolerate what deployed servers send when decoding responses and stay
//! strict when decoding commands. Nesting is bounded by [`codec::Options::max_depth`] (default 64).
//!
//! # Example
//!
//! ```
//! use mailwire_imap::codec::{decode_response, Encode, Options};
//! use mailwire_imap::types::{Data, Response};
//!
//! let wire = b"* 12 FETCH (UID 7 BODY[] {5}\r\nhello)\r\n";
//! let (rest, response) = decode_response(wire, &Options::responses()).unwrap();
//! assert!(rest.is_empty());
//! let Response::Data(Data::Fetch { seq, items }) = &response else { panic!() };
//! assert_eq!(seq.get(), 12);
//! assert_eq!(items.len(), 2);
//! // The canonical encoding is the input.
//! assert_eq!(response.encode().dump(), wire);
//! ```
#![forbid(unsafe_code)]

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
pub mod client;
pub mod codec;
pub mod compress;
pub mod server;
pub mod types;
