//! A scripted IMAP server application for `imap_server` and `imap_pair`: completes every command
//! (OK, NO or BAD, chosen by a PRNG), sends untagged data, runs AUTHENTICATE challenges and IDLE,
//! and decides on announced literals. Every call it makes right after the event that allows it
//! must succeed.

use mailwire_core::Secret;
use mailwire_imap::server::{self, Connection, Event};
use mailwire_imap::types::{
    Code, CommandBody, Continuation, Response, Status, StatusKind, Tag, Text,
};

use crate::imap_util::untagged_responses;
use crate::util::Rng;

/// The exchange the application has open with the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Open {
    /// Nothing: the next event is a new command (or a rejection).
    None,
    /// A SASL challenge was sent for this AUTHENTICATE; the client's line is awaited.
    Auth(Tag<'static>),
    /// IDLE was accepted; `DONE` is awaited.
    Idle(Tag<'static>),
}

/// What the application sent, for a peer to check against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sent {
    /// An untagged response.
    Untagged(Response<'static>),
    /// A completion.
    Completed(Tag<'static>, StatusKind),
}

/// The scripted application.
#[derive(Debug)]
pub(crate) struct App {
    rng: Rng,
    responses: Vec<Response<'static>>,
    /// Answer every command OK (else OK, NO or BAD at random).
    pub(crate) always_ok: bool,
    /// Decide on literal announcements: accept (else at random).
    pub(crate) always_accept: bool,
    pub(crate) open: Open,
    auth_rounds: u32,
    /// Everything sent, in order.
    pub(crate) sent: Vec<Sent>,
    /// AUTHENTICATE data received, in order.
    pub(crate) auth_data: Vec<Vec<u8>>,
    /// A STARTTLS was completed OK.
    pub(crate) starttls_ok: bool,
    /// The last literal decision was to accept.
    pub(crate) accepted_literal: bool,
}

impl App {
    pub(crate) fn new(seed: u64) -> Self {
        App {
            rng: Rng::new(seed),
            responses: untagged_responses(),
            always_ok: false,
            always_accept: false,
            open: Open::None,
            auth_rounds: 0,
            sent: Vec::new(),
            auth_data: Vec::new(),
            starttls_ok: false,
            accepted_literal: false,
        }
    }

    fn kind(&mut self) -> StatusKind {
        if self.always_ok {
            return StatusKind::Ok;
        }
        match self.rng.below(6) {
            0 => StatusKind::No,
            1 => StatusKind::Bad,
            _ => StatusKind::Ok,
        }
    }

    fn send(&mut self, conn: &mut Connection, r: Response<'static>) {
        if let Err(e) = conn.send(r.clone()) {
            panic!("send({r:?}) refused: {e}");
        }
        if !matches!(r, Response::Continuation(_)) {
            self.sent.push(Sent::Untagged(r));
        }
    }

    fn complete(&mut self, conn: &mut Connection, kind: StatusKind, code: Option<Code<'_>>) {
        let tag = conn
            .pending()
            .map(|(t, _)| t.clone())
            .expect("a pending command");
        if let Err(e) = conn.complete(kind, code, "done") {
            panic!("complete({kind:?}) refused: {e}");
        }
        assert!(conn.pending().is_none());
        self.sent.push(Sent::Completed(tag, kind));
        self.open = Open::None;
    }

    fn challenge(&mut self, conn: &mut Connection, tag: Tag<'static>) {
        let len = self.rng.range(0, 24);
        let data = self.rng.bytes(len);
        self.send(
            conn,
            Response::Continuation(Continuation::Base64(Secret::new(data))),
        );
        self.auth_rounds += 1;
        self.open = Open::Auth(tag);
    }

    fn some_untagged(&mut self, conn: &mut Connection) {
        for _ in 0..self.rng.below(3) {
            let r = self.responses[self.rng.below(self.responses.len())].clone();
            self.send(conn, r);
        }
    }

    /// Handles one event of the server connection.
    pub(crate) fn event(&mut self, conn: &mut Connection, ev: &Event) {
        match ev {
            Event::Command(cmd) => {
                assert_eq!(self.open, Open::None, "a command while an exchange is open");
                let (tag, body) = conn.pending().expect("the delivered command is pending");
                assert_eq!(tag, &cmd.tag);
                assert_eq!(body, &cmd.body);
                self.auth_rounds = 0;
                match &cmd.body {
                    CommandBody::Authenticate {
                        initial_response, ..
                    } => {
                        if initial_response.is_some() && self.rng.one_in(2) {
                            let k = self.kind();
                            self.complete(conn, k, None);
                        } else {
                            self.challenge(conn, cmd.tag.clone());
                        }
                    }
                    CommandBody::Idle => {
                        self.send(conn, server::idling());
                        self.open = Open::Idle(cmd.tag.clone());
                        self.some_untagged(conn);
                    }
                    CommandBody::Logout => {
                        self.send(
                            conn,
                            Response::Status(Status::Bye {
                                code: None,
                                text: Text::try_from("logging out").expect("text"),
                            }),
                        );
                        self.complete(conn, StatusKind::Ok, None);
                    }
                    CommandBody::StartTls => {
                        let k = self.kind();
                        self.complete(conn, k, None);
                        self.starttls_ok |= k == StatusKind::Ok;
                    }
                    CommandBody::Select { .. } | CommandBody::Examine { .. } => {
                        self.some_untagged(conn);
                        let k = self.kind();
                        self.complete(conn, k, Some(Code::ReadWrite));
                    }
                    _ => {
                        self.some_untagged(conn);
                        let k = self.kind();
                        self.complete(conn, k, None);
                    }
                }
            }
            Event::AuthenticateData(d) => {
                assert!(
                    matches!(self.open, Open::Auth(_)),
                    "AUTHENTICATE data without a challenge"
                );
                self.auth_data.push(d.expose().clone());
                if self.auth_rounds < 3 && self.rng.one_in(3) {
                    let Open::Auth(tag) = self.open.clone() else {
                        unreachable!()
                    };
                    self.challenge(conn, tag);
                } else {
                    let k = self.kind();
                    self.complete(conn, k, None);
                }
            }
            Event::AuthenticateCancelled => {
                assert!(
                    matches!(self.open, Open::Auth(_)),
                    "cancel without a challenge"
                );
                assert!(conn.pending().is_none());
                self.open = Open::None;
            }
            Event::IdleDone => {
                assert!(matches!(self.open, Open::Idle(_)), "DONE without IDLE");
                if self.rng.one_in(3) {
                    self.some_untagged(conn);
                }
                self.complete(conn, StatusKind::Ok, None);
            }
            Event::LiteralAnnounced { .. } => {
                self.accepted_literal = self.always_accept || self.rng.below(4) != 0;
                let r = if self.accepted_literal {
                    conn.accept_literal()
                } else {
                    conn.reject_literal(None, "too big for me")
                };
                if let Err(e) = r {
                    panic!("literal decision refused: {e}");
                }
            }
            Event::Rejected(_) => {
                // A rejection of the exchange's own line (a bad AUTHENTICATE line, not DONE, a
                // message over the limits) ends it; a line without a tag may be answered with
                // an untagged BAD while the exchange stays open.
                if self.open != Open::None && conn.pending().is_none() {
                    self.open = Open::None;
                }
            }
            other => panic!("unknown event {other:?}"),
        }
    }
}
