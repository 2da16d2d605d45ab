//! The sans-IO POP3 client driven by a blocking `std::net::TcpStream`: log in, print STAT and
//! the unique-ids, quit. Plaintext only, for a local test server (for example Dovecot on
//! 127.0.0.1:10110 with users alice/secret).
//!
//! Run: `cargo run -p mailwire-examples --example pop3_blocking_client 127.0.0.1 10110 alice secret`

use std::io::{Read, Write};
use std::net::TcpStream;

use mailwire_core::{Interrupt, Io};
use mailwire_pop3::{Arg, Command, Password, client};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host, port, user, pass] = args.as_slice() else {
        eprintln!("usage: pop3_blocking_client HOST PORT USER PASS");
        std::process::exit(2);
    };
    let mut stream = TcpStream::connect((host.as_str(), port.parse::<u16>()?))?;
    let mut conn = client::Connection::new(client::Options::default());
    conn.enqueue(Command::User(Arg::new(user.as_str())?))?;
    conn.enqueue(Command::Pass(Password::new(pass.as_bytes())?))?;
    conn.enqueue(Command::Stat)?;
    conn.enqueue(Command::Uidl(None))?;
    conn.enqueue(Command::Quit)?;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match conn.next() {
            Ok(event) => println!("{event:?}"),
            Err(Interrupt::Io(Io::Output(bytes))) => stream.write_all(&bytes)?,
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                let n = stream.read(&mut buf)?;
                if n == 0 {
                    return Err("server closed the connection".into());
                }
                conn.feed(&buf[..n]);
            }
            Err(Interrupt::Io(Io::Close)) => return Ok(()),
            Err(Interrupt::Io(Io::UpgradeTls)) => {
                return Err("TLS is not part of this example".into());
            }
            Err(Interrupt::Error(e)) => return Err(e.into()),
        }
    }
}
