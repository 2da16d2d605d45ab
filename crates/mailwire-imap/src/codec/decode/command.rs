//! Command parsers (server side; RFC 9051 §6 and §9, RFC 3501 §6 and §9).

use super::core::*;
use crate::types::*;

/// `command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF`
pub(crate) fn command<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Command<'a>> {
    let _ = ctx;
    fail(i, "command (not implemented yet)")
}

/// One client line during AUTHENTICATE: `base64 CRLF` or `"*" CRLF`.
pub(crate) fn authenticate_data<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, AuthenticateData> {
    if let Some(r) = i.strip_prefix(b"*") {
        let (r, ()) = crlf(ctx, r)?;
        return Ok((r, AuthenticateData::Cancel));
    }
    let (r, data) = base64_line(i)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, AuthenticateData::Continue(mailwire_core::Secret::new(data))))
}

/// `"DONE" CRLF`
pub(crate) fn idle_done<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, IdleDone> {
    let (r, _) = kw("DONE")(i)?;
    let (r, ()) = crlf(ctx, r)?;
    Ok((r, IdleDone))
}
