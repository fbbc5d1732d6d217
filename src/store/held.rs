//! Writes held in memory while the server commits groups of entries, then written to sled as
//! one batch once enough have gathered (or time has passed, or the server falls idle). Sled
//! writes its buffers out (two disk writes) for every batch, so a batch per command would
//! cost a group of fifty commands a hundred disk writes beside its one journal fsync. Reads
//! see the held writes: a key's held value wins over sled's, and scans merge the two in key
//! order. The journal stays the record: held writes lost in a crash are replayed from it.

use std::collections::BTreeMap;
use std::iter::Peekable;

use sled::IVec;

use super::StoreError;

/// Held writes are written to sled once this many keys have gathered...
pub(super) const SETTLE_KEYS: usize = 8_192;
/// ...or this long after the first of them.
pub(super) const SETTLE_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// One held write: a key, and its value or `None` for a removal.
pub(super) type HeldWrite = (Vec<u8>, Option<Vec<u8>>);

/// Held writes: a value, or `None` for a removal.
#[derive(Default)]
pub(super) struct Held {
    /// A group is being committed: its writes are held.
    pub(super) active: bool,
    pub(super) writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// When the oldest held write came.
    pub(super) since: Option<std::time::Instant>,
}

impl Held {
    /// Are the held writes due to be written to sled?
    pub(super) fn due(&self) -> bool {
        self.writes.len() >= SETTLE_KEYS || self.since.is_some_and(|t| t.elapsed() >= SETTLE_AFTER)
    }

    /// The held writes under a prefix, in key order (reversed when `rev`).
    pub(super) fn under(&self, prefix: &[u8], rev: bool) -> Vec<HeldWrite> {
        let mut out: Vec<_> = self
            .writes
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if rev {
            out.reverse();
        }
        out
    }

    /// Takes the held writes as one sled batch.
    pub(super) fn take_batch(&mut self) -> sled::Batch {
        self.since = None;
        let mut batch = sled::Batch::default();
        for (k, v) in std::mem::take(&mut self.writes) {
            match v {
                Some(v) => batch.insert(k, v),
                None => batch.remove(k),
            }
        }
        batch
    }
}

type SledItem = Result<(IVec, IVec), StoreError>;

/// Sled's scan of a prefix with the held writes under it laid over, in the scan's order.
pub struct Merged<I: Iterator<Item = SledItem>> {
    sled: Peekable<I>,
    held: Peekable<std::vec::IntoIter<HeldWrite>>,
    rev: bool,
}

impl<I: Iterator<Item = SledItem>> Merged<I> {
    pub(super) fn new(sled: I, held: Vec<HeldWrite>, rev: bool) -> Self {
        Merged {
            sled: sled.peekable(),
            held: held.into_iter().peekable(),
            rev,
        }
    }
}

impl<I: Iterator<Item = SledItem>> Iterator for Merged<I> {
    type Item = SledItem;

    fn next(&mut self) -> Option<SledItem> {
        use std::cmp::Ordering;
        loop {
            let order = match (self.sled.peek(), self.held.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) | (Some(_), None) => return self.sled.next(),
                (None, Some(_)) => Ordering::Greater,
                (Some(Ok((stored, _))), Some((held, _))) => {
                    let o = stored.as_ref().cmp(held.as_slice());
                    if self.rev {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            match order {
                Ordering::Less => return self.sled.next(),
                Ordering::Equal => {
                    // The held write replaces the stored value.
                    self.sled.next();
                }
                Ordering::Greater => {}
            }
            if let Some((k, Some(v))) = self.held.next() {
                return Some(Ok((IVec::from(k), IVec::from(v))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(pairs: &[(&str, &str)]) -> Vec<SledItem> {
        pairs
            .iter()
            .map(|(k, v)| Ok((IVec::from(k.as_bytes()), IVec::from(v.as_bytes()))))
            .collect()
    }

    fn held(pairs: &[(&str, Option<&str>)]) -> Held {
        let mut h = Held {
            active: true,
            ..Held::default()
        };
        for (k, v) in pairs {
            h.writes
                .insert(k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()));
        }
        h
    }

    fn merged(s: Vec<SledItem>, h: &Held, prefix: &str, rev: bool) -> Vec<(String, String)> {
        let s: Vec<SledItem> = if rev {
            s.into_iter().rev().collect()
        } else {
            s
        };
        Merged::new(s.into_iter(), h.under(prefix.as_bytes(), rev), rev)
            .map(|r| {
                let (k, v) = r.unwrap();
                (
                    String::from_utf8(k.to_vec()).unwrap(),
                    String::from_utf8(v.to_vec()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn held_writes_replace_add_and_remove_in_key_order_both_ways() {
        let s = || stored(&[("a1", "old"), ("a3", "gone"), ("a5", "kept")]);
        let h = held(&[
            ("a1", Some("new")),
            ("a2", Some("added")),
            ("a3", None),
            ("a6", Some("last")),
            ("b1", Some("other prefix")),
        ]);
        let want = vec![
            ("a1".to_string(), "new".to_string()),
            ("a2".to_string(), "added".to_string()),
            ("a5".to_string(), "kept".to_string()),
            ("a6".to_string(), "last".to_string()),
        ];
        assert_eq!(merged(s(), &h, "a", false), want);
        let mut back = want;
        back.reverse();
        assert_eq!(merged(s(), &h, "a", true), back);
    }

    #[test]
    fn a_removal_of_a_key_sled_never_had_yields_nothing() {
        let h = held(&[("a1", None)]);
        assert!(merged(stored(&[]), &h, "a", false).is_empty());
        assert_eq!(merged(stored(&[("a2", "x")]), &h, "a", true).len(), 1);
    }
}
