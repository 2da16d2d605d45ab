//! A scripted POP3 server application: answers every command the server connection hands out
//! with a valid answer of the right shape, chosen by a PRNG.

use std::borrow::Cow;

use mailwire_pop3::server::{CallError, Connection};
use mailwire_pop3::{
    Capability, Command, ExpirePolicy, LanguageListing, LanguageTag, Mechanism, MsgNum, Response,
    ResponseCode, ScanListing, Status, Text, UidListing, UniqueId,
};

use crate::util::{Rng, expected_body, is_multi_line_extension, random_body};

/// What the application answered, as the client should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A response the client decodes to an equal value.
    Response(Response<'static>),
    /// A multi-line body: the status and the body the client gets back (normalized and ended
    /// with CRLF as the server's stuffer does).
    Body {
        status: Status<'static>,
        body: Vec<u8>,
    },
    /// A SASL challenge (not a final answer).
    Challenge(Vec<u8>),
}

/// The scripted application.
#[derive(Debug)]
pub(crate) struct App {
    rng: Rng,
    normalize: bool,
    auth_rounds: u32,
    /// Largest body the application sends.
    pub(crate) max_body: usize,
}

fn ok(text: &'static str) -> Status<'static> {
    Status::ok(text).expect("valid text")
}

fn err(text: &'static str) -> Status<'static> {
    Status::err(text).expect("valid text")
}

fn msg(n: usize) -> MsgNum {
    MsgNum::from_index(n).expect("small index")
}

impl App {
    pub(crate) fn new(seed: u64, normalize: bool) -> Self {
        App {
            rng: Rng::new(seed),
            normalize,
            auth_rounds: 0,
            max_body: 600,
        }
    }

    fn respond(&mut self, conn: &mut Connection, response: Response<'static>) -> Answer {
        if let Err(e) = conn.respond(response.clone()) {
            panic!("respond({response:?}) refused: {e}");
        }
        Answer::Response(response)
    }

    fn status(&mut self) -> Status<'static> {
        match self.rng.below(4) {
            0 => ok(""),
            1 => ok("done").with_code(ResponseCode::Other(
                mailwire_pop3::RespCodeText::new("X-FUZZ/OK").expect("valid code"),
            )),
            _ => ok("done"),
        }
    }

    fn error(&mut self) -> Status<'static> {
        match self.rng.below(4) {
            0 => err("no such message"),
            1 => err("[not a code").with_code(ResponseCode::SysTemp),
            2 => err("").with_code(ResponseCode::InUse),
            _ => err("failed"),
        }
    }

    /// Answers `cmd`, the event just handed out. Every call must succeed.
    pub(crate) fn command(&mut self, conn: &mut Connection, cmd: &Command<'static>) -> Answer {
        self.auth_rounds = 0;
        if self.rng.one_in(6) {
            let e = self.error();
            return self.respond(conn, Response::Status(e));
        }
        let answer = match cmd {
            Command::Stat => {
                let count = self.rng.below(5) as u32;
                self.respond(
                    conn,
                    Response::Stat {
                        count,
                        size: count as u64 * 1200,
                        text: Text::empty(),
                    },
                )
            }
            Command::List(None) => {
                let listings = (0..self.rng.below(5))
                    .map(|i| ScanListing {
                        msg: msg(i),
                        size: self.rng.below(1 << 20) as u64,
                        info: Text::empty(),
                    })
                    .collect();
                let status = self.status();
                self.respond(conn, Response::ScanList { status, listings })
            }
            Command::List(Some(n)) => self.respond(
                conn,
                Response::Scan(ScanListing {
                    msg: *n,
                    size: 120,
                    info: Text::empty(),
                }),
            ),
            Command::Uidl(None) => {
                let listings = (0..self.rng.below(5))
                    .map(|i| UidListing {
                        msg: msg(i),
                        uid: UniqueId::new(format!("QhdPYR:00WBw1Ph7x7.{i}")).expect("valid uid"),
                    })
                    .collect();
                let status = self.status();
                self.respond(conn, Response::UidList { status, listings })
            }
            Command::Uidl(Some(n)) => self.respond(
                conn,
                Response::Uid(UidListing {
                    msg: *n,
                    uid: UniqueId::new("whqtswO00WBw418f9t5JxYwZ").expect("valid uid"),
                }),
            ),
            Command::Retr(_) | Command::Top { .. } => self.body(conn, false),
            Command::Capa => {
                let mut capabilities = vec![
                    Capability::Top,
                    Capability::User,
                    Capability::Sasl(vec![Mechanism::PLAIN, Mechanism::SCRAM_SHA_256]),
                    Capability::RespCodes,
                    Capability::LoginDelay {
                        seconds: 900,
                        per_user: false,
                    },
                    Capability::Pipelining,
                    Capability::Expire {
                        policy: ExpirePolicy::Never,
                        per_user: false,
                    },
                    Capability::Uidl,
                    Capability::Implementation(
                        Text::new(&b"Shlemazle-Plotz-v302"[..]).expect("text"),
                    ),
                    Capability::Stls,
                    Capability::AuthRespCode,
                    Capability::Utf8 { user: true },
                    Capability::Lang,
                ];
                capabilities.truncate(self.rng.range(0, capabilities.len()));
                let status = ok("Capability list follows");
                self.respond(
                    conn,
                    Response::Capabilities {
                        status,
                        capabilities,
                    },
                )
            }
            Command::Auth(None) => {
                let status = ok("");
                self.respond(
                    conn,
                    Response::Mechanisms {
                        status,
                        mechanisms: vec![Mechanism::PLAIN, Mechanism::XOAUTH2],
                    },
                )
            }
            Command::Auth(Some(_)) => self.auth_step(conn),
            Command::Lang(None) => {
                let languages = vec![
                    LanguageListing {
                        tag: LanguageTag::new("en").expect("tag"),
                        description: Text::new(&b"English"[..]).expect("text"),
                    },
                    LanguageListing {
                        tag: LanguageTag::new("de-CH").expect("tag"),
                        description: Text::new("Schweizerdeutsch \u{e4}".as_bytes()).expect("text"),
                    },
                ];
                let status = ok("Language listing follows");
                self.respond(conn, Response::Languages { status, languages })
            }
            c if is_multi_line_extension(c) => self.body(conn, true),
            _ => {
                let status = self.status();
                self.respond(conn, Response::Status(status))
            }
        };
        self.misuse(conn);
        answer
    }

    /// Answers the client's line in an AUTH exchange.
    pub(crate) fn auth_response(&mut self, conn: &mut Connection) -> Answer {
        let a = self.auth_step(conn);
        self.misuse(conn);
        a
    }

    fn auth_step(&mut self, conn: &mut Connection) -> Answer {
        self.auth_rounds += 1;
        match self.rng.below(3) {
            0 if self.auth_rounds <= 3 => {
                let len = self.rng.range(0, 40);
                let data = self.rng.bytes(len);
                if let Err(e) = conn.sasl_challenge(&data) {
                    panic!("sasl_challenge refused: {e}");
                }
                Answer::Challenge(data)
            }
            1 => {
                let e = err("authentication failed").with_code(ResponseCode::Auth);
                self.respond(conn, Response::Status(e))
            }
            _ => self.respond(conn, Response::Status(ok("maildrop locked and ready"))),
        }
    }

    fn body(&mut self, conn: &mut Connection, extension: bool) -> Answer {
        let body = random_body(&mut self.rng, self.max_body);
        let status = ok("message follows");
        if self.rng.one_in(2) {
            let response = if extension {
                Response::MultiLine {
                    status: status.clone(),
                    body: Cow::Owned(body.clone()),
                }
            } else {
                Response::Message {
                    status: status.clone(),
                    body: Cow::Owned(body.clone()),
                }
            };
            if let Err(e) = conn.respond(response) {
                panic!("respond(body) refused: {e}");
            }
            // The server normalizes `Response::Message` bodies only.
            let normalize = self.normalize && !extension;
            return Answer::Body {
                status,
                body: expected_body(&body, normalize),
            };
        }
        conn.begin_body(status.clone()).expect("begin_body");
        let mut pos = 0;
        while pos < body.len() {
            let n = self.rng.range(0, body.len() - pos);
            conn.body_chunk(&body[pos..pos + n]).expect("body_chunk");
            pos += n;
            if self.rng.one_in(8) {
                // Out of order while a body is open.
                assert_eq!(
                    conn.respond(Response::Status(ok("x"))),
                    Err(CallError::BodyOutOfOrder)
                );
            }
        }
        conn.end_body().expect("end_body");
        Answer::Body {
            status,
            body: expected_body(&body, self.normalize),
        }
    }

    /// Sometimes makes a call that does not fit the state: it must be refused and change nothing.
    fn misuse(&mut self, conn: &mut Connection) {
        if !self.rng.one_in(5) {
            return;
        }
        match self.rng.below(3) {
            0 => assert!(conn.respond(Response::Status(ok("extra"))).is_err()),
            1 => assert!(conn.body_chunk(b"stray").is_err()),
            _ => assert!(conn.end_body().is_err()),
        }
    }

    /// After an event that needs no answer, a stray answer is refused.
    pub(crate) fn stray(&mut self, conn: &mut Connection) {
        if self.rng.one_in(4) {
            assert!(conn.respond(Response::Status(ok("stray"))).is_err());
            assert!(conn.sasl_challenge(b"stray").is_err());
        }
    }
}
