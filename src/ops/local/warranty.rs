//! Warranty in the service: a unit's coverages and status at a date, activation, extended
//! agreements, repairs, replacements (RMA), generic warranties, and the warranty reports.

use super::draft::{invalid, refuse, DResult, Draft, DraftError};
use super::types::{Outcome, WarrantyRow};
use super::types::{Refusal, RefusalKind};
use super::{OpsError, Service};
use crate::domain::warranty::{
    self, agreement_number, coverage_start, inherit, resolve_end, status_at, warranty_type_at,
    Agreement, AgreementEvent, AgreementEventCode, AgreementNumbering, AgreementStatus, Coverage,
    CoverageKind, GenericWarranty, Repair, Replacement, ReplacementPolicy, StartBasis,
};
use crate::domain::{Day, Event, Period, Product, SerialKey, Unit, UnitState};
use crate::ops::api::{WarrantySettings, WarrantyView};
use crate::store::Store;

/// The manufacturer warranty of a unit, derived from its product: from activation, else the
/// sale (or the receipt, for supplier warranty), for the product's period.
pub fn manufacturer(unit: &Unit, product: &Product, max_days: u32) -> Option<Coverage> {
    let period = product.warranty?;
    let sale = unit.sale.as_ref().map(|s| s.date);
    let start = coverage_start(
        unit.activation,
        sale,
        unit.received_on,
        product.warranty_basis,
    )?;
    let (end, end_source) = resolve_end(None, None, Some(period), max_days, start);
    Some(Coverage {
        kind: CoverageKind::Manufacturer,
        product: unit.product,
        serial: unit.serial.clone(),
        agreement: None,
        start,
        end,
        end_source,
        inherited_from: None,
    })
}

/// All coverages of a unit: the derived manufacturer one (unless a replacement took its place)
/// and the recorded ones.
pub fn coverages(unit: &Unit, product: &Product, max_days: u32) -> Vec<Coverage> {
    // A replaced unit handed its coverage on; a renamed one never existed under this serial.
    if matches!(
        unit.state,
        UnitState::Replaced { .. } | UnitState::Renamed { .. }
    ) {
        return Vec::new();
    }
    let inherited = unit
        .coverages
        .iter()
        .any(|c| c.kind == CoverageKind::Replacement);
    let mut out = Vec::new();
    if !inherited {
        out.extend(manufacturer(unit, product, max_days));
    }
    out.extend(unit.coverages.iter().cloned());
    out
}

pub fn generics(store: &Store) -> Result<Vec<GenericWarranty>, OpsError> {
    let mut out = Vec::new();
    for v in store.scan_raw(&[crate::store::keys::GENERIC])? {
        out.push(
            crate::store::records::GenericRecord::decode(&v)
                .map_err(crate::store::StoreError::from)?,
        );
    }
    Ok(out)
}

pub fn view(
    unit: &Unit,
    product: &Product,
    generic: &[GenericWarranty],
    date: Day,
    settings: &WarrantySettings,
) -> WarrantyView {
    let coverages = coverages(unit, product, settings.max_days);
    let (status, days_left, current) = status_at(&coverages, date, settings.soon_days);
    let current = current.cloned();
    let kind = warranty_type_at(date, &coverages, generic, &product.category, None);
    WarrantyView {
        date,
        coverages,
        status,
        days_left,
        current,
        kind,
    }
}

impl Service {
    pub fn warranty_settings(&self) -> &WarrantySettings {
        &self.warranty
    }

    /// The warranty of every unit with this serial, on `date`.
    pub fn warranty_of(&self, unit: &Unit, date: Day) -> Result<WarrantyView, OpsError> {
        let product = self.store().product(unit.product)?.ok_or_else(|| {
            OpsError::Storage(format!(
                "product {} of \"{}\" is missing",
                unit.product.0, unit.serial
            ))
        })?;
        Ok(view(
            unit,
            &product,
            &generics(self.store())?,
            date,
            &self.warranty,
        ))
    }

    /// Every sold unit whose warranty ends within `days` of `date` (still covered today),
    /// soonest first; also used for the tracking report with `days` = u32::MAX (every sold
    /// unit) and for a customer's units (all of theirs). The expiring and customer reports
    /// read only the units the warranty indexes name (see `store::index`), split between two
    /// threads when there are many (reading and judging each unit is nearly all of a
    /// report's time). Each customer's name is read once: a report names a few customers
    /// many times.
    pub fn warranty_report(
        &self,
        date: Day,
        days: u32,
        customer: Option<crate::domain::PartyId>,
    ) -> Result<Vec<WarrantyRow>, OpsError> {
        let store = self.store();
        let products: std::collections::HashMap<_, _> =
            store.products()?.into_iter().map(|p| (p.id, p)).collect();
        let report = Report {
            service: self,
            products,
            generic: generics(store)?,
            date,
            days,
            customer,
        };
        // The units the indexes name (`None`: every unit is read).
        let named = match customer {
            Some(c) => Some(store.sold_to(c)?),
            None if days == u32::MAX => None,
            None => Some(expiring_candidates(
                store,
                report.products.values(),
                date,
                days,
            )?),
        };
        let out = match named {
            Some(named) if named.len() >= self.report_threads_from => {
                let (first, second) = named.split_at(named.len() / 2);
                std::thread::scope(|s| {
                    let first = s.spawn(|| report.rows_of(first));
                    let second = report.rows_of(second);
                    let mut rows = first
                        .join()
                        .map_err(|_| OpsError::Storage("a report's reader failed".into()))??;
                    rows.extend(second?);
                    Ok::<_, OpsError>(rows)
                })?
            }
            Some(named) => report.rows_of(&named)?,
            None => {
                let mut names = self.party_names();
                let mut out = Vec::new();
                let mut failed = None;
                store.for_each_unit(|stored| {
                    if failed.is_none() {
                        match report.row(stored.unit, &mut names) {
                            Ok(Some(row)) => out.push(row),
                            Ok(None) => {}
                            Err(e) => failed = Some(e),
                        }
                    }
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
                out
            }
        };
        // By days left, then serial, as a stable sort would put them. The rows are large, so
        // their places are sorted, by keys borrowed from the rows, and each row moved once
        // (perf: moving rows in the sort was a fifth of the 30-day report on the
        // 1,000,000-unit store).
        let mut order: Vec<usize> = (0..out.len()).collect();
        let key = |i: usize| {
            let row = &out[i];
            (row.warranty.days_left.unwrap_or(i64::MAX), &row.unit.serial)
        };
        order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
        let mut rows: Vec<Option<WarrantyRow>> = out.into_iter().map(Some).collect();
        let mut sorted = Vec::with_capacity(rows.len());
        sorted.extend(
            order
                .into_iter()
                .filter_map(|i| rows.get_mut(i).and_then(Option::take)),
        );
        Ok(sorted)
    }
}

/// A report reads its units on two threads from this many on (the 30-day report on the
/// 1,000,000-unit store names about 16,000; a small site's report stays on one).
pub(super) const REPORT_THREADS_FROM: usize = 4_096;

/// What a warranty report judges each unit by (see [`Service::warranty_report`]).
struct Report<'a> {
    service: &'a Service,
    products: std::collections::HashMap<crate::domain::ProductId, Product>,
    generic: Vec<GenericWarranty>,
    date: Day,
    days: u32,
    customer: Option<crate::domain::PartyId>,
}

impl Report<'_> {
    /// The rows of the named units, in the order named.
    fn rows_of(
        &self,
        named: &[(crate::domain::ProductId, SerialKey)],
    ) -> Result<Vec<WarrantyRow>, OpsError> {
        let store = self.service.store();
        let mut names = self.service.party_names();
        let mut out = Vec::with_capacity(named.len());
        for (product, serial) in named {
            if let Some(unit) = store.unit(*product, serial)? {
                out.extend(self.row(unit, &mut names)?);
            }
        }
        Ok(out)
    }

    /// The unit's row, if the report shows it: sold (to the customer asked for), with a
    /// warranty, and ending within the days asked for (any, for the tracking and customer
    /// reports).
    fn row(
        &self,
        unit: Unit,
        names: &mut super::PartyNames<'_>,
    ) -> Result<Option<WarrantyRow>, OpsError> {
        let UnitState::Sold { customer: c, .. } = &unit.state else {
            return Ok(None);
        };
        let c = *c;
        if self.customer.is_some_and(|want| want != c) {
            return Ok(None);
        }
        let Some(product) = self.products.get(&unit.product) else {
            return Ok(None);
        };
        if product.warranty.is_none() && unit.coverages.is_empty() {
            return Ok(None);
        }
        let v = view(
            &unit,
            product,
            &self.generic,
            self.date,
            &self.service.warranty,
        );
        let within = v
            .days_left
            .is_some_and(|d| d >= 0 && (d as u64) <= u64::from(self.days));
        if !(within || self.days == u32::MAX || self.customer.is_some()) {
            return Ok(None);
        }
        Ok(Some(WarrantyRow {
            unit,
            product: product.clone(),
            customer: names.name(c)?,
            warranty: v,
        }))
    }
}

/// The sold units whose current coverage may end from `date` to `days` later: those whose
/// manufacturer coverage starts where such an end comes from (by each product's period and
/// start basis), and those with a recorded coverage ending then. Each once, in the order of
/// their unit keys (serial, then product), so the units are read in key order.
fn expiring_candidates<'a>(
    store: &Store,
    products: impl Iterator<Item = &'a Product>,
    date: Day,
    days: u32,
) -> Result<Vec<(crate::domain::ProductId, SerialKey)>, OpsError> {
    use crate::store::keys::{START_ACTIVATION, START_RECEIPT, START_SALE};
    let last = warranty::add_days(date, days);
    let mut named = Vec::new();
    for product in products {
        let Some(period) = product.warranty else {
            continue;
        };
        let Some((first_start, last_start)) = warranty::starts_ending_within(period, date, last)
        else {
            continue;
        };
        let basis = match product.warranty_basis {
            StartBasis::Sale => START_SALE,
            StartBasis::Receipt => START_RECEIPT,
        };
        for basis in [START_ACTIVATION, basis] {
            named.extend(store.warranty_starts(product.id, basis, first_start, last_start)?);
        }
    }
    named.extend(store.coverage_ends(date, last)?);
    named.sort_unstable_by(|(p1, s1): &(_, SerialKey), (p2, s2)| (s1, p1).cmp(&(s2, p2)));
    named.dedup();
    Ok(named)
}

impl Draft<'_> {
    /// The one unit a typed serial names (refused when unknown or ambiguous).
    fn the_unit(&mut self, raw: &str) -> DResult<(Unit, Product)> {
        let units = self.units_named(raw)?;
        match units.len() {
            0 => refuse(
                RefusalKind::Unknown,
                format!(
                    "SN \"{}\" is unknown: never received, sold or counted here",
                    raw.trim()
                ),
            ),
            1 => {
                let u = units.into_iter().next().ok_or_else(|| {
                    DraftError::Refused(Refusal::new(RefusalKind::Unknown, "no unit"))
                })?;
                let p = self.product_by_id(u.product)?.ok_or_else(|| {
                    DraftError::Refused(Refusal::new(
                        RefusalKind::Unknown,
                        format!("the product of \"{}\" is missing", u.serial),
                    ))
                })?;
                Ok((u, p))
            }
            _ => refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" belongs to several products: scan the product label with it",
                    raw.trim()
                ),
            ),
        }
    }

    pub(super) fn warranty_terms(
        &mut self,
        sku: &str,
        basis: StartBasis,
        policy: ReplacementPolicy,
    ) -> DResult<Outcome> {
        let p = self.product_by_sku(sku)?;
        self.events.push(Event::ProductWarrantyTerms {
            product: p.id,
            basis,
            policy,
        });
        Ok(Outcome::Noted(format!(
            "product {}: warranty counts from the {}, replacements get the {} term",
            p.sku,
            basis.as_str(),
            policy.as_str()
        )))
    }

    pub(super) fn activate(&mut self, raw: &str, date: Option<Day>) -> DResult<Outcome> {
        let (u, _) = self.the_unit(raw)?;
        let date = date.unwrap_or(self.today);
        let Some(sale) = &u.sale else {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" was never sold: there is no warranty to activate",
                    u.serial
                ),
            );
        };
        if date < sale.date {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "activation {date} is before the sale on {}: expected a date on or after it",
                    sale.date
                ),
            );
        }
        self.events.push(Event::WarrantyActivated {
            product: u.product,
            serial: u.serial.clone(),
            date,
        });
        Ok(Outcome::Noted(format!(
            "SN \"{}\": warranty activated on {date}",
            u.serial
        )))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn extend(
        &mut self,
        raw: &str,
        duration: Option<Period>,
        until: Option<Day>,
        start: Option<Day>,
        tag: Option<String>,
        invoice: Option<String>,
        order: Option<String>,
        settings: &WarrantySettings,
    ) -> DResult<Outcome> {
        let (u, p) = self.the_unit(raw)?;
        let start = start.unwrap_or(self.today);
        if let Some(end) = until {
            warranty::check_entered_end(start, end).map_err(invalid)?;
        }
        let (end, end_source) = resolve_end(until, duration, p.warranty, settings.max_days, start);
        let series = match &settings.numbering {
            AgreementNumbering::Sequence { branch } => branch.clone(),
            _ => "AG".to_string(),
        };
        let next = {
            let n = self.counters.entry(series).or_insert(0);
            *n += 1;
            *n
        };
        let number = agreement_number(
            &settings.numbering,
            &u.serial,
            invoice.as_deref(),
            1,
            next,
            order.as_deref(),
            1,
        )
        .map_err(invalid)?;
        if self.store.agreement(&number)?.is_some() {
            return refuse(
                RefusalKind::Conflict,
                format!("agreement \"{number}\" exists already"),
            );
        }
        let coverage = Coverage {
            kind: CoverageKind::Extended,
            product: u.product,
            serial: u.serial.clone(),
            agreement: Some(number.clone()),
            start,
            end,
            end_source,
            inherited_from: None,
        };
        let agreement = Agreement {
            number: number.clone(),
            serial: u.serial.clone(),
            status: AgreementStatus::InService,
            tag,
            activation: u.activation,
            coverage,
            events: Vec::new(),
        };
        self.events.push(Event::AgreementAdded(agreement));
        Ok(Outcome::Noted(format!(
            "SN \"{}\": agreement {number} covers {start} to {end} ({})",
            u.serial,
            end_source.label()
        )))
    }

    pub(super) fn agreement_event(
        &mut self,
        number: &str,
        code: AgreementEventCode,
        note: &str,
    ) -> DResult<Outcome> {
        if self.store.agreement(number.trim())?.is_none() {
            return refuse(
                RefusalKind::Unknown,
                format!(
                    "expected an agreement number, found \"{}\": no such agreement",
                    number.trim()
                ),
            );
        }
        let event = AgreementEvent {
            code,
            date: self.today,
            note: note.trim().to_string(),
        };
        self.events.push(Event::AgreementEventRecorded {
            number: number.trim().to_string(),
            event,
        });
        Ok(Outcome::Noted(format!(
            "agreement {}: {} recorded",
            number.trim(),
            code.label()
        )))
    }

    pub(super) fn repair_intake(
        &mut self,
        raw: &str,
        service_type: Option<String>,
        note: &str,
        settings: &WarrantySettings,
    ) -> DResult<Outcome> {
        let (u, p) = self.the_unit(raw)?;
        if u.state == UnitState::InRepair {
            return refuse(
                RefusalKind::Conflict,
                format!("SN \"{}\" is in repair already", u.serial),
            );
        }
        if matches!(
            u.state,
            UnitState::Replaced { .. } | UnitState::Renamed { .. } | UnitState::WrittenOff
        ) {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" is {}: it cannot be taken in for repair",
                    u.serial,
                    u.state.name()
                ),
            );
        }
        let generic = generics(self.store).map_err(DraftError::from)?;
        let covs = coverages(&u, &p, settings.max_days);
        let kind = warranty_type_at(
            self.today,
            &covs,
            &generic,
            &p.category,
            service_type.as_deref(),
        );
        let number = {
            let key = format!("RP-{}", self.today.year());
            let n = self.counters.entry(key).or_insert(0);
            *n += 1;
            format!("RP-{}-{:04}", self.today.year(), *n)
        };
        let repair = Repair {
            number: number.clone(),
            product: u.product,
            serial: u.serial.clone(),
            intake: self.today,
            warranty_type: kind.label().to_string(),
            service_type,
            note: note.trim().to_string(),
            before: u.state.clone(),
            closed: None,
        };
        self.events.push(Event::RepairOpened(repair));
        Ok(Outcome::Noted(format!(
            "SN \"{}\": repair {number} opened; warranty on intake: {}",
            u.serial,
            kind.describe()
        )))
    }

    pub(super) fn repair_close(
        &mut self,
        raw: &str,
        to: Option<String>,
        note: &str,
    ) -> DResult<Outcome> {
        let (u, _) = self.the_unit(raw)?;
        if u.state != UnitState::InRepair {
            return refuse(
                RefusalKind::Conflict,
                format!("SN \"{}\" is {}, not in repair", u.serial, u.state.name()),
            );
        }
        let Some(repair) = self.store.open_repair(&u.serial)? else {
            return refuse(
                RefusalKind::Conflict,
                format!("SN \"{}\" has no open repair", u.serial),
            );
        };
        let to = match to {
            Some(t) => Some(self.location_code(&t, "return")?),
            None => None,
        };
        self.events.push(Event::RepairClosed {
            number: repair.number.clone(),
            to,
            note: note.trim().to_string(),
            date: self.today,
        });
        Ok(Outcome::Noted(format!(
            "SN \"{}\": repair {} closed",
            u.serial, repair.number
        )))
    }

    pub(super) fn warranty_replace(
        &mut self,
        old: &str,
        new: &str,
        policy: Option<ReplacementPolicy>,
        note: &str,
        settings: &WarrantySettings,
    ) -> DResult<Outcome> {
        let (o, p) = self.the_unit(old)?;
        let customer_owned = matches!(o.state, UnitState::Sold { .. })
            || (o.state == UnitState::InRepair && o.sale.as_ref().is_some_and(|s| !s.returned));
        if !customer_owned {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" is {}: a warranty replacement needs a unit sold to a customer",
                    o.serial,
                    o.state.name()
                ),
            );
        }
        let units = self.units_named(new)?;
        let Some(n) = units.into_iter().find(|u| u.product == o.product) else {
            return refuse(
                RefusalKind::Unknown,
                format!(
                    "SN \"{}\" is no unit of product {} we have: receive the replacement unit first",
                    new.trim(),
                    p.sku
                ),
            );
        };
        if !matches!(n.state, UnitState::InStock { .. }) {
            return refuse(
                RefusalKind::Conflict,
                format!(
                    "SN \"{}\" is {}, not in stock: it cannot be handed out",
                    n.serial,
                    n.state.name()
                ),
            );
        }
        let policy = policy.unwrap_or(p.replacement_policy);
        let day = self.today;
        let inherited: Vec<Coverage> = coverages(&o, &p, settings.max_days)
            .iter()
            .filter(|c| c.end >= day)
            .map(|c| inherit(c, &n.serial, policy, day, p.warranty, settings.max_days))
            .collect();
        let ends = inherited
            .iter()
            .map(|c| c.end.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        self.events.push(Event::UnitReplaced(Replacement {
            product: o.product,
            old: o.serial.clone(),
            new: n.serial.clone(),
            day,
            policy,
            coverages: inherited,
            note: note.trim().to_string(),
        }));
        Ok(Outcome::Noted(format!(
            "SN \"{}\" replaced by \"{}\" ({} term{})",
            o.serial,
            n.serial,
            policy.as_str(),
            if ends.is_empty() {
                ", no coverage left to inherit".to_string()
            } else {
                format!(", covered to {ends}")
            }
        )))
    }

    pub(super) fn add_generic(&mut self, g: GenericWarranty) -> DResult<Outcome> {
        g.check().map_err(invalid)?;
        let id = self.next_generic;
        self.next_generic += 1;
        self.events
            .push(Event::GenericWarrantyAdded { id, generic: g });
        Ok(Outcome::Noted(format!("generic warranty {id} added")))
    }
}

/// Parses a serial key for lookups in reports (upper-cased).
pub fn key(raw: &str) -> Option<SerialKey> {
    SerialKey::normalize(raw, true).ok()
}
