//! POP3 codec benchmarks: multi-megabyte bodies (un-stuffing and stuffing), the client receiving a
//! `RETR`, command decoding and large listings.
//!
//! `cargo bench -p mailwire-benches`; every benchmark reports bytes per second.
// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mailwire_benches::{
    MIB, SOCKET_CHUNK, client_awaiting_retr, client_receive, command_mix, message_text,
    retr_response, scan_list, stuff_chunked, stuffed, uid_list, unstuff_chunked,
    unstuff_chunked_ranges,
};
use mailwire_core::dot::Stuffer;
use mailwire_pop3::codec::{Expect, Limits, decode_command, decode_response};

const SIZES: [(usize, &str); 2] = [(4 * MIB, "4MiB"), (32 * MIB, "32MiB")];

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

fn bodies(c: &mut Criterion) {
    let mut g = c.benchmark_group("retr_body");
    for (size, name) in SIZES {
        let body = message_text(size, 1);
        let wire = stuffed(&body);
        let response = retr_response(&body);
        let mut out = Vec::with_capacity(body.len());

        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("unstuff_stream_64k", name),
            &wire,
            |b, w| {
                b.iter(|| {
                    out.clear();
                    black_box(unstuff_chunked(w, SOCKET_CHUNK, &mut out))
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("unstuff_ranges_64k", name),
            &wire,
            |b, w| b.iter(|| black_box(unstuff_chunked_ranges(w, SOCKET_CHUNK))),
        );
        g.throughput(Throughput::Bytes(response.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("decode_response_whole", name),
            &response,
            |b, r| {
                b.iter(|| {
                    let (rest, resp) =
                        decode_response(r, Expect::Message, &Limits::default()).expect("decodes");
                    black_box((rest.len(), resp))
                })
            },
        );
        g.throughput(Throughput::Bytes(body.len() as u64));
        let mut wire_out = Vec::with_capacity(wire.len());
        g.bench_with_input(
            BenchmarkId::new("stuff_stream_64k", name),
            &body,
            |b, body| {
                b.iter(|| {
                    wire_out.clear();
                    stuff_chunked(body, SOCKET_CHUNK, &mut wire_out);
                    black_box(wire_out.len())
                })
            },
        );
        g.bench_with_input(BenchmarkId::new("stuff_whole", name), &body, |b, body| {
            b.iter(|| {
                wire_out.clear();
                let mut s = Stuffer::new();
                s.encode(body, &mut wire_out);
                s.finish(&mut wire_out);
                black_box(wire_out.len())
            })
        });
    }
    g.finish();
}

fn client(c: &mut Criterion) {
    let mut g = c.benchmark_group("client");
    let body = message_text(4 * MIB, 2);
    let response = retr_response(&body);
    g.throughput(Throughput::Bytes(response.len() as u64));
    g.bench_function("retr_4MiB_64k_chunks", |b| {
        b.iter_batched(
            client_awaiting_retr,
            |mut conn| black_box(client_receive(&mut conn, &response, SOCKET_CHUNK)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn codec(c: &mut Criterion) {
    let mut g = c.benchmark_group("codec");
    let mix = command_mix(10_000);
    g.throughput(Throughput::Bytes(mix.len() as u64));
    g.bench_function("decode_command_mix_10000", |b| {
        b.iter(|| {
            let limits = Limits::default();
            let mut rest = &mix[..];
            let mut n = 0;
            while let Ok((r, cmd)) = decode_command(rest, &limits) {
                black_box(cmd);
                rest = r;
                n += 1;
            }
            n
        })
    });
    for (name, wire, expect) in [
        ("decode_list_10000", scan_list(10_000), Expect::ScanList),
        ("decode_uidl_10000", uid_list(10_000), Expect::UidList),
    ] {
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let (rest, resp) =
                    decode_response(&wire, expect, &Limits::default()).expect("decodes");
                black_box((rest.len(), resp))
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bodies, client, codec
}
criterion_main!(benches);
