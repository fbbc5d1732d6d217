//! The embedded doors: [`Local`], the service in this process acting as one user, and
//! [`Offline`], the database folder not opened (the admin calls that need it to themselves).

use std::sync::Arc;

use super::Service;
use crate::ops::api::*;

/// The service in this process, acting as one user.
#[derive(Clone)]
pub struct Local {
    service: Arc<Service>,
    actor: String,
}

impl Local {
    pub fn new(service: Arc<Service>, actor: impl Into<String>) -> Local {
        Local {
            service,
            actor: actor.into(),
        }
    }

    /// Opens the database in this process (embedded mode) acting as `actor`, with the site's
    /// scan and warranty settings.
    pub fn open(
        dir: &std::path::Path,
        actor: impl Into<String>,
        scan: crate::domain::scan::ScanConfig,
        warranty: WarrantySettings,
    ) -> Result<(Local, super::OpenNotes), OpsError> {
        Local::open_reporting(dir, actor, scan, warranty, None)
    }

    /// [`Local::open`], reporting the progress of a long replay (a store being rebuilt).
    pub fn open_reporting(
        dir: &std::path::Path,
        actor: impl Into<String>,
        scan: crate::domain::scan::ScanConfig,
        warranty: WarrantySettings,
        progress: Option<super::opening::Progress>,
    ) -> Result<(Local, super::OpenNotes), OpsError> {
        Local::open_cached(dir, actor, scan, warranty, progress, None)
    }

    /// [`Local::open_reporting`] for a bulk writer (an import of many rows): the store
    /// keeps the small page cache of `opening::bulk_cache`, as it reads back little of what
    /// it writes.
    pub fn open_for_bulk_writes(
        dir: &std::path::Path,
        actor: impl Into<String>,
        scan: crate::domain::scan::ScanConfig,
        warranty: WarrantySettings,
        progress: Option<super::opening::Progress>,
    ) -> Result<(Local, super::OpenNotes), OpsError> {
        let cache = super::opening::bulk_cache();
        Local::open_cached(dir, actor, scan, warranty, progress, cache)
    }

    fn open_cached(
        dir: &std::path::Path,
        actor: impl Into<String>,
        scan: crate::domain::scan::ScanConfig,
        warranty: WarrantySettings,
        progress: Option<super::opening::Progress>,
        cache: Option<u64>,
    ) -> Result<(Local, super::OpenNotes), OpsError> {
        let (service, notes) =
            Service::open_with_cache(dir, Box::new(SystemClock), progress, cache)?;
        let service = service
            .with_scan_config(scan)
            .with_warranty_settings(warranty);
        Ok((Local::new(Arc::new(service), actor), notes))
    }

    /// The same service acting as another user (the demo's generator acts as "demo").
    pub fn acting_as(&self, actor: impl Into<String>) -> Local {
        Local::new(self.service.clone(), actor)
    }

    /// The acting user.
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

impl std::fmt::Debug for Local {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Local")
            .field("service", &self.service)
            .field("actor", &self.actor)
            .finish()
    }
}

impl Ops for Local {
    fn call(&self, request: Request) -> Reply {
        let Request::V1(call) = request;
        Reply::V1(match call {
            // In this process the file is written as the user who asked: the journal is
            // copied up to its durable end while others go on writing.
            Call::Admin(AdminCall::Backup { file }) => {
                super::maintenance::backup(&self.service, &file)
                    .map(|r| Done::Admin(AdminDone::BackedUp(r)))
            }
            call => self.service.handle(&self.actor, call),
        })
    }

    fn finish(&self) -> Result<(), OpsError> {
        Ok(self.service.store().flush_all()?)
    }
}

impl Service {
    /// Answers one call as `actor`.
    pub fn handle(&self, actor: &str, call: Call) -> Result<Done, OpsError> {
        match call {
            Call::Execute(command) => Ok(Done::Outcome(self.execute(actor, command)?)),
            Call::Query(query) => Ok(Done::Answer(self.query_as(actor, query)?)),
            Call::ExecuteThen(command, query) => {
                let outcome = self.execute(actor, command)?;
                Ok(Done::Both(outcome, self.query_as(actor, query)?))
            }
            Call::Validate(command) => Ok(Done::Outcome(self.validate(command)?)),
            Call::Admin(admin) => Ok(Done::Admin(self.admin(admin)?)),
        }
    }

    /// An admin call on the database this service holds open: a check replays the journal
    /// under the writer lock and compares with the live store; the anchor is read from the
    /// journal. A rebuild or salvage takes the writer lock (commands wait, reads go on),
    /// makes the new store (and journal) with the same steps on the disk as in a closed
    /// folder, and swaps them in: the service serves them from then on, writable again
    /// after a salvage. A restore is of a backup the caller sent in pieces (this process
    /// may not read the caller's files); a restore of a path is refused with what to do. A backup is written by the one who asks (see [`Local`] and
    /// `ops::Remote`), never at a path of theirs by this process.
    pub fn admin(&self, call: AdminCall) -> Result<AdminDone, OpsError> {
        let never = std::sync::atomic::AtomicBool::new(false);
        match call {
            AdminCall::Check { anchors } => Ok(AdminDone::Checked(
                super::maintenance::check_live(self, &anchors, &never)?,
            )),
            AdminCall::Anchor => {
                self.sync_all_written()?;
                let (entries, anchor) = super::maintenance::anchor(self.dir())?;
                Ok(AdminDone::Anchor { entries, anchor })
            }
            AdminCall::Backup { .. } => Err(OpsError::refused(
                RefusalKind::Invalid,
                "expected the backup's file to be written by the one who asks, found a request to write it here; ask for the journal's bytes (JournalEnd, JournalBytes) instead",
            )),
            AdminCall::Rebuild { force } => Ok(AdminDone::Rebuilt(
                super::maintenance::rebuild_live(self, force, &never)?,
            )),
            AdminCall::Salvage { keep_later } => Ok(AdminDone::Salvaged(
                super::maintenance::salvage_live(self, keep_later, &never)?,
            )),
            AdminCall::RestorePiece { at, bytes } => Ok(AdminDone::Received {
                bytes: super::maintenance::receive_piece(self, at, &bytes)?,
            }),
            AdminCall::RestoreSent { file, len, force } => Ok(AdminDone::Restored(
                super::maintenance::restore_sent(self, &file, len, force, &never)?,
            )),
            AdminCall::Restore { .. } => Err(OpsError::refused(
                RefusalKind::Invalid,
                "expected the backup to restore to be sent by the one who asks, found a path of theirs to read here; send its bytes (RestorePiece, RestoreSent) instead",
            )),
        }
    }
}

/// The database folder, not opened: answers the admin calls in this process, as the
/// command line ran them before a server existed (check, rebuild, salvage and restore take
/// the database's lock themselves; anchor and backup read the journal without it). Any other
/// call is refused: open the database with [`Local`] for those.
pub struct Offline {
    dir: std::path::PathBuf,
    progress: Option<Box<dyn Fn(u64, u64) + Send + Sync>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Offline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Offline").field("dir", &self.dir).finish()
    }
}

impl Offline {
    /// Makes a new, empty database in `dir`: its folder, journal and store.
    pub fn init(dir: &std::path::Path) -> Result<(), OpsError> {
        super::maintenance::init(dir)
    }

    /// Creates a database folder, private to its owner (or its group).
    pub fn create_folder(dir: &std::path::Path) -> Result<(), OpsError> {
        super::maintenance::create_folder(dir)
    }

    /// Lets the members of `gid` share the database's files (`[database] group`), for this
    /// run.
    pub fn share_with_group(gid: Option<u32>) {
        super::maintenance::share_with_group(gid)
    }

    /// The words refusing `dir` when it is a folder of other files, not a database.
    pub fn not_a_database(dir: &std::path::Path) -> Option<String> {
        super::opening::not_a_database(dir)
    }

    /// The folder `dir`; a long replay reports to `progress` (bytes read, journal length) and
    /// stops, leaving nothing behind, once `stop` is set.
    pub fn new(
        dir: &std::path::Path,
        progress: Option<Box<dyn Fn(u64, u64) + Send + Sync>>,
        stop: Arc<std::sync::atomic::AtomicBool>,
    ) -> Offline {
        Offline {
            dir: dir.to_path_buf(),
            progress,
            stop,
        }
    }

    fn admin(&self, call: AdminCall) -> Result<AdminDone, OpsError> {
        use super::maintenance as m;
        let progress = self
            .progress
            .as_deref()
            .map(|p| p as &(dyn Fn(u64, u64) + Sync));
        let (dir, stop) = (self.dir.as_path(), &*self.stop);
        Ok(match call {
            AdminCall::Check { anchors } => AdminDone::Checked(m::check(dir, &anchors, stop)?),
            AdminCall::Anchor => {
                let (entries, anchor) = m::anchor(dir)?;
                AdminDone::Anchor { entries, anchor }
            }
            AdminCall::Rebuild { force } => {
                AdminDone::Rebuilt(m::rebuild(dir, force, progress, stop)?)
            }
            AdminCall::Salvage { keep_later } => {
                AdminDone::Salvaged(m::salvage(dir, keep_later, progress, stop)?)
            }
            AdminCall::Backup { file } => {
                AdminDone::BackedUp(m::copy_journal(&dir.join(JOURNAL_FILE), &file, None)?)
            }
            AdminCall::Restore { file, force } => {
                AdminDone::Restored(m::restore(dir, &file, force, progress, stop)?)
            }
            AdminCall::RestorePiece { .. } | AdminCall::RestoreSent { .. } => {
                return Err(OpsError::refused(
                    RefusalKind::Invalid,
                    format!(
                        "expected a restore of a file for the closed database {}, found one sent in pieces (those are for a server)",
                        dir.display()
                    ),
                ))
            }
        })
    }
}

impl Ops for Offline {
    fn call(&self, request: Request) -> Reply {
        let Request::V1(call) = request;
        Reply::V1(match call {
            Call::Admin(admin) => self.admin(admin).map(Done::Admin),
            _ => Err(OpsError::Storage(format!(
                "expected an admin call for the closed database {}, found another request",
                self.dir.display()
            ))),
        })
    }
}

/// A service the front ends' test support opens a door on, acting as a user (the screens'
/// harness takes this, so it never names the house's `Service`).
pub trait ActAs {
    /// The door to this service acting as `user`.
    fn act_as(&self, user: String) -> Local;
}

impl ActAs for Arc<Service> {
    fn act_as(&self, user: String) -> Local {
        Local::new(self.clone(), user)
    }
}
