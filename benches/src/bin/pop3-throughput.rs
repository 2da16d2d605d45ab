//! Prints un-stuffing and stuffing throughput on a 32 MiB message, without criterion.
//!
//! `cargo run --release -p mailwire-benches --bin pop3-throughput [MiB] [iterations]`
//!
//! Each figure is the best of several iterations (the least disturbed by other work on the
//! machine), in MiB/s of the input processed. A `memcpy` of the same size is shown as the ceiling.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use mailwire_benches::{
    MIB, SOCKET_CHUNK, client_awaiting_retr, client_receive, message_text, retr_response,
    stuff_chunked, stuffed, unstuff_chunked, unstuff_chunked_ranges,
};
use mailwire_core::dot::{Unstuffer, unstuff};
use mailwire_pop3::codec::{Expect, Limits, decode_response};

fn best(iterations: usize, mut f: impl FnMut()) -> Duration {
    (0..iterations)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(name: &str, bytes: usize, d: Duration) {
    let mib_s = bytes as f64 / MIB as f64 / d.as_secs_f64();
    println!(
        "{name:<44} {:>9.1} MiB/s  {:>6.2} GiB/s  ({:.2} ms)",
        mib_s,
        mib_s / 1024.0,
        d.as_secs_f64() * 1e3
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(32);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let body = message_text(mib * MIB, 1);
    let wire = stuffed(&body);
    let response = retr_response(&body);
    let dots = wire.len() - body.len() - 3;
    println!(
        "body {} bytes, {} lines, {dots} stuffed dots; wire {} bytes; best of {iterations}",
        body.len(),
        body.iter().filter(|&&b| b == b'\n').count(),
        wire.len()
    );

    let mut out: Vec<u8> = Vec::with_capacity(wire.len());
    report(
        "memcpy (ceiling)",
        wire.len(),
        best(iterations, || {
            out.clear();
            out.extend_from_slice(&wire);
            black_box(&out);
        }),
    );
    report(
        "memcpy into a fresh Vec (owned ceiling)",
        wire.len(),
        best(iterations, || {
            black_box(wire.to_vec());
        }),
    );
    report(
        "unstuff: Unstuffer 64 KiB reads, copied",
        wire.len(),
        best(iterations, || {
            out.clear();
            black_box(unstuff_chunked(&wire, SOCKET_CHUNK, &mut out));
        }),
    );
    report(
        "unstuff: Unstuffer 64 KiB reads, ranges",
        wire.len(),
        best(iterations, || {
            black_box(unstuff_chunked_ranges(&wire, SOCKET_CHUNK));
        }),
    );
    report(
        "unstuff: dot::unstuff whole",
        wire.len(),
        best(iterations, || {
            black_box(unstuff(&wire).map(|(b, n)| (b.len(), n)));
        }),
    );
    report(
        "unstuff: Unstuffer whole input, reused Vec",
        wire.len(),
        best(iterations, || {
            out.clear();
            black_box(Unstuffer::new().decode_into(&wire, &mut out).consumed);
        }),
    );
    report(
        "unstuff: decode_response(Message) whole",
        response.len(),
        best(iterations, || {
            let r = decode_response(&response, Expect::Message, &Limits::default());
            black_box(r.map(|(rest, _)| rest.len()).ok());
        }),
    );
    report(
        "unstuff: client RETR 64 KiB reads",
        response.len(),
        best(iterations, || {
            let mut c = client_awaiting_retr();
            black_box(client_receive(&mut c, &response, SOCKET_CHUNK));
        }),
    );
    report(
        "stuff: Stuffer 64 KiB pieces",
        body.len(),
        best(iterations, || {
            out.clear();
            stuff_chunked(&body, SOCKET_CHUNK, &mut out);
            black_box(&out);
        }),
    );
    report(
        "stuff: Stuffer whole body",
        body.len(),
        best(iterations, || {
            out.clear();
            stuff_chunked(&body, usize::MAX, &mut out);
            black_box(&out);
        }),
    );
}
