//! The lookup screen's part of `update`: a scan asks the service, its answer shows one unit
//! (or asks which product), the actions key opens the numbered actions, and an action's
//! answer refreshes the unit.

use super::requests::{self, Msg};
use super::state::{Found, Said};
use super::words;
use crate::domain::Day;
use crate::tui::action::Effect;
use crate::tui::app::AppState;
use crate::tui::nav::{error, good_scan, info, pop_screen, push_screen, scan_serial};
use crate::tui::screens::popups::state::Choice;
use crate::tui::screens::Screen;

/// The service refused a warranty or repair action: say why, above the unit too.
fn act_refused(state: &mut AppState, msg: String) -> Vec<Effect> {
    if let Some(l) = state.lookup_mut() {
        l.said = Some(Said {
            text: msg.clone(),
            refused: true,
        });
    }
    error(state, msg)
}

/// What the service answered this screen.
pub(crate) fn on_msg(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Units { serial, units } => looked_up(state, serial, units),
        Msg::Scans { serial, scans } => unknown(state, serial, scans),
        Msg::Refused(msg) => refused(state, msg),
        Msg::Acted(msg) => acted(state, msg),
        Msg::ActRefused(msg) => act_refused(state, msg),
    }
}

/// The lookup's answer: one unit is shown, several products ask which, none asks for the
/// serial's count scans.
fn looked_up(state: &mut AppState, serial: String, units: Vec<Found>) -> Vec<Effect> {
    let Some(l) = state.lookup_mut() else {
        return Vec::new();
    };
    // A refresh after an action shows the same product again.
    if let Some(i) = l
        .keep
        .take()
        .and_then(|p| units.iter().position(|f| f.unit.unit.product == p))
    {
        l.show(units, i);
        return Vec::new();
    }
    match units.len() {
        // A serial no unit has may still have been counted: those scans are its history.
        0 => vec![requests::count_scans(serial)],
        1 => {
            l.show(units, 0);
            state.field.clear();
            good_scan(state);
            Vec::new()
        }
        _ => {
            let options = units
                .iter()
                .map(|f| format!("{} {}", f.unit.product.sku, f.unit.product.name))
                .collect();
            l.pending = units;
            state.field.clear();
            good_scan(state);
            push_screen(state, Screen::Choose(Choice::Product { serial, options }));
            Vec::new()
        }
    }
}

/// No unit has the serial: its count scans show (a known thing, no error), or an error says
/// it is unknown.
fn unknown(state: &mut AppState, serial: String, scans: Vec<crate::ops::ScanLine>) -> Vec<Effect> {
    // The scan as the screen reads it, not the raw label data that was asked.
    let serial = scan_serial(state, &serial).unwrap_or(serial);
    let Some(l) = state.lookup_mut() else {
        return Vec::new();
    };
    l.forget();
    l.unknown = Some(serial.clone());
    if scans.is_empty() {
        return error(state, words::unknown_serial(&serial));
    }
    l.counted = scans;
    state.field.clear();
    good_scan(state);
    Vec::new()
}

/// A warranty or repair action was recorded: back to the lookup, say what was done, and
/// look the unit up again (the same product, also for a shared serial).
fn acted(state: &mut AppState, msg: String) -> Vec<Effect> {
    while matches!(
        state.screen(),
        Screen::Prompt(_) | Screen::Choose(_) | Screen::Confirm(_)
    ) {
        pop_screen(state);
    }
    if state.has_error() {
        state.status = None;
    }
    info(state, msg.clone());
    let Some(l) = state.lookup_mut() else {
        return Vec::new();
    };
    l.said = Some(Said {
        text: msg,
        refused: false,
    });
    match l.shown_unit() {
        Some((serial, product)) => {
            l.keep = Some(product);
            vec![requests::look_up(serial, Day::from_date(state.now.date()))]
        }
        None => Vec::new(),
    }
}

/// The actions key on the lookup screen: the numbered actions that apply to the unit shown.
pub(crate) fn unit_actions(state: &mut AppState) -> Vec<Effect> {
    let Some(f) = state.lookup().and_then(|l| l.shown.as_ref()) else {
        return error(state, words::SCAN_FIRST.into());
    };
    let mut actions = super::state::actions_for(&f.unit);
    let serial = f.unit.unit.serial.to_string();
    // Only what the user's role may do is offered.
    actions.retain(|&a| {
        crate::tui::screens::access::may(state, crate::tui::screens::access::action_needs(a))
    });
    if actions.is_empty() {
        let role = crate::tui::screens::access::action_needs(super::state::UnitAction::Activate);
        return crate::tui::screens::access::refuse(state, role);
    }
    let choice = Choice::Actions { serial, actions };
    push_screen(state, Screen::Choose(choice));
    Vec::new()
}

/// The service refused the scan (a misread, a label of another product): the body clears.
fn refused(state: &mut AppState, msg: String) -> Vec<Effect> {
    if let Some(l) = state.lookup_mut() {
        l.forget();
    }
    error(state, msg)
}

/// The numbered choice of the products that share a serial: show the one picked.
pub(crate) fn pick_product(state: &mut AppState, index: usize) {
    if let Some(l) = state.lookup_mut() {
        let units = std::mem::take(&mut l.pending);
        l.show(units, index);
    }
}

/// A scan on the lookup screen: the service reads it whole (a label's GTIN picks the product
/// and must match the serial's).
pub(crate) fn scan(state: &mut AppState, value: String) -> Vec<Effect> {
    if let Some(l) = state.lookup_mut() {
        l.said = None;
        l.keep = None;
    }
    match scan_serial(state, &value) {
        Ok(_) => vec![requests::look_up(
            crate::tui::nav::with_gs(state, value.trim()),
            Day::from_date(state.now.date()),
        )],
        Err(e) => {
            if let Some(l) = state.lookup_mut() {
                l.forget();
            }
            error(state, e)
        }
    }
}
