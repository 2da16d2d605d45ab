//! `pop3_body`: dot-stuffing and un-stuffing (`mailwire_core::dot`).

use mailwire_core::dot::{Stuffer, Unstuffer, stuff, unstuff};

use crate::util::{Rng, chunk_len, expected_body, header};

/// Header: `[flags, chunk_max, seed]`; flags bit 0: the streaming decoder accepts `.` LF as the
/// terminator. The rest is the payload, used both as a wire body to decode and as a body to encode.
pub(crate) fn body(data: &[u8]) {
    let (h, payload) = header::<3>(data);
    let bare_lf = h[0] & 1 != 0;
    let chunk_max = h[1];
    let mut rng = Rng::new(u64::from(h[2]) | (payload.len() as u64) << 8);

    // Decoding arbitrary input.
    let whole = unstuff(payload);
    let one = decode_chunked(payload, bare_lf, &mut rng, 0);
    let chunked = decode_chunked(payload, bare_lf, &mut rng, chunk_max);
    assert_eq!(chunked, one, "chunked decode differs from one-shot decode");
    let (out, consumed, finished) = &one;
    assert!(*consumed <= payload.len());
    assert!(out.len() <= *consumed);
    if !finished {
        assert!(
            payload.len() - consumed <= 3,
            "held back {} bytes",
            payload.len() - consumed
        );
    }
    if !bare_lf {
        match &whole {
            Some((body, n)) => {
                assert!(finished);
                assert_eq!((body.as_ref(), *n), (out.as_slice(), *consumed));
            }
            None => assert!(!finished),
        }
    } else if let Some((body, n)) = &whole {
        // The quirk can only end the body earlier.
        assert!(finished);
        assert!(*consumed <= *n);
        if *consumed == *n {
            assert_eq!(body.as_ref(), out.as_slice());
        }
    }

    // Encoding arbitrary bodies.
    let wire = stuff(payload);
    check_stuffed(&wire);
    let expected = expected_body(payload, false);
    let (back, used) = unstuff(&wire).expect("stuffed body is complete");
    assert_eq!(used, wire.len());
    assert_eq!(back.as_ref(), expected.as_slice());
    // The quirk decoder reads a stuffed body the same way: no line is `.` LF.
    let lenient = decode_chunked(&wire, true, &mut rng, 0);
    assert_eq!(
        (lenient.0.as_slice(), lenient.1, lenient.2),
        (expected.as_slice(), wire.len(), true)
    );
    // Streaming encoder, chunked, gives the same bytes.
    assert_eq!(encode_chunked(payload, false, &mut rng, chunk_max), wire);
    // Normalizing encoder: bare LF becomes CRLF.
    let normalized = encode_chunked(payload, true, &mut rng, chunk_max);
    check_stuffed(&normalized);
    assert_eq!(encode_chunked(payload, true, &mut rng, 0), normalized);
    let (back, used) = unstuff(&normalized).expect("normalized body is complete");
    assert_eq!(used, normalized.len());
    assert_eq!(back.as_ref(), expected_body(payload, true).as_slice());
}

/// Streams `wire` through an `Unstuffer` in chunks (`chunk_max == 0`: one chunk), presenting
/// unconsumed bytes again as a socket driver would. Returns `(body, consumed, finished)`.
fn decode_chunked(
    wire: &[u8],
    bare_lf: bool,
    rng: &mut Rng,
    chunk_max: u8,
) -> (Vec<u8>, usize, bool) {
    let mut u = Unstuffer::new().with_bare_lf_terminator(bare_lf);
    let mut out = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0;
    let mut consumed = 0;
    loop {
        let n = chunk_len(rng, chunk_max, wire.len() - fed);
        buf.extend_from_slice(&wire[fed..fed + n]);
        fed += n;
        let before = out.len();
        let p = u.decode_into(&buf, &mut out);
        assert!(p.consumed <= buf.len());
        assert!(out.len() - before <= p.consumed);
        assert_eq!(p.finished, u.is_finished());
        consumed += p.consumed;
        buf.drain(..p.consumed);
        if p.finished || fed == wire.len() {
            if p.finished {
                // A finished decoder consumes nothing more.
                let again = u.decode_into(b".\r\n", &mut out);
                assert_eq!((again.consumed, again.finished), (0, true));
            }
            return (out, consumed, p.finished);
        }
    }
}

fn encode_chunked(body: &[u8], normalize: bool, rng: &mut Rng, chunk_max: u8) -> Vec<u8> {
    let mut s = if normalize {
        Stuffer::normalizing()
    } else {
        Stuffer::new()
    };
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < body.len() {
        let n = chunk_len(rng, chunk_max, body.len() - pos);
        s.encode(&body[pos..pos + n], &mut out);
        if rng.one_in(8) {
            s.encode(b"", &mut out);
        }
        pos += n;
    }
    s.finish(&mut out);
    out
}

/// A stuffed body ends in `.` CRLF after a CRLF (or is only that line), and every other line
/// start (after any LF) that holds a `.` holds a doubled one.
fn check_stuffed(wire: &[u8]) {
    assert!(wire.ends_with(b".\r\n"));
    let end = wire.len() - 3;
    assert!(
        end == 0 || wire[..end].ends_with(b"\r\n"),
        "body not ended by CRLF"
    );
    for p in 0..end {
        if (p == 0 || wire[p - 1] == b'\n') && wire[p] == b'.' {
            assert_eq!(
                wire.get(p + 1),
                Some(&b'.'),
                "unstuffed dot at line start {p}"
            );
        }
    }
}
