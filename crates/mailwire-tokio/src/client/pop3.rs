//! The async POP3 client (RFC 1939, RFC 2449 CAPA and PIPELINING, RFC 2595 STLS, RFC 5034 SASL,
//! RFC 6856 UTF8 and LANG) over the sans-IO [`mailwire_pop3::client::Connection`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), mailwire_tokio::client::Error> {
//! use futures::TryStreamExt;
//! use mailwire_core::Secret;
//! use mailwire_tokio::client::{Pop3Client, Security};
//!
//! let mut pop = Pop3Client::connect("pop.example.net", 995, Security::Implicit, None).await?;
//! pop.login("alice", &Secret::new("secret".to_string())).await?;
//! for listing in pop.uidl().await? {
//!     // A message body as a stream of chunks: never held whole in memory.
//!     let mut body = pop.retr_stream(listing.msg).await?.into_stream();
//!     while let Some(chunk) = body.try_next().await? {
//!         let _ = chunk; // write it somewhere
//!     }
//! }
//! pop.quit().await?;
//! # Ok(()) }
//! ```

use bytes::{Bytes, BytesMut};
use futures::Stream;
use mailwire_core::Secret;
use mailwire_core::sasl_client::{ClientMechanism, SaslCredentials};

use super::sasl_error;
use mailwire_pop3::client::{Connection, EnqueueError, Event, Handle, Options};
use mailwire_pop3::{
    ApopDigest, Arg, Capability, Command, LangRequest, LanguageListing, Mechanism, MsgNum,
    Password, Response, SaslAuth, ScanListing, SessionState, Status, StatusKind, UidListing,
};
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncWrite};

use super::{ClientOptions, Error, MaybeTls, TlsSettings, Wire};

/// An async POP3 client session.
///
/// Every method sends one command (or a pipelined batch) and waits for its answer. A `-ERR`
/// answer is [`Error::Pop3Err`] with the response code (RFC 2449 §8) and text; the session goes
/// on. Capabilities are read with `CAPA` after the greeting and again after STLS and login.
#[derive(Debug)]
pub struct Pop3Client<S> {
    conn: Connection,
    wire: Wire<S>,
    greeting: Status<'static>,
    capabilities: Vec<Capability<'static>>,
}

fn enqueue_error(e: EnqueueError) -> Error {
    match e {
        EnqueueError::Closing => Error::Closed,
        e => Error::Protocol(format!("cannot send the command: {e}")),
    }
}

/// `Ok` for a `+OK` answer, [`Error::Pop3Err`] for `-ERR`.
fn check(response: Response<'static>) -> Result<Response<'static>, Error> {
    match response {
        Response::Status(s) | Response::Greeting(s) if s.kind == StatusKind::Err => {
            Err(Error::Pop3Err {
                code: s.code,
                text: s.text.to_string(),
            })
        }
        r => Ok(r),
    }
}

fn unexpected(what: &str, response: &Response<'_>) -> Error {
    Error::Protocol(format!("unexpected answer to {what}: {response:?}"))
}

super::constructors!(Pop3Client, "110 plain/STLS, 995 implicit TLS", stls);

impl<S: AsyncRead + AsyncWrite + Unpin> Pop3Client<S> {
    async fn start(stream: MaybeTls<S>, options: &ClientOptions) -> Result<Self, Error> {
        let tls_active = matches!(stream, MaybeTls::Tls(_));
        let conn = Connection::new(Options {
            tls_active,
            ..Options::default()
        });
        let mut client = Pop3Client {
            conn,
            wire: Wire::new(stream, options),
            greeting: Status {
                kind: StatusKind::Ok,
                code: None,
                text: mailwire_pop3::Text::empty(),
            },
            capabilities: Vec::new(),
        };
        loop {
            if let Event::Greeting(status) = client.next_event().await? {
                if status.kind == StatusKind::Err {
                    return Err(Error::Pop3Err {
                        code: status.code,
                        text: status.text.to_string(),
                    });
                }
                client.greeting = status;
                break;
            }
        }
        client.refresh_capabilities().await?;
        Ok(client)
    }

    /// Runs the machine without reading: the next event, or `None` when it needs input.
    async fn ready_event(&mut self) -> Result<Option<Event>, Error> {
        loop {
            match self.wire.ready_event(&mut self.conn).await? {
                Some(Event::PlaintextDiscarded { bytes }) => {
                    tracing::warn!(bytes, "discarded plaintext sent after the STLS answer");
                }
                ev => return Ok(ev),
            }
        }
    }

    /// Runs the machine until it has an event, reading as needed.
    async fn next_event(&mut self) -> Result<Event, Error> {
        loop {
            match self.wire.next_event(&mut self.conn).await? {
                Event::PlaintextDiscarded { bytes } => {
                    tracing::warn!(bytes, "discarded plaintext sent after the STLS answer");
                }
                ev => return Ok(ev),
            }
        }
    }

    fn enqueue(&mut self, command: Command<'_>) -> Result<Handle, Error> {
        self.conn.enqueue(command).map_err(enqueue_error)
    }

    /// Waits for the whole answer to `handle` (a body is collected into [`Response::Message`]).
    async fn answer(&mut self, handle: Handle) -> Result<Response<'static>, Error> {
        let mut body: Option<(Status<'static>, BytesMut)> = None;
        loop {
            match self.next_event().await? {
                Event::Response {
                    handle: h,
                    response,
                } if h == handle => return check(response),
                Event::Failed { handle: h, error } if h == handle => {
                    return Err(Error::Protocol(error.to_string()));
                }
                Event::BodyStart { handle: h, status } if h == handle => {
                    body = Some((status, BytesMut::new()));
                }
                Event::BodyChunk { handle: h, data } if h == handle => {
                    if let Some((_, b)) = &mut body {
                        b.extend_from_slice(&data);
                    }
                }
                Event::BodyEnd { handle: h } if h == handle => {
                    let (status, b) = body.take().unwrap_or_else(|| {
                        (
                            Status {
                                kind: StatusKind::Ok,
                                code: None,
                                text: mailwire_pop3::Text::empty(),
                            },
                            BytesMut::new(),
                        )
                    });
                    return Ok(Response::Message {
                        status,
                        body: b.to_vec().into(),
                    });
                }
                Event::Challenge { handle: h, .. } if h == handle => {
                    // Only `authenticate` answers challenges; anyone else cancels.
                    let _ = self.conn.auth_cancel();
                }
                ev => skip(ev),
            }
        }
    }

    /// Sends one command and waits for its answer.
    async fn run(&mut self, command: Command<'_>) -> Result<Response<'static>, Error> {
        let h = self.enqueue(command)?;
        self.answer(h).await
    }

    /// The server greeting (RFC 1939 §4).
    pub fn greeting(&self) -> &Status<'static> {
        &self.greeting
    }

    /// The capabilities of the last `CAPA` (RFC 2449 §5); empty if the server does not know
    /// `CAPA`.
    pub fn capabilities(&self) -> &[Capability<'static>] {
        &self.capabilities
    }

    /// Whether the last `CAPA` listed `PIPELINING` (RFC 2449 §6.6).
    pub fn supports_pipelining(&self) -> bool {
        self.capabilities.contains(&Capability::Pipelining)
    }

    /// The SASL mechanisms of the last `CAPA` (RFC 2449 §6.3).
    pub fn sasl_mechanisms(&self) -> Vec<String> {
        self.capabilities
            .iter()
            .filter_map(|c| match c {
                Capability::Sasl(m) => Some(m.iter().map(|m| m.as_str().to_string())),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The session state (RFC 1939 §3).
    pub fn state(&self) -> SessionState {
        self.conn.state()
    }

    /// `true` once the transport is TLS.
    pub fn is_tls(&self) -> bool {
        self.wire.is_tls()
    }

    /// `CAPA` (RFC 2449 §5): reads the capabilities again and returns them. A server without
    /// `CAPA` answers `-ERR`; the capabilities are then empty.
    pub async fn capa(&mut self) -> Result<&[Capability<'static>], Error> {
        self.refresh_capabilities().await?;
        Ok(&self.capabilities)
    }

    async fn refresh_capabilities(&mut self) -> Result<(), Error> {
        self.capabilities = match self.run(Command::Capa).await {
            Ok(Response::Capabilities { capabilities, .. }) => capabilities,
            Ok(r) => return Err(unexpected("CAPA", &r)),
            Err(Error::Pop3Err { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        let pipelining = self.supports_pipelining();
        self.conn.set_pipelining(pipelining);
        Ok(())
    }

    /// `STLS` (RFC 2595 §4): upgrades the connection to TLS and reads the capabilities again.
    /// Anything the server sent after its `+OK` in plaintext is discarded.
    pub async fn stls(&mut self, tls: TlsSettings) -> Result<(), Error> {
        if !self.capabilities.is_empty() && !self.capabilities.contains(&Capability::Stls) {
            return Err(Error::Unsupported("STLS".into()));
        }
        self.wire.set_tls(tls);
        self.run(Command::Stls).await?;
        // The machine asks for the upgrade before it reads anything else.
        while let Some(ev) = self.ready_event().await? {
            skip(ev);
        }
        if !self.wire.is_tls() {
            return Err(Error::Protocol("no TLS upgrade after STLS".into()));
        }
        self.refresh_capabilities().await
    }

    /// `USER` and `PASS` (RFC 1939 §7), pipelined when the server allows it; then the
    /// capabilities are read again.
    pub async fn login(&mut self, user: &str, password: &Secret<String>) -> Result<(), Error> {
        let user = Arg::new(user)?;
        let password = Password::new(password.expose().as_bytes())?;
        let hu = self.enqueue(Command::User(user))?;
        let hp = self.enqueue(Command::Pass(password))?;
        let user_answer = self.answer(hu).await;
        let pass_answer = self.answer(hp).await;
        user_answer?;
        pass_answer?;
        self.refresh_capabilities().await
    }

    /// `APOP name digest` (RFC 1939 §7): the MD5 of the greeting's timestamp and the shared
    /// secret. [`Error::Unsupported`] if the greeting has no timestamp.
    pub async fn apop(&mut self, user: &str, secret: &Secret<String>) -> Result<(), Error> {
        let stamp = self
            .greeting
            .apop_timestamp()
            .ok_or_else(|| Error::Unsupported("APOP (no timestamp in the greeting)".into()))?;
        let mut md5 = Md5::new();
        md5.update(stamp);
        md5.update(secret.expose().as_bytes());
        let digest = ApopDigest::from_bytes(md5.finalize().into());
        self.run(Command::Apop {
            name: Arg::new(user)?,
            digest,
        })
        .await?;
        self.refresh_capabilities().await
    }

    /// `AUTH mechanism [initial-response]` (RFC 5034 §4) with PLAIN, LOGIN, XOAUTH2, OAUTHBEARER
    /// or SCRAM-SHA-256 (RFC 7677). The initial response is sent with the command when the line
    /// stays within 255 octets, else as the answer to the first challenge. A SCRAM server whose
    /// signature is wrong or missing is an error ([`Error::Sasl`]) even if it answered `+OK`.
    pub async fn authenticate(&mut self, credentials: &SaslCredentials) -> Result<(), Error> {
        let mut exchange = ClientMechanism::start(credentials).map_err(sasl_error)?;
        let mechanism = Mechanism::new(exchange.mechanism())?;
        let initial = match exchange.initial_response() {
            Some(m)
                if 5 + mechanism.as_str().len()
                    + 1
                    + mailwire_core::sasl::encoded_len(m.expose().len())
                    + 2
                    <= 255 =>
            {
                Some(m)
            }
            Some(_) => {
                exchange = ClientMechanism::start(credentials).map_err(sasl_error)?;
                None
            }
            None => None,
        };
        let h = self.enqueue(Command::Auth(Some(SaslAuth {
            mechanism,
            initial_response: initial,
        })))?;
        // A SCRAM server that fails to prove itself: the exchange is cancelled (RFC 5034 §4
        // `*`) and the error reported whatever the server answers then.
        let mut failure = None;
        loop {
            match self.next_event().await? {
                Event::Challenge { handle, data } if handle == h => {
                    match exchange.respond(data.expose()) {
                        Ok(answer) => self.conn.auth_respond(answer.expose()),
                        Err(e) => {
                            failure = Some(sasl_error(e));
                            self.conn.auth_cancel()
                        }
                    }
                    .map_err(|e| Error::Protocol(e.to_string()))?;
                }
                Event::Response { handle, response } if handle == h => {
                    if let Some(e) = failure {
                        return Err(e);
                    }
                    check(response)?;
                    exchange.finish().map_err(sasl_error)?;
                    break;
                }
                Event::Failed { handle, error } if handle == h => {
                    return Err(Error::Protocol(error.to_string()));
                }
                ev => skip(ev),
            }
        }
        self.refresh_capabilities().await
    }

    /// The bare `AUTH` many servers answer with their SASL mechanisms (RFC 1734 usage).
    pub async fn auth_mechanisms(&mut self) -> Result<Vec<Mechanism<'static>>, Error> {
        match self.run(Command::Auth(None)).await? {
            Response::Mechanisms { mechanisms, .. } => Ok(mechanisms),
            r => Err(unexpected("AUTH", &r)),
        }
    }

    /// `STAT` (RFC 1939 §5): the number of messages and their total size.
    pub async fn stat(&mut self) -> Result<(u32, u64), Error> {
        match self.run(Command::Stat).await? {
            Response::Stat { count, size, .. } => Ok((count, size)),
            r => Err(unexpected("STAT", &r)),
        }
    }

    /// `LIST` (RFC 1939 §5): every message's number and size.
    pub async fn list(&mut self) -> Result<Vec<ScanListing<'static>>, Error> {
        match self.run(Command::List(None)).await? {
            Response::ScanList { listings, .. } => Ok(listings),
            r => Err(unexpected("LIST", &r)),
        }
    }

    /// `LIST msg` (RFC 1939 §5).
    pub async fn list_one(&mut self, msg: MsgNum) -> Result<ScanListing<'static>, Error> {
        match self.run(Command::List(Some(msg))).await? {
            Response::Scan(l) => Ok(l),
            r => Err(unexpected("LIST", &r)),
        }
    }

    /// `UIDL` (RFC 1939 §7): every message's unique-id.
    pub async fn uidl(&mut self) -> Result<Vec<UidListing<'static>>, Error> {
        match self.run(Command::Uidl(None)).await? {
            Response::UidList { listings, .. } => Ok(listings),
            r => Err(unexpected("UIDL", &r)),
        }
    }

    /// `UIDL msg` (RFC 1939 §7).
    pub async fn uidl_one(&mut self, msg: MsgNum) -> Result<UidListing<'static>, Error> {
        match self.run(Command::Uidl(Some(msg))).await? {
            Response::Uid(l) => Ok(l),
            r => Err(unexpected("UIDL", &r)),
        }
    }

    /// `RETR msg` (RFC 1939 §5): the whole message, un-stuffed, in memory. For large messages
    /// prefer [`Pop3Client::retr_stream`].
    pub async fn retr(&mut self, msg: MsgNum) -> Result<Vec<u8>, Error> {
        match self.run(Command::Retr(msg)).await? {
            Response::Message { body, .. } => Ok(body.into_owned()),
            r => Err(unexpected("RETR", &r)),
        }
    }

    /// `RETR msg` (RFC 1939 §5) as a stream of chunks: the body is never held whole.
    pub async fn retr_stream(&mut self, msg: MsgNum) -> Result<BodyReader<'_, S>, Error> {
        let h = self.enqueue(Command::Retr(msg))?;
        self.body_reader(h).await
    }

    /// `TOP msg n` (RFC 1939 §7): the header and the first `lines` lines of the body.
    pub async fn top(&mut self, msg: MsgNum, lines: u32) -> Result<Vec<u8>, Error> {
        match self.run(Command::Top { msg, lines }).await? {
            Response::Message { body, .. } => Ok(body.into_owned()),
            r => Err(unexpected("TOP", &r)),
        }
    }

    /// `TOP msg n` (RFC 1939 §7) as a stream of chunks.
    pub async fn top_stream(
        &mut self,
        msg: MsgNum,
        lines: u32,
    ) -> Result<BodyReader<'_, S>, Error> {
        let h = self.enqueue(Command::Top { msg, lines })?;
        self.body_reader(h).await
    }

    async fn body_reader(&mut self, handle: Handle) -> Result<BodyReader<'_, S>, Error> {
        loop {
            match self.next_event().await? {
                Event::BodyStart { handle: h, status } if h == handle => {
                    return Ok(BodyReader {
                        client: self,
                        handle,
                        status,
                        done: false,
                    });
                }
                Event::Response {
                    handle: h,
                    response,
                } if h == handle => {
                    check(response)?;
                    return Err(Error::Protocol("a body was expected".into()));
                }
                Event::Failed { handle: h, error } if h == handle => {
                    return Err(Error::Protocol(error.to_string()));
                }
                ev => skip(ev),
            }
        }
    }

    /// `DELE msg` (RFC 1939 §5): marks the message deleted; the server removes it at `QUIT`.
    pub async fn dele(&mut self, msg: MsgNum) -> Result<(), Error> {
        self.run(Command::Dele(msg)).await.map(drop)
    }

    /// `DELE` for each message, pipelined when the server allows it (RFC 2449 §6.6). Returns one
    /// result per message, in order.
    pub async fn dele_many(&mut self, msgs: &[MsgNum]) -> Result<Vec<Result<(), Error>>, Error> {
        let answers = self
            .pipeline(msgs.iter().map(|&m| Command::Dele(m)).collect())
            .await?;
        Ok(answers.into_iter().map(|r| r.map(drop)).collect())
    }

    /// Sends `commands` at once when the server announced `PIPELINING` (RFC 2449 §6.6; one after
    /// the other otherwise) and returns each answer in order: `Err` in the outer result for a
    /// broken connection, in the inner ones for `-ERR` answers. `RETR`/`TOP` bodies come back
    /// whole as [`Response::Message`].
    pub async fn pipeline(
        &mut self,
        commands: Vec<Command<'_>>,
    ) -> Result<Vec<Result<Response<'static>, Error>>, Error> {
        let mut handles = Vec::with_capacity(commands.len());
        for c in commands {
            handles.push(self.enqueue(c)?);
        }
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            match self.answer(h).await {
                Err(e @ (Error::Pop3Err { .. } | Error::Protocol(_))) => out.push(Err(e)),
                Err(e) => return Err(e),
                Ok(r) => out.push(Ok(r)),
            }
        }
        Ok(out)
    }

    /// `NOOP` (RFC 1939 §5).
    pub async fn noop(&mut self) -> Result<(), Error> {
        self.run(Command::Noop).await.map(drop)
    }

    /// `RSET` (RFC 1939 §5): unmarks deleted messages.
    pub async fn rset(&mut self) -> Result<(), Error> {
        self.run(Command::Rset).await.map(drop)
    }

    /// `UTF8` (RFC 6856 §2.1): switches the session to UTF-8.
    pub async fn utf8(&mut self) -> Result<(), Error> {
        self.run(Command::Utf8).await.map(drop)
    }

    /// `LANG` without argument (RFC 6856 §3): the languages the server offers.
    pub async fn languages(&mut self) -> Result<Vec<LanguageListing<'static>>, Error> {
        match self.run(Command::Lang(None)).await? {
            Response::Languages { languages, .. } => Ok(languages),
            r => Err(unexpected("LANG", &r)),
        }
    }

    /// `LANG range` (RFC 6856 §3): picks the language of the server's texts.
    pub async fn set_language(&mut self, request: LangRequest<'_>) -> Result<(), Error> {
        self.run(Command::Lang(Some(request))).await.map(drop)
    }

    /// Any command, extension commands included, with its answer.
    pub async fn command(&mut self, command: Command<'_>) -> Result<Response<'static>, Error> {
        self.run(command).await
    }

    /// `QUIT` (RFC 1939 §6): in the TRANSACTION state the server removes the messages marked
    /// deleted, then closes the connection.
    pub async fn quit(mut self) -> Result<(), Error> {
        self.run(Command::Quit).await?;
        // Let the machine hand out its close.
        loop {
            match self.next_event().await {
                Err(Error::Closed) => return Ok(()),
                Err(e) => return Err(e),
                Ok(ev) => skip(ev),
            }
        }
    }
}

/// Events no caller waits for (the rest of an abandoned body stream).
fn skip(ev: Event) {
    match ev {
        Event::BodyChunk { .. } | Event::BodyEnd { .. } => {}
        ev => tracing::debug!(event = ?event_kind(&ev), "unclaimed POP3 event"),
    }
}

fn event_kind(ev: &Event) -> &'static str {
    match ev {
        Event::Greeting(_) => "greeting",
        Event::Response { .. } => "response",
        Event::BodyStart { .. } => "body start",
        Event::Challenge { .. } => "challenge",
        Event::Failed { .. } => "failed",
        _ => "other",
    }
}

/// The body of a `RETR` or `TOP` answer, read chunk by chunk (RFC 1939 §3 multi-line response,
/// un-stuffed). Dropping it early is fine: the rest of the body is skipped by the next command.
#[derive(Debug)]
pub struct BodyReader<'a, S> {
    client: &'a mut Pop3Client<S>,
    handle: Handle,
    status: Status<'static>,
    done: bool,
}

impl<'a, S: AsyncRead + AsyncWrite + Unpin> BodyReader<'a, S> {
    /// The `+OK` status line.
    pub fn status(&self) -> &Status<'static> {
        &self.status
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if self.done {
            return Ok(None);
        }
        loop {
            match self.client.next_event().await? {
                Event::BodyChunk { handle, data } if handle == self.handle => {
                    return Ok(Some(data));
                }
                Event::BodyEnd { handle } if handle == self.handle => {
                    self.done = true;
                    return Ok(None);
                }
                ev => skip(ev),
            }
        }
    }

    /// The chunks as a [`futures::Stream`].
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Unpin + 'a {
        Box::pin(futures::stream::try_unfold(self, |mut reader| async move {
            Ok(reader.chunk().await?.map(|c| (c, reader)))
        }))
    }
}
