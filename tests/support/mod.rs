//! What the tests share: clocks, master data and document builders, a test's database
//! (`Db`), the demo database, the binary's runner (cli), lock waiting (lock), the tmux driver
//! (tmux), the screen tests' harness (screens), the one way to skip, and the replay check.

#![allow(dead_code)]

pub mod build;
pub mod cli;
pub mod lock;
pub mod screens;
pub mod tmux;
pub mod warranty_db;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tallyman::domain::{CountId, Day, DocKind, PartyRole, Period, SerialFormat};
use tallyman::ops::local::Service;
use tallyman::ops::{Clock, Command, NewCount, Outcome};

/// A test's database: its temporary folder (removed when dropped), the database folder in
/// it, and the service on it (shared with the screens a test builds on it).
pub struct Db {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub svc: Arc<Service>,
}

impl Db {
    /// `svc`, open on `dir` inside `tmp`.
    pub fn new(tmp: tempfile::TempDir, dir: PathBuf, svc: Service) -> Db {
        Db {
            tmp,
            dir,
            svc: Arc::new(svc),
        }
    }

    /// An empty database in a temporary folder of its own (the folder itself), at `clock`.
    pub fn empty(clock: Box<dyn Clock>) -> Db {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().to_path_buf();
        let (svc, _) = Service::open_with_clock(&dir, clock).expect("a new database opens");
        Db::new(tmp, dir, svc)
    }

    /// Closes the service (this must be its last handle) and gives back the folders.
    pub fn close(self) -> (tempfile::TempDir, PathBuf) {
        let Db { tmp, dir, svc } = self;
        assert!(
            Arc::into_inner(svc).is_some(),
            "the service is still shared: drop the screens on it first"
        );
        (tmp, dir)
    }
}

/// 2026-03-15 12:00:00 UTC, in milliseconds: the service tests' now.
pub const NOW_MS: i64 = 1_773_576_000_000;

/// Always 2026-03-15 12:00:00 UTC: the service tests' clock.
pub struct FixedClock;

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        NOW_MS
    }
    fn today(&self) -> Day {
        day(2026, 3, 15)
    }
}

/// Always 2026-01-02 14:05 UTC: the screen tests' clock (the snapshots show 14:05).
pub struct ScreenClock;

impl Clock for ScreenClock {
    fn now_ms(&self) -> i64 {
        chrono::NaiveDate::from_ymd_opt(2026, 1, 2)
            .and_then(|d| d.and_hms_opt(14, 5, 0))
            .expect("a valid test time")
            .and_utc()
            .timestamp_millis()
    }
    fn today(&self) -> Day {
        day(2026, 1, 2)
    }
}

pub fn day(y: i32, m: u32, d: u32) -> Day {
    Day::from_ymd(y, m, d).expect("a valid test date")
}

/// A strict product named "SKU name".
pub fn product(
    sku: &str,
    format: SerialFormat,
    gtin: Option<&str>,
    category: &str,
    warranty: Option<Period>,
) -> Command {
    build::new_product(sku)
        .format(format)
        .gtin(gtin)
        .category(category)
        .warranty(warranty)
        .cmd()
}

/// The supplier "Supplier", the customer "ACME", and these locations.
pub fn parties_and_locations(locations: &[&str]) -> Vec<Command> {
    let mut cmds = vec![
        build::party("Supplier", PartyRole::Supplier),
        build::party("ACME", PartyRole::Customer),
    ];
    cmds.extend(locations.iter().map(|code| build::location(code)));
    cmds
}

/// A document of serials at 10.00 each: receipts from "Supplier", sales and returns to
/// "ACME", with the reason "test".
pub fn doc(
    kind: DocKind,
    sku: &str,
    serials: &[&str],
    from: Option<&str>,
    to: Option<&str>,
    date: Option<Day>,
) -> Command {
    build::new_doc(kind, sku)
        .serials(serials)
        .amount(1000)
        .from(from)
        .to(to)
        .date(date)
        .reason(Some("test"))
        .cmd()
}

/// Opens "test count" over `location` (and only `skus`, when named) as "super".
pub fn open_count(svc: &Service, location: &str, skus: &[&str], blind: bool) -> CountId {
    open_named_count(svc, "test count", location, skus, blind)
}

/// Opens a count named `name` over `location` (and only `skus`, when named) as "super".
pub fn open_named_count(
    svc: &Service,
    name: &str,
    location: &str,
    skus: &[&str],
    blind: bool,
) -> CountId {
    let cmd = Command::OpenCount(NewCount {
        name: name.into(),
        location: location.into(),
        skus: skus.iter().map(|s| s.to_string()).collect(),
        categories: vec![],
        blind,
    });
    match svc.execute("super", cmd).expect("open count") {
        Outcome::CountOpened(c) => c.id,
        other => panic!("expected CountOpened, got {other:?}"),
    }
}

/// The service on `dir` with the fixed clock, waiting out a lock a dropped one still holds.
pub fn open_service(dir: &Path) -> Service {
    lock::retry(|| Service::open_with_clock(dir, Box::new(FixedClock)))
        .map(|(svc, _)| svc)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", dir.display()))
}

/// A demo database of `units` units made by the real binary (`demo --no-tui`), in `root/db`
/// (`root` is the runs' home).
pub fn demo_db(root: &Path, units: u32) -> std::path::PathBuf {
    let db = root.join("db");
    let mut c = cli::tallyman(root, &db, "admin");
    c.args(["demo", "--no-tui", "--units", &units.to_string()]);
    let o = c.output().expect("tallyman runs");
    cli::assert_exit(&o, 0, &["demo"]);
    db
}

/// The demo database of `units` units made in this process (its own count is 1), with count
/// 2 "Aisle A" over WH1/A, blind.
#[allow(dead_code)]
pub fn demo_with_aisle_count(units: u64) -> (tempfile::TempDir, std::sync::Arc<Service>) {
    let tmp = tempfile::tempdir().unwrap();
    let (svc, _) = Service::open(&tmp.path().join("db")).unwrap();
    let svc = std::sync::Arc::new(svc);
    tallyman::cli::demo::generate(&tallyman::ops::Local::new(svc.clone(), "demo"), units).unwrap();
    svc.execute(
        "super",
        Command::OpenCount(NewCount {
            name: "Aisle A".into(),
            location: "WH1/A".into(),
            skus: vec![],
            categories: vec![],
            blind: true,
        }),
    )
    .unwrap();
    (tmp, svc)
}

/// Snapshots of one key script at each size and profile, each on a fresh app that `make`
/// builds from the setup (with whatever must outlive the app, such as its database), named
/// `NAME_WxH_PROFILE`. A macro so that the snapshots keep the calling test file's names.
#[allow(unused_macros)]
macro_rules! snap_each {
    ($make:expr, $name:expr, $script:expr, $sizes:expr, $profiles:expr) => {
        for &profile in $profiles {
            for &(w, h) in $sizes {
                let (_keep, mut app) =
                    ($make)(tallyman::tui::testing::TestSetup::new(w, h, profile));
                app.keys($script);
                insta::assert_snapshot!(
                    format!("{}_{w}x{h}_{}", $name, profile.name()),
                    app.render()
                );
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use snap_each;

/// A key script (`"1<down><enter>"`) as the terminal's input events, for the runtime tests.
#[allow(dead_code)]
pub fn key_events(script: &str) -> Vec<tallyman::tui::terminal::InputEvent> {
    tallyman::tui::keys::parse_script(script)
        .unwrap()
        .into_iter()
        .map(tallyman::tui::terminal::InputEvent::Key)
        .collect()
}

/// The variable that makes a skip a failure: `.ci/run` exports it, so in CI every test
/// runs. `TALLYMAN_REQUIRE_SSHD`, its old name, still works.
pub const REQUIRE_ALL: &str = "TALLYMAN_REQUIRE_ALL";

/// Whether a skip must fail the run: `TALLYMAN_REQUIRE_ALL` (or its old name) or `CI` is set
/// (a CI service sets `CI`, and there a test that cannot run is a failure).
pub fn require_all() -> bool {
    [REQUIRE_ALL, "TALLYMAN_REQUIRE_SSHD", "CI"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "0"))
}

/// The one way a test skips: `why` is what this machine lacks (tmux, root, an account, a
/// tool), `None` when it has everything. Without a reason the test goes on (false). With one,
/// it panics with the reason when [`REQUIRE_ALL`] is set (as `.ci/run` does, so a skip in CI
/// fails the run), and otherwise prints it and returns true: the caller returns.
///
/// ```ignore
/// if support::skipped("the OpenSSH test", missing()) {
///     return;
/// }
/// ```
pub fn skipped(test: &str, why: Option<String>) -> bool {
    let Some(why) = why else {
        return false;
    };
    assert!(
        !require_all(),
        "{test} cannot run: {why} ({REQUIRE_ALL} is set, so it must)"
    );
    eprintln!("{test} skipped: {why}");
    true
}

/// What a test that drives the real binary in tmux lacks, if anything.
pub fn tmux_missing() -> Option<String> {
    (!tmux::Tmux::available()).then(|| "tmux is not installed (.ci/run installs it)".into())
}

/// What a test that must act as root lacks, if anything.
pub fn root_missing() -> Option<String> {
    (!nix::unistd::geteuid().is_root()).then(|| "not root (.ci/run runs as root)".into())
}

/// `check` on a closed database: the journal chain holds and replaying it gives the store.
pub fn assert_replay_equals_state(dir: &Path) {
    let report =
        lock::retry(|| tallyman::ops::local::maintenance::check(dir, &[], &Default::default()))
            .expect("check runs");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

/// The two handheld accounts docs/admin.md makes (`tmhh1`, `tmhh2`) and the socket's group
/// `tallyman-users`, for a test that acts as them (it must run as root). `None`, and the test
/// says why it does not run (a failure under `TALLYMAN_REQUIRE_ALL`), when any is missing.
#[allow(dead_code)]
pub fn handheld_accounts(
    test: &str,
) -> Option<(nix::unistd::User, nix::unistd::User, nix::unistd::Group)> {
    let users = ["tmhh1", "tmhh2"].map(|a| nix::unistd::User::from_name(a).ok().flatten());
    let group = nix::unistd::Group::from_name("tallyman-users")
        .ok()
        .flatten();
    match (users, group, nix::unistd::geteuid().is_root()) {
        ([Some(first), Some(second)], Some(group), true) => Some((first, second, group)),
        _ => {
            skipped(
                test,
                Some(
                    "needs root, the accounts tmhh1 and tmhh2 and the group tallyman-users (.ci/run makes them)"
                        .into(),
                ),
            );
            None
        }
    }
}
