//! The reports screen's talk with the service: a report is one [`Call`] (the warranty
//! report at the screen's date), and its reply becomes one [`Msg`] of this screen (its rows,
//! or a refusal in the screen's words).

pub use super::state::Asked;
use super::state::{ReportKind, ReportRow};
use crate::domain::Day;
use crate::ops::{Answer, Call, Done, OpsError, Query, RefusalKind};
use crate::tui::effect::Asker;
use crate::tui::effect::Effect;
use crate::tui::text;

/// What the service answered the reports screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A report's rows.
    Loaded {
        /// Which report (a customer as the books have the name).
        kind: ReportKind,
        /// The day it was judged at.
        date: Day,
        /// Its rows.
        rows: Vec<ReportRow>,
    },
    /// A report cannot be made (an unknown customer): nothing shown.
    Refused(String),
}

/// Make a warranty report at `date`.
pub fn load(kind: ReportKind, date: Day) -> Effect {
    let customer = match &kind {
        ReportKind::Customer { name } => Some(name.clone()),
        ReportKind::Expiring { .. } | ReportKind::Tracking => None,
    };
    let days = (kind.days() != u32::MAX).then(|| kind.days());
    let query = Query::Warranties {
        date: Some(date),
        days,
        customer,
    };
    Effect::Call {
        call: Box::new(Call::Query(query)),
        to: Asker::Reports(Asked { kind, date }),
    }
}

/// The reply to a report, as the screen's message; failures other than refusals pass on.
pub fn answer(asked: Asked, reply: Result<Done, OpsError>) -> Result<Msg, OpsError> {
    let Asked { kind, date } = asked;
    let rows = match reply {
        Ok(Done::Answer(Answer::Warranties(rows))) => rows,
        Ok(_) => return Err(OpsError::Storage("unexpected answer to a report".into())),
        Err(OpsError::Refused(r)) => {
            let words = match (r.kind, &kind) {
                (RefusalKind::Unknown, ReportKind::Customer { name }) => text::no_customer(name),
                _ => r.message,
            };
            return Ok(Msg::Refused(words));
        }
        Err(e) => return Err(e),
    };
    // The customer as the books have the name (the typed one matched it folded).
    let kind = match kind {
        ReportKind::Customer { name } => ReportKind::Customer {
            name: rows.iter().find_map(|r| r.customer.clone()).unwrap_or(name),
        },
        other => other,
    };
    let rows = rows
        .into_iter()
        .map(|r| ReportRow {
            serial: r.unit.serial.to_string(),
            sku: r.product.sku,
            days_left: r.warranty.days_left,
            status: r.warranty.status,
            end: r.warranty.current.as_ref().map(|c| c.end),
        })
        .collect();
    Ok(Msg::Loaded { kind, date, rows })
}
