//! The data directory of `mailwire serve` and `mailwire user`: users file, APOP secrets,
//! Maildirs and TLS files.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mailwire_core::Secret;
use mailwire_mailbox::maildir::{MaildirOptions, Spawner};
use mailwire_mailbox::users::UsersFile;
use mailwire_mailbox::{Account, Mailbox, MailboxName, NewMessage, Quota, Store};

/// The store `mailwire serve` runs on.
pub(crate) type ServeStore = mailwire_mailbox::maildir::MaildirStore;

/// The demo account made on first run.
pub(crate) const DEMO_USER: &str = "demo";

/// A data directory.
#[derive(Debug, Clone)]
pub(crate) struct DataDir {
    /// Its root.
    pub(crate) root: PathBuf,
}

/// Writes a file only the owner can read (keys, secrets), atomically.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

impl DataDir {
    pub(crate) fn new(root: &Path) -> DataDir {
        DataDir {
            root: root.to_owned(),
        }
    }

    pub(crate) fn users(&self) -> UsersFile {
        UsersFile::new(self.root.join("users"))
    }

    pub(crate) fn mail_root(&self) -> PathBuf {
        self.root.join("mail")
    }

    fn apop_path(&self) -> PathBuf {
        self.root.join("apop-secrets")
    }

    /// Creates the directory if needed; on first run with `demo`, adds the demo user and
    /// returns its name (its messages are added by [`seed_demo`] once the store is open).
    pub(crate) fn ensure(&self, demo: bool) -> Result<Option<String>, String> {
        let first = !self.root.join("users").exists();
        std::fs::create_dir_all(self.mail_root())
            .map_err(|e| format!("{}: {e}", self.root.display()))?;
        if first && demo {
            self.users()
                .add_user(DEMO_USER, Secret::new(DEMO_USER), Quota::UNLIMITED)
                .map_err(|e| e.to_string())?;
            self.set_apop(DEMO_USER, Some(DEMO_USER))?;
            return Ok(Some(DEMO_USER.to_string()));
        }
        Ok(None)
    }

    /// Opens the Maildir store. Its blocking file I/O runs in place on the calling worker thread,
    /// which tokio first hands its other tasks to (`block_in_place`): no thread switch per call,
    /// unlike `spawn_blocking`, and no stalled tasks. Needs the multi-threaded runtime.
    pub(crate) fn open_store(&self) -> Result<Arc<ServeStore>, String> {
        let spawner: Spawner = Arc::new(|job| tokio::task::block_in_place(job));
        let options = MaildirOptions::default().spawner(spawner);
        Ok(Arc::new(ServeStore::new(
            self.mail_root(),
            self.users(),
            options,
        )))
    }

    /// The APOP secrets (RFC 1939 §7): `name:secret` lines.
    pub(crate) fn apop_secrets(&self) -> Result<HashMap<String, Secret<String>>, String> {
        let path = self.apop_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Ok(text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(':'))
            .map(|(n, s)| (n.to_string(), Secret::new(s.to_string())))
            .collect())
    }

    /// Sets or removes a user's APOP secret.
    pub(crate) fn set_apop(&self, user: &str, secret: Option<&str>) -> Result<(), String> {
        let mut secrets = self.apop_secrets()?;
        match secret {
            Some(s) => {
                secrets.insert(user.to_string(), Secret::new(s.to_string()));
            }
            None => {
                if secrets.remove(user).is_none() {
                    return Ok(());
                }
            }
        }
        let mut names: Vec<&String> = secrets.keys().collect();
        names.sort();
        let mut text = String::from(
            "# mailwire APOP shared secrets (RFC 1939 §7): name:secret. Keep this file private.\n",
        );
        for n in names {
            text.push_str(n);
            text.push(':');
            text.push_str(secrets[n].expose());
            text.push('\n');
        }
        let path = self.apop_path();
        write_private(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Puts a few welcome messages into the demo account's INBOX.
pub(crate) async fn seed_demo(store: &ServeStore, user: &str) -> Result<(), String> {
    let account = store
        .authenticate(user, Secret::new(user))
        .await
        .map_err(|e| e.to_string())?;
    let inbox = account
        .open(&MailboxName::inbox())
        .await
        .map_err(|e| e.to_string())?;
    let messages = [
        (
            "Welcome to mailwire",
            "This server speaks POP3 and IMAP from the same Maildir.\r\n\r\nDownload me with any mail client.\r\n",
        ),
        (
            "Lines that start with a dot",
            ".this line starts with a dot\r\n.\r\nPOP3 dot-stuffs them (RFC 1939 section 3).\r\n",
        ),
        (
            "Gr\u{fc}\u{df}e",
            "An 8-bit body: \u{e4}\u{f6}\u{fc} \u{2014} UTF-8.\r\n",
        ),
    ];
    for (i, (subject, body)) in messages.iter().enumerate() {
        let content = format!(
            "From: mailwire <postmaster@localhost>\r\nTo: {user}@localhost\r\nSubject: {subject}\r\nDate: Sun, 22 Nov 2026 10:0{i}:00 +0000\r\nMessage-ID: <demo{i}@mailwire.localhost>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}"
        );
        inbox
            .append(NewMessage::new(content.into_bytes()))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
