//! The generic form of unknown commands and responses: raw arguments up to the end of the
//! message, literals included (RFC 9051 §2.2.1, §4.3; RFC 3516 `literal8`).

use super::core::*;
use crate::codec::frame::literal_announcement;
use crate::types::*;

/// Everything up to the message's final line end (not consumed), as text pieces and literals.
/// The message has been framed, so every literal announced at a line end is followed by its data.
pub(crate) fn raw_args<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, RawArgs<'a>> {
    let mut parts = Vec::new();
    let mut r = i;
    loop {
        let Some(lf) = memchr::memchr(b'\n', r) else {
            return fail(r, "CRLF");
        };
        let line = match lf.checked_sub(1) {
            Some(cr) if r[cr] == b'\r' => &r[..cr],
            _ if ctx.opts.quirks.bare_lf => &r[..lf],
            _ => return fail(&r[lf..], "CRLF"),
        };
        let Some((_, _, binary)) = literal_announcement(line) else {
            text_piece(ctx, r, line, &mut parts)?;
            return Ok((&r[line.len()..], RawArgs::unchecked(parts)));
        };
        let brace = line.iter().rposition(|&c| c == b'{').unwrap_or(0);
        let start = if binary { brace - 1 } else { brace };
        text_piece(ctx, r, &line[..start], &mut parts)?;
        let at = &r[start..];
        r = if binary {
            let (x, l) = literal8(ctx, at)?;
            parts.push(RawPart::Literal8(l));
            x
        } else {
            let (x, l) = literal(ctx, at)?;
            parts.push(RawPart::Literal(l));
            x
        };
    }
}

/// Pushes `text` (a prefix of `at`) as a text piece when it is not empty.
fn text_piece<'a>(
    ctx: &Ctx,
    at: &'a [u8],
    text: &'a [u8],
    parts: &mut Vec<RawPart<'a>>,
) -> Result<(), nom::Err<PErr<'a>>> {
    if text.is_empty() {
        return Ok(());
    }
    if let Some(k) = memchr::memchr2(0, b'\r', text) {
        return fail::<()>(&at[k..], "text without NUL or CR").map(|_| ());
    }
    check_8bit(ctx, at, text)?;
    parts.push(RawPart::Text(std::borrow::Cow::Borrowed(text)));
    Ok(())
}

/// `atom [SP raw]`: the name of an unknown command or response and its arguments.
pub(crate) fn named_raw<'a>(
    ctx: &Ctx,
    i: &'a [u8],
) -> PResult<'a, (Atom<'a>, Option<RawArgs<'a>>)> {
    let (r, name) = atom(i)?;
    match r.first() {
        Some(b' ') => {
            let (r, args) = raw_args(ctx, &r[1..])?;
            Ok((r, (name, Some(args))))
        }
        Some(b'\r' | b'\n') => Ok((r, (name, None))),
        _ => fail(r, "SP or CRLF after a name"),
    }
}
