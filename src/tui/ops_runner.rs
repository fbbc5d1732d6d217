//! The effect runner over the ops service: what the screens ask of the database. The only
//! place the TUI touches ops. Every scan goes through [`Service::record_scan`], which returns
//! only after the scan's journal entry is fsynced, so "counted" is shown only for a durable
//! scan.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::action::{Action, Effect, EffectRunner};
use super::count::RECENT_KEPT;
use super::count::{AnswerKind, CountRow, Figures, RecentScan, ScanAnswer, Why};
use super::lookup::{Found, UnitAct};
use super::mismatch::{Fix, MismatchData, ProductName, Shared};
use super::reports::{ReportKind, ReportRow};
use super::text;
use crate::domain::scan::{decode, ScanConfig};
use crate::domain::{
    Count, CountId, CountScan, CountStatus, Day, Location, PartyId, Product, ProductId,
    ScanVerdict, Unexpected,
};
use crate::ops::reconcile::mismatches;
use crate::ops::{
    scan_words, Answer, Command, OpsError, Outcome, Query, ResolveAction, ScanReport, Service,
};

/// Runs the screens' effects on a [`Service`], as one counter (the actor).
pub struct OpsRunner {
    service: Arc<Service>,
    actor: String,
    utc_times: bool,
}

impl OpsRunner {
    /// A runner acting as the OS user, showing times in local time.
    pub fn new(service: Service) -> OpsRunner {
        OpsRunner::shared(Arc::new(service))
    }

    /// A runner on a service others hold too (tests look into the database with it).
    pub fn shared(service: Arc<Service>) -> OpsRunner {
        OpsRunner {
            service,
            actor: crate::identity::os_user(),
            utc_times: false,
        }
    }

    /// Acts as `actor` (tests, and later the server's peer identity).
    pub fn with_actor(mut self, actor: impl Into<String>) -> OpsRunner {
        self.actor = actor.into();
        self
    }

    /// Shows times of earlier scans in UTC instead of local time (tests and snapshots).
    pub fn with_utc_times(mut self) -> OpsRunner {
        self.utc_times = true;
        self
    }

    /// The service.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// The acting counter.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    fn time(&self, ms: i64) -> Option<NaiveDateTime> {
        let t = chrono::DateTime::from_timestamp_millis(ms)?;
        Some(if self.utc_times {
            t.naive_utc()
        } else {
            t.with_timezone(&chrono::Local).naive_local()
        })
    }

    fn counts(&self) -> Result<Vec<Count>, OpsError> {
        match self.service.query(Query::Counts)? {
            Answer::Counts(c) => Ok(c),
            _ => Err(OpsError::Storage(
                "unexpected answer to a count list".into(),
            )),
        }
    }

    fn count(&self, id: CountId) -> Result<Count, OpsError> {
        self.service
            .store()
            .count(id)?
            .ok_or_else(|| OpsError::Refused(text::no_such_count(id)))
    }

    fn products(&self) -> Result<Vec<Product>, OpsError> {
        match self.service.query(Query::Products)? {
            Answer::Products(p) => Ok(p),
            _ => Err(OpsError::Storage(
                "unexpected answer to a product list".into(),
            )),
        }
    }

    fn party_name(&self, id: PartyId) -> String {
        match self.service.store().party(id) {
            Ok(Some(p)) => p.name,
            _ => format!("party #{}", id.0),
        }
    }

    /// Units in stock in the count's scope that it covers (open counting only: a blind count
    /// shows no expected figures).
    fn expected(&self, c: &Count) -> Result<Option<u32>, OpsError> {
        if c.blind {
            return Ok(None);
        }
        Ok(Some(self.service.expected_in_scope(c)?))
    }

    fn row(&self, c: &Count) -> Result<CountRow, OpsError> {
        Ok(CountRow {
            id: c.id,
            name: c.name.clone(),
            scope: c.scope.location.clone(),
            status: c.status,
            blind: c.blind,
            live: c.live,
            expected: self.expected(c)?,
            counters: c.counters.clone(),
        })
    }

    fn load_counts(&self) -> Result<Vec<Action>, OpsError> {
        let mut rows = Vec::new();
        for c in self.counts()? {
            if matches!(c.status, CountStatus::Open | CountStatus::Review) {
                rows.push(self.row(&c)?);
            }
        }
        rows.sort_by_key(|r| r.id);
        Ok(vec![Action::CountsLoaded(rows)])
    }

    fn join(&self, id: CountId) -> Result<Vec<Action>, OpsError> {
        let c = match self.count(id) {
            Ok(c) => c,
            Err(OpsError::Refused(m)) => return Ok(vec![Action::JoinRefused(m)]),
            Err(e) => return Err(e),
        };
        if c.status != CountStatus::Open {
            return Ok(vec![Action::JoinRefused(text::cannot_join(id, c.status))]);
        }
        let products = self.products()?;
        let skus: HashMap<ProductId, String> =
            products.iter().map(|p| (p.id, p.sku.clone())).collect();
        // This counter's last live scans, newest first (where they were before a reconnect).
        let scans = self
            .service
            .store()
            .last_count_scans_where(id, RECENT_KEPT, |s| s.counter == self.actor && !s.undone)?;
        let recent: Vec<RecentScan> = scans
            .iter()
            .map(|s| RecentScan {
                number: s.number,
                serial: s.serial.to_string(),
                sku: s.product.and_then(|p| skus.get(&p).cloned()),
                location: s.location.clone(),
                kind: kind_of(&s.verdict),
            })
            .collect();
        // A scope of one location needs no location label.
        let locations = match self.service.query(Query::Locations)? {
            Answer::Locations(l) => l,
            _ => {
                return Err(OpsError::Storage(
                    "unexpected answer to a location list".into(),
                ))
            }
        };
        let scope = &c.scope.location;
        let single = !locations
            .iter()
            .any(|l| l.code != *scope && Location::within(&l.code, scope));
        let (location, figures) = if single {
            (Some(scope.clone()), Some(self.service.figures(&c, scope)?))
        } else {
            (None, None)
        };
        Ok(vec![Action::CountJoined {
            count: self.row(&c)?,
            recent,
            location,
            figures,
        }])
    }

    fn input(
        &self,
        id: CountId,
        location: Option<String>,
        raw: String,
        location_only: bool,
    ) -> Result<Vec<Action>, OpsError> {
        let refused = |headline: &str, serial: &str, message: String| {
            vec![Action::ScanAnswered(ScanAnswer {
                kind: AnswerKind::Refused,
                headline: headline.to_string(),
                serial: serial.trim().to_string(),
                sku: None,
                number: None,
                location: location.clone().unwrap_or_default(),
                why: Why::Refused { message },
                figures: None,
            })]
        };
        if let Some(code) = self.service.location_label(&raw)? {
            let c = match self.count(id) {
                Ok(c) => c,
                Err(OpsError::Refused(m)) => return Ok(refused(text::NOT_SAVED, &code, m)),
                Err(e) => return Err(e),
            };
            if !c.scope.covers_location(&code) {
                return Ok(refused(
                    text::WRONG_LOCATION,
                    &code,
                    text::outside_scope(id, &c.scope.location),
                ));
            }
            let figures = self.service.figures(&c, &code)?;
            return Ok(vec![Action::LocationSet { code, figures }]);
        }
        if location_only {
            return Ok(refused(
                text::NOT_A_LOCATION,
                &raw,
                text::LOCATION_EXPECTED.into(),
            ));
        }
        let Some(at) = location.as_deref() else {
            return Ok(refused(
                text::NO_LOCATION,
                &raw,
                text::LOCATION_FIRST.into(),
            ));
        };
        match self.service.record_scan(&self.actor, id, at, &raw) {
            Ok(report) => Ok(vec![Action::ScanAnswered(self.answer(report))]),
            Err(e) if e.exit_code() == 1 => {
                let message = e.to_string();
                let (kind, headline, message) = match message.strip_prefix("bad scan: ") {
                    Some(rest) => (AnswerKind::Bad, text::BAD_SCAN, rest.to_string()),
                    None => (AnswerKind::Refused, text::NOT_SAVED, message),
                };
                let message = without_serial(&message, &raw);
                Ok(vec![Action::ScanAnswered(ScanAnswer {
                    kind,
                    headline: headline.into(),
                    serial: raw.trim().to_string(),
                    sku: None,
                    number: None,
                    location: at.to_string(),
                    why: Why::Refused { message },
                    figures: None,
                })])
            }
            Err(e) => Err(e),
        }
    }

    /// A durable scan's report as the screen shows it.
    fn answer(&self, report: ScanReport) -> ScanAnswer {
        let words = scan_words(&report, &|id| self.party_name(id));
        let scan = &report.scan;
        let why = match &scan.verdict {
            ScanVerdict::Counted => Why::None,
            ScanVerdict::Duplicate { first } => Why::Duplicate {
                first: *first,
                by: report.first.as_ref().map(|f| f.counter.clone()),
                at: report.first.as_ref().map(|f| f.location.clone()),
                when: report.first.as_ref().and_then(|f| self.time(f.at_ms)),
            },
            ScanVerdict::Unexpected(u) => match u {
                Unexpected::Elsewhere { location } => Why::Elsewhere {
                    location: location.clone(),
                },
                Unexpected::Sold { document, customer } => Why::Sold {
                    customer: self.party_name(*customer),
                    document: document.to_string(),
                },
                Unexpected::WrittenOff => Why::WrittenOff,
                Unexpected::InRepair => Why::InRepair,
                Unexpected::Replaced { by } => Why::Replaced { by: by.to_string() },
                Unexpected::OtherProduct { sku } => Why::OtherProduct { sku: sku.clone() },
            },
            ScanVerdict::Unknown => Why::Unknown,
        };
        ScanAnswer {
            kind: kind_of(&scan.verdict),
            headline: words.headline.to_string(),
            serial: scan.serial.to_string(),
            sku: report.sku.clone(),
            number: Some(scan.number),
            location: scan.location.clone(),
            why,
            figures: report.figures,
        }
    }

    fn undo(&self, id: CountId, location: Option<String>) -> Result<Vec<Action>, OpsError> {
        let undone: CountScan = match self
            .service
            .execute(&self.actor, Command::UndoLastScan { count: id })
        {
            Ok(Outcome::ScanUndone(s)) => s,
            Ok(_) => return Err(OpsError::Storage("undo gave no answer".into())),
            Err(e) if e.exit_code() == 1 => {
                return Ok(vec![Action::ScanAnswered(ScanAnswer {
                    kind: AnswerKind::Refused,
                    headline: text::NOT_UNDONE.into(),
                    serial: String::new(),
                    sku: None,
                    number: None,
                    location: location.unwrap_or_default(),
                    why: Why::Refused {
                        message: e.to_string(),
                    },
                    figures: None,
                })])
            }
            Err(e) => return Err(e),
        };
        let figures: Option<Figures> = match &location {
            Some(l) => Some(self.service.figures(&self.count(id)?, l)?),
            None => None,
        };
        let sku = match undone.product {
            Some(p) => self
                .products()?
                .into_iter()
                .find(|x| x.id == p)
                .map(|x| x.sku),
            None => None,
        };
        Ok(vec![Action::ScanAnswered(ScanAnswer {
            kind: AnswerKind::Undone,
            headline: text::UNDONE.into(),
            serial: undone.serial.to_string(),
            sku,
            number: Some(undone.number),
            location: undone.location.clone(),
            why: Why::None,
            figures,
        })])
    }

    fn move_count(&self, id: CountId, status: CountStatus) -> Result<Vec<Action>, OpsError> {
        match self
            .service
            .execute(&self.actor, Command::MoveCount { count: id, status })
        {
            Ok(_) => Ok(vec![Action::CountMoved { count: id, status }]),
            Err(e) if e.exit_code() == 1 => Ok(vec![Action::CountRefused(e.to_string())]),
            Err(e) => Err(e),
        }
    }

    /// One reconciliation, and the names its rows refer to.
    fn load_mismatches(&self, id: CountId) -> Result<Vec<Action>, OpsError> {
        let m = match mismatches(self.service.store(), id) {
            Ok(m) => m,
            Err(OpsError::Refused(msg)) => return Ok(vec![Action::MismatchesRefused(msg)]),
            Err(e) => return Err(e),
        };
        let products = self
            .products()?
            .into_iter()
            .map(|p| {
                (
                    p.id,
                    ProductName {
                        sku: p.sku,
                        name: p.name,
                    },
                )
            })
            .collect();
        let parties = match self.service.query(Query::Parties)? {
            Answer::Parties(parties) => parties.into_iter().map(|p| (p.id, p.name)).collect(),
            _ => HashMap::new(),
        };
        Ok(vec![Action::MismatchesLoaded(Shared::new(MismatchData {
            m,
            products,
            parties,
        }))])
    }

    /// The SKU a typed SKU or a scanned product barcode (GTIN) names.
    fn product_named(&self, raw: &str) -> Result<Option<String>, OpsError> {
        let products = self.products()?;
        let typed = raw.trim();
        if let Some(p) = products.iter().find(|p| p.sku.eq_ignore_ascii_case(typed)) {
            return Ok(Some(p.sku.clone()));
        }
        let gtin = decode(raw, &ScanConfig::default())
            .ok()
            .and_then(|d| d.gtin)
            .or_else(|| {
                let digits = typed.chars().all(|c| c.is_ascii_digit());
                (digits && (8..=14).contains(&typed.len())).then(|| format!("{typed:0>14}"))
            });
        Ok(gtin.and_then(|g| {
            products
                .iter()
                .find(|p| p.gtin.as_deref() == Some(g.as_str()))
                .map(|p| p.sku.clone())
        }))
    }

    fn fix(&self, id: CountId, fix: Fix) -> Result<Vec<Action>, OpsError> {
        let action = match fix {
            Fix::Replace { found, missing } => ResolveAction::Replace { found, missing },
            Fix::Relocate { serial } => ResolveAction::Relocate { serial },
            Fix::ReceiveFound { serial, product } => {
                let sku = match product {
                    Some(p) => match self.product_named(&p)? {
                        Some(sku) => Some(sku),
                        None => return Ok(vec![Action::FixRefused(text::no_product(&p))]),
                    },
                    None => None,
                };
                ResolveAction::ReceiveFound { serial, sku }
            }
            Fix::WriteOff { serial, reason } => ResolveAction::WriteOff { serial, reason },
            Fix::Accept { serial, note } => ResolveAction::Accept { serial, note },
        };
        match self
            .service
            .execute(&self.actor, Command::Resolve { count: id, action })
        {
            Ok(Outcome::Resolved {
                number, resolution, ..
            }) => Ok(vec![Action::FixDone(text::fix_done(
                number,
                resolution.name(),
            ))]),
            Ok(_) => Err(OpsError::Storage("a resolution gave no answer".into())),
            Err(e) => refusal(e),
        }
    }

    fn undo_fix(&self, id: CountId, number: u32) -> Result<Vec<Action>, OpsError> {
        match self
            .service
            .execute(&self.actor, Command::UndoResolution { count: id, number })
        {
            Ok(_) => Ok(vec![Action::FixDone(text::fix_undone(number))]),
            Err(e) => refusal(e),
        }
    }

    /// Posts a count; an open one goes through review in the same entry.
    fn post(&self, id: CountId) -> Result<Vec<Action>, OpsError> {
        let post = Command::MoveCount {
            count: id,
            status: CountStatus::Posted,
        };
        let cmd = if self.count(id)?.status == CountStatus::Open {
            Command::Batch(vec![
                Command::MoveCount {
                    count: id,
                    status: CountStatus::Review,
                },
                post,
            ])
        } else {
            post
        };
        match self.service.execute(&self.actor, cmd) {
            Ok(_) => Ok(vec![Action::CountPosted(id)]),
            Err(e) => refusal(e),
        }
    }

    fn unit_details(
        &self,
        serial: String,
        product: Option<ProductId>,
    ) -> Result<Vec<Action>, OpsError> {
        let units = self.service.lookup(&serial)?;
        let unit = units
            .into_iter()
            .find(|u| product.is_none_or(|p| u.unit.product == p))
            .map(Shared::new);
        Ok(vec![Action::DetailsLoaded { serial, unit }])
    }

    /// Every unit with the serial, each with its warranty at `date`.
    fn lookup(&self, serial: String, date: Day) -> Result<Vec<Action>, OpsError> {
        let mut units = Vec::new();
        for v in self.service.lookup(&serial)? {
            let warranty = self.service.warranty_of(&v.unit, date)?;
            units.push(Found {
                unit: Shared::new(v),
                warranty,
            });
        }
        Ok(vec![Action::LookedUp { serial, units }])
    }

    /// A warranty or repair action on a unit: the service's words, or its refusal.
    fn act(&self, act: UnitAct) -> Result<Vec<Action>, OpsError> {
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
        match self.service.execute(&self.actor, command) {
            Ok(Outcome::Noted(words)) => Ok(vec![Action::Acted(words)]),
            Ok(_) => Err(OpsError::Storage("a warranty action gave no answer".into())),
            Err(e) => Ok(vec![Action::ActRefused(refusal_words(e)?)]),
        }
    }

    /// A warranty report's rows at `date`.
    fn report(&self, kind: ReportKind, date: Day) -> Result<Vec<Action>, OpsError> {
        let customer = match &kind {
            ReportKind::Customer { name } => {
                match self.service.store().party_by_name(name.trim())? {
                    Some(p) => Some(p.id),
                    None => return Ok(vec![Action::ReportRefused(text::no_customer(name))]),
                }
            }
            ReportKind::Expiring { .. } | ReportKind::Tracking => None,
        };
        let rows = self
            .service
            .warranty_report(date, kind.days(), customer)?
            .into_iter()
            .map(|(unit, product, view)| ReportRow {
                serial: unit.serial.to_string(),
                sku: product.sku,
                days_left: view.days_left,
                status: view.status,
                end: view.current.as_ref().map(|c| c.end),
            })
            .collect();
        Ok(vec![Action::ReportLoaded { kind, date, rows }])
    }

    fn try_run(&mut self, effect: Effect) -> Result<Vec<Action>, OpsError> {
        match effect {
            Effect::ProbeService => {
                let status = match self.service.store().meta() {
                    Ok(meta) => format!(
                        "{} (journal entry {})",
                        self.service.dir().display(),
                        meta.applied_seq
                    ),
                    Err(e) => format!("{}: {e}", self.service.dir().display()),
                };
                Ok(vec![Action::ServiceStatus(status)])
            }
            Effect::Bell | Effect::Quit | Effect::Redraw => Ok(Vec::new()),
            Effect::LoadCounts => self.load_counts(),
            Effect::JoinCount { count } => self.join(count),
            Effect::CountInput {
                count,
                location,
                raw,
                location_only,
            } => self.input(count, location, raw, location_only),
            Effect::UndoScan { count, location } => self.undo(count, location),
            Effect::MoveCount { count, status } => self.move_count(count, status),
            Effect::LoadMismatches { count } => self.load_mismatches(count),
            Effect::Fix { count, fix } => self.fix(count, fix),
            Effect::UndoFix { count, number } => self.undo_fix(count, number),
            Effect::PostCount { count } => self.post(count),
            Effect::UnitDetails { serial, product } => self.unit_details(serial, product),
            Effect::Lookup { serial, date } => self.lookup(serial, date),
            Effect::Act(act) => self.act(act),
            Effect::LoadReport { kind, date } => self.report(kind, date),
        }
    }
}

/// A refusal of the service as the screens show it (a sticky error); other failures pass on.
fn refusal(e: OpsError) -> Result<Vec<Action>, OpsError> {
    Ok(vec![Action::FixRefused(refusal_words(e)?)])
}

/// The words of a refusal of the service; other failures pass on.
fn refusal_words(e: OpsError) -> Result<String, OpsError> {
    match e {
        OpsError::Refused(m) => Ok(m),
        OpsError::Rejected(r) => Ok(r
            .into_iter()
            .map(|r| r.message)
            .collect::<Vec<_>>()
            .join("; ")),
        e => Err(e),
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
        self.try_run(effect)
            .unwrap_or_else(|e| vec![Action::Failed(e.to_string())])
    }
}
