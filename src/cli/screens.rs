//! Opening the terminal screens on a database (the default when no command is given), and
//! what a user sees when they cannot: a server that is not running, a socket they may not
//! use, an account the server does not know.

use super::args::Cli;
use super::{CliResult, Failure};
use crate::config::Config;
use crate::ops::{Answer, Ops, OpsError, OpsQueries, Outbox, Query};
use crate::tui::{self, ops_runner::OpsRunner, Interrupted, TuiOptions};
use std::sync::Arc;

/// How long a refusal at login stays on the terminal waiting for Enter before the session
/// closes (a handheld's SSH session ends with the process).
const LOGIN_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The screens through `ops`, or what keeps the user out of them.
pub fn run(cli: &Cli, ops: Result<Arc<dyn Ops>, Failure>) -> CliResult {
    let ops = ops.map_err(at_login)?;
    // Who the server says this user is, before any screen: an account it does not know is
    // told so now, in the server's words, not at its first scan.
    let role = match ops.query(Query::Me) {
        Ok(Answer::Me { role, .. }) => role,
        Ok(_) => crate::domain::Role::Admin,
        Err(e @ OpsError::Refused(_)) => return Err(at_login(Failure::from(e))),
        Err(e) => return Err(at_login(Failure::from(e))),
    };
    let (config, _from) = Config::load(cli.config.as_deref()).map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
        json: None,
    })?;
    let mut options = TuiOptions::from_env(
        config,
        cli.keymap.clone(),
        cli.keymap_file.clone(),
        cli.profile,
        ops.status()?.dir,
    );
    options.role = role;
    // Diagnostics say whether a server answers for the database, and on which socket.
    options.link = ops.server_socket().map(|s| s.display().to_string());
    let mut runner = OpsRunner::shared(ops.clone());
    if let Some(socket) = ops.server_socket() {
        // Scans the server does not answer wait in the user's own file (and those a client
        // that died left for this server are sent first).
        let outbox = Outbox::open(crate::ops::outbox_dir().as_deref(), &socket);
        options.waiting = outbox.len();
        runner = runner.with_outbox(outbox);
    }
    tui::run(options, Box::new(runner)).map_err(|e| {
        let code = e
            .downcast_ref::<Interrupted>()
            .map(Interrupted::exit_code)
            .unwrap_or(1);
        Failure {
            code,
            message: e.to_string(),
            json: None,
        }
    })
}

/// The screens cannot start: on a terminal the words stay until Enter (or a minute), so a
/// handheld whose session closes with the process shows them; the failure is then returned
/// with its words already printed.
fn at_login(f: Failure) -> Failure {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return f;
    }
    let width = ratatui::crossterm::terminal::size()
        .map(|(w, _)| usize::from(w).clamp(20, 80))
        .unwrap_or(80);
    let mut text = String::new();
    for line in wrap(&f.message, width) {
        text.push_str(&line);
        text.push_str("\r\n");
    }
    text.push_str("Enter: close\r\n");
    eprint!("{text}");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        let _ = tx.send(());
    });
    let _ = rx.recv_timeout(LOGIN_WAIT);
    Failure {
        message: String::new(),
        ..f
    }
}

/// Words wrapped at `width` columns (a word longer than a line, such as a path, is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        while word.chars().count() > width {
            let cut: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(cut);
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn login_words_wrap_at_twenty_columns_and_lead_with_what_matters() {
        let lines = wrap(
            "tallyman server not running; ask an admin (socket /run/tallyman/site.sock)",
            20,
        );
        assert_eq!(lines[0], "tallyman server not");
        assert_eq!(lines[1], "running; ask an");
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(
            lines.concat().replace(' ', ""),
            "tallymanservernotrunning;askanadmin(socket/run/tallyman/site.sock)"
        );
    }
}
