//! The codec targets: `pop3_command` and `pop3_response`.

use mailwire_pop3::codec::{
    DecodeError, Encode, Expect, Limits, decode_auth_line, decode_command, decode_response,
};
use mailwire_pop3::{Command, Response};

use crate::util::{EXPECTS, expect_for, expected_body, relaxed_limits};

/// Decodes a stream of command lines (resuming after errors with `skip`), checks that every
/// decoded command round-trips through its canonical encoding, and that `decode_auth_line`
/// round-trips too.
pub(crate) fn command(data: &[u8]) {
    let limits = Limits::default();
    let mut rest = data;
    for _ in 0..32 {
        if rest.is_empty() {
            break;
        }
        match decode_command(rest, &limits) {
            Ok((after, cmd)) => {
                assert!(after.len() < rest.len(), "no progress");
                assert!(rest.ends_with(after));
                // The framing decision: the command was one line within the limit.
                let used = rest.len() - after.len();
                assert!(used <= limits.max_command_line);
                assert!(rest[..used].ends_with(b"\r\n"));
                command_round_trip(&cmd, &limits);
                rest = after;
            }
            Err(DecodeError::Incomplete) => {
                assert!(!rest.contains(&b'\n'));
                assert!(rest.len() < limits.max_command_line);
                break;
            }
            Err(DecodeError::Failed(e)) => {
                assert!(e.skip <= rest.len(), "skip {} > {}", e.skip, rest.len());
                if e.skip == 0 {
                    break;
                }
                rest = &rest[e.skip..];
            }
        }
    }

    if let Ok((after, line)) = decode_auth_line(data, &limits) {
        assert!(after.len() < data.len());
        let wire = line.to_wire();
        let (rest2, line2) = decode_auth_line(&wire, &limits).expect("auth line re-decodes");
        assert!(rest2.is_empty());
        assert_eq!(line2, line);
        assert_eq!(line2.to_wire(), wire);
    }
}

fn command_round_trip(cmd: &Command<'_>, limits: &Limits) {
    let wire = cmd.to_wire();
    assert!(wire.ends_with(b"\r\n"));
    // Canonical forms are never longer than what they were decoded from, so the same limits hold.
    let (rest, cmd2) = match decode_command(&wire, limits) {
        Ok(v) => v,
        Err(e) => panic!(
            "canonical encoding {:?} of {cmd:?} does not decode: {e}",
            String::from_utf8_lossy(&wire)
        ),
    };
    assert!(rest.is_empty(), "encoding is more than one line");
    assert_eq!(&cmd2, cmd);
    assert_eq!(cmd2.to_wire(), wire, "not a fixed point");
}

/// The first byte selects the expected shape; decodes responses (resuming after errors), checks
/// that each round-trips through its canonical encoding to a fixed point, and that a decoded
/// response does not need bytes beyond the ones it consumed.
pub(crate) fn response(data: &[u8]) {
    let Some((&sel, input)) = data.split_first() else {
        return;
    };
    let expect = EXPECTS[sel as usize % EXPECTS.len()];
    let limits = Limits::default();
    let mut rest = input;
    for _ in 0..8 {
        if rest.is_empty() {
            break;
        }
        match decode_response(rest, expect, &limits) {
            Ok((after, resp)) => {
                assert!(after.len() < rest.len(), "no progress");
                assert!(rest.ends_with(after));
                let used = rest.len() - after.len();
                if expect != Expect::Guess {
                    // Self-delimiting: the bytes consumed are enough on their own (Guess looks
                    // one line ahead, so it may legitimately want more).
                    let (r, again) = decode_response(&rest[..used], expect, &limits)
                        .expect("the consumed prefix decodes on its own");
                    assert!(r.is_empty());
                    assert_eq!(again, resp);
                }
                response_round_trip(&resp, expect);
                rest = after;
            }
            Err(DecodeError::Incomplete) => break,
            Err(DecodeError::Failed(e)) => {
                assert!(e.skip <= rest.len(), "skip {} > {}", e.skip, rest.len());
                if e.skip == 0 {
                    break;
                }
                rest = &rest[e.skip..];
            }
        }
    }
}

fn response_round_trip(resp: &Response<'_>, expect: Expect) {
    let expect = if expect == Expect::Guess {
        expect_for(resp)
    } else {
        expect
    };
    // Canonicalisation may lengthen a line (e.g. `+OK [CODE]text` gains a space), so the
    // re-decode uses limits that leave only the grammar to decide.
    let limits = relaxed_limits();
    let wire = resp.to_wire();
    let (rest, resp2) = match decode_response(&wire, expect, &limits) {
        Ok(v) => v,
        Err(e) => panic!(
            "canonical encoding {:?} of {resp:?} does not decode as {expect:?}: {e}",
            String::from_utf8_lossy(&wire)
        ),
    };
    assert!(rest.is_empty(), "encoding is longer than one response");
    let wire2 = resp2.to_wire();
    assert_eq!(
        String::from_utf8_lossy(&wire2),
        String::from_utf8_lossy(&wire),
        "not a fixed point"
    );
    let (rest3, resp3) = decode_response(&wire2, expect, &limits).expect("fixed point decodes");
    assert!(rest3.is_empty());
    assert_eq!(resp3, resp2);
    // Values are equal, except that a body the encoder had to end with CRLF gains one.
    match (resp, &resp2) {
        (
            Response::Message { status, body },
            Response::Message {
                status: s2,
                body: b2,
            },
        )
        | (
            Response::MultiLine { status, body },
            Response::MultiLine {
                status: s2,
                body: b2,
            },
        ) if status.is_ok() => {
            assert_eq!(s2, status);
            assert_eq!(b2.as_ref(), expected_body(body, false).as_slice());
        }
        _ => assert_eq!(&resp2, resp),
    }
}
