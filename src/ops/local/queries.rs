//! The service's answers to queries: each gathers everything a front end shows for one
//! intent (names resolved, figures computed), so a front end never asks twice.

use std::collections::BTreeMap;

use super::reconcile::mismatches;
use super::types::*;
use super::{warranty, OpsError, Service};
use crate::domain::{CountId, CountScan, CountStatus, Location, ProductId};

/// How many of a counter's own scans a join brings back.
pub const RECENT_SCANS: u32 = 8;

impl Service {
    /// Answers a query as `actor` (joins are per counter).
    pub fn query_as(&self, actor: &str, q: Query) -> Result<Answer, OpsError> {
        let s = &self.store;
        Ok(match q {
            Query::Products => Answer::Products(s.products()?),
            Query::Locations => Answer::Locations(s.locations()?),
            Query::Parties => Answer::Parties(s.parties()?),
            Query::Lookup { serial, date } => {
                Answer::Units(self.lookup_at(&serial, date.unwrap_or_else(|| self.today()))?)
            }
            Query::SerialScans { serial } => Answer::Scans(self.serial_scans(&serial)?),
            Query::Find { serial, date } => {
                let units = self.lookup_at(&serial, date.unwrap_or_else(|| self.today()))?;
                let scans = match units.is_empty() {
                    true => self.serial_scans(&serial)?,
                    false => Vec::new(),
                };
                Answer::Found { units, scans }
            }
            Query::Stock { location, sku } => {
                Answer::Stock(self.stock(location.as_deref(), sku.as_deref())?)
            }
            Query::Counts { expected } => {
                let mut views = Vec::new();
                for count in s.counts()? {
                    views.push(match expected {
                        true => self.count_view(count, 0)?,
                        false => CountView {
                            count,
                            expected: None,
                            last_scans: Vec::new(),
                        },
                    });
                }
                Answer::Counts(views)
            }
            Query::CountScans { count } => {
                let scans = s.count_scans(count)?;
                Answer::Scans(self.scan_lines(scans)?)
            }
            Query::CountQuantities { count } => {
                self.count_or_refuse(count)?;
                let skus = self.skus()?;
                Answer::Quantities(
                    s.counted_qty(count)?
                        .into_iter()
                        .map(|q| QtyLine {
                            sku: skus
                                .get(&q.product)
                                .cloned()
                                .unwrap_or_else(|| format!("product #{}", q.product.0)),
                            location: q.location,
                            qty: q.qty,
                        })
                        .collect(),
                )
            }
            Query::Document { number } => Answer::Document(s.document(number.trim())?.map(|d| {
                Box::new(DocumentView {
                    document: d.document,
                    seq: d.seq,
                    at_ms: d.at_ms,
                    actor: d.actor,
                    corrected_by: d.corrected_by,
                })
            })),
            Query::Status => Answer::Status(StatusView {
                dir: self.dir().display().to_string(),
                applied_seq: s.meta()?.applied_seq,
                today: self.today(),
            }),
            Query::Count { count, last } => {
                let c = self.count_or_refuse(count)?;
                Answer::Count(self.count_view(c, last)?)
            }
            Query::Join { count } => Answer::Joined(self.join(actor, count)?),
            Query::Users => Answer::Users(s.users()?),
            // Opened in this process, the acting OS user can do anything with the files
            // anyway: an admin. A server answers this itself, from its user list.
            Query::Me => Answer::Me {
                user: actor.to_string(),
                role: crate::domain::Role::Admin,
            },
            Query::Figures { count, location } => {
                let c = self.count_or_refuse(count)?;
                Answer::Figures(self.live_figures(&c, &location)?)
            }
            Query::JournalEnd => Answer::JournalEnd {
                path: self.dir().join(super::JOURNAL_FILE).display().to_string(),
                end: self.sync_all_written()?,
            },
            Query::Mismatches { count } => Answer::Mismatches(Box::new(self.mismatch_view(count)?)),
            Query::Warranties {
                date,
                days,
                customer,
            } => Answer::Warranties(self.warranties(date, days, customer.as_deref())?),
            Query::Card { sale } => Answer::Card(self.card(&sale)?),
            Query::JournalBytes { from, upto } => {
                Answer::JournalBytes(self.journal_bytes(from, upto)?)
            }
        })
    }

    fn skus(&self) -> Result<BTreeMap<ProductId, String>, OpsError> {
        Ok(self
            .store
            .products()?
            .into_iter()
            .map(|p| (p.id, p.sku))
            .collect())
    }

    /// The live scans of a serial (read as a scan: GS1 (21), IMEI or text; as typed and
    /// upper-cased) in every count, oldest count first.
    fn serial_scans(&self, raw: &str) -> Result<Vec<ScanLine>, OpsError> {
        let decoded = crate::domain::scan::decode(raw, &self.scan)
            .map_err(|e| OpsError::refused(super::RefusalKind::BadScan, e.to_string()))?;
        let Some(key) = decoded.key() else {
            return Ok(Vec::new());
        };
        let mut keys = Vec::new();
        for fold in [true, false] {
            if let Ok(k) = crate::domain::SerialKey::normalize(key, fold) {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        let mut scans = Vec::new();
        for count in self.store.counts()? {
            for k in &keys {
                if let Some(n) = self.store.count_serial(count.id, k)? {
                    scans.extend(self.store.count_scan(count.id, n)?);
                }
            }
        }
        self.scan_lines(scans)
    }

    fn scan_lines(&self, scans: Vec<CountScan>) -> Result<Vec<ScanLine>, OpsError> {
        let skus = self.skus()?;
        Ok(scans
            .into_iter()
            .map(|scan| ScanLine {
                sku: scan.product.and_then(|p| skus.get(&p).cloned()),
                scan,
            })
            .collect())
    }

    /// A count with its expected figure (open counting, open or in review) and last scans.
    fn count_view(&self, count: crate::domain::Count, last: u32) -> Result<CountView, OpsError> {
        let expected = if !count.blind && count.status.is_active() {
            Some(self.expected_in_scope(&count)?)
        } else {
            None
        };
        let last_scans = if last > 0 {
            self.scan_lines(self.store.last_count_scans(count.id, last as usize)?)?
        } else {
            Vec::new()
        };
        Ok(CountView {
            count,
            expected,
            last_scans,
        })
    }

    fn join(&self, actor: &str, id: CountId) -> Result<JoinView, OpsError> {
        let c = self.count_or_refuse(id)?;
        if c.status != CountStatus::Open {
            return Err(OpsError::refused(
                RefusalKind::Conflict,
                format!("Count {id} is {}: it takes no scans", c.status.describe()),
            ));
        }
        let own = self
            .store
            .last_count_scans_where(id, RECENT_SCANS as usize, |s| {
                s.counter == actor && !s.undone
            })?;
        let last_at = own.first().map(|s| s.location.clone());
        let recent = self.scan_lines(own)?;
        // A scope of one location needs no location label.
        let scope = &c.scope.location;
        let single = !self
            .store
            .locations()?
            .iter()
            .any(|l| l.code != *scope && Location::within(&l.code, scope));
        // Else a counter who comes back is where their last scan in this count was (if that
        // place is still in the count's scope); a newcomer scans a location label first.
        let back_at = last_at.filter(|at| Location::within(at, scope));
        let at = if single { Some(scope.clone()) } else { back_at };
        let figures = match &at {
            Some(at) => Some(self.figures(&c, at)?),
            None => None,
        };
        let location = at;
        Ok(JoinView {
            count: self.count_view(c, 0)?,
            recent,
            location,
            figures,
        })
    }

    fn mismatch_view(&self, id: CountId) -> Result<MismatchView, OpsError> {
        let m = mismatches(&self.store, id)?;
        let qty = super::reconcile::qty_mismatches(&self.store, &m.count)?;
        let products = self
            .store
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
        let parties = self
            .store
            .parties()?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        Ok(MismatchView {
            mismatches: m,
            products,
            parties,
            counted_bins: self
                .store
                .counted_bins(id)?
                .into_iter()
                .map(|b| b.location)
                .collect(),
            posted_bins_only: self.store.posted_bins_only(id)?,
            posted_anchor: self
                .store
                .posted_entry(id)?
                .map(|(seq, hash)| crate::journal::anchor_words(seq, &hash)),
            qty,
        })
    }

    fn warranties(
        &self,
        date: Option<crate::domain::Day>,
        days: Option<u32>,
        customer: Option<&str>,
    ) -> Result<Vec<WarrantyRow>, OpsError> {
        let date = date.unwrap_or_else(|| self.today());
        let customer = match customer {
            Some(name) => Some(
                self.store
                    .party_by_name(name.trim())?
                    .ok_or_else(|| {
                        OpsError::refused(
                            RefusalKind::Unknown,
                            format!("expected a known customer, found \"{}\"", name.trim()),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        self.warranty_report(date, days.unwrap_or(u32::MAX), customer)
    }

    fn card(&self, number: &str) -> Result<CardView, OpsError> {
        let stored = self.store.document(number.trim())?.ok_or_else(|| {
            OpsError::refused(
                RefusalKind::Unknown,
                format!(
                    "expected a sale document number, found \"{}\"",
                    number.trim()
                ),
            )
        })?;
        let doc = stored.document;
        let customer = match doc.party {
            Some(p) => self.store.party(p)?,
            None => None,
        };
        let today = self.today();
        let generic = warranty::generics(&self.store)?;
        let mut lines = Vec::new();
        for line in &doc.lines {
            let Some(serial) = &line.serial else { continue };
            let Some(product) = self.store.product(line.product)? else {
                continue;
            };
            let warranty = self
                .store
                .unit(line.product, serial)?
                .map(|u| warranty::view(&u, &product, &generic, today, &self.warranty));
            lines.push(CardLine {
                product,
                serial: serial.clone(),
                warranty,
            });
        }
        Ok(CardView {
            document: doc,
            customer,
            lines,
        })
    }
}
