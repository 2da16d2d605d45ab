//! A POP3 client and server state machine wired together in memory. The "application" on the
//! server side serves two messages from a `Vec`; the client logs in, lists, retrieves and quits.
//! Every byte crossing the "wire" is printed as an RFC-style transcript.
//!
//! Run: `cargo run -p mailwire-examples --example pop3_pair`

use mailwire_core::{Interrupt, Io};
use mailwire_pop3::{
    Arg, Command, MsgNum, Password, Response, ScanListing, Status, StatusKind, Text, client, server,
};

fn print(prefix: &str, bytes: &[u8]) {
    for line in String::from_utf8_lossy(bytes).split_inclusive("\r\n") {
        println!("{prefix}{}", line.trim_end_matches("\r\n"));
    }
}

fn answer(conn: &mut server::Connection, messages: &[&[u8]], cmd: Command<'static>) {
    let ok = |t: &'static str| Status::ok(t).expect("no CR/LF");
    let result = match cmd {
        Command::User(_) => conn.respond(ok("send PASS").into()),
        Command::Pass(p) if p.expose() == b"secret" => conn.respond(ok("logged in").into()),
        Command::Pass(_) => conn.respond(
            Status::new(StatusKind::Err, &b"bad password"[..])
                .expect("text")
                .into(),
        ),
        Command::List(None) => conn.respond(Response::ScanList {
            status: ok("scan listing follows"),
            listings: messages
                .iter()
                .enumerate()
                .map(|(i, m)| ScanListing {
                    msg: MsgNum::from_index(i).expect("few messages"),
                    size: m.len() as u64,
                    info: Text::empty(),
                })
                .collect(),
        }),
        Command::Retr(n) => match messages.get(n.index()) {
            Some(m) => conn
                .begin_body(ok("message follows"))
                .and_then(|()| conn.body_chunk(m))
                .and_then(|()| conn.end_body()),
            None => conn.respond(Status::err("no such message").expect("text").into()),
        },
        Command::Quit => conn.respond(ok("bye").into()),
        _ => conn.respond(Status::err("not here").expect("text").into()),
    };
    result.expect("answers fit the pending command");
}

fn main() {
    let messages: &[&[u8]] = &[
        b"Subject: hello\r\n\r\nHi!\r\n",
        b"Subject: dots\r\n\r\n.a line starting with a dot\r\n",
    ];
    let server_opts = server::Options {
        // In-memory demo: there is no TLS to protect the password.
        allow_plaintext_auth: true,
        ..server::Options::default()
    };
    let mut srv = server::Connection::new(
        server_opts,
        Status::ok("mailwire demo ready").expect("text"),
    );
    let mut cli = client::Connection::new(client::Options::default());
    cli.enqueue(Command::User(Arg::new("alice").expect("valid")))
        .expect("state");
    cli.enqueue(Command::Pass(
        Password::new(&b"secret"[..]).expect("no line ends"),
    ))
    .expect("state");
    cli.enqueue(Command::List(None)).expect("state");
    cli.enqueue(Command::Retr(MsgNum::new(2).expect("non-zero")))
        .expect("state");
    cli.enqueue(Command::Quit).expect("state");

    let mut done = false;
    while !done {
        loop {
            match srv.next() {
                Ok(server::Event::Command(cmd)) => answer(&mut srv, messages, cmd),
                Ok(other) => println!("# server event: {other:?}"),
                Err(Interrupt::Io(Io::Output(bytes))) => {
                    print("S: ", &bytes);
                    cli.feed(&bytes);
                }
                Err(_) => break,
            }
        }
        loop {
            match cli.next() {
                Ok(client::Event::BodyChunk { data, .. }) => {
                    println!("# client got {} body bytes", data.len())
                }
                Ok(ev) => println!("# client event: {ev:?}"),
                Err(Interrupt::Io(Io::Output(bytes))) => {
                    print("C: ", &bytes);
                    srv.feed(&bytes);
                }
                Err(Interrupt::Io(Io::Close)) => {
                    done = true;
                    break;
                }
                Err(_) => break,
            }
        }
    }
}
