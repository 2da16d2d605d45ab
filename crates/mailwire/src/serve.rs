//! `mailwire serve`: POP3 and IMAP on a Maildir data directory.
//!
//! The data directory holds everything:
//!
//! ```text
//! DATA/users           the users file: name:argon2id-hash[:quota] (mailwire user add)
//! DATA/apop-secrets    shared secrets for APOP, for users added with --apop (mode 0600)
//! DATA/mail/NAME/      each user's Maildir++ (INBOX is the root, folders are .Name)
//! DATA/tls/cert.pem    the TLS certificate (self-signed on first run unless --cert is given)
//! DATA/tls/key.pem     its private key (mode 0600)
//! DATA/mailwire.toml   optional settings (the same keys as the flags)
//! ```

use std::collections::HashMap;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use mailwire_core::Secret;
use mailwire_server::ConnectionInfo;
use mailwire_server::imap::{ImapOptions, ImapServer};
use mailwire_server::pop3::{PlaintextAuth, Pop3Options, Pop3Server, Retention, SharedSecrets};
use mailwire_tokio::server::{Listener, ServerOptions, SessionFactory, Shutdown, spawn_all};
use mailwire_tokio::tls;
use serde::Deserialize;

use crate::store::{self, DataDir};

/// A port setting: a number (0 picks a free port) or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    /// Listen on this port.
    On(u16),
    /// No listener.
    Off,
}

fn parse_port(s: &str) -> Result<Port, String> {
    if s.eq_ignore_ascii_case("off") {
        Ok(Port::Off)
    } else {
        s.parse::<u16>()
            .map(Port::On)
            .map_err(|_| format!("{s:?} is not a port number or \"off\""))
    }
}

impl<'de> Deserialize<'de> for Port {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u16),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Port::On(n)),
            Raw::S(s) => parse_port(&s).map_err(serde::de::Error::custom),
        }
    }
}

/// When passwords may be sent without TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PlaintextChoice {
    /// Never.
    Never,
    /// From loopback addresses only (default).
    Loopback,
    /// Always (trusted networks only).
    Always,
}

/// What happens to POP3-downloaded mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RetentionChoice {
    /// Leave mail on the server; only DELE removes it (EXPIRE NEVER).
    Leave,
    /// Delete messages after a client downloaded them with RETR (EXPIRE 0).
    DeleteRetrieved,
}

/// `mailwire serve` arguments. Every setting can also come from the config file; flags win.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The data directory (created with a demo account on first run).
    #[arg(long, default_value = "./mailwire-data")]
    data_dir: PathBuf,
    /// A TOML config file (default: DATA/mailwire.toml if it exists).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long)]
    bind: Option<IpAddr>,
    /// POP3 port (STLS available), or "off".
    #[arg(long, value_parser = parse_port)]
    pop3_port: Option<Port>,
    /// POP3 over implicit TLS port, or "off".
    #[arg(long, value_parser = parse_port)]
    pop3s_port: Option<Port>,
    /// IMAP port (STARTTLS available), or "off".
    #[arg(long, value_parser = parse_port)]
    imap_port: Option<Port>,
    /// IMAP over implicit TLS port, or "off".
    #[arg(long, value_parser = parse_port)]
    imaps_port: Option<Port>,
    /// TLS certificate chain (PEM); default: a self-signed one in DATA/tls.
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,
    /// When passwords may be sent without TLS.
    #[arg(long, value_enum)]
    plaintext_auth: Option<PlaintextChoice>,
    /// What happens to mail POP3 clients download.
    #[arg(long, value_enum)]
    pop3_retention: Option<RetentionChoice>,
    /// Allow several POP3 sessions on one maildrop at once (default: one, -ERR [IN-USE]).
    #[arg(long)]
    pop3_no_lock: bool,
    /// Maximum simultaneous connections.
    #[arg(long)]
    max_connections: Option<usize>,
    /// Maximum simultaneous connections from one IP address.
    #[arg(long)]
    max_connections_per_ip: Option<usize>,
    /// Seconds to wait before answering a failed login.
    #[arg(long)]
    failed_login_delay: Option<f64>,
    /// Do not create the demo account on first run.
    #[arg(long)]
    no_demo: bool,
}

/// The config file (all keys optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Config {
    bind: Option<IpAddr>,
    pop3_port: Option<Port>,
    pop3s_port: Option<Port>,
    imap_port: Option<Port>,
    imaps_port: Option<Port>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    plaintext_auth: Option<PlaintextChoice>,
    pop3_retention: Option<RetentionChoice>,
    pop3_lock: Option<bool>,
    pop3_timeout_secs: Option<u64>,
    pop3_preauth_timeout_secs: Option<u64>,
    imap_timeout_secs: Option<u64>,
    imap_preauth_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    max_connections_per_ip: Option<usize>,
    failed_login_delay: Option<f64>,
    hostname: Option<String>,
}

/// The settings after merging flags, config file and defaults.
#[derive(Debug)]
struct Settings {
    bind: IpAddr,
    pop3: Port,
    pop3s: Port,
    imap: Port,
    imaps: Port,
    cert: Option<(PathBuf, PathBuf)>,
    plaintext: PlaintextAuth,
    retention: Retention,
    lock: bool,
    pop3_timeout: Duration,
    pop3_preauth_timeout: Duration,
    imap_timeout: Duration,
    imap_preauth_timeout: Duration,
    server: ServerOptions,
    failed_login_delay: Duration,
    hostname: String,
}

fn settings(args: &ServeArgs) -> Result<Settings, String> {
    let config_path = args
        .config
        .clone()
        .or_else(|| Some(args.data_dir.join("mailwire.toml")).filter(|p| p.exists()));
    let config: Config = match &config_path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?
        }
        None => Config::default(),
    };
    let cert = match (
        args.cert.clone().or(config.cert),
        args.key.clone().or(config.key),
    ) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("a certificate needs its key and a key its certificate".into()),
    };
    let plaintext = match args.plaintext_auth.or(config.plaintext_auth) {
        Some(PlaintextChoice::Never) => PlaintextAuth::Never,
        Some(PlaintextChoice::Always) => PlaintextAuth::Always,
        Some(PlaintextChoice::Loopback) | None => PlaintextAuth::LoopbackOnly,
    };
    let retention = match args.pop3_retention.or(config.pop3_retention) {
        Some(RetentionChoice::DeleteRetrieved) => Retention::DeleteRetrieved,
        Some(RetentionChoice::Leave) | None => Retention::LeaveOnServer,
    };
    let mut server = ServerOptions::default();
    if let Some(n) = args.max_connections.or(config.max_connections) {
        server = server.max_connections(n);
    }
    if let Some(n) = args
        .max_connections_per_ip
        .or(config.max_connections_per_ip)
    {
        server = server.max_connections_per_ip(n);
    }
    let delay = args
        .failed_login_delay
        .or(config.failed_login_delay)
        .unwrap_or(2.0);
    if !(0.0..=60.0).contains(&delay) {
        return Err("failed-login-delay must be between 0 and 60 seconds".into());
    }
    let pop3_timeout = Duration::from_secs(config.pop3_timeout_secs.unwrap_or(600));
    if pop3_timeout < Duration::from_secs(600) {
        // RFC 1939 §3: an inactivity timer "MUST be of at least 10 minutes' duration".
        return Err("pop3-timeout-secs must be at least 600 (RFC 1939 §3)".into());
    }
    let imap_timeout = Duration::from_secs(config.imap_timeout_secs.unwrap_or(30 * 60));
    if imap_timeout < Duration::from_secs(30 * 60) {
        // RFC 9051 §5.4: the autologout timer "MUST be at least 30 minutes".
        return Err("imap-timeout-secs must be at least 1800 (RFC 9051 §5.4)".into());
    }
    let imap_preauth_timeout =
        Duration::from_secs(config.imap_preauth_timeout_secs.unwrap_or(60).max(10));
    let pop3_preauth_timeout =
        Duration::from_secs(config.pop3_preauth_timeout_secs.unwrap_or(600).max(10));
    Ok(Settings {
        bind: args
            .bind
            .or(config.bind)
            .unwrap_or(IpAddr::from([127, 0, 0, 1])),
        pop3: args
            .pop3_port
            .or(config.pop3_port)
            .unwrap_or(Port::On(1110)),
        pop3s: args
            .pop3s_port
            .or(config.pop3s_port)
            .unwrap_or(Port::On(1995)),
        imap: args
            .imap_port
            .or(config.imap_port)
            .unwrap_or(Port::On(1143)),
        imaps: args
            .imaps_port
            .or(config.imaps_port)
            .unwrap_or(Port::On(1993)),
        cert,
        plaintext,
        retention,
        lock: !args.pop3_no_lock && config.pop3_lock.unwrap_or(true),
        pop3_timeout,
        pop3_preauth_timeout,
        imap_timeout,
        imap_preauth_timeout,
        server,
        failed_login_delay: Duration::from_secs_f64(delay),
        hostname: config.hostname.unwrap_or_else(|| "localhost".into()),
    })
}

/// APOP shared secrets from `DATA/apop-secrets`.
struct ApopFile {
    secrets: HashMap<String, Secret<String>>,
}

impl SharedSecrets for ApopFile {
    fn shared_secret(&self, user: &str) -> Option<Secret<String>> {
        self.secrets.get(user).cloned()
    }
}

struct Pop3Factory<S: mailwire_mailbox::Store>(Pop3Server<S>);

impl<S: mailwire_mailbox::Store> SessionFactory for Pop3Factory<S> {
    type Session = mailwire_server::pop3::Pop3Session<S>;

    fn create(&self, info: ConnectionInfo) -> Self::Session {
        self.0.session(info)
    }

    fn refusal(&self, _info: &ConnectionInfo) -> Option<Vec<u8>> {
        // RFC 3206 §4: a temporary condition.
        Some(b"-ERR [SYS/TEMP] too many connections, try again later\r\n".to_vec())
    }

    fn protocol(&self) -> &'static str {
        "pop3"
    }
}

struct ImapFactory<S: mailwire_mailbox::Store>(ImapServer<S>);

impl<S: mailwire_mailbox::Store> SessionFactory for ImapFactory<S> {
    type Session = mailwire_server::imap::ImapSession<S>;

    fn create(&self, info: ConnectionInfo) -> Self::Session {
        self.0.session(info)
    }

    fn refusal(&self, _info: &ConnectionInfo) -> Option<Vec<u8>> {
        // RFC 9051 §7.1.5: a greeting BYE refuses the connection.
        Some(b"* BYE too many connections, try again later\r\n".to_vec())
    }

    fn protocol(&self) -> &'static str {
        "imap"
    }
}

fn tls_pair(data: &DataDir, settings: &Settings) -> Result<tls::PemPair, String> {
    if let Some((cert, key)) = &settings.cert {
        return tls::load_pem_files(cert, key).map_err(|e| e.to_string());
    }
    let (cert, key) = (
        data.root.join("tls/cert.pem"),
        data.root.join("tls/key.pem"),
    );
    if cert.exists() && key.exists() {
        return tls::load_pem_files(&cert, &key).map_err(|e| e.to_string());
    }
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
        settings.hostname.clone(),
    ];
    let mut names: Vec<String> = names.into_iter().collect();
    names.dedup();
    let pair = tls::self_signed(&names).map_err(|e| e.to_string())?;
    let dir = data.root.join("tls");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(&cert, &pair.cert_pem).map_err(|e| format!("{}: {e}", cert.display()))?;
    store::write_private(&key, pair.key_pem.as_bytes())
        .map_err(|e| format!("{}: {e}", key.display()))?;
    eprintln!(
        "mailwire: made a self-signed certificate for {} in {}",
        names.join(", "),
        dir.display()
    );
    Ok(pair)
}

async fn bind(
    settings: &Settings,
    port: Port,
    implicit: bool,
    acceptor: &tls::TlsAcceptor,
) -> Result<Option<Listener>, String> {
    let Port::On(n) = port else {
        return Ok(None);
    };
    let addr = SocketAddr::new(settings.bind, n);
    Listener::bind(addr, implicit, Some(acceptor.clone()))
        .await
        .map(Some)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Runs `mailwire serve` until Ctrl-C or SIGTERM.
pub(crate) fn run(args: &ServeArgs) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILWIRE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let settings = settings(args)?;
    let data = DataDir::new(&args.data_dir);
    let created = data.ensure(!args.no_demo)?;
    let pair = tls_pair(&data, &settings)?;
    let acceptor = tls::TlsAcceptor::from(tls::server_config(&pair).map_err(|e| e.to_string())?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async move {
        let store = data.open_store()?;
        if let Some(user) = &created {
            store::seed_demo(&store, user).await?;
        }
        let mut pop3_options = Pop3Options::default();
        pop3_options.hostname = settings.hostname.clone();
        pop3_options.plaintext_auth = settings.plaintext;
        pop3_options.retention = settings.retention;
        pop3_options.exclusive_lock = settings.lock;
        pop3_options.failed_login_delay = settings.failed_login_delay;
        pop3_options.timeout = settings.pop3_timeout;
        pop3_options.preauth_timeout = settings.pop3_preauth_timeout;
        let apop = ApopFile {
            secrets: data.apop_secrets()?,
        };
        let pop3 = Pop3Server::new(store.clone(), pop3_options).with_shared_secrets(Arc::new(apop));
        let mut imap_options = ImapOptions::default();
        imap_options.hostname = settings.hostname.clone();
        imap_options.plaintext_auth = settings.plaintext;
        imap_options.failed_login_delay = settings.failed_login_delay;
        imap_options.timeout = settings.imap_timeout;
        imap_options.login_timeout = settings.imap_preauth_timeout;
        // Another process (an MDA) may deliver into the Maildir: look every second while idling.
        imap_options.idle_poll = Some(Duration::from_secs(1));
        let imap = ImapServer::new(store.clone(), imap_options);
        let shutdown = Shutdown::new();
        let mut out = std::io::stdout().lock();
        let mut pop3_listeners = Vec::new();
        for (name, port, implicit) in [("pop3", settings.pop3, false), ("pop3s", settings.pop3s, true)] {
            if let Some(l) = bind(&settings, port, implicit, &acceptor).await? {
                let addr = l.local_addr().map_err(|e| e.to_string())?;
                let _ = writeln!(out, "listening {name} {addr}");
                pop3_listeners.push(l);
            }
        }
        let mut imap_listeners = Vec::new();
        for (name, port, implicit) in [("imap", settings.imap, false), ("imaps", settings.imaps, true)] {
            if let Some(l) = bind(&settings, port, implicit, &acceptor).await? {
                let addr = l.local_addr().map_err(|e| e.to_string())?;
                let _ = writeln!(out, "listening {name} {addr}");
                imap_listeners.push(l);
            }
        }
        spawn_all(
            pop3_listeners,
            Arc::new(Pop3Factory(pop3)),
            settings.server.clone(),
            &shutdown,
        );
        spawn_all(
            imap_listeners,
            Arc::new(ImapFactory(imap)),
            settings.server.clone(),
            &shutdown,
        );
        if let Some(user) = created {
            let _ = writeln!(
                out,
                "first run: created {} with the demo account {user}/{user}; try: curl -s --user {user}:{user} pop3://127.0.0.1:{}/1",
                data.root.display(),
                match settings.pop3 { Port::On(p) => p, Port::Off => 110 },
            );
        }
        let _ = writeln!(out, "ready");
        let _ = out.flush();
        drop(out);
        wait_for_signal().await;
        eprintln!("mailwire: shutting down");
        shutdown.trigger();
        if tokio::time::timeout(Duration::from_secs(10), shutdown.wait()).await.is_err() {
            eprintln!("mailwire: connections did not close within 10 s");
        }
        Ok(())
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
