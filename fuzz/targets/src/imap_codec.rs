//! The IMAP codec targets: `imap_command` and `imap_response`.

use std::fmt::Debug;

use mailwire_imap::codec::{
    DecodeError, Encode, Options, decode_authenticate_data, decode_challenge, decode_command,
    decode_greeting, decode_idle_done, decode_response,
};
use mailwire_imap::types::{AuthenticateData, IntoStatic, Response};

use crate::imap_util::{options, relaxed, walk};
use crate::util::header;

/// A decoder that detaches its result: the number of bytes left and the value.
type Redecode<'d, S> = &'d dyn Fn(&[u8], &Options) -> Result<(usize, S), DecodeError>;

/// Decodes the canonical encoding `wire` of `value` (which must be one whole message).
fn redecode<S: Debug>(
    what: &str,
    value: &S,
    wire: &[u8],
    opts: &Options,
    decode: Redecode<'_, S>,
) -> S {
    match decode(wire, opts) {
        Ok((0, v)) => v,
        Ok((left, _)) => panic!(
            "{what}: the encoding {:?} of {value:?} is more than one message ({left} bytes left)",
            String::from_utf8_lossy(wire)
        ),
        Err(e) => panic!(
            "{what}: the encoding {:?} of {value:?} does not decode: {e}",
            String::from_utf8_lossy(wire)
        ),
    }
}

macro_rules! detached {
    ($decode:path) => {
        &|w: &[u8], o: &Options| $decode(w, o).map(|(r, v)| (r.len(), v.into_static()))
    };
}

/// Layout: `[quirks, knobs]` (see [`options`], relative to `Options::commands()`), then client
/// text.
pub(crate) fn command(data: &[u8]) {
    let ([q, k], stream) = header::<2>(data);
    let opts = options(q, k, Options::commands());
    let re = relaxed(&opts);

    walk(stream, &opts, decode_command, |_, cmd| {
        // Commands decode strictly: the canonical encoding decodes to an equal command, and
        // encoding that gives the same bytes.
        let cmd = cmd.into_static();
        let wire = cmd.encode().dump();
        let cmd2 = redecode("command", &cmd, &wire, &re, detached!(decode_command));
        assert_eq!(
            cmd2,
            cmd,
            "command changed by re-encoding {:?}",
            String::from_utf8_lossy(&wire)
        );
        assert_eq!(
            String::from_utf8_lossy(&cmd2.encode().dump()),
            String::from_utf8_lossy(&wire),
            "not a fixed point"
        );
    });

    walk(stream, &opts, decode_authenticate_data, |_, d| {
        let wire = d.encode().dump();
        let dec: Redecode<'_, AuthenticateData> =
            &|w: &[u8], o: &Options| decode_authenticate_data(w, o).map(|(r, v)| (r.len(), v));
        let d2 = redecode("authenticate data", &d, &wire, &re, dec);
        assert_eq!(d2, d);
        assert_eq!(d2.encode().dump(), wire);
    });

    walk(stream, &opts, decode_idle_done, |msg, d| {
        assert_eq!(d.encode().dump(), b"DONE\r\n");
        let line = msg.strip_suffix(b"\n").unwrap_or(msg);
        let mut line = line.strip_suffix(b"\r").unwrap_or(line);
        if opts.quirks.lenient_spaces {
            // Trailing spaces are tolerated with this quirk.
            while let Some(l) = line.strip_suffix(b" ") {
                line = l;
            }
        }
        assert!(
            line.eq_ignore_ascii_case(b"DONE"),
            "{:?} decoded as DONE",
            String::from_utf8_lossy(msg)
        );
    });
}

/// Layout: `[quirks, knobs]` (see [`options`], relative to `Options::responses()`), then server
/// text.
pub(crate) fn response(data: &[u8]) {
    let ([q, k], stream) = header::<2>(data);
    let opts = options(q, k, Options::responses());
    let re = relaxed(&opts);

    // The greeting: the first message only.
    if let Ok((_, g)) = decode_greeting(stream, &opts) {
        fixed_point(
            "greeting",
            &g.into_static(),
            &re,
            detached!(decode_greeting),
        );
    }
    walk(stream, &opts, decode_response, |_, r| {
        let r = r.into_static();
        let r2 = fixed_point("response", &r, &re, detached!(decode_response));
        same_value("response", &r, &r2);
    });
    walk(stream, &opts, decode_challenge, |_, r| {
        let r = r.into_static();
        let r2 = fixed_point("challenge", &r, &re, detached!(decode_challenge));
        same_value("challenge", &r, &r2);
    });
}

/// The value decoded from the first re-encoding equals the original.
fn same_value(what: &str, r: &Response<'static>, r2: &Response<'static>) {
    assert_eq!(r2, r, "{what}: value changed by re-encoding");
}

/// `value` → `w1` → `v2` → `w2`: `v2` must exist, `w2 == w1` (the first re-encoding may
/// normalize, the second must not change anything) and `w2` decodes to `v2` again. Returns `v2`.
fn fixed_point<S: Encode + Debug + PartialEq>(
    what: &str,
    value: &S,
    re: &Options,
    decode: Redecode<'_, S>,
) -> S {
    let w1 = value.encode().dump();
    let v2 = redecode(what, value, &w1, re, decode);
    let w2 = v2.encode().dump();
    assert_eq!(
        String::from_utf8_lossy(&w2),
        String::from_utf8_lossy(&w1),
        "{what}: not a fixed point after one re-encoding"
    );
    let v3 = redecode(what, &v2, &w2, re, decode);
    assert_eq!(v3, v2, "{what}: the fixed point decodes differently");
    v2
}
