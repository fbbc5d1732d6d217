//! The effect runner over the ops service: it sends the screens' calls and hands each reply
//! back to the screen that asked, which reads it (its `requests.rs`). Besides sending, it
//! keeps the scans the server cannot take (a client of `tallyman serve` has an outbox): such
//! a scan waits, in order, under the key it got when the runner took it, and is sent when the
//! server is back; a step that acts on earlier scans (undo, a quantity, bin done) waits for
//! them. Every scan is answered only after its journal entry is fsynced, so "counted" is shown
//! only for a durable scan.

use std::collections::HashMap;
use std::sync::Arc;

use super::action::{Action, Effect, EffectRunner};
use super::screens::count_scan::requests::Asked;
use super::screens::count_scan::state::Queued;
use super::screens::Asker;
use crate::domain::CountId;
use crate::ops::{Call, Command, Done, Ops, OpsError, OpsQueries, Outcome, Reply, Request};

/// Runs the screens' effects through the ops protocol ([`Ops`]), as the acting user the
/// protocol implementation is bound to. Each user intent is one request.
pub struct OpsRunner {
    ops: Arc<dyn Ops>,
    /// Scans that wait for the server (a client of `tallyman serve` has one): each scan is
    /// sent with a key, and one the server did not answer waits here, in order.
    outbox: Option<crate::ops::Outbox>,
    /// The location the last label of each count's scans set, as the service answered the
    /// scans this runner sent. The loop's own location is in its session; this is for the
    /// scans whose answers no screen reads: those that waited in the outbox, and the steps
    /// left when the loop was closed (the label before them may still have been on its way).
    labels: HashMap<CountId, String>,
}

/// The server did not answer: why.
fn link_down(reply: &Reply) -> Option<String> {
    match reply {
        Reply::V1(Err(OpsError::Link(why))) => Some(why.clone()),
        _ => None,
    }
}

/// The location a reply's label set, if it was a label.
fn label_set(reply: &Reply) -> Option<String> {
    match reply {
        Reply::V1(Ok(Done::Outcome(Outcome::LocationSet { code, .. }))) => Some(code.clone()),
        _ => None,
    }
}

/// A scan of a count as the command that records it under its key, at `location`.
fn scan_command(w: &crate::ops::Waiting, location: Option<String>) -> Call {
    let command = Command::CountScan {
        count: w.count,
        location,
        raw: w.raw.clone(),
        label_only: w.label_only,
    };
    Call::Execute(Command::Keyed {
        key: w.key.clone(),
        command: Box::new(command),
    })
}

/// The asker of a scan the runner sends on the scan loop's behalf (a waiting one).
fn scan_asker(w: &crate::ops::Waiting, location: Option<String>) -> Asker {
    Asker::CountScan(Asked::Scan {
        location,
        raw: w.raw.clone(),
        label_only: w.label_only,
    })
}

impl OpsRunner {
    /// A runner over the protocol.
    pub fn new(ops: impl Ops + 'static) -> OpsRunner {
        OpsRunner::shared(Arc::new(ops))
    }

    /// A runner over a protocol implementation others hold too (tests count its requests).
    pub fn shared(ops: Arc<dyn Ops>) -> OpsRunner {
        OpsRunner {
            ops,
            outbox: None,
            labels: HashMap::new(),
        }
    }

    /// Keeps scans the server does not answer in `outbox` and sends them when it is back.
    pub fn with_outbox(mut self, outbox: crate::ops::Outbox) -> OpsRunner {
        self.outbox = Some(outbox);
        self
    }

    /// Sends a call; a scan's answer that set a location is noted for its count.
    fn send(&mut self, call: Call) -> Reply {
        let count = match &call {
            Call::Execute(Command::CountScan { count, .. }) => Some(*count),
            Call::Execute(Command::Keyed { command, .. }) => match command.as_ref() {
                Command::CountScan { count, .. } => Some(*count),
                _ => None,
            },
            _ => None,
        };
        let reply = self.ops.call(Request::V1(call));
        if let (Some(count), Some(code)) = (count, label_set(&reply)) {
            self.labels.insert(count, code);
        }
        reply
    }

    /// One call of a screen: sent, and its reply handed back. With an outbox, a scan may
    /// wait, and a step that acts on earlier scans goes only once none waits.
    fn call(&mut self, call: Call, to: Asker) -> Result<Vec<Action>, OpsError> {
        if let Call::Query(crate::ops::Query::Join { count }) = &call {
            self.labels.remove(count);
        }
        if self.outbox.is_none() {
            return Ok(vec![replied(to, self.send(call))]);
        }
        match call {
            Call::Execute(Command::CountScan {
                count,
                location,
                raw,
                label_only,
            }) => self.scan_or_wait(count, location, raw, label_only, to),
            Call::Execute(
                Command::UndoLastScan { .. } | Command::CountQty { .. } | Command::FinishBin { .. },
            ) => {
                let mut actions = self.send_waiting()?;
                match self.outbox.as_ref().map_or(0, |o| o.len()) {
                    0 => actions.push(replied(to, self.send(call))),
                    waiting => actions.push(Action::Held { to, waiting }),
                }
                Ok(actions)
            }
            call => Ok(vec![replied(to, self.send(call))]),
        }
    }

    /// One scan: sent with a key made now, once (the server records it under that key only
    /// once, however often it is sent). Scans that wait go first, in order; when the server
    /// does not answer, this one waits behind them.
    fn scan_or_wait(
        &mut self,
        count: CountId,
        location: Option<String>,
        raw: String,
        label_only: bool,
        to: Asker,
    ) -> Result<Vec<Action>, OpsError> {
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
            let reply = self.send(scan_command(&waiting, waiting.location.clone()));
            match link_down(&reply) {
                Some(why) => actions.push(Action::LinkDown(why)),
                None => {
                    actions.push(replied(to, reply));
                    return Ok(actions);
                }
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

    /// Sends the waiting scans in order, until none is left or the server does not answer; a
    /// label among them moves the location of the scans of its count after it. A refused one
    /// is answered like any scan; it waits no more.
    fn send_waiting(&mut self) -> Result<Vec<Action>, OpsError> {
        let mut actions = Vec::new();
        while let Some(w) = self.outbox.as_ref().and_then(|o| o.front().cloned()) {
            let at = self
                .labels
                .get(&w.count)
                .cloned()
                .or_else(|| w.location.clone());
            let reply = self.send(scan_command(&w, at.clone()));
            match &reply {
                Reply::V1(Err(OpsError::Link(why))) => {
                    actions.push(Action::LinkDown(why.clone()));
                    break;
                }
                Reply::V1(Err(e @ (OpsError::Storage(_) | OpsError::Damaged { .. }))) => {
                    actions.push(Action::Failed(e.to_string()));
                    break;
                }
                _ => {}
            }
            if let Some(o) = self.outbox.as_mut() {
                o.sent();
            }
            actions.push(Action::WaitingSent { key: w.key.clone() });
            actions.push(replied(scan_asker(&w, at), reply));
        }
        if !actions.is_empty() {
            if let Some(o) = &self.outbox {
                actions.push(Action::Outbox(o.len()));
            }
        }
        Ok(actions)
    }

    /// Sends the steps left waiting when the scan loop was closed, in order, each at the
    /// location the last label before it set (noted from the answers, which no screen is left
    /// to read: the label may have been on its way when the loop was closed). Not shown.
    fn flush(
        &mut self,
        count: CountId,
        location: Option<String>,
        mut label_only: bool,
        steps: Vec<Queued>,
    ) -> Result<Vec<Action>, OpsError> {
        for step in steps {
            let at = self
                .labels
                .get(&count)
                .cloned()
                .or_else(|| location.clone());
            match step {
                Queued::Scan(raw) => {
                    let to = Asker::CountScan(Asked::Scan {
                        location: at.clone(),
                        raw: raw.clone(),
                        label_only,
                    });
                    if self.outbox.is_some() {
                        self.scan_or_wait(count, at, raw, label_only, to)?;
                    } else {
                        let scan = Command::CountScan {
                            count,
                            location: at,
                            raw,
                            label_only,
                        };
                        self.send(Call::Execute(scan));
                    }
                    label_only = false;
                }
                Queued::Undo => {
                    let undo = Command::UndoLastScan {
                        count,
                        location: at,
                    };
                    self.send(Call::Execute(undo));
                }
                Queued::NextIsLocation => label_only = true,
                Queued::BinDone => {
                    if let Some(location) = at {
                        self.send(Call::Execute(Command::FinishBin { count, location }));
                    }
                    self.labels.remove(&count);
                }
            }
        }
        Ok(Vec::new())
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
            Effect::Call { call, to } => self.call(*call, to),
            Effect::FlushScans {
                count,
                location,
                location_only,
                steps,
            } => self.flush(count, location, location_only, steps),
            Effect::SendWaiting => {
                let mut actions = self.send_waiting()?;
                if let Some(o) = &self.outbox {
                    actions.push(Action::Outbox(o.len()));
                }
                Ok(actions)
            }
            Effect::Poll => Ok(vec![match self.ops.status() {
                Ok(s) => Action::Polled(Ok(s.applied_seq)),
                // The server answered, and said no (the user was removed): its words.
                Err(OpsError::Refused(r)) => Action::AccessRefused(r.message),
                Err(e) => Action::Polled(Err(e.to_string())),
            }]),
        }
    }
}

/// A reply, back to the screen that asked.
fn replied(to: Asker, reply: Reply) -> Action {
    Action::Replied {
        to,
        reply: Box::new(reply),
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
