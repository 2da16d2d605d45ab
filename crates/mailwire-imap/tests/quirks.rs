//! The 8-bit tolerance switch (`Quirks::eight_bit`).

use mailwire_imap::codec::{DecodeError, Options, Quirks, decode_command, decode_response};

#[test]
fn latin1_text_is_tolerated_in_responses_only_when_switched_on() {
    // "Café" in Latin-1 in a quoted ENVELOPE-like string and in status text.
    let wire = b"* OK caf\xe9 ready\r\n";
    assert!(decode_response(wire, &Options::responses()).is_ok());
    let strict = Options {
        quirks: Quirks::STRICT,
        ..Options::responses()
    };
    assert!(matches!(decode_response(wire, &strict), Err(DecodeError::Failed(e)) if e.offset == 8));
    // Valid UTF-8 is IMAP4rev2 text, accepted either way.
    assert!(decode_response("* OK café ready\r\n".as_bytes(), &strict).is_ok());
}

#[test]
fn commands_refuse_8bit_outside_literals_by_default() {
    let quoted = b"a1 SEARCH SUBJECT \"caf\xe9\"\r\n";
    assert!(matches!(
        decode_command(quoted, &Options::commands()),
        Err(DecodeError::Failed(_))
    ));
    let lenient = Options {
        quirks: Quirks {
            eight_bit: true,
            ..Quirks::COMMANDS
        },
        ..Options::commands()
    };
    assert!(decode_command(quoted, &lenient).is_ok());
    // In a literal any byte but NUL is fine (the charset is the client's business).
    let literal = b"a1 SEARCH CHARSET ISO-8859-1 SUBJECT {4+}\r\ncaf\xe9\r\n";
    assert!(decode_command(literal, &Options::commands()).is_ok());
}
