//! The IMAP message types (RFC 3501, RFC 9051).
//!
//! Every value type validates on construction, keeps the wire form it was decoded from (atom,
//! quoted string or literal), and borrows from the input where it can (`into_static()` copies).

mod acl;
mod body;
mod capability;
mod command;
mod core;
mod datetime;
mod ext_items;
mod extension;
mod fetch;
mod flag;
mod id;
mod into_static;
mod into_static_admin;
mod mailbox;
mod metadata;
mod quota;
mod raw;
mod response;
mod search;
mod sequence;
mod sort;
mod status;
mod sync;

pub use self::acl::*;
pub use self::body::*;
pub use self::capability::*;
pub use self::command::*;
pub use self::core::{
    AString, Atom, AtomExt, ByteStr, Charset, IString, ListCharString, Literal, Literal8,
    LiteralMode, NString, Quoted, Tag, Text, ValidationError, Vec1,
};
pub(crate) use self::core::{is_astring_char, is_atom_char, is_list_char, is_tag_char};
pub(crate) use self::datetime::MONTHS;
pub use self::datetime::{DateTime, NaiveDate};
pub use self::ext_items::*;
pub use self::extension::*;
pub use self::fetch::*;
pub use self::flag::*;
pub use self::id::*;
pub use self::into_static::IntoStatic;
pub use self::mailbox::{ListMailbox, Mailbox, decode_mutf7, encode_mutf7};
pub use self::metadata::*;
pub use self::quota::*;
pub use self::raw::*;
pub use self::response::*;
pub use self::search::*;
pub use self::sequence::*;
pub use self::sort::*;
pub use self::status::*;
pub use self::sync::*;
