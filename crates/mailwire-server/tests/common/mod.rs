//! What the POP3 and IMAP session tests share: a SCRAM-SHA-256 client (RFC 7677) driving a
//! session through its text protocol.

use mailwire_core::Secret;
use mailwire_core::sasl::{decode_base64, encode_base64};
use mailwire_core::scram::ScramClient;

/// The base64 payload of a `+ ` continuation (RFC 9051 §7.5, RFC 5034 §4).
fn continuation(out: &str) -> Vec<u8> {
    let data = out
        .strip_prefix("+ ")
        .and_then(|s| s.strip_suffix("\r\n"))
        .unwrap_or_else(|| panic!("a continuation: {out}"));
    decode_base64(data.as_bytes()).unwrap()
}

/// Runs SCRAM-SHA-256 as `user` with `password` through `send` (input line in, session output
/// back), starting with `command` (`AUTH SCRAM-SHA-256` or `a AUTHENTICATE SCRAM-SHA-256`), with
/// the client-first-message as initial response or after an empty challenge. Gives the
/// session's last output: its answer to the client-final-message if the proof was refused,
/// else its answer to the empty response after the checked server-final-message.
pub(crate) fn scram_login(
    mut send: impl FnMut(&str) -> String,
    command: &str,
    user: &str,
    password: &str,
    initial_response: bool,
) -> String {
    let client = ScramClient::new(None, user, Secret::new(password)).unwrap();
    let first = encode_base64(&client.client_first());
    let out = if initial_response {
        send(&format!("{command} {first}\r\n"))
    } else {
        assert_eq!(send(&format!("{command}\r\n")), "+ \r\n");
        send(&format!("{first}\r\n"))
    };
    let (client, client_final) = client.server_first(&continuation(&out)).unwrap();
    let out = send(&format!("{}\r\n", encode_base64(client_final.expose())));
    if !out.starts_with("+ ") {
        return out;
    }
    client.server_final(&continuation(&out)).unwrap();
    send("\r\n")
}

/// A wrong password and an unknown user (answered with a mock salt, RFC 5802 §5.1) fail alike:
/// each last answer starts with `refusal`.
pub(crate) fn scram_failures(mut send: impl FnMut(&str) -> String, command: &str, refusal: &str) {
    for (user, password) in [("alice", "wrong"), ("nobody", "secret")] {
        let out = scram_login(&mut send, command, user, password, true);
        assert!(out.starts_with(refusal), "{user}: {out}");
    }
}
