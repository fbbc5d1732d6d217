//! `tallyman serve` (the options from the command line and the config) and `tallyman user`.

use super::args::{ServeArgs, UserCmd};
use super::json::{self as j, UserJson};
use super::{CliResult, Failure};
use crate::domain::Role;
use crate::ops::{Answer, Command, Ops, Outcome, Query};
use crate::server::{self, ServeOptions};
use std::path::Path;
use std::time::Duration;

pub fn run(db: &Path, args: &ServeArgs, json: bool) -> CliResult {
    let config = super::config();
    let serve = &config.serve;
    let options = ServeOptions {
        socket: super::socket_of(db),
        socket_mode: serve.socket_mode,
        group: args.group.clone().or_else(|| serve.group.clone()),
        log: args
            .log
            .clone()
            .or_else(|| serve.log.clone())
            .unwrap_or_else(|| db.join("serve.log")),
        max_frame: u64::from(serve.max_frame_mib) * 1024 * 1024,
        idle_timeout: Duration::from_secs(serve.idle_timeout_secs),
        read_timeout: Duration::from_secs(serve.read_timeout_secs),
        max_connections: serve.max_connections as usize,
        max_connections_per_user: serve.max_connections_per_user as usize,
        gate: server::default_gate(),
        anchor: Some(
            args.anchor_file
                .clone()
                .unwrap_or_else(|| server::default_anchor(db)),
        ),
    };
    // A path that is taken or lies inside the database is refused before anything opens.
    server::check_socket_path(db, &options.socket).map_err(|e| match e {
        server::ServeError::AlreadyServing(_) => Failure::storage(e.to_string()),
        _ => Failure::invalid(e.to_string()),
    })?;
    let group_commit = serve.group_commit && !args.no_group_commit;
    server::serve(
        db,
        options,
        group_commit,
        super::settings(config),
        |o, warnings| {
            for w in warnings {
                eprintln!("warning: {w}");
            }
            if json {
                let _ = j::print(&j::ServingJson {
                    database: db.display().to_string(),
                    socket: o.socket.display().to_string(),
                    log: o.log.display().to_string(),
                    pid: std::process::id(),
                });
            } else {
                outln!(
                    "serving {} on {} (log: {}); stop with Ctrl+C or SIGTERM",
                    db.display(),
                    o.socket.display(),
                    o.log.display()
                );
            }
        },
    )
    .map_err(Failure::storage)
}

/// A role is given to an OS account: the server knows users by the account at the other end
/// of its socket, so a name this machine does not know could never log in (a typo).
fn os_account(name: &str) -> CliResult {
    match nix::unistd::User::from_name(name) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(Failure::invalid(format!(
            "expected an OS account, found no account \"{name}\" on this machine; create it first (useradd), or add --force if it comes from a directory service that cannot be reached now"
        ))),
        Err(e) => Err(Failure::invalid(format!(
            "cannot look up the OS account \"{name}\" ({e}); add --force to add it anyway"
        ))),
    }
}

fn role(text: &str) -> Result<Role, Failure> {
    Role::parse(text).map_err(Failure::invalid)
}

pub fn user(ops: &dyn Ops, cmd: &UserCmd, json: bool) -> CliResult {
    let command = match cmd {
        UserCmd::List => {
            let Answer::Users(users) = ops.query(Query::Users)? else {
                return Err(Failure::storage("the service gave no user list"));
            };
            if json {
                let list: Vec<UserJson> = users
                    .iter()
                    .map(|u| UserJson {
                        name: u.name.clone(),
                        role: Some(u.role.name()),
                    })
                    .collect();
                return j::print(&list);
            }
            if users.is_empty() {
                outln!("no users yet: add one with `tallyman user add NAME --role clerk`");
            }
            for u in users {
                outln!("{:<32} {}", u.name, u.role);
            }
            return Ok(());
        }
        UserCmd::Add {
            name,
            role: r,
            force,
        } => {
            let role = role(r)?;
            if !force {
                os_account(name)?;
            }
            Command::AddUser {
                name: name.clone(),
                role,
            }
        }
        UserCmd::Role { name, role: r } => Command::SetRole {
            name: name.clone(),
            role: role(r)?,
        },
        UserCmd::Remove { name } => Command::RemoveUser { name: name.clone() },
    };
    let Outcome::UserSet { name, role } = ops.execute(command)? else {
        return Err(Failure::storage("the service gave no user change"));
    };
    if json {
        return j::print(&UserJson {
            name,
            role: role.map(Role::name),
        });
    }
    match role {
        Some(r) => outln!("{name} is now {r}"),
        None => outln!("{name} is no longer a user"),
    }
    Ok(())
}
