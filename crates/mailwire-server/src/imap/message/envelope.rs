//! ENVELOPE (RFC 9051 §7.5.2 and §9 `envelope`, RFC 3501 §7.4.2).
//!
//! Strings are the header values as written in the message: unfolded (RFC 5322 §2.2.3) and
//! trimmed, RFC 2047 encoded words left encoded. RFC 9051 §7.5.2: Date, Subject, In-Reply-To and
//! Message-ID are NIL when absent and `""` when present but empty; From, To, Cc and Bcc are NIL
//! when absent or empty; Sender and Reply-To default to From. When a text field appears more
//! than once, the first occurrence is used (Dovecot 2.3 takes the last Subject); repeated
//! address fields are joined.

use mailwire_imap::types::{Address, Envelope, NString};

use super::address::{RawAddress, parse_list};
use super::header::{first, istring, nstring, unfold};
use super::tree::Field;

fn text(fields: &[Field], src: &[u8], name: &[u8]) -> NString<'static> {
    NString(first(fields, src, name).map(|f| istring(&unfold(f.raw_value(src)))))
}

/// The addresses of every field named `name`, in order (a repeated address field, which
/// RFC 5322 §3.6 forbids, is read as one list, as Dovecot does, so no address is hidden).
pub(crate) fn raw_addresses(fields: &[Field], src: &[u8], name: &[u8]) -> Vec<RawAddress> {
    fields
        .iter()
        .filter(|f| f.is(src, name))
        .flat_map(|f| parse_list(f.raw_value(src)))
        .collect()
}

fn addresses(fields: &[Field], src: &[u8], name: &[u8]) -> Option<Vec<Address<'static>>> {
    let list = raw_addresses(fields, src, name);
    if list.is_empty() {
        return None;
    }
    Some(
        list.into_iter()
            .map(|a| Address {
                name: nstring(a.name.as_deref()),
                adl: nstring(a.adl.as_deref()),
                mailbox: nstring(a.mailbox.as_deref()),
                host: nstring(a.host.as_deref()),
            })
            .collect(),
    )
}

/// Builds the envelope of a message from its header fields.
pub(crate) fn envelope(fields: &[Field], src: &[u8]) -> Envelope<'static> {
    let from = addresses(fields, src, b"from");
    let sender = addresses(fields, src, b"sender").or_else(|| from.clone());
    let reply_to = addresses(fields, src, b"reply-to").or_else(|| from.clone());
    Envelope {
        date: text(fields, src, b"date"),
        subject: text(fields, src, b"subject"),
        from,
        sender,
        reply_to,
        to: addresses(fields, src, b"to"),
        cc: addresses(fields, src, b"cc"),
        bcc: addresses(fields, src, b"bcc"),
        in_reply_to: text(fields, src, b"in-reply-to"),
        message_id: text(fields, src, b"message-id"),
    }
}
