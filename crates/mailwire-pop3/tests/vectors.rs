//! Runs the RFC transcripts under `tests/vectors/` through the codec and both state machines.
//! See `tests/vectors/README.md` for the file format.

use std::path::{Path, PathBuf};

use mailwire_core::{Interrupt, Io};
use mailwire_pop3::codec::{
    DecodeError, Encode, Expect, Limits, decode_auth_line, decode_command, decode_response,
};
use mailwire_pop3::{AuthLine, Command, Response, client, server};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dir {
    C,
    S,
}

#[derive(Debug)]
struct Trace {
    name: String,
    client: Vec<u8>,
    server: Vec<u8>,
    /// Offsets in the client stream / server stream where TLS starts.
    client_tls: Vec<usize>,
    server_tls: Vec<usize>,
    lines: Vec<(Dir, usize)>, // direction and byte offset of each transcript line in its stream
}

fn load(path: &Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap();
    let mut t = Trace {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
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
        let (dir, content) = if let Some(c) = line.strip_prefix("C:") {
            (Dir::C, c)
        } else if let Some(s) = line.strip_prefix("S:") {
            (Dir::S, s)
        } else {
            continue;
        };
        let content = content.strip_prefix(' ').unwrap_or(content);
        let stream = if dir == Dir::C {
            &mut t.client
        } else {
            &mut t.server
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
    assert!(paths.len() >= 14, "vectors missing: {paths:?}");
    paths.iter().map(|p| load(p)).collect()
}

/// One message of the session, decoded.
#[derive(Debug, Clone, PartialEq)]
enum Msg {
    Command(Command<'static>),
    AuthLine(AuthLine),
    Response(Response<'static>),
}

/// Decodes both streams in transcript order; every message must re-encode to its exact bytes.
fn decode_session(t: &Trace) -> Vec<Msg> {
    let limits = Limits::default();
    let (mut cpos, mut spos) = (0usize, 0usize);
    let mut expects: std::collections::VecDeque<Expect> = [Expect::Greeting].into();
    let mut in_sasl = false;
    let mut out = Vec::new();
    for &(dir, offset) in &t.lines {
        match dir {
            Dir::C => {
                assert_eq!(
                    offset, cpos,
                    "{}: client line at {offset} not at a message start",
                    t.name
                );
                let input = &t.client[cpos..];
                let (rest, msg, wire) = if in_sasl {
                    let (rest, l) = decode_auth_line(input, &limits)
                        .unwrap_or_else(|e| panic!("{}: auth line at {cpos}: {e}", t.name));
                    (rest, Msg::AuthLine(l.clone()), l.to_wire())
                } else {
                    let (rest, c) = decode_command(input, &limits)
                        .unwrap_or_else(|e| panic!("{}: command at {cpos}: {e}", t.name));
                    expects.push_back(Expect::for_command(&c));
                    let wire = c.to_wire();
                    (rest, Msg::Command(c.into_static()), wire)
                };
                let used = input.len() - rest.len();
                assert_eq!(
                    wire,
                    &input[..used],
                    "{}: re-encoding of client message at {cpos}",
                    t.name
                );
                cpos += used;
                out.push(msg);
            }
            Dir::S => {
                if offset < spos {
                    continue; // inside a multi-line response already decoded
                }
                assert_eq!(offset, spos, "{}: server line at {offset}", t.name);
                let expect = *expects
                    .front()
                    .unwrap_or_else(|| panic!("{}: response without command", t.name));
                let input = &t.server[spos..];
                let (rest, r) = decode_response(input, expect, &limits)
                    .unwrap_or_else(|e| panic!("{}: response at {spos} ({expect:?}): {e}", t.name));
                let used = input.len() - rest.len();
                assert_eq!(
                    r.to_wire(),
                    &input[..used],
                    "{}: re-encoding of response at {spos}",
                    t.name
                );
                in_sasl = matches!(r, Response::Challenge(_));
                if !in_sasl {
                    expects.pop_front();
                }
                spos += used;
                out.push(Msg::Response(r.into_static()));
            }
        }
    }
    assert_eq!(
        (cpos, spos),
        (t.client.len(), t.server.len()),
        "{}: trailing bytes",
        t.name
    );
    out
}

#[test]
fn every_message_decodes_and_reencodes_exactly() {
    for t in traces() {
        let msgs = decode_session(&t);
        assert!(msgs.len() >= 4, "{}", t.name);
    }
}

/// Splits `stream` into chunks: `plan` gives chunk ends; never crosses a TLS boundary.
fn chunk_ends(len: usize, split: Option<usize>, tls: &[usize]) -> Vec<usize> {
    let mut ends: Vec<usize> = tls.to_vec();
    if let Some(s) = split {
        ends.push(s);
    }
    ends.push(len);
    ends.retain(|&e| e > 0 && e <= len);
    ends.sort_unstable();
    ends.dedup();
    ends
}

/// Replays the client stream into a server connection whose application answers with the
/// recorded responses; returns the server's output.
fn replay_server(t: &Trace, msgs: &[Msg], ends: &[usize]) -> Vec<u8> {
    let options = server::Options {
        allow_plaintext_auth: true,
        ..server::Options::default()
    };
    let mut responses = msgs.iter().filter_map(|m| match m {
        Msg::Response(r) => Some(r.clone()),
        _ => None,
    });
    let mut client_msgs = msgs.iter().filter(|m| !matches!(m, Msg::Response(_)));
    let Some(Response::Greeting(greeting)) = responses.next() else {
        panic!("{}: no greeting", t.name)
    };
    let mut conn = server::Connection::new(options, greeting);
    let mut out = Vec::new();
    let mut fed = 0;
    let mut ends = ends.iter();
    loop {
        match conn.next() {
            Ok(server::Event::Command(cmd)) => {
                assert_eq!(
                    Some(&Msg::Command(cmd.clone())),
                    client_msgs.next(),
                    "{}",
                    t.name
                );
                match responses
                    .next()
                    .unwrap_or_else(|| panic!("{}: no answer for {cmd:?}", t.name))
                {
                    Response::Challenge(c) => conn.sasl_challenge(c.expose()).unwrap(),
                    r => conn.respond(r).unwrap(),
                }
            }
            Ok(server::Event::AuthResponse(data)) => {
                assert_eq!(
                    Some(&Msg::AuthLine(AuthLine::Response(data))),
                    client_msgs.next(),
                    "{}",
                    t.name
                );
                match responses.next().unwrap() {
                    Response::Challenge(c) => conn.sasl_challenge(c.expose()).unwrap(),
                    r => conn.respond(r).unwrap(),
                }
            }
            Ok(server::Event::Rejected(rej)) => {
                // The connection answered by itself; the recorded answer must be that -ERR.
                let next_client = client_msgs.next();
                let recorded = responses.next();
                assert!(
                    matches!(recorded, Some(Response::Status(ref s)) if !s.is_ok()),
                    "{}: rejected {rej:?} ({next_client:?}) but the trace answered {recorded:?}",
                    t.name
                );
            }
            Ok(other) => panic!("{}: unexpected {other:?}", t.name),
            Err(Interrupt::Io(Io::Output(bytes))) => out.extend_from_slice(&bytes),
            Err(Interrupt::Io(Io::NeedMoreInput)) => match ends.next() {
                Some(&end) => {
                    conn.feed(&t.client[fed..end]);
                    fed = end;
                }
                None => break,
            },
            Err(Interrupt::Io(Io::UpgradeTls)) => {}
            Err(Interrupt::Io(Io::Close)) => break,
            Err(Interrupt::Error(e)) => panic!("{}: {e}", t.name),
        }
    }
    assert_eq!(fed, t.client.len(), "{}: server stopped early", t.name);
    out
}

/// Replays the server stream into a client connection that enqueues the recorded commands one at
/// a time; returns the client's output and the responses it decoded (bodies reassembled).
fn replay_client(t: &Trace, msgs: &[Msg], ends: &[usize]) -> (Vec<u8>, Vec<Response<'static>>) {
    let mut conn = client::Connection::new(client::Options::default());
    let mut commands = msgs
        .iter()
        .filter(|m| !matches!(m, Msg::Response(_)))
        .peekable();
    let mut out = Vec::new();
    let mut got = Vec::new();
    let mut body: Option<(mailwire_pop3::Status<'static>, Vec<u8>)> = None;
    let mut fed = 0;
    let mut ends = ends.iter();
    loop {
        if conn.outstanding() == 0 {
            if let Some(Msg::Command(c)) = commands.peek() {
                conn.enqueue(c.clone())
                    .unwrap_or_else(|e| panic!("{}: enqueue {c:?}: {e}", t.name));
                commands.next();
            }
        }
        match conn.next() {
            Ok(client::Event::Greeting(s)) => got.push(Response::Greeting(s)),
            Ok(client::Event::Response { response, .. }) => got.push(response),
            Ok(client::Event::Challenge { data, .. }) => {
                got.push(Response::Challenge(data));
                match commands.next() {
                    Some(Msg::AuthLine(AuthLine::Response(d))) => {
                        conn.auth_respond(d.expose()).unwrap()
                    }
                    Some(Msg::AuthLine(AuthLine::Cancel)) => conn.auth_cancel().unwrap(),
                    other => panic!("{}: challenge but next client message is {other:?}", t.name),
                }
            }
            Ok(client::Event::BodyStart { status, .. }) => body = Some((status, Vec::new())),
            Ok(client::Event::BodyChunk { data, .. }) => {
                body.as_mut().unwrap().1.extend_from_slice(&data)
            }
            Ok(client::Event::BodyEnd { .. }) => {
                let (status, b) = body.take().unwrap();
                got.push(Response::Message {
                    status,
                    body: b.into(),
                });
            }
            Ok(other) => panic!("{}: unexpected {other:?}", t.name),
            Err(Interrupt::Io(Io::Output(bytes))) => out.extend_from_slice(&bytes),
            Err(Interrupt::Io(Io::NeedMoreInput)) => match ends.next() {
                Some(&end) => {
                    conn.feed(&t.server[fed..end]);
                    fed = end;
                }
                None => break,
            },
            Err(Interrupt::Io(Io::UpgradeTls)) => {}
            Err(Interrupt::Io(Io::Close)) => break,
            Err(Interrupt::Error(e)) => panic!("{}: {e}", t.name),
        }
    }
    (out, got)
}

fn recorded_responses(msgs: &[Msg]) -> Vec<Response<'static>> {
    msgs.iter()
        .filter_map(|m| match m {
            // The client machine streams MultiLine-shaped bodies too; compare as Message.
            Msg::Response(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn server_machine_reproduces_the_server_bytes_at_every_split() {
    for t in traces() {
        let msgs = decode_session(&t);
        let whole = replay_server(&t, &msgs, &chunk_ends(t.client.len(), None, &t.client_tls));
        assert_eq!(
            String::from_utf8_lossy(&whole),
            String::from_utf8_lossy(&t.server),
            "{}",
            t.name
        );
        for split in 1..t.client.len() {
            let got = replay_server(
                &t,
                &msgs,
                &chunk_ends(t.client.len(), Some(split), &t.client_tls),
            );
            assert_eq!(got, t.server, "{} split at {split}", t.name);
        }
        let bytewise: Vec<usize> = (1..=t.client.len()).collect();
        assert_eq!(
            replay_server(&t, &msgs, &bytewise),
            t.server,
            "{} byte by byte",
            t.name
        );
    }
}

#[test]
fn client_machine_reproduces_the_client_bytes_at_every_split() {
    for t in traces() {
        let msgs = decode_session(&t);
        let expected = recorded_responses(&msgs);
        let check = |ends: &[usize], how: &str| {
            let (out, got) = replay_client(&t, &msgs, ends);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&t.client),
                "{} {how}",
                t.name
            );
            assert_eq!(got, expected, "{} {how}", t.name);
        };
        check(&chunk_ends(t.server.len(), None, &t.server_tls), "whole");
        for split in 1..t.server.len() {
            check(
                &chunk_ends(t.server.len(), Some(split), &t.server_tls),
                &format!("split at {split}"),
            );
        }
        let bytewise: Vec<usize> = (1..=t.server.len()).collect();
        check(&bytewise, "byte by byte");
    }
}

#[test]
fn incomplete_prefixes_are_incomplete_not_errors() {
    let limits = Limits::default();
    for t in traces() {
        // Every strict prefix of the greeting line is Incomplete.
        let end = t.server.iter().position(|&b| b == b'\n').unwrap() + 1;
        for cut in 0..end {
            assert_eq!(
                decode_response(&t.server[..cut], Expect::Greeting, &limits).unwrap_err(),
                DecodeError::Incomplete,
                "{} cut {cut}",
                t.name
            );
        }
    }
}
