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

    /// Writes one line, stamped with the time (UTC). A failed write is not worth stopping
    /// the server for.
    pub fn line(&self, text: &str) {
        let stamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let mut file = match self.file.lock() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        };
        let _ = writeln!(file, "{stamp} {text}");
    }
}
