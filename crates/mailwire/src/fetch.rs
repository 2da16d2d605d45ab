//! `mailwire fetch`: download a POP3 maildrop (RFC 1939) or IMAP folders (RFC 9051) into a local
//! Maildir, remembering what was fetched so that the next run gets only new mail.
//!
//! - What is known lives in `<maildir>/.mailwire-fetch.json`, per account: the UIDL unique-ids
//!   seen (POP3, RFC 1939 §7), or per folder the UIDVALIDITY and the highest UID fetched (IMAP,
//!   RFC 9051 §2.3.1.1). A changed UIDVALIDITY means the folder is downloaded again.
//! - Each message is written to `tmp/`, flushed to disk, checked against the size the server
//!   announced (`LIST`, `RFC822.SIZE`), and renamed into `new/` (IMAP messages with flags into
//!   `cur/` with Maildir `:2,` flags); the directory is flushed too. Only then does the message
//!   count as fetched, and only then may `--delete` remove it from the server.
//! - Bodies are streamed to disk: POP3 `RETR` chunk by chunk, IMAP with pipelined partial FETCHes.
//! - The password comes from `--password-stdin` or the `MAILWIRE_PASSWORD` environment variable,
//!   never from the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clap::{Args, ValueEnum};
use futures::TryStreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mailwire_core::Secret;
use mailwire_imap::types::{
    FetchAttribute, Flag, FlagFetch, MacroOrAttributes, MailboxAttribute, StoreMode,
};
use mailwire_pop3::MsgNum;
use mailwire_tokio::client::imap::{BodyStreamOptions, range};
use mailwire_tokio::client::{
    ClientOptions, Error, ImapClient, Pop3Client, SaslCredentials, Security, TlsSettings,
    ca_file_config,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};

/// Which protocol to fetch with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Protocol {
    /// POP3 (RFC 1939): the maildrop, into the Maildir's inbox.
    Pop3,
    /// IMAP (RFC 9051): folders, each into a Maildir++ folder (INBOX into the inbox).
    Imap,
}

/// How the connection is secured (RFC 8314).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TlsMode {
    /// TLS from the first byte (ports 995 and 993).
    Implicit,
    /// STLS (POP3) or STARTTLS (IMAP) on the plain port (110, 143).
    Starttls,
    /// No TLS: only for loopback tests.
    None,
}

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthMode {
    /// SASL PLAIN where offered, else USER/PASS (POP3) or LOGIN (IMAP).
    Auto,
    /// USER/PASS (POP3) or LOGIN (IMAP).
    Password,
    /// APOP (POP3 only).
    Apop,
    /// SASL PLAIN.
    Plain,
    /// SASL LOGIN.
    Login,
    /// SASL SCRAM-SHA-256 (RFC 7677): the password does not cross the wire and the server
    /// proves that it knows it. Not chosen by `auto`, since a server may offer it to accounts
    /// that have no SCRAM credentials.
    #[value(name = "scram-sha-256")]
    ScramSha256,
}

/// `mailwire fetch` arguments.
#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    /// POP3 or IMAP.
    #[arg(long, value_enum)]
    protocol: Protocol,
    /// The server's host name (also the name its certificate must carry).
    #[arg(long)]
    host: String,
    /// The port; default 995/993 with implicit TLS, 110/143 otherwise.
    #[arg(long)]
    port: Option<u16>,
    /// The user name.
    #[arg(long)]
    user: String,
    /// Read the password from the first line of standard input (else from MAILWIRE_PASSWORD).
    #[arg(long)]
    password_stdin: bool,
    /// TLS mode.
    #[arg(long, value_enum, default_value = "implicit")]
    tls: TlsMode,
    /// Trust the certificates in this PEM file instead of the platform's roots.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// The login method.
    #[arg(long, value_enum, default_value = "auto")]
    auth: AuthMode,
    /// The local Maildir (created if missing).
    #[arg(long)]
    maildir: PathBuf,
    /// IMAP: a folder to fetch (repeatable); default INBOX.
    #[arg(long = "folder")]
    folders: Vec<String>,
    /// IMAP: fetch every selectable folder.
    #[arg(long, conflicts_with = "folders")]
    all_folders: bool,
    /// Leave fetched mail on the server (the default).
    #[arg(long, conflicts_with = "delete")]
    keep: bool,
    /// Delete each message from the server once it is safely in the Maildir.
    #[arg(long)]
    delete: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// The file in the Maildir that remembers what was fetched.
const STATE_FILE: &str = ".mailwire-fetch.json";

/// What one account has fetched before.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct AccountState {
    /// POP3: the unique-ids of the messages fetched, as last seen on the server.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    uidl: BTreeSet<String>,
    /// IMAP: per folder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    folders: BTreeMap<String, FolderState>,
}

/// What was fetched from one IMAP folder.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct FolderState {
    uid_validity: u32,
    last_uid: u32,
}

/// The state file: accounts by `protocol://user@host`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    version: u32,
    accounts: BTreeMap<String, AccountState>,
}

/// Counters for the summary.
#[derive(Debug, Default)]
struct Summary {
    fetched: u64,
    bytes: u64,
    known: u64,
    deleted: u64,
    failed: u64,
}

/// Runs `mailwire fetch`.
pub(crate) fn run(args: &FetchArgs) -> Result<(), String> {
    let password = read_password(args.password_stdin)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let summary = runtime.block_on(fetch(args, password))?;
    println!(
        "fetched {} message(s), {} bytes; {} already here; {} deleted on the server; {} failed",
        summary.fetched, summary.bytes, summary.known, summary.deleted, summary.failed
    );
    if summary.failed > 0 {
        return Err(format!(
            "{} message(s) could not be fetched",
            summary.failed
        ));
    }
    Ok(())
}

fn read_password(stdin: bool) -> Result<Secret<String>, String> {
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password: {e}"))?;
        let p = line.trim_end_matches(['\r', '\n']).to_string();
        if p.is_empty() {
            return Err("empty password on standard input".into());
        }
        return Ok(Secret::new(p));
    }
    match std::env::var("MAILWIRE_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok(Secret::new(p)),
        _ => Err("no password: use --password-stdin or set MAILWIRE_PASSWORD".into()),
    }
}

async fn fetch(args: &FetchArgs, password: Secret<String>) -> Result<Summary, String> {
    let maildir = Maildir::open(&args.maildir).map_err(|e| e.to_string())?;
    let security = match args.tls {
        TlsMode::Implicit => Security::Implicit,
        TlsMode::Starttls => Security::StartTls,
        TlsMode::None => Security::None,
    };
    let port = args.port.unwrap_or(match (args.protocol, args.tls) {
        (Protocol::Pop3, TlsMode::Implicit) => 995,
        (Protocol::Pop3, _) => 110,
        (Protocol::Imap, TlsMode::Implicit) => 993,
        (Protocol::Imap, _) => 143,
    });
    let tls = match (&args.ca, security) {
        (_, Security::None) => None,
        (Some(ca), _) => Some(
            TlsSettings::new(ca_file_config(ca).map_err(|e| e.to_string())?, &args.host)
                .map_err(|e| e.to_string())?,
        ),
        (None, _) => Some(TlsSettings::native(&args.host).map_err(|e| e.to_string())?),
    };
    let scheme = match args.protocol {
        Protocol::Pop3 => "pop3",
        Protocol::Imap => "imap",
    };
    let key = format!("{scheme}://{}@{}", args.user, args.host);
    let mut state = maildir.load_state().map_err(|e| e.to_string())?;
    let account = state.accounts.remove(&key).unwrap_or_default();
    let progress = Progress::new(args.quiet);
    let options = ClientOptions::default();
    let mut job = Job {
        maildir: &maildir,
        state,
        key,
        account,
        summary: Summary::default(),
        progress,
        delete: args.delete && !args.keep,
    };
    let result = match args.protocol {
        Protocol::Pop3 => {
            let client = Pop3Client::connect_with(&args.host, port, security, tls, options)
                .await
                .map_err(|e| format!("connecting to {}:{port}: {e}", args.host))?;
            job.pop3(client, args, &password).await
        }
        Protocol::Imap => {
            let client = ImapClient::connect_with(&args.host, port, security, tls, options)
                .await
                .map_err(|e| format!("connecting to {}:{port}: {e}", args.host))?;
            job.imap(client, args, &password).await
        }
    };
    job.progress.finish();
    let saved = job.save();
    result?;
    saved?;
    Ok(job.summary)
}

/// One run: the Maildir, the state and the counters.
struct Job<'a> {
    maildir: &'a Maildir,
    state: StateFile,
    key: String,
    account: AccountState,
    summary: Summary,
    progress: Progress,
    delete: bool,
}

impl Job<'_> {
    fn save(&mut self) -> Result<(), String> {
        self.state.version = 1;
        self.state
            .accounts
            .insert(self.key.clone(), std::mem::take(&mut self.account));
        let r = self
            .maildir
            .save_state(&self.state)
            .map_err(|e| e.to_string());
        if let Some(a) = self.state.accounts.remove(&self.key) {
            self.account = a;
        }
        r
    }

    async fn pop3<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        mut client: Pop3Client<S>,
        args: &FetchArgs,
        password: &Secret<String>,
    ) -> Result<(), String> {
        let user = args.user.clone();
        let login = match args.auth {
            AuthMode::Apop => client.apop(&user, password).await,
            AuthMode::Password => client.login(&user, password).await,
            AuthMode::Login => {
                client
                    .authenticate(&SaslCredentials::Login {
                        user,
                        password: password.clone(),
                    })
                    .await
            }
            AuthMode::Plain => client.authenticate(&plain(&args.user, password)).await,
            AuthMode::ScramSha256 => client.authenticate(&scram(&args.user, password)).await,
            AuthMode::Auto if client.sasl_mechanisms().iter().any(|m| m == "PLAIN") => {
                client.authenticate(&plain(&args.user, password)).await
            }
            AuthMode::Auto => client.login(&user, password).await,
        };
        login.map_err(|e| format!("login: {e}"))?;
        let listings = client.list().await.map_err(|e| format!("LIST: {e}"))?;
        let uidl = match client.uidl().await {
            Ok(u) => u,
            Err(Error::Pop3Err { .. }) if self.delete => Vec::new(),
            Err(e) => {
                return Err(format!(
                    "UIDL: {e} (without UIDL only --delete can tell new mail from old)"
                ));
            }
        };
        let uid_of: BTreeMap<MsgNum, String> = uidl
            .into_iter()
            .map(|l| (l.msg, l.uid.as_str().to_string()))
            .collect();
        // Forget unique-ids the server no longer has.
        let on_server: BTreeSet<String> = uid_of.values().cloned().collect();
        self.account.uidl.retain(|u| on_server.contains(u));
        let todo: Vec<_> = listings
            .iter()
            .filter(|l| {
                uid_of
                    .get(&l.msg)
                    .is_none_or(|u| !self.account.uidl.contains(u))
            })
            .collect();
        self.summary.known = (listings.len() - todo.len()) as u64;
        self.progress
            .start(todo.len() as u64, todo.iter().map(|l| l.size).sum());
        let mut verified = Vec::new();
        for (i, listing) in todo.iter().enumerate() {
            match self.pop3_one(&mut client, listing.msg, listing.size).await {
                Ok(()) => {
                    if let Some(u) = uid_of.get(&listing.msg) {
                        self.account.uidl.insert(u.clone());
                    }
                    verified.push(listing.msg);
                }
                Err(e @ (Error::Io(_) | Error::Closed | Error::Timeout(_) | Error::Tls(_))) => {
                    self.save()?;
                    return Err(format!("RETR {}: {e}", listing.msg));
                }
                Err(e) => {
                    self.summary.failed += 1;
                    self.progress.warn(&format!("message {}: {e}", listing.msg));
                }
            }
            if i % 50 == 49 {
                self.save()?;
            }
        }
        self.save()?;
        // With --delete, mail fetched by earlier runs goes too: it is safe in the Maildir.
        verified.extend(listings.iter().map(|l| l.msg).filter(|m| {
            uid_of.get(m).is_some_and(|u| self.account.uidl.contains(u))
                && !todo.iter().any(|t| t.msg == *m)
        }));
        verified.sort();
        if self.delete && !verified.is_empty() {
            let results = client
                .dele_many(&verified)
                .await
                .map_err(|e| format!("DELE: {e}"))?;
            let mut deleted = BTreeSet::new();
            for (msg, r) in verified.iter().zip(results) {
                match r {
                    Ok(()) => {
                        deleted.insert(*msg);
                    }
                    Err(e) => self.progress.warn(&format!("DELE {msg}: {e}")),
                }
            }
            self.summary.deleted = deleted.len() as u64;
            // Deleted mail leaves the server at QUIT; its unique-ids need not be kept.
            for msg in &deleted {
                if let Some(u) = uid_of.get(msg) {
                    self.account.uidl.remove(u);
                }
            }
        }
        client.quit().await.map_err(|e| format!("QUIT: {e}"))?;
        Ok(())
    }

    async fn pop3_one<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        client: &mut Pop3Client<S>,
        msg: MsgNum,
        size: u64,
    ) -> Result<(), Error> {
        let mut file = self.maildir.create_tmp()?;
        let mut reader = client.retr_stream(msg).await?;
        while let Some(chunk) = reader.chunk().await? {
            file.write(&chunk)?;
            self.progress.bytes(chunk.len() as u64);
        }
        self.finish(file, size, "", "")
    }

    /// Checks the size, then moves the message into place durably.
    fn finish(&mut self, file: TmpFile, size: u64, folder: &str, flags: &str) -> Result<(), Error> {
        let written = file.len;
        if written != size {
            file.discard();
            return Err(Error::Protocol(format!(
                "{written} bytes received where the server announced {size}"
            )));
        }
        self.maildir.deliver(file, folder, flags)?;
        self.summary.fetched += 1;
        self.summary.bytes += written;
        self.progress.message_done();
        Ok(())
    }

    async fn imap<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        mut client: ImapClient<S>,
        args: &FetchArgs,
        password: &Secret<String>,
    ) -> Result<(), String> {
        let login = match args.auth {
            AuthMode::Apop => return Err("APOP is a POP3 method".into()),
            AuthMode::Password => client.login(&args.user, password).await,
            AuthMode::Login => {
                client
                    .authenticate(&SaslCredentials::Login {
                        user: args.user.clone(),
                        password: password.clone(),
                    })
                    .await
            }
            AuthMode::Plain => client.authenticate(&plain(&args.user, password)).await,
            AuthMode::ScramSha256 => client.authenticate(&scram(&args.user, password)).await,
            AuthMode::Auto if client.has_capability("LOGINDISABLED") => {
                client.authenticate(&plain(&args.user, password)).await
            }
            AuthMode::Auto => client.login(&args.user, password).await,
        };
        login.map_err(|e| format!("login: {e}"))?;
        let folders = if args.all_folders {
            let list = client
                .list("", "*")
                .await
                .map_err(|e| format!("LIST: {e}"))?;
            list.iter()
                .filter(|l| {
                    !l.attributes.iter().any(|a| {
                        matches!(
                            a,
                            MailboxAttribute::NoSelect | MailboxAttribute::NonExistent
                        )
                    })
                })
                .filter_map(|l| l.mailbox.name(false).ok().map(|n| n.into_owned()))
                .collect()
        } else if args.folders.is_empty() {
            vec!["INBOX".to_string()]
        } else {
            args.folders.clone()
        };
        // Sizes first, for the progress bar.
        let mut plans = Vec::new();
        for folder in &folders {
            let selected = if self.delete {
                client.select(folder).await
            } else {
                client.examine(folder).await
            }
            .map_err(|e| format!("selecting {folder}: {e}"))?;
            let validity = selected.uid_validity.map_or(0, NonZeroU32::get);
            let known = self.account.folders.get(folder).copied();
            let from = match known {
                Some(k) if k.uid_validity == validity => k.last_uid,
                Some(_) => {
                    self.progress
                        .warn(&format!("{folder}: UIDVALIDITY changed, fetching it again"));
                    0
                }
                None => 0,
            };
            let mut wanted = Vec::new();
            if selected.exists > 0 {
                let start = NonZeroU32::new(from.saturating_add(1)).unwrap_or(NonZeroU32::MIN);
                let answers = client
                    .uid_fetch(
                        range(start, None),
                        MacroOrAttributes::Attributes(vec![
                            FetchAttribute::Uid,
                            FetchAttribute::Rfc822Size,
                            FetchAttribute::Flags,
                        ]),
                    )
                    .await
                    .map_err(|e| format!("{folder}: FETCH: {e}"))?;
                for f in answers {
                    if let (Some(uid), Some(size)) = (f.uid(), f.size()) {
                        if uid.get() > from {
                            wanted.push((uid, size, maildir_flags(f.flags().unwrap_or(&[]))));
                        }
                    }
                }
                wanted.sort_by_key(|w| w.0);
            }
            self.summary.known += u64::from(selected.exists).saturating_sub(wanted.len() as u64);
            plans.push((folder.clone(), validity, from, wanted));
        }
        self.progress.start(
            plans.iter().map(|p| p.3.len() as u64).sum(),
            plans.iter().flat_map(|p| p.3.iter().map(|w| w.1)).sum(),
        );
        for (folder, validity, from, wanted) in plans {
            if wanted.is_empty() {
                self.account.folders.insert(
                    folder.clone(),
                    FolderState {
                        uid_validity: validity,
                        last_uid: from,
                    },
                );
                if !(self.delete && from > 0) {
                    continue;
                }
            }
            if self.delete {
                client.select(&folder).await
            } else {
                client.examine(&folder).await
            }
            .map_err(|e| format!("selecting {folder}: {e}"))?;
            // With --delete, mail fetched by earlier runs goes too: it is safe in the Maildir.
            let earlier = NonZeroU32::new(from).filter(|_| self.delete);
            let mut last = from;
            let mut contiguous = true;
            let mut verified = Vec::new();
            for (uid, size, flags) in wanted {
                match self.imap_one(&mut client, uid, size, &folder, &flags).await {
                    Ok(()) => {
                        verified.push(uid);
                        if contiguous {
                            last = uid.get();
                        }
                    }
                    Err(e @ (Error::Io(_) | Error::Closed | Error::Timeout(_) | Error::Tls(_))) => {
                        self.save()?;
                        return Err(format!("{folder}: UID {uid}: {e}"));
                    }
                    Err(e) => {
                        // Later messages are kept, but the next run asks again from here.
                        contiguous = false;
                        self.summary.failed += 1;
                        self.progress.warn(&format!("{folder}: UID {uid}: {e}"));
                    }
                }
                self.account.folders.insert(
                    folder.clone(),
                    FolderState {
                        uid_validity: validity,
                        last_uid: last,
                    },
                );
            }
            self.save()?;
            if self.delete && (earlier.is_some() || !verified.is_empty()) {
                self.imap_delete(&mut client, &folder, earlier, &verified)
                    .await?;
            }
        }
        client.logout().await.map_err(|e| format!("LOGOUT: {e}"))?;
        Ok(())
    }

    async fn imap_one<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        client: &mut ImapClient<S>,
        uid: NonZeroU32,
        size: u64,
        folder: &str,
        flags: &str,
    ) -> Result<(), Error> {
        let mut file = self.maildir.create_tmp()?;
        {
            let mut chunks = client.fetch_body_stream(uid, None, BodyStreamOptions::default());
            while let Some(chunk) = chunks.try_next().await? {
                file.write(&chunk)?;
                self.progress.bytes(chunk.len() as u64);
            }
        }
        let folder = if folder.eq_ignore_ascii_case("INBOX") {
            ""
        } else {
            folder
        };
        self.finish(file, size, folder, flags)
    }

    async fn imap_delete<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        client: &mut ImapClient<S>,
        folder: &str,
        earlier: Option<NonZeroU32>,
        uids: &[NonZeroU32],
    ) -> Result<(), String> {
        let mut sets: Vec<_> = uids.chunks(500).map(|b| (uid_set(b), b.len())).collect();
        if let Some(up_to) = earlier {
            let already = client
                .uid_search(vec![mailwire_imap::types::SearchKey::Uid(range(
                    NonZeroU32::MIN,
                    Some(up_to),
                ))])
                .await
                .map_err(|e| format!("{folder}: SEARCH: {e}"))?;
            if !already.is_empty() {
                sets.push((range(NonZeroU32::MIN, Some(up_to)), already.len()));
            }
        }
        for (set, count) in sets {
            client
                .uid_store(set.clone(), StoreMode::Add, vec![Flag::Deleted], true)
                .await
                .map_err(|e| format!("{folder}: STORE: {e}"))?;
            if client.has_capability("UIDPLUS") {
                client
                    .uid_expunge(set)
                    .await
                    .map_err(|e| format!("{folder}: UID EXPUNGE: {e}"))?;
            }
            self.summary.deleted += count as u64;
        }
        if !client.has_capability("UIDPLUS") {
            // CLOSE expunges silently (RFC 9051 §6.4.1).
            client
                .close()
                .await
                .map_err(|e| format!("{folder}: CLOSE: {e}"))?;
        }
        Ok(())
    }
}

fn plain(user: &str, password: &Secret<String>) -> SaslCredentials {
    SaslCredentials::Plain {
        authzid: None,
        user: user.to_string(),
        password: password.clone(),
    }
}

fn scram(user: &str, password: &Secret<String>) -> SaslCredentials {
    SaslCredentials::ScramSha256 {
        authzid: None,
        user: user.to_string(),
        password: password.clone(),
    }
}

fn uid_set(uids: &[NonZeroU32]) -> mailwire_imap::types::SequenceSet {
    use mailwire_imap::types::{SeqOrUid, Sequence, SequenceSet, Vec1};
    let items: Vec<Sequence> = uids
        .iter()
        .map(|u| Sequence::Single(SeqOrUid::Value(*u)))
        .collect();
    Vec1::try_from(items).map_or(SequenceSet::LastResult, SequenceSet::Set)
}

/// Maildir info flags (`:2,` followed by letters in ASCII order) for IMAP flags.
fn maildir_flags(flags: &[FlagFetch<'_>]) -> String {
    let mut letters: Vec<char> = flags
        .iter()
        .filter_map(|f| match f {
            FlagFetch::Flag(Flag::Draft) => Some('D'),
            FlagFetch::Flag(Flag::Flagged) => Some('F'),
            FlagFetch::Flag(Flag::Answered) => Some('R'),
            FlagFetch::Flag(Flag::Seen) => Some('S'),
            _ => None,
        })
        .collect();
    letters.sort_unstable();
    letters.into_iter().collect()
}

/// The progress bar: messages and bytes.
struct Progress {
    bar: ProgressBar,
    done: u64,
    total: u64,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("connecting");
        Progress {
            bar,
            done: 0,
            total: 0,
        }
    }

    fn start(&mut self, messages: u64, bytes: u64) {
        self.total = messages;
        self.bar.set_length(bytes);
        self.bar.set_message(format!("0/{messages} messages"));
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn bytes(&self, n: u64) {
        self.bar.inc(n);
    }

    fn message_done(&mut self) {
        self.done += 1;
        self.bar
            .set_message(format!("{}/{} messages", self.done, self.total));
    }

    fn warn(&self, text: &str) {
        self.bar.suspend(|| eprintln!("mailwire fetch: {text}"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// A local Maildir (the Maildir++ layout: folders are `.Name` directories beside `new/`).
struct Maildir {
    root: PathBuf,
    host: String,
}

/// A message being written into `tmp/`.
struct TmpFile {
    file: std::fs::File,
    path: PathBuf,
    len: u64,
}

impl TmpFile {
    fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.file.write_all(data)?;
        self.len += data.len() as u64;
        Ok(())
    }

    fn discard(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Maildir {
    fn open(root: &Path) -> std::io::Result<Self> {
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(root.join(sub))?;
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().replace(['/', ':'], "_"))
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        Ok(Maildir {
            root: root.to_path_buf(),
            host,
        })
    }

    fn folder_dir(&self, folder: &str) -> PathBuf {
        if folder.is_empty() {
            return self.root.clone();
        }
        // Maildir++: ".A.B" for A/B; dots in names are not escaped here, slashes are.
        let name: String = folder
            .chars()
            .map(|c| if c == '/' { '.' } else { c })
            .collect();
        self.root.join(format!(".{name}"))
    }

    /// A unique name (`time.MmicrosPpidQcounter.host`, the Maildir convention).
    fn unique(&self) -> String {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        format!(
            "{}.M{}P{}Q{}.{}",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            self.host
        )
    }

    fn create_tmp(&self) -> std::io::Result<TmpFile> {
        let path = self.root.join("tmp").join(self.unique());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(TmpFile { file, path, len: 0 })
    }

    /// Flushes the file, renames it into the folder's `new/` (or `cur/` with flags) and
    /// flushes the directory, so the message survives a crash once this returns.
    fn deliver(&self, tmp: TmpFile, folder: &str, flags: &str) -> std::io::Result<()> {
        tmp.file.sync_all()?;
        let dir = self.folder_dir(folder);
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.join(sub))?;
        }
        let base = format!("{},S={}", self.unique(), tmp.len);
        let (sub, name) = if flags.is_empty() {
            ("new", base)
        } else {
            ("cur", format!("{base}:2,{flags}"))
        };
        let target = dir.join(sub).join(name);
        std::fs::rename(&tmp.path, &target)?;
        std::fs::File::open(dir.join(sub))?.sync_all()?;
        Ok(())
    }

    fn load_state(&self) -> std::io::Result<StateFile> {
        match std::fs::read(self.root.join(STATE_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", self.root.join(STATE_FILE).display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StateFile::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes the state file atomically: a temporary file, flushed, renamed over the old one.
    fn save_state(&self, state: &StateFile) -> std::io::Result<()> {
        let tmp = self.root.join(format!("{STATE_FILE}.tmp"));
        let mut f = std::fs::File::create(&tmp)?;
        serde_json::to_writer_pretty(&mut f, state).map_err(std::io::Error::other)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, self.root.join(STATE_FILE))?;
        std::fs::File::open(&self.root)?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_map_to_maildir_letters_in_order() {
        let f = [
            FlagFetch::Flag(Flag::Seen),
            FlagFetch::Flag(Flag::Answered),
            FlagFetch::Flag(Flag::Deleted),
            FlagFetch::Flag(Flag::Flagged),
        ];
        assert_eq!(maildir_flags(&f), "FRS");
        assert_eq!(maildir_flags(&[]), "");
    }

    #[test]
    fn folders_use_the_maildir_plus_plus_layout() {
        let dir = std::env::temp_dir().join(format!("mw-fetch-unit-{}", std::process::id()));
        let m = Maildir::open(&dir).unwrap();
        assert_eq!(m.folder_dir(""), dir);
        assert_eq!(m.folder_dir("Lists/rust"), dir.join(".Lists.rust"));
        let mut t = m.create_tmp().unwrap();
        t.write(b"Subject: x\r\n\r\nbody\r\n").unwrap();
        m.deliver(t, "Archive", "S").unwrap();
        let cur: Vec<_> = std::fs::read_dir(dir.join(".Archive/cur"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(cur.len(), 1);
        assert!(cur[0].ends_with(",S=20:2,S"), "{cur:?}");
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        let mut state = StateFile::default();
        state.accounts.insert(
            "imap://a@h:993".into(),
            AccountState {
                uidl: BTreeSet::new(),
                folders: [(
                    "INBOX".to_string(),
                    FolderState {
                        uid_validity: 7,
                        last_uid: 42,
                    },
                )]
                .into(),
            },
        );
        m.save_state(&state).unwrap();
        let back = m.load_state().unwrap();
        assert_eq!(back.accounts, state.accounts);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
