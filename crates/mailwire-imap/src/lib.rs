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
//! Every extension below has its capability, commands, responses, codes, FETCH and SEARCH items
//! typed in both directions; "vectors" are the RFC's examples (`tests/vectors/`), "sessions"
//! whole transcripts run through the codec and both connection machines.
//!
//! | RFC | what | status |
//! |---|---|---|
//! | RFC 9051 (IMAP4rev2) | all commands, responses, codes, FETCH items, SEARCH keys, ESEARCH | decoded and encoded |
//! | RFC 3501 (IMAP4rev1) | LSUB, CHECK, RECENT, `SEARCH` response, `UNSEEN` code, `RFC822*` items, NEW/OLD/RECENT keys | decoded and encoded |
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
//! | RFC 7162 CONDSTORE, QRESYNC | SELECT/EXAMINE `CONDSTORE` and `QRESYNC (...)`, FETCH `CHANGEDSINCE`/`VANISHED`, STORE `UNCHANGEDSINCE`, `MODSEQ` attribute and item, SEARCH `MODSEQ` (with entry name and type), `(MODSEQ n)` after SEARCH and SORT, ESEARCH `MODSEQ`, STATUS `HIGHESTMODSEQ`, codes `HIGHESTMODSEQ` `NOMODSEQ` `MODIFIED` `CLOSED`, `VANISHED [(EARLIER)]` | codec; 280 vectors; 2 sessions through both machines |
//! | RFC 4466 parameters | `select-param`, `fetch-modifier`, `store-modifier`, `append-ext`, `append-data-ext`: typed where known, `tagged-ext` otherwise | codec |
//! | RFC 4731, 5182 ESEARCH, SEARCHRES | `RETURN (MIN MAX ALL COUNT SAVE)`, ESEARCH data (unknown items kept), `$` | codec; 27 vectors; 3 sessions |
//! | RFC 5032 WITHIN | `OLDER`, `YOUNGER` | codec; 3 vectors; session |
//! | RFC 5256 SORT, THREAD | `[UID] SORT`, `[UID] THREAD`, `REVERSE`, the sort keys (and RFC 5957 `DISPLAYFROM`/`DISPLAYTO`, other keys as atoms), `ORDEREDSUBJECT` `REFERENCES` (others as atoms), SORT and nested THREAD responses (depth-bounded, no recursion), ESORT `RETURN` (RFC 5267) | codec; 21 vectors; session |
//! | RFC 9586 UIDONLY | `UIDFETCH` response, `UIDREQUIRED` code (VANISHED from RFC 7162) | codec; 25 vectors; session |
//! | RFC 8514 SAVEDATE | `SAVEDATE` attribute and item (NIL), `SAVEDBEFORE` `SAVEDON` `SAVEDSINCE` `SAVEDATESUPPORTED` | codec; 9 vectors; session |
//! | RFC 8474 OBJECTID | validated `ObjectId`, `MAILBOXID` code and STATUS item, `EMAILID`/`THREADID` attributes, items (THREADID NIL) and search keys | codec; 63 vectors; session |
//! | RFC 8970 PREVIEW | `PREVIEW [(LAZY)]` attribute, `PREVIEW nstring` item | codec; 31 vectors; session |
//! | RFC 3516 BINARY | `BINARY[.PEEK][part]<partial>`, `BINARY.SIZE`, items with `<origin>` (RFC 3516 §4.3 prose), `~{n}` literal8 in APPEND and responses, `UNKNOWN-CTE` | codec |
//! | RFC 3502 MULTIAPPEND | APPEND with several messages (each with flags, date, extensions), several literals in one command | codec; 7 vectors; session; machines refusing the second literal |
//! | RFC 6855, 9755 UTF8=ACCEPT | APPEND `UTF8 (literal8)` (removed again by RFC 9755), UTF-8 quoted strings | codec |
//! | RFC 7889 APPENDLIMIT | STATUS `APPENDLIMIT` (number or NIL), `TOOBIG` code (RFC 4469) | codec; 13 vectors; session |
//! | RFC 8438 STATUS=SIZE | STATUS `SIZE` (number64) | codec; 28 vectors; session |
//! | RFC 4315 UIDPLUS, RFC 6851 MOVE | `APPENDUID` (a set with MULTIAPPEND), `COPYUID`, `UIDNOTSTICKY`, `UID EXPUNGE`, `[UID] MOVE` | codec; 27 vectors; sessions |
//! | RFC 2177 IDLE | `IDLE`/`DONE` | codec, machines; session |
//! | RFC 7888 LITERAL+, LITERAL- | `{n+}` | framing, codec, client option; sessions |
//! | Gmail X-GM-EXT-1 | `X-GM-MSGID`, `X-GM-THRID` (unsigned 64-bit), `X-GM-LABELS` (attributes, items, `STORE [+-]X-GM-LABELS[.SILENT]`), search keys `X-GM-RAW` `X-GM-MSGID` `X-GM-THRID` `X-GM-LABELS` | codec; 48 vectors from Google's page; session |
//! | unknown extensions | FETCH attributes (by name) and items, STATUS attributes and values, select/fetch/store parameters, ESEARCH data: kept as sent and re-encoded byte for byte; an unknown search key cannot be read generically (its arguments have no common syntax) and is refused | codec |
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
