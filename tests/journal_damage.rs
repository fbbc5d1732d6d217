//! Damage to the journal and the ways back (DESIGN section 5): a torn tail is cut off on open
//! with a warning and every earlier entry kept; a damaged middle entry is reported by number
//! (library and CLI); `rebuild` and `backup` + `restore` give the same store.

mod support;
use std::path::{Path, PathBuf};
use support::lock::retry;
use support::FixedClock;

use tallyman::domain::{DocKind, Mode, PartyRole, SerialFormat, Tracking};
use tallyman::journal::{read_all, Located};
use tallyman::ops::local::{maintenance, Service};
use tallyman::ops::{
    Command, DocRequest, LineRequest, NewParty, NewProduct, OpsError, JOURNAL_FILE, STATE_DIR,
};

fn open(dir: &Path) -> Result<(Service, tallyman::ops::OpenNotes), OpsError> {
    retry(|| Service::open_with_clock(dir, Box::new(FixedClock)))
}

fn check(dir: &Path) -> Result<tallyman::ops::CheckReport, OpsError> {
    retry(|| maintenance::check(dir, &[], &Default::default()))
}

fn rebuild(dir: &Path) -> Result<(u64, PathBuf), OpsError> {
    retry(|| maintenance::rebuild(dir, false, None, &Default::default()))
        .map(|r| (r.entries, r.old_store.unwrap_or_default()))
}

fn restore(dir: &Path, file: &Path, force: bool) -> Result<u64, OpsError> {
    retry(|| maintenance::restore(dir, file, force, None, &Default::default())).map(|r| r.entries)
}

fn receipt(serials: &[&str]) -> Command {
    Command::Post(DocRequest {
        kind: DocKind::Receipt,
        date: None,
        party: Some("Northwind".into()),
        invoice: Some("INV-1".into()),
        from: None,
        to: Some("WH1/A".into()),
        reason: None,
        declared_qty: None,
        lines: serials
            .iter()
            .map(|s| LineRequest {
                sku: "SKU-1".into(),
                serial: Some(s.to_string()),
                qty: 1,
                amount: None,
            })
            .collect(),
    })
}

fn setup(svc: &Service) {
    svc.execute(
        "setup",
        Command::Batch(vec![
            Command::AddParty(NewParty {
                name: "Northwind".into(),
                role: PartyRole::Supplier,
                bill_to: String::new(),
                ship_to: String::new(),
            }),
            Command::AddLocation {
                code: "WH1/A".into(),
                name: String::new(),
            },
            Command::AddProduct(NewProduct {
                sku: "SKU-1".into(),
                name: "Thing".into(),
                gtin: None,
                category: String::new(),
                tracking: Tracking::all(Mode::Strict),
                serial_format: SerialFormat::Plain,
                warranty: None,
                fold_case: true,
            }),
        ]),
    )
    .unwrap();
}

/// A closed database with `n` entries: setup, then receipts of `E2`, `E3`, ... (one serial
/// per entry, named after the entry's sequence number).
fn make_db(dir: &Path, n: u64) {
    let (svc, _) = open(dir).unwrap();
    setup(&svc);
    for seq in 2..=n {
        svc.execute("clerk", receipt(&[&format!("E{seq}")]))
            .unwrap();
    }
}

/// Opens a damaged database: it opens read-only, says why in its warnings, and refuses a
/// change with the same words. Returns those words.
fn read_only_words(dir: &Path, entry: u64) -> String {
    let (svc, notes) = open(dir).expect("a damaged database still opens, read-only");
    let ro = svc.read_only().expect("read-only").clone();
    assert_eq!(ro.entry, entry, "{}", ro.message);
    assert!(notes.warnings.contains(&ro.message), "{:?}", notes.warnings);
    assert!(
        ro.message.starts_with("Read-only: journal "),
        "{}",
        ro.message
    );
    // What still works; how to repair it is the front end's to say (in its own verbs).
    assert!(
        ro.message.contains(tallyman::ops::READ_ONLY_REFUSED) && !ro.message.contains("tallyman "),
        "{}",
        ro.message
    );
    let before = std::fs::read(journal(dir)).unwrap();
    match svc.execute("clerk", receipt(&["NEW1"])) {
        Err(OpsError::Damaged { entry: e, message }) => {
            assert_eq!(e, entry);
            assert_eq!(message, ro.message);
        }
        other => panic!("a change must be refused after damage, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(journal(dir)).unwrap(),
        before,
        "nothing is written after damage"
    );
    ro.message
}

fn journal(dir: &Path) -> PathBuf {
    dir.join(JOURNAL_FILE)
}

fn located(dir: &Path) -> Vec<Located> {
    let mut out = Vec::new();
    let (_, torn) = read_all(&journal(dir), |l| {
        out.push(l.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(torn, None);
    out
}

fn entries_of(svc: &Service) -> Vec<(Vec<u8>, Vec<u8>)> {
    svc.store()
        .entries()
        .unwrap()
        .map(|r| {
            let (k, v) = r.unwrap();
            (k.to_vec(), v.to_vec())
        })
        .collect()
}

/// Every store key and value of a closed database (opening and closing it).
fn store_entries(dir: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    let (svc, notes) = open(dir).unwrap();
    assert!(notes.warnings.is_empty(), "{:?}", notes.warnings);
    entries_of(&svc)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn append(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

fn knows(svc: &Service, serial: &str) -> bool {
    !svc.lookup(serial).unwrap().is_empty()
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    support::cli::run(db, "tester", args, b"")
}

// ---------------------------------------------------------------- torn tail

/// A database of 3 entries whose journal ends in the first `cut` bytes of a 4th entry that was
/// never applied (the process died while writing it). Returns the 4th frame too.
fn torn_db(root: &Path, name: &str, cut: impl Fn(usize) -> usize) -> (PathBuf, Vec<u8>) {
    let base = root.join("base");
    if !base.exists() {
        make_db(&base, 3);
    }
    // The bytes of entry 4 as a real process would have written them.
    let full = root.join("full");
    if !full.exists() {
        copy_dir(&base, &full);
        let (svc, _) = open(&full).unwrap();
        svc.execute("clerk", receipt(&["E4"])).unwrap();
    }
    let base_len = std::fs::metadata(journal(&base)).unwrap().len() as usize;
    let frame = std::fs::read(journal(&full)).unwrap()[base_len..].to_vec();
    let dir = root.join(name);
    copy_dir(&base, &dir);
    append(&journal(&dir), &frame[..cut(frame.len())]);
    (dir, frame)
}

#[test]
fn a_torn_last_entry_is_cut_off_with_a_warning_and_earlier_entries_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let expected = {
        make_db(&root.join("base"), 3);
        store_entries(&root.join("base"))
    };
    let base_len = std::fs::metadata(journal(&root.join("base")))
        .unwrap()
        .len();
    type Cut = (&'static str, fn(usize) -> usize);
    let cuts: [Cut; 4] = [
        ("one-byte", |_| 1),
        ("header-only", |_| 8),
        ("half", |n| n / 2),
        ("all-but-one", |n| n - 1),
    ];
    for (name, cut) in cuts {
        let (dir, _) = torn_db(root, name, cut);
        let (svc, notes) = open(&dir).unwrap_or_else(|e| panic!("{name}: open failed: {e}"));
        assert_eq!(notes.warnings.len(), 1, "{name}: {:?}", notes.warnings);
        let w = &notes.warnings[0];
        assert!(
            w.contains(&format!("byte {base_len}")) && w.contains("never acknowledged"),
            "{name}: {w}"
        );
        assert_eq!(notes.replayed, 0, "{name}");
        assert_eq!(
            std::fs::metadata(journal(&dir)).unwrap().len(),
            base_len,
            "{name}: the journal is cut back to its last whole entry"
        );
        assert!(knows(&svc, "E2") && knows(&svc, "E3"), "{name}");
        assert!(!knows(&svc, "E4"), "{name}");
        assert_eq!(entries_of(&svc), expected, "{name}: the store is unchanged");
        // The journal goes on from the cut: the next entry is number 4 again.
        svc.execute("clerk", receipt(&["E4-AGAIN"])).unwrap();
        assert_eq!(svc.store().meta().unwrap().applied_seq, 4);
        drop(svc);
        let seqs: Vec<u64> = located(&dir).iter().map(|l| l.entry.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4], "{name}");
        let report = check(&dir).unwrap();
        assert!(report.problems.is_empty(), "{name}: {:?}", report.problems);
        assert_eq!(report.entries, 4);
        // Opening again finds nothing to cut.
        let (_, notes) = open(&dir).unwrap();
        assert!(notes.warnings.is_empty(), "{name}: {:?}", notes.warnings);
    }
}

#[test]
fn a_torn_tail_with_the_store_gone_opens_read_only_until_salvage_cuts_it() {
    // With state removed nothing records which entries were acknowledged: a last entry cut
    // short is no proof of a write that never finished, so nothing is cut on open.
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _) = torn_db(tmp.path(), "gone", |n| n - 3);
    std::fs::remove_dir_all(dir.join(STATE_DIR)).unwrap();
    let torn = std::fs::read(journal(&dir)).unwrap();
    for _ in 0..2 {
        let (svc, notes) = open(&dir).unwrap();
        assert_eq!(notes.replayed, 3);
        let ro = svc.read_only().expect("read-only");
        assert_eq!(ro.entry, 4);
        assert!(ro
            .message
            .starts_with("Read-only: journal ends in an incomplete entry 4"));
        assert_eq!(notes.warnings.len(), 1);
        assert_eq!(notes.warnings[0], ro.message);
        assert!(!ro.message.contains("never acknowledged"), "{}", ro.message);
        assert!(knows(&svc, "E3") && !knows(&svc, "E4"));
        assert!(svc.execute("clerk", receipt(&["E5"])).is_err());
        drop(svc);
        assert_eq!(std::fs::read(journal(&dir)).unwrap(), torn, "nothing cut");
        assert!(!dir.join(STATE_DIR).exists(), "the next open knows no more");
    }
    let report = retry(|| maintenance::salvage(&dir, None, None, &Default::default())).unwrap();
    assert!(report.done && report.torn, "{report:?}");
    assert_eq!((report.kept, report.damaged_seq), (3, 4));
    let (svc, notes) = open(&dir).unwrap();
    assert!(svc.read_only().is_none(), "{:?}", notes.warnings);
    assert!(knows(&svc, "E3") && !knows(&svc, "E4"));
    svc.execute("clerk", receipt(&["E4-AGAIN"])).unwrap();
}

/// Garbage after the last entry: some patterns of bytes a crash can leave behind.
fn garbage_case(pattern: &[u8]) -> Result<Vec<String>, String> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 3);
    let len = std::fs::metadata(journal(&dir)).unwrap().len();
    let expected = store_entries(&dir);
    append(&journal(&dir), pattern);
    let (svc, notes) = open(&dir).map_err(|e| e.to_string())?;
    assert_eq!(std::fs::metadata(journal(&dir)).unwrap().len(), len);
    assert_eq!(entries_of(&svc), expected);
    assert!(knows(&svc, "E3"));
    svc.execute("clerk", receipt(&["E4"])).unwrap();
    drop(svc);
    let report = check(&dir).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    Ok(notes.warnings)
}

#[test]
fn garbage_appended_after_the_last_entry_is_cut_off_with_a_warning() {
    let patterns: [(&str, Vec<u8>); 2] = [
        ("3 bytes", vec![0xAB; 3]),
        ("20 bytes 0x01 (length beyond the file)", vec![0x01; 20]),
    ];
    for (name, bytes) in patterns {
        let warnings = garbage_case(&bytes).unwrap_or_else(|e| panic!("{name}: open failed: {e}"));
        assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
        assert!(warnings[0].contains("cut off"), "{name}: {warnings:?}");
    }
}

#[test]
fn garbage_with_a_huge_length_field_is_a_torn_tail() {
    for bytes in [&[0xFF; 20][..], b"oops, an editor was here\n"] {
        let warnings = garbage_case(bytes).unwrap_or_else(|e| panic!("open failed: {e}"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}

#[test]
fn a_zero_filled_tail_is_a_torn_tail() {
    let warnings = garbage_case(&[0u8; 64]).unwrap_or_else(|e| panic!("open failed: {e}"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn a_truncated_entry_the_store_has_applied_is_not_silently_dropped() {
    // The store says entry 3 is applied, but the journal lost its last bytes: acknowledged
    // data is gone, so open must refuse (naming the entry), never cut it off quietly.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 3);
    let len = std::fs::metadata(journal(&dir)).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(journal(&dir))
        .unwrap()
        .set_len(len - 5)
        .unwrap();
    let words = read_only_words(&dir, 3);
    assert!(
        words.contains("acknowledged entries are missing from the journal"),
        "{words}"
    );
    assert_eq!(
        std::fs::metadata(journal(&dir)).unwrap().len(),
        len - 5,
        "nothing was cut"
    );
    let out = cli(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 3"));
}

#[test]
fn rebuild_recovers_from_a_truncated_applied_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 3);
    let len = std::fs::metadata(journal(&dir)).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(journal(&dir))
        .unwrap()
        .set_len(len - 5)
        .unwrap();
    rebuild(&dir).expect("rebuild from the whole entries");
    let (svc, _) = open(&dir).expect("open after rebuild");
    assert!(knows(&svc, "E2"));
    assert!(!knows(&svc, "E3"));
}

// ---------------------------------------------------------------- damage in the middle

/// Flips one byte in the payload of entry `seq`.
fn flip_in_entry(dir: &Path, seq: u64) {
    let l = located(dir)
        .into_iter()
        .find(|l| l.entry.seq == seq)
        .unwrap();
    let mut bytes = std::fs::read(journal(dir)).unwrap();
    let at = (l.start + 8 + (l.end - l.start - 8) / 2) as usize;
    bytes[at] ^= 0x40;
    std::fs::write(journal(dir), bytes).unwrap();
}

#[test]
fn a_flipped_byte_in_a_middle_entry_is_reported_by_check_naming_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 5);
    let report = check(&dir).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.entries, 5);

    flip_in_entry(&dir, 3);
    let report = check(&dir).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("damaged at entry 3"),
        "{:?}",
        report.problems
    );

    let out = cli(&dir, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("damaged at entry 3"), "{stderr}");
    let out = cli(&dir, &["--json", "check"]);
    assert_ne!(out.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap_or_default())
            .unwrap();
    assert_eq!(v["ok"], false);
    assert!(
        v["problems"][0].as_str().unwrap().contains("entry 3"),
        "{v}"
    );

    // rebuild refuses to build from a broken chain and leaves the store in place.
    let err = rebuild(&dir).expect_err("rebuild must refuse");
    assert!(err.to_string().contains("entry 3"), "{err}");
    assert!(dir.join(STATE_DIR).exists());
    let (svc, _) = open(&dir).expect("the store still opens");
    assert!(knows(&svc, "E5"));
}

#[test]
fn a_flipped_byte_in_an_entry_to_replay_opens_read_only_up_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 5);
    flip_in_entry(&dir, 3);
    std::fs::remove_dir_all(dir.join(STATE_DIR)).unwrap();
    let words = read_only_words(&dir, 3);
    assert!(words.contains("damaged at entry 3"), "{words}");
    assert!(words.contains("checksum does not match"), "{words}");
    // The store was remade up to the damage: what came before it can be looked up.
    let out = cli(&dir, &["lookup", "E2"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(
        &dir,
        &[
            "receive",
            "--supplier",
            "Northwind",
            "--invoice",
            "I",
            "--product",
            "SKU-1",
            "--to",
            "WH1/A",
            "NEW2",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 3"));
}

#[test]
fn a_flipped_byte_in_the_last_applied_entry_is_reported_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 4);
    flip_in_entry(&dir, 4);
    let words = read_only_words(&dir, 4);
    assert!(words.contains("damaged at entry 4"), "{words}");
    let out = cli(&dir, &["check"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 4"));
}

#[test]
fn a_damaged_header_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 2);
    let mut bytes = std::fs::read(journal(&dir)).unwrap();
    bytes[0] = b'X';
    std::fs::write(journal(&dir), bytes).unwrap();
    let report = check(&dir);
    let text = match report {
        Ok(r) => r.problems.join("\n"),
        Err(e) => e.to_string(),
    };
    assert!(text.contains("header"), "{text}");
    let out = cli(&dir, &["check"]);
    assert_ne!(out.status.code(), Some(0));
}

// ---------------------------------------------------------------- rebuild, backup, restore

#[test]
fn rebuild_gives_the_same_store_and_keeps_the_old_one_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 6);
    let before = store_entries(&dir);
    let (entries, aside) = rebuild(&dir).unwrap();
    assert_eq!(entries, 6);
    assert!(aside.is_dir(), "{aside:?}");
    assert!(aside.starts_with(&dir));
    assert_eq!(store_entries(&dir), before, "rebuild changed the store");
    // The CLI does the same (on another database: see the test below for why).
    let other = tmp.path().join("other");
    make_db(&other, 3);
    let before = store_entries(&other);
    let out = cli(&other, &["rebuild"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 journal entries"));
    assert_eq!(store_entries(&other), before);
}

#[test]
fn a_store_of_an_older_layout_is_rebuilt_on_open_and_kept_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 4);
    let before = store_entries(&dir);
    // Stamp the store with an older layout, as an upgrade finds it.
    {
        let db = sled::open(dir.join("state")).unwrap();
        db.insert(b"V", &3u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let (svc, notes) = open(&dir).expect("an older layout is rebuilt, not refused");
    assert!(svc.read_only().is_none());
    assert_eq!(notes.replayed, 4);
    assert_eq!(notes.warnings.len(), 1, "{:?}", notes.warnings);
    assert!(
        notes.warnings[0].contains("written by layout version 3"),
        "{:?}",
        notes.warnings
    );
    drop(svc);
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("state.layout-v3-")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the old store is kept aside");
    assert_eq!(store_entries(&dir), before);
}

/// Changes the store behind the journal's back, as a disk or a hand with sled would.
fn tamper(dir: &Path, change: impl FnOnce(&sled::Db)) {
    // sled lets go of a closed store's lock lazily: wait for it.
    let db = retry(|| sled::open(dir.join("state"))).unwrap();
    change(&db);
    db.flush().unwrap();
}

#[test]
fn check_finds_a_store_that_differs_from_its_journal_and_rebuild_mends_it() {
    let tmp = tempfile::tempdir().unwrap();
    // A unit's record changed, a key the journal never made, a key the journal made removed.
    type Change = Box<dyn FnOnce(&sled::Db)>;
    let changes: [(&str, Change, &str); 3] = [
        (
            "changed",
            Box::new(|db: &sled::Db| {
                let (k, v) = db.scan_prefix(b"U").next().expect("a unit record").unwrap();
                let mut v = v.to_vec();
                let last = v.len() - 1;
                v[last] ^= 0x01;
                db.insert(k, v).unwrap();
            }),
            "differs",
        ),
        (
            "extra",
            Box::new(|db: &sled::Db| {
                db.insert(b"Bnowhere\0\0\0\0\x01X", Vec::new()).unwrap();
            }),
            "\"Bnowhere.....X\"",
        ),
        (
            "missing",
            Box::new(|db: &sled::Db| {
                let (k, _) = db.scan_prefix(b"B").next().expect("a stock key").unwrap();
                db.remove(k).unwrap();
            }),
            "lacks key",
        ),
    ];
    for (name, change, want) in changes {
        let dir = tmp.path().join(name);
        make_db(&dir, 4);
        let before = store_entries(&dir);
        assert!(
            maintenance::check(&dir, &[], &Default::default())
                .unwrap()
                .problems
                .is_empty(),
            "{name}: healthy first"
        );
        tamper(&dir, change);
        let report = maintenance::check(&dir, &[], &Default::default()).unwrap();
        assert_eq!(report.problems.len(), 1, "{name}: {:?}", report.problems);
        assert!(
            report.problems[0].contains(want),
            "{name}: {:?}",
            report.problems
        );
        // The CLI says so with exit 3, and the rebuild gives back the journal's store.
        let out = cli(&dir, &["check"]);
        assert_eq!(out.status.code(), Some(3), "{name}");
        rebuild(&dir).unwrap();
        assert_eq!(store_entries(&dir), before, "{name}: rebuild");
        assert!(
            maintenance::check(&dir, &[], &Default::default())
                .unwrap()
                .problems
                .is_empty(),
            "{name}: mended"
        );
    }
}

#[test]
fn rebuild_twice_in_a_row_works() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 3);
    let before = store_entries(&dir);
    let (_, first) = rebuild(&dir).unwrap();
    let (_, second) = rebuild(&dir).expect("second rebuild");
    assert_ne!(first, second, "each rebuild keeps its own old store");
    assert_eq!(store_entries(&dir), before);
}

#[test]
fn backup_and_restore_into_a_new_folder_give_the_same_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 5);
    let file = tmp.path().join("backup.tlj");
    let before = {
        let (svc, _) = open(&dir).unwrap();
        let bytes = maintenance::backup(&svc, &file).unwrap().bytes;
        assert_eq!(bytes, std::fs::metadata(journal(&dir)).unwrap().len());
        entries_of(&svc)
    };
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(journal(&dir)).unwrap()
    );
    let fresh = tmp.path().join("fresh");
    assert_eq!(restore(&fresh, &file, false).unwrap(), 5);
    assert_eq!(store_entries(&fresh), before);
    let report = check(&fresh).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    // Through the CLI as well.
    let file2 = tmp.path().join("backup2.tlj");
    let out = cli(&dir, &["backup", file2.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh2 = tmp.path().join("fresh2");
    let out = cli(&fresh2, &["restore", file2.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(store_entries(&fresh2), before);
}

#[test]
fn restore_into_a_database_with_data_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other");
    make_db(&other, 2);
    let file = tmp.path().join("backup.tlj");
    {
        let (svc, _) = open(&other).unwrap();
        maintenance::backup(&svc, &file).unwrap();
    }
    let dir = tmp.path().join("db");
    make_db(&dir, 4);
    let journal_before = std::fs::read(journal(&dir)).unwrap();
    let before = store_entries(&dir);

    match restore(&dir, &file, false) {
        Err(OpsError::Refused(m)) => assert!(m.message.contains("--force"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let out = cli(&dir, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(journal(&dir)).unwrap(), journal_before);
    assert_eq!(
        store_entries(&dir),
        before,
        "a refused restore changed the store"
    );

    let out = cli(&dir, &["restore", "--force", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(replaced_journals(&dir)[0].clone()).unwrap(),
        journal_before,
        "the replaced journal is kept"
    );
    assert_eq!(store_entries(&dir), store_entries(&other));

    let out = cli(
        &dir,
        &["restore", tmp.path().join("nope.tlj").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn restore_refuses_an_incomplete_or_damaged_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    make_db(&dir, 4);
    let bytes = std::fs::read(journal(&dir)).unwrap();
    let cut = tmp.path().join("cut.tlj");
    std::fs::write(&cut, &bytes[..bytes.len() - 4]).unwrap();
    let fresh = tmp.path().join("fresh");
    let err = restore(&fresh, &cut, false).expect_err("refused");
    assert!(err.to_string().contains("not a complete backup"), "{err}");

    flip_in_entry(&dir, 2);
    let err = restore(&fresh, &journal(&dir), false).expect_err("refused");
    assert!(err.to_string().contains("entry 2"), "{err}");
}

/// The journals a restore replaced, kept beside the live one.
fn replaced_journals(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{JOURNAL_FILE}.replaced-"))
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}
