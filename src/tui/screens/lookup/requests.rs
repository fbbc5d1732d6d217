//! The lookup screen's talk with the service: each intent is one [`Call`] (look a serial up,
//! with its count scans when no unit has it, in one request; a warranty or repair action),
//! and each reply becomes
//! one [`Msg`] of this screen. Refusals are the screen's to word; a link that is down or a
//! broken store pass on as they are (the shared handling says them).

pub use super::state::Asked;
use super::state::{Found, UnitAct};
use crate::domain::Day;
use crate::ops::{Answer, Call, Command, Done, OpsError, Outcome, Query};
use crate::tui::effect::Asker;
use crate::tui::effect::Effect;
use crate::tui::screens::kind::refusal_words;
use crate::tui::screens::mismatch::state::Shared;

/// What the service answered the lookup screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The units with the serial, each with its warranty at the screen's date; when none
    /// has it, its live count scans (a counter found it).
    Units {
        /// The serial looked up.
        serial: String,
        /// Every unit with it (one per product).
        units: Vec<Found>,
        /// Its live scans in counts, when no unit has it (empty otherwise).
        scans: Vec<crate::ops::ScanLine>,
    },
    /// The service refused the scan (a misread, a label of another product).
    Refused(String),
    /// A warranty or repair action was recorded: the service's words.
    Acted(String),
    /// The service refused a warranty or repair action: nothing changed.
    ActRefused(String),
}

fn call(call: Call, asked: Asked) -> Effect {
    Effect::Call {
        call: Box::new(call),
        to: Asker::Lookup(asked),
    }
}

/// Every unit with `serial`, each with its warranty at `date`, or, when no unit has it, its
/// live count scans: one request.
pub fn look_up(serial: String, date: Day) -> Effect {
    let query = Query::Find {
        serial: serial.clone(),
        date: Some(date),
    };
    call(Call::Query(query), Asked::Units { serial })
}

/// A warranty or repair action on the unit shown.
pub fn act(act: UnitAct) -> Effect {
    let command = match act {
        UnitAct::Activate { serial } => Command::ActivateWarranty { serial, date: None },
        UnitAct::Extend { serial, months } => Command::ExtendWarranty {
            serial,
            duration: Some(crate::domain::Period::Months(months)),
            until: None,
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
        UnitAct::RepairIntake { serial, note } => Command::RepairIntake {
            serial,
            service_type: None,
            note,
        },
        UnitAct::RepairClose { serial } => Command::RepairClose {
            serial,
            to: None,
            note: String::new(),
        },
        UnitAct::Replace { old, new } => Command::WarrantyReplace {
            old,
            new,
            policy: None,
            note: String::new(),
        },
    };
    call(Call::Execute(command), Asked::Act)
}

/// The reply to what the screen asked, as its message; failures other than refusals pass on.
pub fn answer(asked: Asked, reply: Result<Done, OpsError>) -> Result<Msg, OpsError> {
    match asked {
        Asked::Units { serial } => match reply {
            Ok(Done::Answer(Answer::Found { units, scans })) => Ok(Msg::Units {
                serial,
                scans,
                units: units
                    .into_iter()
                    .map(|v| Found {
                        warranty: v.warranty.clone(),
                        unit: Shared::new(v),
                    })
                    .collect(),
            }),
            Ok(_) => Err(unexpected("lookup")),
            Err(e) => Ok(Msg::Refused(refusal_words(e)?)),
        },
        Asked::Act => match reply {
            Ok(Done::Outcome(Outcome::Noted(words))) => Ok(Msg::Acted(words)),
            Ok(_) => Err(OpsError::Storage("a warranty action gave no answer".into())),
            Err(e) => Ok(Msg::ActRefused(refusal_words(e)?)),
        },
    }
}

fn unexpected(what: &str) -> OpsError {
    OpsError::Storage(format!("the service gave an unexpected answer to {what}"))
}
