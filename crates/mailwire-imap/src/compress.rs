//! The COMPRESS=DEFLATE stream layer (RFC 4978 §3 and §4): raw DEFLATE (RFC 1951, no zlib
//! header) in both directions, sans-IO.
//!
//! [`Deflater`] compresses a batch of output and ends it with a sync flush (`Z_SYNC_FLUSH`), so
//! the peer can decode everything it has received. [`Inflater`] takes compressed input as it
//! arrives and hands out plaintext in bounded pieces: a decompression bomb costs at most the
//! output size the caller asks for per call, and the caller pulls more only when it needs it.
//!
//! The client and server connections switch the layer on right after the tagged OK of COMPRESS
//! and off again after UNAUTHENTICATE (RFC 8437 §4.1); a driver only ever sees the compressed
//! bytes.
//!
//! ```
//! use mailwire_imap::compress::{Deflater, Inflater};
//!
//! let mut deflater = Deflater::new();
//! let mut wire = Vec::new();
//! deflater.compress(b"a1 NOOP\r\n", &mut wire).unwrap();
//! deflater.compress(b"a2 NOOP\r\n", &mut wire).unwrap();
//!
//! let mut inflater = Inflater::new();
//! inflater.feed(&wire);
//! let mut plain = Vec::new();
//! while inflater.inflate(&mut plain, 4).unwrap() {}
//! assert_eq!(plain, b"a1 NOOP\r\na2 NOOP\r\n");
//! ```

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// The bytes a sync flush ends with: an empty stored block's LEN and NLEN (RFC 1951 §3.2.4).
const SYNC_MARKER: [u8; 4] = [0, 0, 0xff, 0xff];

/// Why the compression layer failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompressError {
    /// The peer's data is not valid DEFLATE.
    #[error("invalid DEFLATE data from the peer: {0}")]
    Inflate(String),
    /// Compressing failed (an internal error of the compressor).
    #[error("compression failed: {0}")]
    Deflate(String),
    /// Bytes follow the end of the peer's compressed stream where compressed data was due.
    #[error("data after the end of the DEFLATE stream")]
    AfterEnd,
}

/// Compresses outgoing data (RFC 4978 §3).
pub struct Deflater {
    z: Compress,
}

impl std::fmt::Debug for Deflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflater")
            .field("total_in", &self.z.total_in())
            .field("total_out", &self.z.total_out())
            .finish()
    }
}

impl Default for Deflater {
    fn default() -> Self {
        Self::new()
    }
}

impl Deflater {
    /// A raw DEFLATE compressor at the default level.
    pub fn new() -> Self {
        Deflater {
            z: Compress::new(Compression::default(), false),
        }
    }

    /// Appends `input`, compressed and sync-flushed, to `out`.
    pub fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressError> {
        let err = |e: flate2::CompressError| CompressError::Deflate(e.to_string());
        let start = self.z.total_in();
        loop {
            let done = (self.z.total_in() - start) as usize;
            if done == input.len() {
                break;
            }
            out.reserve(input.len() - done + 64);
            self.z
                .compress_vec(&input[done..], out, FlushCompress::None)
                .map_err(err)?;
        }
        // Z_SYNC_FLUSH: repeat until the compressor leaves room in the buffer.
        loop {
            out.reserve(64);
            self.z
                .compress_vec(&[], out, FlushCompress::Sync)
                .map_err(err)?;
            if out.len() < out.capacity() {
                return Ok(());
            }
        }
    }
}

/// Decompresses incoming data (RFC 4978 §3) in bounded pieces.
pub struct Inflater {
    z: Decompress,
    input: Vec<u8>,
    pos: usize,
    /// The last four input bytes the decompressor consumed.
    last4: [u8; 4],
    ended: bool,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("pending", &self.pending())
            .field("total_out", &self.z.total_out())
            .field("ended", &self.ended)
            .finish()
    }
}

impl Default for Inflater {
    fn default() -> Self {
        Self::new()
    }
}

impl Inflater {
    /// A raw DEFLATE decompressor.
    pub fn new() -> Self {
        Inflater {
            z: Decompress::new(false),
            input: Vec::new(),
            pos: 0,
            last4: [1; 4],
            ended: false,
        }
    }

    /// Appends compressed bytes received from the peer.
    pub fn feed(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos * 2 >= self.input.len() {
            self.input.drain(..self.pos);
            self.pos = 0;
        }
        self.input.extend_from_slice(data);
    }

    /// Compressed bytes not yet decompressed.
    pub fn pending(&self) -> usize {
        self.input.len() - self.pos
    }

    /// Whether the peer ended its compressed stream (a final block).
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// The end of the input to hand the decompressor next: through the next sync marker, so
    /// that decompression pauses where the peer flushed (and may have switched compression off),
    /// or all pending input.
    fn chunk_end(&self) -> usize {
        let from = self.pos.saturating_sub(3);
        match memchr::memmem::find(&self.input[from..], &SYNC_MARKER) {
            Some(k) if from + k + 4 > self.pos => from + k + 4,
            Some(k) => {
                // A marker already consumed: look past it.
                let after = from + k + 4;
                memchr::memmem::find(&self.input[after..], &SYNC_MARKER)
                    .map_or(self.input.len(), |j| after + j + 4)
            }
            None => self.input.len(),
        }
    }

    /// Decompresses up to `max_out` bytes onto `out`, stopping early at a sync point. Returns
    /// whether it made progress (`false`: more input is needed). Pending input after the end of
    /// the peer's stream is an error.
    pub fn inflate(&mut self, out: &mut Vec<u8>, max_out: usize) -> Result<bool, CompressError> {
        if max_out == 0 {
            return Ok(false);
        }
        if self.ended {
            // Output is complete at the end of the stream; input after it is not DEFLATE.
            return if self.pending() == 0 {
                Ok(false)
            } else {
                Err(CompressError::AfterEnd)
            };
        }
        // With no pending input the decompressor may still hold output it could not write.
        let end = self.chunk_end();
        let start = out.len();
        out.resize(start + max_out, 0);
        let (in0, out0) = (self.z.total_in(), self.z.total_out());
        let status = self.z.decompress(
            &self.input[self.pos..end],
            &mut out[start..],
            FlushDecompress::None,
        );
        let consumed = (self.z.total_in() - in0) as usize;
        let produced = (self.z.total_out() - out0) as usize;
        out.truncate(start + produced);
        let status = status.map_err(|e| CompressError::Inflate(e.to_string()))?;
        self.advance(consumed);
        if status == Status::StreamEnd {
            self.ended = true;
        }
        Ok(consumed > 0 || produced > 0)
    }

    fn advance(&mut self, consumed: usize) {
        for &b in &self.input[self.pos..self.pos + consumed] {
            self.last4 = [self.last4[1], self.last4[2], self.last4[3], b];
        }
        self.pos += consumed;
    }

    /// Ends decompression where the peer switched compression off after a flush (RFC 8437
    /// §4.1), once everything it compressed has been decompressed: consumes the rest of the
    /// sync flush, one byte at a time so that no plaintext is taken for DEFLATE data, and
    /// returns the bytes after it, which are plaintext. `None` while the flush has not fully
    /// arrived: call again after more input.
    pub fn finish(&mut self) -> Result<Option<Vec<u8>>, CompressError> {
        let mut sink = [0u8; 16];
        while !self.ended && self.last4 != SYNC_MARKER {
            if self.pending() == 0 {
                return Ok(None);
            }
            let (in0, out0) = (self.z.total_in(), self.z.total_out());
            let status = self
                .z
                .decompress(
                    &self.input[self.pos..self.pos + 1],
                    &mut sink,
                    FlushDecompress::None,
                )
                .map_err(|e| CompressError::Inflate(e.to_string()))?;
            if self.z.total_out() != out0 {
                return Err(CompressError::Inflate(
                    "data where the compressed stream was to end".to_string(),
                ));
            }
            let consumed = (self.z.total_in() - in0) as usize;
            if consumed == 0 {
                return Err(CompressError::Inflate("stalled at the end".to_string()));
            }
            self.advance(consumed);
            if status == Status::StreamEnd {
                self.ended = true;
            }
        }
        let rest = self.input.split_off(self.pos);
        self.pos = self.input.len();
        Ok(Some(rest))
    }
}

/// How much decompressed input a connection pulls at a time.
const INFLATE_STEP: usize = 64 * 1024;

/// The COMPRESS state of one side of a connection, as the client and server machines use it.
#[derive(Debug, Default)]
pub(crate) struct Layer {
    deflater: Option<Deflater>,
    inflater: Option<Inflater>,
    /// The peer's compression ends at its next flush (UNAUTHENTICATE, RFC 8437 §4.1).
    closing: bool,
    /// Output in its wire form (compressed, or written before compression started).
    wire: Vec<u8>,
    /// Decompressed input on its way to the framer (kept to reuse its allocation).
    scratch: Vec<u8>,
}

impl Layer {
    /// Whether compression is on in either direction.
    pub(crate) fn is_active(&self) -> bool {
        self.deflater.is_some() || self.inflater.is_some()
    }

    /// Whether output is compressed.
    pub(crate) fn compressing(&self) -> bool {
        self.deflater.is_some()
    }

    /// Takes received bytes: into the inflater while the peer compresses, else the framer.
    pub(crate) fn feed(&mut self, framer: &mut crate::codec::frame::Framer, bytes: &[u8]) {
        match &mut self.inflater {
            Some(inf) => inf.feed(bytes),
            None => framer.feed(bytes),
        }
    }

    /// Moves plaintext `output` to the wire buffer, compressed and flushed when compressing.
    pub(crate) fn seal(&mut self, output: &mut Vec<u8>) -> Result<(), CompressError> {
        if output.is_empty() {
            return Ok(());
        }
        match &mut self.deflater {
            Some(d) => {
                d.compress(output, &mut self.wire)?;
                output.clear();
            }
            None if self.wire.is_empty() => core::mem::swap(&mut self.wire, output),
            None => self.wire.append(output),
        }
        Ok(())
    }

    /// Whether wire bytes wait to be sent.
    pub(crate) fn has_wire(&self) -> bool {
        !self.wire.is_empty()
    }

    /// The wire bytes to send.
    pub(crate) fn take_wire(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.wire)
    }

    /// Starts compression after the OK of COMPRESS (RFC 4978 §3): `output` so far goes out as
    /// it is, and what the framer holds beyond the OK is compressed data.
    pub(crate) fn start(
        &mut self,
        output: &mut Vec<u8>,
        framer: &mut crate::codec::frame::Framer,
    ) -> Result<(), CompressError> {
        self.seal(output)?;
        let mut inf = Inflater::new();
        inf.feed(&framer.take_all());
        self.inflater = Some(inf);
        self.deflater = Some(Deflater::new());
        Ok(())
    }

    /// Ends output compression after `output` (RFC 8437 §4.1).
    pub(crate) fn stop_output(&mut self, output: &mut Vec<u8>) -> Result<(), CompressError> {
        let r = self.seal(output);
        self.deflater = None;
        r
    }

    /// The peer's compression ends at its next flush (RFC 8437 §4.1).
    pub(crate) fn stop_input(&mut self) {
        self.closing = self.inflater.is_some();
    }

    /// Pulls decompressed input into the framer; `Ok(false)` when more input is needed. Nothing
    /// is pulled while the framer waits for a decision on a literal: the framer does not look at
    /// (and so does not bound) what arrives meanwhile, and a peer sends nothing then anyway.
    pub(crate) fn pull(
        &mut self,
        framer: &mut crate::codec::frame::Framer,
    ) -> Result<bool, CompressError> {
        let Some(inf) = &mut self.inflater else {
            return Ok(false);
        };
        if framer.awaiting_answer() {
            return Ok(false);
        }
        if self.closing {
            let Some(rest) = inf.finish()? else {
                return Ok(false);
            };
            self.inflater = None;
            self.closing = false;
            framer.feed(&rest);
            return Ok(true);
        }
        self.scratch.clear();
        let progress = inf.inflate(&mut self.scratch, INFLATE_STEP)?;
        framer.feed(&self.scratch);
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pull_all(inf: &mut Inflater, step: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while inf.inflate(&mut out, step).unwrap() {}
        out
    }

    #[test]
    fn raw_deflate_without_zlib_header() {
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        d.compress(b"* OK hello\r\n", &mut wire).unwrap();
        // A zlib stream would start with 0x78; a sync flush ends with the marker.
        assert_ne!(wire[0], 0x78);
        assert!(wire.ends_with(&SYNC_MARKER));
        let mut i = Inflater::new();
        i.feed(&wire);
        assert_eq!(pull_all(&mut i, 1024), b"* OK hello\r\n");
    }

    #[test]
    fn any_chunking_any_output_bound() {
        let msgs: Vec<Vec<u8>> = (0..20)
            .map(|k| format!("* {k} FETCH (UID {k} FLAGS (\\Seen))\r\n").into_bytes())
            .collect();
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        for m in &msgs {
            d.compress(m, &mut wire).unwrap();
        }
        let want = msgs.concat();
        for chunk in [1, 2, 3, 7, 64, wire.len()] {
            for step in [1, 5, 4096] {
                let mut i = Inflater::new();
                let mut got = Vec::new();
                for piece in wire.chunks(chunk) {
                    i.feed(piece);
                    while i.inflate(&mut got, step).unwrap() {}
                }
                assert_eq!(got, want, "chunk {chunk} step {step}");
            }
        }
    }

    #[test]
    fn a_bomb_is_pulled_in_bounded_pieces() {
        let zeros = vec![0u8; 4 << 20];
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        d.compress(&zeros, &mut wire).unwrap();
        assert!(wire.len() < 16 << 10, "{}", wire.len());
        let mut i = Inflater::new();
        i.feed(&wire);
        let mut out = Vec::new();
        assert!(i.inflate(&mut out, 1000).unwrap());
        assert_eq!(out.len(), 1000);
        assert!(i.pending() > 0);
    }

    #[test]
    fn garbage_is_an_error() {
        let mut i = Inflater::new();
        i.feed(&[0xff; 16]);
        let mut out = Vec::new();
        assert!(matches!(
            i.inflate(&mut out, 100),
            Err(CompressError::Inflate(_))
        ));
    }

    #[test]
    fn finish_returns_the_plaintext_after_the_last_flush() {
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        d.compress(b"a1 OK done\r\n", &mut wire).unwrap();
        wire.extend_from_slice(b"* OK plain\r\n");
        for step in [1, 3, 12, 100] {
            let mut i = Inflater::new();
            i.feed(&wire);
            let mut out = Vec::new();
            while out.len() < 12 && i.inflate(&mut out, step).unwrap() {}
            assert_eq!(out, b"a1 OK done\r\n");
            assert_eq!(
                i.finish().unwrap().as_deref(),
                Some(&b"* OK plain\r\n"[..]),
                "step {step}"
            );
        }
    }

    #[test]
    fn finish_waits_for_the_rest_of_the_flush() {
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        d.compress(b"a1 UNAUTHENTICATE\r\n", &mut wire).unwrap();
        wire.extend_from_slice(b"a2 LOGIN a b\r\n");
        let mut i = Inflater::new();
        let mut out = Vec::new();
        let mut fed = 0;
        // Byte by byte until the command is out; the flush has not all arrived yet.
        while out.len() < 19 {
            i.feed(&wire[fed..fed + 1]);
            fed += 1;
            while i.inflate(&mut out, 100).unwrap() {}
        }
        assert_eq!(out, b"a1 UNAUTHENTICATE\r\n");
        let mut rest = None;
        while rest.is_none() {
            rest = i.finish().unwrap();
            if rest.is_none() {
                i.feed(&wire[fed..fed + 1]);
                fed += 1;
            }
        }
        let mut plain = rest.unwrap();
        plain.extend_from_slice(&wire[fed..]);
        assert_eq!(plain, b"a2 LOGIN a b\r\n");
    }

    #[test]
    fn the_layer_bounds_what_it_pulls_into_the_framer() {
        use crate::codec::frame::{Frame, Framer, Limits};
        let mut framer = Framer::new(Limits::DEFAULT, false, true);
        let mut layer = Layer::default();
        let mut out = Vec::new();
        layer.start(&mut out, &mut framer).unwrap();
        // A peer announces a literal, then sends a bomb without waiting for "+".
        let mut d = Deflater::new();
        let mut wire = Vec::new();
        d.compress(b"a1 LOGIN {5}\r\n", &mut wire).unwrap();
        d.compress(&vec![b'x'; 8 << 20], &mut wire).unwrap();
        layer.feed(&mut framer, &wire);
        let mut frames = 0;
        loop {
            if let Some(f) = framer.next() {
                assert!(matches!(f, Frame::LiteralAnnounced { length: 5, .. }));
                frames += 1;
                continue;
            }
            if !layer.pull(&mut framer).unwrap() {
                break;
            }
        }
        assert_eq!(frames, 1);
        // Nothing more is pulled until the literal is decided on.
        assert!(
            framer.buffered() < 2 * INFLATE_STEP,
            "{}",
            framer.buffered()
        );
        // A line without end: the framer drops it as it arrives (LineTooLong), so pulling
        // everything keeps the buffer bounded.
        framer.reject_literal();
        loop {
            match framer.next() {
                Some(_) => {}
                None => {
                    assert!(
                        framer.buffered() < Limits::DEFAULT.max_message as usize + 2 * INFLATE_STEP
                    );
                    if !layer.pull(&mut framer).unwrap() {
                        break;
                    }
                }
            }
        }
        assert!(layer.inflater.as_ref().unwrap().pending() == 0);
    }
}
