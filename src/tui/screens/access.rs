//! What the user's role lets the screens offer. The role each request needs is the service's
//! rule (`ops::command_needs`, the one the server checks); here each screen command and
//! action is named by the request it leads to, so the screens offer exactly what the server
//! would take. A command the role may not use has no footer hint, and its key says "needs
//! supervisor" instead of starting a dialog.

use super::lookup::state::UnitAction;
use super::screen::Screen;
use crate::domain::{CountId, CountStatus, Role};
use crate::ops::{command_needs, Command as Request, NewCount, ResolveAction};
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;

/// A count scan: what joining a count to scan leads to.
fn scan_request() -> Request {
    Request::CountScan {
        count: CountId(0),
        location: None,
        raw: String::new(),
        label_only: false,
    }
}

/// The role scanning into a count needs.
pub fn scanning() -> Role {
    command_needs(&scan_request()).0
}

/// The role a screen command needs on `screen` (None: any user may).
pub fn needs(screen: &Screen, c: KeyCommand) -> Option<Role> {
    let resolve = |action| Request::Resolve {
        count: CountId(0),
        action,
    };
    let request = match c {
        KeyCommand::NewCount => Request::OpenCount(NewCount {
            name: String::new(),
            location: String::new(),
            skus: Vec::new(),
            categories: Vec::new(),
            blind: true,
        }),
        KeyCommand::Review | KeyCommand::CancelCount => Request::MoveCount {
            count: CountId(0),
            status: CountStatus::Review,
        },
        KeyCommand::Select if matches!(screen, Screen::CountList(_)) => scan_request(),
        KeyCommand::UndoLast
        | KeyCommand::BinDone
        | KeyCommand::SetLocation
        | KeyCommand::Finish
            if matches!(screen, Screen::CountScan(_)) =>
        {
            scan_request()
        }
        KeyCommand::ReplaceSerial
        | KeyCommand::Relocate
        | KeyCommand::ReceiveFound
        | KeyCommand::WriteOff
        | KeyCommand::Accept => resolve(ResolveAction::Relocate {
            serial: String::new(),
        }),
        KeyCommand::UndoFix => Request::UndoResolution {
            count: CountId(0),
            number: 0,
        },
        KeyCommand::Post => Request::PostCount {
            count: CountId(0),
            counted_bins_only: false,
        },
        KeyCommand::Bulk => Request::ResolveAll {
            count: CountId(0),
            fix: crate::ops::BulkFix::WriteOffCountedBins {
                reason: String::new(),
            },
        },
        // The actions choice opens when the role may do at least one of them.
        KeyCommand::Actions => return ACTIONS.iter().map(|&a| action_needs(a)).min(),
        _ => return None,
    };
    Some(command_needs(&request).0)
}

/// Every lookup action.
const ACTIONS: [UnitAction; 5] = [
    UnitAction::Activate,
    UnitAction::Extend,
    UnitAction::RepairIntake,
    UnitAction::RepairClose,
    UnitAction::Replace,
];

/// The role a lookup action needs.
pub fn action_needs(a: UnitAction) -> Role {
    let serial = String::new;
    let request = match a {
        UnitAction::Activate => Request::ActivateWarranty {
            serial: serial(),
            date: None,
        },
        UnitAction::Extend => Request::ExtendWarranty {
            serial: serial(),
            duration: None,
            until: None,
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
        UnitAction::RepairIntake => Request::RepairIntake {
            serial: serial(),
            service_type: None,
            note: String::new(),
        },
        UnitAction::RepairClose => Request::RepairClose {
            serial: serial(),
            to: None,
            note: String::new(),
        },
        UnitAction::Replace => Request::WarrantyReplace {
            old: serial(),
            new: serial(),
            policy: None,
            note: String::new(),
        },
    };
    command_needs(&request).0
}

/// May the user do what `role` allows? (No role known: everything is offered, the server
/// still decides.)
pub fn may(state: &AppState, role: Role) -> bool {
    state.session.role.is_none_or(|r| r.may(role))
}

/// May the user use screen command `c` on the screen on top?
pub fn may_use(state: &AppState, c: KeyCommand) -> bool {
    needs(state.screen(), c).is_none_or(|r| may(state, r))
}

/// The answer to a key the role does not allow: says which role it needs (with the bell),
/// and starts nothing.
pub fn refuse(ctx: &mut crate::tui::nav::Ctx, role: Role) -> Vec<Effect> {
    ctx.error(crate::tui::text::needs_role(role))
}
