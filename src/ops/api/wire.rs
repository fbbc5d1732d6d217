//! Frames on the server's socket: one version byte, a four-byte big-endian length, then a
//! [`Request`](super::Request) or [`Reply`](super::Reply) encoded by the codec module. Both
//! ends read with a size limit, so a bad length never makes anyone allocate it.

use std::io::{self, Read, Write};

/// The frame format's version (the first byte of every frame).
pub const WIRE_VERSION: u8 = 1;
/// Version byte and length.
pub const HEADER_LEN: usize = 5;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the connection closed")]
    Closed,
    #[error("the connection closed in the middle of a frame")]
    Truncated,
    #[error("expected frame version {WIRE_VERSION}, found {0}")]
    Version(u8),
    #[error("a frame of {found} bytes is larger than the {max} bytes allowed")]
    TooLarge { found: u64, max: u64 },
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Writes one frame (header and payload in one write, so frames never interleave).
pub fn write_frame(out: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a frame of {} bytes is too large to send", payload.len()),
        )
    })?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.push(WIRE_VERSION);
    bytes.extend_from_slice(&len.to_be_bytes());
    bytes.extend_from_slice(payload);
    out.write_all(&bytes)?;
    out.flush()
}

/// Reads one frame whose first byte (`first`) was already read.
pub fn read_frame_after(first: u8, input: &mut impl Read, max: u64) -> Result<Vec<u8>, FrameError> {
    if first != WIRE_VERSION {
        return Err(FrameError::Version(first));
    }
    let mut len = [0u8; 4];
    read_exact_or(input, &mut len)?;
    let len = u64::from(u32::from_be_bytes(len));
    if len > max {
        return Err(FrameError::TooLarge { found: len, max });
    }
    let mut payload = Vec::new();
    input.take(len).read_to_end(&mut payload)?;
    if payload.len() as u64 != len {
        return Err(FrameError::Truncated);
    }
    Ok(payload)
}

/// Reads one whole frame; [`FrameError::Closed`] when the peer closed between frames.
pub fn read_frame(input: &mut impl Read, max: u64) -> Result<Vec<u8>, FrameError> {
    let mut first = [0u8; 1];
    loop {
        match input.read(&mut first) {
            Ok(0) => return Err(FrameError::Closed),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        }
    }
    read_frame_after(first[0], input, max)
}

fn read_exact_or(input: &mut impl Read, buf: &mut [u8]) -> Result<(), FrameError> {
    input.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_reads_back_and_the_next_read_sees_the_close() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        assert_eq!(buf[..HEADER_LEN], [1, 0, 0, 0, 5]);
        let mut input = &buf[..];
        assert_eq!(read_frame(&mut input, 100).unwrap(), b"hello");
        assert!(matches!(
            read_frame(&mut input, 100),
            Err(FrameError::Closed)
        ));
    }

    #[test]
    fn bad_frames_are_named() {
        let mut input: &[u8] = &[2, 0, 0, 0, 1, 0];
        assert!(matches!(
            read_frame(&mut input, 100),
            Err(FrameError::Version(2))
        ));
        let mut input: &[u8] = &[1, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            read_frame(&mut input, 100),
            Err(FrameError::TooLarge {
                found: 0xffff_ffff,
                max: 100
            })
        ));
        let mut input: &[u8] = &[1, 0, 0, 0, 9, 1, 2];
        assert!(matches!(
            read_frame(&mut input, 100),
            Err(FrameError::Truncated)
        ));
        let mut input: &[u8] = &[1, 0, 0];
        assert!(matches!(
            read_frame(&mut input, 100),
            Err(FrameError::Truncated)
        ));
    }
}
