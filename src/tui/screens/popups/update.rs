//! The popups' part of `update`: a prompt's answer, a numbered choice's digit and a
//! confirmation's `1=Yes 2=No`, each turned into what the screen that asked wants done.

use super::state::{Choice, Confirm, Prompt};
use super::words;
use crate::domain::{CountStatus, Day};
use crate::tui::effect::Effect;
use crate::tui::nav::{Ctx, Handover};
use crate::tui::screens::lookup::requests::act;
use crate::tui::screens::lookup::state::{UnitAct, UnitAction, EXTEND_MONTHS};
use crate::tui::screens::mismatch::state::Fix;
use crate::tui::screens::mismatch::update as mismatch;
use crate::tui::screens::reports::requests::load as load_report;
use crate::tui::screens::reports::state::ReportKind;
use crate::tui::screens::screen::Screen;

/// A digit on a confirmation: 1 does the step, 2 does not.
pub(crate) fn confirm(ctx: &mut Ctx, c: Confirm, d: char) -> Vec<Effect> {
    ctx.pop();
    match (d, c) {
        ('1', Confirm::CancelCount { id, .. }) => {
            vec![crate::tui::screens::count_list::requests::move_to(
                id,
                CountStatus::Cancelled,
            )]
        }
        (
            '1',
            Confirm::PostCount {
                id,
                counted_bins_only,
                ..
            },
        ) => vec![crate::tui::screens::mismatch::requests::post(
            id,
            counted_bins_only,
        )],
        ('1', Confirm::Bulk { count, fix, .. }) => {
            vec![crate::tui::screens::mismatch::requests::bulk(count, fix)]
        }
        (_, Confirm::Bulk { .. }) => mismatch::fix_declined(ctx),
        ('1', Confirm::Fix { count, fix, .. }) => {
            vec![crate::tui::screens::mismatch::requests::fix(count, fix)]
        }
        (_, Confirm::Fix { .. }) => mismatch::fix_declined(ctx),
        ('1', Confirm::Replace { old, new }) => {
            vec![act(UnitAct::Replace { old, new })]
        }
        // No: the new serial's prompt closes too.
        (_, Confirm::Replace { .. }) => {
            if matches!(ctx.top(), Screen::Prompt(Prompt::NewSerial { .. })) {
                ctx.pop();
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The new count's questions are answered: the service opens it (and names it, by scope and
/// day); the list shows it when it is there.
fn open_count(ctx: &mut Ctx, location: String, blind: bool, skus: Vec<String>) -> Vec<Effect> {
    while matches!(ctx.top(), Screen::Prompt(_) | Screen::Choose(_)) {
        ctx.pop();
    }
    vec![crate::tui::screens::count_list::requests::open(
        crate::ops::NewCount {
            name: String::new(),
            location,
            skus,
            categories: Vec::new(),
            blind,
        },
    )]
}

/// An answer typed or scanned into a prompt.
pub(crate) fn prompt_answer(ctx: &mut Ctx, prompt: Prompt, value: String) -> Vec<Effect> {
    let serial = |ctx: &mut Ctx, v: &str| match ctx.scan_serial(v) {
        Ok(s) => Ok(s),
        Err(e) => Err(ctx.error(e)),
    };
    match prompt {
        Prompt::ReplaceBy { found } => match serial(ctx, &value) {
            Ok(missing) => fix_it(ctx, Fix::Replace { found, missing }),
            Err(e) => e,
        },
        Prompt::FoundAs { missing } => match serial(ctx, &value) {
            Ok(found) => fix_it(ctx, Fix::Replace { found, missing }),
            Err(e) => e,
        },
        Prompt::Product { serial } => fix_it(
            ctx,
            Fix::ReceiveFound {
                serial,
                product: Some(value.trim().to_string()),
            },
        ),
        Prompt::Note { serial } => fix_it(
            ctx,
            Fix::Accept {
                serial,
                note: value.trim().to_string(),
            },
        ),
        Prompt::Find => match serial(ctx, &value) {
            Ok(found) => hand_over(ctx, Handover::Find(found)),
            Err(e) => e,
        },
        Prompt::RepairNote { serial } => vec![act(UnitAct::RepairIntake {
            serial,
            note: value.trim().to_string(),
        })],
        Prompt::NewSerial { old } => match serial(ctx, &value) {
            Ok(new) => {
                ctx.push(Screen::Confirm(Confirm::Replace { old, new }));
                Vec::new()
            }
            Err(e) => e,
        },
        Prompt::CountQty { sku } => hand_over(ctx, Handover::Qty { sku, value }),
        Prompt::CountScope => {
            let location = value.trim().to_string();
            ctx.push(Screen::Choose(Choice::CountKind { location }));
            Vec::new()
        }
        Prompt::CountSkus { location, blind } => {
            let skus = value.split_whitespace().map(str::to_string).collect();
            open_count(ctx, location, blind, skus)
        }
        Prompt::Customer => vec![load_report(
            ReportKind::Customer {
                name: value.trim().to_string(),
            },
            Day::from_date(ctx.now().date()),
        )],
    }
}

/// A digit on a numbered choice.
pub(crate) fn choose(ctx: &mut Ctx, c: Choice, d: char) -> Vec<Effect> {
    let options = words::choice_options(&c);
    let i = (d as u8 - b'1') as usize;
    let Some(option) = options.get(i) else {
        return ctx.error(words::no_option(d));
    };
    ctx.pop();
    match c {
        Choice::Product { .. } => hand_over(ctx, Handover::Product(i)),
        Choice::WriteOffReason { serial } => fix_it(
            ctx,
            Fix::WriteOff {
                serial,
                reason: option.to_string(),
            },
        ),
        Choice::AcceptNote { serial } if i + 1 == options.len() => {
            ctx.push(Screen::Prompt(Prompt::Note { serial }));
            Vec::new()
        }
        Choice::AcceptNote { serial } => fix_it(
            ctx,
            Fix::Accept {
                serial,
                note: option.to_string(),
            },
        ),
        Choice::Actions { serial, actions } => match actions.get(i) {
            Some(UnitAction::Activate) => vec![act(UnitAct::Activate { serial })],
            Some(UnitAction::Extend) => {
                ctx.push(Screen::Choose(Choice::ExtendBy { serial }));
                Vec::new()
            }
            Some(UnitAction::RepairIntake) => {
                ctx.push(Screen::Prompt(Prompt::RepairNote { serial }));
                Vec::new()
            }
            Some(UnitAction::RepairClose) => vec![act(UnitAct::RepairClose { serial })],
            Some(UnitAction::Replace) => {
                ctx.push(Screen::Prompt(Prompt::NewSerial { old: serial }));
                Vec::new()
            }
            None => Vec::new(),
        },
        Choice::ExtendBy { serial } => match EXTEND_MONTHS.get(i) {
            Some(&months) => vec![act(UnitAct::Extend { serial, months })],
            None => Vec::new(),
        },
        Choice::Bulk { location, sku } => {
            let next = match (i, &sku) {
                (0, _) => Choice::BulkNote {
                    location: Some(location),
                    sku: None,
                },
                (1, Some(_)) => Choice::BulkNote {
                    location: None,
                    sku,
                },
                _ => Choice::BulkWriteOffReason,
            };
            ctx.push(Screen::Choose(next));
            Vec::new()
        }
        Choice::BulkNote { location, sku } => bulk_it(
            ctx,
            crate::ops::BulkFix::Accept {
                location,
                sku,
                note: option.to_string(),
            },
        ),
        Choice::BulkWriteOffReason => bulk_it(
            ctx,
            crate::ops::BulkFix::WriteOffCountedBins {
                reason: option.to_string(),
            },
        ),
        Choice::PostScope { id, name } => {
            let confirm = Confirm::PostCount {
                id,
                name,
                counted_bins_only: i == 0,
            };
            ctx.push(Screen::Confirm(confirm));
            Vec::new()
        }
        Choice::CountKind { location } => {
            let blind = i == 0;
            ctx.push(Screen::Choose(Choice::CountProducts { location, blind }));
            Vec::new()
        }
        Choice::CountProducts { location, blind } if i == 0 => {
            open_count(ctx, location, blind, Vec::new())
        }
        Choice::CountProducts { location, blind } => {
            ctx.push(Screen::Prompt(Prompt::CountSkus { location, blind }));
            Vec::new()
        }
        Choice::Report { days } => {
            // The list of reports stays under the report (back returns to it).
            ctx.push(Screen::Choose(Choice::Report { days }));
            let kind = match i {
                0 => ReportKind::Expiring { days },
                1 => ReportKind::Tracking,
                _ => {
                    ctx.push(Screen::Prompt(Prompt::Customer));
                    return Vec::new();
                }
            };
            vec![load_report(kind, Day::from_date(ctx.now().date()))]
        }
    }
}

/// A fix for the mismatch screens (their session decides the count and whether to ask first).
fn fix_it(ctx: &mut Ctx, f: Fix) -> Vec<Effect> {
    hand_over(ctx, Handover::Fix(f))
}

/// A bulk fix for the mismatch screens (tried first, then asked).
fn bulk_it(ctx: &mut Ctx, f: crate::ops::BulkFix) -> Vec<Effect> {
    hand_over(ctx, Handover::Bulk(f))
}

/// The answer goes to the screen that asked: the registry hands it over after the hook.
fn hand_over(ctx: &mut Ctx, what: Handover) -> Vec<Effect> {
    ctx.hand_over(what);
    Vec::new()
}
