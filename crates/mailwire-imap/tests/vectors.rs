//! Runs the IMAP transcripts under `tests/vectors/` through the codec and both state machines.
//! See `tests/vectors/README.md` for the file format.
//!
//! Each trace is checked in separate steps (see [`Step`]); a step that fails because of a known
//! library finding is listed in [`KNOWN_FAILURES`] and asserted to still fail, so a fix shows up
//! as a test failure that asks for the entry to be removed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use mailwire_core::{Interrupt, Io, Secret};
use mailwire_imap::codec::{
    DecodeError, Encode, Options, decode_authenticate_data, decode_challenge, decode_command,
    decode_greeting, decode_idle_done, decode_response,
};
use mailwire_imap::types::{
    AuthenticateData, Command, CommandBody, Continuation, Greeting, IdleDone, IntoStatic, Response,
    Status, StatusKind, Tag,
};
use mailwire_imap::{client, server};

// ------------------------------------------------------------------------------------------
// Known failures

/// What is checked about one trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Every message decodes in context, consumes exactly its bytes, and re-encoding then
    /// decoding gives an equal value; strict prefixes are incomplete, never errors.
    Codec,
    /// (`# canonical` traces) re-encoding every message gives exactly its bytes.
    Canonical,
    /// The client machine, fed the server stream whole, split in two at every position and
    /// byte by byte: the same events every time, matching the transcript, and output that
    /// decodes to the transcript's client messages.
    Client,
    /// (`# canonical` traces) the client machine's output is exactly the client stream (with
    /// the machine's tags).
    ClientBytes,
    /// The server machine, fed the client stream the same ways and answering with the recorded
    /// responses: the same output every time, decoding to the transcript's server messages.
    Server,
    /// (`# canonical` traces) the server machine's output is exactly the server stream.
    ServerBytes,
}

/// Steps that fail because of a library finding: trace, step, and a piece of the failure
/// message that shows the failure is the recorded one. Each entry is asserted to still fail
/// that way.
const KNOWN_FAILURES: &[(&str, Step, &str)] = &[
    // FINDING (server machine, by design): `server::Connection` hands out one command at a
    // time and reads the next only after `complete()`, so it cannot complete pipelined
    // commands out of order, which RFC 9051 §5.5 allows and these transcripts record (RFC
    // 5182's example 8 completes G283 before G282; Dovecot completed p6 before p5). Replaying
    // them, the application is asked to complete the earlier command while the transcript's
    // next completion is for the later one.
    (
        "rfc5182-out-of-order.trace",
        Step::Server,
        "the recorded completion is not for the pending command",
    ),
    (
        "rfc5182-out-of-order.trace",
        Step::ServerBytes,
        "the recorded completion is not for the pending command",
    ),
    (
        "dovecot-2.3-pipelined.trace",
        Step::Server,
        "the recorded completion is not for the pending command",
    ),
    // FINDING (response decoder): `Quirks::nil_as_string` (on by default for responses) is
    // documented to accept NIL where a body structure expects a string — "parameter values,
    // encoding, subtype" — but only parameter values are accepted. Minimal reproducer:
    //   decode_response(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL NIL 0 0))\r\n",
    //                   &Options::responses())
    //   => Err(Failed(ParseError { kind: Syntax { expected: "string" }, near: "NIL 0 0))..." }))
    // and the same for a NIL subtype: `("APPLICATION" NIL NIL NIL NIL "BASE64" 0)`.
    // (body_fields() and the media-subtype use string_() instead of the quirk's NIL branch.)
    // Every step of the trace needs the decoded session, so all three fail.
    (
        "constructed-nil-body-fields.trace",
        Step::Codec,
        "expected string",
    ),
    (
        "constructed-nil-body-fields.trace",
        Step::Client,
        "expected string",
    ),
    (
        "constructed-nil-body-fields.trace",
        Step::Server,
        "expected string",
    ),
];

/// Runs `f` as `step` of trace `name`; returns a complaint if the outcome is not the expected
/// one (pass, or fail for a known finding).
fn run_step(name: &str, step: Step, f: impl FnOnce()) -> Option<String> {
    let known = KNOWN_FAILURES
        .iter()
        .find(|(n, s, _)| *n == name && *s == step)
        .map(|(_, _, why)| *why);
    let outcome = catch_unwind(AssertUnwindSafe(f)).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    });
    match (outcome, known) {
        (Ok(()), None) => None,
        (Err(msg), Some(why)) if msg.contains(why) => {
            eprintln!("{name} {step:?}: fails as recorded in KNOWN_FAILURES");
            None
        }
        (Err(msg), Some(why)) => Some(format!(
            "{name} {step:?} fails, but not with {why:?} as KNOWN_FAILURES records: {}",
            shorten(&msg)
        )),
        (Ok(()), Some(_)) => Some(format!(
            "{name} {step:?} passes now: remove it from KNOWN_FAILURES"
        )),
        (Err(msg), None) => Some(format!("{name} {step:?} failed: {}", shorten(&msg))),
    }
}

fn shorten(s: &str) -> String {
    if s.len() > 3000 {
        let mut end = 3000;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s.to_string()
    }
}

/// Runs `step` over every trace it applies to and fails with all complaints at once.
fn check_all(step: Step, f: impl Fn(&Trace)) {
    let mut complaints = Vec::new();
    for t in traces() {
        let applies = match step {
            Step::Canonical | Step::ClientBytes | Step::ServerBytes => t.canonical,
            _ => true,
        };
        if applies {
            complaints.extend(run_step(&t.name, step, || f(&t)));
        }
    }
    assert!(complaints.is_empty(), "\n{}", complaints.join("\n\n"));
}

// ------------------------------------------------------------------------------------------
// Loading

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    C,
    S,
}

#[derive(Debug)]
struct Trace {
    name: String,
    /// The file has a `# canonical` line: every message is in the encoder's canonical form.
    canonical: bool,
    client: Vec<u8>,
    server: Vec<u8>,
    /// Offsets in the client / server stream where TLS starts.
    client_tls: Vec<usize>,
    server_tls: Vec<usize>,
    /// Direction and byte offset (in its stream) of each transcript line.
    lines: Vec<(Dir, usize)>,
}

fn load(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap();
    let mut t = Trace {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        canonical: false,
        client: Vec::new(),
        server: Vec::new(),
        client_tls: Vec::new(),
        server_tls: Vec::new(),
        lines: Vec::new(),
    };
    for line in text.split('\n') {
        if line == "== TLS ==" {
            t.client_tls.push(t.client.len());
            t.server_tls.push(t.server.len());
            continue;
        }
        if line == "# canonical" {
            t.canonical = true;
            continue;
        }
        let (dir, content) = if let Some(c) = line.strip_prefix("C:") {
            (Dir::C, c)
        } else if let Some(s) = line.strip_prefix("S:") {
            (Dir::S, s)
        } else {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "{}: stray line {line:?}",
                t.name
            );
            continue;
        };
        let content = content.strip_prefix(' ').unwrap_or(content);
        let stream = match dir {
            Dir::C => &mut t.client,
            Dir::S => &mut t.server,
        };
        t.lines.push((dir, stream.len()));
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"\r\n");
    }
    t
}

fn traces() -> Vec<Trace> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "trace"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 25, "vectors missing: {paths:?}");
    paths.iter().map(|p| load(p)).collect()
}

// ------------------------------------------------------------------------------------------
// Decoding a transcript

/// One message of the session, decoded.
#[derive(Debug, Clone, PartialEq)]
enum Msg {
    Greeting(Greeting<'static>),
    Command(Command<'static>),
    AuthData(AuthenticateData),
    Done,
    Response(Response<'static>),
}

/// The decoder a message is read with (chosen by context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoder {
    Greeting,
    Command,
    AuthData,
    Done,
    Response,
    /// A server message while an AUTHENTICATE is open.
    Challenge,
}

fn decode(d: Decoder, input: &[u8]) -> Result<(usize, Msg), DecodeError> {
    let (rest, msg) = match d {
        Decoder::Greeting => {
            let (r, g) = decode_greeting(input, &Options::responses())?;
            (r, Msg::Greeting(g.into_static()))
        }
        Decoder::Command => {
            let (r, c) = decode_command(input, &Options::commands())?;
            (r, Msg::Command(c.into_static()))
        }
        Decoder::AuthData => {
            let (r, a) = decode_authenticate_data(input, &Options::commands())?;
            (r, Msg::AuthData(a))
        }
        Decoder::Done => {
            let (r, IdleDone) = decode_idle_done(input, &Options::commands())?;
            (r, Msg::Done)
        }
        Decoder::Response => {
            let (r, x) = decode_response(input, &Options::responses())?;
            (r, Msg::Response(x.into_static()))
        }
        Decoder::Challenge => {
            let (r, x) = decode_challenge(input, &Options::responses())?;
            (r, Msg::Response(x.into_static()))
        }
    };
    Ok((input.len() - rest.len(), msg))
}

fn encode(m: &Msg) -> Vec<u8> {
    match m {
        Msg::Greeting(g) => g.encode().dump(),
        Msg::Command(c) => c.encode().dump(),
        Msg::AuthData(a) => a.encode().dump(),
        Msg::Done => IdleDone.encode().dump(),
        Msg::Response(r) => r.encode().dump(),
    }
}

/// What a server continuation request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Not a continuation request.
    None,
    /// The go-ahead for a synchronizing literal of the client's command.
    Literal,
    /// A SASL challenge of the open AUTHENTICATE.
    Challenge,
    /// IDLE accepted.
    Idle,
    /// Anything else.
    Other,
}

#[derive(Debug, Clone)]
struct Item {
    dir: Dir,
    decoder: Decoder,
    msg: Msg,
    /// Byte range in its stream.
    start: usize,
    end: usize,
    role: Role,
    /// For server messages: the tag of the command an AUTHENTICATE challenge or IDLE
    /// continuation belongs to.
    of_tag: Option<Tag<'static>>,
}

fn tag_of(m: &Msg) -> Option<&Tag<'static>> {
    match m {
        Msg::Command(c) => Some(&c.tag),
        Msg::Response(Response::Status(Status::Tagged { tag, .. })) => Some(tag),
        _ => None,
    }
}

/// Decodes both streams in transcript order with context (greeting first; AUTHENTICATE data
/// and challenges until the command's completion; DONE after IDLE's continuation). Every
/// message must consume exactly its bytes, and decode(encode(m)) == m.
fn decode_session(t: &Trace) -> Vec<Item> {
    let (mut cpos, mut spos) = (0usize, 0usize);
    let mut auth: Option<Tag<'static>> = None;
    // IDLE sent, waiting for its continuation / idling (next client line is DONE).
    let mut idle_sent: Option<Tag<'static>> = None;
    let mut idling = false;
    let mut items: Vec<Item> = Vec::new();
    for (li, &(dir, offset)) in t.lines.iter().enumerate() {
        let (stream, pos) = match dir {
            Dir::C => (&t.client, cpos),
            Dir::S => (&t.server, spos),
        };
        if offset < pos {
            continue; // a line inside a message already decoded (literal data)
        }
        assert_eq!(
            offset, pos,
            "{}: {dir:?} line {li} at {offset} is not at a message start",
            t.name
        );
        let decoder = match dir {
            Dir::C if idling => Decoder::Done,
            Dir::C if auth.is_some() => Decoder::AuthData,
            Dir::C => Decoder::Command,
            Dir::S if items.iter().all(|i| i.dir == Dir::C) => Decoder::Greeting,
            Dir::S if auth.is_some() => Decoder::Challenge,
            Dir::S => Decoder::Response,
        };
        let input = &stream[pos..];
        let (used, msg) = decode(decoder, input).unwrap_or_else(|e| {
            panic!(
                "{}: {decoder:?} at {dir:?} {pos} ({:?}): {e}",
                t.name,
                String::from_utf8_lossy(&input[..input.len().min(120)])
            )
        });
        let wire = encode(&msg);
        let (again_used, again) = decode(decoder, &wire).unwrap_or_else(|e| {
            panic!(
                "{}: re-encoded {decoder:?} at {dir:?} {pos} does not decode: {e}\n{:?}",
                t.name,
                String::from_utf8_lossy(&wire)
            )
        });
        assert_eq!(
            again_used,
            wire.len(),
            "{}: re-encoded {decoder:?} at {dir:?} {pos} has trailing bytes",
            t.name
        );
        assert_eq!(
            again, msg,
            "{}: decode(encode(m)) != m for {decoder:?} at {dir:?} {pos}",
            t.name
        );
        let mut role = Role::None;
        let mut of_tag = None;
        match &msg {
            Msg::Command(c) => match c.body {
                CommandBody::Authenticate { .. } => auth = Some(c.tag.clone()),
                CommandBody::Idle => idle_sent = Some(c.tag.clone()),
                _ => {}
            },
            Msg::Done => idling = false,
            Msg::Response(Response::Continuation(_)) => {
                // Literal data follows if the next client line is inside the last command.
                let next_c = t.lines[li..].iter().find(|(d, _)| *d == Dir::C);
                if next_c.is_some_and(|&(_, off)| off < cpos) {
                    role = Role::Literal;
                } else if auth.is_some() {
                    role = Role::Challenge;
                    of_tag = auth.clone();
                } else if let Some(tag) = idle_sent.take() {
                    role = Role::Idle;
                    of_tag = Some(tag);
                    idling = true;
                } else {
                    role = Role::Other;
                }
            }
            Msg::Response(Response::Status(Status::Tagged { tag, .. })) => {
                if auth.as_ref() == Some(tag) {
                    auth = None;
                }
                if idle_sent.as_ref() == Some(tag) {
                    idle_sent = None;
                }
            }
            _ => {}
        }
        match dir {
            Dir::C => cpos += used,
            Dir::S => spos += used,
        }
        items.push(Item {
            dir,
            decoder,
            msg,
            start: pos,
            end: pos + used,
            role,
            of_tag,
        });
    }
    assert_eq!(
        (cpos, spos),
        (t.client.len(), t.server.len()),
        "{}: trailing bytes",
        t.name
    );
    items
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn codec_decodes_every_message_in_context_to_a_fixed_point() {
    check_all(Step::Codec, |t| {
        let items = decode_session(t);
        assert!(items.len() >= 4, "{}", t.name);
        // Every strict prefix of a message is incomplete (or a literal announcement), never an
        // error.
        for it in &items {
            let stream = if it.dir == Dir::C {
                &t.client
            } else {
                &t.server
            };
            for cut in it.start..it.end {
                match decode(it.decoder, &stream[it.start..cut]) {
                    Err(DecodeError::Incomplete | DecodeError::LiteralFound { .. }) => {}
                    other => panic!(
                        "{}: prefix {}..{cut} of {:?} gives {other:?}",
                        t.name,
                        it.start,
                        show(&stream[it.start..it.end])
                    ),
                }
            }
        }
    });
}

#[test]
fn codec_reencodes_canonical_traces_exactly() {
    check_all(Step::Canonical, |t| {
        let mut bad = Vec::new();
        for it in decode_session(t) {
            let stream = if it.dir == Dir::C {
                &t.client
            } else {
                &t.server
            };
            let original = &stream[it.start..it.end];
            let wire = encode(&it.msg);
            if wire != original {
                bad.push(format!(
                    "  original: {:?}\n  encoded:  {:?}",
                    show(original),
                    show(&wire)
                ));
            }
        }
        assert!(bad.is_empty(), "{}:\n{}", t.name, bad.join("\n"));
    });
}

// ------------------------------------------------------------------------------------------
// Chunking

/// Chunk ends for feeding a stream of `len` bytes: the boundaries no chunk may cross (TLS
/// upgrades, synchronizing literals), the optional extra split, and the end.
fn chunk_ends(len: usize, split: Option<usize>, boundaries: &[usize]) -> Vec<usize> {
    let mut ends: Vec<usize> = boundaries.to_vec();
    ends.extend(split);
    ends.push(len);
    ends.retain(|&e| e > 0 && e <= len);
    ends.sort_unstable();
    ends.dedup();
    ends
}

/// Every way a stream is fed: whole, split in two at each position, byte by byte.
fn feeding_plans(len: usize, boundaries: &[usize]) -> Vec<(String, Vec<usize>)> {
    let mut plans = vec![("whole".to_string(), chunk_ends(len, None, boundaries))];
    for split in 1..len {
        plans.push((
            format!("split at {split}"),
            chunk_ends(len, Some(split), boundaries),
        ));
    }
    plans.push(("byte by byte".to_string(), (1..=len).collect()));
    plans
}

// ------------------------------------------------------------------------------------------
// Tags: the client machine makes its own ("<prefix><n>")

/// A tag prefix under which the machine's tags equal the transcript's, if there is one.
fn tag_prefix(tags: &[&Tag<'static>]) -> String {
    if let Some(prefix) = tags.first().and_then(|t| t.as_str().strip_suffix('1')) {
        let fits = tags
            .iter()
            .enumerate()
            .all(|(k, t)| t.as_str() == format!("{prefix}{}", k + 1));
        if fits && !prefix.is_empty() {
            return prefix.to_string();
        }
    }
    "A".to_string()
}

/// The machine's tag for every tagged message of the transcript: command k gets
/// `<prefix><k+1>`; a completion (or AUTHENTICATE/IDLE continuation) gets the tag of the
/// earliest outstanding command with its transcript tag (tags may be reused, as in the RFCs).
struct TagMap {
    prefix: String,
    /// Indexed like the items.
    tags: Vec<Option<Tag<'static>>>,
}

impl TagMap {
    fn new(items: &[Item]) -> TagMap {
        let commands: Vec<&Tag<'static>> = items
            .iter()
            .filter_map(|i| match &i.msg {
                Msg::Command(c) => Some(&c.tag),
                _ => None,
            })
            .collect();
        let prefix = tag_prefix(&commands);
        let mut outstanding: Vec<(&Tag<'static>, Tag<'static>)> = Vec::new();
        let mut tags = Vec::new();
        let mut next = 1;
        for it in items {
            let lookup = |outstanding: &[(&Tag<'static>, Tag<'static>)], t: &Tag<'static>| {
                outstanding
                    .iter()
                    .position(|(theirs, _)| *theirs == t)
                    .unwrap_or_else(|| panic!("no outstanding command with tag {t:?}"))
            };
            tags.push(match (&it.msg, &it.of_tag) {
                (Msg::Command(c), _) => {
                    let ours = Tag::new(format!("{prefix}{next}")).unwrap().into_static();
                    next += 1;
                    outstanding.push((&c.tag, ours.clone()));
                    Some(ours)
                }
                (Msg::Response(Response::Status(Status::Tagged { tag, .. })), _) => {
                    let k = lookup(&outstanding, tag);
                    Some(outstanding.remove(k).1)
                }
                (_, Some(t)) => Some(outstanding[lookup(&outstanding, t)].1.clone()),
                _ => None,
            });
        }
        TagMap { prefix, tags }
    }

    fn get(&self, k: usize) -> Tag<'static> {
        self.tags[k].clone().expect("a tagged item")
    }

    /// Item `k`'s message as the machines see it: tags replaced.
    fn msg(&self, k: usize, m: &Msg) -> Msg {
        match m {
            Msg::Command(c) => Msg::Command(Command {
                tag: self.get(k),
                body: c.body.clone(),
            }),
            Msg::Response(Response::Status(Status::Tagged {
                kind, code, text, ..
            })) => Msg::Response(Response::Status(Status::Tagged {
                tag: self.get(k),
                kind: *kind,
                code: code.clone(),
                text: text.clone(),
            })),
            m => m.clone(),
        }
    }

    /// Item `k`'s bytes with its leading tag replaced.
    fn bytes(&self, k: usize, it: &Item, stream: &[u8]) -> Vec<u8> {
        let original = &stream[it.start..it.end];
        match tag_of(&it.msg) {
            Some(tag) => {
                let mut out = self.get(k).as_str().as_bytes().to_vec();
                assert!(original.starts_with(tag.as_str().as_bytes()));
                out.extend_from_slice(&original[tag.as_str().len()..]);
                out
            }
            None => original.to_vec(),
        }
    }

    /// One direction's stream rebuilt with the machine's tags, and its TLS offsets moved along.
    fn stream(&self, items: &[Item], dir: Dir, stream: &[u8], tls: &[usize]) -> Stream {
        let mut out = Stream::default();
        for (k, it) in items.iter().enumerate().filter(|(_, i)| i.dir == dir) {
            if tls.contains(&it.start) {
                out.tls.push(out.bytes.len());
            }
            out.bytes.extend(self.bytes(k, it, stream));
        }
        if tls.contains(&stream.len()) {
            out.tls.push(out.bytes.len());
        }
        out
    }
}

#[derive(Debug, Default)]
struct Stream {
    bytes: Vec<u8>,
    tls: Vec<usize>,
}

/// Decodes `bytes` as the sequence of messages `expected` (each with its own decoder) and
/// returns the values; panics if the messages do not fit.
fn decode_as(name: &str, bytes: &[u8], expected: &[(Decoder, Msg)]) -> Vec<Msg> {
    let mut pos = 0;
    let mut got = Vec::new();
    for (k, (decoder, want)) in expected.iter().enumerate() {
        let (used, msg) = decode(*decoder, &bytes[pos..]).unwrap_or_else(|e| {
            panic!(
                "{name}: message {k} ({decoder:?}) of the output does not decode: {e}\n\
                 want {want:?}\nat {:?}",
                show(&bytes[pos..bytes.len().min(pos + 200)])
            )
        });
        got.push(msg);
        pos += used;
    }
    assert_eq!(
        pos,
        bytes.len(),
        "{name}: trailing output {:?}",
        show(&bytes[pos..])
    );
    got
}

// ------------------------------------------------------------------------------------------
// The client machine

/// A client-side action at the point where the transcript's client sends it.
#[derive(Debug, Clone)]
struct Action {
    /// Events the client machine reports before the action is due.
    events_before: usize,
    msg: Msg,
}

struct ClientPlan {
    options: client::Options,
    server: Stream,
    actions: Vec<Action>,
    expected_events: Vec<client::Event>,
    /// The client messages with the machine's tags, and the client stream with them.
    expected_msgs: Vec<(Decoder, Msg)>,
    expected_bytes: Vec<u8>,
}

fn client_plan(t: &Trace, items: &[Item]) -> ClientPlan {
    let tags = TagMap::new(items);
    let mut actions = Vec::new();
    let mut events = Vec::new();
    let mut expected_msgs = Vec::new();
    for (k, it) in items.iter().enumerate() {
        match (&it.msg, it.dir) {
            (m, Dir::C) => {
                let m = tags.msg(k, m);
                actions.push(Action {
                    events_before: events.len(),
                    msg: m.clone(),
                });
                expected_msgs.push((it.decoder, m));
            }
            (Msg::Greeting(g), _) => events.push(client::Event::Greeting(g.clone())),
            (Msg::Response(r), _) => match r {
                Response::Data(d) => events.push(client::Event::Data(d.clone())),
                Response::Status(Status::Tagged {
                    kind, code, text, ..
                }) => events.push(client::Event::Completed {
                    tag: tags.get(k),
                    kind: *kind,
                    code: code.clone(),
                    text: text.clone(),
                }),
                Response::Status(s) => events.push(client::Event::Status(s.clone())),
                Response::Continuation(c) => match (it.role, c) {
                    (Role::Literal, _) => {}
                    (Role::Challenge, Continuation::Base64(data)) => {
                        events.push(client::Event::AuthChallenge {
                            tag: tags.get(k),
                            data: data.clone(),
                        })
                    }
                    (Role::Challenge, Continuation::Basic { text, .. })
                        if text.as_bytes().is_empty() =>
                    {
                        events.push(client::Event::AuthChallenge {
                            tag: tags.get(k),
                            data: Secret::new(Vec::new()),
                        })
                    }
                    (Role::Idle, _) => events.push(client::Event::IdleStarted { tag: tags.get(k) }),
                    (_, c) => events.push(client::Event::Continuation(c.clone())),
                },
            },
            (m, Dir::S) => panic!("{}: unexpected server message {m:?}", t.name),
        }
    }
    let client_stream = tags.stream(items, Dir::C, &t.client, &t.client_tls);
    let server = tags.stream(items, Dir::S, &t.server, &t.server_tls);
    ClientPlan {
        options: client::Options {
            tag_prefix: tags.prefix.clone(),
            ..client::Options::default()
        },
        server,
        actions,
        expected_events: events,
        expected_msgs,
        expected_bytes: client_stream.bytes,
    }
}

/// Replays the server stream (chunk ends `ends`) into a client connection that performs the
/// transcript's client actions when they are due; returns its events and output.
fn replay_client(name: &str, plan: &ClientPlan, ends: &[usize]) -> (Vec<client::Event>, Vec<u8>) {
    let mut conn = client::Connection::new(plan.options.clone());
    let mut actions = plan.actions.iter().peekable();
    let mut events = Vec::new();
    let mut out = Vec::new();
    let mut fed = 0;
    let mut ends = ends.iter();
    for _ in 0..1_000_000 {
        while let Some(a) = actions.next_if(|a| a.events_before <= events.len()) {
            match &a.msg {
                Msg::Command(c) => {
                    let tag = conn
                        .enqueue(c.body.clone())
                        .unwrap_or_else(|e| panic!("{name}: enqueue {c:?}: {e}"));
                    assert_eq!(tag, c.tag, "{name}: the machine's tag");
                }
                Msg::AuthData(AuthenticateData::Continue(d)) => conn
                    .authenticate_respond(d.expose())
                    .unwrap_or_else(|e| panic!("{name}: authenticate_respond: {e}")),
                Msg::AuthData(AuthenticateData::Cancel) => conn
                    .authenticate_cancel()
                    .unwrap_or_else(|e| panic!("{name}: authenticate_cancel: {e}")),
                Msg::Done => conn
                    .idle_done()
                    .unwrap_or_else(|e| panic!("{name}: idle_done: {e}")),
                m => panic!("{name}: not a client message: {m:?}"),
            }
        }
        match conn.next() {
            Ok(ev) => events.push(ev),
            Err(Interrupt::Io(Io::Output(bytes))) => out.extend_from_slice(&bytes),
            Err(Interrupt::Io(Io::NeedMoreInput)) => match ends.next() {
                Some(&end) => {
                    conn.feed(&plan.server.bytes[fed..end]);
                    fed = end;
                }
                None => break,
            },
            Err(Interrupt::Io(Io::UpgradeTls)) => {}
            Err(Interrupt::Io(Io::Close)) => break,
            Err(Interrupt::Error(e)) => panic!("{name}: client error {e} after {events:?}"),
        }
    }
    assert_eq!(fed, plan.server.bytes.len(), "{name}: client stopped early");
    assert!(
        actions.peek().is_none(),
        "{name}: actions never became due: {:?}",
        actions.collect::<Vec<_>>()
    );
    (events, out)
}

/// Runs the client machine over every feeding plan; returns the output of the whole run.
fn client_runs(t: &Trace) -> (ClientPlan, Vec<u8>) {
    let items = decode_session(t);
    let plan = client_plan(t, &items);
    let mut whole: Option<(Vec<client::Event>, Vec<u8>)> = None;
    for (how, ends) in feeding_plans(plan.server.bytes.len(), &plan.server.tls) {
        let (events, out) = replay_client(&t.name, &plan, &ends);
        match &whole {
            None => {
                assert_eq!(
                    events, plan.expected_events,
                    "{}: client events ({how}) differ from the transcript",
                    t.name
                );
                whole = Some((events, out));
            }
            Some((e0, o0)) => {
                assert_eq!(&events, e0, "{}: client events, {how}", t.name);
                assert_eq!(show(&out), show(o0), "{}: client output, {how}", t.name);
            }
        }
    }
    let (_, out) = whole.unwrap();
    (plan, out)
}

#[test]
fn client_machine_replays_the_server_stream_at_every_split() {
    check_all(Step::Client, |t| {
        let (plan, out) = client_runs(t);
        let got = decode_as(&t.name, &out, &plan.expected_msgs);
        let want: Vec<Msg> = plan.expected_msgs.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(got, want, "{}: the client's messages", t.name);
    });
}

#[test]
fn client_machine_writes_the_canonical_client_bytes() {
    check_all(Step::ClientBytes, |t| {
        let (plan, out) = client_runs(t);
        assert_eq!(show(&out), show(&plan.expected_bytes), "{}", t.name);
    });
}

// ------------------------------------------------------------------------------------------
// The server machine

/// The continuation request the server machine sends for a synchronizing literal.
const LITERAL_GO_AHEAD: &[u8] = b"+ Ready for literal data\r\n";

struct ServerPlan {
    greeting: Greeting<'static>,
    /// Recorded server messages after the greeting (literal go-aheads left out).
    answers: Vec<Response<'static>>,
    /// The client's messages, in order.
    client_msgs: Vec<Msg>,
    /// What the output must decode to, and (canonical traces) be.
    expected_msgs: Vec<(Decoder, Msg)>,
    expected_bytes: Vec<u8>,
}

fn server_plan(t: &Trace, items: &[Item]) -> ServerPlan {
    let mut greeting = None;
    let mut answers = Vec::new();
    let mut client_msgs = Vec::new();
    let mut expected_msgs = Vec::new();
    let mut expected_bytes = Vec::new();
    let go_ahead = decode(Decoder::Response, LITERAL_GO_AHEAD).unwrap().1;
    for it in items {
        match (&it.msg, it.dir) {
            (m, Dir::C) => client_msgs.push(m.clone()),
            (Msg::Greeting(g), _) => {
                greeting = Some(g.clone());
                expected_msgs.push((it.decoder, it.msg.clone()));
                expected_bytes.extend_from_slice(&t.server[it.start..it.end]);
            }
            (Msg::Response(_), _) if it.role == Role::Literal => {
                expected_msgs.push((Decoder::Response, go_ahead.clone()));
                expected_bytes.extend_from_slice(LITERAL_GO_AHEAD);
            }
            (Msg::Response(r), _) => {
                answers.push(r.clone());
                expected_msgs.push((it.decoder, it.msg.clone()));
                expected_bytes.extend_from_slice(&t.server[it.start..it.end]);
            }
            (m, Dir::S) => panic!("{}: unexpected server message {m:?}", t.name),
        }
    }
    ServerPlan {
        greeting: greeting.unwrap_or_else(|| panic!("{}: no greeting", t.name)),
        answers,
        client_msgs,
        expected_msgs,
        expected_bytes,
    }
}

/// Replays the client stream (chunk ends `ends`) into a server connection whose application
/// answers every event with the recorded responses; returns the server's output.
fn replay_server(t: &Trace, plan: &ServerPlan, ends: &[usize]) -> Vec<u8> {
    let name = &t.name;
    let options = server::Options {
        allow_plaintext_login: true,
        ..server::Options::default()
    };
    let mut conn = server::Connection::new(options, plan.greeting.clone());
    let mut answers = plan.answers.iter();
    let mut client_msgs = plan.client_msgs.iter();
    let mut out = Vec::new();
    let mut fed = 0;
    let mut ends = ends.iter();
    // Sends recorded responses up to the pending command's completion, or up to and including
    // a continuation request (the client's next line then comes as an event).
    let answer = |conn: &mut server::Connection, answers: &mut std::slice::Iter<'_, _>| {
        let pending = conn.pending().map(|(tag, _)| tag.clone());
        loop {
            let r: &Response<'static> = answers
                .next()
                .unwrap_or_else(|| panic!("{name}: no recorded answer for {pending:?}"));
            match r {
                Response::Status(Status::Tagged {
                    tag,
                    kind,
                    code,
                    text,
                }) => {
                    assert_eq!(
                        Some(tag),
                        pending.as_ref(),
                        "{name}: the recorded completion is not for the pending command"
                    );
                    conn.complete(*kind, code.clone(), &text.to_str_lossy())
                        .unwrap_or_else(|e| panic!("{name}: complete: {e}"));
                    return;
                }
                Response::Continuation(_) => {
                    conn.send(r.clone())
                        .unwrap_or_else(|e| panic!("{name}: send: {e}"));
                    return;
                }
                r => conn
                    .send(r.clone())
                    .unwrap_or_else(|e| panic!("{name}: send: {e}")),
            }
        }
    };
    for _ in 0..1_000_000 {
        match conn.next() {
            Ok(server::Event::Command(cmd)) => {
                assert_eq!(
                    Some(&Msg::Command(cmd.clone())),
                    client_msgs.next(),
                    "{name}: command"
                );
                answer(&mut conn, &mut answers);
            }
            Ok(server::Event::AuthenticateData(data)) => {
                assert_eq!(
                    Some(&Msg::AuthData(AuthenticateData::Continue(data))),
                    client_msgs.next(),
                    "{name}: AUTHENTICATE data"
                );
                answer(&mut conn, &mut answers);
            }
            Ok(server::Event::AuthenticateCancelled) => {
                assert_eq!(
                    Some(&Msg::AuthData(AuthenticateData::Cancel)),
                    client_msgs.next(),
                    "{name}: AUTHENTICATE cancel"
                );
                // The connection answered BAD itself; the transcript must have done the same.
                let recorded = answers.next();
                assert!(
                    matches!(
                        recorded,
                        Some(Response::Status(Status::Tagged {
                            kind: StatusKind::Bad,
                            ..
                        }))
                    ),
                    "{name}: cancelled, but the transcript answered {recorded:?}"
                );
            }
            Ok(server::Event::IdleDone) => {
                assert_eq!(Some(&Msg::Done), client_msgs.next(), "{name}: DONE");
                answer(&mut conn, &mut answers);
            }
            Ok(other) => panic!("{name}: unexpected server event {other:?}"),
            Err(Interrupt::Io(Io::Output(bytes))) => out.extend_from_slice(&bytes),
            Err(Interrupt::Io(Io::NeedMoreInput)) => match ends.next() {
                Some(&end) => {
                    conn.feed(&t.client[fed..end]);
                    fed = end;
                }
                // The client has nothing more to say; the server may (an unsolicited BYE).
                None if answers.len() > 0 && conn.pending().is_none() => {
                    for r in answers.by_ref() {
                        conn.send(r.clone())
                            .unwrap_or_else(|e| panic!("{name}: send: {e}"));
                    }
                }
                None => break,
            },
            Err(Interrupt::Io(Io::UpgradeTls)) => {}
            Err(Interrupt::Io(Io::Close)) => break,
            Err(Interrupt::Error(e)) => panic!("{name}: server error {e}"),
        }
    }
    assert_eq!(fed, t.client.len(), "{name}: server stopped early");
    assert!(client_msgs.next().is_none(), "{name}: client messages left");
    assert!(answers.next().is_none(), "{name}: recorded answers left");
    out
}

/// Offsets in the client stream right after each synchronizing literal announcement (`{n}` or
/// `~{n}` at the end of a line): a client sends nothing past one before the server's `+`
/// (RFC 9051 §4.3), so no chunk crosses them.
fn sync_literal_points(t: &Trace, items: &[Item]) -> Vec<usize> {
    let mut points = Vec::new();
    for it in items.iter().filter(|i| i.decoder == Decoder::Command) {
        let msg = &t.client[it.start..it.end];
        let mut pos = 0;
        while let Some(lf) = msg[pos..].windows(2).position(|w| w == b"\r\n") {
            let line = &msg[pos..pos + lf];
            pos += lf + 2;
            let Some(open) = line.iter().rposition(|&b| b == b'{') else {
                continue;
            };
            let Some(inner) = line[open + 1..].strip_suffix(b"}") else {
                continue;
            };
            let (digits, sync) = match inner.strip_suffix(b"+") {
                Some(d) => (d, false),
                None => (inner, true),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                continue;
            }
            if sync {
                points.push(it.start + pos);
            }
            pos += std::str::from_utf8(digits)
                .unwrap()
                .parse::<usize>()
                .unwrap();
        }
    }
    points
}

/// Runs the server machine over every feeding plan; returns the output of the whole run.
fn server_runs(t: &Trace) -> (ServerPlan, Vec<u8>) {
    let items = decode_session(t);
    let plan = server_plan(t, &items);
    let mut boundaries = sync_literal_points(t, &items);
    boundaries.extend(&t.client_tls);
    let mut whole: Option<Vec<u8>> = None;
    for (how, ends) in feeding_plans(t.client.len(), &boundaries) {
        let out = replay_server(t, &plan, &ends);
        match &whole {
            None => whole = Some(out),
            Some(o0) => assert_eq!(show(&out), show(o0), "{}: server output, {how}", t.name),
        }
    }
    (plan, whole.unwrap())
}

#[test]
fn server_machine_replays_the_client_stream_at_every_split() {
    check_all(Step::Server, |t| {
        let (plan, out) = server_runs(t);
        let got = decode_as(&t.name, &out, &plan.expected_msgs);
        let want: Vec<Msg> = plan.expected_msgs.iter().map(|(_, m)| m.clone()).collect();
        assert_eq!(got, want, "{}: the server's messages", t.name);
    });
}

#[test]
fn server_machine_writes_the_canonical_server_bytes() {
    check_all(Step::ServerBytes, |t| {
        let (plan, out) = server_runs(t);
        assert_eq!(show(&out), show(&plan.expected_bytes), "{}", t.name);
    });
}

// ------------------------------------------------------------------------------------------
// The files themselves

#[test]
fn every_trace_names_its_source_and_known_failures_name_traces() {
    let all = traces();
    for (name, step, _) in KNOWN_FAILURES {
        let t = all.iter().find(|t| t.name == *name);
        assert!(t.is_some(), "KNOWN_FAILURES names a missing trace {name}");
        let bytes_step = matches!(
            step,
            Step::Canonical | Step::ClientBytes | Step::ServerBytes
        );
        assert!(
            !bytes_step || t.is_some_and(|t| t.canonical),
            "KNOWN_FAILURES: {name} {step:?} never runs (the trace is not canonical)"
        );
    }
    for t in all {
        let text = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/vectors")
                .join(&t.name),
        )
        .unwrap();
        assert!(
            text.starts_with("# source: "),
            "{}: the first line names the source",
            t.name
        );
        assert!(
            t.lines.first().is_some_and(|(d, _)| *d == Dir::S),
            "{}: the server speaks first",
            t.name
        );
        assert!(!t.client.is_empty(), "{}: no client lines", t.name);
    }
}
