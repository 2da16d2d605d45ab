//! Known answers for the administrative extensions and the generic forms: capabilities (every
//! listed extension), ID (RFC 2971), QUOTA (RFC 9208, RFC 2087), METADATA (RFC 5464), ACL (RFC
//! 4314), CREATE-SPECIAL-USE (RFC 6154, RFC 4466), LIST-EXTENDED items and options (RFC 5258),
//! COMPRESS (RFC 4978), UNAUTHENTICATE (RFC 8437), and unknown commands and responses.
//!
//! The RFC examples themselves run as transcripts (tests/vectors/*.trace); these tests pin the
//! typed values they decode to, and the bounds and refusals.

use mailwire_imap::codec::{DecodeError, Encode, Options, decode_command, decode_response};
use mailwire_imap::types::*;

fn line(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.extend_from_slice(b"\r\n");
    v
}

fn response(s: &str) -> Response<'static> {
    let wire = line(s);
    let (rest, r) =
        decode_response(&wire, &Options::responses()).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    assert!(rest.is_empty(), "{s}");
    // Each decodes back from its encoding.
    let again = r.encode().dump();
    let (_, r2) = decode_response(&again, &Options::responses()).unwrap();
    assert_eq!(r2, r, "{s}");
    r.into_static()
}

fn data(s: &str) -> Data<'static> {
    match response(s) {
        Response::Data(d) => d,
        other => panic!("{s}: {other:?}"),
    }
}

fn command(s: &str) -> CommandBody<'static> {
    let wire = line(s);
    let (rest, c) =
        decode_command(&wire, &Options::commands()).unwrap_or_else(|e| panic!("{s}: {e:?}"));
    assert!(rest.is_empty(), "{s}");
    let again = c.encode().dump();
    let (_, c2) = decode_command(&again, &Options::commands()).unwrap();
    assert_eq!(c2, c, "{s}");
    c.body.into_static()
}

fn command_fails(s: &str) {
    let wire = line(s);
    assert!(
        matches!(
            decode_command(&wire, &Options::commands()),
            Err(DecodeError::Failed(_))
        ),
        "{s} should fail"
    );
}

fn response_fails(s: &str) {
    let wire = line(s);
    assert!(
        matches!(
            decode_response(&wire, &Options::responses()),
            Err(DecodeError::Failed(_))
        ),
        "{s} should fail"
    );
}

fn q(s: &str) -> IString<'static> {
    IString::Quoted(Quoted::new(s.as_bytes().to_vec()).unwrap())
}

fn aq(s: &str) -> AString<'static> {
    AString::String(q(s))
}

fn aa(s: &'static str) -> AString<'static> {
    AString::Atom(AtomExt::new(s).unwrap())
}

fn atom(s: &'static str) -> Atom<'static> {
    Atom::new(s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

#[test]
fn every_listed_capability_is_typed_and_encodes_back() {
    let wire = "IDLE ENABLE UIDPLUS MOVE CONDSTORE QRESYNC LITERAL+ LITERAL- SASL-IR ID NAMESPACE \
        UNSELECT CHILDREN SPECIAL-USE CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH \
        SEARCHRES WITHIN SORT SORT=DISPLAY THREAD=REFERENCES THREAD=ORDEREDSUBJECT QUOTA \
        QUOTA=RES-STORAGE QUOTA=RES-MESSAGE QUOTA=RES-MAILBOX QUOTA=RES-ANNOTATION-STORAGE \
        QUOTA=RES-X-FOO QUOTASET METADATA METADATA-SERVER BINARY UTF8=ACCEPT UTF8=ONLY \
        STATUS=SIZE OBJECTID PREVIEW UNAUTHENTICATE ACL RIGHTS=texk MULTIAPPEND APPENDLIMIT \
        APPENDLIMIT=35651584 SAVEDATE UIDONLY COMPRESS=DEFLATE X-GM-EXT-1 IMAP4rev1 IMAP4rev2 \
        STARTTLS LOGINDISABLED AUTH=PLAIN";
    let Data::Capability(caps) = data(&format!("* CAPABILITY {wire}")) else {
        panic!()
    };
    let others: Vec<_> = caps
        .iter()
        .filter(|c| matches!(c, Capability::Other(_)))
        .collect();
    assert!(others.is_empty(), "untyped: {others:?}");
    assert_eq!(caps.len(), wire.split_whitespace().count());
    use Capability as C;
    let expect_some = [
        C::Idle,
        C::LiteralMinus,
        C::SortDisplay,
        C::Thread(atom("REFERENCES")),
        C::QuotaRes(QuotaResourceName::AnnotationStorage),
        C::QuotaRes(QuotaResourceName::Other(atom("X-FOO"))),
        C::Rights(atom("texk")),
        C::AppendLimit(None),
        C::AppendLimit(Some(35_651_584)),
        C::Compress(CompressionAlgorithm::Deflate),
        C::XGmExt1,
        C::Unauthenticate,
    ];
    for c in expect_some {
        assert!(caps.contains(&c), "{c:?}");
    }
    // Canonical spellings encode back byte for byte.
    assert_eq!(
        Response::Data(Data::Capability(caps)).encode().dump(),
        line(&format!("* CAPABILITY {wire}"))
    );
}

#[test]
fn capability_classification_is_case_insensitive_and_keeps_arguments() {
    let Data::Capability(caps) = data(
        "* CAPABILITY idle compress=deflate Compress=LZW thread=refs quota=res-storage \
         appendlimit=007 APPENDLIMIT=99999999999 RIGHTS= THREAD= X-GOOD-IDEA",
    ) else {
        panic!()
    };
    assert_eq!(
        caps.as_slice(),
        &[
            Capability::Idle,
            Capability::Compress(CompressionAlgorithm::Deflate),
            Capability::Compress(CompressionAlgorithm::Other(atom("LZW"))),
            Capability::Thread(atom("refs")),
            Capability::QuotaRes(QuotaResourceName::Storage),
            // Not a canonical number, or beyond 32 bits, or no argument: kept as sent.
            Capability::Other(atom("appendlimit=007")),
            Capability::Other(atom("APPENDLIMIT=99999999999")),
            Capability::Other(atom("RIGHTS=")),
            Capability::Other(atom("THREAD=")),
            Capability::Other(atom("X-GOOD-IDEA")),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// ID (RFC 2971)
// ---------------------------------------------------------------------------------------------

#[test]
fn id_command_and_response() {
    // RFC 2971 §3.1.
    let CommandBody::Id(p) =
        command(r#"a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")"#)
    else {
        panic!()
    };
    assert_eq!(p.pairs().unwrap().len(), 3);
    assert_eq!(
        p.get("VERSION").and_then(NString::as_bytes),
        Some(&b"19.34"[..])
    );
    assert_eq!(command("a042 ID NIL"), CommandBody::Id(IdParams::NIL));
    assert_eq!(data("* ID NIL"), Data::Id(IdParams::NIL));
    // The list may be empty ("#" allows zero pairs) and values NIL.
    assert_eq!(
        command("a ID ()"),
        CommandBody::Id(IdParams::new(vec![]).unwrap())
    );
    let Data::Id(p) = data(r#"* ID ("name" "Cyrus" "os" NIL)"#) else {
        panic!()
    };
    assert_eq!(p.get("os"), Some(&NString(None)));
}

#[test]
fn id_bounds_of_rfc2971_section_3_3() {
    let pair = |k: usize| format!("\"f{k}\" \"v\"");
    let thirty: Vec<String> = (0..30).map(pair).collect();
    command(&format!("a ID ({})", thirty.join(" ")));
    let thirty_one: Vec<String> = (0..31).map(pair).collect();
    command_fails(&format!("a ID ({})", thirty_one.join(" ")));
    response_fails(&format!("* ID ({})", thirty_one.join(" ")));
    command(&format!("a ID (\"{}\" NIL)", "f".repeat(30)));
    command_fails(&format!("a ID (\"{}\" NIL)", "f".repeat(31)));
    command(&format!("a ID (\"f\" \"{}\")", "v".repeat(1024)));
    command_fails(&format!("a ID (\"f\" \"{}\")", "v".repeat(1025)));
    assert!(IdParams::from_pairs(&[("x".repeat(31).as_str(), None)]).is_err());
    assert!(IdParams::new((0..31).map(|_| (q("a"), NString(None))).collect()).is_err());
    // Fields are strings, not atoms.
    command_fails("a ID (name \"x\")");
}

// ---------------------------------------------------------------------------------------------
// QUOTA (RFC 9208, RFC 2087)
// ---------------------------------------------------------------------------------------------

#[test]
fn quota_commands_and_responses() {
    assert_eq!(
        command(r#"G0001 GETQUOTA "!partition/sda4""#),
        CommandBody::GetQuota(aq("!partition/sda4"))
    );
    assert_eq!(
        command("G0002 GETQUOTAROOT INBOX"),
        CommandBody::GetQuotaRoot(Mailbox::Inbox)
    );
    assert_eq!(
        command(r##"S0001 SETQUOTA "#user/alice" (STORAGE 510 x-foo 7)"##),
        CommandBody::SetQuota {
            root: aq("#user/alice"),
            limits: vec![
                QuotaLimit {
                    name: QuotaResourceName::Storage,
                    limit: 510
                },
                QuotaLimit {
                    name: QuotaResourceName::Other(atom("x-foo")),
                    limit: 7
                },
            ],
        }
    );
    // RFC 9208 §4.1.3: an empty list removes all limits.
    assert_eq!(
        command(r#"a SETQUOTA "" ()"#),
        CommandBody::SetQuota {
            root: aq(""),
            limits: vec![]
        }
    );
    assert_eq!(
        data(r##"* QUOTA "#user/alice" (STORAGE 54 111 MESSAGE 42 1000)"##),
        Data::Quota {
            root: aq("#user/alice"),
            resources: vec![
                QuotaResource {
                    name: QuotaResourceName::Storage,
                    usage: 54,
                    limit: 111
                },
                QuotaResource {
                    name: QuotaResourceName::Message,
                    usage: 42,
                    limit: 1000
                },
            ],
        }
    );
    // RFC 2087 §5.1: an empty list, no limits; 64-bit numbers (RFC 9208 number64).
    assert_eq!(
        data(r#"* QUOTA "" ()"#),
        Data::Quota {
            root: aq(""),
            resources: vec![]
        }
    );
    let Data::Quota { resources, .. } =
        data("* QUOTA r (ANNOTATION-STORAGE 5000000000 9000000000)")
    else {
        panic!()
    };
    assert_eq!(resources[0].name, QuotaResourceName::AnnotationStorage);
    assert_eq!(resources[0].usage, 5_000_000_000);
    assert_eq!(
        data("* QUOTAROOT comp.mail.mime"),
        Data::QuotaRoot {
            mailbox: Mailbox::Other(aa("comp.mail.mime")),
            roots: vec![]
        }
    );
    assert_eq!(
        data(r##"* QUOTAROOT INBOX "#user/alice" "!partition/sda4""##),
        Data::QuotaRoot {
            mailbox: Mailbox::Inbox,
            roots: vec![aq("#user/alice"), aq("!partition/sda4")]
        }
    );
    // RFC 9208 §4.1.4.
    assert_eq!(
        command("S0003 STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)"),
        CommandBody::Status {
            mailbox: Mailbox::Inbox,
            attributes: Vec1::try_from(vec![
                StatusAttribute::Messages,
                StatusAttribute::Deleted,
                StatusAttribute::DeletedStorage
            ])
            .unwrap(),
        }
    );
    assert_eq!(
        data("* STATUS INBOX (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)"),
        Data::Status {
            mailbox: Mailbox::Inbox,
            values: vec![
                StatusValue::Messages(12),
                StatusValue::Deleted(4),
                StatusValue::DeletedStorage(8)
            ],
        }
    );
    response_fails("* QUOTA r (STORAGE 1)");
    command_fails("a SETQUOTA r (STORAGE)");
}

// ---------------------------------------------------------------------------------------------
// METADATA (RFC 5464)
// ---------------------------------------------------------------------------------------------

fn entry(s: &'static str) -> MetadataEntry<'static> {
    MetadataEntry::parse(s).unwrap()
}

#[test]
fn metadata_commands() {
    assert_eq!(
        command(r#"a GETMETADATA "" /shared/comment"#),
        CommandBody::GetMetadata {
            options: None,
            mailbox: Mailbox::Other(aq("")),
            entries: Vec1::one(entry("/shared/comment")),
            entries_parenthesized: false,
        }
    );
    assert_eq!(
        command(r#"a GETMETADATA (MAXSIZE 1024 DEPTH infinity X-FOO (1 2)) "INBOX" (/a/b)"#),
        CommandBody::GetMetadata {
            options: Some(
                Vec1::try_from(vec![
                    GetMetadataOption::MaxSize(1024),
                    GetMetadataOption::Depth(MetadataDepth::Infinity),
                    GetMetadataOption::Other(
                        TaggedLabel::new("X-FOO").unwrap(),
                        Some(TaggedExtValue::Comp(Some(TaggedExtComp::Many(
                            Vec1::try_from(vec![
                                TaggedExtComp::AString(aa("1")),
                                TaggedExtComp::AString(aa("2"))
                            ])
                            .unwrap()
                        ))))
                    ),
                ])
                .unwrap()
            ),
            mailbox: Mailbox::Inbox,
            entries: Vec1::one(MetadataEntry::new(aa("/a/b")).unwrap()),
            entries_parenthesized: true,
        }
    );
    for d in ["0", "1", "INFINITY"] {
        command(&format!("a GETMETADATA (DEPTH {d}) x /a/b"));
    }
    command_fails("a GETMETADATA (DEPTH 2) x /a/b");
    // RFC 5464 §4.3, with a binary value and NIL.
    let CommandBody::SetMetadata { values, .. } =
        command("a SETMETADATA INBOX (/private/comment ~{3}\r\na\0b /shared/x NIL)")
    else {
        panic!()
    };
    assert_eq!(values[0].1.as_bytes(), Some(&b"a\0b"[..]));
    assert_eq!(values[1].1, MetadataValue::NString(NString(None)));
}

#[test]
fn metadata_entry_names_are_validated() {
    for bad in [
        "/shared//comment",
        "/shared/comment/",
        "/shared/com*ment",
        "/shared/50%",
        "shared/comment",
        "/",
    ] {
        assert!(MetadataEntry::parse(bad).is_err(), "{bad}");
        command_fails(&format!("a GETMETADATA \"\" \"{bad}\""));
    }
    assert!(MetadataEntry::new(aq("/shared/caf\u{e9}")).is_err());
    assert_eq!(
        entry("/PRIVATE/vendor/x").scope(),
        Some(MetadataScope::Private)
    );
    assert_eq!(entry("/shared/a b").scope(), Some(MetadataScope::Shared));
    assert_eq!(entry("/other/a").scope(), None);
}

#[test]
fn metadata_responses_and_codes() {
    assert_eq!(
        data(
            r#"* METADATA "INBOX" (/private/comment "My comment" /shared/comment "Its sunny outside!")"#
        ),
        Data::Metadata {
            mailbox: Mailbox::Inbox,
            items: MetadataItems::Values(
                Vec1::try_from(vec![
                    (
                        entry("/private/comment"),
                        MetadataValue::NString(NString(Some(q("My comment"))))
                    ),
                    (
                        entry("/shared/comment"),
                        MetadataValue::NString(NString(Some(q("Its sunny outside!"))))
                    ),
                ])
                .unwrap()
            ),
        }
    );
    assert_eq!(
        data(r#"* METADATA "INBOX" /shared/comment /private/comment"#),
        Data::Metadata {
            mailbox: Mailbox::Inbox,
            items: MetadataItems::Entries(
                Vec1::try_from(vec![entry("/shared/comment"), entry("/private/comment")]).unwrap()
            ),
        }
    );
    let code = |s: &str| match response(s) {
        Response::Status(Status::Tagged { code, .. }) => code.unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code("a OK [METADATA LONGENTRIES 2199] GETMETADATA complete"),
        Code::Metadata(MetadataCode::LongEntries(2199))
    );
    assert_eq!(
        code("a NO [METADATA MAXSIZE 1024] too big"),
        Code::Metadata(MetadataCode::MaxSize(1024))
    );
    assert_eq!(
        code("a NO [METADATA TOOMANY] SETMETADATA failed"),
        Code::Metadata(MetadataCode::TooMany)
    );
    assert_eq!(
        code("a NO [METADATA NOPRIVATE] x"),
        Code::Metadata(MetadataCode::NoPrivate)
    );
    // An unknown METADATA condition stays a generic code, kept as sent.
    assert_eq!(
        code("a NO [METADATA X-FOO 3] x"),
        Code::Other {
            name: atom("METADATA"),
            text: Some(Text::new(&b"X-FOO 3"[..]).unwrap())
        }
    );
    assert_eq!(code("t3 NO [USEATTR] \\All not supported"), Code::UseAttr);
    assert_eq!(
        code("c NO [COMPRESSIONACTIVE] DEFLATE active via TLS"),
        Code::CompressionActive
    );
}

// ---------------------------------------------------------------------------------------------
// ACL (RFC 4314)
// ---------------------------------------------------------------------------------------------

#[test]
fn acl_commands_and_responses() {
    let CommandBody::SetAcl {
        mailbox,
        identifier,
        rights,
    } = command("A002 SETACL INBOX/Drafts Chris +cda")
    else {
        panic!()
    };
    assert_eq!(mailbox, Mailbox::Other(aa("INBOX/Drafts")));
    assert_eq!(identifier, AclIdentifier(aa("Chris")));
    assert_eq!(rights.mode(), RightsMode::Add);
    assert_eq!(
        rights.rights().collect::<Vec<_>>(),
        vec![Right::LegacyCreate, Right::LegacyDelete, Right::Administer]
    );
    assert_eq!(
        command("B002 DeleteAcl INBOX -Fred"),
        CommandBody::DeleteAcl {
            mailbox: Mailbox::Inbox,
            identifier: AclIdentifier(aa("-Fred"))
        }
    );
    assert!(matches!(
        command("a001 LISTRIGHTS ~/Mail/saved smith"),
        CommandBody::ListRights { .. }
    ));
    assert_eq!(
        command("A003 MYRIGHTS INBOX"),
        CommandBody::MyRights(Mailbox::Inbox)
    );
    assert_eq!(
        command("A002 getacl INBOX"),
        CommandBody::GetAcl(Mailbox::Inbox)
    );
    // RFC 4314 §3.1 A035: uppercase rights are refused (BAD); a lowercase unknown right is
    // syntax the server may refuse itself (A036).
    command_fails("A035 SETACL INBOX/Drafts John lrQswicda");
    command("A036 SETACL INBOX/Drafts John lrqswicda");
    command_fails("a SETACL INBOX John +-a");

    let Data::Acl { entries, .. } = data("* ACL INBOX Fred rwipslxetad -Fred wetd $team w") else {
        panic!()
    };
    assert_eq!(entries.len(), 3);
    assert!(entries[1].0.is_negative());
    assert!(entries[0].1.contains(Right::Expunge));
    assert!(!entries[2].1.contains(Right::Read));
    assert_eq!(
        data("* ACL INBOX"),
        Data::Acl {
            mailbox: Mailbox::Inbox,
            entries: vec![]
        }
    );
    let Data::ListRights {
        identifier,
        required,
        optional,
        ..
    } = data(
        r#"* LISTRIGHTS archive.imap anyone "" l r s w i p k x t e c d a 0 1 2 3 4 5 6 7 8 9"#,
    )
    else {
        panic!()
    };
    assert!(identifier.is_anyone());
    assert_eq!(required.as_bytes(), b"");
    assert_eq!(optional.len(), 23);
    assert_eq!(
        optional[22].iter().collect::<Vec<_>>(),
        vec![Right::Other('9')]
    );
    let Data::MyRights { rights, .. } = data("* MYRIGHTS INBOX rwiptsldaex") else {
        panic!()
    };
    assert_eq!(rights.iter().count(), 11);
    response_fails("* MYRIGHTS INBOX rwIs");
}

// ---------------------------------------------------------------------------------------------
// CREATE-SPECIAL-USE (RFC 6154), RFC 4466 create parameters
// ---------------------------------------------------------------------------------------------

#[test]
fn create_with_parameters() {
    assert_eq!(
        command(r"t2 CREATE MySpecial (USE (\Drafts \Sent))"),
        CommandBody::CreateWithParams {
            mailbox: Mailbox::Other(aa("MySpecial")),
            params: Vec1::one(CreateParam::Use(vec![
                MailboxAttribute::Drafts,
                MailboxAttribute::Sent
            ])),
        }
    );
    assert_eq!(
        command(r"a CREATE x (USE (\X-Archive2) X-FOO 5 X-BAR (a b))"),
        CommandBody::CreateWithParams {
            mailbox: Mailbox::Other(aa("x")),
            params: Vec1::try_from(vec![
                CreateParam::Use(vec![MailboxAttribute::Extension(atom("X-Archive2"))]),
                CreateParam::Other(
                    TaggedLabel::new("X-FOO").unwrap(),
                    Some(TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(
                        SequenceSet::single(std::num::NonZeroU32::new(5).unwrap())
                    )))
                ),
                CreateParam::Other(
                    TaggedLabel::new("X-BAR").unwrap(),
                    Some(TaggedExtValue::Comp(Some(TaggedExtComp::Many(
                        Vec1::try_from(vec![
                            TaggedExtComp::AString(aa("a")),
                            TaggedExtComp::AString(aa("b"))
                        ])
                        .unwrap()
                    ))))
                ),
            ])
            .unwrap(),
        }
    );
    assert_eq!(
        command("a CREATE owatagusiam/"),
        CommandBody::Create(Mailbox::Other(aa("owatagusiam/")))
    );
    command_fails("a CREATE x ()");
    command_fails("a CREATE x (USE \\All)");
}

// ---------------------------------------------------------------------------------------------
// LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819)
// ---------------------------------------------------------------------------------------------

#[test]
fn list_option_names_are_atoms() {
    // RFC 5258 §6: option-standard-tag = atom, option-vendor-tag = vendor-token "-" atom; not
    // just tagged-ext-labels (a label cannot start with a digit nor hold "+" or "!").
    let CommandBody::List {
        selection, returns, ..
    } = command(
        r#"a LIST (SUBSCRIBED 9vendor-x+y (1 2) REMOTE) "" * RETURN (CHILDREN STATUS (MESSAGES DELETED-STORAGE) acme-opt!)"#,
    )
    else {
        panic!()
    };
    let selection = selection.unwrap();
    assert_eq!(
        selection[1],
        ListSelectOption::Other(
            atom("9vendor-x+y"),
            Some(TaggedExtValue::Comp(Some(TaggedExtComp::Many(
                Vec1::try_from(vec![
                    TaggedExtComp::AString(aa("1")),
                    TaggedExtComp::AString(aa("2"))
                ])
                .unwrap()
            ))))
        )
    );
    assert_eq!(selection[2], ListSelectOption::Remote);
    let returns = returns.unwrap();
    assert_eq!(
        returns[1],
        ListReturnOption::Status(
            Vec1::try_from(vec![
                StatusAttribute::Messages,
                StatusAttribute::DeletedStorage
            ])
            .unwrap()
        )
    );
    assert_eq!(returns[2], ListReturnOption::Other(atom("acme-opt!"), None));
}

#[test]
fn list_extended_items_are_typed() {
    let Data::List(l) =
        data(r#"* LIST (\Subscribed \HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED" "X-FOO"))"#)
    else {
        panic!()
    };
    assert_eq!(
        l.extended.unwrap()[0].value,
        ListExtendedValue::ChildInfo(
            Vec1::try_from(vec![
                Quoted::new(&b"SUBSCRIBED"[..]).unwrap(),
                Quoted::new(&b"X-FOO"[..]).unwrap()
            ])
            .unwrap()
        )
    );
    let Data::List(l) = data(r#"* LIST () "/" Renamed (OLDNAME ("inbox"))"#) else {
        panic!()
    };
    let ext = l.extended.unwrap();
    assert_eq!(ext[0].value, ListExtendedValue::OldName(aq("inbox")));
    // A CHILDINFO or OLDNAME with another form stays a tagged-ext-val.
    let Data::List(l) = data(r#"* LIST () "/" x (CHILDINFO 5 OLDNAME (a b))"#) else {
        panic!()
    };
    let ext = l.extended.unwrap();
    assert!(matches!(ext[0].value, ListExtendedValue::Other(_)));
    assert!(matches!(ext[1].value, ListExtendedValue::Other(_)));
    // RFC 5258 and RFC 5819 attributes.
    let Data::List(l) = data(r#"* LIST (\NonExistent \Remote \Subscribed \HasNoChildren) "/" a"#)
    else {
        panic!()
    };
    assert_eq!(
        l.attributes,
        vec![
            MailboxAttribute::NonExistent,
            MailboxAttribute::Remote,
            MailboxAttribute::Subscribed,
            MailboxAttribute::HasNoChildren
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// COMPRESS (RFC 4978), UNAUTHENTICATE (RFC 8437)
// ---------------------------------------------------------------------------------------------

#[test]
fn compress_and_unauthenticate_commands() {
    assert_eq!(
        command("c compress deflate"),
        CommandBody::Compress(CompressionAlgorithm::Deflate)
    );
    assert_eq!(
        command("c COMPRESS X-LZ4"),
        CommandBody::Compress(CompressionAlgorithm::Other(atom("X-LZ4")))
    );
    command_fails("c COMPRESS");
    assert_eq!(command("a UNAUTHENTICATE"), CommandBody::Unauthenticate);
    assert!(CommandBody::Unauthenticate.valid_in(State::Selected));
    assert!(!CommandBody::Unauthenticate.valid_in(State::NotAuthenticated));
    assert!(CommandBody::Id(IdParams::NIL).valid_in(State::NotAuthenticated));
}

// ---------------------------------------------------------------------------------------------
// Generic forms
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_untagged_data_is_kept_byte_for_byte() {
    for wire in [
        // RFC 9051 §7 (line 4867).
        "* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay",
        "* XFOO",
        "* XFOO ",
        "* XFOO  (a  \"b\"  ",
        "* 3 XBAR (1 2)",
        "* 0 XBAR",
        "* X_LIT {3}\r\nabc more ~{2}\r\n\0\x01 {0}\r\n",
        "* X8 \u{e9}t\u{e9}",
    ] {
        let input = line(wire);
        let (rest, r) = decode_response(&input, &Options::responses())
            .unwrap_or_else(|e| panic!("{wire:?}: {e:?}"));
        assert!(rest.is_empty());
        assert!(
            matches!(r, Response::Data(Data::Other { .. })),
            "{wire:?}: {r:?}"
        );
        assert_eq!(r.encode().dump(), input, "{wire:?}");
    }
    let Data::Other { number, name, args } = data("* 3 XBAR (1 2)") else {
        panic!()
    };
    assert_eq!((number, name.as_str()), (Some(3), "XBAR"));
    assert_eq!(
        args.unwrap().parts(),
        &[RawPart::Text(std::borrow::Cow::Borrowed(&b"(1 2)"[..]))]
    );
    // The literal pieces keep their data and announcement.
    let input = line("* X_LIT {3}\r\nabc more ~{2}\r\n\0\x01 {0}\r\n");
    let (_, r) = decode_response(&input, &Options::responses()).unwrap();
    let Response::Data(Data::Other { args, .. }) = r else {
        panic!()
    };
    let parts = args.unwrap();
    assert!(matches!(parts.parts()[0], RawPart::Literal(_)));
    assert!(matches!(&parts.parts()[2], RawPart::Literal8(l) if *l.data == *b"\0\x01"));
    // Known names with broken arguments are errors, not unknown data; PREAUTH is no response.
    response_fails("* LIST garbage");
    response_fails("* 3 FETCH garbage");
    response_fails("* PREAUTH hello");
}

#[test]
fn unknown_commands_keep_literals() {
    let input = b"a1 XAPPEND {5+}\r\nhello ~{2}\r\nab (x)\r\n";
    let (rest, cmd) = decode_command(input, &Options::commands()).unwrap();
    assert!(rest.is_empty());
    let CommandBody::Other { name, args } = &cmd.body else {
        panic!()
    };
    assert_eq!(name.as_str(), "XAPPEND");
    let parts = args.as_ref().unwrap().parts();
    assert!(
        matches!(&parts[0], RawPart::Literal(l) if l.mode() == LiteralMode::NonSync && l.data() == b"hello")
    );
    assert_eq!(cmd.encode().dump(), input);
    // A server refuses NUL in a command's {n} literal, also in an unknown command.
    assert!(decode_command(b"a1 XX {1}\r\n\0\r\n", &Options::commands()).is_err());
}

#[test]
fn raw_args_refuse_what_would_read_back_differently() {
    let text = |s: &'static str| RawPart::Text(std::borrow::Cow::Borrowed(s.as_bytes()));
    let lit = RawPart::Literal(Literal::new(&b"x"[..]).unwrap());
    assert!(RawArgs::new(vec![text("a {3}")]).is_err());
    assert!(RawArgs::new(vec![text("a~"), lit.clone()]).is_err());
    assert!(RawArgs::new(vec![text("a"), text("b")]).is_err());
    assert!(RawArgs::new(vec![text("")]).is_err());
    assert!(RawArgs::new(vec![text("a\r\n")]).is_err());
    assert!(RawArgs::new(vec![text("a {3}"), lit.clone()]).is_ok());
    assert!(RawArgs::new(vec![lit.clone(), lit]).is_ok());
}
