//! The effect runner over the ops service: what the screens ask of the database. The only
//! place the TUI touches ops. Every scan goes through [`Service::record_scan`], which returns
//! only after the scan's journal entry is fsynced, so "counted" is shown only for a durable
//! scan.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::action::{Action, Effect, EffectRunner};
use super::screens::count_scan::requests::Msg;
use super::screens::{refusal_words, ScreenMsg};
use super::text;
use crate::domain::{CountId, ScanVerdict};
use crate::ops::{
    Answer, Command, Ops, OpsError, OpsQueries, Outcome, Query, RefusalKind, ScanLine, ScanReport,
};
use crate::tui::screens::count_scan::state::AnswerKind;
use crate::tui::screens::count_scan::state::Queued;
use crate::tui::screens::count_scan::state::RecentScan;
use crate::tui::screens::count_scan::state::ScanAnswer;
use crate::tui::screens::count_scan::state::Why;

/// Runs the screens' effects through the ops protocol ([`Ops`]), as the acting user the
/// protocol implementation is bound to. Each user intent is one request.
pub struct OpsRunner {
    ops: Arc<dyn Ops>,
    utc_times: bool,
    /// The location the last label of each count set since it was joined: steps flushed
    /// after leaving follow a label whose answer the screen never saw.
    located: HashMap<CountId, String>,
    /// Scans that wait for the server (a client of `tallyman serve` has one): each scan is
    /// sent with a key, and one the server did not answer waits here, in order.
    outbox: Option<crate::ops::Outbox>,
}

impl OpsRunner {
    /// A runner over the protocol, showing times in local time.
    pub fn new(ops: impl Ops + 'static) -> OpsRunner {
        OpsRunner::shared(Arc::new(ops))
    }

    /// A runner over a protocol implementation others hold too (tests count its requests).
    pub fn shared(ops: Arc<dyn Ops>) -> OpsRunner {
        OpsRunner {
            ops,
            utc_times: false,
            located: HashMap::new(),
            outbox: None,
        }
    }

    /// Keeps scans the server does not answer in `outbox` and sends them when it is back.
    pub fn with_outbox(mut self, outbox: crate::ops::Outbox) -> OpsRunner {
        self.outbox = Some(outbox);
        self
    }

    /// Shows times of earlier scans in UTC instead of local time (tests and snapshots).
    pub fn with_utc_times(mut self) -> OpsRunner {
        self.utc_times = true;
        self
    }

    fn time(&self, ms: i64) -> Option<NaiveDateTime> {
        let t = chrono::DateTime::from_timestamp_millis(ms)?;
        Some(if self.utc_times {
            t.naive_utc()
        } else {
            t.with_timezone(&chrono::Local).naive_local()
        })
    }

    fn recent(&self, line: &ScanLine) -> RecentScan {
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

    fn join(&self, id: CountId) -> Result<Vec<Action>, OpsError> {
        let view = match self.ops.query(Query::Join { count: id }) {
            Ok(Answer::Joined(v)) => v,
            Ok(_) => return Err(OpsError::Storage("unexpected answer to a join".into())),
            Err(OpsError::Refused(r)) => return Ok(vec![Msg::JoinRefused(r.message).action()]),
            Err(e) => return Err(e),
        };
        let recent = view.recent.iter().map(|l| self.recent(l)).collect();
        Ok(vec![Msg::Joined {
            count: crate::tui::screens::count_list::requests::row(view.count),
            recent,
            location: view.location,
            figures: view.figures,
        }
        .action()])
    }

    fn input(
        &self,
        id: CountId,
        location: Option<String>,
        raw: String,
        location_only: bool,
        key: Option<String>,
    ) -> Result<Vec<Action>, OpsError> {
        let mut command = Command::CountScan {
            count: id,
            location: location.clone(),
            raw: raw.clone(),
            label_only: location_only,
        };
        if let Some(key) = key {
            command = Command::Keyed {
                key,
                command: Box::new(command),
            };
        }
        match self.ops.execute(command) {
            Ok(Outcome::Scanned(report)) => Ok(vec![Msg::Answered(self.answer(report)).action()]),
            Ok(Outcome::LocationSet { code, figures }) => {
                Ok(vec![Msg::LocationSet { code, figures }.action()])
            }
            Ok(Outcome::AskQty { sku }) => Ok(vec![Msg::AskQty { sku }.action()]),
            Ok(_) => Err(OpsError::Storage("a scan gave no answer".into())),
            Err(OpsError::Refused(r)) => {
                let (kind, headline) = match r.kind {
                    RefusalKind::BadScan => (AnswerKind::Bad, text::BAD_SCAN),
                    RefusalKind::Location if location_only => {
                        (AnswerKind::Refused, text::NOT_A_LOCATION)
                    }
                    RefusalKind::Location if location.is_none() => {
                        (AnswerKind::Refused, text::NO_LOCATION)
                    }
                    RefusalKind::OutOfScope => (AnswerKind::Refused, text::WRONG_LOCATION),
                    _ => (AnswerKind::Refused, text::NOT_SAVED),
                };
                let message = match (r.kind, location_only) {
                    (RefusalKind::Location, true) => text::LOCATION_EXPECTED.to_string(),
                    (RefusalKind::Location, false) => text::LOCATION_FIRST.to_string(),
                    (RefusalKind::OutOfScope, _) => r.message.clone(),
                    _ => without_serial(&r.message, &raw),
                };
                let serial = match (&r.kind, &r.about) {
                    (RefusalKind::OutOfScope, Some(code)) => code.clone(),
                    _ => raw.trim().to_string(),
                };
                Ok(vec![Msg::Answered(ScanAnswer {
                    kind,
                    headline: headline.into(),
                    serial,
                    sku: None,
                    number: None,
                    location: location.unwrap_or_default(),
                    why: Why::Refused { message },
                    figures: None,
                })
                .action()])
            }
            Err(e) => Err(e),
        }
    }

    /// A durable scan's report as the screen shows it.
    fn answer(&self, report: ScanReport) -> ScanAnswer {
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
                when: report.first.as_ref().and_then(|f| self.time(f.at_ms)),
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

    fn undo(&self, id: CountId, location: Option<String>) -> Result<Vec<Action>, OpsError> {
        let command = Command::UndoLastScan {
            count: id,
            location: location.clone(),
        };
        let (undone, sku, figures) = match self.ops.execute(command) {
            Ok(Outcome::ScanUndone { scan, sku, figures }) => (scan, sku, figures),
            Ok(_) => return Err(OpsError::Storage("undo gave no answer".into())),
            Err(OpsError::Refused(r)) => {
                return Ok(vec![Msg::Answered(ScanAnswer {
                    kind: AnswerKind::Refused,
                    headline: text::NOT_UNDONE.into(),
                    serial: String::new(),
                    sku: None,
                    number: None,
                    location: location.unwrap_or_default(),
                    why: Why::Refused { message: r.message },
                    figures: None,
                })
                .action()])
            }
            Err(e) => return Err(e),
        };
        Ok(vec![Msg::Answered(ScanAnswer {
            kind: AnswerKind::Undone,
            headline: text::UNDONE.into(),
            serial: undone.serial.to_string(),
            sku,
            number: Some(undone.number),
            location: undone.location.clone(),
            why: Why::None,
            figures,
        })
        .action()])
    }

    /// A bin of a count is done; a refusal shows as the count screen's refusals do.
    fn finish_bin(&self, id: CountId, location: Option<String>) -> Result<Vec<Action>, OpsError> {
        let Some(location) = location else {
            return Ok(vec![Msg::Refused(
                crate::ops::count_input::bin_first().message,
            )
            .action()]);
        };
        match self.ops.execute(Command::FinishBin {
            count: id,
            location,
        }) {
            Ok(Outcome::BinCounted { location, bins, .. }) => {
                Ok(vec![Msg::BinCounted { location, bins }.action()])
            }
            Ok(_) => Err(OpsError::Storage("a bin gave no answer".into())),
            Err(e) => Ok(vec![Msg::Refused(refusal_words(e)?).action()]),
        }
    }

    fn note_location(&mut self, count: CountId, actions: &[Action]) {
        for a in actions {
            if let Action::Screen(ScreenMsg::CountScan(Msg::LocationSet { code, .. })) = a {
                self.located.insert(count, code.clone());
            }
        }
    }

    /// Sends the steps left waiting when the scan loop was closed, in order; labels among
    /// them move the location of the scans after them. The answers are not shown.
    fn flush(
        &mut self,
        count: CountId,
        location: Option<String>,
        mut location_only: bool,
        steps: Vec<Queued>,
    ) -> Result<Vec<Action>, OpsError> {
        for step in steps {
            let at = self
                .located
                .get(&count)
                .cloned()
                .or_else(|| location.clone());
            match step {
                Queued::Scan(raw) => {
                    self.scan_or_wait(count, at, raw, location_only)?;
                    location_only = false;
                }
                Queued::Undo => {
                    self.undo(count, at)?;
                }
                Queued::NextIsLocation => location_only = true,
                Queued::BinDone => {
                    self.finish_bin(count, at)?;
                    self.located.remove(&count);
                }
            }
        }
        Ok(Vec::new())
    }

    /// One scan: sent with a key when the runner keeps an outbox, else as it is. Scans that
    /// wait go first, in order; when the server does not answer, this one waits behind them.
    fn scan_or_wait(
        &mut self,
        count: CountId,
        location: Option<String>,
        raw: String,
        label_only: bool,
    ) -> Result<Vec<Action>, OpsError> {
        if self.outbox.is_none() {
            let actions = self.input(count, location, raw, label_only, None)?;
            self.note_location(count, &actions);
            return Ok(actions);
        }
        let mut actions = self.send_waiting()?;
        let Some(outbox) = self.outbox.as_mut() else {
            return Ok(actions);
        };
        let waiting = crate::ops::Waiting {
            key: outbox.new_key(),
            count,
            location,
            raw,
            label_only,
        };
        if outbox.is_empty() {
            let sent = self.input(
                count,
                waiting.location.clone(),
                waiting.raw.clone(),
                label_only,
                Some(waiting.key.clone()),
            );
            match sent {
                Ok(answer) => {
                    self.note_location(count, &answer);
                    actions.extend(answer);
                    return Ok(actions);
                }
                Err(OpsError::Link(why)) => actions.push(Action::LinkDown(why)),
                Err(e) => return Err(e),
            }
        }
        let Some(outbox) = self.outbox.as_mut() else {
            return Ok(actions);
        };
        actions.push(Action::ScanWaiting {
            key: waiting.key.clone(),
            raw: waiting.raw.clone(),
            location: waiting.location.clone(),
        });
        outbox.push(waiting);
        actions.push(Action::Outbox(outbox.len()));
        Ok(actions)
    }

    /// Sends the waiting scans in order, each with the location the labels before it set,
    /// until none is left or the server does not answer. A refused one is answered like any
    /// scan; it waits no more.
    fn send_waiting(&mut self) -> Result<Vec<Action>, OpsError> {
        let mut actions = Vec::new();
        while let Some(w) = self.outbox.as_ref().and_then(|o| o.front().cloned()) {
            let at = self
                .located
                .get(&w.count)
                .cloned()
                .or_else(|| w.location.clone());
            match self.input(w.count, at, w.raw, w.label_only, Some(w.key.clone())) {
                Ok(answer) => {
                    self.note_location(w.count, &answer);
                    if let Some(o) = self.outbox.as_mut() {
                        o.sent();
                    }
                    actions.push(Action::WaitingSent { key: w.key });
                    actions.extend(answer);
                }
                Err(OpsError::Link(why)) => {
                    actions.push(Action::LinkDown(why));
                    break;
                }
                Err(e) => {
                    actions.push(Action::Failed(e.to_string()));
                    break;
                }
            }
        }
        if !actions.is_empty() {
            if let Some(o) = &self.outbox {
                actions.push(Action::Outbox(o.len()));
            }
        }
        Ok(actions)
    }

    /// A step of the scan loop that acts on what was scanned before it (undo, bin done, a
    /// quantity): only once no scan waits, or it would act on the wrong one.
    fn after_waiting(
        &mut self,
        step: impl FnOnce(&mut Self) -> Result<Vec<Action>, OpsError>,
    ) -> Result<Vec<Action>, OpsError> {
        let mut actions = self.send_waiting()?;
        match self.outbox.as_ref().map_or(0, |o| o.len()) {
            0 => actions.extend(step(self)?),
            n => actions
                .push(Msg::Refused(super::screens::count_scan::words::wait_first(n)).action()),
        }
        Ok(actions)
    }

    fn try_run(&mut self, effect: Effect) -> Result<Vec<Action>, OpsError> {
        match effect {
            Effect::ProbeService => {
                let status = match self.ops.status() {
                    Ok(s) => format!("{} (journal entry {})", s.dir, s.applied_seq),
                    Err(e) => e.to_string(),
                };
                Ok(vec![Action::ServiceStatus(status)])
            }
            Effect::Bell | Effect::Quit | Effect::Redraw => Ok(Vec::new()),
            Effect::JoinCount { count } => {
                self.located.remove(&count);
                self.join(count)
            }
            Effect::CountInput {
                count,
                location,
                raw,
                location_only,
            } => self.scan_or_wait(count, location, raw, location_only),
            Effect::FlushScans {
                count,
                location,
                location_only,
                steps,
            } => self.flush(count, location, location_only, steps),
            Effect::UndoScan { count, location } => {
                self.after_waiting(|runner| runner.undo(count, location))
            }
            Effect::SendWaiting => {
                let mut actions = self.send_waiting()?;
                if let Some(o) = &self.outbox {
                    actions.push(Action::Outbox(o.len()));
                }
                Ok(actions)
            }
            Effect::CountQty {
                count,
                location,
                sku,
                qty,
            } => self.after_waiting(|runner| {
                let at = runner.located.get(&count).cloned().or(location);
                let Some(location) = at else {
                    return Ok(vec![Msg::Refused(text::LOCATION_FIRST.into()).action()]);
                };
                let cmd = Command::CountQty {
                    count,
                    location,
                    product: sku.clone(),
                    qty,
                };
                match runner.ops.execute(cmd) {
                    Ok(Outcome::QtyCounted {
                        location,
                        sku,
                        qty,
                        counted,
                        expected,
                        ..
                    }) => Ok(vec![Msg::QtyCounted {
                        location,
                        sku,
                        qty,
                        counted,
                        expected,
                    }
                    .action()]),
                    Ok(_) => Err(OpsError::Storage("a quantity gave no answer".into())),
                    Err(e) => Ok(vec![Msg::QtyRefused {
                        sku,
                        message: refusal_words(e)?,
                    }
                    .action()]),
                }
            }),
            Effect::FinishBin { count, location } => self.after_waiting(|runner| {
                let at = runner.located.get(&count).cloned().or(location);
                let actions = runner.finish_bin(count, at)?;
                runner.located.remove(&count);
                Ok(actions)
            }),
            Effect::Call { call, to } => Ok(vec![Action::Replied {
                to,
                reply: Box::new(self.ops.call(crate::ops::Request::V1(*call))),
            }]),
            Effect::Poll => Ok(vec![match self.ops.status() {
                Ok(s) => Action::Polled(Ok(s.applied_seq)),
                // The server answered, and said no (the user was removed): its words.
                Err(OpsError::Refused(r)) => Action::AccessRefused(r.message),
                Err(e) => Action::Polled(Err(e.to_string())),
            }]),
            Effect::RefreshFigures { count, location } => {
                let figures = match &location {
                    Some(at) => match self.ops.query(Query::Figures {
                        count,
                        location: at.clone(),
                    })? {
                        Answer::Figures(f) => f,
                        _ => return Err(OpsError::Storage("unexpected answer to figures".into())),
                    },
                    None => {
                        let v = self.ops.count(count, 0)?;
                        crate::ops::Figures {
                            total: v.count.live,
                            ..crate::ops::Figures::default()
                        }
                    }
                };
                Ok(vec![Msg::Figures {
                    count,
                    location,
                    figures,
                }
                .action()])
            }
        }
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

impl EffectRunner for OpsRunner {
    fn run(&mut self, effect: Effect) -> Vec<Action> {
        match self.try_run(effect) {
            Ok(actions) => actions,
            // A server that does not answer is the link's state, said once on every screen.
            Err(OpsError::Link(why)) => vec![Action::LinkDown(why)],
            Err(e) => vec![Action::Failed(e.to_string())],
        }
    }
}
