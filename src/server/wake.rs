//! A wake socket: a helper thread rings it when it has something for the server's loop, and
//! the loop polls it with the connections and empties it before collecting.

use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;

/// The loop's end.
pub(crate) struct Wake(UnixStream);

/// A helper's end (shared by the helper threads).
#[derive(Clone)]
pub(crate) struct Ringer(Arc<UnixStream>);

pub(crate) fn pair() -> std::io::Result<(Wake, Ringer)> {
    let (wake, ringer) = UnixStream::pair()?;
    wake.set_nonblocking(true)?;
    ringer.set_nonblocking(true)?;
    Ok((Wake(wake), Ringer(Arc::new(ringer))))
}

impl Wake {
    /// Empties the socket (the rings are only a signal).
    pub(crate) fn drain(&self) {
        let mut sink = [0u8; 256];
        while matches!((&self.0).read(&mut sink), Ok(n) if n > 0) {}
    }
}

impl AsFd for Wake {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl Ringer {
    pub(crate) fn ring(&self) {
        // A full socket already has the loop's attention.
        let _ = (&*self.0).write(&[1]);
    }
}
