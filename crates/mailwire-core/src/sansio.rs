//! The sans-IO vocabulary shared by the POP3 and IMAP connection state machines.
//!
//! A state machine owns no socket. The driver (a tokio task, a blocking loop, a test) repeatedly:
//!
//! 1. calls `feed(&bytes)` with whatever arrived from the peer;
//! 2. calls `next()` until it returns [`Interrupt::Io`]`(`[`Io::NeedMoreInput`]`)`, handling each
//!    event, writing each [`Io::Output`] to the peer, performing the TLS handshake on
//!    [`Io::UpgradeTls`] and closing the transport on [`Io::Close`].
//!
//! Time never enters the machines: timeouts are the driver's business.

use core::fmt;

/// Why a state machine's `next()` returned without an event.
#[must_use = "an interrupt tells the driver what to do next"]
#[derive(Clone, PartialEq, Eq)]
pub enum Interrupt<E> {
    /// The driver has I/O to perform before the machine can go on.
    Io(Io),
    /// The machine hit an error it cannot recover from; the driver should close the connection.
    Error(E),
}

impl<E: fmt::Debug> fmt::Debug for Interrupt<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interrupt::Io(io) => f.debug_tuple("Io").field(io).finish(),
            Interrupt::Error(e) => f.debug_tuple("Error").field(e).finish(),
        }
    }
}

/// I/O the driver performs for a state machine.
#[must_use = "the driver must perform this I/O"]
#[derive(Clone, PartialEq, Eq)]
pub enum Io {
    /// Everything buffered has been processed: read more bytes from the peer and `feed` them.
    NeedMoreInput,
    /// Write these bytes to the peer, in order, then call `next()` again.
    Output(Vec<u8>),
    /// All output before this point has been handed out and the input buffer is empty: perform the
    /// TLS handshake now (RFC 2595 §4, RFC 9051 §6.2.1), then keep feeding the decrypted stream.
    UpgradeTls,
    /// The session is over (after `QUIT`/`LOGOUT` or a fatal protocol error): close the transport
    /// once all output has been written.
    Close,
}

impl fmt::Debug for Io {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Io::NeedMoreInput => f.write_str("NeedMoreInput"),
            // Output may carry credentials being sent by a client: show only its size.
            Io::Output(bytes) => write!(f, "Output({} bytes)", bytes.len()),
            Io::UpgradeTls => f.write_str("UpgradeTls"),
            Io::Close => f.write_str("Close"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_debug_hides_bytes() {
        let io = Io::Output(b"PASS secret\r\n".to_vec());
        let shown = format!("{:?}", Interrupt::<()>::Io(io));
        assert_eq!(shown, "Io(Output(13 bytes))");
    }
}
