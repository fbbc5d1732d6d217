//! The mismatch screens' part of `update`: opening a count's mismatches, the fixes on the
//! marked row (some ask first, in a popup), find, post, and the service's answers. The
//! functions take the screens' own session and a [`Ctx`] for the rest: they can change no
//! other screen's session.

use super::requests::{self, Msg};
use super::state::{Details, Fix, ListKind, MismatchData, MismatchSession, Shared};
use super::words;
use crate::domain::NotHere;
use crate::domain::{CountId, CountStatus};
use crate::ops::UnitView;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::nav::Ctx;
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::popups::state::{Choice, Confirm, Prompt};
use crate::tui::screens::screen::Screen;
use crate::tui::text;

/// The mismatch screens' session in a screen.
pub(crate) fn session(screen: &mut Screen) -> Option<&mut MismatchSession> {
    match screen {
        Screen::Mismatches(m) => Some(m),
        _ => None,
    }
}

/// What the service answered these screens (`s`: their session, if on the stack).
pub(crate) fn on_msg(s: Option<&mut MismatchSession>, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::LoadRefused(msg) => refused(ctx, msg),
        Msg::FixRefused(msg) => ctx.error(msg),
        Msg::Posted(count) => posted(ctx, count),
        msg => match s {
            Some(s) => on_own_msg(s, ctx, msg),
            None => Vec::new(),
        },
    }
}

/// An answer that changes the session.
fn on_own_msg(s: &mut MismatchSession, ctx: &mut Ctx, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Loaded(data) => loaded(s, ctx, data),
        Msg::Fixed { words, data } => {
            let mut effects = fix_done(s, ctx, words);
            effects.extend(loaded(s, ctx, data));
            effects
        }
        Msg::Previewed { count, fix, change } => ask_before_fix(s, ctx, count, fix, change),
        Msg::BulkPreviewed { count, fix, change } => ask_before_bulk(s, ctx, count, fix, change),
        Msg::Details { serial, unit } => details_loaded(s, serial, unit),
        Msg::LoadRefused(msg) => refused(ctx, msg),
        Msg::FixRefused(msg) => ctx.error(msg),
        Msg::Posted(count) => posted(ctx, count),
    }
}

/// Opens the mismatches of the count the picker took.
pub(crate) fn open(ctx: &mut Ctx, row: CountRow) -> Vec<Effect> {
    let session = MismatchSession::new(row.id, row.name.clone());
    ctx.push(Screen::Mismatches(session));
    vec![requests::load(row.id)]
}

/// The count's mismatch picture arrived.
fn loaded(s: &mut MismatchSession, ctx: &mut Ctx, data: Shared<MismatchData>) -> Vec<Effect> {
    let page = super::view::page_in(ctx.body());
    if s.count == data.m.count.id {
        s.load(data, page);
    }
    Vec::new()
}

/// The mismatches cannot be shown: back to the list, with the reason.
fn refused(ctx: &mut Ctx, msg: String) -> Vec<Effect> {
    leave(ctx);
    let mut effects = ctx.error(msg);
    effects.push(crate::tui::screens::count_list::requests::load());
    effects
}
/// A resolution (or an undo) was recorded: back to the list, say what. The new comparison
/// arrives with it (the same request), as the next action.
fn fix_done(s: &mut MismatchSession, ctx: &mut Ctx, msg: String) -> Vec<Effect> {
    while matches!(
        ctx.top(),
        Screen::Prompt(_) | Screen::Choose(_) | Screen::MismatchDetails | Screen::Confirm(_)
    ) {
        ctx.pop();
    }
    s.details = None;
    if ctx.has_error() {
        ctx.clear_status();
    }
    ctx.info(msg);
    Vec::new()
}

/// The count was posted: back to the list.
fn posted(ctx: &mut Ctx, count: CountId) -> Vec<Effect> {
    leave(ctx);
    ctx.clear_status();
    ctx.info(text::count_moved(count, CountStatus::Posted));
    vec![crate::tui::screens::count_list::requests::load()]
}

/// The unit of the details screen arrived.
fn details_loaded(
    s: &mut MismatchSession,
    serial: String,
    unit: Option<Shared<UnitView>>,
) -> Vec<Effect> {
    if let Some(d) = s.details.as_mut().filter(|d| d.serial == serial) {
        d.unit = unit;
        d.loaded = true;
    }
    Vec::new()
}

/// After a resize the marks of every list stay in view.
pub(crate) fn keep_marks_in_view(s: &mut MismatchSession, ctx: &mut Ctx) {
    let page = super::view::page_in(ctx.body());
    for kind in ListKind::ALL {
        s.view_mut(kind).scroll_into_view(page);
    }
}

/// Leaves the mismatch screens for the count picker (their session goes with them).
pub(crate) fn leave(ctx: &mut Ctx) {
    while matches!(
        ctx.top(),
        Screen::Mismatches(_)
            | Screen::MismatchDetails
            | Screen::Prompt(_)
            | Screen::Choose(_)
            | Screen::Confirm(_)
    ) {
        ctx.pop();
    }
}

/// Asks the runner to record a fix on the open count. A fix that rewrites history (replace,
/// relocate, found stock, write-off) is first tried by the service, and its change shown
/// with `1=Yes 2=No`, unless the site's config turns that off (desk use).
pub(crate) fn fix(s: &MismatchSession, ctx: &Ctx, fix: Fix) -> Vec<Effect> {
    let rewrites = !matches!(fix, Fix::Accept { .. });
    if rewrites && ctx.config().confirm_fixes {
        return vec![requests::preview(s.count, fix)];
    }
    vec![requests::fix(s.count, fix)]
}

/// The service's trial of a fix came back: ask before doing it.
fn ask_before_fix(
    s: &mut MismatchSession,
    ctx: &mut Ctx,
    count: CountId,
    fix: Fix,
    change: String,
) -> Vec<Effect> {
    if s.count != count {
        return Vec::new();
    }
    ctx.push(Screen::Confirm(Confirm::Fix { count, fix, change }));
    Vec::new()
}

/// Asks the service how many mismatches a bulk fix takes, then asks the supervisor.
pub(crate) fn bulk(s: &MismatchSession, fix: crate::ops::BulkFix) -> Vec<Effect> {
    vec![requests::preview_bulk(s.count, fix)]
}

/// The service's trial of a bulk fix came back: always asked (it rewrites many at once).
fn ask_before_bulk(
    s: &mut MismatchSession,
    ctx: &mut Ctx,
    count: CountId,
    fix: crate::ops::BulkFix,
    change: String,
) -> Vec<Effect> {
    if s.count != count {
        return Vec::new();
    }
    ctx.push(Screen::Confirm(Confirm::Bulk { count, fix, change }));
    Vec::new()
}

/// No to a fix: the popups that led to it close, nothing changed.
pub(crate) fn fix_declined(ctx: &mut Ctx) -> Vec<Effect> {
    while matches!(ctx.top(), Screen::Prompt(_) | Screen::Choose(_)) {
        ctx.pop();
    }
    ctx.info(words::NOTHING_CHANGED.into());
    Vec::new()
}

/// Goes to a serial's row; from the find prompt, the prompt closes when it is found.
pub(crate) fn find_serial(
    s: &mut MismatchSession,
    ctx: &mut Ctx,
    serial: &str,
    from_prompt: bool,
) -> Vec<Effect> {
    let page = super::view::page_in(ctx.body());
    let id = s.count;
    match s.find(serial, page) {
        Some(list) => {
            if from_prompt {
                ctx.pop();
            }
            if ctx.has_error() {
                ctx.clear_status();
            }
            ctx.info(words::found_in(serial, list));
            Vec::new()
        }
        None => ctx.error(words::not_a_mismatch(serial, id)),
    }
}

/// A fix (or another command of the mismatch context) on the marked row.
pub(crate) fn command(s: &mut MismatchSession, ctx: &mut Ctx, c: KeyCommand) -> Vec<Effect> {
    if s.data.is_none() {
        // Nothing to act on before the picture is there.
        return Vec::new();
    }
    let list = s.list;
    let wrong = |ctx: &mut Ctx| ctx.error(words::fix_not_here(c));
    match c {
        KeyCommand::NextList => {
            if matches!(ctx.top(), Screen::MismatchDetails) {
                return Vec::new();
            }
            s.list = s.list.next();
            s.refresh_suggestions();
            Vec::new()
        }
        KeyCommand::Find => {
            ctx.push(Screen::Prompt(Prompt::Find));
            Vec::new()
        }
        KeyCommand::Post => {
            let has_bins = s.data.as_ref().is_some_and(|d| !d.counted_bins.is_empty());
            if has_bins {
                // The service checks what is open in the scope chosen.
                let choice = Choice::PostScope {
                    id: s.count,
                    name: s.name.clone(),
                };
                ctx.push(Screen::Choose(choice));
                return Vec::new();
            }
            let open = s.open().unwrap_or(0);
            if open > 0 {
                return ctx.error(words::open_left(open));
            }
            let confirm = Confirm::PostCount {
                id: s.count,
                name: s.name.clone(),
                counted_bins_only: false,
            };
            ctx.push(Screen::Confirm(confirm));
            Vec::new()
        }
        KeyCommand::Bulk => {
            let row = match (s.shortage(), s.surplus()) {
                (Some(r), _) => Some((r.location.clone(), Some(r.product))),
                (_, Some(r)) => Some((r.location.clone(), r.product)),
                _ => None,
            };
            let Some((location, product)) = row else {
                return ctx.error(words::NO_ROW.into());
            };
            let sku = product.and_then(|p| {
                s.data
                    .as_ref()
                    .and_then(|d| d.products.get(&p))
                    .map(|n| n.sku.clone())
            });
            ctx.push(Screen::Choose(Choice::Bulk { location, sku }));
            Vec::new()
        }
        KeyCommand::UndoFix => {
            let number = match s.resolution() {
                Some(r) => Some(r.number),
                None if list == ListKind::Fixed => None,
                None => s.data.as_ref().and_then(|d| {
                    d.m.resolutions
                        .iter()
                        .rev()
                        .find(|r| !r.undone)
                        .map(|r| r.number)
                }),
            };
            match number {
                Some(number) => vec![requests::undo(s.count, number)],
                None => ctx.error(words::NOTHING_TO_UNDO.into()),
            }
        }
        KeyCommand::Details => {
            if matches!(ctx.top(), Screen::MismatchDetails) {
                return Vec::new();
            }
            let (serial, product) = match (s.shortage(), s.surplus()) {
                (Some(r), _) => (r.serial.to_string(), Some(r.product)),
                (_, Some(r)) => (r.serial.to_string(), r.product),
                _ if list == ListKind::Fixed => return wrong(ctx),
                _ => return ctx.error(words::NO_ROW.into()),
            };
            let row = s.current().selected_row().unwrap_or(0);
            {
                s.details = Some(Details {
                    list,
                    row,
                    serial: serial.clone(),
                    unit: None,
                    loaded: false,
                    scroll: 0,
                });
            }
            ctx.push(Screen::MismatchDetails);
            vec![requests::details(serial, product)]
        }
        KeyCommand::ReplaceSerial => match (s.shortage(), s.surplus()) {
            (Some(r), _) => {
                let missing = r.serial.to_string();
                ctx.push(Screen::Prompt(Prompt::FoundAs { missing }));
                Vec::new()
            }
            (_, Some(r)) => {
                let found = r.serial.to_string();
                match s.suggestions.first() {
                    Some(top) => {
                        let missing = top.missing.to_string();
                        fix(s, ctx, Fix::Replace { found, missing })
                    }
                    None => {
                        ctx.push(Screen::Prompt(Prompt::ReplaceBy { found }));
                        Vec::new()
                    }
                }
            }
            _ if list == ListKind::Fixed => wrong(ctx),
            _ => ctx.error(words::NO_ROW.into()),
        },
        KeyCommand::Relocate => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if !matches!(r.reason, NotHere::Elsewhere { .. }) {
                    return ctx.error(words::not_elsewhere(&serial));
                }
                fix(s, ctx, Fix::Relocate { serial })
            }
            None if list == ListKind::Surplus => ctx.error(words::NO_ROW.into()),
            None => wrong(ctx),
        },
        KeyCommand::ReceiveFound => match s.surplus() {
            Some(r) => {
                let serial = r.serial.to_string();
                if r.reason != NotHere::Unknown {
                    return ctx.error(words::not_unknown(&serial));
                }
                if r.product.is_none() {
                    ctx.push(Screen::Prompt(Prompt::Product { serial }));
                    return Vec::new();
                }
                fix(
                    s,
                    ctx,
                    Fix::ReceiveFound {
                        serial,
                        product: None,
                    },
                )
            }
            None if list == ListKind::Surplus => ctx.error(words::NO_ROW.into()),
            None => wrong(ctx),
        },
        KeyCommand::WriteOff => match s.shortage() {
            Some(r) => {
                let serial = r.serial.to_string();
                ctx.push(Screen::Choose(Choice::WriteOffReason { serial }));
                Vec::new()
            }
            None if list == ListKind::Short => ctx.error(words::NO_ROW.into()),
            None => wrong(ctx),
        },
        KeyCommand::Accept => match (s.marked_serial(), &s.data) {
            (Some(serial), Some(d)) => {
                if d.accepted(serial) {
                    return ctx.error(words::accepted_already(serial.as_str()));
                }
                let serial = serial.to_string();
                ctx.push(Screen::Choose(Choice::AcceptNote { serial }));
                Vec::new()
            }
            _ if list == ListKind::Fixed => wrong(ctx),
            _ => ctx.error(words::NO_ROW.into()),
        },
        _ => Vec::new(),
    }
}
