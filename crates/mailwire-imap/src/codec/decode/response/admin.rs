//! Response parsers for the administrative extensions: ID (RFC 2971), QUOTA (RFC 9208 §7, RFC
//! 2087), METADATA (RFC 5464 §5), ACL (RFC 4314 §7), LIST extended items (RFC 5258 §6, RFC 9051
//! `oldname-extended-item`), and unknown untagged data.

use super::super::command::{entry_values, id_params, identifier, metadata_entry};
use super::super::core::*;
use super::super::raw::named_raw;
use super::{KW, more, more_on_line, sp_, upper};
use crate::types::*;

/// `id_response = "ID" SPACE id_params_list` (RFC 2971 §4), after the keyword.
pub(super) fn id<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    id_params(ctx, r).map(|(r, p)| (r, Data::Id(p)))
}

/// `quota-response = "QUOTA" SP quota-root-name SP quota-list` (RFC 9208 §7; an empty list as in
/// RFC 2087 §5.1), after the keyword.
pub(super) fn quota<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, root) = astring(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, resources) = paren_list(ctx, r, |x| {
        let (x, name) = atom(x)?;
        let (x, ()) = sp_(ctx, x)?;
        let (x, usage) = number64(x)?;
        let (x, ()) = sp_(ctx, x)?;
        let (x, limit) = number64(x)?;
        Ok((
            x,
            QuotaResource {
                name: QuotaResourceName::from_atom(name),
                usage,
                limit,
            },
        ))
    })?;
    Ok((r, Data::Quota { root, resources }))
}

/// `quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)`, after the keyword.
pub(super) fn quotaroot<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (mut r, ()) = sp_(ctx, r)?;
    let (x, mailbox) = mailbox(ctx, r)?;
    r = x;
    let mut roots = Vec::new();
    while let Some(x) = more_on_line(ctx, r) {
        let (x, root) = astring(ctx, x)?;
        roots.push(root);
        r = x;
    }
    Ok((r, Data::QuotaRoot { mailbox, roots }))
}

/// `metadata-resp = "METADATA" SP mailbox SP (entry-values / entry-list)`, after the keyword.
pub(super) fn metadata<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, mailbox) = mailbox(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    if r.first() == Some(&b'(') {
        let (r, v) = entry_values(ctx, r)?;
        return Ok((
            r,
            Data::Metadata {
                mailbox,
                items: MetadataItems::Values(v),
            },
        ));
    }
    let (mut r, first) = metadata_entry(ctx, r)?;
    let mut entries = vec![first];
    while let Some(x) = more(ctx, r) {
        let (x, e) = metadata_entry(ctx, x)?;
        entries.push(e);
        r = x;
    }
    Ok((
        r,
        Data::Metadata {
            mailbox,
            items: MetadataItems::Entries(Vec1::unchecked(entries)),
        },
    ))
}

/// The arguments of the `METADATA` response code (RFC 5464 §5), up to the `]`.
pub(super) fn metadata_code<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Code<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (x, w) = super::word(r);
    let mut buf = [0; KW];
    let code = match upper(w, &mut buf) {
        b"LONGENTRIES" => {
            let (x, ()) = sp_(ctx, x)?;
            return number(x).map(|(x, n)| (x, Code::Metadata(MetadataCode::LongEntries(n))));
        }
        b"MAXSIZE" => {
            let (x, ()) = sp_(ctx, x)?;
            return number(x).map(|(x, n)| (x, Code::Metadata(MetadataCode::MaxSize(n))));
        }
        b"TOOMANY" => MetadataCode::TooMany,
        b"NOPRIVATE" => MetadataCode::NoPrivate,
        _ => return fail(r, "LONGENTRIES, MAXSIZE, TOOMANY or NOPRIVATE"),
    };
    Ok((x, Code::Metadata(code)))
}

/// `rights = astring`, lowercase letters and digits only.
fn rights<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, Rights<'a>> {
    let (r, a) = astring(ctx, i)?;
    match Rights::new(a) {
        Ok(x) => Ok((r, x)),
        Err(_) => fail(i, "rights (lowercase letters and digits)"),
    }
}

/// `acl-data = "ACL" SP mailbox *(SP identifier SP rights)`, after the keyword.
pub(super) fn acl<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (mut r, mailbox) = mailbox(ctx, r)?;
    let mut entries = Vec::new();
    while let Some(x) = more(ctx, r) {
        let (x, id) = identifier(ctx, x)?;
        let (x, ()) = sp_(ctx, x)?;
        let (x, rs) = rights(ctx, x)?;
        entries.push((id, rs));
        r = x;
    }
    Ok((r, Data::Acl { mailbox, entries }))
}

/// `listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)`, after the
/// keyword.
pub(super) fn listrights<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, mailbox) = mailbox(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, identifier) = identifier(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (mut r, required) = rights(ctx, r)?;
    let mut optional = Vec::new();
    while let Some(x) = more(ctx, r) {
        let (x, rs) = rights(ctx, x)?;
        optional.push(rs);
        r = x;
    }
    Ok((
        r,
        Data::ListRights {
            mailbox,
            identifier,
            required,
            optional,
        },
    ))
}

/// `myrights-data = "MYRIGHTS" SP mailbox SP rights`, after the keyword.
pub(super) fn myrights<'a>(ctx: &Ctx, r: &'a [u8]) -> PResult<'a, Data<'a>> {
    let (r, ()) = sp_(ctx, r)?;
    let (r, mailbox) = mailbox(ctx, r)?;
    let (r, ()) = sp_(ctx, r)?;
    let (r, rights) = rights(ctx, r)?;
    Ok((r, Data::MyRights { mailbox, rights }))
}

/// Unknown untagged data, `* NAME ...` (`number` is `None`) or `* n NAME ...`: the name and
/// raw arguments.
pub(super) fn other<'a>(ctx: &Ctx, i: &'a [u8], number: Option<u32>) -> PResult<'a, Data<'a>> {
    let (r, (name, args)) = named_raw(ctx, i)?;
    Ok((r, Data::Other { number, name, args }))
}

/// The value of an `mbox-list-extended-item` tagged `tag`: CHILDINFO (RFC 5258 §6) and OLDNAME
/// (RFC 9051 §9) typed when they have their form, anything else as `tagged-ext-val`.
pub(super) fn list_extended_value<'a>(
    ctx: &Ctx,
    tag: &AString<'a>,
    i: &'a [u8],
) -> PResult<'a, ListExtendedValue<'a>> {
    let name = tag.as_bytes();
    if name.eq_ignore_ascii_case(b"CHILDINFO") {
        if let Ok((r, opts)) = paren_list(ctx, i, quoted) {
            if let Ok(v) = Vec1::try_from(opts) {
                return Ok((r, ListExtendedValue::ChildInfo(v)));
            }
        }
    } else if name.eq_ignore_ascii_case(b"OLDNAME") {
        let one = open(i)
            .and_then(|(x, ())| astring(ctx, x))
            .and_then(|(x, m)| {
                let (x, ()) = close(ctx, x)?;
                Ok((x, m))
            });
        if let Ok((r, m)) = one {
            return Ok((r, ListExtendedValue::OldName(m)));
        }
    }
    super::ext_val(ctx, i, 0).map(|(r, v)| (r, ListExtendedValue::Other(v)))
}
