//! PREVIEW (RFC 8970 §3.3).
//!
//! The preview is built from the first `text/plain` or `text/html` leaf that is not an
//! attachment (depth-first, entering encapsulated messages): decoded to UTF-8, HTML converted to
//! text by mail-parser, whitespace collapsed to single spaces, and cut to 200 characters (the
//! RFC's SHOULD; its MUST NOT is 256). Only the first 64 KiB of the encoded part are decoded. A
//! message without such a part gets the empty string (RFC 8970 §3.2).

use super::search::{part_text, walk};
use super::tree::{Kind, Msg};

/// Characters in a preview (RFC 8970 §3.3 SHOULD).
pub const PREVIEW_CHARS: usize = 200;

/// Encoded octets of the chosen part that are decoded.
const PREVIEW_INPUT: usize = 64 * 1024;

pub(crate) fn preview(msg: &Msg) -> String {
    let mut text = None;
    walk(msg, |part, owner| {
        let mime = &part.mime;
        let attachment = mime
            .disposition
            .as_ref()
            .is_some_and(|(kind, _)| &**kind == "attachment");
        if matches!(part.kind, Kind::Leaf)
            && &*mime.media_type == "text"
            && matches!(&*mime.subtype, "plain" | "html")
            && !attachment
        {
            let decoded = part_text(part, &owner.src, Some(PREVIEW_INPUT));
            text = Some(if &*mime.subtype == "html" {
                mail_parser::decoders::html::html_to_text(&decoded)
            } else {
                decoded
            });
            return false;
        }
        true
    });
    let Some(text) = text else {
        return String::new();
    };
    let mut out = String::with_capacity(PREVIEW_CHARS);
    let mut chars = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = chars > 0;
            continue;
        }
        if pending_space {
            if chars + 1 >= PREVIEW_CHARS {
                break;
            }
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        if chars >= PREVIEW_CHARS {
            break;
        }
        out.push(c);
        chars += 1;
    }
    out
}
