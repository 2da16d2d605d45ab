//! The `mailwire` command-line tool.
//!
//! # `mailwire decode`
//!
//! A conformance tool for captured traffic: it decodes a capture with the mailwire codecs and
//! prints one JSON object per line (JSON Lines) for every message, in input order.
//!
//! ```text
//! mailwire decode --protocol pop3|imap --from client|server [FILE]   # one raw direction (stdin if no FILE)
//! mailwire decode --protocol pop3|imap --transcript FILE             # an RFC-style "C: "/"S: " transcript
//! ```
//!
//! A message that decodes:
//!
//! ```json
//! {"offset":20,"message":{"Retr":1}}
//! ```
//!
//! Input that does not decode (`error` is the decoder's message, `near` the offending input,
//! escaped); decoding then goes on from the next message boundary:
//!
//! ```json
//! {"offset":12,"error":"invalid message number near \"RETR 0\"","near":"RETR 0"}
//! ```
//!
//! Input that ends in the middle of a message is reported once, and that stream stops:
//!
//! ```json
//! {"offset":11,"error":"truncated input","near":"+OK 120 octets\\r\\nSubject: hi\\r\\n"}
//! ```
//!
//! In transcript mode:
//!
//! ```json
//! {"offset":0,"from":"client","line":2,"message":{"Pass":"/* REDACTED */"}}
//! ```
//!
//! - `offset` is the byte offset of the message in its one-direction stream. For a transcript, the
//!   client lines and the server lines form one stream each (a line's content after the `C: ` or
//!   `S: ` prefix, plus CRLF).
//! - In transcript mode every object also has `"from":"client"` or `"from":"server"` and `line`,
//!   the 1-based transcript line where the message starts; objects come in transcript order.
//! - `message` is the typed message as serialized by its `serde` implementation: `Command`,
//!   `AuthLine` or `Response` of `mailwire-pop3`; `Command`, `AuthenticateData`, `IdleDone`,
//!   `Greeting` or `Response` of `mailwire-imap`. Secrets (passwords, APOP digests, SASL data) are
//!   shown as `"/* REDACTED */"`.
//!
//! With `--reencode`, the canonical wire encoding of each decoded message is written instead of
//! JSON (as a transcript in transcript mode), and error objects go to stderr. Re-encoding writes
//! the real secrets.
//!
//! Exit status: 0 when everything decoded, 1 when anything did not, 2 for usage and I/O errors.
#![forbid(unsafe_code)]

mod decode;
mod fetch;
mod serve;
mod store;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The `mailwire` command line.
#[derive(Debug, Parser)]
#[command(name = "mailwire", version, about = "Tools for POP3 and IMAP traffic.")]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Commands,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Commands {
    /// Decode captured traffic and print one JSON object per message.
    #[command(long_about = decode::LONG_HELP)]
    Decode(decode::DecodeArgs),
    /// Run a POP3/IMAP server on a Maildir data directory (created with a demo account on
    /// first run).
    Serve(serve::ServeArgs),
    /// Manage the users of a data directory.
    User(user::UserArgs),
    /// Download a POP3 maildrop or IMAP folders into a local Maildir; later runs fetch only new
    /// mail. The password comes from --password-stdin or MAILWIRE_PASSWORD.
    Fetch(fetch::FetchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Serve(args) => report("serve", serve::run(&args)),
        Commands::User(args) => report("user", user::run(&args)),
        Commands::Fetch(args) => report("fetch", fetch::run(&args)),
        Commands::Decode(args) => match decode::run(&args) {
            Ok(decode::Summary { clean: true }) => ExitCode::SUCCESS,
            Ok(decode::Summary { clean: false }) => ExitCode::from(1),
            Err(e) => {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("mailwire decode: {e}");
                }
                ExitCode::from(2)
            }
        },
    }
}

fn report(what: &str, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mailwire {what}: {e}");
            ExitCode::from(2)
        }
    }
}
