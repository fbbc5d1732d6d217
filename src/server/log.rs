//! The server's log file: start, stop, refused requests (who, what, when, why) and broken
//! connections, one line each. Never the terminal.

use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

pub struct ServerLog {
    file: Mutex<std::fs::File>,
}

impl ServerLog {
    /// Opens (or creates) the log for appending.
    pub fn open(path: &Path) -> std::io::Result<ServerLog> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(ServerLog {
            file: Mutex::new(file),
        })
    }

    /// Writes one line, stamped with the time (UTC). A control character in `text` (a
    /// newline in an error's words) is written escaped, so one entry stays one line. A failed
    /// write is not worth stopping the server for.
    pub fn line(&self, text: &str) {
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let mut file = match self.file.lock() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        };
        let mut one = String::with_capacity(text.len());
        for c in text.chars() {
            push_escaped(&mut one, c, false);
        }
        let _ = writeln!(file, "{stamp} {one}");
    }
}

/// A value for the log, in double quotes: `"` and `\` inside it escaped with `\`, control
/// characters as `\n`, `\r`, `\t` or `\u{1b}`. A user name or a refusal's words with a quote
/// in it can then not end the value early or forge a field (`why="\"bob\" is a support"`).
pub fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        push_escaped(&mut out, c, true);
    }
    out.push('"');
    out
}

fn push_escaped(out: &mut String, c: char, in_quotes: bool) {
    match c {
        '"' | '\\' if in_quotes => {
            out.push('\\');
            out.push(c);
        }
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn a_quoted_value_escapes_quotes_backslashes_and_control_characters() {
        assert_eq!(quoted("bob"), "\"bob\"");
        assert_eq!(
            quoted("\"bob\" is a support: scanning needs clerk"),
            "\"\\\"bob\\\" is a support: scanning needs clerk\""
        );
        assert_eq!(quoted("a\\b"), "\"a\\\\b\"");
        assert_eq!(quoted("x\ny\rz\tw"), "\"x\\ny\\rz\\tw\"");
        assert_eq!(quoted("\u{1b}[2J"), "\"\\u{1b}[2J\"");
    }

    #[test]
    fn one_entry_stays_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("serve.log");
        let log = super::ServerLog::open(&path).unwrap();
        log.line("closed a connection: broken\nfake=\"entry\"");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.trim_end()
                .ends_with("closed a connection: broken\\nfake=\"entry\""),
            "{text}"
        );
    }
}
