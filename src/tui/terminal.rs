//! The real terminal: raw mode and screen setup per profile, a guard and a panic hook that
//! always restore it, SIGTERM/SIGHUP/SIGINT/SIGQUIT turned into events (a dropped SSH session
//! restores the terminal too), and the input thread that turns crossterm events into
//! [`InputEvent`]s.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Once};
use std::thread;

use ratatui::crossterm::event::{self, Event};
use ratatui::crossterm::terminal;
use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};
use signal_hook::SigId;

use super::keys::KeyPress;
use super::profile::Profile;

/// What the input and signal threads report to the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputEvent {
    /// A key.
    Key(KeyPress),
    /// The terminal has a new size.
    Resize(u16, u16),
    /// A termination signal arrived.
    Signal(i32),
    /// The terminal input ended (hung-up line, closed PTY).
    InputClosed(String),
}

static ACTIVE: AtomicBool = AtomicBool::new(false);
static VT: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Bytes that set the screen up. `vt`: no alternate screen (VT100/VT220 have none).
pub fn setup_bytes(profile: Profile) -> &'static [u8] {
    match profile {
        Profile::Full => b"\x1b[?1049h\x1b[0m\x1b[?25l\x1b[H\x1b[2J",
        Profile::Vt => b"\x1b[0m\x1b[?25l\x1b[H\x1b[2J",
    }
}

/// Bytes that put the screen back. They start with CAN, which aborts an escape sequence a
/// panic may have cut in half.
pub fn restore_bytes(profile: Profile) -> &'static [u8] {
    match profile {
        Profile::Full => b"\x18\x1b[0m\x1b[?25h\x1b[?1049l",
        Profile::Vt => b"\x18\x1b[0m\x1b[?25h\x1b[H\x1b[2J",
    }
}

/// Restores the terminal if it is set up. Safe to call more than once and from the panic
/// hook; errors are ignored (the terminal may be gone).
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let profile = if VT.load(Ordering::SeqCst) {
            Profile::Vt
        } else {
            Profile::Full
        };
        let mut out = io::stdout();
        let _ = out.write_all(restore_bytes(profile));
        let _ = out.flush();
        let _ = terminal::disable_raw_mode();
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Keeps the terminal in raw mode while alive; restores it when dropped (and on panic).
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enters raw mode and sets the screen up for the profile.
    pub fn enter(profile: Profile) -> io::Result<Self> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        VT.store(profile == Profile::Vt, Ordering::SeqCst);
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = Self { _private: () };
        let mut out = io::stdout();
        out.write_all(setup_bytes(profile))?;
        out.flush()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Signal handling for the lifetime of the TUI.
pub struct SignalWatch {
    handle: Handle,
    ids: Vec<SigId>,
}

impl SignalWatch {
    /// Turns SIGTERM, SIGHUP, SIGINT and SIGQUIT into [`InputEvent::Signal`]. A second SIGTERM
    /// or SIGINT while the first is being handled ends the process at once.
    pub fn start(tx: Sender<InputEvent>) -> io::Result<Self> {
        let mut ids = Vec::new();
        let pending = Arc::new(AtomicBool::new(false));
        for sig in [SIGTERM, SIGINT] {
            ids.push(signal_hook::flag::register_conditional_shutdown(
                sig,
                128 + sig,
                Arc::clone(&pending),
            )?);
            ids.push(signal_hook::flag::register(sig, Arc::clone(&pending))?);
        }
        let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
        let handle = signals.handle();
        thread::Builder::new()
            .name("tallyman-signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if tx.send(InputEvent::Signal(sig)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Self { handle, ids })
    }
}

impl Drop for SignalWatch {
    fn drop(&mut self) {
        self.handle.close();
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Starts the thread that reads the terminal. It ends when the runtime stops listening or
/// the input fails; a thread blocked in a read is left behind when the TUI ends.
pub fn spawn_input_thread(tx: Sender<InputEvent>) -> io::Result<()> {
    thread::Builder::new()
        .name("tallyman-input".into())
        .spawn(move || loop {
            let ev = match event::read() {
                Ok(Event::Key(k)) => match KeyPress::from_crossterm(k) {
                    Some(kp) => InputEvent::Key(kp),
                    None => continue,
                },
                Ok(Event::Resize(w, h)) => InputEvent::Resize(w, h),
                Ok(_) => continue,
                Err(e) => {
                    let _ = tx.send(InputEvent::InputClosed(e.to_string()));
                    break;
                }
            };
            if tx.send(ev).is_err() {
                break;
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::vt_filter::vt_violations;

    #[test]
    fn vt_setup_and_restore_follow_the_vt_rules() {
        // CAN (0x18) is a plain C0 control, allowed.
        assert!(vt_violations(setup_bytes(Profile::Vt)).is_empty());
        assert!(vt_violations(restore_bytes(Profile::Vt)).is_empty());
        assert!(!vt_violations(setup_bytes(Profile::Full)).is_empty());
    }
}
