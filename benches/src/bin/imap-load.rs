//! Load generator for IMAP servers: prints figures for one server, so that mailwire and Dovecot
//! can be compared on the same mailbox (see `benches/imap-vs-dovecot.sh`).
//!
//! ```text
//! imap-load ADDR USER PASSWORD [--clients 100] [--idle 1000] [--pids PID,PID...]
//!           [--phases idle,meta,bodies,search,mixed]
//! ```
//!
//! `--phases` runs only the named phases (all by default), e.g. `--phases bodies` to profile one.
//!
//! Phases, each printed as `key value` lines:
//! 0. `idle` (first, before other phases leave freed memory in the server's allocator): opens
//!    `--idle` connections, each LOGIN + SELECT INBOX + IDLE, reports the growth of the server's
//!    proportional set size (PSS, over the given processes and their descendants) per
//!    connection, then APPENDs one message from another connection and reports how long the
//!    `EXISTS` push takes to reach every idler.
//! 1. `meta`: LOGIN + SELECT + `FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)`.
//! 2. `bodies`: `FETCH 1:* BODY.PEEK[]`.
//! 3. `search`: `SEARCH SUBJECT` (headers) and `SEARCH BODY` (bodies) over the whole mailbox.
//! 4. `mixed`: `--clients` clients at once, each LOGIN, SELECT, FETCH 100 messages' metadata,
//!    FETCH 10 bodies, a header SEARCH, LOGOUT.

use std::time::Instant;

use mailwire_benches::load::{arg_value, pss_kib};
use mailwire_core::{Interrupt, Io, Secret};
use mailwire_imap::client::{Connection, Event, Options};
use mailwire_imap::codec::{Options as DecodeOptions, decode_command};
use mailwire_imap::types::{CommandBody, Data, IntoStatic, MessageDataItem, StatusKind, Tag};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Client {
    conn: Connection,
    stream: TcpStream,
    buf: Vec<u8>,
}

/// What a command brought back.
#[derive(Default)]
struct Outcome {
    ok: bool,
    fetches: u64,
    literal_bytes: u64,
    exists: Option<u32>,
    search_hits: usize,
}

/// Parses a command written in IMAP syntax (tag `x`): the bench speaks through the codec.
fn cmd(text: &str) -> CommandBody<'static> {
    let line = format!("x {text}\r\n");
    let (_, c) = decode_command(line.as_bytes(), &DecodeOptions::commands())
        .unwrap_or_else(|e| panic!("bad bench command {text:?}: {e:?}"));
    c.body.into_static()
}

impl Client {
    async fn connect(addr: &str) -> Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            conn: Connection::new(Options::default()),
            stream,
            buf: vec![0; 256 * 1024],
        };
        c.pump(|e| matches!(e, Event::Greeting(_)), &mut Outcome::default())
            .await?;
        Ok(c)
    }

    async fn pump(
        &mut self,
        mut done: impl FnMut(&Event) -> bool,
        out: &mut Outcome,
    ) -> Result<()> {
        loop {
            match self.conn.next() {
                Ok(ev) => {
                    match &ev {
                        Event::Data(Data::Fetch { items, .. }) => {
                            out.fetches += 1;
                            for item in items.iter() {
                                if let MessageDataItem::BodySection { data, .. } = item {
                                    out.literal_bytes +=
                                        data.as_bytes().map_or(0, |d| d.len() as u64);
                                }
                            }
                        }
                        Event::Data(Data::Exists(n)) => out.exists = Some(*n),
                        Event::Data(Data::Search(v)) => out.search_hits += v.len(),
                        Event::Completed { kind, .. } => out.ok = *kind == StatusKind::Ok,
                        _ => {}
                    }
                    if done(&ev) {
                        return Ok(());
                    }
                }
                Err(Interrupt::Io(Io::Output(b))) => self.stream.write_all(&b).await?,
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let n = self.stream.read(&mut self.buf).await?;
                    if n == 0 {
                        return Err("server closed the connection".into());
                    }
                    self.conn.feed(&self.buf[..n]);
                }
                Err(other) => return Err(format!("{other:?}").into()),
            }
        }
    }

    async fn run(&mut self, body: CommandBody<'_>) -> Result<Outcome> {
        let tag: Tag<'static> = self.conn.enqueue(body)?;
        let mut out = Outcome::default();
        self.pump(
            |e| matches!(e, Event::Completed { tag: t, .. } if *t == tag),
            &mut out,
        )
        .await?;
        Ok(out)
    }

    async fn login(&mut self, user: &str, pass: &str) -> Result<()> {
        let body = cmd(&format!("LOGIN \"{user}\" \"{pass}\""));
        let _ = Secret::new(pass);
        if !self.run(body).await?.ok {
            return Err("login failed".into());
        }
        Ok(())
    }
}

async fn session(addr: &str, user: &str, pass: &str) -> Result<(Client, u32)> {
    let mut c = Client::connect(addr).await?;
    c.login(user, pass).await?;
    let sel = c.run(cmd("SELECT INBOX")).await?;
    if !sel.ok {
        return Err("SELECT failed".into());
    }
    Ok((c, sel.exists.unwrap_or(0)))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!(
            "usage: imap-load ADDR USER PASSWORD [--clients N] [--idle N] [--pids PID,PID] \
             [--phases idle,meta,bodies,search,mixed]"
        );
        std::process::exit(2);
    }
    let (addr, user, pass) = (args[1].clone(), args[2].clone(), args[3].clone());
    let clients: usize = arg_value(&args, "--clients")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let idle: usize = arg_value(&args, "--idle")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let pids: Vec<u32> = arg_value(&args, "--pids")
        .map(|v| v.split(',').filter_map(|p| p.parse().ok()).collect())
        .unwrap_or_default();
    let phases = arg_value(&args, "--phases");
    let phase = |name: &str| {
        phases
            .as_ref()
            .is_none_or(|p| p.split(',').any(|q| q == name))
    };

    // 0. Idle connections and the IDLE push.
    if idle > 0 && phase("idle") {
        let before = pss_kib(&pids);
        let mut idlers = Vec::with_capacity(idle);
        // Connect in batches so neither side's accept queue overflows.
        for chunk in (0..idle).collect::<Vec<_>>().chunks(200) {
            let mut tasks = Vec::new();
            for _ in chunk {
                let (addr, user, pass) = (addr.clone(), user.clone(), pass.clone());
                tasks.push(tokio::spawn(async move {
                    let (mut c, _) = session(&addr, &user, &pass).await?;
                    let tag = c.conn.enqueue(CommandBody::Idle)?;
                    c.pump(
                        |e| matches!(e, Event::IdleStarted { tag: t } if *t == tag),
                        &mut Outcome::default(),
                    )
                    .await?;
                    Ok::<Client, Box<dyn std::error::Error + Send + Sync>>(c)
                }));
            }
            for t in tasks {
                idlers.push(t.await??);
            }
        }
        let after = pss_kib(&pids);
        println!("idle_connections {idle}");
        println!(
            "idle_kib_per_connection {:.1}",
            after.saturating_sub(before) as f64 / idle as f64
        );
        // The push: every idler waits for EXISTS; one more connection appends.
        let start = Instant::now();
        let mut waits = Vec::new();
        for mut c in idlers {
            waits.push(tokio::spawn(async move {
                let mut out = Outcome::default();
                c.pump(|e| matches!(e, Event::Data(Data::Exists(_))), &mut out)
                    .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(start.elapsed())
            }));
        }
        let mut a = Client::connect(&addr).await?;
        a.login(&user, &pass).await?;
        let msg = "Subject: push test\r\n\r\nhello idlers\r\n";
        let appended = a
            .run(cmd(&format!("APPEND INBOX {{{}+}}\r\n{msg}", msg.len())))
            .await?;
        if !appended.ok {
            return Err("APPEND failed".into());
        }
        let mut worst = std::time::Duration::ZERO;
        let mut sum = std::time::Duration::ZERO;
        for w in waits {
            let d = w.await??;
            worst = worst.max(d);
            sum += d;
        }
        println!("idle_push_all_ms {:.1}", worst.as_secs_f64() * 1e3);
        println!(
            "idle_push_mean_ms {:.1}",
            sum.as_secs_f64() * 1e3 / idle as f64
        );
    }

    // 1. Metadata of every message.
    let (mut c, exists) = session(&addr, &user, &pass).await?;
    println!("messages {exists}");
    if phase("meta") {
        let t = Instant::now();
        let meta = c
            .run(cmd(
                "FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)",
            ))
            .await?;
        let secs = t.elapsed().as_secs_f64();
        println!("meta_seconds {secs:.3}");
        println!("meta_msgs_per_sec {:.0}", meta.fetches as f64 / secs);
    }

    // 2. Every body.
    if phase("bodies") {
        let t = Instant::now();
        let bodies = c.run(cmd("FETCH 1:* BODY.PEEK[]")).await?;
        let secs = t.elapsed().as_secs_f64();
        println!("bodies_seconds {secs:.3}");
        println!("bodies_msgs_per_sec {:.0}", bodies.fetches as f64 / secs);
        println!(
            "bodies_mib_per_sec {:.1}",
            bodies.literal_bytes as f64 / secs / 1048576.0
        );
    }

    // 3. SEARCH over headers and bodies.
    if phase("search") {
        let t = Instant::now();
        let h = c.run(cmd("SEARCH SUBJECT \"message 777\"")).await?;
        println!("search_header_ms {:.1}", t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = c.run(cmd("SEARCH BODY \"consectetur adipiscing\"")).await?;
        println!("search_body_ms {:.1}", t.elapsed().as_secs_f64() * 1e3);
        println!("search_hits {} {}", h.search_hits, b.search_hits);
    }
    c.run(cmd("LOGOUT")).await.ok();
    if !phase("mixed") {
        return Ok(());
    }

    // 4. Mixed concurrent clients.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..clients {
        let (addr, user, pass) = (addr.clone(), user.clone(), pass.clone());
        tasks.push(tokio::spawn(async move {
            let (mut c, exists) = session(&addr, &user, &pass).await?;
            let n = exists.max(1);
            let first = 1 + (k as u32 * 97) % n;
            let last = (first + 99).min(n);
            c.run(cmd(&format!(
                "FETCH {first}:{last} (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)"
            )))
            .await?;
            let b = (first + 9).min(n);
            c.run(cmd(&format!("FETCH {first}:{b} BODY.PEEK[]")))
                .await?;
            c.run(cmd(&format!("SEARCH SUBJECT \"message {k}\"")))
                .await?;
            c.run(cmd("LOGOUT")).await.ok();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let secs = t.elapsed().as_secs_f64();
    println!("mixed_clients {clients}");
    println!("mixed_seconds {secs:.3}");
    println!("mixed_clients_per_sec {:.1}", clients as f64 / secs);
    Ok(())
}
