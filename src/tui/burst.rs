//! Telling a scan from keys by its speed: printable characters that arrive together (within
//! [`BURST_GAP`] of each other, as a scanner types them), at least [`MIN_SCAN`] of them, are
//! one scan, with the terminator that ends them. A scan is never read as menu, fix or quit
//! keys: the runtime hands it to `update` as one [`crate::tui::Action::Burst`], and each
//! screen says what a scan means there. Keys typed by hand arrive one at a time and stay keys.

use std::time::Duration;

use super::keys::{Key, KeyPress};
use super::terminal::InputEvent;
use crate::config::Terminator;

/// The longest pause between two characters of one scan. Scanners type a character every
/// few milliseconds; a person's fastest keys are 60 ms or more apart.
pub const BURST_GAP: Duration = Duration::from_millis(40);

/// The fewest characters that make a scan (two quick keys by hand stay keys).
pub const MIN_SCAN: usize = 3;

/// Input after grouping: an event as it came, or a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Event(InputEvent),
    /// A scan: its keys as they came (the terminator last, when one ended it) and its text.
    Scan {
        keys: Vec<KeyPress>,
        text: String,
    },
}

/// The character a key adds to a scan: printable, or a group separator typed as Ctrl+key.
fn scan_char(k: &KeyPress) -> Option<char> {
    k.printable().or_else(|| k.separator_byte())
}

/// Does this key end a scan, with these terminators?
fn ends_scan(k: &KeyPress, terminators: &[Terminator]) -> bool {
    let has = |t: Terminator| terminators.contains(&t);
    if k.is_line_feed() {
        return has(Terminator::Lf);
    }
    if k.ctrl || k.alt {
        return false;
    }
    match k.key {
        Key::Enter => has(Terminator::Enter) || has(Terminator::CrLf),
        Key::Tab => has(Terminator::Tab),
        _ => false,
    }
}

/// Does a batch end in the middle of what may be a scan (so more may be on its way)?
pub fn may_continue(batch: &[InputEvent]) -> bool {
    matches!(batch.last(), Some(InputEvent::Key(k)) if scan_char(k).is_some())
}

/// Groups a batch of events that arrived together into scans and single events.
pub fn group(batch: Vec<InputEvent>, terminators: &[Terminator]) -> Vec<Input> {
    let mut out = Vec::new();
    let mut run: Vec<KeyPress> = Vec::new();
    let flush = |run: &mut Vec<KeyPress>, out: &mut Vec<Input>, end: Option<KeyPress>| {
        if run.len() >= MIN_SCAN {
            let text = run.iter().filter_map(scan_char).collect();
            let mut keys = std::mem::take(run);
            keys.extend(end);
            out.push(Input::Scan { keys, text });
        } else {
            out.extend(run.drain(..).map(|k| Input::Event(InputEvent::Key(k))));
            out.extend(end.map(|k| Input::Event(InputEvent::Key(k))));
        }
    };
    for ev in batch {
        match ev {
            InputEvent::Key(k) if scan_char(&k).is_some() => run.push(k),
            InputEvent::Key(k) if !run.is_empty() && ends_scan(&k, terminators) => {
                flush(&mut run, &mut out, Some(k))
            }
            other => {
                flush(&mut run, &mut out, None);
                out.push(Input::Event(other));
            }
        }
    }
    flush(&mut run, &mut out, None);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keys::parse_script;

    fn events(script: &str) -> Vec<InputEvent> {
        parse_script(script)
            .unwrap()
            .into_iter()
            .map(InputEvent::Key)
            .collect()
    }

    const T: [Terminator; 3] = [Terminator::Enter, Terminator::CrLf, Terminator::Tab];

    fn texts(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i {
                Input::Scan { text, keys } => format!("scan {text} ({} keys)", keys.len()),
                Input::Event(InputEvent::Key(k)) => format!("key {}", k.name()),
                Input::Event(e) => format!("{e:?}"),
            })
            .collect()
    }

    #[test]
    fn a_burst_with_its_terminator_is_one_scan() {
        let g = group(events("352099000000014<enter>"), &T);
        assert_eq!(texts(&g), ["scan 352099000000014 (16 keys)"]);
    }

    #[test]
    fn bursts_one_after_another_are_scans_one_after_another() {
        let g = group(events("RT1<enter>RT22<tab>ABC"), &T);
        assert_eq!(
            texts(&g),
            [
                "scan RT1 (4 keys)",
                "scan RT22 (5 keys)",
                "scan ABC (3 keys)"
            ]
        );
    }

    #[test]
    fn one_or_two_quick_keys_stay_keys() {
        let g = group(events("1"), &T);
        assert_eq!(texts(&g), ["key 1"]);
        let g = group(events("21<enter>"), &T);
        assert_eq!(texts(&g), ["key 2", "key 1", "key <enter>"]);
    }

    #[test]
    fn a_key_that_is_no_terminator_ends_the_scan_and_stays_a_key() {
        let g = group(events("SN-9<f8>"), &T);
        assert_eq!(texts(&g), ["scan SN-9 (4 keys)", "key <f8>"]);
        // Tab is no terminator here: a key of its own.
        let g = group(events("SN-9<tab>"), &[Terminator::Enter]);
        assert_eq!(texts(&g), ["scan SN-9 (4 keys)", "key <tab>"]);
    }

    #[test]
    fn a_batch_ending_in_a_character_may_go_on() {
        assert!(may_continue(&events("35209")));
        assert!(!may_continue(&events("35209<enter>")));
        assert!(!may_continue(&[]));
    }
}
