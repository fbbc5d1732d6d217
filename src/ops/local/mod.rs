//! The house: the service behind the protocol. A command is validated against the state
//! under the one writer lock, its entry written to the journal and applied to the store; it
//! is acknowledged only once an fsync covers its entry (one fsync per group of commands that
//! arrived together: see `commit`). Front ends never name this module: they speak the
//! protocol of `ops::api` through a door ([`Local`] here, `ops::Remote` over the socket).

mod authorize;
mod commit;
mod count;
mod door;
mod draft;
mod errors;
pub mod maintenance;
pub mod opening;
mod parts;
pub use parts::PART_LINES;
mod queries;
pub mod reconcile;
mod resolve;
mod users;
pub mod warranty;

pub use door::{ActAs, Local, Offline};

#[allow(unused_imports)]
use super::api::*;
use crate::domain::scan::ScanConfig;
use crate::domain::{Day, Party, PartyId};
use crate::journal::Journal;
use crate::store::Store;
use draft::{Draft, DraftContext};

pub use count::is_location_label;
pub use draft::DEFAULT_RECEIVING;
pub use opening::ReadOnly;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

pub(crate) struct Writer {
    /// `None` when the database is read-only.
    pub(crate) journal: Option<Journal>,
    /// Set when an entry was journaled but could not be applied: the store lags the journal
    /// until the next open replays it.
    poisoned: Option<String>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("dir", &self.dir).finish()
    }
}

pub struct Service {
    dir: PathBuf,
    /// The store, replaced whole by a rebuild, salvage or restore through a server: a
    /// request holds the one it took until it is answered (see [`Service::store`]).
    store: RwLock<Arc<Store>>,
    pub(crate) writer: Mutex<Writer>,
    /// What is known to be on the disk: taken after the writer lock, never before it.
    durable: Mutex<Durable>,
    /// The end of the last entry written (durable or not).
    written_end: std::sync::atomic::AtomicU64,
    /// Commands the server hands over together share one fsync ([`Service::execute_group`]).
    group_commit: bool,
    /// A batch of more lines than this is written in parts (see `parts`).
    part_lines: usize,
    /// A warranty report reads its units on two threads from this many on.
    report_threads_from: usize,
    /// Called after each part is written and applied (tests stop a process there).
    #[cfg(feature = "testing")]
    after_part: Option<Box<dyn Fn(usize) + Send + Sync>>,
    clock: Box<dyn Clock>,
    scan: ScanConfig,
    warranty: WarrantySettings,
    /// Set when the journal is damaged: every change is refused (until a salvage or a
    /// restore through the server replaces the journal).
    read_only: RwLock<Option<ReadOnly>>,
    /// The database's lock, released last.
    _lock: opening::DbLock,
}

/// The journal's durable end and the handle that moves it.
struct Durable {
    file: std::fs::File,
    end: u64,
    /// How many syncs made entries durable since the database was opened.
    syncs: u64,
    /// Set when an fsync failed: what was written since may not be on the disk, so nothing
    /// more is acknowledged until a restart replays the journal as it is.
    failed: Option<String>,
}

/// Writes the owner file: `pid N, user U, since T[, serving SOCKET]`.
fn write_owner(dir: &Path, socket: Option<&Path>) {
    let serving = socket
        .map(|s| format!(", serving {}", s.display()))
        .unwrap_or_default();
    let path = dir.join(OWNER_FILE);
    let _ = std::fs::write(
        &path,
        format!(
            "pid {}, user {}, since {}{serving}\n",
            std::process::id(),
            crate::identity::os_user(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        ),
    );
    let _ = crate::journal::private::file(&path);
}

/// The words for a database another process holds, short enough for a 20-column screen
/// to wrap: who holds it, and whether it serves (the front end says what to do).
use crate::ops::api::refusals::{NOT_A_SERVER, SERVER_SILENT};

pub fn locked_words(dir: &Path, owner: &str) -> String {
    let field = |name: &str| {
        owner
            .trim()
            .split(", ")
            .find_map(|f| f.strip_prefix(name))
            .map(str::to_string)
    };
    let who = match (field("pid "), field("user ")) {
        (Some(pid), Some(user)) => format!("pid {pid} ({user})"),
        (Some(pid), None) => format!("pid {pid}"),
        _ => "another tallyman process".to_string(),
    };
    match field("serving ") {
        Some(socket) => format!(
            "database {} is served by {who} on {socket}{SERVER_SILENT}",
            dir.display()
        ),
        None => format!("database {} in use by {who}{NOT_A_SERVER}", dir.display()),
    }
}

/// The writer lock was poisoned by a panic while a command held it.
pub(crate) fn writer_poisoned() -> OpsError {
    OpsError::Storage("the writer lock is poisoned; restart tallyman".to_string())
}

/// What opening found and did.
#[derive(Debug, Default)]
pub struct OpenNotes {
    pub replayed: usize,
    pub warnings: Vec<String>,
}

impl Service {
    pub fn open(dir: &Path) -> Result<(Service, OpenNotes), OpsError> {
        Service::open_with_clock(dir, Box::new(SystemClock))
    }

    pub fn open_with_clock(
        dir: &Path,
        clock: Box<dyn Clock>,
    ) -> Result<(Service, OpenNotes), OpsError> {
        Service::open_reporting(dir, clock, None)
    }

    /// Opens the database, reporting the progress of a long replay (a store being rebuilt)
    /// to `progress`: bytes of the journal read, and its length.
    pub fn open_reporting(
        dir: &Path,
        clock: Box<dyn Clock>,
        progress: Option<opening::Progress>,
    ) -> Result<(Service, OpenNotes), OpsError> {
        Service::open_with_cache(dir, clock, progress, None)
    }

    /// [`Service::open_reporting`] with a store page cache of `cache` bytes (sled's own
    /// when none; see `opening::bulk_cache`).
    pub fn open_with_cache(
        dir: &Path,
        clock: Box<dyn Clock>,
        progress: Option<opening::Progress>,
        cache: Option<u64>,
    ) -> Result<(Service, OpenNotes), OpsError> {
        let (lock, opened) = opening::open(dir, progress, cache)?;
        // Who holds the database, for the message a second process gets.
        write_owner(dir, None);
        let journal_path = dir.join(JOURNAL_FILE);
        let sync_file = match &opened.journal {
            Some(j) => j.sync_handle()?,
            None => std::fs::File::open(&journal_path).map_err(|e| {
                OpsError::Storage(format!("cannot read {}: {e}", journal_path.display()))
            })?,
        };
        let durable = Durable {
            file: sync_file,
            end: opened.end,
            syncs: 0,
            failed: None,
        };
        Ok((
            Service {
                dir: dir.to_path_buf(),
                store: RwLock::new(Arc::new(opened.store)),
                writer: Mutex::new(Writer {
                    journal: opened.journal,
                    poisoned: None,
                }),
                read_only: RwLock::new(opened.read_only),
                durable: Mutex::new(durable),
                written_end: std::sync::atomic::AtomicU64::new(opened.end),
                group_commit: true,
                part_lines: parts::PART_LINES,
                report_threads_from: warranty::REPORT_THREADS_FROM,
                #[cfg(feature = "testing")]
                after_part: None,
                clock,
                scan: ScanConfig::default(),
                warranty: WarrantySettings::default(),
                _lock: lock,
            },
            opened.notes,
        ))
    }

    /// The head of the chain when it is durable: the last entry's sequence and hash.
    pub fn durable_head(&self) -> Option<(u64, crate::journal::EntryHash)> {
        let writer = self.writer.lock().ok()?;
        let (seq, hash, end) = writer.journal.as_ref()?.head()?;
        let durable = self.durable.lock().ok()?.end;
        (durable >= end).then_some((seq, hash))
    }

    /// Why the database is read-only (its journal is damaged), when it is.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.read_only.read().map_or(None, |r| r.clone())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Notes in the owner file that this process serves the database on `socket`, so a
    /// client that finds the database locked can say where to look.
    pub fn mark_serving(&self, socket: &Path) {
        write_owner(&self.dir, Some(socket));
    }

    /// The store as it is now. A request takes it once and keeps it until it is answered:
    /// a rebuild, salvage or restore through a server puts a new one in its place, and the
    /// old one closes when the last request holding it lets go.
    pub fn store(&self) -> Arc<Store> {
        match self.store.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn today(&self) -> Day {
        self.clock.today()
    }

    /// Sets the warranty settings (expiring-soon days, maximum days, agreement numbering).
    pub fn with_warranty_settings(mut self, warranty: WarrantySettings) -> Service {
        self.warranty = warranty;
        self
    }

    /// Group commit on (the default) or off: off, every command of a group the server hands
    /// over syncs the journal on its own (the baseline the benches compare against).
    pub fn with_group_commit(mut self, on: bool) -> Service {
        self.group_commit = on;
        self
    }

    /// Writes a batch of more than `lines` lines in parts (10,000 unless set; tests make
    /// parts small).
    pub fn with_part_lines(mut self, lines: usize) -> Service {
        self.part_lines = lines.max(1);
        self
    }

    /// Reads a warranty report's units on two threads from `units` on (4,096 unless set;
    /// tests make it small).
    pub fn with_report_threads_from(mut self, units: usize) -> Service {
        self.report_threads_from = units.max(1);
        self
    }

    /// Calls `f` with the part's number (from 0) after each part of a batch is written and
    /// applied, before the next: a test stops the process there.
    #[cfg(feature = "testing")]
    pub fn with_after_part(mut self, f: impl Fn(usize) + Send + Sync + 'static) -> Service {
        self.after_part = Some(Box::new(f));
        self
    }

    /// Is group commit on?
    pub fn group_commit(&self) -> bool {
        self.group_commit
    }

    /// Makes the journal durable at least up to `end`. One fsync covers everything written
    /// before it started, so a caller that finds its entry already covered returns at once
    /// (commands that arrive together share one fsync).
    fn sync_to(&self, end: u64) -> Result<(), OpsError> {
        use std::sync::atomic::Ordering;
        let mut durable = self.durable.lock().map_err(|_| {
            OpsError::Storage("the journal sync lock is poisoned; restart tallyman".to_string())
        })?;
        if let Some(why) = &durable.failed {
            return Err(OpsError::Storage(why.clone()));
        }
        if durable.end >= end {
            return Ok(());
        }
        // Everything written up to here is covered by the sync below.
        let target = self.written_end.load(Ordering::Acquire).max(end);
        match durable.file.sync_data() {
            Ok(()) => {
                durable.end = target;
                durable.syncs += 1;
                Ok(())
            }
            Err(e) => {
                let why = format!(
                    "the journal could not be made durable ({e}); nothing after entry end {} is acknowledged; restart tallyman",
                    durable.end
                );
                durable.failed = Some(why.clone());
                Err(OpsError::Storage(why))
            }
        }
    }

    /// How many fsyncs of the journal made commands durable since the database was opened
    /// (with group commit, fewer than the commands when they arrive together).
    pub fn journal_syncs(&self) -> u64 {
        self.durable.lock().map(|d| d.syncs).unwrap_or(0)
    }

    /// Refuses to go on after a failed fsync.
    fn sync_failed(&self) -> Option<String> {
        self.durable.lock().ok().and_then(|d| d.failed.clone())
    }

    /// The journal's bytes `from..upto`, all of them durable, at most [`JOURNAL_PIECE`] at a
    /// time: what a backup through the server receives (the journal is append-only, so
    /// bytes before the durable end never change while the database is open).
    pub(crate) fn journal_bytes(&self, from: u64, upto: u64) -> Result<Vec<u8>, OpsError> {
        use std::io::{Read, Seek, SeekFrom};
        let durable = self
            .durable
            .lock()
            .map_err(|_| {
                OpsError::Storage("the journal sync lock is poisoned; restart tallyman".to_string())
            })?
            .end;
        if from > upto || upto > durable || upto - from > JOURNAL_PIECE {
            return Err(OpsError::refused(
                RefusalKind::Invalid,
                format!(
                    "expected a piece of the journal of at most {JOURNAL_PIECE} bytes before its durable end (byte {durable}), found bytes {from}..{upto}"
                ),
            ));
        }
        let path = self.dir.join(JOURNAL_FILE);
        let io =
            |e: std::io::Error| OpsError::Storage(format!("cannot read {}: {e}", path.display()));
        let mut file = std::fs::File::open(&path).map_err(io)?;
        file.seek(SeekFrom::Start(from)).map_err(io)?;
        let mut bytes = vec![0u8; (upto - from) as usize];
        file.read_exact(&mut bytes).map_err(io)?;
        Ok(bytes)
    }

    /// Makes everything written so far durable (before a backup copies it).
    pub(crate) fn sync_all_written(&self) -> Result<u64, OpsError> {
        let end = self.written_end.load(std::sync::atomic::Ordering::Acquire);
        self.sync_to(end)?;
        Ok(end)
    }

    /// Sets how scans are read (prefix, suffix, GS substitute), from the site's config.
    pub fn with_scan_config(mut self, scan: ScanConfig) -> Service {
        self.scan = scan;
        self
    }

    fn context<'a>(&'a self, actor: &'a str) -> DraftContext<'a> {
        DraftContext {
            today: self.clock.today(),
            now_ms: self.clock.now_ms(),
            actor,
            scan: &self.scan,
            warranty: &self.warranty,
        }
    }

    /// The location code a scanned text names, if it is a location label of this store.
    pub fn location_label(&self, raw: &str) -> Result<Option<String>, OpsError> {
        Ok(is_location_label(&self.store(), raw)?)
    }

    /// The running figures of a count at a location.
    pub fn figures(
        &self,
        count: &crate::domain::Count,
        location: &str,
    ) -> Result<Figures, OpsError> {
        let expected_here = if count.blind {
            None
        } else {
            Some(self.expected_at(count, location)?)
        };
        Ok(Figures {
            expected_here,
            ..self.live_figures(count, location)?
        })
    }

    /// The running figures without the expected one (no walk over the stock): what a live
    /// screen asks again when others scanned.
    pub fn live_figures(
        &self,
        count: &crate::domain::Count,
        location: &str,
    ) -> Result<Figures, OpsError> {
        let tally = self.store().count_tally(count.id, location)?;
        Ok(Figures {
            here: tally.counted,
            unexpected_here: tally.unexpected,
            unknown_here: tally.unknown,
            total: count.live,
            expected_here: None,
        })
    }

    /// Units in stock in a count's whole scope that it covers (the list's "of N").
    pub fn expected_in_scope(&self, count: &crate::domain::Count) -> Result<u32, OpsError> {
        self.expected_where(count, &count.scope.location, |_| true)
    }

    /// Units in stock at exactly this location that the count covers.
    fn expected_at(&self, count: &crate::domain::Count, location: &str) -> Result<u32, OpsError> {
        self.expected_where(count, location, |at| at == location)
    }

    fn expected_where(
        &self,
        count: &crate::domain::Count,
        scope: &str,
        at: impl Fn(&str) -> bool,
    ) -> Result<u32, OpsError> {
        let covers: std::collections::HashMap<_, _> = self
            .store()
            .products()?
            .into_iter()
            .map(|p| (p.id, count.scope.covers_product(&p)))
            .collect();
        let mut n = 0u32;
        self.store()
            .for_each_stock(Some(scope), |location, product, _, _| {
                if at(location) && covers.get(&product).copied().unwrap_or(false) {
                    n = n.saturating_add(1);
                }
            })?;
        Ok(n)
    }

    /// Records a scan at `location` and returns it with the running figures and words (the
    /// same request the scan screen and `count scan` send, for tests and benches).
    pub fn record_scan(
        &self,
        actor: &str,
        count: crate::domain::CountId,
        location: &str,
        raw: &str,
    ) -> Result<ScanReport, OpsError> {
        let input = Command::CountScan {
            count,
            location: Some(location.to_string()),
            raw: raw.to_string(),
            label_only: false,
        };
        match self.execute(actor, input)? {
            Outcome::Scanned(report) => Ok(report),
            _ => Err(OpsError::Storage("a scan gave no scan report".to_string())),
        }
    }

    /// Validates a command without changing anything (what `execute` would refuse).
    pub fn validate(&self, cmd: Command) -> Result<Outcome, OpsError> {
        let _writer = self.writer.lock().map_err(|_| writer_poisoned())?;
        let store = self.store();
        Draft::new(&store, &self.context("validate"))?.command(cmd)
    }

    /// Validates, journals (durably) and applies one command.
    pub fn execute(&self, actor: &str, cmd: Command) -> Result<Outcome, OpsError> {
        let (scan_of, undo_at) = commit::completion_of(&cmd);
        let outcome = self.commit_alone(actor, cmd)?;
        self.complete(outcome, scan_of, undo_at)
    }

    /// One command with its own fsync inside the writer lock.
    fn commit_alone(&self, actor: &str, cmd: Command) -> Result<Outcome, OpsError> {
        let mut writer = self.writer.lock().map_err(|_| writer_poisoned())?;
        let (outcome, end) = self.commit_one(&mut writer, actor, cmd)?;
        if let Some(end) = end {
            self.sync_to(end)?;
        }
        Ok(outcome)
    }

    /// Validates one command against the state (including entries not yet durable),
    /// writes its entry and applies it. Returns the outcome and the end of the entry
    /// written, which must be durable before the outcome is acknowledged.
    pub(crate) fn commit_one(
        &self,
        writer: &mut Writer,
        actor: &str,
        cmd: Command,
    ) -> Result<(Outcome, Option<u64>), OpsError> {
        if let Some(why) = writer.poisoned.clone().or_else(|| self.sync_failed()) {
            return Err(OpsError::Storage(why));
        }
        let read_only = self.read_only();
        if writer.journal.is_none() || read_only.is_some() {
            return Err(read_only
                .as_ref()
                .map(ReadOnly::refusal)
                .unwrap_or_else(|| OpsError::Storage("the journal is not open".into())));
        }
        match cmd {
            Command::Batch(cmds) if parts::lines_of(&cmds) > self.part_lines => {
                self.commit_parts(writer, actor, cmds)
            }
            cmd => self.commit_draft(writer, actor, cmd),
        }
    }

    /// Validates one command in a draft of its own, then journals and applies its events.
    fn commit_draft(
        &self,
        writer: &mut Writer,
        actor: &str,
        cmd: Command,
    ) -> Result<(Outcome, Option<u64>), OpsError> {
        let store = self.store();
        let mut draft = Draft::new(&store, &self.context(actor))?;
        let outcome = draft.command(cmd)?;
        if draft.events.is_empty() {
            return Ok((outcome, None));
        }
        let located = self.write_entry(
            writer,
            draft.now_ms,
            actor,
            std::mem::take(&mut draft.events),
        )?;
        Ok((outcome, Some(located.end)))
    }

    /// Writes one entry to the journal and applies it; when it is written but cannot be
    /// applied, the writer is poisoned until a restart replays it.
    fn write_entry(
        &self,
        writer: &mut Writer,
        at_ms: i64,
        actor: &str,
        events: Vec<crate::domain::Event>,
    ) -> Result<crate::journal::Located, OpsError> {
        let Some(journal) = writer.journal.as_mut() else {
            return Err(OpsError::Storage("the journal is not open".into()));
        };
        let located = journal.write(at_ms, actor, events)?;
        self.written_end
            .store(located.end, std::sync::atomic::Ordering::Release);
        if let Err(e) = self.store().apply(&located) {
            let why = format!(
                "entry {} is in the journal but the store could not apply it ({e}); restart tallyman to replay it",
                located.entry.seq
            );
            writer.poisoned = Some(why.clone());
            return Err(OpsError::Storage(why));
        }
        Ok(located)
    }

    /// Adds what a counter sees next to a scan's outcome (figures on the applied state, the
    /// answer in words), so one request carries the whole answer.
    fn complete(
        &self,
        outcome: Outcome,
        scan_of: Option<crate::domain::CountId>,
        undo_at: Option<String>,
    ) -> Result<Outcome, OpsError> {
        Ok(match outcome {
            Outcome::Scanned(mut report) => {
                let count = self.count_or_refuse(report.scan.count)?;
                report.figures = Some(self.figures(&count, &report.scan.location)?);
                if let crate::domain::ScanVerdict::Unexpected(crate::domain::Unexpected::Sold {
                    customer,
                    ..
                }) = &report.scan.verdict
                {
                    report.customer = self.party_name(*customer)?;
                }
                let customer = report.customer.clone();
                report.words = Some(scan_words(&report, &party_named(customer.as_deref())));
                Outcome::Scanned(report)
            }
            Outcome::LocationSet { code, .. } => {
                let count = self.count_or_refuse(scan_of.ok_or_else(|| {
                    OpsError::Storage("a location label outside a count".into())
                })?)?;
                let figures = self.figures(&count, &code)?;
                Outcome::LocationSet { code, figures }
            }
            Outcome::ScanUndone { scan, sku, .. } => {
                let figures = match &undo_at {
                    Some(at) => Some(self.figures(&self.count_or_refuse(scan.count)?, at)?),
                    None => None,
                };
                Outcome::ScanUndone { scan, sku, figures }
            }
            other => other,
        })
    }

    fn count_or_refuse(
        &self,
        id: crate::domain::CountId,
    ) -> Result<crate::domain::Count, OpsError> {
        self.store()
            .count(id)?
            .ok_or_else(|| refusals::no_such_count(id).into())
    }

    /// Answers a query that needs no acting user (as "nobody").
    pub fn query(&self, q: Query) -> Result<Answer, OpsError> {
        self.query_as("", q)
    }

    pub(crate) fn party_name(&self, id: PartyId) -> Result<Option<String>, OpsError> {
        Ok(self.store().party(id)?.map(|p: Party| p.name))
    }

    /// Party names read once each for one answer: a timeline or a report names a few
    /// parties many times.
    pub(crate) fn party_names(&self) -> PartyNames<'_> {
        PartyNames {
            service: self,
            known: std::collections::HashMap::new(),
        }
    }

    /// Every unit with this serial: tried as typed, then upper-cased (products fold case),
    /// with its warranty at `date`.
    pub fn lookup(&self, raw: &str) -> Result<Vec<UnitView>, OpsError> {
        self.lookup_at(raw, self.today())
    }

    /// [`Service::lookup`] with the warranty at `date`.
    pub fn lookup_at(&self, raw: &str, date: Day) -> Result<Vec<UnitView>, OpsError> {
        let generic = warranty::generics(&self.store())?;
        let found = self.units_scanned(raw)?;
        let mut names = self.party_names();
        let mut views = Vec::with_capacity(found.len());
        for stored in found {
            let unit = stored.unit;
            let Some(product) = self.store().product(unit.product)? else {
                continue;
            };
            let supplier = match unit.supplier {
                Some(id) => names.name(id)?,
                None => None,
            };
            let customer = match &unit.state {
                crate::domain::UnitState::Sold { customer, .. } => names.name(*customer)?,
                _ => None,
            };
            let mut timeline = Vec::with_capacity(stored.history.len());
            for entry in stored.history {
                let party_name = match entry.party {
                    Some(id) => names.name(id)?,
                    None => None,
                };
                timeline.push(TimelineLine { entry, party_name });
            }
            let warranty = warranty::view(&unit, &product, &generic, date, &self.warranty);
            views.push(UnitView {
                unit,
                product,
                supplier,
                customer,
                timeline,
                warranty,
            });
        }
        Ok(views)
    }

    /// The units a scan names: GS1 (21), an IMEI or the text, narrowed to the product of the
    /// label's GTIN. A label naming another product than the serial's, an undecodable scan,
    /// and a serial of characters no serial holds (unless a unit has it from before) are
    /// refused as bad scans.
    fn units_scanned(&self, raw: &str) -> Result<Vec<crate::store::StoredUnit>, OpsError> {
        let bad = |message: String| {
            OpsError::Refused(Refusal::new(RefusalKind::BadScan, message).about(raw.trim()))
        };
        let decoded =
            crate::domain::scan::decode(raw, &self.scan).map_err(|e| bad(e.to_string()))?;
        let Some(key) = decoded.key() else {
            return Err(bad(format!("\"{}\" carries no serial: rescan", raw.trim())));
        };
        let mut found = self.store().units_named(key)?;
        if let Some(label) = match &decoded.gtin {
            Some(g) => self.store().product_by_gtin(g)?,
            None => None,
        } {
            if let Some(other) = found.iter().find(|s| s.unit.product != label.id) {
                if found.iter().all(|s| s.unit.product != label.id) {
                    let sku = self
                        .store()
                        .product(other.unit.product)?
                        .map(|p| p.sku)
                        .unwrap_or_default();
                    return Err(OpsError::Refused(draft::label_mismatch(&label, key, &sku)));
                }
            }
            found.retain(|s| s.unit.product == label.id);
        }
        if found.is_empty() {
            self.scan.serial_chars.check(key).map_err(bad)?;
        }
        Ok(found)
    }

    /// Balances: serialised units one per line, unserialised products as quantities.
    pub fn stock(
        &self,
        location: Option<&str>,
        sku: Option<&str>,
    ) -> Result<Vec<StockLine>, OpsError> {
        let scope = match location {
            Some(l) => Some(
                crate::domain::Location::normalize_code(l)
                    .map_err(|m| OpsError::refused(RefusalKind::Invalid, m))?,
            ),
            None => None,
        };
        let only = match sku {
            Some(sku) => Some(
                self.store()
                    .product_by_sku(sku.trim())?
                    .ok_or_else(|| {
                        OpsError::refused(
                            RefusalKind::Unknown,
                            format!("expected a known product SKU, found \"{sku}\""),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        let products: std::collections::HashMap<_, _> = self
            .store()
            .products()?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let serialised = self
            .store()
            .stock(scope.as_deref())?
            .into_iter()
            .map(|r| (r.location, r.product, Some(r.serial.to_string()), 1));
        let counted = self
            .store()
            .quantities(scope.as_deref())?
            .into_iter()
            .map(|r| (r.location, r.product, None, r.qty));
        let lines = serialised
            .chain(counted)
            .filter(|(_, product, _, _)| only.is_none_or(|id| id == *product))
            .map(|(location, product, serial, qty)| {
                let (sku, name) = products
                    .get(&product)
                    .map(|p| (p.sku.clone(), p.name.clone()))
                    .unwrap_or_default();
                StockLine {
                    location,
                    sku,
                    name,
                    serial,
                    qty,
                }
            })
            .collect();
        Ok(lines)
    }
}

/// Party names read once each (see [`Service::party_names`]).
pub(crate) struct PartyNames<'a> {
    service: &'a Service,
    known: std::collections::HashMap<PartyId, Option<String>>,
}

impl PartyNames<'_> {
    /// The party's name (`None` for a party the store does not hold).
    pub(crate) fn name(&mut self, id: PartyId) -> Result<Option<String>, OpsError> {
        use std::collections::hash_map::Entry;
        Ok(match self.known.entry(id) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(new) => new.insert(self.service.party_name(id)?).clone(),
        })
    }
}
