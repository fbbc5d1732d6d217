//! The client side of `tallyman serve`: the same [`Ops`] interface as [`Local`](super::Local),
//! over the server's Unix socket. The acting user is whoever the server sees on the socket (the
//! OS account), never something the client says.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::api::wire;
use super::{
    AdminCall, AdminDone, Answer, BackupReport, Call, Done, Ops, OpsError, Query, Reply, Request,
};

/// How long the client waits for an answer before it gives up on the server.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// A connection to a server, made again when the server closed it.
pub struct Remote {
    socket: PathBuf,
    link: Mutex<Option<UnixStream>>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("socket", &self.socket)
            .finish()
    }
}

impl Remote {
    /// Connects to the server listening on `socket`.
    pub fn connect(socket: &Path) -> std::io::Result<Remote> {
        let stream = dial(socket)?;
        Ok(Remote {
            socket: socket.to_path_buf(),
            link: Mutex::new(Some(stream)),
        })
    }

    /// The socket this client talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The server did not answer: the words lead with what matters on a 20-column screen.
    fn gone(&self, e: impl std::fmt::Display) -> OpsError {
        OpsError::Link(format!("server gone; retrying ({e})"))
    }

    /// The link broke after a command was sent: it may have been saved.
    fn lost(&self, e: impl std::fmt::Display) -> OpsError {
        OpsError::Link(format!(
            "server gone; not known if saved: look before you repeat it ({e})"
        ))
    }
}

fn dial(socket: &Path) -> std::io::Result<UnixStream> {
    let stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    stream.set_write_timeout(Some(ANSWER_TIMEOUT))?;
    Ok(stream)
}

impl Ops for Remote {
    fn server_socket(&self) -> Option<PathBuf> {
        Some(self.socket.clone())
    }

    fn call(&self, request: Request) -> Reply {
        match request {
            Request::V1(Call::Admin(AdminCall::Backup { file })) => Reply::V1(
                self.backup_to(&file)
                    .map(|r| Done::Admin(AdminDone::BackedUp(r))),
            ),
            request => self.send(request),
        }
    }
}

impl Remote {
    /// A backup through the server: it sends its journal's durable bytes piece by piece
    /// (queries an admin may ask) and this process writes the file as its own user, so an
    /// admin who cannot read the database folder (only the server's user can) backs it up
    /// all the same. A refusal of the server is the answer.
    fn backup_to(&self, file: &Path) -> Result<BackupReport, OpsError> {
        let Answer::JournalEnd { path, end } = self.query(Query::JournalEnd)? else {
            return Err(OpsError::Storage(
                "the server did not say where its journal ends".to_string(),
            ));
        };
        crate::ops::local::maintenance::backup_fetched(Path::new(&path), file, end, |from, upto| {
            match self.query(Query::JournalBytes { from, upto })? {
                Answer::JournalBytes(bytes) => Ok(bytes),
                _ => Err(OpsError::Storage(
                    "the server did not send the journal's bytes".to_string(),
                )),
            }
        })
    }

    /// Sends one request and reads its answer.
    fn send(&self, request: Request) -> Reply {
        let Request::V1(call) = &request;
        // A read can always be asked again; a command might have been saved before the link
        // broke, so it is never sent twice.
        let repeatable = matches!(call, Call::Query(_) | Call::Validate(_));
        let bytes = match request.encode() {
            Ok(b) => b,
            Err(e) => return Reply::V1(Err(OpsError::Storage(e.to_string()))),
        };
        let mut link = match self.link.lock() {
            Ok(l) => l,
            Err(p) => p.into_inner(),
        };
        for attempt in 0..2 {
            if link.is_none() {
                match dial(&self.socket) {
                    Ok(s) => *link = Some(s),
                    Err(e) => return Reply::V1(Err(self.gone(e))),
                }
            }
            let Some(stream) = link.as_mut() else {
                continue;
            };
            // A request that could not be written was not received (a frame cut short is
            // dropped by the server): it is sent again on a new connection, commands too.
            // This is how a connection the server closed (idle, restarted) is noticed.
            if let Err(e) = wire::write_frame(stream, &bytes) {
                // The server may have said why before it closed (a request larger than it
                // takes, a frame of another version): that refusal is the answer, and the
                // request is not sent again.
                let refusal = refusal_before_close(stream);
                *link = None;
                if let Some(refusal) = refusal {
                    return refusal;
                }
                if attempt == 1 {
                    return Reply::V1(Err(self.gone(e)));
                }
                continue;
            }
            match wire::read_frame(stream, crate::codec::MAX_VALUE_BYTES) {
                Ok(answer) => {
                    return match Reply::decode(&answer) {
                        Ok(reply) => reply,
                        Err(e) => {
                            *link = None;
                            Reply::V1(Err(OpsError::Storage(format!(
                                "the server's answer could not be read ({e}); is it another version of tallyman?"
                            ))))
                        }
                    }
                }
                Err(e) => {
                    *link = None;
                    if !repeatable {
                        return Reply::V1(Err(self.lost(e)));
                    }
                    if attempt == 1 {
                        return Reply::V1(Err(self.gone(e)));
                    }
                }
            }
        }
        Reply::V1(Err(self.gone("no connection")))
    }
}

/// The error answer a server wrote before closing a connection whose request it would not
/// read, if there is one. The server answers only requests, one each, and the last was read,
/// so an answer waiting here is about the request being written.
fn refusal_before_close(stream: &mut UnixStream) -> Option<Reply> {
    let answer = wire::read_frame(stream, crate::codec::MAX_VALUE_BYTES).ok()?;
    match Reply::decode(&answer) {
        Ok(reply @ Reply::V1(Err(_))) => Some(reply),
        _ => None,
    }
}
