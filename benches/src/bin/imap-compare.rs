//! Compares mailwire-imap with imap-codec and imap-proto on the same generated inputs and prints
//! a table, without criterion.
//!
//! `cargo run --release -p mailwire-benches --bin imap-compare [runs] [scenarios] [libraries]`
//!
//! `scenarios` picks some of `a`, `b`, `c`, `d` (default `abcd`); `libraries` some of `m`
//! (mailwire-imap), `c` (imap-codec), `p` (imap-proto) (default all): handy under `perf record`.
//!
//! Scenarios (inputs from `mailwire_benches::imap`):
//!
//! * (a) a SELECT answer and 10,000 `FETCH (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE
//!   BODYSTRUCTURE)` responses, decoded response by response as a client does;
//! * (b) `FETCH (UID n BODY[] {size} ...)` responses with 4 KiB, 64 KiB and 1 MiB literals;
//! * (c) 10,000 client commands drawn from 20 common ones, decoded as a server does (imap-proto
//!   has no command parser);
//! * (d) encoding the messages of (a), decoded once up front (imap-proto has no encoder); (d2)
//!   the same for the commands of (c).
//!
//! Every library must decode every input before anything is timed, and the libraries must agree
//! on what the FETCH responses hold. Each figure is the best of `runs` rounds (default 10), the
//! libraries timed in turn within each round: the timing least disturbed by other work on the
//! machine. MiB/s is of the wire bytes (for encoding: of the bytes produced); ns/msg is per
//! response or command.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use imap_codec::{CommandCodec, IdleDoneCodec, ResponseCodec};
use mailwire_benches::MIB;
use mailwire_benches::imap::{
    body_literals, check_codec_commands, check_codec_responses, check_commands,
    check_mailwire_encoding, check_session, command_stream, fetch_session, imap_codec as ic,
    imap_proto as ip, mailwire as mw,
};
use mailwire_imap::codec::Options;

/// One library's contender in a scenario: its name, the bytes and messages one call handles,
/// and the call.
struct Contender<'f> {
    library: &'static str,
    bytes: usize,
    messages: usize,
    run: Box<dyn Fn() -> usize + 'f>,
}

fn contender<'f>(
    library: &'static str,
    bytes: usize,
    messages: usize,
    run: impl Fn() -> usize + 'f,
) -> Contender<'f> {
    Contender {
        library,
        bytes,
        messages,
        run: Box::new(run),
    }
}

struct Row {
    scenario: String,
    library: &'static str,
    bytes: usize,
    messages: usize,
    time: Duration,
}

impl Row {
    fn mib_s(&self) -> f64 {
        self.bytes as f64 / MIB as f64 / self.time.as_secs_f64()
    }
    fn ns_msg(&self) -> f64 {
        self.time.as_nanos() as f64 / self.messages as f64
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

struct Bench {
    runs: usize,
    libraries: String,
    rows: Vec<Row>,
}

impl Bench {
    /// Times the contenders (those not filtered out): `runs` rounds, each timing every contender
    /// once in turn (so that a burst of other work on the machine hits them alike), each timing
    /// `reps` calls; keeps the best round of each.
    fn measure(&mut self, scenario: &str, reps: usize, contenders: Vec<Contender<'_>>) {
        let contenders: Vec<_> = contenders
            .into_iter()
            .filter(|c| {
                let key = match c.library {
                    "mailwire-imap" => 'm',
                    "imap-codec" => 'c',
                    _ => 'p',
                };
                self.libraries.contains(key)
            })
            .collect();
        let mut best = vec![Duration::MAX; contenders.len()];
        for _ in 0..self.runs {
            for (c, best) in contenders.iter().zip(&mut best) {
                let t = Instant::now();
                for _ in 0..reps {
                    black_box((c.run)());
                }
                *best = (*best).min(t.elapsed() / reps as u32);
            }
        }
        for (c, time) in contenders.iter().zip(best) {
            self.rows.push(Row {
                scenario: scenario.into(),
                library: c.library,
                bytes: c.bytes,
                messages: c.messages,
                time,
            });
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let scenarios = args.next().unwrap_or_else(|| "abcd".into());
    let libraries = args.next().unwrap_or_else(|| "mcp".into());
    let resp_opts = Options::responses();
    let cmd_opts = Options::commands();
    let rc = ResponseCodec::default();
    let cc = CommandCodec::default();
    let dc = IdleDoneCodec::default();
    let mut b = Bench {
        runs,
        libraries,
        rows: Vec::new(),
    };
    println!(
        "load average before: {}; best of {runs} rounds (libraries interleaved)",
        load()
    );

    let a = fetch_session(10_000, 1);
    let c = command_stream(10_000, 3);

    if scenarios.contains('a') {
        check_session(&a);
        println!(
            "(a) {} bytes, {} responses ({} FETCH), {:.0} bytes/response",
            a.wire.len(),
            a.responses,
            a.fetches,
            a.wire.len() as f64 / a.responses as f64
        );
        let (bytes, n) = (a.wire.len(), a.responses);
        b.measure(
            "(a) decode SELECT + 10k FETCH",
            1,
            vec![
                contender("mailwire-imap", bytes, n, || {
                    mw::decode_all(&a.wire, &resp_opts).expect("decodes").0
                }),
                contender("imap-codec", bytes, n, || {
                    ic::decode_all(&a.wire, &rc).expect("decodes").0
                }),
                contender("imap-proto", bytes, n, || {
                    ip::decode_all(&a.wire).expect("decodes").0
                }),
            ],
        );
    }

    if scenarios.contains('b') {
        for (size, label, n) in [
            (4 * 1024, "4 KiB", 256),
            (64 * 1024, "64 KiB", 64),
            (MIB, "1 MiB", 16),
        ] {
            let s = body_literals(n, size, 5);
            check_session(&s);
            // Several passes per timing for the small inputs, so that each lasts a while.
            let reps = (8 * MIB / s.wire.len()).max(1);
            let bytes = s.wire.len();
            b.measure(
                &format!("(b) decode FETCH BODY[] {label}"),
                reps,
                vec![
                    contender("mailwire-imap", bytes, n, || {
                        mw::decode_all(&s.wire, &resp_opts).expect("decodes").0
                    }),
                    contender("imap-codec", bytes, n, || {
                        ic::decode_all(&s.wire, &rc).expect("decodes").0
                    }),
                    contender("imap-proto", bytes, n, || {
                        ip::decode_all(&s.wire).expect("decodes").0
                    }),
                ],
            );
        }
    }

    if scenarios.contains('c') {
        check_commands(&c);
        println!(
            "(c) {} bytes, {} commands ({} IDLE + DONE), {:.0} bytes/command",
            c.wire.len(),
            c.commands,
            c.idles,
            c.wire.len() as f64 / c.commands as f64
        );
        let (bytes, n) = (c.wire.len(), c.commands);
        b.measure(
            "(c) decode 10k commands",
            1,
            vec![
                contender("mailwire-imap", bytes, n, || {
                    mw::decode_commands(&c.wire, &cmd_opts).expect("decodes")
                }),
                contender("imap-codec", bytes, n, || {
                    ic::decode_commands(&c.wire, &cc, &dc).expect("decodes")
                }),
            ],
        );
    }

    if scenarios.contains('d') {
        let mw_resp = mw::decode_vec(&a.wire, &resp_opts);
        let ic_resp = ic::decode_vec(&a.wire, &rc);
        let mw_len = check_mailwire_encoding(&mw_resp);
        let ic_len = check_codec_responses(&ic_resp);
        println!(
            "(d) output: mailwire-imap {mw_len} bytes (identical to the input: {}), \
             imap-codec {ic_len} bytes",
            mw_len == a.wire.len()
        );
        b.measure(
            "(d) encode SELECT + 10k FETCH",
            1,
            vec![
                contender("mailwire-imap", mw_len, mw_resp.len(), || {
                    mw::encode_all(&mw_resp)
                }),
                contender("imap-codec", ic_len, ic_resp.len(), || {
                    ic::encode_responses(&rc, &ic_resp)
                }),
            ],
        );

        let mw_cmds = mw::decode_command_vec(&c.wire, &cmd_opts);
        let ic_cmds = ic::decode_command_vec(&c.wire, &cc, &dc);
        let mw_clen = check_mailwire_encoding(&mw_cmds);
        let ic_clen = check_codec_commands(&ic_cmds);
        b.measure(
            "(d2) encode 10k commands",
            1,
            vec![
                contender("mailwire-imap", mw_clen, mw_cmds.len(), || {
                    mw::encode_all(&mw_cmds)
                }),
                contender("imap-codec", ic_clen, ic_cmds.len(), || {
                    ic::encode_commands(&cc, &ic_cmds)
                }),
            ],
        );
    }

    print_table(&b.rows);
    println!("load average after: {}", load());
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "{:<32} {:<14} {:>10} {:>12} {:>18}",
        "scenario", "library", "MiB/s", "ns/msg", "mailwire faster by"
    );
    println!("{}", "-".repeat(90));
    for r in rows {
        let base = rows
            .iter()
            .find(|m| m.scenario == r.scenario && m.library == "mailwire-imap");
        let speedup = match base {
            Some(m) if r.library != "mailwire-imap" => format!("{:.2}x", r.ns_msg() / m.ns_msg()),
            _ => String::new(),
        };
        println!(
            "{:<32} {:<14} {:>10.1} {:>12.1} {:>18}",
            r.scenario,
            r.library,
            r.mib_s(),
            r.ns_msg(),
            speedup
        );
    }
    println!();
}
