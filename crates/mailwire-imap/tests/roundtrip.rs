//! Property tests: every valid message encodes to canonical bytes that decode back to an equal
//! value, and the decoded value encodes back to the same bytes; serde round trips.

use mailwire_imap::arbitrary::{
    authenticate_data, body_structure, challenge, command, greeting, message_data_item, response,
    search_key,
};
use mailwire_imap::codec::{
    Encode, Fragment, Options, decode_authenticate_data, decode_challenge, decode_command,
    decode_greeting, decode_idle_done, decode_response,
};
use mailwire_imap::types::{
    AuthenticateData, Command, CommandBody, Continuation, Greeting, IdleDone, LiteralMode, Response,
};
use proptest::prelude::*;

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Checks the fragment structure: literals follow a line that announces them.
fn check_fragments<T: Encode>(value: &T) -> Result<(), TestCaseError> {
    let enc = value.encode();
    let frags = enc.fragments();
    prop_assert!(!frags.is_empty());
    for (i, f) in frags.iter().enumerate() {
        match f {
            Fragment::Line { data } => {
                prop_assert!(data.ends_with(b"\r\n"), "line without CRLF: {}", show(data));
                if let Some(Fragment::Literal { data: lit, mode }) = frags.get(i + 1) {
                    let announce = match mode {
                        LiteralMode::Sync => format!("{{{}}}\r\n", lit.len()),
                        LiteralMode::NonSync => format!("{{{}+}}\r\n", lit.len()),
                    };
                    prop_assert!(
                        data.ends_with(announce.as_bytes()),
                        "{} does not announce {announce}",
                        show(data)
                    );
                }
            }
            Fragment::Literal { .. } => {
                let before = i.checked_sub(1).and_then(|j| frags.get(j));
                prop_assert!(
                    matches!(before, Some(Fragment::Line { .. })),
                    "literal not announced"
                );
                let after = frags.get(i + 1);
                prop_assert!(
                    matches!(after, Some(Fragment::Line { .. })),
                    "literal ends the message"
                );
            }
        }
    }
    Ok(())
}

fn no_secrets_command(c: &Command<'_>) -> bool {
    !matches!(
        c.body,
        CommandBody::Login { .. }
            | CommandBody::Authenticate {
                initial_response: Some(_),
                ..
            }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn command_round_trip(c in command()) {
        let wire = c.encode().dump();
        let (rest, back) = decode_command(&wire, &Options::commands())
            .map_err(|e| TestCaseError::fail(format!("{e:?} decoding {:?}", show(&wire))))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &c, "wire: {:?}", show(&wire));
        prop_assert_eq!(show(&back.encode().dump()), show(&wire));
        check_fragments(&c)?;
        let mut flat = Vec::new();
        c.encode_into(&mut flat);
        prop_assert_eq!(show(&flat), show(&wire));
    }

    #[test]
    fn response_round_trip(r in response()) {
        let wire = r.encode().dump();
        let (rest, back) = decode_response(&wire, &Options::responses())
            .map_err(|e| TestCaseError::fail(format!("{e:?} decoding {:?}", show(&wire))))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &r, "wire: {:?}", show(&wire));
        prop_assert_eq!(show(&back.encode().dump()), show(&wire));
        check_fragments(&r)?;
        // The flat encoding a server uses gives the same bytes, after what the buffer held.
        let mut flat = b"* OK before\r\n".to_vec();
        r.encode_into(&mut flat);
        prop_assert_eq!(show(&flat[13..]), show(&wire));
        prop_assert_eq!(&flat[..13], b"* OK before\r\n");
    }

    #[test]
    fn greeting_round_trip(g in greeting()) {
        let wire = g.encode().dump();
        let (rest, back) = decode_greeting(&wire, &Options::responses())
            .map_err(|e| TestCaseError::fail(format!("{e:?} decoding {:?}", show(&wire))))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &g, "wire: {:?}", show(&wire));
        prop_assert_eq!(back.encode().dump(), wire);
    }

    #[test]
    fn challenge_round_trip(c in challenge()) {
        let r = Response::Continuation(c);
        let wire = r.encode().dump();
        let (rest, back) = decode_challenge(&wire, &Options::responses())
            .map_err(|e| TestCaseError::fail(format!("{e:?} decoding {:?}", show(&wire))))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &r, "wire: {:?}", show(&wire));
        prop_assert_eq!(back.encode().dump(), wire);
    }

    #[test]
    fn authenticate_data_round_trip(a in authenticate_data()) {
        let wire = a.encode().dump();
        let (rest, back) = decode_authenticate_data(&wire, &Options::commands())
            .map_err(|e| TestCaseError::fail(format!("{e:?} decoding {:?}", show(&wire))))?;
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &a);
        prop_assert_eq!(back.encode().dump(), wire);
    }

    /// Responses also decode with the strict options (the generated ones need no quirk), except
    /// NIL parameter values in body structures, which only `nil_as_string` allows.
    #[test]
    fn response_round_trip_strict(r in response()) {
        let wire = r.encode().dump();
        let strict = Options { quirks: mailwire_imap::codec::Quirks::STRICT, ..Options::responses() };
        if let Ok((_, back)) = decode_response(&wire, &strict) {
            prop_assert_eq!(&back, &r, "wire: {:?}", show(&wire));
        }
    }

    #[test]
    fn serde_json_round_trip(
        c in command().prop_filter("secrets serialize redacted", no_secrets_command),
        r in response(),
        g in greeting(),
    ) {
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<Command<'_>>(&json).unwrap(), c);
        let json = serde_json::to_string(&r).unwrap();
        prop_assert_eq!(serde_json::from_str::<Response<'_>>(&json).unwrap(), r);
        let json = serde_json::to_string(&g).unwrap();
        prop_assert_eq!(serde_json::from_str::<Greeting<'_>>(&json).unwrap(), g);
    }

    #[test]
    fn serde_json_components(k in search_key(), b in body_structure(), m in message_data_item()) {
        let json = serde_json::to_string(&k).unwrap();
        prop_assert_eq!(serde_json::from_str::<mailwire_imap::types::SearchKey<'_>>(&json).unwrap(), k);
        let json = serde_json::to_string(&b).unwrap();
        prop_assert_eq!(serde_json::from_str::<mailwire_imap::types::BodyStructure<'_>>(&json).unwrap(), b);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<mailwire_imap::types::MessageDataItem<'_>>(&json).unwrap(), m);
    }

    /// Secrets never reach serialized output.
    #[test]
    fn serde_redacts_secrets(c in challenge(), a in authenticate_data()) {
        let json = serde_json::to_string(&c).unwrap();
        prop_assert!(json.contains("REDACTED"), "{}", json);
        prop_assert!(matches!(c, Continuation::Base64(_)));
        if let AuthenticateData::Continue(_) = a {
            prop_assert!(serde_json::to_string(&a).unwrap().contains("REDACTED"));
        }
    }
}

#[test]
fn idle_done_round_trip() {
    let wire = IdleDone.encode().dump();
    assert_eq!(wire, b"DONE\r\n");
    let (rest, back) = decode_idle_done(&wire, &Options::commands()).unwrap();
    assert!(rest.is_empty());
    assert_eq!(back, IdleDone);
}

/// Canonical wire samples (RFC 9051 examples, with the RFC's line breaks removed) decode and
/// encode back to the same bytes.
#[test]
fn canonical_samples_re_encode_identically() {
    let responses: &[&[u8]] = &[
        b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.ed>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
        b"* 12 FETCH (BODY[HEADER] {11}\r\nDate: x\r\n\r\n)\r\n",
        b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
        b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
        b"* LIST () \"/\" INBOX (\"OLDNAME\" (\"inbox\"))\r\n",
        b"* LIST (\\Noselect) \"/\" foo\r\n",
        b"* LIST () NIL \"\"\r\n",
        b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
        b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
        b"* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
        b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n",
        b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
        b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
        b"* 18 EXISTS\r\n",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
        b"* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
        b"+ Ready for additional command text\r\n",
        b"* BYE Autologout; idle for too long\r\n",
        b"a1 NO [ALREADYEXISTS] Mailbox exists\r\n",
    ];
    for wire in responses {
        let (rest, r) = decode_response(wire, &Options::responses())
            .unwrap_or_else(|e| panic!("{e:?} decoding {:?}", show(wire)));
        assert!(rest.is_empty());
        assert_eq!(show(&r.encode().dump()), show(wire));
    }
    let commands: &[&[u8]] = &[
        b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
        b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n",
        b"A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
        b"A003 APPEND saved-messages (\\Seen) {5}\r\nhello\r\n",
        b"A02 LIST (SUBSCRIBED) \"\" (\"*\" \"%\") RETURN (CHILDREN STATUS (MESSAGES))\r\n",
        b"A1 AUTHENTICATE PLAIN =\r\n",
        b"A2 UID MOVE 42:69 foo\r\n",
        b"A3 LOGIN {4+}\r\nfred \"pass word\"\r\n",
        b"A4 APPEND INBOX \" 7-Feb-1994 21:52:25 -0800\" ~{3}\r\na\0b\r\n",
    ];
    for wire in commands {
        let (rest, c) = decode_command(wire, &Options::commands())
            .unwrap_or_else(|e| panic!("{e:?} decoding {:?}", show(wire)));
        assert!(rest.is_empty());
        assert_eq!(show(&c.encode().dump()), show(wire));
    }
    let (_, g) = decode_greeting(
        b"* OK [CAPABILITY IMAP4rev2] IMAP4rev2 Service Ready\r\n",
        &Options::responses(),
    )
    .unwrap();
    assert_eq!(
        g.encode().dump(),
        b"* OK [CAPABILITY IMAP4rev2] IMAP4rev2 Service Ready\r\n"
    );
}

/// Decoder finding: a `tagged-ext-comp` of a single component in a command (LIST option value,
/// SEARCH return option value). The shared parser builds its fallback `Vec1` eagerly
/// (`unwrap_or(..Vec1::unchecked(Vec::new())..)`), which panics in debug builds.
#[test]
fn decoder_finding_single_component_option_value() {
    for wire in [
        &b"A LIST (X-A (A)) INBOX *\r\n"[..],
        b"A LIST \"\" * RETURN (X-A (\"b\"))\r\n",
        b"A SEARCH RETURN (X-A (A)) ALL\r\n",
    ] {
        let (rest, c) = decode_command(wire, &Options::commands())
            .unwrap_or_else(|e| panic!("{e:?} decoding {:?}", show(wire)));
        assert!(rest.is_empty());
        assert_eq!(show(&c.encode().dump()), show(wire));
    }
}

/// Decoder finding: an astring may start with `]` (`ASTRING-CHAR = ATOM-CHAR / resp-specials`),
/// also after a SP inside a `tagged-ext-comp`; the response decoder takes `SP ]` as the end of
/// the sequence.
#[test]
fn decoder_finding_astring_starting_with_bracket() {
    let wire = b"* LIST () NIL INBOX (X (A ]))\r\n";
    let (rest, r) = decode_response(wire, &Options::responses())
        .unwrap_or_else(|e| panic!("{e:?} decoding {:?}", show(wire)));
    assert!(rest.is_empty());
    assert_eq!(show(&r.encode().dump()), show(wire));
}
