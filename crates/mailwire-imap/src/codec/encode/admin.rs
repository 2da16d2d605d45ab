//! Encoders for the administrative extensions: capabilities with arguments, ID (RFC 2971),
//! QUOTA (RFC 9208), METADATA (RFC 5464), ACL (RFC 4314), CREATE parameters (RFC 4466, RFC
//! 6154), UNAUTHENTICATE (RFC 8437), COMPRESS (RFC 4978), LIST extended items (RFC 5258) and the
//! generic forms of unknown commands and responses.

use super::{Encode, EncodeContext};
use crate::types::*;

/// Capabilities other than `AUTH=`, the four core ones and `Other`.
pub(super) fn capability(ctx: &mut EncodeContext, c: &Capability<'_>) {
    if let Some(name) = c.simple_name() {
        return ctx.push(name.as_bytes());
    }
    match c {
        Capability::Thread(a) => {
            ctx.push(b"THREAD=");
            a.encode_ctx(ctx);
        }
        Capability::QuotaRes(r) => {
            ctx.push(b"QUOTA=RES-");
            ctx.push(r.as_str().as_bytes());
        }
        Capability::Rights(a) => {
            ctx.push(b"RIGHTS=");
            a.encode_ctx(ctx);
        }
        Capability::AppendLimit(n) => {
            ctx.push(b"APPENDLIMIT");
            if let Some(n) = n {
                ctx.push_byte(b'=');
                ctx.push_number(u64::from(*n));
            }
        }
        Capability::Compress(a) => {
            ctx.push(b"COMPRESS=");
            ctx.push(a.as_str().as_bytes());
        }
        Capability::XGmExt1 => ctx.push(b"X-GM-EXT-1"),
        // The caller handles the others; nothing else reaches here.
        _ => {}
    }
}

/// `option-extension`: `name [SP option-value]` (RFC 5258 §6).
pub(super) fn option(ctx: &mut EncodeContext, name: &Atom<'_>, value: Option<&TaggedExtValue<'_>>) {
    name.encode_ctx(ctx);
    if let Some(v) = value {
        ctx.sp();
        v.encode_ctx(ctx);
    }
}

/// `METADATA LONGENTRIES n` etc., without the brackets.
impl Encode for MetadataCode {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(b"METADATA ");
        match self {
            MetadataCode::LongEntries(n) => {
                ctx.push(b"LONGENTRIES ");
                ctx.push_number(u64::from(*n));
            }
            MetadataCode::MaxSize(n) => {
                ctx.push(b"MAXSIZE ");
                ctx.push_number(u64::from(*n));
            }
            MetadataCode::TooMany => ctx.push(b"TOOMANY"),
            MetadataCode::NoPrivate => ctx.push(b"NOPRIVATE"),
        }
    }
}

impl Encode for ListExtendedValue<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            ListExtendedValue::ChildInfo(opts) => ctx.paren(opts),
            ListExtendedValue::OldName(m) => {
                ctx.push_byte(b'(');
                m.encode_ctx(ctx);
                ctx.push_byte(b')');
            }
            ListExtendedValue::Other(v) => v.encode_ctx(ctx),
        }
    }
}

/// `id_params_list = "(" #(string SPACE nstring) ")" / nil`.
impl Encode for IdParams<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self.pairs() {
            None => ctx.nil(),
            Some(pairs) => paren_pairs(ctx, pairs),
        }
    }
}

impl Encode for QuotaResourceName<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.as_str().as_bytes());
    }
}

/// `resource-name SP resource-usage SP resource-limit`.
impl Encode for QuotaResource<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.name.encode_ctx(ctx);
        ctx.sp();
        ctx.push_number(self.usage);
        ctx.sp();
        ctx.push_number(self.limit);
    }
}

/// `resource-name SP resource-limit`.
impl Encode for QuotaLimit<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.name.encode_ctx(ctx);
        ctx.sp();
        ctx.push_number(self.limit);
    }
}

impl Encode for MetadataEntry<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.as_astring().encode_ctx(ctx);
    }
}

/// `value = nstring / literal8`.
impl Encode for MetadataValue<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            MetadataValue::NString(s) => s.encode_ctx(ctx),
            MetadataValue::Literal8(l) => l.encode_ctx(ctx),
        }
    }
}

/// `"(" [a SP b *(SP a SP b)] ")"`: ID lists and `entry-values`.
fn paren_pairs<A: Encode, B: Encode>(ctx: &mut EncodeContext, pairs: &[(A, B)]) {
    ctx.push_byte(b'(');
    for (k, (a, b)) in pairs.iter().enumerate() {
        if k > 0 {
            ctx.sp();
        }
        a.encode_ctx(ctx);
        ctx.sp();
        b.encode_ctx(ctx);
    }
    ctx.push_byte(b')');
}

/// `MAXSIZE n`, `DEPTH d` or `label [SP value]`.
impl Encode for GetMetadataOption<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            GetMetadataOption::MaxSize(n) => {
                ctx.push(b"MAXSIZE ");
                ctx.push_number(u64::from(*n));
            }
            GetMetadataOption::Depth(d) => ctx.push(match d {
                MetadataDepth::Zero => b"DEPTH 0",
                MetadataDepth::One => b"DEPTH 1",
                MetadataDepth::Infinity => b"DEPTH infinity",
            }),
            GetMetadataOption::Other(label, value) => super::labelled(ctx, label, value.as_ref()),
        }
    }
}

impl Encode for AclIdentifier<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.0.encode_ctx(ctx);
    }
}

impl Encode for Rights<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.as_astring().encode_ctx(ctx);
    }
}

impl Encode for ModRights<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        self.as_astring().encode_ctx(ctx);
    }
}

/// `USE (attrs)` or `label [SP value]`.
impl Encode for CreateParam<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        match self {
            CreateParam::Use(attrs) => {
                ctx.push(b"USE ");
                ctx.paren(attrs);
            }
            CreateParam::Other(label, value) => super::labelled(ctx, label, value.as_ref()),
        }
    }
}

impl Encode for CompressionAlgorithm<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        ctx.push(self.as_str().as_bytes());
    }
}

/// The pieces as sent: text as is, literals with their announcements.
impl Encode for RawArgs<'_> {
    fn encode_ctx(&self, ctx: &mut EncodeContext) {
        for p in self.parts() {
            match p {
                RawPart::Text(t) => ctx.push(t),
                RawPart::Literal(l) => l.encode_ctx(ctx),
                RawPart::Literal8(l) => l.encode_ctx(ctx),
            }
        }
    }
}

/// `name [SP args]`.
fn raw(ctx: &mut EncodeContext, name: &Atom<'_>, args: Option<&RawArgs<'_>>) {
    name.encode_ctx(ctx);
    if let Some(a) = args {
        ctx.sp();
        a.encode_ctx(ctx);
    }
}

/// The data of the extensions in this module, after `"*" SP`.
pub(super) fn data(ctx: &mut EncodeContext, d: &Data<'_>) {
    match d {
        Data::Id(p) => {
            ctx.push(b"ID ");
            p.encode_ctx(ctx);
        }
        Data::Quota { root, resources } => {
            ctx.push(b"QUOTA ");
            root.encode_ctx(ctx);
            ctx.sp();
            ctx.paren(resources);
        }
        Data::QuotaRoot { mailbox, roots } => {
            ctx.push(b"QUOTAROOT ");
            mailbox.encode_ctx(ctx);
            for r in roots {
                ctx.sp();
                r.encode_ctx(ctx);
            }
        }
        Data::Metadata { mailbox, items } => {
            ctx.push(b"METADATA ");
            mailbox.encode_ctx(ctx);
            ctx.sp();
            match items {
                MetadataItems::Values(v) => paren_pairs(ctx, v),
                MetadataItems::Entries(e) => ctx.join(e),
            }
        }
        Data::Acl { mailbox, entries } => {
            ctx.push(b"ACL ");
            mailbox.encode_ctx(ctx);
            for (id, rights) in entries {
                ctx.sp();
                id.encode_ctx(ctx);
                ctx.sp();
                rights.encode_ctx(ctx);
            }
        }
        Data::ListRights {
            mailbox,
            identifier,
            required,
            optional,
        } => {
            ctx.push(b"LISTRIGHTS ");
            mailbox.encode_ctx(ctx);
            ctx.sp();
            identifier.encode_ctx(ctx);
            ctx.sp();
            required.encode_ctx(ctx);
            for r in optional {
                ctx.sp();
                r.encode_ctx(ctx);
            }
        }
        Data::MyRights { mailbox, rights } => {
            ctx.push(b"MYRIGHTS ");
            mailbox.encode_ctx(ctx);
            ctx.sp();
            rights.encode_ctx(ctx);
        }
        Data::Other { number, name, args } => {
            if let Some(n) = number {
                ctx.push_number(u64::from(*n));
                ctx.sp();
            }
            raw(ctx, name, args.as_ref());
        }
        // The caller handles the others; nothing else reaches here.
        _ => {}
    }
}

/// The commands of the extensions in this module, without tag and CRLF.
pub(super) fn command_body(ctx: &mut EncodeContext, c: &CommandBody<'_>) {
    use CommandBody as C;
    fn mailbox_id(ctx: &mut EncodeContext, name: &[u8], m: &Mailbox<'_>, id: &AclIdentifier<'_>) {
        ctx.push(name);
        m.encode_ctx(ctx);
        ctx.sp();
        id.encode_ctx(ctx);
    }
    match c {
        C::Id(p) => {
            ctx.push(b"ID ");
            p.encode_ctx(ctx);
        }
        C::CreateWithParams { mailbox, params } => {
            ctx.push(b"CREATE ");
            mailbox.encode_ctx(ctx);
            ctx.sp();
            ctx.paren(params);
        }
        C::GetQuota(root) => {
            ctx.push(b"GETQUOTA ");
            root.encode_ctx(ctx);
        }
        C::GetQuotaRoot(m) => {
            ctx.push(b"GETQUOTAROOT ");
            m.encode_ctx(ctx);
        }
        C::SetQuota { root, limits } => {
            ctx.push(b"SETQUOTA ");
            root.encode_ctx(ctx);
            ctx.sp();
            ctx.paren(limits);
        }
        C::GetMetadata {
            options,
            mailbox,
            entries,
            entries_parenthesized,
        } => {
            ctx.push(b"GETMETADATA ");
            if let Some(o) = options {
                ctx.paren(o);
                ctx.sp();
            }
            mailbox.encode_ctx(ctx);
            ctx.sp();
            if entries.len() > 1 || *entries_parenthesized {
                ctx.paren(entries);
            } else {
                entries.first().encode_ctx(ctx);
            }
        }
        C::SetMetadata { mailbox, values } => {
            ctx.push(b"SETMETADATA ");
            mailbox.encode_ctx(ctx);
            ctx.sp();
            paren_pairs(ctx, values);
        }
        C::SetAcl {
            mailbox,
            identifier,
            rights,
        } => {
            mailbox_id(ctx, b"SETACL ", mailbox, identifier);
            ctx.sp();
            rights.encode_ctx(ctx);
        }
        C::DeleteAcl {
            mailbox,
            identifier,
        } => mailbox_id(ctx, b"DELETEACL ", mailbox, identifier),
        C::GetAcl(m) => {
            ctx.push(b"GETACL ");
            m.encode_ctx(ctx);
        }
        C::ListRights {
            mailbox,
            identifier,
        } => mailbox_id(ctx, b"LISTRIGHTS ", mailbox, identifier),
        C::MyRights(m) => {
            ctx.push(b"MYRIGHTS ");
            m.encode_ctx(ctx);
        }
        C::Unauthenticate => ctx.push(b"UNAUTHENTICATE"),
        C::Compress(a) => {
            ctx.push(b"COMPRESS ");
            a.encode_ctx(ctx);
        }
        C::Other { name, args } => raw(ctx, name, args.as_ref()),
        // The caller handles the others; nothing else reaches here.
        _ => {}
    }
}
