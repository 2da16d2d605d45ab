//! The message-level extensions: every example of their RFCs (and Google's X-GM-EXT-1 page) as a
//! vector, known answers, and the errors and limits of the new grammar.
//!
//! The vectors are in `tests/vectors/<source>.vec` (see `tests/vectors/README.md`): each record's
//! label starts with `C` (a client command) or `S` (a server response), then the source line.

use std::num::NonZeroU32;

use mailwire_imap::codec::{
    DecodeError, Encode, ErrorKind, Options, decode_command, decode_response,
};
use mailwire_imap::types::*;

// ---------------------------------------------------------------------------------------------
// The vector files
// ---------------------------------------------------------------------------------------------

/// Each file with the number of command and response records it must hold.
const FILES: &[(&str, &[u8], usize, usize)] = &[
    ("rfc3502", include_bytes!("vectors/rfc3502.vec"), 1, 6),
    ("rfc4315", include_bytes!("vectors/rfc4315.vec"), 6, 17),
    ("rfc4731", include_bytes!("vectors/rfc4731.vec"), 9, 18),
    ("rfc5032", include_bytes!("vectors/rfc5032.vec"), 1, 2),
    ("rfc5256", include_bytes!("vectors/rfc5256.vec"), 6, 15),
    ("rfc6851", include_bytes!("vectors/rfc6851.vec"), 1, 3),
    ("rfc7162", include_bytes!("vectors/rfc7162.vec"), 56, 224),
    ("rfc7889", include_bytes!("vectors/rfc7889.vec"), 4, 9),
    ("rfc8438", include_bytes!("vectors/rfc8438.vec"), 4, 24),
    ("rfc8474", include_bytes!("vectors/rfc8474.vec"), 18, 45),
    ("rfc8514", include_bytes!("vectors/rfc8514.vec"), 3, 6),
    ("rfc8970", include_bytes!("vectors/rfc8970.vec"), 9, 22),
    ("rfc9586", include_bytes!("vectors/rfc9586.vec"), 6, 19),
    (
        "x-gm-ext-1",
        include_bytes!("vectors/x-gm-ext-1.vec"),
        11,
        37,
    ),
];

/// One record: `C` or `S`, the label, the message bytes.
struct Record {
    client: bool,
    label: String,
    bytes: Vec<u8>,
}

/// The records of a `.vec` file: `# C label` / `# S label` lines, each followed by the exact
/// bytes of one message (CRLF line ends, literals included) up to the next label line.
fn records(data: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    for chunk in split_records(data) {
        let nl = chunk.iter().position(|&b| b == b'\n').expect("label line");
        let label = std::str::from_utf8(&chunk[..nl]).expect("UTF-8 label");
        let (dir, label) = label.split_once(' ').expect("direction and label");
        assert!(dir == "C" || dir == "S", "{label}: direction {dir:?}");
        out.push(Record {
            client: dir == "C",
            label: label.to_string(),
            bytes: chunk[nl + 1..].to_vec(),
        });
    }
    out
}

/// The file cut before each `# ` that starts a line (the first record starts the file).
fn split_records(data: &[u8]) -> Vec<&[u8]> {
    assert!(data.starts_with(b"# "), "a .vec file starts with a label");
    let mut starts: Vec<usize> = data
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"\r\n# ")
        .map(|(k, _)| k + 4)
        .collect();
    starts.insert(0, 2);
    starts.push(data.len() + 2);
    starts.windows(2).map(|w| &data[w[0]..w[1] - 2]).collect()
}

fn commands() -> Options {
    Options::commands()
}

fn responses() -> Options {
    Options::responses()
}

/// Strict response decoding: no quirk.
fn strict() -> Options {
    let mut o = Options::responses();
    o.quirks = mailwire_imap::codec::Quirks::STRICT;
    o
}

/// Debug output that shows data kept untyped (as `Other`) where the source RFC types it.
fn untyped(debug: &str, client: bool) -> bool {
    debug.contains("Other { name")
        || debug.contains("Other(TaggedLabel")
        || (client && debug.contains("Other(Atom(\""))
}

/// The decoded value of a record, as Debug text, and its re-encoding.
fn decode_record(r: &Record, o: &Options) -> Result<(String, Vec<u8>), DecodeError> {
    if r.client {
        let (rest, c) = decode_command(&r.bytes, o)?;
        assert!(rest.is_empty(), "{}: {} bytes left", r.label, rest.len());
        let enc = c.encode().dump();
        let (_, again) = decode_command(&enc, o).expect("re-encoding decodes");
        assert_eq!(again, c, "{}: re-encoding decodes to the same", r.label);
        Ok((format!("{c:?}"), enc))
    } else {
        let (rest, resp) = decode_response(&r.bytes, o)?;
        assert!(rest.is_empty(), "{}: {} bytes left", r.label, rest.len());
        let enc = resp.encode().dump();
        let (_, again) = decode_response(&enc, o).expect("re-encoding decodes");
        assert_eq!(again, resp, "{}: re-encoding decodes to the same", r.label);
        Ok((format!("{resp:?}"), enc))
    }
}

#[test]
fn every_example_decodes_typed_and_re_encodes() {
    let mut total = 0;
    for (name, data, n_cmd, n_resp) in FILES {
        let recs = records(data);
        let cmds = recs.iter().filter(|r| r.client).count();
        assert_eq!(
            (cmds, recs.len() - cmds),
            (*n_cmd, *n_resp),
            "{name}: records"
        );
        for r in &recs {
            assert!(r.label.starts_with(name), "{name}: label {}", r.label);
            let o = if r.client { commands() } else { responses() };
            let (debug, enc) = decode_record(r, &o).unwrap_or_else(|e| {
                panic!(
                    "{}: {:?}: {e:?}",
                    r.label,
                    String::from_utf8_lossy(&r.bytes)
                )
            });
            assert!(
                !untyped(&debug, r.client) || r.label.contains("(generic"),
                "{}: not typed: {debug}",
                r.label
            );
            let canonical = enc == r.bytes;
            // Lower-case keywords, `"INBOX"`, `(FLAGS)` with one attribute, a missing text
            // after a response code and the like re-encode in the encoders' form.
            assert_eq!(
                canonical,
                !r.label.contains("(non-canonical)"),
                "{}: re-encoded as {:?}",
                r.label,
                String::from_utf8_lossy(&enc)
            );
            total += 1;
        }
    }
    assert_eq!(total, 582);
}

#[test]
fn responses_decode_without_quirks_unless_marked() {
    for (_, data, _, _) in FILES {
        for r in records(data).iter().filter(|r| !r.client) {
            let result = decode_record(r, &strict());
            assert_eq!(
                result.is_ok(),
                !r.label.contains("(lenient"),
                "{}: {result:?}",
                r.label
            );
        }
    }
}

#[test]
fn every_strict_prefix_is_incomplete() {
    for (_, data, _, _) in FILES {
        for r in records(data) {
            for k in 0..r.bytes.len() {
                let prefix = &r.bytes[..k];
                let res = if r.client {
                    decode_command(prefix, &commands()).map(|_| ())
                } else {
                    decode_response(prefix, &responses()).map(|_| ())
                };
                match res {
                    Err(DecodeError::Incomplete) => {}
                    Err(DecodeError::LiteralFound { .. }) if prefix.ends_with(b"}\r\n") => {}
                    other => panic!("{}: prefix {k}: {other:?}", r.label),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------------

fn line(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.extend_from_slice(b"\r\n");
    v
}

fn cmd(s: &str) -> CommandBody<'static> {
    let input = line(s);
    match decode_command(&input, &commands()) {
        Ok((rest, c)) => {
            assert!(rest.is_empty(), "{s:?}: trailing input");
            assert_eq!(
                decode_command(&c.encode().dump(), &commands()).map(|(_, c)| c),
                Ok(c.clone()),
                "{s:?}: re-encoding"
            );
            c.body.into_static()
        }
        Err(e) => panic!("{s:?}: {e:?}"),
    }
}

fn resp_bytes(input: &[u8]) -> Response<'static> {
    match decode_response(input, &responses()) {
        Ok((rest, r)) => {
            assert!(rest.is_empty(), "{input:?}: trailing input");
            assert_eq!(
                decode_response(&r.encode().dump(), &responses()).map(|(_, r)| r),
                Ok(r.clone()),
                "{input:?}: re-encoding"
            );
            r.into_static()
        }
        Err(e) => panic!("{:?}: {e:?}", String::from_utf8_lossy(input)),
    }
}

fn resp(s: &str) -> Response<'static> {
    resp_bytes(&line(s))
}

fn data(s: &str) -> Data<'static> {
    match resp(s) {
        Response::Data(d) => d,
        other => panic!("{s:?}: {other:?}"),
    }
}

fn code(s: &str) -> Code<'static> {
    match resp(s) {
        Response::Status(
            Status::Tagged { code: Some(c), .. } | Status::Untagged { code: Some(c), .. },
        ) => c,
        other => panic!("{s:?}: {other:?}"),
    }
}

fn items(s: &str) -> Vec<MessageDataItem<'static>> {
    match data(s) {
        Data::Fetch { items, .. } | Data::UidFetch { items, .. } => items.into_vec(),
        other => panic!("{s:?}: {other:?}"),
    }
}

/// The error kind of a message that does not decode.
fn fails(s: &str, client: bool) -> ErrorKind {
    let input = line(s);
    let res = if client {
        decode_command(&input, &commands()).map(|_| ())
    } else {
        decode_response(&input, &responses()).map(|_| ())
    };
    match res {
        Err(DecodeError::Failed(e)) => e.kind,
        other => panic!("{s:?}: expected a failure, got {other:?}"),
    }
}

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

fn ms(n: u64) -> ModSeq {
    ModSeq::new(n).unwrap()
}

fn mz(n: u64) -> ModSeqValzer {
    ModSeqValzer::new(n).unwrap()
}

fn v1<T>(v: Vec<T>) -> Vec1<T> {
    Vec1::try_from(v).unwrap()
}

/// A sequence set written as in IMAP (`2:4,7`).
fn set(s: &str) -> SequenceSet {
    let one = |x: &str| match x {
        "*" => SeqOrUid::Asterisk,
        _ => SeqOrUid::Value(nz(x.parse().unwrap())),
    };
    SequenceSet::Set(v1(s
        .split(',')
        .map(|p| match p.split_once(':') {
            Some((a, b)) => Sequence::Range(one(a), one(b)),
            None => Sequence::Single(one(p)),
        })
        .collect()))
}

fn atom(s: &'static str) -> Atom<'static> {
    Atom::new(s).unwrap()
}

fn astr(s: &'static str) -> AString<'static> {
    AString::try_from(s).unwrap()
}

fn oid(s: &'static str) -> ObjectId<'static> {
    ObjectId::new(s).unwrap()
}

fn label(s: &'static str) -> TaggedLabel<'static> {
    TaggedLabel::new(s).unwrap()
}

fn date(y: u16, m: u8, d: u8) -> NaiveDate {
    NaiveDate::new(y, m, d).unwrap()
}

#[test]
fn kat_condstore_and_qresync_commands() {
    // RFC 7162 §3.1.8 Example 18 and §3.2.5.2 (message sequence match data).
    assert_eq!(
        cmd("A142 SELECT INBOX (CONDSTORE)"),
        CommandBody::Select {
            mailbox: Mailbox::Inbox,
            params: vec![SelectParam::Condstore],
        }
    );
    assert_eq!(
        cmd(
            "B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))"
        ),
        CommandBody::Select {
            mailbox: Mailbox::Inbox,
            params: vec![SelectParam::Qresync(QresyncParam {
                uid_validity: nz(67_890_007),
                mod_seq: ms(90_060_115_194_045_000),
                known_uids: Some(set("1:29997")),
                seq_match: Some(SeqMatchData {
                    known_sequence_set: set("5000,7500,9000,9990:9999"),
                    known_uid_set: set(
                        "15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997"
                    ),
                }),
            })],
        }
    );
    // QRESYNC without known UIDs but with match data; EXAMINE; an unknown parameter kept.
    assert_eq!(
        cmd("a EXAMINE x (QRESYNC (1 2 (1:3 4:6)) X-PARAM (a (b)))"),
        CommandBody::Examine {
            mailbox: Mailbox::Other(astr("x")),
            params: vec![
                SelectParam::Qresync(QresyncParam {
                    uid_validity: nz(1),
                    mod_seq: ms(2),
                    known_uids: None,
                    seq_match: Some(SeqMatchData {
                        known_sequence_set: set("1:3"),
                        known_uid_set: set("4:6"),
                    }),
                }),
                SelectParam::Other(
                    label("X-PARAM"),
                    Some(TaggedExtValue::Comp(Some(TaggedExtComp::Many(v1(vec![
                        TaggedExtComp::AString(astr("a")),
                        TaggedExtComp::Paren(Box::new(TaggedExtComp::AString(astr("b")))),
                    ]))))),
                ),
            ],
        }
    );
    // RFC 7162 §3.1.3 Example 3; STORE modifiers come before the flags.
    assert_eq!(
        cmd("a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)"),
        CommandBody::Store {
            uid: true,
            set: set("6,4,8"),
            modifiers: vec![StoreModifier::UnchangedSince(mz(12_121_230_045))],
            mode: StoreMode::Add,
            silent: true,
            flags: vec![Flag::Deleted],
            parenthesized: true,
        }
    );
    assert_eq!(
        cmd("a102 STORE 12 (UNCHANGEDSINCE 0 X-MOD 5) +FLAGS.SILENT ($MDNSent)"),
        CommandBody::Store {
            uid: false,
            set: set("12"),
            modifiers: vec![
                StoreModifier::UnchangedSince(ModSeqValzer::ZERO),
                StoreModifier::Other(
                    label("X-MOD"),
                    Some(TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(set(
                        "5"
                    ))))
                ),
            ],
            mode: StoreMode::Add,
            silent: true,
            flags: vec![Flag::Keyword(atom("$MDNSent"))],
            parenthesized: true,
        }
    );
    // RFC 7162 §3.2.6 (CHANGEDSINCE and VANISHED), after one attribute in parentheses.
    assert_eq!(
        cmd("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)"),
        CommandBody::Fetch {
            uid: true,
            set: set("300:500"),
            attributes: MacroOrAttributes::Attributes(vec![FetchAttribute::Flags]),
            modifiers: vec![
                FetchModifier::ChangedSince(ms(12345)),
                FetchModifier::Vanished
            ],
        }
    );
    // After a macro, and an unknown modifier (RFC 4466 fetch-modifier).
    assert_eq!(
        cmd("a FETCH 1 FAST (X-PARTIAL 1:10)"),
        CommandBody::Fetch {
            uid: false,
            set: set("1"),
            attributes: MacroOrAttributes::Macro(Macro::Fast),
            modifiers: vec![FetchModifier::Other(
                label("X-PARTIAL"),
                Some(TaggedExtValue::Simple(TaggedExtSimple::SequenceSet(set(
                    "1:10"
                ))))
            )],
        }
    );
    // RFC 7162 §3.1.4.2 Example 13.
    assert_eq!(
        cmd("a FETCH 1:3 (MODSEQ)"),
        CommandBody::Fetch {
            uid: false,
            set: set("1:3"),
            attributes: MacroOrAttributes::Attributes(vec![FetchAttribute::ModSeq]),
            modifiers: vec![],
        }
    );
}

#[test]
fn kat_condstore_search_keys() {
    let search = |criteria| CommandBody::Search {
        uid: false,
        returns: None,
        charset: None,
        criteria: v1(criteria),
    };
    // RFC 7162 §3.1.5 Examples 15 and 16.
    assert_eq!(
        cmd("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338"),
        search(vec![SearchKey::ModSeq {
            entry: Some(ModSeqEntry {
                flag: Flag::Draft,
                entry_type: EntryType::All,
            }),
            mod_seq: mz(620_162_338),
        }])
    );
    assert_eq!(
        cmd("t SEARCH OR NOT MODSEQ 720162338 LARGER 50000"),
        search(vec![SearchKey::Or(
            Box::new(SearchKey::Not(Box::new(SearchKey::ModSeq {
                entry: None,
                mod_seq: mz(720_162_338),
            }))),
            Box::new(SearchKey::Larger(50000)),
        )])
    );
    assert_eq!(
        cmd("a SEARCH MODSEQ \"/FLAGS/$Junk\" priv 0 MODSEQ \"/flags/\\\\X\" shared 1"),
        search(vec![
            SearchKey::ModSeq {
                entry: Some(ModSeqEntry {
                    flag: Flag::Keyword(atom("$Junk")),
                    entry_type: EntryType::Private,
                }),
                mod_seq: ModSeqValzer::ZERO,
            },
            SearchKey::ModSeq {
                entry: Some(ModSeqEntry {
                    flag: Flag::Extension(atom("X")),
                    entry_type: EntryType::Shared,
                }),
                mod_seq: mz(1),
            },
        ])
    );
}

#[test]
fn kat_condstore_and_qresync_responses() {
    assert_eq!(
        code("* OK [HIGHESTMODSEQ 715194045007]"),
        Code::HighestModSeq(ms(715_194_045_007))
    );
    assert_eq!(
        code("* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences"),
        Code::NoModSeq
    );
    assert_eq!(
        code("d105 OK [MODIFIED 7,9] Conditional STORE failed"),
        Code::Modified(set("7,9"))
    );
    assert_eq!(code("* OK [CLOSED]"), Code::Closed);
    assert_eq!(
        items("* 4 FETCH (UID 8 MODSEQ (29738) FLAGS ($NoJunk $AutoJunk $MDNSent))")[1],
        MessageDataItem::ModSeq(ms(29738))
    );
    // RFC 7162 §3.1.6: SEARCH with the highest mod-sequence.
    assert_eq!(
        data("* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)"),
        Data::SearchModSeq {
            ids: v1([2, 5, 6, 7, 11, 12, 18, 19, 20, 23].map(nz).to_vec()),
            mod_seq: ms(917_162_500),
        }
    );
    assert_eq!(data("* SEARCH"), Data::Search(vec![]));
    // RFC 7162 §3.1.7 Example 17.
    assert_eq!(
        data("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)"),
        Data::Status {
            mailbox: Mailbox::Other(astr("blurdybloop")),
            values: vec![
                StatusValue::Messages(231),
                StatusValue::UidNext(nz(44292)),
                StatusValue::HighestModSeq(mz(7_011_231_777)),
            ],
        }
    );
    // RFC 7162 §3.1.10 Example 19 (RFC 4731 §3.2).
    assert_eq!(
        data("* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236"),
        Data::ESearch {
            tag: Some(AString::String(IString::Quoted(
                Quoted::new(&b"a"[..]).unwrap()
            ))),
            uid: false,
            data: vec![
                SearchReturnData::All(set("1:3,5")),
                SearchReturnData::ModSeq(ms(1236)),
            ],
        }
    );
    // RFC 7162 §3.2.10.
    assert_eq!(
        data("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540"),
        Data::Vanished {
            earlier: true,
            uids: set("41,43:116,118,120:211,214:540"),
        }
    );
    assert_eq!(
        data("* VANISHED 405,407,410,425"),
        Data::Vanished {
            earlier: false,
            uids: set("405,407,410,425"),
        }
    );
}

#[test]
fn kat_sort_and_thread() {
    // RFC 5256 §BASE.6.4.SORT and RFC 7162 §3.1.10 Example 20 (ESORT RETURN).
    assert_eq!(
        cmd("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL"),
        CommandBody::Sort {
            uid: false,
            returns: None,
            criteria: v1(vec![
                SortCriterion {
                    reverse: false,
                    key: SortKey::Subject,
                },
                SortCriterion {
                    reverse: true,
                    key: SortKey::Date,
                },
            ]),
            charset: Charset::Atom(atom("UTF-8")),
            keys: v1(vec![SearchKey::All]),
        }
    );
    assert_eq!(
        cmd("a UID SORT RETURN (ALL) (DISPLAYFROM X-SCORE) UTF-8 MODSEQ 1234"),
        CommandBody::Sort {
            uid: true,
            returns: Some(vec![SearchReturnOption::All]),
            criteria: v1(vec![
                SortCriterion {
                    reverse: false,
                    key: SortKey::DisplayFrom,
                },
                SortCriterion {
                    reverse: false,
                    key: SortKey::Other(atom("X-SCORE")),
                },
            ]),
            charset: Charset::Atom(atom("UTF-8")),
            keys: v1(vec![SearchKey::ModSeq {
                entry: None,
                mod_seq: mz(1234),
            }]),
        }
    );
    assert_eq!(
        cmd("A284 UID THREAD REFS US-ASCII TEXT \"gewp\" SINCE 5-MAR-2000"),
        CommandBody::Thread {
            uid: true,
            algorithm: ThreadAlgorithm::Other(atom("REFS")),
            charset: Charset::Atom(atom("US-ASCII")),
            keys: v1(vec![
                SearchKey::Text(AString::String(IString::Quoted(
                    Quoted::new(&b"gewp"[..]).unwrap()
                ))),
                SearchKey::Since(date(2000, 3, 5)),
            ]),
        }
    );
    assert_eq!(data("* SORT 2 3 6"), Data::Sort(vec![nz(2), nz(3), nz(6)]));
    assert_eq!(data("* SORT"), Data::Sort(vec![]));
    assert_eq!(
        data("* SORT 5 3 (MODSEQ 1236)"),
        Data::SortModSeq {
            ids: v1(vec![nz(5), nz(3)]),
            mod_seq: ms(1236),
        }
    );
    // RFC 5256 §BASE.7.2.THREAD: (2)(3 6 (4 23)(44 7 96)) and ((3)(5)).
    let leaf = |ids: &[u32]| ThreadList::Members {
        ids: v1(ids.iter().map(|&n| nz(n)).collect()),
        nested: vec![],
    };
    assert_eq!(
        data("* THREAD (2)(3 6 (4 23)(44 7 96))"),
        Data::Thread(vec![
            leaf(&[2]),
            ThreadList::Members {
                ids: v1(vec![nz(3), nz(6)]),
                nested: vec![leaf(&[4, 23]), leaf(&[44, 7, 96])],
            },
        ])
    );
    assert_eq!(
        data("* THREAD ((3)(5))"),
        Data::Thread(vec![ThreadList::Nested(v1(vec![leaf(&[3]), leaf(&[5])]))])
    );
    assert_eq!(data("* THREAD"), Data::Thread(vec![]));
    // Spaces between lists only with the lenient-spaces quirk.
    assert_eq!(
        data("* THREAD (1) (2 (3) (4))"),
        Data::Thread(vec![
            leaf(&[1]),
            ThreadList::Members {
                ids: v1(vec![nz(2)]),
                nested: vec![leaf(&[3]), leaf(&[4])],
            },
        ])
    );
    assert!(decode_response(&line("* THREAD (1) (2)"), &strict()).is_err());
}

#[test]
fn kat_uidonly() {
    // RFC 9586 §3 and §3.3.
    assert_eq!(
        code("07 BAD [UIDREQUIRED] Message numbers are not allowed once UIDONLY is enabled"),
        Code::UidRequired
    );
    assert_eq!(
        data("* 25900 UIDFETCH (FLAGS (\\Seen) UID 25900)"),
        Data::UidFetch {
            uid: nz(25900),
            items: v1(vec![
                MessageDataItem::Flags(vec![FlagFetch::Flag(Flag::Seen)]),
                MessageDataItem::Uid(nz(25900)),
            ]),
        }
    );
}

#[test]
fn kat_savedate_objectid_preview_within() {
    // RFC 8514 §4.2 and §4.3.
    assert_eq!(
        items("* 998 FETCH (SAVEDATE \"01-Jan-2015 18:50:53 +0100\")"),
        vec![MessageDataItem::SaveDate(Some(
            DateTime::new(date(2015, 1, 1), 18, 50, 53, 60).unwrap()
        ))]
    );
    assert_eq!(
        items("* 1 FETCH (SAVEDATE NIL)"),
        vec![MessageDataItem::SaveDate(None)]
    );
    let search = |s: &str| match cmd(s) {
        CommandBody::Search { criteria, .. } => criteria.into_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        search(
            "A1 SEARCH SAVEDBEFORE 1-Jan-2015 SAVEDON 28-Dec-2014 SAVEDSINCE 2-Jan-2015 SAVEDATESUPPORTED"
        ),
        vec![
            SearchKey::SavedBefore(date(2015, 1, 1)),
            SearchKey::SavedOn(date(2014, 12, 28)),
            SearchKey::SavedSince(date(2015, 1, 2)),
            SearchKey::SaveDateSupported,
        ]
    );
    assert_eq!(
        search("A1 search savedatesupported"),
        vec![SearchKey::SaveDateSupported]
    );
    // RFC 5032 §4.
    assert_eq!(
        search("a1 SEARCH UNSEEN YOUNGER 259200 OLDER 1"),
        vec![
            SearchKey::Unseen,
            SearchKey::Younger(nz(259_200)),
            SearchKey::Older(nz(1)),
        ]
    );
    // RFC 8474 §4-§6.
    assert_eq!(
        code("3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed"),
        Code::MailboxId(oid("F2212ea87-6097-4256-9d51-71338625"))
    );
    assert_eq!(
        data("* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))"),
        Data::Status {
            mailbox: Mailbox::Other(astr("foo")),
            values: vec![StatusValue::MailboxId(oid(
                "F2212ea87-6097-4256-9d51-71338625"
            ))],
        }
    );
    assert_eq!(
        items("* 1 FETCH (EMAILID (M00000001) THREADID NIL)"),
        vec![
            MessageDataItem::EmailId(oid("M00000001")),
            MessageDataItem::ThreadId(None),
        ]
    );
    assert_eq!(
        items("* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))")[1],
        MessageDataItem::ThreadId(Some(oid("T64b478a75b7ea9")))
    );
    assert_eq!(
        search("28 search threadid T64b478a75b7ea9 emailid M_-1"),
        vec![
            SearchKey::ThreadId(oid("T64b478a75b7ea9")),
            SearchKey::EmailId(oid("M_-1")),
        ]
    );
    assert_eq!(
        cmd("6 status foo (mailboxid appendlimit highestmodseq x-unknown)"),
        CommandBody::Status {
            mailbox: Mailbox::Other(astr("foo")),
            attributes: v1(vec![
                StatusAttribute::MailboxId,
                StatusAttribute::AppendLimit,
                StatusAttribute::HighestModSeq,
                StatusAttribute::Other(atom("x-unknown")),
            ]),
        }
    );
    // RFC 8970 §5: LAZY, and a single PREVIEW before fetch-modifiers.
    let atts = |s: &str| match cmd(s) {
        CommandBody::Fetch {
            attributes: MacroOrAttributes::Attributes(a),
            modifiers,
            ..
        } => (a, modifiers),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        atts("B1 FETCH 1:4 (ENVELOPE PREVIEW (LAZY))").0,
        vec![
            FetchAttribute::Envelope,
            FetchAttribute::Preview { lazy: true }
        ]
    );
    assert_eq!(
        atts("a FETCH 1 PREVIEW (CHANGEDSINCE 5)"),
        (
            vec![FetchAttribute::Preview { lazy: false }],
            vec![FetchModifier::ChangedSince(ms(5))]
        )
    );
    assert_eq!(
        atts("a FETCH 1 PREVIEW (lazy)"),
        (vec![FetchAttribute::Preview { lazy: true }], vec![])
    );
    assert_eq!(
        items("* 3 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) PREVIEW NIL)")[1],
        MessageDataItem::Preview(NString::NIL)
    );
}

#[test]
fn kat_append_multiappend_utf8_and_extensions() {
    // RFC 3502 §6.3.11: two messages in one command.
    let multi = records(FILES[0].1)
        .into_iter()
        .find(|r| r.client)
        .unwrap()
        .bytes;
    let (_, c) = decode_command(&multi, &commands()).unwrap();
    let CommandBody::Append { mailbox, messages } = c.body else {
        panic!()
    };
    assert_eq!(mailbox, Mailbox::Other(astr("saved-messages")));
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].flags, Some(vec![Flag::Seen]));
    assert_eq!(messages[0].date, None);
    assert_eq!(messages[0].data.data().len(), 329);
    assert_eq!(
        messages[1].date,
        Some(DateTime::new(date(1994, 2, 7), 22, 43, 4, -8 * 60).unwrap())
    );
    assert_eq!(messages[1].data.data().len(), 295);
    // RFC 6855 §4 UTF8 data item (constructed: the RFC has no example).
    assert_eq!(
        cmd("A1 APPEND INBOX (\\Seen) UTF8 (~{4+}\r\nh\u{e9}!)"),
        CommandBody::append(
            Mailbox::Inbox,
            Some(vec![Flag::Seen]),
            None,
            AppendData::Utf8(Literal8 {
                data: "h\u{e9}!".as_bytes().to_vec().into(),
                mode: LiteralMode::NonSync,
            }),
        )
    );
    // RFC 4466 append-ext and append-data-ext (CATENATE, RFC 4469 §5, kept generic).
    let ext = TaggedExtValue::Comp(Some(TaggedExtComp::AString(astr("a"))));
    assert_eq!(
        cmd(
            "A2 APPEND x X-META (a) {3+}\r\nabc (\\Seen) CATENATE (URL \"/x;UID=1\" TEXT {2+}\r\nhi)"
        ),
        CommandBody::Append {
            mailbox: Mailbox::Other(astr("x")),
            messages: v1(vec![
                AppendMessage {
                    flags: None,
                    date: None,
                    extensions: vec![(label("X-META"), ext)],
                    data: AppendData::Literal(
                        Literal::with_mode(&b"abc"[..], LiteralMode::NonSync).unwrap()
                    ),
                },
                AppendMessage {
                    flags: Some(vec![Flag::Seen]),
                    date: None,
                    extensions: vec![],
                    data: AppendData::Other(
                        label("CATENATE"),
                        TaggedExtValue::Comp(Some(TaggedExtComp::Many(v1(vec![
                            TaggedExtComp::AString(astr("URL")),
                            TaggedExtComp::AString(AString::String(IString::Quoted(
                                Quoted::new(&b"/x;UID=1"[..]).unwrap()
                            ))),
                            TaggedExtComp::AString(astr("TEXT")),
                            TaggedExtComp::AString(AString::String(IString::Literal(
                                Literal::with_mode(&b"hi"[..], LiteralMode::NonSync).unwrap()
                            ))),
                        ])))),
                    ),
                },
            ]),
        }
    );
    // RFC 7889 §3.1 and §4 (TOOBIG from RFC 4469).
    assert_eq!(
        data("* STATUS INBOX (APPENDLIMIT 257890 APPENDLIMIT NIL)"),
        Data::Status {
            mailbox: Mailbox::Inbox,
            values: vec![
                StatusValue::AppendLimit(Some(257_890)),
                StatusValue::AppendLimit(None)
            ],
        }
    );
    assert_eq!(code("A1 NO [TOOBIG] Message too big"), Code::TooBig);
}

#[test]
fn kat_gmail() {
    // https://developers.google.com/gmail/imap/imap-extensions
    let system = |s: &'static str| GmailLabel::System(atom(s));
    let named = |s: &'static str| GmailLabel::Label(astr(s));
    assert_eq!(
        items("* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))"),
        vec![MessageDataItem::GmailLabels(vec![
            system("Inbox"),
            system("Sent"),
            named("Important"),
            GmailLabel::Label(AString::String(IString::Quoted(
                Quoted::new(&b"Muy Importante"[..]).unwrap()
            ))),
        ])]
    );
    assert_eq!(
        items("* 1 FETCH (X-GM-MSGID 18446744073709551615 X-GM-THRID 1266894439832287888)"),
        vec![
            MessageDataItem::GmailMsgId(u64::MAX),
            MessageDataItem::GmailThrId(1_266_894_439_832_287_888),
        ]
    );
    assert_eq!(
        cmd("a011 UID STORE 1 (UNCHANGEDSINCE 5) -X-GM-LABELS.SILENT \\Trash foo"),
        CommandBody::StoreGmailLabels {
            uid: true,
            set: set("1"),
            modifiers: vec![StoreModifier::UnchangedSince(mz(5))],
            mode: StoreMode::Remove,
            silent: true,
            labels: vec![system("Trash"), named("foo")],
            parenthesized: false,
        }
    );
    let search = match cmd(
        "a SEARCH X-GM-RAW \"has:attachment in:unread\" X-GM-MSGID 1 X-GM-THRID 2 X-GM-LABELS \\Important",
    ) {
        CommandBody::Search { criteria, .. } => criteria.into_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        search,
        vec![
            SearchKey::GmailRaw(AString::String(IString::Quoted(
                Quoted::new(&b"has:attachment in:unread"[..]).unwrap()
            ))),
            SearchKey::GmailMsgId(1),
            SearchKey::GmailThrId(2),
            SearchKey::GmailLabels(system("Important")),
        ]
    );
    assert_eq!(
        cmd("a FETCH 1 (X-GM-MSGID X-GM-THRID X-GM-LABELS)"),
        CommandBody::Fetch {
            uid: false,
            set: set("1"),
            attributes: MacroOrAttributes::Attributes(vec![
                FetchAttribute::GmailMsgId,
                FetchAttribute::GmailThrId,
                FetchAttribute::GmailLabels,
            ]),
            modifiers: vec![],
        }
    );
}

#[test]
fn kat_binary_origin() {
    // RFC 3516 §4.3 and RFC 9051 §7.5.2: BINARY[section]<origin> (prose; not in the ABNF).
    assert_eq!(
        items("* 1 FETCH (BINARY[1]<0> ~{2}\r\n\0\x01 BINARY.SIZE[1] 2)"),
        vec![
            MessageDataItem::Binary {
                section: vec![nz(1)],
                origin: Some(0),
                value: BinaryData::Literal8(Literal8 {
                    data: (&b"\0\x01"[..]).into(),
                    mode: LiteralMode::Sync,
                }),
            },
            MessageDataItem::BinarySize {
                section: vec![nz(1)],
                size: 2,
            },
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Unknown extensions pass through unchanged
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_items_and_values_re_encode_byte_for_byte() {
    for input in [
        &b"* 1 FETCH (X-FOO (a \"b c\" \\Seen NIL (1:* $)) UID 5 X_BAR ~{2}\r\n\0\x01 X-BAZ {3}\r\nabc)\r\n"[..],
        b"* 2 UIDFETCH (X-EMPTY () UIDX 7)\r\n",
        b"* STATUS x (X-NEW 17 MESSAGES 3 X-LIST (a b) X-NIL NIL MESSAGESX 4)\r\n",
    ] {
        let r = resp_bytes(input);
        assert_eq!(r.encode().dump(), input, "{:?}", String::from_utf8_lossy(input));
    }
    assert_eq!(
        items("* 1 FETCH (UID_X 5 X-A (\\Seen))"),
        vec![
            MessageDataItem::Other {
                name: atom("UID_X"),
                value: OpaqueValue::Token(OpaqueToken::new("5").unwrap()),
            },
            MessageDataItem::Other {
                name: atom("X-A"),
                value: OpaqueValue::List(vec![OpaqueValue::Token(
                    OpaqueToken::new("\\Seen").unwrap()
                )]),
            },
        ]
    );
    assert_eq!(
        data("* STATUS x (X-NEW 17)"),
        Data::Status {
            mailbox: Mailbox::Other(astr("x")),
            values: vec![StatusValue::Other {
                name: atom("X-NEW"),
                value: OpaqueValue::Token(OpaqueToken::new("17").unwrap()),
            }],
        }
    );
    for input in [
        "a FETCH 1 (X-FOO UID FLAGSX X-A-LONGER-NAME-THAN-ANY-KNOWN)",
        "a FETCH 1 X-FOO",
        "a SELECT x (X-P1 X-P2 (a) X-P3 5)",
        "a STATUS x (X-NEW MESSAGES)",
        "a UID FETCH 1:* (UID FLAGS) (X-MOD (1 2))",
    ] {
        let body = cmd(input);
        let enc = Command {
            tag: Tag::new("a").unwrap(),
            body,
        }
        .encode()
        .dump();
        assert_eq!(enc, line(input), "{input}");
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and limits
// ---------------------------------------------------------------------------------------------

/// `input` fails as a syntax error, a trailing input, a number or a date out of range.
fn syntax_error(input: &str, client: bool) {
    let kind = fails(input, client);
    assert!(
        matches!(
            kind,
            ErrorKind::Syntax { .. } | ErrorKind::Trailing | ErrorKind::Number | ErrorKind::Date
        ),
        "{input}: {kind:?}"
    );
}

#[test]
fn bad_extension_commands() {
    for input in [
        "a FETCH 1 (FLAGS) (CHANGEDSINCE 0)",
        "a FETCH 1 (FLAGS) (CHANGEDSINCE 9223372036854775808)",
        "a FETCH 1 (FLAGS) ()",
        "a SELECT x ()",
        "a SELECT x (QRESYNC (1 2 1:*))",
        "a SELECT x (QRESYNC (0 2))",
        "a SELECT x (QRESYNC (1 0))",
        "a SELECT x (QRESYNC (1 2 (1:2)))",
        "a STORE 1 () +FLAGS (\\Seen)",
        "a STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)",
        "a SEARCH MODSEQ",
        "a SEARCH MODSEQ \"/flags/\\\\seen\" 5",
        "a SEARCH MODSEQ \"/keywords/x\" all 5",
        "a SEARCH MODSEQ \"/flags/\" all 5",
        "a SEARCH MODSEQ \"/flags/\\\\seen\" everyone 5",
        "a SEARCH OLDER 0",
        "a SEARCH YOUNGER x",
        "a SEARCH EMAILID",
        "a SEARCH EMAILID a.b",
        "a SEARCH X-GM-MSGID 18446744073709551616",
        "a SEARCH X-GM-MSGID -1",
        "a SEARCH SAVEDON 32-Dec-2014",
        "a SORT () UTF-8 ALL",
        "a SORT (DATE) ALL",
        "a SORT (DATE)",
        "a THREAD REFERENCES UTF-8",
        "a THREAD (REFERENCES) UTF-8 ALL",
        "a FETCH 1 (PREVIEW (FAST))",
        "a APPEND x UTF8 (~{1}\r\na",
        "a APPEND x UTF8 ({1}\r\na)",
        "a APPEND x X-EXT",
        "a STORE 1 +X-GM-LABELS",
        "a STORE 1 +X-GM-LABELS (\\)",
    ] {
        syntax_error(input, true);
    }
    let long = format!("a SEARCH EMAILID {}", "x".repeat(256));
    assert!(decode_command(&line(&long), &commands()).is_err());
    let max = format!("a SEARCH EMAILID {}", "x".repeat(255));
    assert!(decode_command(&line(&max), &commands()).is_ok());
}

#[test]
fn bad_extension_responses() {
    for input in [
        "* VANISHED 1:*",
        "* VANISHED (EARLY) 1",
        "* VANISHED",
        "* SEARCH (MODSEQ 5)",
        "* SEARCH 1 (MODSEQ 0)",
        "* SEARCH 1 (MODSEQ 5) 2",
        "* SORT 1 (MODSEQ)",
        "* THREAD ()",
        "* THREAD (1 (2) 3)",
        "* THREAD (0)",
        "* THREAD (1",
        "* THREAD (1))",
        "* 0 UIDFETCH (FLAGS ())",
        "* 1 UIDFETCH ()",
        "* 1 FETCH (MODSEQ 5)",
        "* 1 FETCH (MODSEQ (0))",
        "* 1 FETCH (EMAILID M1)",
        "* 1 FETCH (THREADID (a b))",
        "* 1 FETCH (SAVEDATE \"x\")",
        "* 1 FETCH (X-GM-MSGID 18446744073709551616)",
        "* 1 FETCH (X-GM-LABELS foo)",
        "* 1 FETCH (X-FOO)",
        "* 1 FETCH (X-FOO (a)",
        "* 1 FETCH (X-FOO[1] 2)",
        "* STATUS x (APPENDLIMIT x)",
        "* STATUS x (HIGHESTMODSEQ 9223372036854775808)",
        "* STATUS x (MAILBOXID x)",
        "* STATUS x (X-FOO)",
    ] {
        syntax_error(input, false);
    }
}

fn too_deep(input: &[u8], o: &Options) -> bool {
    matches!(
        decode_response(input, o),
        Err(DecodeError::Failed(e)) if e.kind == ErrorKind::TooDeep(o.max_depth.min(512))
    )
}

#[test]
fn thread_and_opaque_nesting_is_bounded() {
    let thread = |n: usize| {
        let mut s = b"* THREAD ".to_vec();
        s.extend(b"(1 ".repeat(n - 1));
        s.extend_from_slice(b"(1)");
        s.extend(std::iter::repeat_n(b')', n - 1));
        s.extend_from_slice(b"\r\n");
        s
    };
    let opaque = |n: usize| {
        let mut s = b"* 1 FETCH (X-FOO ".to_vec();
        s.extend(std::iter::repeat_n(b'(', n));
        s.extend(std::iter::repeat_n(b')', n));
        s.extend_from_slice(b")\r\n");
        s
    };
    let o = responses();
    for make in [&thread as &dyn Fn(usize) -> Vec<u8>, &opaque] {
        let ok = make(64);
        assert!(decode_response(&ok, &o).is_ok());
        assert!(too_deep(&make(65), &o));
        // Far beyond the limit: an error, not a stack overflow.
        assert!(too_deep(&make(100_000), &o));
    }
    let mut small = o;
    small.max_depth = 3;
    assert!(decode_response(&thread(3), &small).is_ok());
    assert!(too_deep(&thread(4), &small));
}

// ---------------------------------------------------------------------------------------------
// MULTIAPPEND through the machines: a refused second literal (RFC 3502 §6.3.11, example A005)
// ---------------------------------------------------------------------------------------------

/// Runs `next` until the machine needs input; returns the events and the bytes written.
fn drain<E: std::fmt::Debug, X: std::fmt::Debug>(
    mut next: impl FnMut() -> Result<E, mailwire_core::Interrupt<X>>,
) -> (Vec<E>, Vec<u8>) {
    use mailwire_core::{Interrupt, Io};
    let (mut events, mut out) = (Vec::new(), Vec::new());
    loop {
        match next() {
            Ok(e) => events.push(e),
            Err(Interrupt::Io(Io::Output(b))) => out.extend_from_slice(&b),
            Err(Interrupt::Io(Io::NeedMoreInput)) => return (events, out),
            Err(other) => panic!("{other:?}"),
        }
    }
}

const A005_DATA: &[u8] = b"Date: Mon, 7 Feb 2000 22:43:04 -0800 (PST)\r\nFrom: Fred Foobar <fred@example.com>\r\nSubject: hmm...\r\n";

#[test]
fn client_drops_a_multiappend_whose_second_literal_is_refused() {
    use mailwire_imap::client;
    let mut c = client::Connection::new(client::Options::default());
    c.feed(b"* PREAUTH ready\r\n");
    assert_eq!(drain(|| c.next()).0.len(), 1);
    let message = |flags, data: &[u8]| AppendMessage {
        flags,
        date: None,
        extensions: vec![],
        data: AppendData::Literal(Literal::new(data.to_vec()).unwrap()),
    };
    let tag = c
        .enqueue(CommandBody::Append {
            mailbox: Mailbox::Other(astr("test")),
            messages: v1(vec![
                message(Some(vec![Flag::Flagged]), A005_DATA),
                message(None, &vec![b'x'; 35403]),
            ]),
        })
        .unwrap();
    assert_eq!(drain(|| c.next()).1, b"A1 APPEND test (\\Flagged) {99}\r\n");
    c.feed(b"+ Ready for literal data\r\n");
    let (events, out) = drain(|| c.next());
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(out, [A005_DATA, b" {35403}\r\n"].concat());
    c.feed(b"A1 NO APPEND failed: Disk quota exceeded\r\n");
    let (events, out) = drain(|| c.next());
    assert!(out.is_empty(), "the refused literal is not sent");
    assert!(matches!(
        &events[..],
        [client::Event::Completed { tag: t, kind: StatusKind::No, .. }] if *t == tag
    ));
    c.enqueue(CommandBody::Noop).unwrap();
    assert_eq!(drain(|| c.next()).1, b"A2 NOOP\r\n");
}

#[test]
fn server_refuses_the_second_literal_of_a_multiappend() {
    use mailwire_imap::server;
    let options = server::Options {
        auto_accept_literals: false,
        ..server::Options::default()
    };
    let greeting = Greeting {
        kind: GreetingKind::PreAuth,
        code: None,
        text: Text::try_from("ready").unwrap(),
    };
    let mut s = server::Connection::new(options, greeting);
    drain(|| s.next());
    s.feed(b"A005 APPEND test (\\Flagged) {99}\r\n");
    let (events, _) = drain(|| s.next());
    assert!(matches!(
        &events[..],
        [server::Event::LiteralAnnounced { length: 99, .. }]
    ));
    s.accept_literal().unwrap();
    assert_eq!(drain(|| s.next()).1, b"+ Ready for literal data\r\n");
    s.feed(&[A005_DATA, b" {35403}\r\n"].concat());
    let (events, _) = drain(|| s.next());
    assert!(matches!(
        &events[..],
        [server::Event::LiteralAnnounced { length: 35403, .. }]
    ));
    s.reject_literal(None, "APPEND failed: Disk quota exceeded")
        .unwrap();
    s.feed(b"A006 NOOP\r\n");
    let (events, out) = drain(|| s.next());
    assert_eq!(out, b"A005 NO APPEND failed: Disk quota exceeded\r\n");
    assert!(matches!(
        &events[..],
        [server::Event::Command(Command {
            body: CommandBody::Noop,
            ..
        })]
    ));
}
