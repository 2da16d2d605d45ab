//! Response parsers (client side; RFC 9051 §7 and §9, RFC 3501 §7 and §9).

use super::core::*;
use crate::types::*;

/// `greeting = "*" SP (resp-cond-auth / resp-cond-bye) CRLF`
pub(crate) fn greeting<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Greeting<'a>> {
    let _ = ctx;
    fail(i, "greeting (not implemented yet)")
}

/// `response-data / response-tagged / response-fatal / continue-req`, one of them.
pub(crate) fn response<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    let _ = ctx;
    fail(i, "response (not implemented yet)")
}

/// Like [`response`], but a continuation request with base64 text is a SASL challenge.
pub(crate) fn challenge<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Response<'a>> {
    response(ctx, i)
}
