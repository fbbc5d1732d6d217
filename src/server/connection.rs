//! One client's connection: read a frame, check the peer's role, answer, until the client
//! leaves, falls silent for the idle timeout, breaks the framing, or the server stops. Nothing
//! one connection does reaches another.

use std::io::{BufRead, ErrorKind};
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Shared;
use crate::ops::wire::{self, FrameError};
use crate::ops::{roles, OpsError, Reply, Request};

/// How often a waiting connection looks whether the server is stopping.
const POLL: Duration = Duration::from_millis(200);

pub(crate) fn serve(mut stream: UnixStream, shared: &Shared) {
    let user = match super::peer_user(&stream) {
        Ok(u) => u,
        Err(e) => {
            shared.log.line(&format!("closed a connection: {e}"));
            return;
        }
    };
    let options = &shared.options;
    if stream.set_nonblocking(false).is_err()
        || stream
            .set_write_timeout(Some(options.read_timeout))
            .is_err()
    {
        return;
    }
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    // Buffered: one read usually brings a whole request.
    let mut input = std::io::BufReader::with_capacity(64 * 1024, reading);
    let mut timeout = None;
    let mut idle_since = Instant::now();
    loop {
        if shared.stopping.load(Ordering::Acquire) {
            return;
        }
        // Wait for the next request, a short while at a time.
        if input.buffer().is_empty() {
            if !set_timeout(input.get_ref(), &mut timeout, POLL) {
                return;
            }
            match input.fill_buf() {
                Ok([]) => return,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if idle_since.elapsed() >= options.idle_timeout {
                        return;
                    }
                    continue;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return,
            }
        }
        // The rest of the frame, if it is not here yet, must come within the read timeout.
        if !whole_frame(input.buffer())
            && !set_timeout(input.get_ref(), &mut timeout, options.read_timeout)
        {
            return;
        }
        let payload = match wire::read_frame(&mut input, options.max_frame) {
            Ok(p) => p,
            Err(e) => {
                refuse_frame(&mut stream, shared, &user, &e);
                return;
            }
        };
        let reply = match Request::decode(&payload) {
            Ok(Request::V1(call)) => answer(shared, &user, call),
            Err(e) => {
                shared
                    .log
                    .line(&format!("unreadable request from user=\"{user}\": {e}"));
                Reply::V1(Err(OpsError::Storage(format!(
                    "the server could not read the request ({e}); is the client another version of tallyman?"
                ))))
            }
        };
        let sent = reply
            .encode()
            .map_err(|e| e.to_string())
            .and_then(|bytes| wire::write_frame(&mut stream, &bytes).map_err(|e| e.to_string()));
        if let Err(e) = sent {
            shared
                .log
                .line(&format!("could not answer user=\"{user}\": {e}"));
            return;
        }
        idle_since = Instant::now();
    }
}

/// Sets the socket's read timeout unless it is already `want` (the socket is shared by the
/// reading and writing handles).
fn set_timeout(stream: &UnixStream, current: &mut Option<Duration>, want: Duration) -> bool {
    if *current == Some(want) {
        return true;
    }
    *current = Some(want);
    stream.set_read_timeout(Some(want)).is_ok()
}

/// Does `buffered` start with a whole frame?
fn whole_frame(buffered: &[u8]) -> bool {
    match buffered.get(1..wire::HEADER_LEN) {
        Some(len) => {
            let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
            buffered.len() as u64 >= wire::HEADER_LEN as u64 + u64::from(len)
        }
        None => false,
    }
}

/// Checks the peer's role, then lets the service answer.
fn answer(shared: &Shared, user: &str, call: crate::ops::Call) -> Reply {
    if let Err(e) = shared.service.authorize(&shared.gate, user, &call) {
        let (needs, what) = roles::call_needs(&call);
        shared.log.line(&format!(
            "refused user=\"{user}\" what=\"{what}\" needs={needs} why=\"{e}\""
        ));
        return Reply::V1(Err(e));
    }
    Reply::V1(shared.service.handle(user, call))
}

/// A frame that cannot be read: say why when the peer can still hear it, log it, and the
/// caller closes the connection (the framing is lost).
fn refuse_frame(stream: &mut UnixStream, shared: &Shared, user: &str, e: &FrameError) {
    if matches!(e, FrameError::Closed | FrameError::Truncated) {
        return;
    }
    shared
        .log
        .line(&format!("closed the connection of user=\"{user}\": {e}"));
    if let FrameError::Version(_) | FrameError::TooLarge { .. } = e {
        let reply = Reply::V1(Err(OpsError::Storage(format!(
            "the server refused the request: {e}"
        ))));
        if let Ok(bytes) = reply.encode() {
            let _ = wire::write_frame(stream, &bytes);
        }
    }
}
