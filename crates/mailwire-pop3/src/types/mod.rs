//! The POP3 message types: commands, responses, capabilities and the validated values they hold.
//!
//! Every value type validates on construction, so a [`Command`] or [`Response`] that exists can
//! always be encoded, and its encoding decodes back to an equal value.

mod capability;
mod command;
mod core;
mod response;

pub use self::capability::{Capability, ExpirePolicy};
pub use self::command::{AuthLine, Command, LangRequest, SaslAuth, SessionState};
pub use self::core::{
    ApopDigest, Arg, CapaTag, Keyword, LanguageTag, Mechanism, MsgNum, Password, RespCodeText,
    Text, UniqueId, ValidationError,
};
pub use self::response::{
    LanguageListing, Response, ResponseCode, ScanListing, Status, StatusKind, UidListing,
};
