//! A tmux driver for tests that run the real binary in real terminals: a private tmux
//! server, one or more sessions of a given size, keys and literal text in, screens out.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A private tmux server (killed when dropped).
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Is tmux installed? In CI (`CI` set) a missing tmux is a failure, not a skip.
    pub fn available() -> bool {
        let found = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found || std::env::var_os("CI").is_none(),
            "tmux is missing: the terminal tests cannot run (CI must install it)"
        );
        found
    }

    /// A new private server named after `name` and this process.
    pub fn new(name: &str) -> Tmux {
        Tmux {
            socket: format!("tallyman-{name}-{}", std::process::id()),
        }
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

    /// What the session's screen shows.
    pub fn capture(&self, session: &str) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", session]).stdout)
            .into_owned()
    }

    /// Sends keys by tmux name (`Enter`, `F8`, `1`).
    pub fn keys(&self, session: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", session];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types text as it is, all at once (a scanner's burst).
    pub fn literal(&self, session: &str, text: &str) {
        let out = self.run(&["send-keys", "-t", session, "-l", text]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Waits until the screen shows `needle`; panics with the screen after `timeout`.
    pub fn wait_for(&self, session: &str, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture(session);
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {needle:?} in {session}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}
