//! Who is running this process: the OS user recorded as the actor of every command in
//! embedded mode, and the account a server runs as.

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The OS user name: `USER`, `LOGNAME` or `USERNAME`, else (Linux) the name of the process's
/// real uid in `/etc/passwd`. For display only; the server checks roles against the socket
/// peer's uid.
pub fn os_user() -> String {
    env("USER")
        .or_else(|| env("LOGNAME"))
        .or_else(|| env("USERNAME"))
        .or_else(user_from_uid)
        .unwrap_or_else(|| "unknown".into())
}

fn user_from_uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        (f.nth(1)? == uid).then(|| name.to_string())
    })
}

/// The name of the account this process runs as, from its real uid through the system's
/// user database (never from the environment): who a server is, for its always-admin gate.
pub fn account() -> String {
    let uid = nix::unistd::getuid();
    match nix::unistd::User::from_uid(uid) {
        Ok(Some(user)) => user.name,
        _ => format!("uid {}", uid.as_raw()),
    }
}
