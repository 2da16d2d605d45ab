//! Command parsers for the administrative extensions: ID (RFC 2971), CREATE parameters (RFC
//! 4466 §2.2, RFC 6154 §6), QUOTA (RFC 9208 §7, RFC 2087), METADATA (RFC 5464 §5), ACL (RFC 4314
//! §7), COMPRESS (RFC 4978 §5), and unknown commands.

use super::super::core::*;
use super::super::raw::named_raw;
use super::{more, non_empty, then_sp, upcase, word};
use crate::codec::ErrorKind;
use crate::types::*;

/// `id_params_list = "(" #(string SPACE nstring) ")" / nil` (RFC 2971 §4), within the bounds of
/// RFC 2971 §3.3.
pub(crate) fn id_params<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, IdParams<'a>> {
    if i.first() != Some(&b'(') {
        return nil(i).map(|(r, ())| (r, IdParams::NIL));
    }
    let (mut r, ()) = open(i)?;
    let mut pairs = Vec::new();
    if let Ok((x, ())) = close(ctx, r) {
        return Ok((x, IdParams::new(pairs).unwrap_or_default()));
    }
    loop {
        if pairs.len() == ID_MAX_PAIRS {
            return cut(
                r,
                ErrorKind::Syntax {
                    expected: "at most 30 ID field/value pairs",
                },
            );
        }
        let (x, field) = string(ctx, r)?;
        if field.as_bytes().len() > ID_MAX_FIELD {
            return cut(
                r,
                ErrorKind::Syntax {
                    expected: "an ID field of at most 30 octets",
                },
            );
        }
        let x = then_sp(ctx, x)?;
        let (x, value) = nstring(ctx, x)?;
        if value.as_bytes().is_some_and(|v| v.len() > ID_MAX_VALUE) {
            return cut(
                x,
                ErrorKind::Syntax {
                    expected: "an ID value of at most 1024 octets",
                },
            );
        }
        pairs.push((field, value));
        if let Ok((y, ())) = close(ctx, x) {
            return match IdParams::new(pairs) {
                Ok(p) => Ok((y, p)),
                Err(_) => fail(i, "ID list"),
            };
        }
        r = then_sp(ctx, x)?;
    }
}

/// `"ID" SP id_params_list`, after `ID SP`.
pub(super) fn id<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    id_params(ctx, i).map(|(r, p)| (r, CommandBody::Id(p)))
}

/// `create = "CREATE" SP mailbox [create-params]`, after `CREATE SP` (RFC 4466 §2.2).
pub(super) fn create<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, mailbox) = mailbox(ctx, i)?;
    if !more(ctx, r) {
        return Ok((r, CommandBody::Create(mailbox)));
    }
    let x = then_sp(ctx, r)?;
    let (x, params) = paren_list(ctx, x, |y| create_param(ctx, y))?;
    let params = non_empty(x, params, "create parameter")?;
    Ok((x, CommandBody::CreateWithParams { mailbox, params }))
}

/// `create-param = create-param-name [SP create-param-value]`; `USE (use-attr ...)` (RFC 6154
/// §6).
fn create_param<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CreateParam<'a>> {
    let (r, label) = tagged_label(i)?;
    if label.as_str().eq_ignore_ascii_case("USE") {
        let r = then_sp(ctx, r)?;
        let (r, attrs) = paren_list(ctx, r, use_attr)?;
        return Ok((r, CreateParam::Use(attrs)));
    }
    let (r, value) = super::ext_value(ctx, r, true)?;
    Ok((r, CreateParam::Other(label, value)))
}

/// `use-attr = "\All" / "\Archive" / ... / "\" atom` (RFC 6154 §6).
fn use_attr(i: &[u8]) -> PResult<'_, MailboxAttribute<'_>> {
    let Some(r) = i.strip_prefix(b"\\") else {
        return fail(i, "special-use attribute");
    };
    let (r, a) = atom(r)?;
    let known = MailboxAttribute::KNOWN
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(a.as_str()))
        .map(|(_, k)| k.clone());
    Ok((r, known.unwrap_or(MailboxAttribute::Extension(a))))
}

/// `resource-name` (RFC 9208 §7).
fn resource_name(i: &[u8]) -> PResult<'_, QuotaResourceName<'_>> {
    atom(i).map(|(r, a)| (r, QuotaResourceName::from_atom(a)))
}

/// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list`, after `SETQUOTA SP`.
pub(super) fn setquota<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, root) = astring(ctx, i)?;
    let r = then_sp(ctx, r)?;
    let (r, limits) = paren_list(ctx, r, |x| {
        let (x, name) = resource_name(x)?;
        let (x, limit) = number64(then_sp(ctx, x)?)?;
        Ok((x, QuotaLimit { name, limit }))
    })?;
    Ok((r, CommandBody::SetQuota { root, limits }))
}

/// `entry = astring` with the name rules of RFC 5464 §3.2.
pub(crate) fn metadata_entry<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, MetadataEntry<'a>> {
    let (r, a) = astring(ctx, i)?;
    match MetadataEntry::new(a) {
        Ok(e) => Ok((r, e)),
        Err(_) => fail(i, "metadata entry name (RFC 5464 §3.2)"),
    }
}

/// `value = nstring / literal8`.
pub(crate) fn metadata_value<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, MetadataValue<'a>> {
    if i.first() == Some(&b'~') {
        return literal8(ctx, i).map(|(r, l)| (r, MetadataValue::Literal8(l)));
    }
    nstring(ctx, i).map(|(r, s)| (r, MetadataValue::NString(s)))
}

/// `entry-values = "(" entry-value *(SP entry-value) ")"`.
pub(crate) fn entry_values<'a>(
    ctx: &Ctx,
    i: &'a [u8],
) -> PResult<'a, Vec1<(MetadataEntry<'a>, MetadataValue<'a>)>> {
    let (r, v) = paren_list(ctx, i, |x| {
        let (x, e) = metadata_entry(ctx, x)?;
        let (x, v) = metadata_value(ctx, then_sp(ctx, x)?)?;
        Ok((x, (e, v)))
    })?;
    Ok((r, non_empty(i, v, "entry value")?))
}

/// `getmetadata-option` (RFC 5464 §5): `MAXSIZE n`, `DEPTH 0/1/infinity` or another option.
fn getmetadata_option<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, GetMetadataOption<'a>> {
    let (r, label) = tagged_label(i)?;
    let mut buf = [0u8; super::NAME_MAX];
    match upcase(label.as_str().as_bytes(), &mut buf) {
        b"MAXSIZE" => {
            let (r, n) = number(then_sp(ctx, r)?)?;
            Ok((r, GetMetadataOption::MaxSize(n)))
        }
        b"DEPTH" => {
            let x = then_sp(ctx, r)?;
            let (y, w) = word(x, is_atom_char);
            let mut b2 = [0u8; super::NAME_MAX];
            let depth = match upcase(w, &mut b2) {
                b"0" => MetadataDepth::Zero,
                b"1" => MetadataDepth::One,
                b"INFINITY" => MetadataDepth::Infinity,
                _ => return fail(x, "0, 1 or infinity"),
            };
            Ok((y, GetMetadataOption::Depth(depth)))
        }
        _ => {
            let (r, value) = super::ext_value(ctx, r, true)?;
            Ok((r, GetMetadataOption::Other(label, value)))
        }
    }
}

/// `getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries`, after
/// `GETMETADATA SP`.
pub(super) fn getmetadata<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, options) = if i.first() == Some(&b'(') {
        let (r, opts) = paren_list(ctx, i, |x| getmetadata_option(ctx, x))?;
        (
            then_sp(ctx, r)?,
            Some(non_empty(i, opts, "GETMETADATA option")?),
        )
    } else {
        (i, None)
    };
    let (r, mailbox) = mailbox(ctx, r)?;
    let r = then_sp(ctx, r)?;
    let (r, entries, entries_parenthesized) = if r.first() == Some(&b'(') {
        let (x, e) = paren_list(ctx, r, |x| metadata_entry(ctx, x))?;
        (x, non_empty(r, e, "entry")?, true)
    } else {
        let (x, e) = metadata_entry(ctx, r)?;
        (x, Vec1::one(e), false)
    };
    Ok((
        r,
        CommandBody::GetMetadata {
            options,
            mailbox,
            entries,
            entries_parenthesized,
        },
    ))
}

/// `setmetadata = "SETMETADATA" SP mailbox SP entry-values`, after `SETMETADATA SP`.
pub(super) fn setmetadata<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, mailbox) = mailbox(ctx, i)?;
    let (r, values) = entry_values(ctx, then_sp(ctx, r)?)?;
    Ok((r, CommandBody::SetMetadata { mailbox, values }))
}

/// `identifier = astring`.
pub(crate) fn identifier<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, AclIdentifier<'a>> {
    astring(ctx, i).map(|(r, a)| (r, AclIdentifier(a)))
}

/// `mailbox SP identifier`.
fn mailbox_identifier<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, (Mailbox<'a>, AclIdentifier<'a>)> {
    let (r, m) = mailbox(ctx, i)?;
    let (r, id) = identifier(ctx, then_sp(ctx, r)?)?;
    Ok((r, (m, id)))
}

/// `setacl = "SETACL" SP mailbox SP identifier SP mod-rights`, after `SETACL SP`.
pub(super) fn setacl<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, (mailbox, identifier)) = mailbox_identifier(ctx, i)?;
    let x = then_sp(ctx, r)?;
    let (r, a) = astring(ctx, x)?;
    let rights = match ModRights::new(a) {
        Ok(m) => m,
        Err(_) => {
            return cut(
                x,
                ErrorKind::Syntax {
                    expected: "rights: [+-] and lowercase letters or digits",
                },
            );
        }
    };
    Ok((
        r,
        CommandBody::SetAcl {
            mailbox,
            identifier,
            rights,
        },
    ))
}

/// `deleteacl` / `listrights`: `mailbox SP identifier`.
pub(super) fn acl_pair<'a>(ctx: &Ctx, i: &'a [u8], list: bool) -> PResult<'a, CommandBody<'a>> {
    let (r, (mailbox, identifier)) = mailbox_identifier(ctx, i)?;
    let body = if list {
        CommandBody::ListRights {
            mailbox,
            identifier,
        }
    } else {
        CommandBody::DeleteAcl {
            mailbox,
            identifier,
        }
    };
    Ok((r, body))
}

/// `compress = "COMPRESS" SP algorithm`, after `COMPRESS SP`.
pub(super) fn compress(i: &[u8]) -> PResult<'_, CommandBody<'_>> {
    atom(i).map(|(r, a)| (r, CommandBody::Compress(CompressionAlgorithm::from_atom(a))))
}

/// A command this crate does not know: its name and raw arguments.
pub(super) fn other<'a>(ctx: &Ctx, i: &'a [u8]) -> PResult<'a, CommandBody<'a>> {
    let (r, (name, args)) = named_raw(ctx, i)?;
    Ok((r, CommandBody::Other { name, args }))
}

/// `option-extension`: an atom and an optional parenthesized value (RFC 5258 §6).
pub(super) fn list_option_other<'a>(
    ctx: &Ctx,
    i: &'a [u8],
) -> PResult<'a, (Atom<'a>, Option<TaggedExtValue<'a>>)> {
    let (r, name) = atom(i)?;
    let (r, value) = super::ext_value(ctx, r, false)?;
    Ok((r, (name, value)))
}
