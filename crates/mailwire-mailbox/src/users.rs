//! Accounts: a users file with argon2id password hashes (RFC 9106) and per-account quotas.
//!
//! The format is one user per line, fields separated by `:`:
//!
//! ```text
//! # comments and blank lines are kept out of the way
//! alice:$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$...:storage=1073741824,messages=100000
//! bob:$argon2id$v=19$m=19456,t=2,p=1$...$...
//! carol:$argon2id$v=19$m=19456,t=2,p=1$...$...::SCRAM-SHA-256$4096$<salt>$<StoredKey>$<ServerKey>
//! ```
//!
//! The second field is a PHC string (only `argon2id` is accepted); the optional third field holds
//! the quota (RFC 9208 §5 `STORAGE` in bytes and `MESSAGE`), empty for none. The optional fourth
//! field holds the user's SCRAM-SHA-256 verifier (RFC 5802 §3, RFC 7677) in the format of
//! [`ScramVerifier::to_stored`]: the iteration count, then the salt, StoredKey and ServerKey in
//! base64. It is written whenever a password is set ([`UsersFile::add_user`],
//! [`UsersFile::set_password`], so `mailwire user add` and `passwd`), since only then is the
//! plaintext known. Files written before this field existed still work: their users log in with
//! passwords as before but cannot use SCRAM-SHA-256 until their password is set again. Like the
//! hash, the verifier lets whoever reads it try passwords offline (and, unlike the hash, act as
//! the server towards SCRAM clients): keep the file private. [`UsersFile`] rereads the file when
//! it changes on disk and rewrites it atomically under a lock, so `mailwire user add` can run
//! while a server uses it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use mailwire_core::Secret;
use mailwire_core::scram::ScramVerifier;

use crate::error::{Error, Result};
use crate::fsutil::{FileLock, write_atomic};
use crate::state::lock;
use crate::types::{InvalidValue, Quota};

/// A user name: 1 to 64 characters of ASCII letters, digits and `.`, `_`, `-`, `@`, `+`, not
/// starting with `.` or `-`. Names are also directory names of the Maildir store, so the set is
/// kept small (no `/`, no `..`, nothing a shell or file system treats specially).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct UserName(String);

impl UserName {
    /// The longest name.
    pub const MAX_LEN: usize = 64;

    /// Validates a name.
    pub fn new(s: &str) -> Result<UserName, InvalidValue> {
        const WHAT: &str = "user name";
        crate::types::validate_text(WHAT, s, Self::MAX_LEN, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+')
        })?;
        if s.starts_with(['.', '-']) {
            return Err(InvalidValue::Malformed {
                what: WHAT,
                value: s.to_owned(),
                reason: "starts with `.` or `-`",
            });
        }
        Ok(UserName(s.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

/// The cost of new argon2id hashes (RFC 9106 §4). Existing hashes are verified with the
/// parameters stored in them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for PasswordParams {
    /// 19 MiB, 2 passes, 1 lane: the `argon2` crate's default and the OWASP recommendation.
    fn default() -> Self {
        PasswordParams {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl PasswordParams {
    /// The cheapest parameters argon2 allows: for tests only, never for real passwords.
    pub const INSECURE_FOR_TESTS: PasswordParams = PasswordParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    fn hasher(&self) -> Result<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|_| Error::PermissionDenied {
                reason: "invalid argon2 parameters",
            })?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hashes a password into a PHC string with a fresh random salt.
    pub fn hash(&self, password: Secret<&str>) -> Result<String> {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        self.hasher()?
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Backend(Box::new(HashError(e.to_string()))))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("argon2: {0}")]
struct HashError(String);

/// The SCRAM-SHA-256 verifier stored beside a new password: none for a password SASLprep
/// refuses (RFC 4013 §2.3), whose user then logs in with the password only.
fn scram_verifier(password: Secret<&str>) -> Option<ScramVerifier> {
    ScramVerifier::generate(password).ok()
}

/// Checks a password against a stored argon2id PHC string.
pub fn verify_password(hash: &str, password: Secret<&str>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
}

/// One line of the users file.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The name.
    pub name: UserName,
    /// The quota.
    pub quota: Quota,
    hash: String,
    scram: Option<ScramVerifier>,
}

impl UserRecord {
    /// The user's SCRAM-SHA-256 verifier (RFC 5802 §3), if the file has one.
    pub fn scram_sha256(&self) -> Option<&ScramVerifier> {
        self.scram.as_ref()
    }
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("name", &self.name)
            .field("quota", &self.quota)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Default)]
struct Parsed {
    /// The file's identity and size when read: reread when they change.
    stamp: Option<(SystemTime, u64, u64)>,
    users: Arc<Vec<UserRecord>>,
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// The users file (see the module documentation).
pub struct UsersFile {
    path: PathBuf,
    params: PasswordParams,
    cache: Mutex<Parsed>,
    dummy: OnceLock<String>,
    verified: VerifiedCache,
}

/// Remembers successful logins so that a client that logs in again (POP3 clients poll every few
/// minutes, IMAP clients open several connections) does not pay for argon2id each time, which
/// costs tens of milliseconds and ~19 MiB of memory per login.
///
/// An entry is a keyed BLAKE2b digest of the stored hash and the password, with a random key made
/// when the file is opened: neither passwords nor anything that helps to guess them offline
/// outside this process is kept. A changed password (a new stored hash) no longer matches, so
/// entries need no invalidation. Only successes are cached, so wrong passwords always pay the
/// full price.
struct VerifiedCache {
    key: [u8; 32],
    entries: Mutex<std::collections::HashMap<String, [u8; 64]>>,
}

/// At most this many users are remembered; the cache starts over when it is full.
const VERIFIED_CACHE_MAX: usize = 10_000;

impl VerifiedCache {
    fn new() -> VerifiedCache {
        use argon2::password_hash::rand_core::RngCore;
        let mut key = [0u8; 32];
        argon2::password_hash::rand_core::OsRng.fill_bytes(&mut key);
        VerifiedCache {
            key,
            entries: Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn digest(&self, hash: &str, password: &Secret<&str>) -> [u8; 64] {
        use blake2::Digest;
        let mut h = blake2::Blake2b512::new();
        h.update(self.key);
        h.update((hash.len() as u64).to_le_bytes());
        h.update(hash.as_bytes());
        h.update(password.expose().as_bytes());
        h.finalize().into()
    }

    fn check(&self, user: &str, hash: &str, password: &Secret<&str>) -> bool {
        let d = self.digest(hash, password);
        lock(&self.entries).get(user).is_some_and(|e| *e == d)
    }

    fn remember(&self, user: &str, hash: &str, password: &Secret<&str>) {
        let d = self.digest(hash, password);
        let mut entries = lock(&self.entries);
        if entries.len() >= VERIFIED_CACHE_MAX {
            entries.clear();
        }
        entries.insert(user.to_owned(), d);
    }
}

impl fmt::Debug for UsersFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsersFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn parse_quota(s: &str) -> Option<Quota> {
    let mut q = Quota::UNLIMITED;
    for item in s.split(',').filter(|i| !i.is_empty()) {
        let (k, v) = item.split_once('=')?;
        let v: u64 = v.parse().ok()?;
        match k {
            "storage" => q.storage = Some(v),
            "messages" => q.messages = Some(v),
            _ => return None,
        }
    }
    Some(q)
}

fn format_quota(q: &Quota) -> String {
    let mut parts = Vec::new();
    if let Some(s) = q.storage {
        parts.push(format!("storage={s}"));
    }
    if let Some(m) = q.messages {
        parts.push(format!("messages={m}"));
    }
    parts.join(",")
}

fn corrupt(path: &Path, line: usize, reason: &str) -> Error {
    Error::Corrupt {
        path: path.to_owned(),
        reason: format!("line {line}: {reason}"),
    }
}

/// Parses the file's text. Lines that are blank or start with `#` are skipped.
fn parse(path: &Path, text: &str) -> Result<Vec<UserRecord>> {
    let mut users: Vec<UserRecord> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(':');
        let name = fields.next().unwrap_or_default();
        let name = UserName::new(name).map_err(|e| corrupt(path, n + 1, &e.to_string()))?;
        let hash = fields
            .next()
            .filter(|h| h.starts_with("$argon2id$"))
            .ok_or_else(|| corrupt(path, n + 1, "the password is not an argon2id hash"))?;
        let quota = match fields.next() {
            None => Quota::UNLIMITED,
            Some(q) => parse_quota(q).ok_or_else(|| corrupt(path, n + 1, "bad quota field"))?,
        };
        let scram = match fields.next() {
            None => None,
            Some(v) => Some(
                ScramVerifier::from_stored(v)
                    .map_err(|e| corrupt(path, n + 1, &format!("bad SCRAM-SHA-256 field: {e}")))?,
            ),
        };
        if fields.next().is_some() {
            return Err(corrupt(path, n + 1, "too many fields"));
        }
        if users.iter().any(|u| u.name == name) {
            return Err(corrupt(path, n + 1, "the user is listed twice"));
        }
        users.push(UserRecord {
            name,
            quota,
            hash: hash.to_owned(),
            scram,
        });
    }
    Ok(users)
}

fn render(users: &[UserRecord]) -> String {
    let mut out = String::from(
        "# mailwire users: name:argon2id-hash[:storage=BYTES,messages=N[:scram-sha-256-verifier]]\n",
    );
    for u in users {
        out.push_str(u.name.as_str());
        out.push(':');
        out.push_str(&u.hash);
        let q = format_quota(&u.quota);
        if !q.is_empty() || u.scram.is_some() {
            out.push(':');
            out.push_str(&q);
        }
        if let Some(v) = &u.scram {
            out.push(':');
            out.push_str(v.to_stored().expose());
        }
        out.push('\n');
    }
    out
}

impl UsersFile {
    /// The users file at `path`; a missing file has no users.
    pub fn new(path: impl Into<PathBuf>) -> UsersFile {
        UsersFile {
            path: path.into(),
            params: PasswordParams::default(),
            cache: Mutex::new(Parsed::default()),
            dummy: OnceLock::new(),
            verified: VerifiedCache::new(),
        }
    }

    /// Uses `params` for hashes made from now on.
    pub fn with_params(mut self, params: PasswordParams) -> UsersFile {
        self.params = params;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<Arc<Vec<UserRecord>>> {
        let stamp = match std::fs::metadata(&self.path) {
            Ok(m) => Some((
                m.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                m.len(),
                // The file is replaced by a rename on every change, so its inode changes even
                // when a rewrite lands in the same clock tick with the same size.
                inode(&m),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(format!("stat {}", self.path.display()), e)),
        };
        let mut cache = lock(&self.cache);
        if cache.stamp == stamp && stamp.is_some() {
            return Ok(Arc::clone(&cache.users));
        }
        let users = match std::fs::read_to_string(&self.path) {
            Ok(text) => parse(&self.path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(format!("read {}", self.path.display()), e)),
        };
        *cache = Parsed {
            stamp,
            users: Arc::new(users),
        };
        Ok(Arc::clone(&cache.users))
    }

    /// Every user, in file order.
    pub fn users(&self) -> Result<Vec<UserRecord>> {
        Ok(self.load()?.as_ref().clone())
    }

    /// A user's record, without checking a password.
    pub fn get(&self, name: &str) -> Result<Option<UserRecord>> {
        Ok(self
            .load()?
            .iter()
            .find(|u| u.name.as_str() == name)
            .cloned())
    }

    /// Checks a password. An unknown user costs as much as a wrong password, so that user names
    /// cannot be probed by timing; both fail with [`Error::AuthenticationFailed`].
    pub fn verify(&self, name: &str, password: Secret<&str>) -> Result<UserRecord> {
        let users = self.load()?;
        match users.iter().find(|u| u.name.as_str() == name) {
            Some(u) if self.verified.check(name, &u.hash, &password) => Ok(u.clone()),
            Some(u) if verify_password(&u.hash, Secret::new(*password.expose())) => {
                self.verified.remember(name, &u.hash, &password);
                Ok(u.clone())
            }
            Some(_) => Err(Error::AuthenticationFailed),
            None => {
                let dummy = self
                    .dummy
                    .get_or_init(|| self.params.hash(Secret::new("x")).unwrap_or_default());
                let _ = verify_password(dummy, password);
                Err(Error::AuthenticationFailed)
            }
        }
    }

    /// A user's SCRAM-SHA-256 verifier (RFC 5802 §3): `None` for an unknown user and for a
    /// user whose line has none (see the module documentation).
    pub fn scram_sha256(&self, name: &str) -> Result<Option<ScramVerifier>> {
        Ok(self
            .load()?
            .iter()
            .find(|u| u.name.as_str() == name)
            .and_then(|u| u.scram.clone()))
    }

    /// Reads, changes and rewrites the file under its lock.
    fn update(&self, f: impl FnOnce(&mut Vec<UserRecord>) -> Result<()>) -> Result<()> {
        let lock_path = self.path.with_extension("lock");
        let _guard = FileLock::acquire(&lock_path)?;
        let mut users = match std::fs::read_to_string(&self.path) {
            Ok(text) => parse(&self.path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(format!("read {}", self.path.display()), e)),
        };
        f(&mut users)?;
        write_atomic(&self.path, render(&users).as_bytes())?;
        *lock(&self.cache) = Parsed::default();
        Ok(())
    }

    fn find<'a>(users: &'a mut [UserRecord], name: &str) -> Result<&'a mut UserRecord> {
        users
            .iter_mut()
            .find(|u| u.name.as_str() == name)
            .ok_or(Error::AuthenticationFailed)
    }

    /// Adds a user. Fails with [`Error::UserExists`] if the name is taken.
    pub fn add_user(&self, name: &str, password: Secret<&str>, quota: Quota) -> Result<()> {
        let name = UserName::new(name)?;
        let scram = scram_verifier(password);
        let hash = self.params.hash(password)?;
        self.update(|users| {
            if users.iter().any(|u| u.name == name) {
                return Err(Error::UserExists {
                    name: name.as_str().to_owned(),
                });
            }
            users.push(UserRecord {
                name,
                quota,
                hash,
                scram,
            });
            Ok(())
        })
    }

    /// Sets a user's password (and SCRAM-SHA-256 verifier). An unknown user fails with
    /// [`Error::AuthenticationFailed`].
    pub fn set_password(&self, name: &str, password: Secret<&str>) -> Result<()> {
        let scram = scram_verifier(password);
        let hash = self.params.hash(password)?;
        self.update(|users| {
            let user = Self::find(users, name)?;
            user.hash = hash;
            user.scram = scram;
            Ok(())
        })
    }

    /// Sets a user's quota.
    pub fn set_quota(&self, name: &str, quota: Quota) -> Result<()> {
        self.update(|users| {
            Self::find(users, name)?.quota = quota;
            Ok(())
        })
    }

    /// Removes a user from the file (the user's mail stays on disk).
    pub fn remove_user(&self, name: &str) -> Result<()> {
        self.update(|users| {
            let before = users.len();
            users.retain(|u| u.name.as_str() != name);
            if users.len() == before {
                return Err(Error::AuthenticationFailed);
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "mailwire-users-{tag}-{}",
            crate::fsutil::unique_suffix()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn add_verify_change_remove() {
        let dir = tmpdir("avcr");
        let path = dir.join("users");
        let f = UsersFile::new(&path).with_params(PasswordParams::INSECURE_FOR_TESTS);
        f.add_user("alice", Secret::new("pw1"), Quota::new(Some(1000), None))
            .unwrap();
        f.add_user("bob", Secret::new("pw2"), Quota::UNLIMITED)
            .unwrap();
        let err = f
            .add_user("alice", Secret::new("x"), Quota::UNLIMITED)
            .unwrap_err();
        assert!(matches!(err, Error::UserExists { .. }));
        let rec = f.verify("alice", Secret::new("pw1")).unwrap();
        assert_eq!(rec.quota.storage, Some(1000));
        assert!(matches!(
            f.verify("alice", Secret::new("pw2")),
            Err(Error::AuthenticationFailed)
        ));
        assert!(matches!(
            f.verify("carol", Secret::new("pw1")),
            Err(Error::AuthenticationFailed)
        ));
        // Another handle (another process) sees the change.
        let g = UsersFile::new(&path).with_params(PasswordParams::INSECURE_FOR_TESTS);
        g.set_password("bob", Secret::new("new")).unwrap();
        assert!(f.verify("bob", Secret::new("new")).is_ok());
        f.set_quota("bob", Quota::new(None, Some(5))).unwrap();
        assert_eq!(g.get("bob").unwrap().unwrap().quota.messages, Some(5));
        g.remove_user("alice").unwrap();
        assert!(f.get("alice").unwrap().is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("bob:$argon2id$v=19$"), "{text}");
        assert!(text.contains(":messages=5:SCRAM-SHA-256$"), "{text}");
        assert!(!text.contains("new"), "the password itself is not stored");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn remembered_logins_follow_password_changes() {
        let dir = tmpdir("cache");
        let path = dir.join("users");
        let f = UsersFile::new(&path).with_params(PasswordParams::INSECURE_FOR_TESTS);
        f.add_user("ann", Secret::new("one"), Quota::UNLIMITED)
            .unwrap();
        // The second login is answered from the cache, with the same result.
        assert!(f.verify("ann", Secret::new("one")).is_ok());
        assert!(f.verify("ann", Secret::new("one")).is_ok());
        assert!(f.verify("ann", Secret::new("two")).is_err());
        // A new password: the remembered login no longer counts.
        f.set_password("ann", Secret::new("two")).unwrap();
        assert!(f.verify("ann", Secret::new("one")).is_err());
        assert!(f.verify("ann", Secret::new("two")).is_ok());
        // Another process (another UsersFile) changes it back.
        let g = UsersFile::new(&path).with_params(PasswordParams::INSECURE_FOR_TESTS);
        g.set_password("ann", Secret::new("one")).unwrap();
        assert!(f.verify("ann", Secret::new("two")).is_err());
        assert!(f.verify("ann", Secret::new("one")).is_ok());
        f.remove_user("ann").unwrap();
        assert!(f.verify("ann", Secret::new("one")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn scram_verifiers_are_stored_with_passwords() {
        use mailwire_core::scram::{ScramClient, ScramServer};
        let dir = tmpdir("scram");
        let path = dir.join("users");
        // A file from before the SCRAM field: its users have no verifier but still log in.
        let old_hash = PasswordParams::INSECURE_FOR_TESTS
            .hash(Secret::new("old"))
            .unwrap();
        std::fs::write(&path, format!("old:{old_hash}\nq:{old_hash}:messages=3\n")).unwrap();
        let f = UsersFile::new(&path).with_params(PasswordParams::INSECURE_FOR_TESTS);
        assert!(f.verify("old", Secret::new("old")).is_ok());
        assert_eq!(f.scram_sha256("old").unwrap(), None);
        assert_eq!(f.scram_sha256("nobody").unwrap(), None);
        f.add_user("new", Secret::new("pencil"), Quota::UNLIMITED)
            .unwrap();
        f.set_password("q", Secret::new("pw")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("old:{old_hash}\n")), "{text}");
        assert!(text.contains("\nnew:$argon2id$"), "{text}");
        assert!(text.contains("::SCRAM-SHA-256$4096$"), "{text}");
        assert!(text.contains(":messages=3:SCRAM-SHA-256$4096$"), "{text}");
        assert!(!text.contains("pencil"), "{text}");
        // The stored verifier checks a SCRAM exchange with the password.
        let verifier = UsersFile::new(&path).scram_sha256("new").unwrap();
        assert!(verifier.is_some());
        let client = ScramClient::new(None, "new", Secret::new("pencil")).unwrap();
        let server = ScramServer::client_first(&client.client_first()).unwrap();
        let (server, sf) = server.server_first(verifier, b"k").expect("server-first");
        let (_, cf) = client.server_first(&sf).unwrap();
        assert_eq!(server.client_final(cf.expose()).unwrap().user(), "new");
        // A new password gives a new verifier; the quota stays.
        let before = f.scram_sha256("q").unwrap();
        f.set_password("q", Secret::new("pw2")).unwrap();
        assert_ne!(f.scram_sha256("q").unwrap(), before);
        assert_eq!(f.get("q").unwrap().unwrap().quota.messages, Some(3));
        // A damaged verifier is reported with its line.
        std::fs::write(
            &path,
            format!("a:{old_hash}::SCRAM-SHA-256$1$AA==$AA==$AA==\n"),
        )
        .unwrap();
        let err = UsersFile::new(&path).users().unwrap_err();
        assert!(
            err.to_string().contains("line 1: bad SCRAM-SHA-256"),
            "{err}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_files_are_reported_with_their_line() {
        let dir = tmpdir("bad");
        let path = dir.join("users");
        std::fs::write(&path, "# c\n\nalice:plaintext\n").unwrap();
        let err = UsersFile::new(&path).users().unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        std::fs::write(&path, "../etc:$argon2id$x\n").unwrap();
        let err = UsersFile::new(&path).users().unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn user_names() {
        for ok in ["alice", "a.b-c_d@example.org", "x+tag"] {
            assert!(UserName::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".hidden", "-x", "a/b", "a:b", "..", "a b", "é"] {
            assert!(UserName::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_hash() {
        let rec = UserRecord {
            name: UserName::new("a").unwrap(),
            quota: Quota::UNLIMITED,
            hash: "$argon2id$secret".into(),
            scram: None,
        };
        assert!(!format!("{rec:?}").contains("secret"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
