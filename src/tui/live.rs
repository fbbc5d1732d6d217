//! Keeping what a screen shows current while others work: on screens that show shared data
//! (the scan loop's figures, the mismatch list, a looked-up unit, the count list), the
//! service's last entry number is asked about twice a second (one tiny request); when it
//! moved, the screen on top asks again for what it shows. A server that does not answer
//! shows on the status line until it does. Pure, like `update`.

use chrono::NaiveDateTime;

use super::action::Effect;
use super::app::{AppState, Screen, Status};
use crate::domain::Day;

/// How often a live screen asks whether anything changed, in milliseconds.
pub const POLL_MS: i64 = 500;

/// What the status line says while the server does not answer.
pub const LINK_DOWN: &str = "no server, retrying";
/// And once it answers again.
pub const LINK_BACK: &str = "server back";

/// The polling state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Live {
    /// The last entry number seen.
    pub seen: Option<u64>,
    /// A poll is with the service.
    pub polling: bool,
    /// When the last poll was sent.
    pub last_poll: Option<NaiveDateTime>,
    /// Why the last poll failed, while the service does not answer.
    pub link_down: Option<String>,
}

/// Does the screen on top show data others change?
fn shows_shared_data(state: &AppState) -> bool {
    matches!(
        state.screen(),
        Screen::CountScan
            | Screen::Mismatches
            | Screen::Lookup
            | Screen::CountList
            | Screen::MismatchCounts
    )
}

/// The time moved on: poll when a live screen is on top and the last poll is old enough.
pub fn tick(state: &mut AppState) -> Vec<Effect> {
    if state.live.polling || !shows_shared_data(state) {
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
        Err(why) => {
            if state.live.link_down.is_none() {
                state.status = Some(Status {
                    text: LINK_DOWN.to_string(),
                    error: true,
                    shown: false,
                    visit: None,
                });
            }
            state.live.link_down = Some(why);
            Vec::new()
        }
        Ok(seq) => {
            let was_down = state.live.link_down.take().is_some();
            if was_down && state.status.as_ref().is_some_and(|s| s.text == LINK_DOWN) {
                state.status = Some(Status {
                    text: LINK_BACK.to_string(),
                    error: false,
                    shown: false,
                    visit: None,
                });
            }
            let moved = state.live.seen.is_some_and(|s| s != seq);
            state.live.seen = Some(seq);
            if moved || was_down {
                refresh(state)
            } else {
                Vec::new()
            }
        }
    }
}

/// Asks again for what the screen on top shows, unless it is waiting for its own answer.
fn refresh(state: &mut AppState) -> Vec<Effect> {
    match state.screen() {
        Screen::CountScan => match &state.count_session {
            Some(s) if !s.waiting && s.queued.is_empty() => vec![Effect::RefreshFigures {
                count: s.count.id,
                location: s.location.clone(),
            }],
            _ => Vec::new(),
        },
        Screen::Mismatches => match &state.mismatch {
            Some(m) => vec![Effect::LoadMismatches { count: m.count }],
            None => Vec::new(),
        },
        Screen::Lookup => {
            let date = Day::from_date(state.now.date());
            match state.lookup.as_mut() {
                Some(l) if l.pending.is_empty() => match l.shown_unit() {
                    Some((serial, product)) => {
                        l.keep = Some(product);
                        vec![Effect::Lookup { serial, date }]
                    }
                    None => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        Screen::CountList | Screen::MismatchCounts => vec![Effect::LoadCounts],
        _ => Vec::new(),
    }
}

/// Fresh figures of the scan loop arrived (from a refresh): shown when the counter is still
/// where they were asked for and nothing of theirs is on the way. An absent expected figure
/// keeps the one shown (a refresh does not walk the stock again).
pub fn figures(
    state: &mut AppState,
    count: crate::domain::CountId,
    location: Option<String>,
    figures: super::screens::count_scan::state::Figures,
) -> Vec<Effect> {
    if let Some(s) = state.count_session.as_mut() {
        if s.count.id == count && s.location == location && !s.waiting && s.queued.is_empty() {
            let expected_here = figures
                .expected_here
                .or(s.figures.and_then(|f| f.expected_here));
            s.count.live = figures.total;
            if location.is_some() {
                s.figures = Some(super::screens::count_scan::state::Figures {
                    expected_here,
                    ..figures
                });
            } else if let Some(f) = s.figures.as_mut() {
                f.total = figures.total;
            }
        }
    }
    Vec::new()
}
