//! Keeping what a screen shows current while others work: on screens that show shared data
//! (the scan loop's figures, the mismatch list, a looked-up unit, the count list), the
//! service's last entry number is asked about twice a second (one tiny request); when it
//! moved, the screen on top asks again for what it shows. A server that does not answer
//! shows on the status line until it does. Pure, like `update`.

use super::app::{AppState, Screen, Status};
use super::effect::Effect;
use crate::domain::Day;

/// How often a live screen asks whether anything changed, in milliseconds.
pub const POLL_MS: i64 = 500;

/// What the status line says while the server does not answer.
pub const LINK_DOWN: &str = "no server";
/// And once it answers again.
pub const LINK_BACK: &str = "server back";

/// The status line while the server does not answer: one line, with the scans that wait.
pub fn link_down_words(waiting: usize) -> String {
    match waiting {
        0 => LINK_DOWN.to_string(),
        n => format!("{LINK_DOWN}, {n} wait"),
    }
}

pub use super::app::Live;

/// Is the screen on top showing shared data while the server does not answer (as it was,
/// not as it is)?
pub fn showing_stale(state: &AppState) -> bool {
    state.live.link_down.is_some() && shows_shared_data(state)
}

/// Does the screen on top show data others change?
fn shows_shared_data(state: &AppState) -> bool {
    matches!(
        state.screen(),
        Screen::CountScan(_)
            | Screen::Mismatches(_)
            | Screen::Lookup(_)
            | Screen::CountList(_)
            | Screen::MismatchCounts(_)
    )
}

/// The time moved on: poll when a live screen is on top and the last poll is old enough.
pub fn tick(state: &mut AppState) -> Vec<Effect> {
    // Scans that wait are sent as soon as the server answers, whatever screen is shown.
    if state.live.polling || !(shows_shared_data(state) || state.live.waiting > 0) {
        return Vec::new();
    }
    let now = state.now;
    let due = state.live.last_poll.is_none_or(|t| {
        let ms = (now - t).num_milliseconds();
        // A clock set back counts as due.
        !(0..POLL_MS).contains(&ms)
    });
    if !due {
        return Vec::new();
    }
    state.live.polling = true;
    state.live.last_poll = Some(now);
    vec![Effect::Poll]
}

/// The answer to a poll: the last entry number, or why the service did not answer.
pub fn polled(state: &mut AppState, answer: Result<u64, String>) -> Vec<Effect> {
    state.live.polling = false;
    match answer {
        Err(why) => link_lost(state, why),
        Ok(seq) => {
            state.live.refused = None;
            let was_down = state.live.link_down.is_some();
            link_back(state);
            let moved = state.live.seen.is_some_and(|s| s != seq);
            state.live.seen = Some(seq);
            let mut effects = send_waiting(state);
            if moved || was_down {
                effects.extend(refresh(state));
            }
            effects
        }
    }
}

/// Sends the waiting scans, unless they are on their way.
fn send_waiting(state: &mut AppState) -> Vec<Effect> {
    if state.live.waiting == 0 || state.live.sending {
        return Vec::new();
    }
    state.live.sending = true;
    vec![Effect::SendWaiting]
}

/// The server did not answer (a poll or a request): said once, in one line on every screen,
/// with the bell. (`update` then tells the scan loop, whose last headline is no longer news.)
pub fn link_lost(state: &mut AppState, why: String) -> Vec<Effect> {
    let first = state.live.link_down.is_none();
    state.live.link_down = Some(why);
    state.live.sending = false;
    if !first {
        return Vec::new();
    }
    state.status = Some(Status {
        text: link_down_words(state.live.waiting),
        error: true,
        shown: false,
        visit: None,
    });
    if state.config.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}

/// The server answers but refuses this user: its words stay on every screen (said once,
/// with the bell), instead of "no server".
pub fn access_refused(state: &mut AppState, msg: String) -> Vec<Effect> {
    state.live.polling = false;
    link_back(state);
    if state.live.refused.as_ref() == Some(&msg) {
        return Vec::new();
    }
    state.live.refused = Some(msg.clone());
    state.status = Some(Status {
        text: msg,
        error: true,
        shown: false,
        visit: None,
    });
    if state.config.bell {
        vec![Effect::Bell]
    } else {
        Vec::new()
    }
}

/// The server answered again: "server back" replaces "no server".
pub fn link_back(state: &mut AppState) {
    if state.live.link_down.take().is_none() {
        return;
    }
    if state
        .status
        .as_ref()
        .is_some_and(|s| s.visit.is_none() && s.text.starts_with(LINK_DOWN))
    {
        state.status = Some(Status {
            text: LINK_BACK.to_string(),
            error: false,
            shown: false,
            visit: None,
        });
    }
}

/// The client's count of waiting scans changed: the status line says how many wait while
/// the server is away, and how many were sent once none is left.
pub fn outbox(state: &mut AppState, waiting: usize) -> Vec<Effect> {
    let sent = state.live.waiting.saturating_sub(waiting);
    state.live.waiting = waiting;
    state.live.sending = false;
    let link_line = state.status.as_ref().is_some_and(|s| s.visit.is_none());
    if state.live.link_down.is_some() {
        if let Some(line) = state.status.as_mut().filter(|_| link_line) {
            line.text = link_down_words(waiting);
        }
    } else if sent > 0 && waiting == 0 && (link_line || state.status.is_none()) {
        state.status = Some(Status {
            text: sent_words(sent),
            error: false,
            shown: false,
            visit: None,
        });
    }
    Vec::new()
}

/// The status line once the scans that waited are all sent.
pub fn sent_words(sent: usize) -> String {
    format!("{LINK_BACK}, {sent} sent")
}

/// Asks again for what the screen on top shows, unless it is waiting for its own answer.
fn refresh(state: &mut AppState) -> Vec<Effect> {
    match state.screen() {
        Screen::CountScan(s) if !s.waiting && s.queued.is_empty() => {
            vec![super::screens::count_scan::requests::figures(
                s.count.id,
                s.location.clone(),
            )]
        }
        Screen::Mismatches(m) => vec![super::screens::mismatch::requests::load(m.count)],
        Screen::Lookup(_) => {
            let date = Day::from_date(state.now.date());
            match state.lookup_mut() {
                Some(l) if l.pending.is_empty() => match l.shown_unit() {
                    Some((serial, product)) => {
                        l.keep = Some(product);
                        vec![super::screens::lookup::requests::look_up(serial, date)]
                    }
                    None => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        Screen::CountList(_) | Screen::MismatchCounts(_) => {
            vec![super::screens::count_list::requests::load()]
        }
        _ => Vec::new(),
    }
}
