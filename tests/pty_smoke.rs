//! Smoke tests of the real binary in a real PTY (tmux): for every shipped keymap it starts,
//! draws the menu, opens help, goes back, quits with that keymap's quit key, and the terminal
//! is restored (cooked mode, alternate screen left). Also: an injected panic, SIGTERM and
//! SIGHUP restore the terminal; the start-to-first-frame time is reported.
//!
//! Needs tmux (skipped with a note if it is missing).

use std::path::Path;
use std::process::{Command as Proc, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tallyman::tui::keymap::{build_builtin, Command, Context, Trigger};
use tallyman::tui::keys::Key;

const BIN: &str = env!("CARGO_BIN_EXE_tallyman");
static N: AtomicUsize = AtomicUsize::new(0);

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Whether tmux is here. Under CI (where `.ci/run` installs it) a missing tmux fails.
    fn available() -> bool {
        let found = Proc::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found || std::env::var_os("CI").is_none(),
            "tmux is missing: the PTY tests cannot run (CI must install it)"
        );
        found
    }

    /// Starts `cmd` (a shell command line) in a detached session of the given size.
    fn start(width: u16, height: u16, cmd: &str) -> Tmux {
        let socket = format!(
            "tallyman-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let t = Tmux { socket };
        let out = t.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
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
        t
    }

    fn run(&self, args: &[&str]) -> Output {
        Proc::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-J", "-t", "main"]).stdout)
            .into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn literal(&self, text: &str) {
        self.run(&["send-keys", "-t", "main", "-l", text]);
    }

    /// Types a keymap trigger: a key, or a typed code and Enter.
    fn trigger(&self, t: &Trigger) {
        match t {
            Trigger::Code(c) => {
                self.literal(c);
                self.keys(&["Enter"]);
            }
            Trigger::Key(k) => {
                assert!(
                    !k.ctrl && !k.alt,
                    "no modifier keys in smoke tests: {}",
                    k.name()
                );
                match k.key {
                    Key::Char(c) => self.literal(&c.to_string()),
                    Key::F(n) => self.keys(&[&format!("F{n}")]),
                    Key::Enter => self.keys(&["Enter"]),
                    Key::Esc => self.keys(&["Escape"]),
                    Key::Up => self.keys(&["Up"]),
                    Key::Down => self.keys(&["Down"]),
                    other => panic!("no tmux name for {other:?}"),
                }
            }
        }
    }

    /// Waits until the screen contains `needle`; panics with the screen on timeout.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {needle:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pid of the program the pane's shell started.
    fn child_pid(&self) -> u32 {
        let out = self.run(&["display-message", "-p", "-t", "main", "#{pane_pid}"]);
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

/// A database folder of its own for each run (a database is opened by one process at a time).
fn fresh_db() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir()
        .join(format!("tallyman-pty-{}-{n}", std::process::id()))
        .display()
        .to_string()
}

/// The shell line: run the binary, then report its exit status and the tty modes.
fn script(env: &str, args: &str) -> String {
    let db = fresh_db();
    format!(
        "env {env} {BIN} --db {db} {args}; echo EXIT=$?; rm -rf {db}; \
         stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' '; \
         echo; echo STTY-END; sleep 60"
    )
}

/// After the program ended: raw mode is off (canonical input and echo are back).
fn assert_restored(screen: &str) {
    let stty = screen
        .split("EXIT=")
        .nth(1)
        .unwrap_or_else(|| panic!("no exit line:\n{screen}"));
    let words: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "{mode} not restored:\n{screen}");
        assert!(
            !words.contains(&format!("-{mode}").as_str()),
            "-{mode}:\n{screen}"
        );
    }
}

fn smoke(keymap: &str, term: &str, width: u16, height: u16) {
    if !Tmux::available() {
        eprintln!("tmux not found: PTY smoke test skipped");
        return;
    }
    let km = build_builtin(keymap).unwrap();
    let report = tempfile::NamedTempFile::new().unwrap();
    let env = format!(
        "TERM={term} TALLYMAN_STARTUP_REPORT={}",
        report.path().display()
    );
    let t = Tmux::start(width, height, &script(&env, &format!("--keymap {keymap}")));
    let menu = t.wait_for("0 Quit");
    assert!(menu.contains("9 Diagnostics"), "{menu}");
    // Help, from the keymap's own help key.
    t.trigger(&km.first_trigger(Context::Menu, Command::Help).unwrap());
    let help = t.wait_for("Press the number");
    assert!(help.contains("Help"), "{help}");
    // Back to the menu.
    t.trigger(&km.first_trigger(Context::Popup, Command::Back).unwrap());
    let start = Instant::now();
    while t.capture().contains("Press the number") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "help did not close"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.wait_for("0 Quit");
    // Quit with this keymap's quit key.
    let quit = km.first_trigger(Context::Menu, Command::Quit).unwrap();
    t.trigger(&quit);
    let screen = t.wait_for("STTY-END");
    assert!(
        screen.contains("EXIT=0"),
        "{keymap}: quit with {} failed:\n{screen}",
        quit.name()
    );
    assert!(
        !screen.contains("0 Quit"),
        "{keymap}: menu left on screen:\n{screen}"
    );
    assert_restored(&screen);
    let figure = std::fs::read_to_string(report.path()).unwrap_or_default();
    eprintln!("{keymap} ({term} {width}x{height}): {}", figure.trim());
    assert!(figure.starts_with("first_frame_ms="), "{figure:?}");
}

#[test]
fn default_keymap_in_an_xterm() {
    smoke("default", "xterm-256color", 80, 24);
}

#[test]
fn vt220_keymap_on_a_vt220() {
    smoke("vt220", "vt220", 20, 16);
}

#[test]
fn handheld_keymap_on_a_40x8_handheld() {
    smoke("handheld", "vt100", 40, 8);
}

#[test]
fn an_injected_panic_restores_the_terminal() {
    if !Tmux::available() {
        return;
    }
    let t = Tmux::start(
        80,
        24,
        &script("TERM=xterm TALLYMAN_TEST_PANIC=1 RUST_BACKTRACE=0", ""),
    );
    let screen = t.wait_for("STTY-END");
    assert!(screen.contains("injected test panic"), "{screen}");
    assert!(screen.contains("EXIT=101"), "{screen}");
    assert_restored(&screen);
}

fn signal_restores(sig: &str, term: &str, code: &str) {
    if !Tmux::available() || !Path::new("/proc/self/task").exists() {
        return;
    }
    let t = Tmux::start(40, 8, &script(&format!("TERM={term}"), ""));
    t.wait_for("0 Quit");
    let pid = t.child_pid();
    let ok = Proc::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let screen = t.wait_for("STTY-END");
    assert!(screen.contains(&format!("EXIT={code}")), "{screen}");
    assert!(!screen.contains("0 Quit"), "{screen}");
    assert_restored(&screen);
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores("TERM", "xterm", "143");
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores("HUP", "vt220", "129");
}

#[test]
fn a_bad_keymap_file_shows_the_error_screen_then_the_default_works() {
    if !Tmux::available() {
        return;
    }
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut f, b"[count]\nfinish = [\"f\"]\n").unwrap();
    let args = format!("--keymap-file {}", f.path().display());
    let t = Tmux::start(80, 24, &script("TERM=xterm", &args));
    let screen = t.wait_for("Keymap error");
    assert!(
        screen.contains(":2: [count] finish: bare key `f`"),
        "{screen}"
    );
    t.keys(&["Enter"]);
    t.wait_for("0 Quit");
    t.keys(&["F10"]);
    let screen = t.wait_for("STTY-END");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_restored(&screen);
}
