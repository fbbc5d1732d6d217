//! The server's anchor file, kept outside the database folder: the head of the journal's
//! chain (`SEQ:HASH` and the time) appended whenever it moved, so a journal edited behind
//! the server's back is caught by `tallyman check --anchor FILE`.

use crate::ops::local::Service;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often, at most, a moved head is written while serving.
const EVERY: Duration = Duration::from_secs(5);

pub(crate) struct AnchorFile {
    path: PathBuf,
    /// The last sequence written and when.
    last: Mutex<(u64, Option<Instant>)>,
}

impl AnchorFile {
    pub(crate) fn new(path: PathBuf) -> AnchorFile {
        AnchorFile {
            path,
            last: Mutex::new((0, None)),
        }
    }

    /// Appends the durable head when it moved since the last line (and, unless `now`, when
    /// the last line is a few seconds old).
    pub(crate) fn note(&self, service: &Service, now: bool) -> Result<(), String> {
        let Some((seq, hash)) = service.durable_head() else {
            return Ok(());
        };
        let mut last = self
            .last
            .lock()
            .map_err(|_| "the anchor lock is poisoned".to_string())?;
        let due = now || last.1.is_none_or(|t| t.elapsed() >= EVERY);
        if seq == last.0 || !due {
            return Ok(());
        }
        let line = format!(
            "{} {}\n",
            crate::journal::anchor_words(seq, &hash),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| {
                f.write_all(line.as_bytes())?;
                f.sync_data()
            });
        match written {
            Ok(()) => {
                *last = (seq, Some(Instant::now()));
                Ok(())
            }
            Err(e) => Err(format!(
                "could not write the anchor file {}: {e}",
                self.path.display()
            )),
        }
    }
}
