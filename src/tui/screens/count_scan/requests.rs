//! The scan loop's talk with the service: each intent (join, a scan, undo, a quantity, bin
//! done, the figures again) is one [`Call`], and each reply becomes one [`Msg`] of this screen,
//! delivered to it only. A refused scan's kind becomes its headline here. The runner sends the
//! calls; for a scan the server cannot take it keeps the scan in its outbox and says so.

pub use super::state::Asked;
use super::state::{AnswerKind, Figures, RecentScan, ScanAnswer, Why};
use super::words;
use crate::domain::{CountId, ScanVerdict};
use crate::ops::{
    Answer, Call, Command, Done, OpsError, Outcome, Query, RefusalKind, ScanLine, ScanReport,
};
use crate::tui::effect::Asker;
use crate::tui::effect::Effect;
use crate::tui::screens::count_list::state::CountRow;
use crate::tui::screens::kind::refusal_words;
use crate::tui::text;

/// What the service answered the scan loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A count was joined: the count as it is now, this counter's last scans (newest first),
    /// and a location when the scope has only one.
    Joined {
        /// The count.
        count: CountRow,
        /// This counter's last live scans, newest first.
        recent: Vec<RecentScan>,
        /// The location to start at, when there is only one to choose.
        location: Option<String>,
        /// The figures there.
        figures: Option<Figures>,
    },
    /// The count cannot be joined (not open any more, gone): back to the list.
    JoinRefused(String),
    /// A location label was scanned.
    LocationSet {
        /// The location's code.
        code: String,
        /// The running figures there.
        figures: Figures,
    },
    /// A step of the loop was refused (a bin, a step behind waiting scans): a sticky error.
    Refused(String),
    /// A quantity was refused (0, no location): the question is asked again.
    QtyRefused {
        /// The product asked about.
        sku: String,
        /// The service's words.
        message: String,
    },
    /// A scan's answer (or an undo's), only after the scan is durable; refusals of the scan
    /// loop come this way too (nothing recorded).
    Answered(ScanAnswer),
    /// The scan named a product counted by quantity: ask how many.
    AskQty {
        /// Its SKU.
        sku: String,
    },
    /// A quantity was counted.
    QtyCounted {
        /// Where.
        location: String,
        /// The product.
        sku: String,
        /// How many were added.
        qty: i32,
        /// The count's total of it there now.
        counted: u64,
        /// The books' quantity there (open counting).
        expected: Option<i64>,
    },
    /// A bin was counted.
    BinCounted {
        /// The bin.
        location: String,
        /// The count's counted bins now.
        bins: u32,
    },
    /// The server stopped answering: the last headline is no longer news (a waiting scan's
    /// stays).
    LinkLost,
    /// The scan loop's figures asked for again.
    Figures {
        /// The count.
        count: CountId,
        /// Where they were asked for.
        location: Option<String>,
        /// The figures (without the expected one).
        figures: Figures,
    },
}

fn call(call: Call, asked: Asked) -> Effect {
    Effect::Call {
        call: Box::new(call),
        to: Asker::CountScan(asked),
    }
}

/// Joins a count as the acting counter.
pub fn join(count: CountId) -> Effect {
    call(Call::Query(Query::Join { count }), Asked::Join)
}

/// A scan at `location` (a label sets the location; with `label_only` nothing else is taken).
pub fn scan(count: CountId, location: Option<String>, raw: String, label_only: bool) -> Effect {
    let command = Command::CountScan {
        count,
        location: location.clone(),
        raw: raw.clone(),
        label_only,
    };
    call(
        Call::Execute(command),
        Asked::Scan {
            location,
            raw,
            label_only,
        },
    )
}

/// Takes back this counter's last scan (the figures are for `location`).
pub fn undo(count: CountId, location: Option<String>) -> Effect {
    let command = Command::UndoLastScan {
        count,
        location: location.clone(),
    };
    call(Call::Execute(command), Asked::Undo { location })
}

/// A quantity of a product counted by quantity, at `location` (the service refuses none).
pub fn qty(count: CountId, location: Option<String>, sku: String, qty: i32) -> Effect {
    let command = Command::CountQty {
        count,
        location: location.unwrap_or_default(),
        product: sku.clone(),
        qty,
    };
    call(Call::Execute(command), Asked::Qty { sku })
}

/// The bin at `location` is done.
pub fn bin_done(count: CountId, location: String) -> Effect {
    call(
        Call::Execute(Command::FinishBin { count, location }),
        Asked::BinDone,
    )
}

/// The running figures again (at `location`; none: the count's total only).
pub fn figures(count: CountId, location: Option<String>) -> Effect {
    let query = match &location {
        Some(at) => Query::Figures {
            count,
            location: at.clone(),
        },
        None => Query::Count { count, last: 0 },
    };
    call(Call::Query(query), Asked::Figures { count, location })
}

/// The reply to what the loop asked, as its message; failures other than refusals pass on.
pub fn answer(asked: Asked, reply: Result<Done, OpsError>) -> Result<Msg, OpsError> {
    match asked {
        Asked::Join => match reply {
            Ok(Done::Answer(Answer::Joined(view))) => Ok(Msg::Joined {
                count: crate::tui::screens::count_list::requests::row(view.count),
                recent: view.recent.iter().map(recent).collect(),
                location: view.location,
                figures: view.figures,
            }),
            Ok(_) => Err(unexpected("a join")),
            Err(OpsError::Refused(r)) => Ok(Msg::JoinRefused(r.message)),
            Err(e) => Err(e),
        },
        Asked::Scan {
            location,
            raw,
            label_only,
        } => match reply {
            Ok(Done::Outcome(Outcome::Scanned(report))) => Ok(Msg::Answered(scanned(report))),
            Ok(Done::Outcome(Outcome::LocationSet { code, figures })) => {
                Ok(Msg::LocationSet { code, figures })
            }
            Ok(Done::Outcome(Outcome::AskQty { sku })) => Ok(Msg::AskQty { sku }),
            Ok(_) => Err(OpsError::Storage("a scan gave no answer".into())),
            Err(OpsError::Refused(r)) => {
                let (kind, headline) = match r.kind {
                    RefusalKind::BadScan => (AnswerKind::Bad, text::BAD_SCAN),
                    RefusalKind::Location if label_only => {
                        (AnswerKind::Refused, text::NOT_A_LOCATION)
                    }
                    RefusalKind::Location if location.is_none() => {
                        (AnswerKind::Refused, text::NO_LOCATION)
                    }
                    RefusalKind::OutOfScope => (AnswerKind::Refused, text::WRONG_LOCATION),
                    _ => (AnswerKind::Refused, text::NOT_SAVED),
                };
                let message = match (r.kind, label_only) {
                    (RefusalKind::Location, true) => text::LOCATION_EXPECTED.to_string(),
                    (RefusalKind::Location, false) => text::LOCATION_FIRST.to_string(),
                    (RefusalKind::OutOfScope, _) => r.message.clone(),
                    _ => without_serial(&r.message, &raw),
                };
                let serial = match (&r.kind, &r.about) {
                    (RefusalKind::OutOfScope, Some(code)) => code.clone(),
                    _ => raw.trim().to_string(),
                };
                Ok(Msg::Answered(ScanAnswer {
                    kind,
                    headline: headline.into(),
                    serial,
                    sku: None,
                    number: None,
                    location: location.unwrap_or_default(),
                    why: Why::Refused { message },
                    figures: None,
                }))
            }
            Err(e) => Err(e),
        },
        Asked::Undo { location } => match reply {
            Ok(Done::Outcome(Outcome::ScanUndone { scan, sku, figures })) => {
                Ok(Msg::Answered(ScanAnswer {
                    kind: AnswerKind::Undone,
                    headline: text::UNDONE.into(),
                    serial: scan.serial.to_string(),
                    sku,
                    number: Some(scan.number),
                    location: scan.location.clone(),
                    why: Why::None,
                    figures,
                }))
            }
            Ok(_) => Err(OpsError::Storage("undo gave no answer".into())),
            Err(OpsError::Refused(r)) => Ok(Msg::Answered(ScanAnswer {
                kind: AnswerKind::Refused,
                headline: text::NOT_UNDONE.into(),
                serial: String::new(),
                sku: None,
                number: None,
                location: location.unwrap_or_default(),
                why: Why::Refused { message: r.message },
                figures: None,
            })),
            Err(e) => Err(e),
        },
        Asked::Qty { sku } => match reply {
            Ok(Done::Outcome(Outcome::QtyCounted {
                location,
                sku,
                qty,
                counted,
                expected,
                ..
            })) => Ok(Msg::QtyCounted {
                location,
                sku,
                qty,
                counted,
                expected,
            }),
            Ok(_) => Err(OpsError::Storage("a quantity gave no answer".into())),
            Err(e) => Ok(Msg::QtyRefused {
                sku,
                message: refusal_words(e)?,
            }),
        },
        Asked::BinDone => match reply {
            Ok(Done::Outcome(Outcome::BinCounted { location, bins, .. })) => {
                Ok(Msg::BinCounted { location, bins })
            }
            Ok(_) => Err(OpsError::Storage("a bin gave no answer".into())),
            Err(e) => Ok(Msg::Refused(refusal_words(e)?)),
        },
        Asked::Figures { count, location } => {
            let figures = match reply? {
                Done::Answer(Answer::Figures(f)) => f,
                Done::Answer(Answer::Count(v)) => Figures {
                    total: v.count.live,
                    ..Figures::default()
                },
                _ => return Err(unexpected("figures")),
            };
            Ok(Msg::Figures {
                count,
                location,
                figures,
            })
        }
    }
}

/// A step asked for while scans still wait for the server: refused, as it would act on the
/// wrong scan.
pub fn held(waiting: usize) -> Msg {
    Msg::Refused(words::wait_first(waiting))
}

/// One of the counter's last scans as the loop lists it.
fn recent(line: &ScanLine) -> RecentScan {
    let s = &line.scan;
    RecentScan {
        number: Some(s.number),
        serial: s.serial.to_string(),
        sku: line.sku.clone(),
        location: s.location.clone(),
        kind: kind_of(&s.verdict),
        why: None,
        waiting: None,
        qty: None,
    }
}

/// A durable scan's report as the screen shows it.
fn scanned(report: ScanReport) -> ScanAnswer {
    let headline = report
        .words
        .as_ref()
        .map(|w| w.headline.clone())
        .unwrap_or_default();
    let scan = &report.scan;
    let why = match (&scan.verdict, scan.verdict.not_here()) {
        (_, Some(reason)) => Why::NotHere {
            reason,
            customer: report.customer.clone(),
        },
        (ScanVerdict::Duplicate { first }, None) => Why::Duplicate {
            first: *first,
            by: report.first.as_ref().map(|f| f.counter.clone()),
            at: report.first.as_ref().map(|f| f.location.clone()),
            at_ms: report.first.as_ref().map(|f| f.at_ms),
        },
        _ => Why::None,
    };
    ScanAnswer {
        kind: kind_of(&scan.verdict),
        headline,
        serial: scan.serial.to_string(),
        sku: report.sku.clone(),
        number: Some(scan.number),
        location: scan.location.clone(),
        why,
        figures: report.figures,
    }
}

/// The service's reason without the quoted scan in it: the screen shows the scan on its own
/// line (never wrapped), so the reason stays short enough for 20 columns.
fn without_serial(message: &str, raw: &str) -> String {
    let quoted = format!("\"{}\"", raw.trim());
    if raw.trim().is_empty() || !message.contains(&quoted) {
        return message.to_string();
    }
    message
        .replace(&quoted, "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn kind_of(v: &ScanVerdict) -> AnswerKind {
    match v {
        ScanVerdict::Counted => AnswerKind::Counted,
        ScanVerdict::Duplicate { .. } => AnswerKind::Duplicate,
        ScanVerdict::Unexpected(_) => AnswerKind::NotHere,
        ScanVerdict::Unknown => AnswerKind::Unknown,
    }
}

fn unexpected(what: &str) -> OpsError {
    OpsError::Storage(format!("the service gave an unexpected answer to {what}"))
}
