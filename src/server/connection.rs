//! One client's connection: read a frame, check the peer's role, answer, until the client
//! leaves, falls silent for the idle timeout, breaks the framing, or the server stops. Nothing
//! one connection does reaches another.

use std::io::{ErrorKind, Read};
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
    let mut idle_since = Instant::now();
    loop {
        if shared.stopping.load(Ordering::Acquire) {
            return;
        }
        // Wait for the first byte of the next request, a short while at a time.
        if stream.set_read_timeout(Some(POLL)).is_err() {
            return;
        }
        let mut first = [0u8; 1];
        match stream.read(&mut first) {
            Ok(0) => return,
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
        // The rest of the frame must come within the read timeout.
        if stream.set_read_timeout(Some(options.read_timeout)).is_err() {
            return;
        }
        let payload = match wire::read_frame_after(first[0], &mut stream, options.max_frame) {
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
