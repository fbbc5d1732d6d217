//! Who is on the other end of a connection: the peer's uid from the kernel (SO_PEERCRED),
//! named through the system's user database. What the client says about itself is never
//! asked.

use std::os::unix::net::UnixStream;

/// The peer's OS account name, or `uid N` when the uid has no name.
pub fn peer_user(stream: &UnixStream) -> Result<String, String> {
    let creds = nix::sys::socket::getsockopt(stream, nix::sys::socket::sockopt::PeerCredentials)
        .map_err(|e| format!("cannot tell who is connected: {e}"))?;
    let uid = nix::unistd::Uid::from_raw(creds.uid());
    Ok(match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {}", uid.as_raw()),
    })
}
