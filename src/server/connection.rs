//! One client's connection as the server's loop sees it: the bytes read that are not yet a
//! whole request, the answer not yet sent, and whether a request of it is being answered (a
//! connection has at most one; the next is read only after its answer is queued).

use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use crate::ops::wire::{self, FrameError};
use crate::ops::Reply;

pub(crate) struct Connection {
    pub(crate) stream: UnixStream,
    /// The peer's OS account: the actor of every request.
    pub(crate) user: String,
    input: Vec<u8>,
    output: Vec<u8>,
    sent: usize,
    /// A request of this connection is being answered.
    pub(crate) busy: bool,
    /// The peer closed its end.
    pub(crate) closed: bool,
    /// When the connection last had an answer (or opened): for the idle timeout.
    pub(crate) idle_since: Instant,
    /// When the first byte of a request still incomplete arrived: for the read timeout.
    pub(crate) frame_since: Option<Instant>,
    /// When an answer started waiting for the peer to read it: for the write timeout.
    pub(crate) output_since: Option<Instant>,
    /// The largest request this peer may send (its role decides: see `event_loop::admit`).
    pub(crate) max_frame: u64,
}

/// A buffer this large is given back once it is empty, not kept for the next request.
const KEEP_BYTES: usize = 1 << 20;

/// What the bytes read so far hold.
pub(crate) enum Next {
    /// Nothing whole yet.
    Nothing,
    /// A request's payload.
    Frame(Vec<u8>),
    /// Bytes that are not a frame: the connection's framing is lost.
    Bad(FrameError),
}

impl Connection {
    pub(crate) fn new(
        stream: UnixStream,
        user: String,
        now: Instant,
        max_frame: u64,
    ) -> Connection {
        Connection {
            stream,
            user,
            input: Vec::new(),
            output: Vec::new(),
            sent: 0,
            busy: false,
            closed: false,
            idle_since: now,
            frame_since: None,
            output_since: None,
            max_frame,
        }
    }

    /// Reads what the peer sent, without waiting, up to one largest frame ahead.
    pub(crate) fn fill(&mut self, now: Instant) -> std::io::Result<()> {
        let limit = wire::HEADER_LEN as u64 + self.max_frame;
        let mut chunk = [0u8; 64 * 1024];
        while (self.input.len() as u64) < limit {
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    self.closed = true;
                    break;
                }
                Ok(n) => {
                    if self.input.is_empty() {
                        self.frame_since = Some(now);
                    }
                    self.input.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Takes the next whole request out of the bytes read; a bad header is named as soon as
    /// it has arrived, before its length is waited for.
    pub(crate) fn next_frame(&mut self, now: Instant) -> Next {
        let max_frame = self.max_frame;
        let Some(&version) = self.input.first() else {
            return if self.closed {
                Next::Bad(FrameError::Closed)
            } else {
                Next::Nothing
            };
        };
        if version != wire::WIRE_VERSION {
            return Next::Bad(FrameError::Version(version));
        }
        let Some(len) = self.input.get(1..wire::HEADER_LEN) else {
            return self.incomplete();
        };
        let len = u64::from(u32::from_be_bytes([len[0], len[1], len[2], len[3]]));
        if len > max_frame {
            return Next::Bad(FrameError::TooLarge {
                found: len,
                max: max_frame,
            });
        }
        let end = wire::HEADER_LEN + len as usize;
        if self.input.len() < end {
            return self.incomplete();
        }
        let payload = self.input[wire::HEADER_LEN..end].to_vec();
        self.input.drain(..end);
        if self.input.is_empty() && self.input.capacity() > KEEP_BYTES {
            self.input = Vec::new();
        }
        self.frame_since = if self.input.is_empty() {
            None
        } else {
            Some(now)
        };
        Next::Frame(payload)
    }

    fn incomplete(&self) -> Next {
        if self.closed {
            Next::Bad(FrameError::Truncated)
        } else {
            Next::Nothing
        }
    }

    /// Does the input hold something to act on (a whole frame, a bad header, or the close)?
    pub(crate) fn has_next(&self) -> bool {
        let max_frame = self.max_frame;
        match self.input.get(..wire::HEADER_LEN) {
            None => self.closed || self.input.first().is_some_and(|&v| v != wire::WIRE_VERSION),
            Some(h) => {
                let len = u64::from(u32::from_be_bytes([h[1], h[2], h[3], h[4]]));
                h[0] != wire::WIRE_VERSION
                    || len > max_frame
                    || self.input.len() as u64 >= wire::HEADER_LEN as u64 + len
                    || self.closed
            }
        }
    }

    /// Queues an answer; it goes out with [`Connection::send`].
    pub(crate) fn queue(&mut self, reply: &Reply, now: Instant) -> Result<(), String> {
        let bytes = reply.encode().map_err(|e| e.to_string())?;
        wire::write_frame(&mut self.output, &bytes).map_err(|e| e.to_string())?;
        if self.output_since.is_none() {
            self.output_since = Some(now);
        }
        Ok(())
    }

    /// Sends what is queued, as far as the peer takes it without waiting.
    pub(crate) fn send(&mut self) -> std::io::Result<()> {
        while self.sent < self.output.len() {
            match self.stream.write(&self.output[self.sent..]) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.output.capacity() > KEEP_BYTES {
            self.output = Vec::new();
        } else {
            self.output.clear();
        }
        self.sent = 0;
        self.output_since = None;
        Ok(())
    }

    /// Is an answer still waiting for the peer to read it?
    pub(crate) fn sending(&self) -> bool {
        self.sent < self.output.len()
    }

    /// Is a request partly read (the peer must finish it within the read timeout)?
    pub(crate) fn partial(&self) -> bool {
        !self.input.is_empty()
    }
}
