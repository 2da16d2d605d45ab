//! `mailwire user`: manage the users file of a data directory. Setting a password (`add`,
//! `passwd`) stores its argon2id hash and its SCRAM-SHA-256 verifier (RFC 5802 §3, RFC 7677),
//! so the user can log in with SCRAM-SHA-256 too; users whose password was set before verifiers
//! were kept need `passwd` once for that.

use std::io::BufRead as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use mailwire_core::Secret;
use mailwire_mailbox::Quota;

use crate::store::DataDir;

/// `mailwire user` arguments.
#[derive(Debug, Args)]
pub(crate) struct UserArgs {
    /// What to do.
    #[command(subcommand)]
    action: UserAction,
}

/// Options shared by the user subcommands.
#[derive(Debug, Args)]
struct Common {
    /// The data directory.
    #[arg(long, default_value = "./mailwire-data")]
    data_dir: PathBuf,
}

/// How a password is given.
#[derive(Debug, Args)]
struct PasswordSource {
    /// Read the password from the first line of standard input (scripts).
    #[arg(long)]
    password_stdin: bool,
    /// Also keep the password as an APOP shared secret (RFC 1939 §7 needs it readable).
    #[arg(long)]
    apop: bool,
}

/// The user subcommands.
#[derive(Debug, Subcommand)]
enum UserAction {
    /// Add a user (password from a prompt or --password-stdin); keeps an argon2id hash and a
    /// SCRAM-SHA-256 verifier of the password.
    Add {
        /// The user name.
        name: String,
        #[command(flatten)]
        password: PasswordSource,
        /// Storage quota in bytes.
        #[arg(long)]
        quota_storage: Option<u64>,
        /// Message count quota.
        #[arg(long)]
        quota_messages: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// Change a user's password (and SCRAM-SHA-256 verifier).
    Passwd {
        /// The user name.
        name: String,
        #[command(flatten)]
        password: PasswordSource,
        #[command(flatten)]
        common: Common,
    },
    /// Remove a user from the users file (the Maildir stays).
    Del {
        /// The user name.
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// List the users and their quotas.
    List {
        #[command(flatten)]
        common: Common,
    },
}

fn read_password(src: &PasswordSource) -> Result<Secret<String>, String> {
    if !src.password_stdin {
        eprint!("password (echoed; use --password-stdin in scripts): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password: {e}"))?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err("empty password".into());
    }
    Ok(Secret::new(p))
}

/// Runs `mailwire user ...`.
pub(crate) fn run(args: &UserArgs) -> Result<(), String> {
    match &args.action {
        UserAction::Add {
            name,
            password,
            quota_storage,
            quota_messages,
            common,
        } => {
            let data = DataDir::new(&common.data_dir);
            std::fs::create_dir_all(data.mail_root())
                .map_err(|e| format!("{}: {e}", common.data_dir.display()))?;
            let secret = read_password(password)?;
            let mut quota = Quota::UNLIMITED;
            quota.storage = *quota_storage;
            quota.messages = *quota_messages;
            data.users()
                .add_user(name, Secret::new(secret.expose().as_str()), quota)
                .map_err(|e| e.to_string())?;
            if password.apop {
                data.set_apop(name, Some(secret.expose()))?;
            }
            eprintln!("added {name}");
            Ok(())
        }
        UserAction::Passwd {
            name,
            password,
            common,
        } => {
            let data = DataDir::new(&common.data_dir);
            let secret = read_password(password)?;
            data.users()
                .set_password(name, Secret::new(secret.expose().as_str()))
                .map_err(|e| e.to_string())?;
            data.set_apop(name, password.apop.then(|| secret.expose().as_str()))?;
            Ok(())
        }
        UserAction::Del { name, common } => {
            let data = DataDir::new(&common.data_dir);
            data.users().remove_user(name).map_err(|e| e.to_string())?;
            data.set_apop(name, None)
        }
        UserAction::List { common } => {
            let data = DataDir::new(&common.data_dir);
            for u in data.users().users().map_err(|e| e.to_string())? {
                let q = |v: Option<u64>| v.map_or("unlimited".to_string(), |n| n.to_string());
                println!(
                    "{}\tstorage={}\tmessages={}",
                    u.name.as_str(),
                    q(u.quota.storage),
                    q(u.quota.messages)
                );
            }
            Ok(())
        }
    }
}
