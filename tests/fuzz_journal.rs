//! Fuzzing the journal's frames (issue 12, item 8), on the stable toolchain with proptest:
//! arbitrary bytes after the header, and a valid journal edited by flips, cuts, inserts and
//! zeroed runs. Whatever the bytes, reading never panics; the entries it returns are exactly
//! the valid journal's first entries; a shorter file of a valid journal is only ever a torn
//! tail, never damage; anything else that breaks an entry is damage at or before it; and the
//! search for intact entries after damage finds only entries of the valid journal.
//!
//! `TALLYMAN_FUZZ_CASES=N` runs N cases per target (see docs/testing.md).

use proptest::prelude::*;
use proptest::test_runner::Config as PropConfig;
use std::path::Path;
use tallyman::domain::{Event, Location};
use tallyman::journal::{intact_after, survey, verify_frames, Entry, Journal, HEADER, ZERO_HASH};

fn cases(default: u32) -> u32 {
    std::env::var("TALLYMAN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(default)
}

/// A valid journal of `n` entries, its bytes and entries.
fn valid(dir: &Path, n: usize) -> (Vec<u8>, Vec<Entry>) {
    let path = dir.join("valid.tlj");
    let (mut j, _) = Journal::open(&path, 0, 0, ZERO_HASH).unwrap();
    let mut entries = Vec::new();
    for i in 0..n {
        let located = j
            .append(
                1_700_000_000_000 + i as i64,
                "fuzz",
                vec![Event::LocationAdded(Location {
                    code: format!("WH{i}/A/{:02}", i % 7),
                    name: "x".repeat(i % 5),
                })],
            )
            .unwrap();
        entries.push(located.entry);
    }
    (std::fs::read(&path).unwrap(), entries)
}

/// Reads `bytes` as a journal; checks what every reader says about it.
fn read(dir: &Path, bytes: &[u8], valid: &[Entry]) -> Result<(), TestCaseError> {
    let path = dir.join("case.tlj");
    std::fs::write(&path, bytes).unwrap();
    let mut seen = Vec::new();
    let survey = match survey(&path, |l| {
        seen.push(l.entry.clone());
        Ok(())
    }) {
        Ok(s) => s,
        // A file that is not a journal at all (its header is wrong) is refused whole.
        Err(e) => {
            prop_assert!(!bytes.starts_with(HEADER), "{e}");
            return Ok(());
        }
    };
    prop_assert_eq!(survey.entries as usize, seen.len());
    prop_assert!(seen.len() <= valid.len() || valid.is_empty());
    if !valid.is_empty() {
        prop_assert_eq!(
            &seen[..],
            &valid[..seen.len()],
            "entries read are the valid ones"
        );
    }
    prop_assert!(!(survey.torn.is_some() && survey.damage.is_some()));
    let _ = verify_frames(&path, bytes.len() as u64);
    if let Some(tallyman::journal::JournalError::Damaged { offset, .. }) = &survey.damage {
        prop_assert!(*offset <= bytes.len() as u64);
        for stray in intact_after(&path, *offset).unwrap() {
            prop_assert!(stray.end <= bytes.len() as u64);
            if !valid.is_empty() {
                prop_assert!(
                    valid.iter().any(|v| v.events == stray.entry.events),
                    "an intact entry is one the valid journal wrote"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(PropConfig { cases: cases(256), ..PropConfig::default() })]

    #[test]
    fn arbitrary_bytes_after_the_header_never_panic(rest in proptest::collection::vec(any::<u8>(), 0..600)) {
        let tmp = tempfile::tempdir().unwrap();
        let mut bytes = HEADER.to_vec();
        bytes.extend_from_slice(&rest);
        read(tmp.path(), &bytes, &[])?;
    }

    #[test]
    fn a_cut_valid_journal_is_only_ever_a_torn_tail(n in 1usize..12, keep in 0.0f64..1.0) {
        let tmp = tempfile::tempdir().unwrap();
        let (bytes, entries) = valid(tmp.path(), n);
        let len = HEADER.len() + ((bytes.len() - HEADER.len()) as f64 * keep) as usize;
        let cut = &bytes[..len];
        read(tmp.path(), cut, &entries)?;
        let path = tmp.path().join("case.tlj");
        let s = survey(&path, |_| Ok(())).unwrap();
        prop_assert!(s.damage.is_none(), "a cut is never damage: {:?}", s.damage);
        prop_assert_eq!(s.torn.is_some(), s.end < len as u64);
    }

    #[test]
    fn an_edited_valid_journal_reads_a_prefix_and_names_the_damage(
        n in 1usize..12,
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>(), 0u8..4), 1..4),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let (mut bytes, entries) = valid(tmp.path(), n);
        for (at, byte, how) in edits {
            let i = HEADER.len() + ((bytes.len() - HEADER.len()) as f64 * at) as usize;
            let i = i.min(bytes.len() - 1);
            match how {
                0 => bytes[i] ^= byte | 1,
                1 => bytes.insert(i, byte),
                2 => {
                    bytes.remove(i);
                }
                _ => {
                    let end = (i + 16).min(bytes.len());
                    bytes[i..end].fill(0);
                }
            }
        }
        read(tmp.path(), &bytes, &entries)?;
    }
}
