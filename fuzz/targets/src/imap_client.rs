//! `imap_client`: the IMAP client connection with enqueued commands, fed arbitrary server bytes.

use std::collections::VecDeque;

use mailwire_core::{Interrupt, Io};
use mailwire_imap::client::{self, CallError, EnqueueError, Event};
use mailwire_imap::codec::{Limits, Quirks};
use mailwire_imap::types::{CommandBody, StatusKind, Tag};

use crate::imap_util::parse_plan;
use crate::util::{Rng, chunk_len, header};

/// One enqueued command, as the harness tracks it.
#[derive(Debug)]
struct Enqueued {
    tag: Tag<'static>,
    name: &'static str,
    completed: bool,
}

/// `true` when the client has written a line starting with `tag` SP.
pub(crate) fn wrote_tag(output: &[u8], tag: &Tag<'_>) -> bool {
    let mut needle = tag.as_str().as_bytes().to_vec();
    needle.push(b' ');
    if output.starts_with(&needle) {
        return true;
    }
    let mut at_line = b"\r\n".to_vec();
    at_line.extend_from_slice(&needle);
    output
        .windows(at_line.len())
        .any(|w| w == at_line.as_slice())
}

/// Header: `[flags, seed, chunk_max]`. Flags: bit 0 TLS active, bit 1 LITERAL+, bit 2 bare-LF
/// quirk, bit 3 strict quirks (else the response defaults), bit 4 small limits (`max_line` 128,
/// `max_literal` 64, `max_message` 512), bit 5 enqueue the plan a command at a time between
/// feeds (else all before the first feed), bit 6 cancel AUTHENTICATE challenges (else answer
/// them), bit 7 end IDLE only at the next feed (else right away). Then a command plan (commands as a client writes
/// them, any tags, up to an empty line; see `parse_plan`), then the server's byte stream, fed in
/// chunks of `1..=chunk_max` bytes (`0`: one feed).
pub(crate) fn client(data: &[u8]) {
    let (h, rest) = header::<3>(data);
    let flags = h[0];
    let mut opts = client::Options::default();
    opts.tls_active = flags & 1 != 0;
    opts.literal_plus = flags & 2 != 0;
    if flags & 8 != 0 {
        opts.decode.quirks = Quirks::STRICT;
    }
    opts.decode.quirks.bare_lf = flags & 4 != 0;
    if flags & 16 != 0 {
        opts.decode.limits = Limits {
            max_line: 128,
            max_literal: 64,
            max_message: 512,
        };
    }
    let incremental = flags & 32 != 0;
    let cancel_auth = flags & 64 != 0;
    let defer_done = flags & 128 != 0;
    let (plan, stream) = parse_plan(rest, 32);
    let mut plan: VecDeque<CommandBody<'static>> = plan.into();
    let mut rng = Rng::new(u64::from(h[1]) | (data.len() as u64) << 8);
    let chunk_max = h[2];
    let tls_at_start = opts.tls_active;
    let mut conn = client::Connection::new(opts);
    assert_eq!(conn.is_tls(), tls_at_start);

    let mut enqueued: Vec<Enqueued> = Vec::new();
    let mut output: Vec<u8> = Vec::new();
    let mut greeted = false;
    let mut starttls_ok = false;
    let mut idle_to_end: Option<Tag<'static>> = None;
    let mut stray_completions = 0usize;
    let mut upgrades = 0;
    // Completed tags whose command line must be in the output by the next flush.
    let mut must_have_written: Vec<Tag<'static>> = Vec::new();
    let mut fed = 0;
    let mut closed = false;
    let mut failed = false;

    let enqueue_some = |conn: &mut client::Connection,
                        plan: &mut VecDeque<CommandBody<'static>>,
                        enqueued: &mut Vec<Enqueued>,
                        all: bool| {
        while let Some(body) = plan.pop_front() {
            let name = body.name();
            let r = conn.enqueue(body.clone());
            match r {
                Ok(tag) => {
                    assert!(
                        enqueued.iter().all(|e| e.tag != tag),
                        "tag {tag:?} given twice"
                    );
                    enqueued.push(Enqueued {
                        tag,
                        name,
                        completed: false,
                    });
                }
                Err(EnqueueError::Idling) => {
                    // Retried once IDLE is over.
                    plan.push_front(body);
                    return;
                }
                Err(
                    EnqueueError::WrongState { .. }
                    | EnqueueError::Closing
                    | EnqueueError::TlsActive,
                ) => {}
                Err(e) => panic!("enqueue error {e:?}"),
            }
            if !all {
                return;
            }
        }
    };
    if !incremental {
        enqueue_some(&mut conn, &mut plan, &mut enqueued, true);
    }

    let max_steps = 64 * (data.len() + 16);
    for step in 0.. {
        assert!(step < max_steps, "no progress after {step} steps");
        match conn.next() {
            Ok(ev) => {
                assert!(!failed, "event after a fatal error");
                match ev {
                    Event::Greeting(_) => {
                        assert!(!greeted, "a second greeting");
                        greeted = true;
                    }
                    Event::Completed { tag, kind, .. } => {
                        assert!(greeted);
                        // Only a completion of a command in flight changes `outstanding()`, and
                        // events come one frame at a time, so the count tells the two apart.
                        let open = enqueued.iter().filter(|e| !e.completed).count();
                        if conn.outstanding() + 1 == open {
                            let e = enqueued
                                .iter_mut()
                                .find(|e| e.tag == tag && !e.completed)
                                .unwrap_or_else(|| {
                                    panic!("{tag:?} completed: not an outstanding enqueued tag")
                                });
                            e.completed = true;
                            must_have_written.push(tag.clone());
                            if e.name == "STARTTLS" && kind == StatusKind::Ok {
                                starttls_ok = true;
                            }
                            if idle_to_end.as_ref() == Some(&tag) {
                                idle_to_end = None;
                            }
                        } else {
                            assert_eq!(conn.outstanding(), open, "outstanding commands");
                            // FINDING (imap-client-stray-completion): a tagged status whose tag
                            // is not in flight (never enqueued, not sent yet, or completed
                            // already) is reported as `Event::Completed` with that tag
                            // (client.rs `completed`, whose comment says "report it as an
                            // untagged-looking status"), so `Completed` does not mean "one of
                            // your commands completed". The property "Completed tags are
                            // enqueued tags, each once" is masked for these: they are counted,
                            // and must not change the commands in flight.
                            stray_completions += 1;
                        }
                    }
                    Event::AuthChallenge { tag, .. } => {
                        let e = enqueued
                            .iter()
                            .find(|e| e.tag == tag)
                            .expect("challenge for an enqueued command");
                        assert_eq!(e.name, "AUTHENTICATE");
                        assert!(!e.completed);
                        let r = if cancel_auth {
                            conn.authenticate_cancel()
                        } else {
                            let len = rng.range(0, 30);
                            conn.authenticate_respond(&rng.bytes(len))
                        };
                        r.expect("answering a challenge right after it");
                    }
                    Event::IdleStarted { tag } => {
                        let e = enqueued
                            .iter()
                            .find(|e| e.tag == tag)
                            .expect("IDLE started for an enqueued command");
                        assert_eq!(e.name, "IDLE");
                        assert!(!e.completed);
                        if defer_done {
                            idle_to_end = Some(tag);
                        } else {
                            conn.idle_done().expect("DONE right after IdleStarted");
                        }
                    }
                    Event::Data(_) | Event::Status(_) => assert!(greeted),
                    Event::Continuation(_) | Event::Failed(_) => {}
                    other => panic!("unknown event {other:?}"),
                }
            }
            Err(Interrupt::Io(Io::Output(bytes))) => {
                assert!(!bytes.is_empty(), "empty output");
                assert!(greeted, "output before the greeting");
                output.extend_from_slice(&bytes);
            }
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                assert!(!closed && !failed);
                let open = enqueued.iter().filter(|e| !e.completed).count();
                assert_eq!(conn.outstanding(), open, "outstanding commands");
                for tag in must_have_written.drain(..) {
                    assert!(wrote_tag(&output, &tag), "{tag:?} completed, never written");
                }
                if idle_to_end.take().is_some() {
                    conn.idle_done().expect("DONE while IDLE runs");
                    continue;
                }
                if incremental && !plan.is_empty() && (fed == stream.len() || rng.one_in(2)) {
                    let before = plan.len();
                    enqueue_some(&mut conn, &mut plan, &mut enqueued, false);
                    if plan.len() < before {
                        continue;
                    }
                }
                if fed == stream.len() {
                    break;
                }
                let n = chunk_len(&mut rng, chunk_max, stream.len() - fed);
                conn.feed(&stream[fed..fed + n]);
                fed += n;
            }
            Err(Interrupt::Io(Io::UpgradeTls)) => {
                assert!(!closed && !failed);
                assert!(starttls_ok, "UpgradeTls without STARTTLS completed OK");
                starttls_ok = false;
                assert!(conn.is_tls());
                // One upgrade at most, and none on a TLS connection (fuzz finding, fixed in
                // b8b9040: the client enqueued STARTTLS under TLS and upgraded a second time).
                // (Fuzz finding, fixed in 57bb4bd: a STARTTLS enqueued while another was in
                // flight was sent after the upgrade and asked for a second one.)
                assert!(!tls_at_start && upgrades == 0, "a second TLS upgrade");
                upgrades += 1;
            }
            Err(Interrupt::Io(Io::Close)) => {
                if closed {
                    break;
                }
                closed = true;
                conn.feed(b"* OK more\r\n");
                assert_eq!(conn.enqueue(CommandBody::Noop), Err(EnqueueError::Closing));
            }
            Err(Interrupt::Error(e)) => {
                assert!(!failed, "a second fatal error");
                match &e {
                    client::Error::DataAfterStartTls { bytes } => {
                        assert!(*bytes > 0);
                        assert!(starttls_ok, "{e:?} without STARTTLS completed OK");
                    }
                    client::Error::Greeting(_) => assert!(!greeted, "{e:?} after the greeting"),
                    client::Error::Compress(_) => {
                        assert!(conn.is_compressed(), "{e:?} without COMPRESS")
                    }
                    other => panic!("unknown error {other:?}"),
                }
                failed = true;
            }
        }
    }
    let _ = stray_completions;
    // Every challenge and IDLE was answered: the answering calls now fail, without effect.
    assert_eq!(conn.authenticate_respond(b"x"), Err(CallError::NoChallenge));
    assert_eq!(conn.authenticate_cancel(), Err(CallError::NoChallenge));
    if idle_to_end.is_none() {
        assert_eq!(conn.idle_done(), Err(CallError::NotIdling));
    }
}
