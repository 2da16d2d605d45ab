//! tmp
use mailwire_core::{Interrupt, Io};
use mailwire_imap::client::{self, Connection, Event};
use mailwire_imap::types::CommandBody;
#[test]
fn check() {
    let mut c = Connection::new(client::Options::default());
    eprintln!("enq1 {:?}", c.enqueue(CommandBody::StartTls));
    c.feed(b"* OK hi\r\n");
    let mut step = 0;
    for _ in 0..40 {
        match c.next() {
            Ok(ev) => eprintln!("event {ev:?}"),
            Err(Interrupt::Io(Io::Output(b))) => eprintln!("out {:?}", String::from_utf8_lossy(&b)),
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                step += 1;
                match step {
                    1 => { eprintln!("enq2 {:?}", c.enqueue(CommandBody::StartTls)); }
                    2 => c.feed(b"A1 OK\r\n"),
                    3 => c.feed(b"A2 OK\r\n"),
                    _ => break,
                }
            }
            Err(e) => { eprintln!("{e:?}"); if matches!(e, Interrupt::Error(_)) { break } }
        }
    }
}
