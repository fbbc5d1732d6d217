//! The count list's talk with the service: the counts that are open or in review, moving a
//! count to another status, opening a new count; each one [`Call`], each reply one [`Msg`] of
//! this screen. Refusals are the screen's to word; a link that is down or a broken store pass
//! on as they are.

pub use super::state::Asked;
use super::state::CountRow;
use crate::domain::{CountId, CountStatus};
use crate::ops::{Answer, Call, Command, CountView, Done, NewCount, OpsError, Outcome, Query};
use crate::tui::effect::Asker;
use crate::tui::effect::Effect;
use crate::tui::screens::kind::refusal_words;

/// What the service answered the count list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The open counts and those in review, by number.
    Loaded(Vec<CountRow>),
    /// A count changed status.
    Moved {
        /// Which.
        count: CountId,
        /// Its new status.
        status: CountStatus,
    },
    /// A count was opened.
    Opened {
        /// Its id.
        count: CountId,
        /// Its name (given, or made from its scope and day).
        name: String,
    },
    /// The request was refused (a move, an opening): a sticky error.
    Refused(String),
}

fn call(call: Call, asked: Asked) -> Effect {
    Effect::Call {
        call: Box::new(call),
        to: Asker::CountList(asked),
    }
}

/// The counts that are open or in review, with their expected figures.
pub fn load() -> Effect {
    call(Call::Query(Query::Counts { expected: true }), Asked::Load)
}

/// Moves a count to another status.
pub fn move_to(count: CountId, status: CountStatus) -> Effect {
    call(
        Call::Execute(Command::MoveCount { count, status }),
        Asked::Move { count, status },
    )
}

/// Opens a new count.
pub fn open(new: NewCount) -> Effect {
    call(Call::Execute(Command::OpenCount(new)), Asked::Open)
}

/// A count as the list shows it.
pub fn row(v: CountView) -> CountRow {
    let c = v.count;
    CountRow {
        id: c.id,
        name: c.name,
        scope: c.scope.location,
        status: c.status,
        blind: c.blind,
        live: c.live,
        expected: v.expected,
        counters: c.counters,
    }
}

/// The reply to what the list asked, as its message; failures other than refusals pass on.
pub fn answer(asked: Asked, reply: Result<Done, OpsError>) -> Result<Msg, OpsError> {
    match asked {
        Asked::Load => match reply? {
            Done::Answer(Answer::Counts(counts)) => {
                let mut rows: Vec<CountRow> = counts
                    .into_iter()
                    .filter(|v| v.count.status.is_active())
                    .map(row)
                    .collect();
                rows.sort_by_key(|r| r.id);
                Ok(Msg::Loaded(rows))
            }
            _ => Err(unexpected("counts")),
        },
        Asked::Move { count, status } => match reply {
            Ok(_) => Ok(Msg::Moved { count, status }),
            Err(OpsError::Refused(r)) => Ok(Msg::Refused(r.message)),
            Err(e) => Err(e),
        },
        Asked::Open => match reply {
            Ok(Done::Outcome(Outcome::CountOpened(c))) => Ok(Msg::Opened {
                count: c.id,
                name: c.name,
            }),
            Ok(_) => Err(OpsError::Storage("opening a count gave no count".into())),
            Err(e) => Ok(Msg::Refused(refusal_words(e)?)),
        },
    }
}

fn unexpected(what: &str) -> OpsError {
    OpsError::Storage(format!("the service gave an unexpected answer to {what}"))
}
