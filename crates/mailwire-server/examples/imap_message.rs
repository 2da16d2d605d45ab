//! Prints ENVELOPE, BODYSTRUCTURE and BODY of `.eml` files as an IMAP server sends them
//! (RFC 9051 §7.5.2), or with `--bench N` times parsing them N times each.
//!
//! `cargo run --release -p mailwire-server --example imap_message -- FILE...`

use std::time::Instant;

use bytes::Bytes;
use mailwire_imap::codec::Encode;
use mailwire_imap::types::MessageDataItem;
use mailwire_server::imap::message::ParsedMessage;

fn wire(item: MessageDataItem<'_>) -> String {
    String::from_utf8_lossy(&item.encode().dump()).into_owned()
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let rounds = match args.iter().position(|a| a == "--bench") {
        Some(i) => {
            let n = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(1000);
            args.drain(i..(i + 2).min(args.len()));
            Some(n)
        }
        None => None,
    };
    let files: Vec<(String, Bytes)> = args
        .iter()
        .filter_map(|p| std::fs::read(p).ok().map(|d| (p.clone(), Bytes::from(d))))
        .collect();
    if let Some(rounds) = rounds {
        let total: usize = files.iter().map(|(_, d)| d.len()).sum();
        let start = Instant::now();
        let mut out = 0usize;
        for _ in 0..rounds {
            for (_, data) in &files {
                let m = ParsedMessage::new(data.clone());
                out += wire(MessageDataItem::Envelope(Box::new(m.envelope()))).len();
                out += wire(MessageDataItem::BodyStructure(Box::new(m.body_structure()))).len();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = rounds * files.len();
        println!(
            "{n} messages ({:.1} MiB) ENVELOPE+BODYSTRUCTURE in {secs:.3} s: {:.0} messages/s, {:.1} MiB/s ({out} bytes out)",
            (total * rounds) as f64 / 1048576.0,
            n as f64 / secs,
            (total * rounds) as f64 / 1048576.0 / secs
        );
        return;
    }
    for (path, data) in files {
        let m = ParsedMessage::new(data);
        println!("== {path}");
        println!(
            "{}",
            wire(MessageDataItem::Envelope(Box::new(m.envelope())))
        );
        println!(
            "{}",
            wire(MessageDataItem::BodyStructure(Box::new(m.body_structure())))
        );
        println!("{}", wire(MessageDataItem::Body(Box::new(m.body()))));
    }
}
