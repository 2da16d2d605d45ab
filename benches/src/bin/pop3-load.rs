//! Load generator for POP3 servers: prints figures for one server, so that mailwire and Dovecot
//! can be compared on the same maildrop (see `benches/pop3-vs-dovecot.sh`).
//!
//! ```text
//! pop3-load ADDR USER PASSWORD [--sessions 100] [--idle 500] [--pids PID,PID...]
//! ```
//!
//! 1. `download`: one session lists the maildrop and retrieves every message.
//! 2. `concurrent`: `--sessions` sessions at once, each STAT, LIST, UIDL, RETR of 10 messages,
//!    QUIT.
//! 3. `idle` (measured first, before the other phases leave freed memory behind in the
//!    server's allocator): opens `--idle` connections, logs them in, and reports the growth of
//!    the server's memory (proportional set size, PSS, of the given processes and all their
//!    descendants, so shared pages of forked workers are counted once) per connection.
//!
//! Output: one `key value` line per figure, easy to tabulate.

use std::time::Instant;

use mailwire_benches::load::{arg_value, pss_kib};
use mailwire_core::{Interrupt, Io};
use mailwire_pop3::client::{Connection, Event, Handle, Options};
use mailwire_pop3::{Arg, Command, MsgNum, Password, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Client {
    conn: Connection,
    stream: TcpStream,
    buf: Vec<u8>,
}

#[derive(Default)]
struct Answer {
    response: Option<Response<'static>>,
    body_bytes: u64,
    ok: bool,
}

impl Client {
    async fn connect(addr: &str) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            conn: Connection::new(Options::default()),
            stream,
            buf: vec![0; 256 * 1024],
        };
        c.pump(|e| matches!(e, Event::Greeting(_)), &mut Answer::default())
            .await?;
        Ok(c)
    }

    async fn pump(
        &mut self,
        mut done: impl FnMut(&Event) -> bool,
        answer: &mut Answer,
    ) -> std::io::Result<()> {
        loop {
            match self.conn.next() {
                Ok(ev) => {
                    let stop = done(&ev);
                    match ev {
                        Event::Response { response, .. } => {
                            answer.ok =
                                response.status_kind() == Some(mailwire_pop3::StatusKind::Ok);
                            answer.response = Some(response);
                        }
                        Event::BodyStart { .. } => answer.ok = true,
                        Event::BodyChunk { data, .. } => answer.body_bytes += data.len() as u64,
                        _ => {}
                    }
                    if stop {
                        return Ok(());
                    }
                }
                Err(Interrupt::Io(Io::Output(b))) => self.stream.write_all(&b).await?,
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    let n = self.stream.read(&mut self.buf).await?;
                    if n == 0 {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                    self.conn.feed(&self.buf[..n]);
                }
                Err(other) => return Err(std::io::Error::other(format!("{other:?}"))),
            }
        }
    }

    fn done(h: Handle) -> impl FnMut(&Event) -> bool {
        move |e| matches!(e, Event::Response { handle, .. } | Event::BodyEnd { handle } | Event::Failed { handle, .. } if *handle == h)
    }

    async fn cmd(&mut self, command: Command<'_>) -> std::io::Result<Answer> {
        let h = self
            .conn
            .enqueue(command)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut a = Answer::default();
        self.pump(Self::done(h), &mut a).await?;
        Ok(a)
    }

    /// Sends several commands at once (PIPELINING, RFC 2449 §6.6) and waits for all answers.
    async fn pipeline(&mut self, commands: Vec<Command<'static>>) -> std::io::Result<Answer> {
        let mut last = None;
        for c in commands {
            last = Some(
                self.conn
                    .enqueue(c)
                    .map_err(|e| std::io::Error::other(e.to_string()))?,
            );
        }
        let mut a = Answer::default();
        if let Some(h) = last {
            self.pump(Self::done(h), &mut a).await?;
        }
        Ok(a)
    }

    async fn login(&mut self, user: &str, pass: &str) -> std::io::Result<()> {
        let u = Arg::new(user.to_string()).map_err(|e| std::io::Error::other(e.to_string()))?;
        let p = Password::new(pass.as_bytes().to_vec())
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.cmd(Command::User(u)).await?;
        let a = self.cmd(Command::Pass(p)).await?;
        if !a.ok {
            return Err(std::io::Error::other("login failed"));
        }
        Ok(())
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: pop3-load ADDR USER PASSWORD [--sessions N] [--idle N] [--pids PID,PID]");
        std::process::exit(2);
    }
    let (addr, user, pass) = (args[1].clone(), args[2].clone(), args[3].clone());
    let sessions: usize = arg_value(&args, "--sessions")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let idle: usize = arg_value(&args, "--idle")
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let pids: Vec<u32> = arg_value(&args, "--pids")
        .map(|v| v.split(',').filter_map(|p| p.parse().ok()).collect())
        .unwrap_or_default();

    // 0. Memory per idle, logged-in connection.
    if !pids.is_empty() && idle > 0 {
        let before = pss_kib(&pids);
        let mut conns = Vec::new();
        for _ in 0..idle {
            let mut c = Client::connect(&addr).await?;
            c.login(&user, &pass).await?;
            c.cmd(Command::Noop).await?;
            conns.push(c);
        }
        let after = pss_kib(&pids);
        println!("idle_connections {idle}");
        println!("idle_pss_before_kib {before}");
        println!("idle_pss_after_kib {after}");
        println!(
            "idle_kib_per_connection {:.1}",
            after.saturating_sub(before) as f64 / idle as f64
        );
        drop(conns);
    }

    // 1. Download everything in one session.
    let mut c = Client::connect(&addr).await?;
    c.login(&user, &pass).await?;
    let stat = c.cmd(Command::Stat).await?;
    let Some(Response::Stat { count, .. }) = stat.response else {
        return Err(std::io::Error::other("STAT failed"));
    };
    let started = Instant::now();
    let list = c.cmd(Command::List(None)).await?;
    let mut bytes = 0u64;
    // Pipelined in windows of 32 RETRs, as fetchmail-class clients do.
    let nums: Vec<u32> = (1..=count).collect();
    for window in nums.chunks(32) {
        let cmds = window
            .iter()
            .map(|&i| Command::Retr(MsgNum::new(i).expect("non-zero")))
            .collect();
        let a = c.pipeline(cmds).await?;
        bytes += a.body_bytes;
    }
    let secs = started.elapsed().as_secs_f64();
    if !list.ok {
        return Err(std::io::Error::other("LIST failed"));
    }
    c.cmd(Command::Quit).await?;
    println!("download_messages {count}");
    println!("download_mib {:.1}", bytes as f64 / 1048576.0);
    println!("download_seconds {secs:.3}");
    println!("download_msgs_per_sec {:.0}", f64::from(count) / secs);
    println!(
        "download_mib_per_sec {:.1}",
        bytes as f64 / secs / 1048576.0
    );

    // 2. Concurrent sessions.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for s in 0..sessions {
        let (addr, user, pass) = (addr.clone(), user.clone(), pass.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Client::connect(&addr).await?;
            c.login(&user, &pass).await?;
            c.cmd(Command::Stat).await?;
            c.cmd(Command::List(None)).await?;
            c.cmd(Command::Uidl(None)).await?;
            let mut got = 0u64;
            for k in 0..10u32 {
                let n = 1 + ((s as u32 * 10 + k) % count.max(1));
                got += c
                    .cmd(Command::Retr(MsgNum::new(n).expect("non-zero")))
                    .await?
                    .body_bytes;
            }
            c.cmd(Command::Quit).await?;
            Ok::<u64, std::io::Error>(got)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.map_err(std::io::Error::other)??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("concurrent_sessions {sessions}");
    println!("concurrent_seconds {secs:.3}");
    println!("concurrent_sessions_per_sec {:.1}", sessions as f64 / secs);
    println!(
        "concurrent_mib_per_sec {:.1}",
        total as f64 / secs / 1048576.0
    );

    Ok(())
}
