//! The screens, one folder each. A folder owns its screen's state (`state.rs`), its part of
//! `update` (`update.rs`), its view (`view.rs`), its footer hints and its words (`words.rs`);
//! its `mod.rs` ties them together in a [`ScreenKind`]. A screen is registered here: a
//! [`Screen`] variant and its arm in [`kind`]. See docs/architecture.md, "How the screens are
//! organised".

pub mod access;
pub mod count_list;
pub mod count_scan;
pub mod diagnostics;
pub mod help;
pub mod keymap_errors;
pub mod lookup;
pub mod menu;
pub mod mismatch;
pub mod popups;
pub mod reports;

pub mod kind;
pub mod screen;

pub use kind::{refusal_words, Hint, ScreenKind};
pub use screen::Screen;

pub use crate::tui::effect::Asker;

use super::app::AppState;
use super::effect::Effect;
use super::nav::{with_ctx, with_screen, with_session, with_session_if_any, Ctx, Handover};
use super::text;

/// The screen module that handles a screen: the one registration point besides the
/// [`Screen`] variant.
pub fn kind(screen: &Screen) -> &'static dyn ScreenKind {
    match screen {
        Screen::Menu => &menu::Menu,
        Screen::Help { .. } => &help::Help,
        Screen::Diagnostics { .. } => &diagnostics::Diagnostics,
        Screen::KeymapErrors { .. } => &keymap_errors::KeymapErrors,
        Screen::CountList(_) | Screen::MismatchCounts(_) => &count_list::CountList,
        Screen::CountScan(_) => &count_scan::CountScan,
        Screen::Mismatches(_) | Screen::MismatchDetails => &mismatch::Mismatch,
        Screen::Lookup(_) => &lookup::Lookup,
        Screen::Report(_) => &reports::Reports,
        Screen::Confirm(_) | Screen::Choose(_) | Screen::Prompt(_) => &popups::Popups,
    }
}

/// A screen's own message (what the service answered it), handed to that screen only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScreenMsg {
    /// For the lookup screen.
    Lookup(lookup::requests::Msg),
    /// For the reports screen.
    Reports(reports::requests::Msg),
    /// For the mismatch screens.
    Mismatch(mismatch::requests::Msg),
    /// For the count list on the stack.
    CountList(count_list::requests::Msg),
    /// For the scan loop.
    CountScan(count_scan::requests::Msg),
}

/// The service's reply to a screen's call: read by the screen that asked into its message.
/// A link that is down is said on every screen; other failures are a sticky error.
pub(crate) fn replied(state: &mut AppState, to: Asker, reply: crate::ops::Reply) -> Vec<Effect> {
    let crate::ops::Reply::V1(result) = reply;
    if let Err(crate::ops::OpsError::Link(why)) = result {
        return super::live::link_lost(state, why);
    }
    let msg = match to {
        Asker::Lookup(asked) => lookup::requests::answer(asked, result).map(ScreenMsg::Lookup),
        Asker::Reports(asked) => reports::requests::answer(asked, result).map(ScreenMsg::Reports),
        Asker::CountList(asked) => {
            count_list::requests::answer(asked, result).map(ScreenMsg::CountList)
        }
        Asker::Mismatch(asked) => {
            mismatch::requests::answer(asked, result).map(ScreenMsg::Mismatch)
        }
        Asker::CountScan(asked) => {
            count_scan::requests::answer(asked, result).map(ScreenMsg::CountScan)
        }
    };
    match msg {
        Ok(msg) => deliver(state, msg),
        Err(e) => with_ctx(state, |ctx| ctx.error(text::failed(&e.to_string()))),
    }
}

/// A step was held back behind scans that wait for the server: the screen that asked says so.
pub(crate) fn held(state: &mut AppState, to: Asker, waiting: usize) -> Vec<Effect> {
    match to {
        Asker::CountScan(_) => deliver(
            state,
            ScreenMsg::CountScan(count_scan::requests::held(waiting)),
        ),
        _ => with_ctx(state, |ctx| {
            ctx.error(count_scan::words::wait_first(waiting))
        }),
    }
}

/// A screen's message, to the screen it is for (its session lent, if on the stack).
pub(crate) fn deliver(state: &mut AppState, msg: ScreenMsg) -> Vec<Effect> {
    match msg {
        ScreenMsg::Lookup(msg) => with_session(state, lookup::update::session, |l, ctx| {
            lookup::update::on_msg(l, ctx, msg)
        })
        .unwrap_or_default(),
        ScreenMsg::Reports(msg) => with_ctx(state, |ctx| reports::update::on_msg(ctx, msg)),
        ScreenMsg::Mismatch(msg) => {
            with_session_if_any(state, mismatch::update::session, |s, ctx| {
                mismatch::update::on_msg(s, ctx, msg)
            })
        }
        ScreenMsg::CountList(msg) => {
            with_session_if_any(state, count_list::update::session, |l, ctx| {
                count_list::update::on_msg(l, ctx, msg)
            })
        }
        ScreenMsg::CountScan(msg) => {
            with_session_if_any(state, count_scan::update::session, |s, ctx| {
                count_scan::update::on_msg(s, ctx, msg)
            })
        }
    }
}

/// What one screen's hook handed to another screen's session, to that screen.
fn hand_over(state: &mut AppState, what: Handover) -> Vec<Effect> {
    let mismatch = mismatch::update::session;
    match what {
        Handover::Fix(f) => {
            with_session(state, mismatch, |s, ctx| mismatch::update::fix(s, ctx, f))
        }
        Handover::Bulk(f) => with_session(state, mismatch, |s, _| mismatch::update::bulk(s, f)),
        Handover::Find(serial) => with_session(state, mismatch, |s, ctx| {
            mismatch::update::find_serial(s, ctx, &serial, true)
        }),
        Handover::Qty { sku, value } => {
            with_session(state, count_scan::update::session, |s, ctx| {
                count_scan::update::count_qty(s, ctx, sku, &value)
            })
        }
        Handover::Product(i) => with_session(state, lookup::update::session, |l, _| {
            lookup::update::pick_product(l, i);
            Vec::new()
        }),
        Handover::LookUp(text) => with_session(state, lookup::update::session, |l, ctx| {
            lookup::update::scan(l, ctx, text)
        }),
    }
    .unwrap_or_default()
}

/// Runs a hook of the top screen's [`ScreenKind`]: the one place that lends a screen its
/// own data (the top screen, or for the mismatch details the list below whose session they
/// show) apart from the shared parts ([`Ctx`]), so a hook can change no other screen's
/// session. What the hook hands over goes to its screen after it (`None` from the hook and
/// nothing handed over: `None`).
pub(crate) fn on_top(
    state: &mut AppState,
    hook: impl FnOnce(&'static dyn ScreenKind, &mut Screen, &mut Ctx) -> Option<Vec<Effect>>,
) -> Option<Vec<Effect>> {
    let k = kind(state.screen());
    let top = state.screens.len().saturating_sub(1);
    let own = match state.screen() {
        Screen::MismatchDetails => (0..top)
            .rev()
            .find(|&i| matches!(state.screens[i], Screen::Mismatches(_)))
            .unwrap_or(top),
        _ => top,
    };
    let (out, handed) = with_screen(state, own, |screen, ctx| hook(k, screen, ctx))?;
    match handed {
        Some(what) => {
            let mut effects = out.unwrap_or_default();
            effects.extend(hand_over(state, what));
            Some(effects)
        }
        None => out,
    }
}

impl Screen {
    /// The header title.
    pub fn title(&self) -> &'static str {
        kind(self).title(self)
    }
}

/// The header title: the top screen's, with the count number in the scan loop.
pub fn title(state: &AppState) -> String {
    let screen = state.screen();
    kind(screen).full_title(state, screen)
}

/// After a resize: the mismatch lists keep their marks in view, the top screen its scroll
/// position.
pub(crate) fn resized(state: &mut AppState) {
    let max = {
        let top = state.screen();
        kind(top).max_scroll(state, top, kind::body_for(state))
    };
    with_session(
        state,
        mismatch::update::session,
        mismatch::update::keep_marks_in_view,
    );
    on_top(state, |k, screen, ctx| {
        k.clamp_scroll(screen, ctx, max);
        None
    });
}
