//! The mismatch screens' talk with the service: each intent is one [`Call`] (the count's
//! picture, a fix and the picture after it in one round trip, the trial of a fix, an undo,
//! posting, a bulk fix and its trial, the unit of the details screen), and each reply becomes
//! one [`Msg`] of these screens. Refusals are the screens' to word; a link that is down or a
//! broken store pass on as they are.

pub use super::state::Asked;
use super::state::{Fix, MismatchData, ProductName, Shared};
use crate::domain::{CountId, ProductId};
use crate::ops::UnitView;
use crate::ops::{Answer, BulkFix, Call, Command, Done, MismatchView, OpsError, Outcome, Query};
use crate::tui::effect::Asker;
use crate::tui::effect::Effect;
use crate::tui::screens::kind::refusal_words;
use crate::tui::text;

/// What the service answered the mismatch screens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A count's mismatch picture.
    Loaded(Shared<MismatchData>),
    /// The mismatches cannot be shown (the count is gone): back to the list, with the reason.
    LoadRefused(String),
    /// A resolution, an undo or a bulk fix was recorded: what it did, in words, and the
    /// picture after it.
    Fixed {
        /// What it did.
        words: String,
        /// The new picture.
        data: Shared<MismatchData>,
    },
    /// The service refused a resolution, an undo or the posting: nothing changed.
    FixRefused(String),
    /// What a resolution would change: the screen asks before it is done.
    Previewed {
        /// The count.
        count: CountId,
        /// The resolution asked about.
        fix: Fix,
        /// What it changes, in words.
        change: String,
    },
    /// What a bulk fix would do.
    BulkPreviewed {
        /// The count.
        count: CountId,
        /// The fix.
        fix: BulkFix,
        /// What it changes, in words.
        change: String,
    },
    /// The count was posted.
    Posted(CountId),
    /// The unit of the details screen: the one of the asked product, or none.
    Details {
        /// The serial asked for.
        serial: String,
        /// The unit, if the store has one.
        unit: Option<Shared<UnitView>>,
    },
}

fn call(call: Call, asked: Asked) -> Effect {
    Effect::Call {
        call: Box::new(call),
        to: Asker::Mismatch(asked),
    }
}

/// A count's mismatch picture: one reconciliation, and the names its rows refer to.
pub fn load(count: CountId) -> Effect {
    call(
        Call::Query(Query::Mismatches { count }),
        Asked::Load { count },
    )
}

/// Record a resolution; the new picture travels in the same request.
pub fn fix(count: CountId, fix: Fix) -> Effect {
    let command = Command::Resolve { count, action: fix };
    call(
        Call::ExecuteThen(command, Query::Mismatches { count }),
        Asked::Fix,
    )
}

/// What a resolution would change, from the service's own trial of it.
pub fn preview(count: CountId, fix: Fix) -> Effect {
    let command = Command::Resolve {
        count,
        action: fix.clone(),
    };
    call(Call::Validate(command), Asked::Preview { count, fix })
}

/// Undo resolution `number`; the new picture travels in the same request.
pub fn undo(count: CountId, number: u32) -> Effect {
    let command = Command::UndoResolution { count, number };
    call(
        Call::ExecuteThen(command, Query::Mismatches { count }),
        Asked::Undo { number },
    )
}

/// Post the count; an open one goes through review in the same entry (the rule lives in ops).
pub fn post(count: CountId, counted_bins_only: bool) -> Effect {
    let command = Command::PostCount {
        count,
        counted_bins_only,
    };
    call(Call::Execute(command), Asked::Post { count })
}

/// How many mismatches a bulk fix takes, changing nothing.
pub fn preview_bulk(count: CountId, fix: BulkFix) -> Effect {
    let command = Command::ResolveAll {
        count,
        fix: fix.clone(),
    };
    call(Call::Validate(command), Asked::PreviewBulk { count, fix })
}

/// Record a bulk fix; the new picture travels in the same request.
pub fn bulk(count: CountId, fix: BulkFix) -> Effect {
    let command = Command::ResolveAll { count, fix };
    call(
        Call::ExecuteThen(command, Query::Mismatches { count }),
        Asked::Bulk,
    )
}

/// The unit of the details screen.
pub fn details(serial: String, product: Option<ProductId>) -> Effect {
    let query = Query::Lookup {
        serial: serial.clone(),
        date: None,
    };
    call(Call::Query(query), Asked::Details { serial, product })
}

/// The reply to what the screens asked, as their message; failures other than refusals pass
/// on.
pub fn answer(asked: Asked, reply: Result<Done, OpsError>) -> Result<Msg, OpsError> {
    match asked {
        Asked::Load { .. } => match reply {
            Ok(Done::Answer(Answer::Mismatches(v))) => Ok(Msg::Loaded(loaded(*v))),
            Ok(_) => Err(unexpected("mismatches")),
            Err(OpsError::Refused(r)) => Ok(Msg::LoadRefused(r.message)),
            Err(e) => Err(e),
        },
        Asked::Fix => match reply {
            Ok(Done::Both(
                Outcome::Resolved {
                    number, resolution, ..
                },
                Answer::Mismatches(v),
            )) => Ok(Msg::Fixed {
                words: text::fix_done(number, resolution.name()),
                data: loaded(*v),
            }),
            Ok(_) => Err(OpsError::Storage("a resolution gave no answer".into())),
            Err(e) => refused(e),
        },
        Asked::Preview { count, fix } => match reply {
            Ok(Done::Outcome(Outcome::Resolved { resolution, .. })) => Ok(Msg::Previewed {
                count,
                fix,
                change: resolution.change(),
            }),
            Ok(_) => Err(OpsError::Storage("a resolution gave no answer".into())),
            Err(e) => refused(e),
        },
        Asked::Undo { number } => match reply {
            Ok(Done::Both(_, Answer::Mismatches(v))) => Ok(Msg::Fixed {
                words: text::fix_undone(number),
                data: loaded(*v),
            }),
            Ok(_) => Err(OpsError::Storage("an undo gave no answer".into())),
            Err(e) => refused(e),
        },
        Asked::Post { count } => match reply {
            Ok(_) => Ok(Msg::Posted(count)),
            Err(e) => refused(e),
        },
        Asked::PreviewBulk { count, fix } => match reply {
            Ok(Done::Outcome(Outcome::ResolvedAll { resolved, .. })) => Ok(Msg::BulkPreviewed {
                count,
                change: fix.change(resolved),
                fix,
            }),
            Ok(_) => Err(OpsError::Storage("a bulk fix gave no answer".into())),
            Err(e) => refused(e),
        },
        Asked::Bulk => match reply {
            Ok(Done::Both(
                Outcome::ResolvedAll {
                    first, resolved, ..
                },
                Answer::Mismatches(v),
            )) => Ok(Msg::Fixed {
                words: text::bulk_done(first, resolved),
                data: loaded(*v),
            }),
            Ok(_) => Err(OpsError::Storage("a bulk fix gave no answer".into())),
            Err(e) => refused(e),
        },
        Asked::Details { serial, product } => match reply? {
            Done::Answer(Answer::Units(units)) => {
                let unit = units
                    .into_iter()
                    .find(|u| product.is_none_or(|p| u.unit.product == p))
                    .map(Shared::new);
                Ok(Msg::Details { serial, unit })
            }
            _ => Err(unexpected("lookup")),
        },
    }
}

/// A refusal of the service as the screens show it (a sticky error); other failures pass on.
fn refused(e: OpsError) -> Result<Msg, OpsError> {
    Ok(Msg::FixRefused(refusal_words(e)?))
}

fn unexpected(what: &str) -> OpsError {
    OpsError::Storage(format!("the service gave an unexpected answer to {what}"))
}

/// A reconciliation as the mismatch screen holds it.
pub fn loaded(view: MismatchView) -> Shared<MismatchData> {
    let products = view
        .products
        .into_iter()
        .map(|(id, p)| {
            (
                id,
                ProductName {
                    sku: p.sku,
                    name: p.name,
                },
            )
        })
        .collect();
    Shared::new(MismatchData {
        m: view.mismatches,
        products,
        parties: view.parties.into_iter().collect(),
        counted_bins: view.counted_bins,
        qty: view.qty,
    })
}
