//! [`IntoStatic`] for the types of the administrative extensions (ID, QUOTA, METADATA, ACL,
//! CREATE parameters, COMPRESS, UNAUTHENTICATE) and the generic forms.

use super::into_static::IntoStatic;
use super::*;

macro_rules! inherent {
    ($($t:ident),*) => {$(
        impl IntoStatic for $t<'_> {
            type Static = $t<'static>;
            fn into_static(self) -> $t<'static> { $t::into_static(self) }
        }
    )*};
}

inherent!(
    QuotaResourceName,
    MetadataEntry,
    MetadataValue,
    Rights,
    ModRights,
    AclIdentifier,
    IdParams,
    RawArgs,
    RawPart,
    CompressionAlgorithm
);

impl IntoStatic for MetadataCode {
    type Static = MetadataCode;
    fn into_static(self) -> Self {
        self
    }
}

impl IntoStatic for MetadataDepth {
    type Static = MetadataDepth;
    fn into_static(self) -> Self {
        self
    }
}

impl IntoStatic for QuotaResource<'_> {
    type Static = QuotaResource<'static>;
    fn into_static(self) -> Self::Static {
        QuotaResource {
            name: self.name.into_static(),
            usage: self.usage,
            limit: self.limit,
        }
    }
}

impl IntoStatic for QuotaLimit<'_> {
    type Static = QuotaLimit<'static>;
    fn into_static(self) -> Self::Static {
        QuotaLimit {
            name: self.name.into_static(),
            limit: self.limit,
        }
    }
}

impl IntoStatic for GetMetadataOption<'_> {
    type Static = GetMetadataOption<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            GetMetadataOption::MaxSize(n) => GetMetadataOption::MaxSize(n),
            GetMetadataOption::Depth(d) => GetMetadataOption::Depth(d),
            GetMetadataOption::Other(l, v) => {
                GetMetadataOption::Other(l.into_static(), v.into_static())
            }
        }
    }
}

impl IntoStatic for MetadataItems<'_> {
    type Static = MetadataItems<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            MetadataItems::Values(v) => MetadataItems::Values(v.into_static()),
            MetadataItems::Entries(e) => MetadataItems::Entries(e.into_static()),
        }
    }
}

impl IntoStatic for CreateParam<'_> {
    type Static = CreateParam<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            CreateParam::Use(a) => CreateParam::Use(a.into_static()),
            CreateParam::Other(l, v) => CreateParam::Other(l.into_static(), v.into_static()),
        }
    }
}

impl IntoStatic for ListExtendedValue<'_> {
    type Static = ListExtendedValue<'static>;
    fn into_static(self) -> Self::Static {
        match self {
            ListExtendedValue::ChildInfo(o) => ListExtendedValue::ChildInfo(o.into_static()),
            ListExtendedValue::OldName(m) => ListExtendedValue::OldName(m.into_static()),
            ListExtendedValue::Other(v) => ListExtendedValue::Other(v.into_static()),
        }
    }
}

/// The command bodies of these extensions.
pub(super) fn command_body(c: CommandBody<'_>) -> CommandBody<'static> {
    use CommandBody as C;
    match c {
        C::Id(p) => C::Id(p.into_static()),
        C::CreateWithParams { mailbox, params } => C::CreateWithParams {
            mailbox: mailbox.into_static(),
            params: params.into_static(),
        },
        C::GetQuota(r) => C::GetQuota(r.into_static()),
        C::GetQuotaRoot(m) => C::GetQuotaRoot(m.into_static()),
        C::SetQuota { root, limits } => C::SetQuota {
            root: root.into_static(),
            limits: limits.into_static(),
        },
        C::GetMetadata {
            options,
            mailbox,
            entries,
            entries_parenthesized,
        } => C::GetMetadata {
            options: options.into_static(),
            mailbox: mailbox.into_static(),
            entries: entries.into_static(),
            entries_parenthesized,
        },
        C::SetMetadata { mailbox, values } => C::SetMetadata {
            mailbox: mailbox.into_static(),
            values: values.into_static(),
        },
        C::SetAcl {
            mailbox,
            identifier,
            rights,
        } => C::SetAcl {
            mailbox: mailbox.into_static(),
            identifier: identifier.into_static(),
            rights: rights.into_static(),
        },
        C::DeleteAcl {
            mailbox,
            identifier,
        } => C::DeleteAcl {
            mailbox: mailbox.into_static(),
            identifier: identifier.into_static(),
        },
        C::GetAcl(m) => C::GetAcl(m.into_static()),
        C::ListRights {
            mailbox,
            identifier,
        } => C::ListRights {
            mailbox: mailbox.into_static(),
            identifier: identifier.into_static(),
        },
        C::MyRights(m) => C::MyRights(m.into_static()),
        C::Unauthenticate => C::Unauthenticate,
        C::Compress(a) => C::Compress(a.into_static()),
        C::Other { name, args } => C::Other {
            name: name.into_static(),
            args: args.into_static(),
        },
        // The caller passes only the variants above.
        _ => C::Noop,
    }
}

/// The untagged data of these extensions.
pub(super) fn data(d: Data<'_>) -> Data<'static> {
    match d {
        Data::Id(p) => Data::Id(p.into_static()),
        Data::Quota { root, resources } => Data::Quota {
            root: root.into_static(),
            resources: resources.into_static(),
        },
        Data::QuotaRoot { mailbox, roots } => Data::QuotaRoot {
            mailbox: mailbox.into_static(),
            roots: roots.into_static(),
        },
        Data::Metadata { mailbox, items } => Data::Metadata {
            mailbox: mailbox.into_static(),
            items: items.into_static(),
        },
        Data::Acl { mailbox, entries } => Data::Acl {
            mailbox: mailbox.into_static(),
            entries: entries.into_static(),
        },
        Data::ListRights {
            mailbox,
            identifier,
            required,
            optional,
        } => Data::ListRights {
            mailbox: mailbox.into_static(),
            identifier: identifier.into_static(),
            required: required.into_static(),
            optional: optional.into_static(),
        },
        Data::MyRights { mailbox, rights } => Data::MyRights {
            mailbox: mailbox.into_static(),
            rights: rights.into_static(),
        },
        Data::Other { number, name, args } => Data::Other {
            number,
            name: name.into_static(),
            args: args.into_static(),
        },
        // The caller passes only the variants above.
        _ => Data::Exists(0),
    }
}
