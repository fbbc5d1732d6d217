//! The server's loop: one thread waits on the socket and every connection at once, reads
//! whatever requests have come, stages all the commands among them as one group, hands reads
//! to the reader threads, and sends the answers. A group's answers wait for the syncer thread
//! to make it durable (one fsync); meanwhile the loop stages the next group. When a tick passes without a request,
//! the store's held writes go to sled. A bad frame closes only its own
//! connection; a client silent for the idle timeout, or slow to finish a request or to read
//! its answer, is disconnected.

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::os::unix::net::UnixListener;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::connection::{Connection, Next};
use super::log::quoted;
use super::readers::{Read, Readers};
use super::syncer::Syncer;
use super::Shared;
use crate::ops::wire::FrameError;
use crate::ops::{roles, Call, Command, Done, OpsError, Outcome, Query, Reply, Request};

/// How long the loop sleeps at most before it looks at the stop flag and the timeouts.
const TICK: Duration = Duration::from_millis(200);

/// What a connection asked, sorted by who answers it.
enum Work {
    /// A command for the next group, and the query to answer after it, if any.
    Command(Command, Option<Query>),
    Read(Call),
}

/// A group's answers, by connection, with the query to answer after a command.
type Staged = Vec<(u64, Option<Query>, Result<Outcome, OpsError>)>;

/// The groups staged and not yet durable, by batch number.
#[derive(Default)]
struct Pending {
    next: u64,
    batches: HashMap<u64, Staged>,
}

pub(crate) fn run(listener: &UnixListener, shared: &Shared) -> std::io::Result<()> {
    let readers = Readers::start(shared.service.clone())?;
    let syncer = Syncer::start(shared.service.clone())?;
    let mut pending = Pending::default();
    let mut conns: HashMap<u64, Connection> = HashMap::new();
    let mut next_id = 0u64;
    let mut door = Door::default();
    loop {
        let stopping = shared.stopping.load(Ordering::Acquire);
        // Stopping: nothing new is read; what was read whole is answered first.
        if stopping
            && conns
                .values()
                .all(|c| !c.busy && !c.sending() && !c.has_next())
        {
            break;
        }
        // Wait for a knock, a request, room to answer, or a reader's answer; not at all when
        // a connection already holds a request to act on.
        let ready_now = !stopping && conns.values().any(|c| !c.busy && c.has_next());
        let events = {
            let mut fds = Vec::with_capacity(conns.len() + 3);
            let mut ids = Vec::with_capacity(conns.len());
            fds.push(PollFd::new(readers.wake.as_fd(), PollFlags::POLLIN));
            fds.push(PollFd::new(syncer.wake.as_fd(), PollFlags::POLLIN));
            // After accept() failed (out of file descriptors), the listener rests a moment
            // instead of waking the loop again at once.
            let listening = !stopping && door.open(Instant::now());
            if listening {
                fds.push(PollFd::new(listener.as_fd(), PollFlags::POLLIN));
            }
            for (id, c) in &conns {
                let mut want = PollFlags::empty();
                if !c.busy && !c.closed && !stopping {
                    want |= PollFlags::POLLIN;
                }
                if c.sending() {
                    want |= PollFlags::POLLOUT;
                }
                fds.push(PollFd::new(c.stream.as_fd(), want));
                ids.push(*id);
            }
            let timeout = if ready_now {
                PollTimeout::ZERO
            } else if listening || stopping {
                PollTimeout::try_from(TICK).unwrap_or(PollTimeout::MAX)
            } else {
                PollTimeout::try_from(ACCEPT_REST).unwrap_or(PollTimeout::MAX)
            };
            let quiet = match poll(&mut fds, timeout) {
                Ok(n) => n == 0 && !ready_now,
                Err(nix::errno::Errno::EINTR) => false,
                Err(e) => return Err(e.into()),
            };
            let skip = if listening { 3 } else { 2 };
            let knocked = listening && fds[2].any().unwrap_or(false);
            let ready: Vec<u64> = ids
                .iter()
                .zip(&fds[skip..])
                .filter(|(_, fd)| {
                    fd.revents().is_some_and(|r| {
                        r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
                    })
                })
                .map(|(id, _)| *id)
                .collect();
            (knocked, ready, quiet)
        };
        let (knocked, readable, quiet) = events;
        let now = Instant::now();
        if knocked {
            accept_all(listener, shared, &mut conns, &mut next_id, &mut door, now);
        }
        for (id, reply) in readers.ready() {
            answered(shared, &mut conns, id, &reply, now);
        }
        for (batch, synced) in syncer.ready() {
            if let Some(staged) = pending.batches.remove(&batch) {
                deliver(shared, &readers, &mut conns, staged, synced.err());
            }
        }
        for id in readable {
            if let Some(c) = conns.get_mut(&id) {
                if let Err(e) = c.fill(now) {
                    shared.log.line(&format!(
                        "closed the connection of user={}: {e}",
                        quoted(&c.user)
                    ));
                    conns.remove(&id);
                }
            }
        }
        // Every whole request: commands into one group, reads to the readers.
        let mut group: Vec<(u64, Command, Option<Query>)> = Vec::new();
        let ids: Vec<u64> = conns.keys().copied().collect();
        for id in ids {
            let Some(c) = conns.get_mut(&id) else {
                continue;
            };
            if c.busy || (stopping && !c.has_next()) {
                continue;
            }
            match take_request(shared, c, now) {
                Taken::Nothing => {}
                Taken::Close => {
                    conns.remove(&id);
                }
                Taken::Answered => {}
                Taken::Work(work) => {
                    c.busy = true;
                    match *work {
                        Work::Command(cmd, then) => group.push((id, cmd, then)),
                        Work::Read(call) => {
                            if let Err(e) = readers.ask(id, &c.user, Read::Call(call)) {
                                c.busy = false;
                                let _ = c.queue(&Reply::V1(Err(OpsError::Storage(e))), now);
                            }
                        }
                    }
                }
            }
        }
        if !group.is_empty() {
            commit(shared, &readers, &syncer, &mut pending, &mut conns, group);
        } else if quiet {
            // A whole tick without a request: the store's held writes may go to sled.
            if let Err(e) = shared.service.settle_soon() {
                shared
                    .log
                    .line(&format!("could not write held store writes: {e}"));
            }
            note_anchor(shared, false);
        }
        // Answers out; then whoever has overstayed goes.
        let now = Instant::now();
        conns.retain(|_, c| send_and_keep(shared, c, now));
    }
    readers.stop();
    syncer.stop();
    settle(shared);
    note_anchor(shared, true);
    Ok(())
}

/// Appends the head of the chain to the server's anchor file when it moved (at most every
/// few seconds while serving; always when stopping).
fn note_anchor(shared: &Shared, stopping: bool) {
    if let Some(anchor) = &shared.anchor {
        if let Err(e) = anchor.note(&shared.service, stopping) {
            shared.log.line(&e);
        }
    }
}

fn settle(shared: &Shared) {
    if let Err(e) = shared.service.settle() {
        shared
            .log
            .line(&format!("could not write held store writes: {e}"));
    }
}

fn accept_all(
    listener: &UnixListener,
    shared: &Shared,
    conns: &mut HashMap<u64, Connection>,
    next_id: &mut u64,
    door: &mut Door,
    now: Instant,
) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let user = match super::peer_user(&stream) {
                    Ok(u) => u,
                    Err(e) => {
                        shared.log.line(&format!("closed a connection: {e}"));
                        continue;
                    }
                };
                if let Err(e) = stream.set_nonblocking(true) {
                    shared.log.line(&format!("closed a connection: {e}"));
                    continue;
                }
                match admit(shared, conns, &user) {
                    Ok(max_frame) => {
                        conns.insert(*next_id, Connection::new(stream, user, now, max_frame));
                        *next_id += 1;
                    }
                    Err(refusal) => door.turn_away(shared, stream, &user, refusal, now),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                door.accept_failed(shared, &e, now);
                return;
            }
        }
    }
}

/// How long the listener rests after accept() failed (no file descriptor left, say).
const ACCEPT_REST: Duration = Duration::from_millis(100);

/// The largest request of a user whose role only reads (lookups, reports): a few KiB are
/// plenty, so a read-only account cannot make the server hold large buffers.
pub(crate) const READER_FRAME: u64 = 64 * 1024;

/// Whether a new connection of `user` is let in, and the largest request it may send: a
/// user with no role is turned away at the door (everything they could ask is refused), as
/// is one past the per-user or the total connection cap; a role that only reads gets small
/// frames, the others the configured maximum (an import is one large request).
fn admit(shared: &Shared, conns: &HashMap<u64, Connection>, user: &str) -> Result<u64, OpsError> {
    let role = match shared.service.role_of(&shared.gate, user) {
        Ok(Some(role)) => role,
        Ok(None) => {
            return Err(shared
                .service
                .authorize(&shared.gate, user, &Call::Query(Query::Status))
                .err()
                .unwrap_or_else(|| {
                    OpsError::Storage(format!("user {} has no role", quoted(user)))
                }))
        }
        Err(e) => return Err(e),
    };
    let options = &shared.options;
    if conns.len() >= options.max_connections {
        return Err(crate::ops::Refusal::new(
            crate::ops::RefusalKind::Conflict,
            format!(
                "the server is full ({} connections); try again in a minute, or ask an admin to raise max_connections under [serve]",
                options.max_connections
            ),
        )
        .into());
    }
    let own = conns.values().filter(|c| c.user == user).count();
    if own >= options.max_connections_per_user {
        return Err(crate::ops::Refusal::new(
            crate::ops::RefusalKind::Conflict,
            format!(
                "too many connections of user {} ({own}, max {}); close some, or ask an admin to raise max_connections_per_user under [serve]",
                quoted(user),
                options.max_connections_per_user
            ),
        )
        .into());
    }
    Ok(if role.may(crate::domain::Role::Clerk) {
        options.max_frame
    } else {
        READER_FRAME.min(options.max_frame)
    })
}

/// The door's state: connections turned away and accept() failures, each logged at most once
/// a second with how many there were; and the rest after a failure.
#[derive(Default)]
struct Door {
    rest_until: Option<Instant>,
    failures: u64,
    turned_away: u64,
    last_said: Option<Instant>,
}

impl Door {
    /// May the listener be polled now?
    fn open(&self, now: Instant) -> bool {
        self.rest_until.is_none_or(|t| now >= t)
    }

    fn accept_failed(&mut self, shared: &Shared, e: &std::io::Error, now: Instant) {
        self.rest_until = Some(now + ACCEPT_REST);
        self.failures += 1;
        if self.due(now) {
            shared.log.line(&format!(
                "accept failed {} time(s) in the last second: {e}; connections wait in the queue",
                self.failures
            ));
            self.failures = 0;
        }
    }

    /// Answers a connection it does not let in with the refusal, then closes it.
    fn turn_away(
        &mut self,
        shared: &Shared,
        mut stream: std::os::unix::net::UnixStream,
        user: &str,
        refusal: OpsError,
        now: Instant,
    ) {
        use std::io::Write;
        let reply = Reply::V1(Err(refusal.clone()));
        if let Ok(bytes) = reply.encode() {
            let mut frame = Vec::with_capacity(bytes.len() + 8);
            if crate::ops::wire::write_frame(&mut frame, &bytes).is_ok() {
                let _ = stream.write_all(&frame);
            }
        }
        self.turned_away += 1;
        if self.due(now) {
            shared.log.line(&format!(
                "turned away {} connection(s) in the last second; last user={} why={}",
                self.turned_away,
                quoted(user),
                quoted(&refusal.to_string())
            ));
            self.turned_away = 0;
        }
    }

    /// Has a second passed since the door last wrote to the log?
    fn due(&mut self, now: Instant) -> bool {
        let due = self
            .last_said
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
        if due {
            self.last_said = Some(now);
        }
        due
    }
}

enum Taken {
    Nothing,
    /// The framing is lost (or the peer left): drop the connection.
    Close,
    /// Answered at once (a refusal or an unreadable request).
    Answered,
    Work(Box<Work>),
}

/// Takes the connection's next request, if a whole one is there, and checks its role.
fn take_request(shared: &Shared, c: &mut Connection, now: Instant) -> Taken {
    let payload = match c.next_frame(now) {
        Next::Nothing => return Taken::Nothing,
        Next::Bad(e) => {
            refuse_frame(shared, c, &e, now);
            return Taken::Close;
        }
        Next::Frame(p) => p,
    };
    let call = match Request::decode(&payload) {
        Ok(Request::V1(call)) => call,
        Err(e) => {
            shared.log.line(&format!(
                "unreadable request from user={}: {e}",
                quoted(&c.user)
            ));
            let reply = Reply::V1(Err(OpsError::Storage(format!(
                "the server could not read the request ({e}); is the client another version of tallyman?"
            ))));
            return queued(shared, c, &reply, now);
        }
    };
    if let Err(e) = shared.service.authorize(&shared.gate, &c.user, &call) {
        let (needs, what) = roles::call_needs(&call);
        shared.log.line(&format!(
            "refused user={} what={} needs={needs} why={}",
            quoted(&c.user),
            quoted(what),
            quoted(&e.to_string())
        ));
        return queued(shared, c, &Reply::V1(Err(e)), now);
    }
    if let Call::Query(Query::Me) = call {
        let reply = match shared.service.role_of(&shared.gate, &c.user) {
            Ok(Some(role)) => Ok(Done::Answer(crate::ops::Answer::Me {
                user: c.user.clone(),
                role,
            })),
            Ok(None) => Err(OpsError::Storage(format!(
                "user \"{}\" has no role",
                c.user
            ))),
            Err(e) => Err(e),
        };
        return queued(shared, c, &Reply::V1(reply), now);
    }
    Taken::Work(Box::new(match call {
        Call::Execute(cmd) => Work::Command(cmd, None),
        Call::ExecuteThen(cmd, query) => Work::Command(cmd, Some(query)),
        // An admin call is answered by a reader: a check holds the writer lock while it
        // replays, so commands wait for it; the others are refused or read the journal.
        read @ (Call::Query(_) | Call::Validate(_) | Call::Admin(_)) => Work::Read(read),
    }))
}

fn queued(shared: &Shared, c: &mut Connection, reply: &Reply, now: Instant) -> Taken {
    match c.queue(reply, now) {
        Ok(()) => Taken::Answered,
        Err(e) => {
            shared
                .log
                .line(&format!("could not answer user={}: {e}", quoted(&c.user)));
            Taken::Close
        }
    }
}

/// Stages the group's commands and asks the syncer to make them durable; their answers
/// wait for it. With group commit off, each command is synced on its own here.
fn commit(
    shared: &Shared,
    readers: &Readers,
    syncer: &Syncer,
    pending: &mut Pending,
    conns: &mut HashMap<u64, Connection>,
    group: Vec<(u64, Command, Option<Query>)>,
) {
    let mut whose = Vec::with_capacity(group.len());
    let mut commands = Vec::with_capacity(group.len());
    for (id, cmd, then) in group {
        let user = conns.get(&id).map(|c| c.user.clone()).unwrap_or_default();
        whose.push((id, then));
        commands.push((user, cmd));
    }
    let service = &shared.service;
    let durable_now = !service.group_commit();
    let answers = if durable_now {
        service.execute_group(commands)
    } else {
        service.stage_group(commands)
    };
    let staged: Staged = whose
        .into_iter()
        .zip(answers)
        .map(|((id, q), a)| (id, q, a))
        .collect();
    if durable_now {
        deliver(shared, readers, conns, staged, None);
        return;
    }
    let end = service.written_end();
    pending.next += 1;
    match syncer.ask(pending.next, end) {
        Ok(()) => {
            pending.batches.insert(pending.next, staged);
        }
        Err(e) => deliver(shared, readers, conns, staged, Some(e)),
    }
}

/// Queues a durable group's answers (each an error if the sync failed), or hands the query
/// that follows a command to the readers.
fn deliver(
    shared: &Shared,
    readers: &Readers,
    conns: &mut HashMap<u64, Connection>,
    staged: Staged,
    failed: Option<OpsError>,
) {
    let now = Instant::now();
    for (id, then, answer) in staged {
        let Some(c) = conns.get_mut(&id) else {
            continue;
        };
        let answer = match &failed {
            Some(e) => Err(e.clone()),
            None => answer,
        };
        let reply = match (answer, then) {
            (Ok(outcome), Some(query)) => {
                match readers.ask(id, &c.user, Read::After(Box::new(outcome), query)) {
                    Ok(()) => continue,
                    Err(e) => Reply::V1(Err(OpsError::Storage(e))),
                }
            }
            (Ok(outcome), None) => Reply::V1(Ok(Done::Outcome(outcome))),
            (Err(e), _) => Reply::V1(Err(e)),
        };
        answered(shared, conns, id, &reply, now);
    }
}

/// Queues the answer to a connection's request; it may send its next one.
fn answered(
    shared: &Shared,
    conns: &mut HashMap<u64, Connection>,
    id: u64,
    reply: &Reply,
    now: Instant,
) {
    let Some(c) = conns.get_mut(&id) else { return };
    c.busy = false;
    c.idle_since = now;
    if let Err(e) = c.queue(reply, now) {
        shared
            .log
            .line(&format!("could not answer user={}: {e}", quoted(&c.user)));
        conns.remove(&id);
    }
}

/// Sends what the connection has queued; false when it is to be closed (it failed, it left,
/// or it overstayed a timeout).
fn send_and_keep(shared: &Shared, c: &mut Connection, now: Instant) -> bool {
    let options = &shared.options;
    if let Err(e) = c.send() {
        shared
            .log
            .line(&format!("could not answer user={}: {e}", quoted(&c.user)));
        return false;
    }
    if c.busy {
        return true;
    }
    if c.sending() {
        return in_time(shared, c, c.output_since, now, "it did not read its answer");
    }
    if c.closed && !c.has_next() {
        return false;
    }
    if c.partial() {
        return in_time(
            shared,
            c,
            c.frame_since,
            now,
            "the rest of a request did not come",
        );
    }
    now.duration_since(c.idle_since) < options.idle_timeout
}

/// Is what started at `since` still within the read timeout? If not, says so in the log.
fn in_time(
    shared: &Shared,
    c: &Connection,
    since: Option<Instant>,
    now: Instant,
    what: &str,
) -> bool {
    let timeout = shared.options.read_timeout;
    let late = since.is_some_and(|t| now.duration_since(t) >= timeout);
    if late {
        shared.log.line(&format!(
            "closed the connection of user={}: {what} within {} s",
            quoted(&c.user),
            timeout.as_secs()
        ));
    }
    !late
}

/// A frame that cannot be read: say why when the peer can still hear it, log it; the caller
/// closes the connection (the framing is lost).
fn refuse_frame(shared: &Shared, c: &mut Connection, e: &FrameError, now: Instant) {
    if matches!(e, FrameError::Closed | FrameError::Truncated) {
        return;
    }
    shared.log.line(&format!(
        "closed the connection of user={}: {e}",
        quoted(&c.user)
    ));
    let refusal = match e {
        FrameError::Version(_) => Some(OpsError::Storage(format!(
            "the server refused the request: {e}"
        ))),
        // Nothing of it was read or done: refused, with what an admin can change.
        FrameError::TooLarge { .. } => Some(OpsError::refused(
            crate::ops::RefusalKind::Invalid,
            format!(
                "the server refused the request: {e}; nothing was done. An admin can raise max_frame_mib under [serve] in the server's config"
            ),
        )),
        _ => None,
    };
    if let Some(refusal) = refusal {
        let reply = Reply::V1(Err(refusal));
        if c.queue(&reply, now).is_ok() {
            // One try: the connection is closed right after.
            let _ = c.send();
        }
    }
}
