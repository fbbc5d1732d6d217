//! Waiting out a database that another handle or process of the same test still holds for a
//! moment: sled lets go of its file lock lazily after a drop (spacejam/sled#1234), and a
//! killed child's lock goes only with its exit. One rule for every test file: try again for
//! up to 10 s while the words say the database is locked, never on any other failure.

use std::fmt::Display;
use std::process::Output;
use std::time::{Duration, Instant};

/// How long a test waits for a lock to be let go.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Do these words (an error, a process's standard error) say the database is locked?
pub fn is_lock_error(words: &str) -> bool {
    words.contains("could not acquire lock") || words.contains("in use by")
}

/// Runs `f` again while it fails because the database is locked (for up to [`PATIENCE`]).
pub fn retry<T, E: Display>(mut f: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let started = Instant::now();
    loop {
        match f() {
            Err(e) if is_lock_error(&e.to_string()) && started.elapsed() < PATIENCE => {
                std::thread::sleep(Duration::from_millis(20))
            }
            other => return other,
        }
    }
}

/// Runs a `tallyman` process (made afresh by `run` each time) again while it exits 3 saying
/// the database is locked.
pub fn retry_process(mut run: impl FnMut() -> Output) -> Output {
    let started = Instant::now();
    loop {
        let out = run();
        let locked =
            out.status.code() == Some(3) && is_lock_error(&String::from_utf8_lossy(&out.stderr));
        if !locked || started.elapsed() >= PATIENCE {
            return out;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
