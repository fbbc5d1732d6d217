//! The tmux driver of every test that runs the real binary in real terminals: a private
//! tmux server per driver, one or more sessions of a given size, keys and literal text in,
//! screens out. The plain methods work on the session `main` that [`Tmux::start`] makes; the
//! `_in` methods on a named session.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A private tmux server (killed when dropped).
pub struct Tmux {
    socket: String,
}

const MAIN: &str = "main";

impl Tmux {
    /// Is tmux installed? A test without it skips through `support::skipped` (a failure
    /// where `.ci/run` requires every test to run).
    pub fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// A new private server, its name unique in this process.
    pub fn new(name: &str) -> Tmux {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Tmux {
            socket: format!(
                "tallyman-{name}-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ),
        }
    }

    /// A new server with `cmd` (a shell command line) running in the session `main`.
    pub fn start(name: &str, width: u16, height: u16, cmd: &str) -> Tmux {
        let t = Tmux::new(name);
        t.session(MAIN, width, height, cmd);
        t
    }

    /// Starts a detached session `session` of `width` x `height` running `cmd`.
    pub fn session(&self, session: &str, width: u16, height: u16, cmd: &str) {
        let out = self.run(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// What a session's screen shows (wrapped lines joined).
    pub fn capture_in(&self, session: &str) -> String {
        String::from_utf8_lossy(
            &self
                .run(&["capture-pane", "-p", "-J", "-t", session])
                .stdout,
        )
        .into_owned()
    }

    /// Sends keys by tmux name (`Enter`, `F8`, `1`).
    pub fn keys_in(&self, session: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", session];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text as it is, all at once (a scanner's burst).
    pub fn literal_in(&self, session: &str, text: &str) {
        let out = self.run(&["send-keys", "-t", session, "-l", text]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Waits until a session's screen shows `needle`; panics with the screen after `timeout`.
    pub fn wait_in(&self, session: &str, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture_in(session);
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {needle:?} in {session}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// [`Tmux::capture_in`] the session `main`.
    pub fn capture(&self) -> String {
        self.capture_in(MAIN)
    }

    /// [`Tmux::keys_in`] the session `main`.
    pub fn keys(&self, keys: &[&str]) {
        self.keys_in(MAIN, keys)
    }

    /// [`Tmux::literal_in`] the session `main`.
    pub fn literal(&self, text: &str) {
        self.literal_in(MAIN, text)
    }

    /// [`Tmux::wait_in`] the session `main`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait_in(MAIN, needle, timeout)
    }

    /// The pid of the program the shell of the session `main` started.
    pub fn child_pid(&self) -> u32 {
        let out = self.run(&["display-message", "-p", "-t", MAIN, "#{pane_pid}"]);
        let shell: u32 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid");
        let start = Instant::now();
        loop {
            let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
                .unwrap_or_default();
            if let Some(pid) = children.split_whitespace().next() {
                return pid.parse().expect("child pid");
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no child of {shell}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
