//! Smoke tests of the real binary in a real PTY (tmux): for every shipped keymap it starts,
//! draws the menu, opens help, goes back, quits with that keymap's quit key, and the terminal
//! is restored (cooked mode, alternate screen left). Also: an injected panic, SIGTERM and
//! SIGHUP restore the terminal; the start-to-first-frame time is reported.
//!
//! Needs tmux (`.ci/run` installs it; elsewhere the test says it is missing and skips).

mod support;

use std::path::Path;
use std::process::Command as Proc;
use std::time::{Duration, Instant};

use support::tmux::Tmux;

use tallyman::tui::keymap::{build_builtin, Context, KeyCommand, Trigger};
use tallyman::tui::keys::Key;

use support::cli::BIN;

/// How long a screen may take to show what is waited for.
const WAIT: Duration = Duration::from_secs(15);

/// Types a keymap trigger: a key, or a typed code and Enter.
fn trigger(t: &Tmux, trigger: &Trigger) {
    match trigger {
        Trigger::Code(c) => {
            t.literal(c);
            t.keys(&["Enter"]);
        }
        Trigger::Key(k) => {
            assert!(
                !k.ctrl && !k.alt,
                "no modifier keys in smoke tests: {}",
                k.name()
            );
            match k.key {
                Key::Char(c) => t.literal(&c.to_string()),
                Key::F(n) => t.keys(&[&format!("F{n}")]),
                Key::Enter => t.keys(&["Enter"]),
                Key::Esc => t.keys(&["Escape"]),
                Key::Up => t.keys(&["Up"]),
                Key::Down => t.keys(&["Down"]),
                other => panic!("no tmux name for {other:?}"),
            }
        }
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
        "mkdir -p {db}; env {env} {BIN} --db {db} {args}; echo EXIT=$?; rm -rf {db}; \
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
    if support::skipped("the PTY smoke test", support::tmux_missing()) {
        return;
    }
    let km = build_builtin(keymap).unwrap();
    let report = tempfile::NamedTempFile::new().unwrap();
    let env = format!(
        "TERM={term} TALLYMAN_STARTUP_REPORT={}",
        report.path().display()
    );
    let t = Tmux::start(
        "smoke",
        width,
        height,
        &script(&env, &format!("--keymap {keymap}")),
    );
    let menu = t.wait_for("0 Quit", WAIT);
    assert!(menu.contains("9 Diagnostics"), "{menu}");
    // Help, from the keymap's own help key.
    trigger(
        &t,
        &km.first_trigger(Context::Menu, KeyCommand::Help).unwrap(),
    );
    let help = t.wait_for("Press the number", WAIT);
    assert!(help.contains("Help"), "{help}");
    // Back to the menu.
    trigger(
        &t,
        &km.first_trigger(Context::Popup, KeyCommand::Back).unwrap(),
    );
    let start = Instant::now();
    while t.capture().contains("Press the number") {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "help did not close"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    t.wait_for("0 Quit", WAIT);
    // Quit with this keymap's quit key.
    let quit = km.first_trigger(Context::Menu, KeyCommand::Quit).unwrap();
    trigger(&t, &quit);
    let screen = t.wait_for("STTY-END", WAIT);
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
    if support::skipped("the PTY smoke test", support::tmux_missing()) {
        return;
    }
    let t = Tmux::start(
        "smoke",
        80,
        24,
        &script("TERM=xterm TALLYMAN_TEST_PANIC=1 RUST_BACKTRACE=0", ""),
    );
    let screen = t.wait_for("STTY-END", WAIT);
    assert!(screen.contains("injected test panic"), "{screen}");
    assert!(screen.contains("EXIT=101"), "{screen}");
    assert_restored(&screen);
}

fn signal_restores(sig: &str, term: &str, code: &str) {
    let proc_missing =
        || (!Path::new("/proc/self/task").exists()).then(|| "no /proc (Linux only)".to_string());
    if support::skipped(
        "the signal test",
        support::tmux_missing().or_else(proc_missing),
    ) {
        return;
    }
    let t = Tmux::start("smoke", 40, 8, &script(&format!("TERM={term}"), ""));
    t.wait_for("0 Quit", WAIT);
    let pid = t.child_pid();
    let ok = Proc::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let screen = t.wait_for("STTY-END", WAIT);
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
    if support::skipped("the PTY smoke test", support::tmux_missing()) {
        return;
    }
    let mut f = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut f, b"[count]\nfinish = [\"f\"]\n").unwrap();
    let args = format!("--keymap-file {}", f.path().display());
    // At a desk and on a handheld (where the error wraps: its words are checked joined).
    for (term, width, height) in [("xterm", 80, 24), ("vt220", 20, 16)] {
        let t = Tmux::start(
            "smoke",
            width,
            height,
            &script(&format!("TERM={term}"), &args),
        );
        let screen = t.wait_for("Keymap error", WAIT);
        let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(":2: [count] finish: bare key `f`"),
            "{term}:\n{screen}"
        );
        t.keys(&["Enter"]);
        t.wait_for("0 Quit", WAIT);
        t.keys(&["F10"]);
        let screen = t.wait_for("STTY-END", WAIT);
        assert!(screen.contains("EXIT=0"), "{term}:\n{screen}");
        assert_restored(&screen);
    }
}

/// `tallyman demo` on a 20x16 handheld: before "press Enter" it says the short guide, whose
/// lines fit the width (none wrapped by the terminal) and which is still on the screen with
/// "press Enter" (nothing scrolled away); Enter opens the screens.
#[test]
fn the_demo_guide_fits_a_20x16_handheld_before_press_enter() {
    if support::skipped("the PTY smoke test", support::tmux_missing()) {
        return;
    }
    let t = Tmux::start("demo", 20, 16, &script("TERM=vt220", "demo --units 200"));
    let screen = t.wait_for("the screens", WAIT);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows.iter().all(|r| r.chars().count() <= 20), "{screen}");
    let words = rows.join(" ");
    for needle in [
        "Count 1 is open:",
        "WH3/A/01",
        "RT90000004, Finish",
        "2 Mismatches",
        "3 Lookup",
        "press Enter to open the screens",
    ] {
        assert!(words.contains(needle), "{needle}:\n{screen}");
    }
    t.keys(&["Enter"]);
    t.wait_for("3 Lookup", WAIT);
    t.literal("/q");
    t.keys(&["Enter"]);
    t.wait_for("EXIT=0", WAIT);
}
