//! The lookup screen's part of `update`: a scan asks the service, its answer shows one unit
//! (or asks which product), the actions key opens the numbered actions, and an action's
//! answer refreshes the unit. Each function takes the screen's own session and a [`Ctx`] for
//! the rest (the stack, the status line, the field): it can change no other screen's session.

use super::requests::{self, Msg};
use super::state::{Found, LookupSession, Said};
use super::words;
use crate::domain::Day;
use crate::tui::effect::Effect;
use crate::tui::nav::Ctx;
use crate::tui::screens::access;
use crate::tui::screens::popups::state::Choice;
use crate::tui::screens::screen::Screen;

/// The lookup screen's session in a screen.
pub(crate) fn session(screen: &mut Screen) -> Option<&mut LookupSession> {
    match screen {
        Screen::Lookup(l) => Some(l),
        _ => None,
    }
}

/// What the service answered this screen.
pub(crate) fn on_msg(l: &mut LookupSession, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Units {
            serial,
            units,
            scans,
        } => looked_up(l, ctx, serial, units, scans),
        Msg::Refused(msg) => {
            // The scan was refused (a misread, a label of another product): the body clears.
            l.forget();
            ctx.error(msg)
        }
        Msg::Acted(msg) => acted(l, ctx, msg),
        Msg::ActRefused(msg) => {
            // Say why, above the unit too.
            l.said = Some(Said {
                text: msg.clone(),
                refused: true,
            });
            ctx.error(msg)
        }
    }
}

/// The lookup's answer: one unit is shown, several products ask which, none shows the
/// serial's count scans (which came with the answer).
fn looked_up(
    l: &mut LookupSession,
    ctx: &mut Ctx,
    serial: String,
    units: Vec<Found>,
    scans: Vec<crate::ops::ScanLine>,
) -> Vec<Effect> {
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
        0 => unknown(l, ctx, serial, scans),
        1 => {
            l.show(units, 0);
            ctx.clear_field();
            ctx.good_scan();
            Vec::new()
        }
        _ => {
            let options = units
                .iter()
                .map(|f| format!("{} {}", f.unit.product.sku, f.unit.product.name))
                .collect();
            l.pending = units;
            ctx.clear_field();
            ctx.good_scan();
            ctx.push(Screen::Choose(Choice::Product { serial, options }));
            Vec::new()
        }
    }
}

/// No unit has the serial: its count scans show (a known thing, no error), or an error says
/// it is unknown.
fn unknown(
    l: &mut LookupSession,
    ctx: &mut Ctx,
    serial: String,
    scans: Vec<crate::ops::ScanLine>,
) -> Vec<Effect> {
    // The scan as the screen reads it, not the raw label data that was asked.
    let serial = ctx.scan_serial(&serial).unwrap_or(serial);
    l.forget();
    l.unknown = Some(serial.clone());
    if scans.is_empty() {
        return ctx.error(words::unknown_serial(&serial));
    }
    l.counted = scans;
    ctx.clear_field();
    ctx.good_scan();
    Vec::new()
}

/// A warranty or repair action was recorded: back to the lookup, say what was done, and
/// look the unit up again (the same product, also for a shared serial).
fn acted(l: &mut LookupSession, ctx: &mut Ctx, msg: String) -> Vec<Effect> {
    while matches!(
        ctx.top(),
        Screen::Prompt(_) | Screen::Choose(_) | Screen::Confirm(_)
    ) {
        ctx.pop();
    }
    if ctx.has_error() {
        ctx.clear_status();
    }
    ctx.info(msg.clone());
    l.said = Some(Said {
        text: msg,
        refused: false,
    });
    match l.shown_unit() {
        Some((serial, product)) => {
            l.keep = Some(product);
            let date = Day::from_date(ctx.now().date());
            vec![requests::look_up(serial, date)]
        }
        None => Vec::new(),
    }
}

/// The actions key on the lookup screen: the numbered actions that apply to the unit shown.
pub(crate) fn unit_actions(l: &mut LookupSession, ctx: &mut Ctx) -> Vec<Effect> {
    let Some(f) = l.shown.as_ref() else {
        return ctx.error(words::SCAN_FIRST.into());
    };
    let mut actions = super::state::actions_for(&f.unit);
    let serial = f.unit.unit.serial.to_string();
    // Only what the user's role may do is offered.
    actions.retain(|&a| ctx.may(access::action_needs(a)));
    if actions.is_empty() {
        let role = access::action_needs(super::state::UnitAction::Activate);
        return ctx.error(crate::tui::text::needs_role(role));
    }
    let choice = Choice::Actions { serial, actions };
    ctx.push(Screen::Choose(choice));
    Vec::new()
}

/// The numbered choice of the products that share a serial: show the one picked.
pub(crate) fn pick_product(l: &mut LookupSession, index: usize) {
    let units = std::mem::take(&mut l.pending);
    l.show(units, index);
}

/// A scan on the lookup screen: the service reads it whole (a label's GTIN picks the product
/// and must match the serial's).
pub(crate) fn scan(l: &mut LookupSession, ctx: &mut Ctx, value: String) -> Vec<Effect> {
    l.said = None;
    l.keep = None;
    match ctx.scan_serial(&value) {
        Ok(_) => vec![requests::look_up(
            ctx.with_gs(value.trim()),
            Day::from_date(ctx.now().date()),
        )],
        Err(e) => {
            l.forget();
            ctx.error(e)
        }
    }
}
