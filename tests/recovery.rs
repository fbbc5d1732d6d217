//! Recovery as an admin meets it, through the real binary on a demo database: a store that
//! cannot be read heals itself, a torn tail is cut and kept, damage makes the database
//! read-only until `rebuild --salvage`, restores keep every journal they replace, backups run
//! while the screens do and on a full disk, anchors catch a rewritten chain, files are
//! private, and a mistyped `--db` is an error.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;
use support::tmux::Tmux;

use support::cli::BIN;

/// Runs the binary once (a database in use is an answer here, not waited out).
fn tm(db: &Path, args: &[&str]) -> Output {
    let home = db.parent().unwrap_or(db);
    let mut c = support::cli::tallyman(home, db, "admin");
    c.args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Runs a command that must succeed; returns its standard output.
fn ok(db: &Path, args: &[&str]) -> String {
    let o = tm(db, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "tallyman {args:?}:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// A small demo database (the demo's aisle WH3/A with RT90000002 sold, among 60 units).
fn demo(root: &Path) -> PathBuf {
    support::demo_db(root, 60)
}

/// A one-serial receipt of a router into WH3/A/01.
fn receive(db: &Path, invoice: &str, serial: &str) -> Output {
    tm(
        db,
        &[
            "receive",
            "--supplier",
            "Northwind Distribution",
            "--invoice",
            invoice,
            "--product",
            "RT-AX55",
            "--to",
            "WH3/A/01",
            serial,
        ],
    )
}

/// The same, which must succeed.
fn ok_receipt(db: &Path, invoice: &str, serial: &str) {
    let o = receive(db, invoice, serial);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn journal(db: &Path) -> PathBuf {
    db.join("journal.tlj")
}

/// Where each entry's frame starts and ends (8-byte header, then `len | crc | payload`).
fn frames(db: &Path) -> Vec<(usize, usize)> {
    let bytes = std::fs::read(journal(db)).unwrap();
    let mut out = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        out.push((at, at + 8 + len));
        at += 8 + len;
    }
    out
}

/// Flips one payload byte of entry `seq` (its checksum then fails).
fn flip(db: &Path, seq: usize) -> usize {
    let (start, end) = frames(db)[seq - 1];
    let mut bytes = std::fs::read(journal(db)).unwrap();
    bytes[(start + 8 + end) / 2] ^= 0x5a;
    std::fs::write(journal(db), bytes).unwrap();
    start
}

/// Folders in `db` whose names start with `prefix`.
fn named(db: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(db)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn lookup_sold(db: &Path) -> Output {
    tm(db, &["lookup", "RT90000002"])
}

fn assert_sold_unit_found(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    assert!(stdout(o).contains("sold to ACME Retail"), "{}", stdout(o));
}

// ------------------------------------------------------------------ the store heals itself

#[test]
fn a_stray_snapshot_file_is_healed_in_one_line_and_the_old_store_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let entries = frames(&db).len();
    std::fs::write(db.join("state/snap.1.generating"), b"").unwrap();
    let o = lookup_sold(&db);
    assert_sold_unit_found(&o);
    let warn: Vec<String> = stderr(&o)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(str::to_string)
        .collect();
    assert_eq!(warn.len(), 1, "one line: {warn:?}");
    assert!(warn[0].contains("the store could not be read"), "{warn:?}");
    assert!(
        warn[0].contains(&format!(
            "is rebuilt from the journal ({entries} entries replayed)"
        )),
        "{warn:?}"
    );
    let aside = named(&db, "state.unreadable-");
    assert_eq!(aside.len(), 1);
    assert!(
        aside[0].join("snap.1.generating").exists(),
        "kept as it was"
    );
    assert!(
        ok(&db, &["check"]).starts_with("ok:"),
        "the healed store equals a replay"
    );
    // Writes go on.
    ok_receipt(&db, "H-1", "RT91000001");
}

/// A one-shot command does not tear the store down on its way out (a big store's teardown
/// took a fifth of a lookup), but what it wrote is in the store on disk when it ends: read
/// here with sled itself, not through a replay of the journal.
#[test]
fn a_command_leaves_its_writes_in_the_store_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    ok_receipt(&db, "F-1", "RT91000042");
    let state = sled::open(db.join("state")).unwrap();
    let mut unit = b"URT91000042".to_vec();
    unit.push(0);
    assert_eq!(state.scan_prefix(&unit).count(), 1, "the unit's record");
}

/// The warranty indexes (`W` start, `X` coverage end, `S` sold to) are part of the store:
/// with their entries gone the reports miss units, `check` names the first key a replay has
/// and the store lacks, and `rebuild` makes them again.
#[test]
fn the_warranty_indexes_are_checked_by_check_and_made_again_by_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    ok(&db, &["warranty", "extend", "RT90000002", "--months", "60"]);
    let reports = |db: &Path| {
        [
            ok(db, &["warranty", "expiring", "--days", "3650"]),
            ok(db, &["warranty", "customer", "ACME Retail"]),
        ]
    };
    let before = reports(&db);
    assert!(before[0].contains("RT90000002"), "{}", before[0]);
    assert!(before[1].contains("RT90000002"), "{}", before[1]);
    {
        let state = sled::open(db.join("state")).unwrap();
        for tag in [b'W', b'X', b'S'] {
            let keys: Vec<_> = state
                .scan_prefix([tag])
                .keys()
                .map(Result::unwrap)
                .collect();
            assert!(!keys.is_empty(), "the demo has {} keys", tag as char);
            for k in keys {
                state.remove(k).unwrap();
            }
        }
        state.flush().unwrap();
    }
    let gone = reports(&db);
    assert!(!gone[0].contains("RT90000002"), "{}", gone[0]);
    assert!(!gone[1].contains("RT90000002"), "{}", gone[1]);
    let o = tm(&db, &["check"]);
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("key \"S") && stderr(&o).contains("run `tallyman rebuild`"),
        "{}",
        stderr(&o)
    );
    assert!(ok(&db, &["rebuild"]).starts_with("rebuilt the store from"));
    assert!(ok(&db, &["check"]).starts_with("ok:"));
    assert_eq!(reports(&db), before);
}

#[test]
fn an_unreadable_store_is_healed_and_rebuild_never_needs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    // Garbage over sled's config file: it cannot be opened ("Unsupported").
    std::fs::write(db.join("state/conf"), &garbage[..62]).unwrap();
    let o = lookup_sold(&db);
    assert_sold_unit_found(&o);
    assert!(
        stderr(&o).contains("the store could not be read (store"),
        "{}",
        stderr(&o)
    );
    assert_eq!(named(&db, "state.unreadable-").len(), 1);
    // Garbage over its data file: sled finds nothing it can use, and says nothing; the
    // store is rebuilt all the same, in one line.
    std::fs::write(db.join("state/db"), &garbage).unwrap();
    let o = lookup_sold(&db);
    assert_sold_unit_found(&o);
    assert!(
        stderr(&o).contains("is rebuilt from the journal"),
        "{}",
        stderr(&o)
    );
    assert!(ok(&db, &["check"]).starts_with("ok:"));
    // rebuild does not care what the old store holds.
    std::fs::write(db.join("state/conf"), &garbage[..62]).unwrap();
    let out = ok(&db, &["rebuild"]);
    assert!(out.starts_with("rebuilt the store from"), "{out}");
    assert_sold_unit_found(&lookup_sold(&db));
    assert!(ok(&db, &["check"]).starts_with("ok:"));
}

#[test]
fn a_scratch_store_left_by_a_killed_check_is_removed_by_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    std::fs::create_dir_all(db.join(".check-999999/blobs")).unwrap();
    std::fs::write(db.join(".check-999999/db"), vec![0u8; 4096]).unwrap();
    assert_sold_unit_found(&lookup_sold(&db));
    assert!(!db.join(".check-999999").exists());
}

// ------------------------------------------------------------------ torn versus damaged

#[test]
fn a_torn_tail_is_cut_and_its_bytes_kept_beside_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let before = std::fs::read(journal(&db)).unwrap();
    // An entry whose length runs past the end of the file: a write that never finished.
    let tail = [200u8, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9];
    let mut bytes = before.clone();
    bytes.extend_from_slice(&tail);
    std::fs::write(journal(&db), &bytes).unwrap();
    let o = lookup_sold(&db);
    assert_sold_unit_found(&o);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "cut off an unfinished entry at byte {} of",
            before.len()
        )),
        "{err}"
    );
    assert!(
        err.contains("the entry's length (200 bytes) runs past the end of the file"),
        "{err}"
    );
    assert_eq!(std::fs::read(journal(&db)).unwrap(), before);
    let kept = named(&db, "journal.tlj.torn-");
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(&kept[0]).unwrap(), tail, "the cut bytes");
}

#[test]
fn a_damaged_last_frame_makes_the_database_read_only_and_is_never_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let last = frames(&db).len();
    let offset = flip(&db, last);
    let damaged = std::fs::read(journal(&db)).unwrap();
    // Lookups and reports work; changes are refused naming the entry, its offset and what to do.
    assert_sold_unit_found(&lookup_sold(&db));
    ok(&db, &["stock"]);
    let o = receive(&db, "H-2", "RT91000002");
    assert_eq!(o.status.code(), Some(3));
    // What matters first (a handheld shows the start): read-only, why, who repairs it.
    let want = format!(
        "tallyman: Read-only: journal damaged at entry {last} (byte {offset}); ask an admin. Lookups and reports work, changes are refused. To repair it, stop its other users and run `tallyman rebuild --salvage` (the damaged journal is kept), or `tallyman restore BACKUP`. journal "
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "is damaged at entry {last} (byte {offset}): a complete entry whose checksum does not match (its bytes were changed)"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(journal(&db)).unwrap(), damaged, "nothing cut");
    assert!(named(&db, "journal.tlj.torn-").is_empty());
    // Nor when the store is missing and the whole journal is replayed.
    std::fs::remove_dir_all(db.join("state")).unwrap();
    let o = lookup_sold(&db);
    assert_sold_unit_found(&o);
    assert!(stderr(&o).contains(&format!("Read-only: journal damaged at entry {last}")));
    assert_eq!(std::fs::read(journal(&db)).unwrap(), damaged, "nothing cut");
    // check names it and sends to salvage, never back to check.
    let o = tm(&db, &["check"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains(&format!("damaged at entry {last}")));
    assert!(stderr(&o).contains("run `tallyman rebuild --salvage`"));
    assert!(!stderr(&o).contains("run `tallyman check`"));
}

#[test]
fn middle_damage_is_read_only_then_salvage_keeps_everything_else_and_says_what_was_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let all = frames(&db);
    let n = all.len();
    assert!(n >= 6, "{n} entries");
    let offset = flip(&db, 4);
    let damaged = std::fs::read(journal(&db)).unwrap();
    let o = tm(&db, &["rebuild"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("A rebuild needs a sound journal"),
        "{}",
        stderr(&o)
    );
    // Without a terminal and without a choice, salvage lists the later entries, changes nothing.
    let o = tm(&db, &["rebuild", "--salvage"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{} entries after the damage are intact", n - 4)));
    assert!(stderr(&o).contains("--keep-later"));
    assert_eq!(std::fs::read(journal(&db)).unwrap(), damaged);
    // Keeping them.
    let out = ok(&db, &["rebuild", "--salvage", "--keep-later"]);
    assert!(
        out.contains(&format!(
            "lost: entry 4 (unreadable, bytes {offset}..{})",
            all[3].1
        )),
        "{out}"
    );
    assert!(out.contains("kept as entry 4: entry 5 at "), "{out}");
    assert!(out.contains("kept: entries 1..=3 as they were"), "{out}");
    let kept = named(&db, "journal.tlj.damaged-");
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(&kept[0]).unwrap(), damaged, "kept untouched");
    let out = ok(&db, &["check"]);
    assert!(
        out.starts_with(&format!("ok: {} journal entries", n - 1)),
        "{out}"
    );
    // Writable again.
    ok_receipt(&db, "H-3", "RT91000003");
}

#[test]
fn salvage_can_drop_the_later_entries_and_lists_them_as_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let n = frames(&db).len();
    flip(&db, n - 1);
    let out = ok(&db, &["rebuild", "--salvage", "--drop-later"]);
    assert!(
        out.contains(&format!("lost (dropped): entry {n} at ")),
        "{out}"
    );
    assert!(
        out.contains(&format!("kept: entries 1..={} as they were", n - 2)),
        "{out}"
    );
    assert!(ok(&db, &["check"]).starts_with(&format!("ok: {} journal entries", n - 2)));
}

// ------------------------------------------------------------------ restore and backup

#[test]
fn restoring_twice_with_force_keeps_both_journals_it_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let backup = tmp.path().join("b1.tlj");
    let out = ok(&db, &["backup", backup.to_str().unwrap()]);
    assert!(out.contains("anchor: "), "{out}");
    ok_receipt(&db, "R-1", "RT91000004");
    let first = std::fs::read(journal(&db)).unwrap();
    // The live journal holds entries: --force is needed, with or without a store.
    let o = tm(&db, &["restore", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("add --force"), "{}", stderr(&o));
    std::fs::remove_dir_all(db.join("state")).unwrap();
    let o = tm(&db, &["restore", backup.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("add --force"), "{}", stderr(&o));
    assert_eq!(std::fs::read(journal(&db)).unwrap(), first);
    ok(&db, &["restore", "--force", backup.to_str().unwrap()]);
    let second = std::fs::read(journal(&db)).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    ok(&db, &["restore", "--force", backup.to_str().unwrap()]);
    let kept: Vec<Vec<u8>> = named(&db, "journal.tlj.replaced-")
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(kept.len(), 2, "both replaced journals are kept");
    assert!(kept.contains(&first) && kept.contains(&second));
    // Restoring the database's own journal is refused.
    let o = tm(&db, &["restore", "--force", journal(&db).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is the database's own journal"),
        "{}",
        stderr(&o)
    );
    assert!(journal(&db).exists());
}

#[test]
fn backup_refuses_anything_but_a_regular_file_and_never_replaces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let o = tm(&db, &["backup", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a regular file"),
        "{}",
        stderr(&o)
    );
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    let o = tm(&db, &["backup", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // A symbolic link is not replaced, nor is what it names written.
    let kept = tmp.path().join("kept.txt");
    std::fs::write(&kept, "keep me").unwrap();
    let link = tmp.path().join("link.tlj");
    std::os::unix::fs::symlink(&kept, &link).unwrap();
    let o = tm(&db, &["backup", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "keep me");
    // Backups are private.
    let b = tmp.path().join("b.tlj");
    ok(&db, &["backup", b.to_str().unwrap()]);
    assert_eq!(
        std::fs::metadata(&b).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn backup_works_while_the_screens_have_the_database_open() {
    if support::skipped(
        "the backup beside the screens test",
        support::tmux_missing(),
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let t = Tmux::start(
        "backup",
        80,
        24,
        &format!(
            "env USER=admin TERM=xterm {BIN} --db {}; sleep 30",
            db.display()
        ),
    );
    t.wait_for("Lookup", Duration::from_secs(15));
    let b = tmp.path().join("live.tlj");
    let out = ok(&db, &["backup", b.to_str().unwrap()]);
    assert!(out.contains("backup written to"), "{out}");
    assert_eq!(
        std::fs::read(&b).unwrap(),
        std::fs::read(journal(&db)).unwrap()
    );
    // A second process cannot open it, but says who holds it.
    let o = lookup_sold(&db);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("in use by"), "{}", stderr(&o));
}

#[test]
fn on_a_full_disk_a_lookup_says_so_and_anchor_and_backup_to_another_disk_work() {
    // A small tmpfs of our own (root only); elsewhere the test says why it is skipped.
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=8m",
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if support::skipped(
        "the full-disk test",
        (!mounted).then(|| "cannot mount a tmpfs here (needs root)".into()),
    ) {
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).output();
        }
    }
    let _guard = Unmount(mnt.clone());
    let db = demo(&mnt);
    // Fill the disk.
    let filler = mnt.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![7u8; 1 << 16];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    // A lookup needs the store, and sled cannot open it without writing: the command says
    // the disk is full and what was kept, and puts no copy of the store in memory.
    let o = lookup_sold(&db);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("tallyman: disk full:"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("the journal is kept as it is"),
        "{}",
        stderr(&o)
    );
    // What reads only the journal still works.
    ok(&db, &["anchor"]);
    let b = tmp.path().join("offdisk.tlj");
    let out = ok(&db, &["backup", b.to_str().unwrap()]);
    assert!(out.contains("backup written to"), "{out}");
    assert_eq!(
        std::fs::read(&b).unwrap(),
        std::fs::read(journal(&db)).unwrap()
    );
    // A restore is refused before it touches anything.
    let before = std::fs::read(journal(&db)).unwrap();
    let big = tmp.path().join("big.tlj");
    std::fs::write(&big, &before).unwrap();
    let o = tm(&db, &["restore", "--force", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("bytes free in"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was changed"), "{}", stderr(&o));
    assert_eq!(std::fs::read(journal(&db)).unwrap(), before);
    assert!(named(&db, "journal.tlj.replaced-").is_empty());
    // A change is refused with the disk's words, and nothing is lost.
    let o = receive(&db, "F-1", "RT91000005");
    assert_ne!(o.status.code(), Some(0));
    std::fs::remove_file(&filler).unwrap();
    assert!(ok(&db, &["check"]).starts_with("ok:"));
}

/// A small tmpfs of our own at `root/small` (root only), unmounted when dropped; `None` when
/// this machine cannot mount one (the test says so and is skipped, except in CI as root).
fn small_tmpfs(root: &Path, size: &str) -> Option<impl Drop> {
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).output();
        }
    }
    let mnt = root.join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if support::skipped(
        "the full-disk test",
        (!mounted).then(|| "cannot mount a tmpfs here (needs root)".into()),
    ) {
        return None;
    }
    Some(Unmount(mnt))
}

#[test]
fn a_restore_that_does_not_fit_changes_nothing_and_says_the_disk_is_full() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_mounted) = small_tmpfs(tmp.path(), "6m") else {
        return;
    };
    let mnt = tmp.path().join("small");
    // A site's database on the small disk, and a backup of a larger one beside it: its
    // journal fits, the store rebuilt from it does not.
    let db = demo(&mnt);
    let elsewhere = tmp.path().join("big");
    std::fs::create_dir(&elsewhere).unwrap();
    let big_db = support::demo_db(&elsewhere, 20_000);
    let big = tmp.path().join("big.tlj");
    ok(&big_db, &["backup", big.to_str().unwrap()]);
    let before = std::fs::read(journal(&db)).unwrap();
    assert!(std::fs::metadata(&big).unwrap().len() < 4 << 20);

    let o = tm(&db, &["restore", "--force", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("disk full:"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    // Nothing was changed indeed, and nothing is left behind.
    assert_eq!(std::fs::read(journal(&db)).unwrap(), before);
    assert!(named(&db, "journal.tlj.replaced-").is_empty());
    assert!(named(&db, ".journal.tlj.restoring").is_empty());
    assert!(named(&db, ".rebuild-").is_empty());
    assert_sold_unit_found(&lookup_sold(&db));
    assert!(ok(&db, &["check"]).starts_with("ok:"));
}

#[test]
fn with_its_store_gone_on_a_full_disk_a_lookup_says_so_and_fills_no_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_mounted) = small_tmpfs(tmp.path(), "8m") else {
        return;
    };
    let mnt = tmp.path().join("small");
    let db = demo(&mnt);
    std::fs::remove_dir_all(db.join("state")).unwrap();
    let filler = mnt.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![7u8; 1 << 16];
    while std::io::Write::write_all(&mut f, &block).is_ok() {}
    drop(f);
    let shm_before: Vec<_> = std::fs::read_dir("/dev/shm")
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    let before = std::fs::read(journal(&db)).unwrap();
    let o = lookup_sold(&db);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("disk full"), "{}", stderr(&o));
    assert!(stderr(&o).contains("the journal is kept"), "{}", stderr(&o));
    let shm_after: Vec<_> = std::fs::read_dir("/dev/shm")
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        shm_after.iter().all(|n| shm_before.contains(n)),
        "a store was put in memory: {shm_after:?}"
    );
    assert!(named(&db, ".readonly-").is_empty());
    assert_eq!(std::fs::read(journal(&db)).unwrap(), before);
    // With room again, the store is rebuilt and the unit found.
    std::fs::remove_file(&filler).unwrap();
    assert_sold_unit_found(&lookup_sold(&db));
}

// ------------------------------------------------------------------ anchors

/// Rewrites the journal from entry `seq` on with a consistent chain after changing that
/// entry's bytes: what a deliberate editor would do.
fn rewrite_chain_from(db: &Path, seq: u64) {
    use tallyman::journal::{read_all, Journal, ZERO_HASH};
    let mut entries = Vec::new();
    read_all(&journal(db), |l| {
        entries.push(l.entry.clone());
        Ok(())
    })
    .unwrap();
    let fresh = db.join("forged.tlj");
    let (mut j, _) = Journal::open(&fresh, 0, 0, ZERO_HASH).unwrap();
    for mut e in entries {
        if e.seq == seq {
            e.actor.push_str("-forged");
        }
        j.append(e.at_ms, &e.actor, e.events).unwrap();
    }
    drop(j);
    std::fs::rename(&fresh, journal(db)).unwrap();
}

#[test]
fn a_rewritten_chain_is_caught_naming_the_first_changed_entry_and_by_an_anchor() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let anchor = ok(&db, &["anchor"]).trim().to_string();
    let n = frames(&db).len() as u64;
    assert!(anchor.starts_with(&format!("{n}:")), "{anchor}");
    rewrite_chain_from(&db, 3);
    // The store remembers what it applied: the database opens read-only, check names entry 3.
    let o = lookup_sold(&db);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("was changed or replaced by hand"),
        "{}",
        stderr(&o)
    );
    let o = tm(&db, &["check"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("entry 3 was changed after it was applied"),
        "{}",
        stderr(&o)
    );
    // A plain rebuild refuses to take the changed journal as the truth.
    let o = tm(&db, &["rebuild"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("journal entry 3 is not the one the store applied"));
    // Forced, the store is laundered, and only the anchor kept outside still catches it.
    ok(&db, &["rebuild", "--force"]);
    assert!(ok(&db, &["check"]).starts_with("ok:"));
    let o = tm(&db, &["check", "--anchor", &anchor]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains(&format!("entry {n} is not the one anchored as {anchor}")),
        "{}",
        stderr(&o)
    );
    // An anchor file (as the server keeps) works the same.
    let file = tmp.path().join("site.anchor");
    std::fs::write(&file, format!("{anchor} 2026-11-29T10:00:00Z\n")).unwrap();
    assert_eq!(
        tm(&db, &["check", "--anchor", file.to_str().unwrap()])
            .status
            .code(),
        Some(3)
    );
}

#[test]
fn an_edited_entry_with_a_fixed_checksum_is_named_not_the_one_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    // Change the user of entry 3 and fix its checksum: only the chain shows it.
    let (start, end) = frames(&db)[2];
    let mut bytes = std::fs::read(journal(&db)).unwrap();
    let payload = start + 8..end;
    let at = bytes[payload.clone()]
        .windows(4)
        .position(|w| w == b"demo")
        .expect("the demo's entries are by demo")
        + start
        + 8;
    bytes[at] = b'x';
    let crc = crc32fast::hash(&bytes[payload]);
    bytes[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
    std::fs::write(journal(&db), bytes).unwrap();
    // Without the store's memory of what it applied, the chain alone names entry 3.
    std::fs::remove_dir_all(db.join("state")).unwrap();
    let o = tm(&db, &["check"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains(&format!(
            "damaged at entry 3 (byte {start}): entry 3 was changed after entry 4 was written"
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_anchor_the_journal_still_holds_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let anchor = ok(&db, &["anchor"]).trim().to_string();
    ok_receipt(&db, "A-1", "RT91000006");
    let out = ok(&db, &["check", "--anchor", &anchor]);
    assert!(out.contains("anchors: all 1 held"), "{out}");
    let o = tm(&db, &["check", "--anchor", "12:nothex"]);
    assert_eq!(o.status.code(), Some(1));
}

// ------------------------------------------------------------------ files and folders

#[test]
fn the_database_is_private_whatever_the_umask_and_check_warns_when_it_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 0; {BIN} --db {} demo --no-tui --units 20",
            db.display()
        ))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    assert_eq!(mode(&journal(&db)), 0o600);
    assert_eq!(mode(&db.join("state")), 0o700);
    assert_eq!(mode(&db.join("state/db")), 0o600);
    let o = tm(&db, &["check"]);
    assert!(
        !stderr(&o).contains("can be read by others"),
        "{}",
        stderr(&o)
    );
    // A file someone opened up is made private again, and check says so; one tallyman
    // does not own (a copy left in the folder) is named with what to do.
    std::fs::set_permissions(journal(&db), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(db.join("copy.tlj"), b"x").unwrap();
    std::fs::set_permissions(db.join("copy.tlj"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = tm(&db, &["check"]);
    assert!(
        stderr(&o).contains("journal.tlj could be read by others (mode 644); it is private now"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(&format!(
            "copy.tlj can be read by others (mode 644); run `chmod -R go-rwx {}`",
            db.display()
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(mode(&journal(&db)), 0o600);
}

#[test]
fn a_configured_group_shares_the_database_with_that_group_only() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let config = tmp.path().join("tallyman.toml");
    let stock_with = |group: &str| {
        std::fs::write(&config, format!("[database]\ngroup = \"{group}\"\n")).unwrap();
        Command::new(BIN)
            .args([
                "--config",
                config.to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
                "stock",
            ])
            .output()
            .unwrap()
    };
    let o = stock_with("root");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o770);
    assert_eq!(mode(&journal(&db)), 0o660);
    assert_eq!(mode(&db.join("state/db")), 0o660);
    // A group the system does not know is said, and the database is private again.
    let o = stock_with("no-such-group-here");
    assert!(
        stderr(&o).contains("\"no-such-group-here\" is not a group of this system"),
        "{}",
        stderr(&o)
    );
    assert_eq!(mode(&journal(&db)), 0o600);
}

#[test]
fn a_mistyped_db_is_an_error_init_creates_and_an_empty_folder_is_a_new_database() {
    let tmp = tempfile::tempdir().unwrap();
    let typo = tmp.path().join("sitee");
    let o = tm(&typo, &["stock"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!(
            "expected a database at \"{}\", found nothing",
            typo.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(!typo.exists(), "nothing created");
    let o = Command::new(BIN)
        .args(["init", typo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(journal(&typo).exists());
    ok(&typo, &["stock"]);
    // init again changes nothing; init refuses a folder that holds other files.
    let o = Command::new(BIN)
        .args(["init", typo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("already holds a database; nothing changed"));
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "x").unwrap();
    let o = Command::new(BIN)
        .args(["init", other.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds files"), "{}", stderr(&o));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    ok(&empty, &["stock"]);
    // The default database is created on first use, with a notice.
    let home = tmp.path().join("home");
    let o = Command::new(BIN)
        .env_remove("TALLYMAN_DB")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .args(["stock"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: created a new database in"),
        "{}",
        stderr(&o)
    );
    assert!(home.join("data/tallyman/journal.tlj").exists());
}

#[test]
fn a_folder_of_other_files_is_no_database_and_no_command_changes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let foreign = tmp.path().join("papers");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o755)).unwrap();
    let socket = tmp.path().join("papers.sock");
    let backup = tmp.path().join("site.tlj");
    ok(&demo(tmp.path()), &["backup", backup.to_str().unwrap()]);
    for args in [
        vec!["restore", "--force", backup.to_str().unwrap()],
        vec!["lookup", "SN1"],
        vec!["count", "list"],
        vec!["check"],
        vec!["demo", "--no-tui", "--units", "20"],
        vec!["serve", "--socket", socket.to_str().unwrap()],
    ] {
        let o = tm(&foreign, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "tallyman: not a database: expected tallyman's journal.tlj in \"{}\", found other files (\"notes.txt\")",
                foreign.display()
            )),
            "{args:?}: {err}"
        );
        assert!(err.contains("tallyman init"), "{args:?}: {err}");
        let mode = std::fs::metadata(&foreign).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "{args:?}: the folder's mode is kept");
        let names: Vec<String> = std::fs::read_dir(&foreign)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["notes.txt"], "{args:?}: nothing added");
        assert_eq!(
            std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep me"
        );
        assert!(!socket.exists(), "{args:?}: no socket");
    }
}

#[test]
fn a_copy_left_by_a_killed_salvage_or_restore_is_removed_by_the_next_open_or_salvage() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    for name in [
        ".journal.tlj.salvage",
        ".journal.tlj.salvage-2",
        ".journal.tlj.restoring",
    ] {
        std::fs::write(db.join(name), b"half a salvaged or restored journal").unwrap();
    }
    assert_sold_unit_found(&lookup_sold(&db));
    assert!(named(&db, ".journal.tlj.salvage").is_empty());
    assert!(
        named(&db, ".journal.tlj.restoring").is_empty(),
        "a killed restore's copy goes too"
    );
    // The next salvage too (it opens nothing else first).
    let n = frames(&db).len();
    flip(&db, n - 1);
    std::fs::write(db.join(".journal.tlj.salvage"), b"left by a killed salvage").unwrap();
    ok(&db, &["rebuild", "--salvage", "--drop-later"]);
    assert!(named(&db, ".journal.tlj.salvage").is_empty());
    assert!(ok(&db, &["check"]).starts_with(&format!("ok: {} journal entries", n - 2)));
}

#[test]
fn with_the_store_gone_an_incomplete_last_entry_is_read_only_until_salvage_cuts_it() {
    // Nothing but the store records which entries were acknowledged: without it, a last
    // entry cut short (by a crash while writing it, or by a truncating copy of a journal
    // whose entry was long acknowledged) cannot be told apart, so nothing is cut on open.
    type Damage = (&'static str, fn(&mut Vec<u8>, (usize, usize)));
    let cases: [Damage; 2] = [
        ("the file cut short", |bytes, (_, end)| {
            bytes.truncate(end - 5)
        }),
        ("its length made longer", |bytes, (start, _)| {
            bytes[start + 2] = 0x7f
        }),
    ];
    for (name, damage) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let db = demo(tmp.path());
        let all = frames(&db);
        let last = all.len();
        let (start, _) = all[last - 1];
        let mut bytes = std::fs::read(journal(&db)).unwrap();
        damage(&mut bytes, all[last - 1]);
        std::fs::write(journal(&db), &bytes).unwrap();
        std::fs::remove_dir_all(db.join("state")).unwrap();
        for _ in 0..2 {
            let o = lookup_sold(&db);
            assert_sold_unit_found(&o);
            let err = stderr(&o);
            assert!(
                err.contains(&format!(
                    "Read-only: journal ends in an incomplete entry {last} (byte {start}); ask an admin."
                )),
                "{name}: {err}"
            );
            assert!(err.contains("nothing shows whether"), "{name}: {err}");
            assert!(!err.contains("never acknowledged"), "{name}: {err}");
            assert_eq!(
                std::fs::read(journal(&db)).unwrap(),
                bytes,
                "{name}: nothing cut"
            );
            assert!(named(&db, "journal.tlj.torn-").is_empty(), "{name}");
        }
        let o = receive(&db, "H-9", "RT91000009");
        assert_eq!(o.status.code(), Some(3), "{name}: {}", stderr(&o));
        // The salvage cuts it and says what it cut.
        let out = ok(&db, &["rebuild", "--salvage"]);
        assert!(
            out.contains(&format!(
                "lost: entry {last} (incomplete, bytes {start}..{})",
                bytes.len()
            )),
            "{name}: {out}"
        );
        let kept = named(&db, "journal.tlj.damaged-");
        assert_eq!(
            std::fs::read(&kept[0]).unwrap(),
            bytes,
            "{name}: kept untouched"
        );
        assert!(
            ok(&db, &["check"]).starts_with(&format!("ok: {} journal entries", last - 1)),
            "{name}"
        );
        ok_receipt(&db, "H-9", "RT91000009");
    }
}

#[test]
fn check_says_what_is_true_of_an_anchor_it_cannot_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let anchor = ok(&db, &["anchor"]).trim().to_string();
    let n = frames(&db).len();
    // A rewritten chain whose store was laundered: only the anchor catches it, and there is
    // no entry 0 a backup could be made after.
    rewrite_chain_from(&db, 1);
    ok(&db, &["rebuild", "--force"]);
    let o = tm(&db, &["check", "--anchor", &anchor]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(!err.contains("entry 0"), "{err}");
    assert!(
        err.contains(
            "restore a backup that passes `tallyman check --anchor` with the same anchors"
        ),
        "{err}"
    );
    // An anchored entry after damage is damaged, not removed.
    let db = demo(&tmp.path().join("second"));
    let anchor = ok(&db, &["anchor"]).trim().to_string();
    flip(&db, n - 2);
    let o = tm(&db, &["check", "--anchor", &anchor]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(!err.contains("were removed"), "{err}");
    assert!(
        err.contains(&format!(
            "anchor {anchor} names entry {n}, at or after the damage at entry {}: it cannot be checked",
            n - 2
        )),
        "{err}"
    );
}

#[test]
fn the_open_names_the_first_changed_entry_as_check_does() {
    let tmp = tempfile::tempdir().unwrap();
    let db = demo(tmp.path());
    let n = frames(&db).len();
    assert!(n > 4, "{n}");
    rewrite_chain_from(&db, 3);
    let o = lookup_sold(&db);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("Read-only: journal entry 3 was changed; ask an admin."),
        "{err}"
    );
    assert!(!err.contains(&format!("entry {n} ")), "{err}");
    let o = tm(&db, &["check"]);
    assert!(
        stderr(&o).contains("entry 3 was changed after it was applied"),
        "{}",
        stderr(&o)
    );
}

/// Runs the binary as the account `tmhh1` (not root, so permissions hold), or `None` when
/// the test does not run as root or the account is missing (CI runs as root and makes it).
fn as_other_account(db: &Path, args: &[&str]) -> Option<Output> {
    use std::os::unix::process::CommandExt;
    let user = nix::unistd::User::from_name("tmhh1").ok().flatten();
    let (Some(user), true) = (user, nix::unistd::geteuid().is_root()) else {
        support::skipped(
            "the other account's restore",
            Some("needs root and the account tmhh1 (.ci/run makes it)".into()),
        );
        return None;
    };
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let o = Command::new(BIN)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("TALLYMAN_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .uid(user.uid.as_raw())
        .gid(user.gid.as_raw())
        .output()
        .unwrap();
    Some(o)
}

#[test]
fn a_path_that_may_not_be_read_is_said_so_not_called_missing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let private = tmp.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let backup = private.join("site.tlj");
    std::fs::write(&backup, b"TALLYJ\x00\x01").unwrap();
    let db = tmp.path().join("mine");
    std::fs::create_dir(&db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o777)).unwrap();
    let Some(o) = as_other_account(&db, &["restore", backup.to_str().unwrap()]) else {
        return;
    };
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("found nothing"), "{err}");
    assert!(
        err.contains(&format!(
            "expected a backup file at \"{}\", found permission denied",
            backup.display()
        )),
        "{err}"
    );
    // A backup without a server, of a database this account may not read.
    let theirs = demo(&tmp.path().join("theirs"));
    std::fs::set_permissions(
        tmp.path().join("theirs"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let target = tmp.path().join("mine/b.tlj");
    let o = as_other_account(&theirs, &["backup", target.to_str().unwrap()]).unwrap();
    let err = stderr(&o);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("found no journal"), "{err}");
    assert!(err.contains("permission denied"), "{err}");
    assert!(!target.exists());
}
