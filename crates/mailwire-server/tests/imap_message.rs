//! `mailwire_server::imap::message`: ENVELOPE/BODYSTRUCTURE vectors in RFC 9051 wire form,
//! RFC examples, body sections and BINARY, SEARCH, SORT/THREAD keys, PREVIEW, and hostile input.

use std::num::{NonZeroU32, NonZeroU64};
use std::path::PathBuf;

use bytes::Bytes;
use mailwire_imap::codec::Encode;
use mailwire_imap::types::{
    AString, MessageDataItem, NaiveDate, Part, Partial, SearchKey, Section, Vec1,
};
use mailwire_server::imap::message::{
    AddressField, ParsedMessage, SectionError, ThreadNode, apply_partial, thread_references,
};

fn wire(item: MessageDataItem<'_>) -> String {
    String::from_utf8_lossy(&item.encode().dump()).into_owned()
}

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/messages")
}

fn load(name: &str) -> ParsedMessage {
    let data = std::fs::read(vectors().join(name)).expect("vector exists");
    ParsedMessage::new(Bytes::from(data))
}

fn part(p: &[u32]) -> Part {
    Part(
        Vec1::try_from(
            p.iter()
                .map(|&n| NonZeroU32::new(n).unwrap())
                .collect::<Vec<_>>(),
        )
        .unwrap(),
    )
}

fn nz(p: &[u32]) -> Vec<NonZeroU32> {
    p.iter().map(|&n| NonZeroU32::new(n).unwrap()).collect()
}

fn names(list: &[&'static str]) -> Vec1<AString<'static>> {
    Vec1::try_from(
        list.iter()
            .map(|n| AString::try_from(*n).unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

/// Every `.eml` vector against its `.expected` records (see the README beside them for how
/// they were checked against Dovecot).
#[test]
fn vectors_match_expected_wire_form() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(vectors())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    entries.sort();
    for path in entries {
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let mut records: Vec<String> = Vec::new();
        for line in expected.split_inclusive('\n') {
            if ["ENVELOPE ", "BODYSTRUCTURE ", "BODY ("]
                .iter()
                .any(|k| line.starts_with(k))
                || records.is_empty()
            {
                records.push(line.to_string());
            } else {
                records.last_mut().unwrap().push_str(line);
            }
        }
        let records: Vec<&str> = records
            .iter()
            .map(|r| r.strip_suffix('\n').unwrap_or(r))
            .collect();
        let m = ParsedMessage::new(Bytes::from(std::fs::read(&path).unwrap()));
        let name = path.display();
        assert_eq!(records.len(), 3, "{name}");
        assert_eq!(
            wire(MessageDataItem::Envelope(Box::new(m.envelope()))),
            records[0],
            "{name}"
        );
        assert_eq!(
            wire(MessageDataItem::BodyStructure(Box::new(m.body_structure()))),
            records[1],
            "{name}"
        );
        assert_eq!(
            wire(MessageDataItem::Body(Box::new(m.body()))),
            records[2],
            "{name}"
        );
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} vectors");
}

/// `n` lines of `width` characters each ended by CRLF, then `tail` characters without a line end.
fn lines(n: usize, width: usize, tail: usize, c: char) -> String {
    let mut s = String::new();
    for _ in 0..n {
        s.extend(std::iter::repeat_n(c, width));
        s.push_str("\r\n");
    }
    s.extend(std::iter::repeat_n(c, tail));
    s
}

/// RFC 3501 §8, `a003 fetch 12 full` and `a004 fetch 12 body[header]`: the header is the
/// 342-octet `BODY[HEADER]` shown there, the body has the 3028 octets and 92 lines of `BODY`.
#[test]
fn rfc3501_sample_session_envelope_and_body() {
    let header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\
        From: Terry Gray <gray@cac.washington.edu>\r\n\
        Subject: IMAP4rev1 WG mtg summary and minutes\r\n\
        To: imap@cac.washington.edu\r\n\
        cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n\
        Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
        \r\n";
    // 92 lines: 91 of 31 characters, one of 23 (+ CRLF each) = 3028 octets.
    let body = format!("{}{}\r\n", lines(91, 31, 0, 'x'), "y".repeat(23));
    assert_eq!(body.len(), 3028);
    let m = ParsedMessage::new(Bytes::from(format!("{header}{body}")));
    assert_eq!(m.rfc822_header().len(), 342);
    assert_eq!(
        m.section(Some(&Section::Header(None))).unwrap(),
        header.as_bytes()
    );
    assert_eq!(
        wire(MessageDataItem::Envelope(Box::new(m.envelope()))),
        "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
         \"IMAP4rev1 WG mtg summary and minutes\" \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
         ((NIL NIL \"imap\" \"cac.washington.edu\")) \
         ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
         (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
         \"<B27397-0100000@cac.washington.edu>\")"
    );
    assert_eq!(
        wire(MessageDataItem::Body(Box::new(m.body()))),
        "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)"
    );
}

/// RFC 9051 §7.5.2 BODYSTRUCTURE examples: a 48-line 2279-octet text message, and a text part
/// with a base64 text attachment.
#[test]
fn rfc9051_bodystructure_examples() {
    let body = format!("{}\r\n", lines(47, 45, 68, 'a'));
    assert_eq!(body.len(), 2279);
    let m = ParsedMessage::new(Bytes::from(format!(
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n{body}"
    )));
    assert_eq!(
        wire(MessageDataItem::Body(Box::new(m.body()))),
        "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 2279 48)"
    );

    // Part bodies end before the CRLF that precedes the delimiter (RFC 2046 §5.1.1).
    let text = lines(23, 48, 2, 't');
    assert_eq!(text.len(), 1152);
    let attachment = lines(73, 60, 28, 'A');
    assert_eq!(attachment.len(), 4554);
    let message = format!(
        "MIME-Version: 1.0\r\nContent-Type: MULTIPART/MIXED; BOUNDARY=\"b\"\r\n\r\n\
         --b\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n{text}\r\n\
         --b\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\r\n\
         Content-ID: <960723163407.20117h@cac.washington.edu>\r\n\
         Content-Description: Compiler diff\r\nContent-Transfer-Encoding: BASE64\r\n\r\n\
         {attachment}\r\n--b--\r\n"
    );
    let m = ParsedMessage::new(Bytes::from(message));
    assert_eq!(
        wire(MessageDataItem::Body(Box::new(m.body()))),
        "BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)\
         (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
         \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \
         \"MIXED\")"
    );
    assert_eq!(
        m.section(Some(&Section::Part(part(&[1])))).unwrap(),
        text.as_bytes()
    );
    assert_eq!(
        m.section(Some(&Section::Part(part(&[2])))).unwrap(),
        attachment.as_bytes()
    );
}

const NESTED_INNER_HEADER: &str = "Date: Tue, 28 Feb 2023 09:00:00 -0500\r\n\
    From: Carol <carol@example.org>\r\n\
    To: alice@example.com\r\n\
    Subject: =?UTF-8?B?SW5uZXIgbWVzc2FnZSDinJM=?=\r\n\
    Message-ID: <inner-1@example.org>\r\n\
    MIME-Version: 1.0\r\n\
    Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n";

/// Sections of `nested.eml`; the expected bytes are those Dovecot 2.3.19.1 returned for the same
/// FETCH (see the vectors' README).
#[test]
fn sections_of_nested_parts() {
    let m = load("nested.eml");
    let get = |s: Section<'static>| m.section(Some(&s)).unwrap();
    assert_eq!(
        get(Section::Part(part(&[1]))),
        "Grüße aus Zürich!".as_bytes()
    );
    assert_eq!(
        get(Section::Mime(part(&[1]))),
        &b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"[..]
    );
    let alt = get(Section::Part(part(&[2])));
    assert!(alt.starts_with(b"--=_alt\r\nContent-Type: text/plain"));
    // RFC 2046 §5.1.1: the CRLF before the outer delimiter is the delimiter's, also after a
    // nested multipart's close delimiter (Dovecot includes it there: 285 octets).
    assert!(alt.ends_with(b"</html>\r\n--=_alt--"));
    assert_eq!(alt.len(), 283);
    assert_eq!(get(Section::Part(part(&[2, 1]))), &b"Plain alternative"[..]);
    assert_eq!(
        get(Section::Header(Some(part(&[3])))),
        NESTED_INNER_HEADER.as_bytes()
    );
    let text = get(Section::Text(Some(part(&[3]))));
    assert_eq!(text.len(), 574);
    assert!(text.starts_with(b"--inner\r\n") && text.ends_with(b"--inner--\r\n"));
    assert_eq!(get(Section::Part(part(&[3, 1]))), &b"Inner text."[..]);
    assert_eq!(
        get(Section::Mime(part(&[3, 2]))),
        &b"Content-Type: application/octet-stream; name=\"bytes.bin\"\r\n\
           Content-Transfer-Encoding: base64\r\n\
           Content-Disposition: attachment; filename=\"bytes.bin\"\r\n\r\n"[..]
    );
    // The message/rfc822 part's body is the whole encapsulated message.
    let whole = get(Section::Part(part(&[3])));
    assert!(whole.starts_with(NESTED_INNER_HEADER.as_bytes()));
    assert_eq!(whole.len(), 821);
    assert_eq!(
        get(Section::HeaderFields(None, names(&["FROM", "subject"]))),
        &b"From: \"Alice Example\" <alice@example.com>\r\nSubject: Re: [team] nested structure\r\n\r\n"[..]
    );
    assert_eq!(
        get(Section::HeaderFields(Some(part(&[3])), names(&["to"]))),
        &b"To: alice@example.com\r\n\r\n"[..]
    );
    let not = get(Section::HeaderFieldsNot(
        Some(part(&[3])),
        names(&["Date", "MIME-Version", "content-type"]),
    ));
    assert_eq!(
        not,
        &b"From: Carol <carol@example.org>\r\nTo: alice@example.com\r\n\
           Subject: =?UTF-8?B?SW5uZXIgbWVzc2FnZSDinJM=?=\r\nMessage-ID: <inner-1@example.org>\r\n\r\n"[..]
    );
    // Sections that name nothing.
    assert_eq!(
        m.section(Some(&Section::Part(part(&[9])))),
        Err(SectionError::NoSuchPart("9".into()))
    );
    assert_eq!(
        m.section(Some(&Section::Header(Some(part(&[1]))))),
        Err(SectionError::NotAMessage("1".into()))
    );
    assert!(matches!(
        m.section(Some(&Section::Part(part(&[1, 1])))),
        Err(SectionError::NoSuchPart(_))
    ));
    // BODY[] is the stored message, unchanged and uncopied.
    assert_eq!(m.section(None).unwrap(), *m.raw());
    assert_eq!(m.section(None).unwrap().as_ptr(), m.raw().as_ptr());
    assert_eq!(
        m.rfc822_text().len() + m.rfc822_header().len(),
        m.raw().len()
    );
}

#[test]
fn folded_header_fields_keep_their_folding() {
    let m = load("encoded-words.eml");
    let to = m
        .section(Some(&Section::HeaderFields(None, names(&["To"]))))
        .unwrap();
    assert_eq!(
        to,
        &b"To: =?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>,\r\n \"Doe, Jane\" <jane@example.com>, root@localhost (Super User)\r\n\r\n"[..]
    );
}

#[test]
fn part_one_of_a_single_part_message_is_its_body() {
    let m = load("simple.eml");
    let body = m.section(Some(&Section::Part(part(&[1])))).unwrap();
    assert_eq!(body, m.rfc822_text());
    // 1.MIME of a non-multipart message is the message header (Dovecot agrees).
    assert_eq!(
        m.section(Some(&Section::Mime(part(&[1])))).unwrap(),
        m.rfc822_header()
    );
    assert!(matches!(
        m.section(Some(&Section::Part(part(&[2])))),
        Err(SectionError::NoSuchPart(_))
    ));
}

#[test]
fn header_only_message() {
    let m = load("no-body.eml");
    assert_eq!(m.rfc822_header(), m.raw());
    assert!(m.rfc822_text().is_empty());
    // No blank line to add (RFC 9051 §6.4.5.1); the cut last field gets its CRLF.
    assert_eq!(
        m.section(Some(&Section::HeaderFields(None, names(&["subject"]))))
            .unwrap(),
        &b"Subject: header only, no blank line\r\n"[..]
    );
}

#[test]
fn partial_ranges() {
    let data = Bytes::from_static(b"0123456789");
    let p = |offset, count| {
        Some(Partial {
            offset,
            count: NonZeroU64::new(count).unwrap(),
        })
    };
    assert_eq!(
        apply_partial(data.clone(), p(2, 3)),
        (Bytes::from_static(b"234"), Some(2))
    );
    assert_eq!(
        apply_partial(data.clone(), p(8, 100)),
        (Bytes::from_static(b"89"), Some(8))
    );
    assert_eq!(
        apply_partial(data.clone(), p(50, 1)),
        (Bytes::new(), Some(50))
    );
    assert_eq!(apply_partial(data.clone(), None), (data, None));
}

#[test]
fn binary_decodes_transfer_encodings() {
    let m = load("nested.eml");
    // Dovecot: BINARY.SIZE[4] 43.
    let gif = m.binary(&nz(&[4])).unwrap();
    assert_eq!(gif.len(), 43);
    assert!(gif.starts_with(b"GIF89a"));
    assert_eq!(m.binary_size(&nz(&[4])).unwrap(), 43);
    let bytes = m.binary(&nz(&[3, 2])).unwrap();
    assert_eq!(&bytes[..], &(0u8..=255).collect::<Vec<u8>>()[..]);
    // Quoted-printable HTML: soft line break joined.
    let html = m.binary(&nz(&[2, 2])).unwrap();
    assert_eq!(
        html,
        &b"<html><body><p>HTML <b>alternative</b> with a long line that is wrapped softly</p></body></html>"[..]
    );
    // 8bit: unchanged, no copy.
    let first = m.binary(&nz(&[1])).unwrap();
    assert_eq!(first, "Grüße aus Zürich!".as_bytes());
    assert!(matches!(
        m.binary(&nz(&[2])),
        Err(SectionError::NotALeaf(_))
    ));
    assert!(matches!(
        m.binary(&nz(&[3])),
        Err(SectionError::NotALeaf(_))
    ));

    let qp = load("qp-latin1.eml");
    assert_eq!(
        qp.binary(&nz(&[1])).unwrap(),
        &b"Un caf\xe9 cr\xe8me, s'il vous pla\xeet. Soft break joined.\r\n"[..]
    );

    let u = load("unknown-cte.eml");
    assert_eq!(
        u.binary(&nz(&[1])),
        Err(SectionError::UnknownCte("x-uuencode".into()))
    );
    assert!(u.binary_size(&nz(&[1])).is_err());

    // Text with bare LF goes out with CRLF (RFC 9051 §7.5.2 BINARY).
    let lf = load("bare-lf.eml");
    assert_eq!(
        lf.section(Some(&Section::Part(part(&[1])))).unwrap(),
        &b"line one\nline two"[..]
    );
    assert_eq!(lf.binary(&nz(&[1])).unwrap(), &b"line one\r\nline two"[..]);
}

#[test]
fn encoded_rfc822_parts_are_opened() {
    let m = load("encoded-rfc822.eml");
    assert_eq!(
        m.section(Some(&Section::HeaderFields(
            Some(part(&[2])),
            names(&["subject"])
        )))
        .unwrap(),
        &b"Subject: encoded inner\r\n\r\n"[..]
    );
    assert_eq!(
        m.section(Some(&Section::Part(part(&[2, 1])))).unwrap(),
        &b"inner body\r\n"[..]
    );
    // The part itself stays encoded.
    assert!(
        m.section(Some(&Section::Part(part(&[2]))))
            .unwrap()
            .starts_with(b"RnJvbTog")
    );
}

#[test]
fn digest_parts_default_to_message_rfc822() {
    let m = load("digest.eml");
    assert_eq!(
        m.section(Some(&Section::HeaderFields(
            Some(part(&[2])),
            names(&["subject"])
        )))
        .unwrap(),
        &b"Subject: second\r\n\r\n"[..]
    );
    assert_eq!(
        m.section(Some(&Section::Text(Some(part(&[1]))))).unwrap(),
        &b"first message"[..]
    );
}

#[test]
fn search_header_keys_decode_encoded_words() {
    let m = load("encoded-words.eml");
    assert!(m.matches_header(b"from", "jørn"));
    assert!(m.matches_header(b"FROM", "KELD@dkuug"));
    assert!(m.matches_header(b"cc", "andré pirard"));
    assert!(m.matches_header(b"to", "doe, jane"));
    assert!(!m.matches_header(b"to", "andré"));
    // The subject's two encoded words join without the folding space (RFC 2047 §6.2).
    assert!(m.matches_header(b"subject", "read this you understand"));
    // Empty string: presence only.
    assert!(m.matches_header(b"in-reply-to", ""));
    assert!(!m.matches_header(b"bcc", ""));
    assert!(m.matches_header(b"message-id", "quoted local"));
}

#[test]
fn search_body_and_text() {
    let m = load("nested.eml");
    assert!(m.matches_body("GRÜSSE".to_lowercase().replace("ss", "ß").as_str()));
    assert!(m.matches_body("plain alternative"));
    // Quoted-printable decoded: the soft break is gone.
    assert!(m.matches_body("wrapped softly"));
    // Inside the encapsulated message.
    assert!(m.matches_body("inner text."));
    // Headers are not body...
    assert!(!m.matches_body("nested structure"));
    // ...but TEXT sees them, MIME fields and nested messages' headers included.
    assert!(m.matches_text("nested structure"));
    assert!(m.matches_text("inner message ✓"));
    assert!(m.matches_text("bytes.bin"));
    assert!(!m.matches_text("not anywhere in it"));
    // Binary leaves are not searched.
    assert!(!m.matches_body("gif89a"));

    let qp = load("qp-latin1.eml");
    assert!(qp.matches_body("CAFÉ CRÈME"));
    assert!(qp.matches_header(b"subject", "café"));

    let key = |k: SearchKey<'static>| qp.matches_key(&k);
    let a = |s: &'static str| AString::try_from(s).unwrap();
    assert_eq!(key(SearchKey::Body(a("crème"))), Some(true));
    assert_eq!(key(SearchKey::Subject(a("thé"))), Some(false));
    assert_eq!(
        key(SearchKey::Header(a("Content-Type"), a("ISO-8859-1"))),
        Some(true)
    );
    assert_eq!(key(SearchKey::Seen), None);
}

#[test]
fn sent_dates_ignore_time_and_zone() {
    let m = load("simple.eml");
    // "Mon, 7 Feb 1994 21:52:25 -0800": the 7th as written, though it is the 8th in UTC.
    let d = |y, mo, da| NaiveDate::new(y, mo, da).unwrap();
    assert_eq!(m.sent_date(), Some(d(1994, 2, 7)));
    assert_eq!(m.matches_key(&SearchKey::SentOn(d(1994, 2, 7))), Some(true));
    assert_eq!(
        m.matches_key(&SearchKey::SentBefore(d(1994, 2, 7))),
        Some(false)
    );
    assert_eq!(
        m.matches_key(&SearchKey::SentBefore(d(1994, 2, 8))),
        Some(true)
    );
    assert_eq!(
        m.matches_key(&SearchKey::SentSince(d(1994, 2, 7))),
        Some(true)
    );
    assert_eq!(
        m.matches_key(&SearchKey::SentSince(d(1994, 2, 8))),
        Some(false)
    );
    // RFC 5256 §2.2: the sort date is in UTC.
    assert_eq!(m.sent_timestamp(), Some(760_686_745));
    let none = load("missing-headers.eml");
    assert_eq!(none.sent_date(), None);
    assert_eq!(
        none.matches_key(&SearchKey::SentOn(d(1994, 2, 7))),
        Some(false)
    );
}

#[test]
fn sort_keys() {
    let m = load("encoded-words.eml");
    assert_eq!(m.first_mailbox(AddressField::From).as_deref(), Some("keld"));
    assert_eq!(m.first_mailbox(AddressField::To).as_deref(), Some("moore"));
    assert_eq!(
        m.display_name(AddressField::From).as_deref(),
        Some("Keld Jørn Simonsen")
    );
    assert_eq!(
        m.display_name(AddressField::Cc).as_deref(),
        Some("André Pirard")
    );
    assert_eq!(
        m.base_subject().text,
        "If you can read this you understand the example."
    );
    let n = load("nested.eml");
    let b = n.base_subject();
    assert_eq!(
        (b.text.as_str(), b.is_reply_or_forward),
        ("nested structure", true)
    );
    // No display name: the address (RFC 5957).
    assert_eq!(n.display_name(AddressField::To).as_deref(), Some("Bob"));
    assert_eq!(
        n.display_name(AddressField::Cc).as_deref(),
        Some("Dave (work)")
    );
    let s = load("simple.eml");
    assert_eq!(
        s.display_name(AddressField::To).as_deref(),
        Some("mooch@owatagu.siam.edu.example")
    );
    // Groups: the first real address.
    let g = load("groups.eml");
    assert_eq!(g.first_mailbox(AddressField::From).as_deref(), Some("c"));
    assert_eq!(g.first_mailbox(AddressField::To), None);
}

#[test]
fn thread_ids_from_headers() {
    let n = load("nested.eml");
    assert_eq!(n.message_id().as_deref(), Some("nested-2@example.com"));
    assert_eq!(
        n.thread_references(),
        vec![
            "root-0@example.com".to_string(),
            "parent-1@example.com".to_string()
        ]
    );
    let e = load("encoded-words.eml");
    // RFC 5256 §3: quoting is normalized away.
    assert_eq!(e.message_id().as_deref(), Some("quoted local@example.com"));
    // No References: the first In-Reply-To id.
    assert_eq!(e.thread_references(), vec!["x@example.com".to_string()]);

    // Thread the vectors that reference each other: nested.eml replies to a missing parent.
    let input = [n.thread_input(1, 0), e.thread_input(2, 0)];
    let t = thread_references(&input);
    let ids: Vec<Option<u32>> = t.iter().map(|n: &ThreadNode| n.id).collect();
    assert_eq!(t.len(), 2);
    assert!(ids.contains(&Some(1)) && ids.contains(&Some(2)));
}

#[test]
fn previews() {
    assert_eq!(load("nested.eml").preview(), "Grüße aus Zürich!");
    assert_eq!(
        load("qp-latin1.eml").preview(),
        "Un café crème, s'il vous plaît. Soft break joined."
    );
    assert_eq!(load("unknown-cte.eml").preview(), "");
    let html = ParsedMessage::new(Bytes::from_static(
        b"Content-Type: text/html\r\n\r\n<html><head><style>p{}</style></head><body><p>Hello\r\n   <b>world</b></p></body></html>\r\n",
    ));
    assert_eq!(html.preview(), "Hello world");
    let long = ParsedMessage::new(Bytes::from(format!(
        "Subject: x\r\n\r\n{}\r\n",
        "é ".repeat(500)
    )));
    let p = long.preview();
    assert_eq!(p.chars().count(), 200);
    assert!(p.len() <= 400);
}

fn nested_multiparts(levels: usize) -> Vec<u8> {
    let mut m = Vec::new();
    for i in 0..levels {
        m.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n")
                .as_bytes(),
        );
    }
    m.extend_from_slice(b"Content-Type: text/plain\r\n\r\ndeep\r\n");
    for i in (0..levels).rev() {
        m.extend_from_slice(format!("--b{i}--\r\n").as_bytes());
    }
    m
}

fn nested_messages(levels: usize) -> Vec<u8> {
    let mut m = Vec::new();
    for _ in 0..levels {
        m.extend_from_slice(b"Subject: level\r\nContent-Type: message/rfc822\r\n\r\n");
    }
    m.extend_from_slice(b"Subject: bottom\r\n\r\nbody\r\n");
    m
}

fn depth(b: &mailwire_imap::types::BodyStructure<'_>) -> usize {
    use mailwire_imap::types::{BodyStructure, SinglePartKind};
    let mut d = 0;
    let mut cur = b;
    loop {
        match cur {
            BodyStructure::Multi { parts, .. } => cur = parts.first(),
            BodyStructure::Single {
                kind: SinglePartKind::Message { body, .. },
                ..
            } => cur = body,
            _ => return d,
        }
        d += 1;
    }
}

#[test]
fn deep_nesting_is_bounded() {
    for msg in [nested_multiparts(5_000), nested_messages(20_000)] {
        let m = ParsedMessage::new(Bytes::from(msg));
        let bs = m.body_structure();
        assert!(depth(&bs) <= 33, "depth {}", depth(&bs));
        let encoded = MessageDataItem::BodyStructure(Box::new(bs)).encode().dump();
        assert!(encoded.len() < 100_000);
        let _ = m.matches_text("deep");
        let _ = m.preview();
    }
    // Within the limit, everything is reachable.
    let m = ParsedMessage::new(Bytes::from(nested_multiparts(10)));
    assert_eq!(depth(&m.body_structure()), 10);
    let path = nz(&[1; 10]);
    assert_eq!(
        m.section(Some(&Section::Part(Part(Vec1::try_from(path).unwrap()))))
            .unwrap(),
        &b"deep"[..]
    );
}

#[test]
fn many_parts_are_bounded() {
    let mut msg = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n".to_vec();
    for _ in 0..30_000 {
        msg.extend_from_slice(b"--x\r\n\r\na\r\n");
    }
    msg.extend_from_slice(b"--x--\r\n");
    let m = ParsedMessage::new(Bytes::from(msg));
    let mailwire_imap::types::BodyStructure::Multi { parts, .. } = m.body_structure() else {
        panic!("multipart expected");
    };
    assert!(parts.len() <= 10_000 && parts.len() > 1_000);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn exercise(data: Vec<u8>) {
        let m = ParsedMessage::new(Bytes::from(data));
        let _ = MessageDataItem::Envelope(Box::new(m.envelope())).encode();
        let bs = m.body_structure();
        // The header read without the MIME parse is the one the MIME parse finds.
        if matches!(bs, mailwire_imap::types::BodyStructure::Single { .. }) {
            assert_eq!(
                m.section(Some(&Section::Mime(part(&[1])))).unwrap(),
                m.rfc822_header()
            );
        }
        let _ = MessageDataItem::BodyStructure(Box::new(bs)).encode();
        let _ = m.body();
        for p in [&[1u32][..], &[1, 1], &[2], &[2, 1, 1], &[3, 2]] {
            let _ = m.section(Some(&Section::Part(part(p))));
            let _ = m.section(Some(&Section::Mime(part(p))));
            let _ = m.section(Some(&Section::Header(Some(part(p)))));
            let _ = m.section(Some(&Section::HeaderFieldsNot(
                Some(part(p)),
                names(&["a"]),
            )));
            let _ = m.binary(&nz(p));
        }
        let _ = m.section(Some(&Section::HeaderFields(None, names(&["from", "to"]))));
        let _ = m.matches_text("a");
        let _ = m.matches_header(b"from", "x");
        let _ = m.sent_date();
        let _ = m.base_subject();
        let _ = m.display_name(AddressField::From);
        let _ = m.thread_references();
        let _ = m.preview();
    }

    /// Lines that make MIME structure likely, glued at random.
    fn mime_line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"Content-Type: multipart/mixed; boundary=\"b\"\r\n".to_vec()),
            Just(b"Content-Type: message/rfc822\r\n".to_vec()),
            Just(b"Content-Type: multipart/digest; boundary=b\n".to_vec()),
            Just(b"Content-Transfer-Encoding: base64\r\n".to_vec()),
            Just(b"Content-Transfer-Encoding: quoted-printable\r\n".to_vec()),
            Just(b"Content-Type: text/plain; name*0*=utf-8''%C3; name*1=x\r\n".to_vec()),
            Just(b"From: a:b@c, <d@e>;, \"f\r\n".to_vec()),
            Just(b"Subject: =?utf-8?q?=C3?= Re: [x] (fwd)\r\n".to_vec()),
            Just(b"--b\r\n".to_vec()),
            Just(b"--b--\r\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b" folded\r\n".to_vec()),
            Just(b"QUJD=\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..40),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            exercise(data);
        }

        #[test]
        fn random_mime_never_panics(lines in proptest::collection::vec(mime_line(), 0..60)) {
            exercise(lines.concat());
        }
    }
}

/// Messages for the THREAD and SORT comparison with Dovecot: (Message-ID, References, Subject,
/// Date). Each gets `From:`, a body, and INTERNALDATE 1700000000 (used for the bogus date).
#[rustfmt::skip]
const THREAD_SET: &[(&str, &str, &str, &str)] = &[
    ("a1", "", "Plans for the weekend", "Mon, 1 Jan 2024 10:00:00 +0000"),
    ("a2", "<a1@x>", "Re: Plans for the weekend", "Mon, 1 Jan 2024 11:00:00 +0000"),
    ("b1", "<lost@x>", "Re: Budget", "Mon, 1 Jan 2024 09:00:00 +0000"),
    ("a3", "<a1@x> <a2@x>", "Re: Re: Plans for the weekend", "Mon, 1 Jan 2024 12:00:00 +0000"),
    ("b2", "<lost@x>", "Re: Budget", "Mon, 1 Jan 2024 09:30:00 +0000"),
    ("c1", "", "Re: Lunch", "Tue, 2 Jan 2024 08:00:00 +0100"),
    ("c2", "", "Lunch", "Tue, 2 Jan 2024 09:00:00 +0100"),
    ("d1", "", "[list] Status report", "Wed, 3 Jan 2024 10:00:00 +0000"),
    ("d2", "", "Status report", "Wed, 3 Jan 2024 11:00:00 +0000"),
    ("a4", "<a2@x>", "Fwd: Plans for the weekend", "Mon, 1 Jan 2024 13:00:00 +0000"),
    ("e1", "<e0@x>", "Loop test", "Thu, 4 Jan 2024 10:00:00 +0000"),
    ("e0", "<e1@x>", "Loop test", "Thu, 4 Jan 2024 09:00:00 +0000"),
    ("f1", "", "", "Fri, 5 Jan 2024 10:00:00 +0000"),
    ("g1", "<a3@x>", "Something else", "bogus date"),
];

fn thread_set() -> Vec<ParsedMessage> {
    THREAD_SET
        .iter()
        .enumerate()
        .map(|(i, (mid, refs, subject, date))| {
            let mut m = format!(
                "From: u{i}@example.com\r\nDate: {date}\r\nSubject: {subject}\r\nMessage-ID: <{mid}@x>\r\n"
            );
            if !refs.is_empty() {
                m.push_str(&format!("References: {refs}\r\n"));
            }
            m.push_str("\r\nbody\r\n");
            ParsedMessage::new(Bytes::from(m))
        })
        .collect()
}

/// THREAD and SORT of the same 14 messages in Dovecot 2.3.19.1 (APPENDed in this order with
/// INTERNALDATE 1700000000; `THREAD REFERENCES UTF-8 ALL`, `THREAD ORDEREDSUBJECT UTF-8 ALL`,
/// `SORT (SUBJECT) UTF-8 ALL`, `SORT (DATE) UTF-8 ALL`).
#[test]
fn threads_and_sort_keys_match_dovecot() {
    use mailwire_server::imap::message::{subject_key, thread_orderedsubject, write_thread_list};
    let msgs = thread_set();
    let input: Vec<_> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| m.thread_input(i as u32 + 1, 1_700_000_000))
        .collect();
    assert_eq!(
        write_thread_list(&thread_references(&input)),
        "((3)(5))(1 2 (4 14)(10))(7 6)((8)(9))(12 11)(13)"
    );
    assert_eq!(
        write_thread_list(&thread_orderedsubject(&input)),
        "(14)(3 5)(1 (2)(4)(10))(6 7)(8 9)(12 11)(13)"
    );
    let order = |key: &dyn Fn(usize) -> String| {
        let mut seqs: Vec<usize> = (0..msgs.len()).collect();
        seqs.sort_by_key(|&i| (key(i), i));
        seqs.iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        order(&|i| subject_key(&msgs[i].base_subject().text)),
        "13 3 5 11 12 6 7 1 2 4 10 14 8 9"
    );
    let mut by_date: Vec<usize> = (0..msgs.len()).collect();
    by_date.sort_by_key(|&i| (msgs[i].sent_timestamp().unwrap_or(1_700_000_000), i));
    let by_date: Vec<String> = by_date.iter().map(|i| (i + 1).to_string()).collect();
    assert_eq!(by_date.join(" "), "14 3 5 1 2 4 10 6 7 8 9 12 11 13");
}

/// SEARCH over all the vectors, compared with Dovecot 2.3.19.1 (`SEARCH CHARSET UTF-8 key` after
/// APPENDing every vector). One deliberate difference: Dovecot does not open the base64
/// `message/rfc822` part of `encoded-rfc822.eml`, so it finds no "inner body" there.
#[test]
fn search_matches_dovecot_over_the_vectors() {
    let mut names: Vec<String> = std::fs::read_dir(vectors())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    let msgs: Vec<ParsedMessage> = names.iter().map(|n| load(n)).collect();
    #[rustfmt::skip]
    let cases: &[(&str, &str, &[&str])] = &[
        ("FROM", "jørn", &["encoded-words.eml"]),
        ("SUBJECT", "café", &["qp-latin1.eml"]),
        ("BODY", "wrapped softly", &["nested.eml"]),
        ("TEXT", "bytes.bin", &["nested.eml"]),
        ("HEADER In-Reply-To", "", &["encoded-words.eml", "nested.eml"]),
        ("BODY", "inner text", &["nested.eml"]),
        ("TEXT", "nested structure", &["nested.eml"]),
        ("BODY", "nested structure", &[]),
        ("HEADER Content-Type", "iso-8859-1", &["qp-latin1.eml"]),
        ("BODY", "crème", &["qp-latin1.eml"]),
        ("CC", "andré", &["encoded-words.eml"]),
        ("TO", "doe, jane", &["encoded-words.eml"]),
        ("BODY", "gif89a", &[]),
        ("BODY", "line two", &["bare-lf.eml"]),
        ("SUBJECT", "read this you", &["encoded-words.eml"]),
        ("FROM", "KELD@DKUUG", &["encoded-words.eml"]),
        ("TEXT", "first message", &["digest.eml"]),
        ("BODY", "grüße", &["nested.eml"]),
        ("TEXT", "inner message ✓", &["nested.eml"]),
        ("SUBJECT", "encoded inner", &[]),
        // Dovecot: none (see above).
        ("BODY", "inner body", &["encoded-rfc822.eml"]),
    ];
    for (key, value, expected) in cases {
        let found: Vec<&str> = names
            .iter()
            .zip(&msgs)
            .filter(|(_, m)| match key.split_once(' ') {
                Some((_, field)) => m.matches_header(field.as_bytes(), value),
                None => match *key {
                    "BODY" => m.matches_body(value),
                    "TEXT" => m.matches_text(value),
                    field => m.matches_header(field.as_bytes(), value),
                },
            })
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(&found, expected, "{key} {value:?}");
    }
}

#[test]
fn repeated_fields() {
    let m = ParsedMessage::new(Bytes::from_static(
        b"Subject: first\r\nSubject: second\r\nFrom: a@x\r\nFrom: b@y\r\n\r\nbody\r\n",
    ));
    // Dovecot 2.3.19.1 answers ENVELOPE (NIL "second" ((NIL NIL "a" "x")(NIL NIL "b" "y")) ...):
    // the same addresses; the first Subject here (see the vectors' README).
    assert_eq!(
        wire(MessageDataItem::Envelope(Box::new(m.envelope()))),
        "ENVELOPE (NIL \"first\" ((NIL NIL \"a\" \"x\")(NIL NIL \"b\" \"y\")) \
         ((NIL NIL \"a\" \"x\")(NIL NIL \"b\" \"y\")) ((NIL NIL \"a\" \"x\")(NIL NIL \"b\" \"y\")) \
         NIL NIL NIL NIL NIL)"
    );
    assert!(m.matches_header(b"from", "b@y"));
}

#[test]
fn parsed_message_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ParsedMessage>();
}
