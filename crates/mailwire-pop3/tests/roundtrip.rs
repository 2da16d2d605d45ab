//! Property tests: every valid message encodes and decodes back to itself, canonical bytes decode
//! and encode back to the same bytes, and a stream of responses decodes the same in any chunking.

use mailwire_core::{Interrupt, Io};
use mailwire_pop3::arbitrary::{command, expect_for, response};
use mailwire_pop3::codec::{DecodeError, Encode, Expect, Limits, decode_command, decode_response};
use mailwire_pop3::{Command, Response, client};
use proptest::prelude::*;

fn lax() -> Limits {
    // Arbitrary text may exceed the RFC line limits; the round trip is about the grammar.
    Limits {
        max_command_line: 1 << 20,
        max_status_line: 1 << 20,
        ..Limits::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn command_value_round_trip(c in command()) {
        let wire = c.to_wire();
        let (rest, back) = decode_command(&wire, &lax()).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &c);
        // Canonical bytes come back unchanged.
        prop_assert_eq!(back.to_wire(), wire);
    }

    #[test]
    fn response_value_round_trip(r in response()) {
        let wire = r.to_wire();
        let (rest, back) = decode_response(&wire, expect_for(&r), &lax()).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(&back, &r);
        prop_assert_eq!(back.to_wire(), wire);
    }

    #[test]
    fn serde_json_round_trip(c in command().prop_filter("secrets serialize redacted", |c| !matches!(c, Command::Pass(_) | Command::Apop { .. } | Command::Auth(Some(_)))),
                             r in response().prop_filter("secrets serialize redacted", |r| !matches!(r, Response::Challenge(_)))) {
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<Command<'_>>(&json).unwrap(), c);
        let json = serde_json::to_string(&r).unwrap();
        prop_assert_eq!(serde_json::from_str::<Response<'_>>(&json).unwrap(), r);
    }

    #[test]
    fn decoding_never_panics_on_noise(data in proptest::collection::vec(any::<u8>(), 0..300), e in 0usize..14) {
        let expects = [Expect::Greeting, Expect::Status, Expect::Stat, Expect::Scan, Expect::ScanList,
            Expect::Uid, Expect::UidList, Expect::Capabilities, Expect::Message, Expect::Mechanisms,
            Expect::Languages, Expect::Auth, Expect::MultiLine, Expect::Guess];
        let _ = decode_response(&data, expects[e], &Limits::default());
        let _ = decode_command(&data, &Limits::default());
    }

    /// Every prefix of a valid message is Incomplete; a message followed by garbage decodes with
    /// the garbage left over.
    #[test]
    fn prefixes_are_incomplete(r in response()) {
        let wire = r.to_wire();
        for cut in 0..wire.len() {
            let res = decode_response(&wire[..cut], expect_for(&r), &lax());
            prop_assert_eq!(res.unwrap_err(), DecodeError::Incomplete, "cut at {}", cut);
        }
    }

    /// The client state machine decodes a stream of answers the same whatever the chunking.
    #[test]
    fn client_machine_chunking(responses in proptest::collection::vec(response().prop_filter(
        "answers a client can get in AUTHORIZATION without AUTH", |r| !matches!(r, Response::Greeting(_) | Response::Challenge(_))), 1..6),
        chunks in proptest::collection::vec(1usize..64, 1..8)) {
        let mut wire = b"+OK hi\r\n".to_vec();
        let mut cmds = Vec::new();
        for r in &responses {
            r.encode(&mut wire);
            cmds.push(expect_for(r));
        }
        let run = |sizes: &[usize]| {
            let opts = client::Options { pipelining: true, limits: lax(), ..client::Options::default() };
            let mut c = client::Connection::new(opts);
            for e in &cmds {
                // Any command will do; the expected shape is what matters.
                c.enqueue_expecting(Command::Capa, *e).unwrap();
            }
            let mut got: Vec<(Option<Response<'static>>, Vec<u8>)> = Vec::new();
            let mut fed = 0;
            let mut sizes = sizes.iter().cycle();
            loop {
                match c.next() {
                    Ok(client::Event::Response { response, .. }) => got.push((Some(response), Vec::new())),
                    Ok(client::Event::BodyStart { status, .. }) => got.push((Some(Response::Status(status)), Vec::new())),
                    Ok(client::Event::BodyChunk { data, .. }) => got.last_mut().unwrap().1.extend_from_slice(&data),
                    Ok(_) => {}
                    Err(Interrupt::Io(Io::NeedMoreInput)) if fed < wire.len() => {
                        let n = (*sizes.next().unwrap()).min(wire.len() - fed);
                        c.feed(&wire[fed..fed + n]);
                        fed += n;
                    }
                    Err(Interrupt::Io(Io::Output(_))) => {}
                    Err(other) => panic!("{other:?}"),
                }
                if fed == wire.len() && c.outstanding() == 0 {
                    break;
                }
            }
            got
        };
        let whole = run(&[usize::MAX]);
        prop_assert_eq!(whole.len(), responses.len());
        prop_assert_eq!(run(&chunks), whole);
    }
}
