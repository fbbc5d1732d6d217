//! A large batch (an import of many rows) is validated, journaled and applied in parts, so
//! that memory holds one part's draft and events, not the whole file's. Each part is
//! validated against the store with the parts before it applied; the first part's entry
//! begins the parts and a last entry ends them (all kept) or abandons them (all taken back,
//! see `store::parts`). An entry that ends them is the one whose sync acknowledges the
//! command; a process that stops before it leaves open parts, which the next open abandons.

use super::draft::Draft;
use super::{Command, OpsError, Outcome, Service, Writer};
use crate::domain::Event;
pub use crate::ops::api::PART_LINES;

/// The lines a command weighs when a batch is cut into parts.
fn weight(cmd: &Command) -> usize {
    match cmd {
        Command::Post(doc) => doc.lines.len().max(1),
        _ => 1,
    }
}

/// The lines of a batch, as [`PART_LINES`] counts them.
pub(super) fn lines_of(cmds: &[Command]) -> usize {
    cmds.iter().map(weight).sum()
}

impl Service {
    /// Validates, journals and applies a batch part by part (see the module's words); the
    /// outcome and the end of the entry that ended the parts, or the refusals of every part
    /// with nothing kept.
    pub(super) fn commit_parts(
        &self,
        writer: &mut Writer,
        actor: &str,
        cmds: Vec<Command>,
    ) -> Result<(Outcome, Option<u64>), OpsError> {
        let mut outcomes = Vec::with_capacity(cmds.len());
        let mut rejections = Vec::new();
        let mut first: Option<u64> = None;
        let mut offset = 0;
        let mut cmds = cmds.into_iter().peekable();
        let mut number = 0;
        while cmds.peek().is_some() {
            let mut part = Vec::new();
            let mut lines = 0;
            while let Some(cmd) =
                cmds.next_if(|c| part.is_empty() || lines + weight(c) <= self.part_lines)
            {
                lines += weight(&cmd);
                part.push(cmd);
            }
            let size = part.len();
            match self.commit_part(writer, actor, part, &mut first) {
                Ok(list) => outcomes.extend(list),
                // The part's other commands are in: later parts are judged as if the file
                // were good, so every refused row is reported at once.
                Err(OpsError::Rejected(list)) => {
                    rejections.extend(list.into_iter().map(|mut r| {
                        r.index += offset;
                        r
                    }))
                }
                Err(e) => {
                    if let Some(first) = first {
                        // Best effort: if this fails too, the next open abandons them.
                        let _ = self.close_parts(writer, actor, Event::PartsAbandoned { first });
                    }
                    return Err(e);
                }
            }
            self.after_part(number);
            number += 1;
            offset += size;
        }
        let Some(first) = first else {
            // Nothing was written: every command was refused, or none changes anything.
            return match rejections.is_empty() {
                true => Ok((Outcome::Batch(outcomes), None)),
                false => Err(OpsError::Rejected(rejections)),
            };
        };
        if !rejections.is_empty() {
            self.close_parts(writer, actor, Event::PartsAbandoned { first })?;
            return Err(OpsError::Rejected(rejections));
        }
        let end = self.close_parts(writer, actor, Event::PartsEnded { first })?;
        Ok((Outcome::Batch(outcomes), Some(end)))
    }

    /// One part: validated in a draft of its own, its accepted commands' events written and
    /// applied as one entry (the first begins the parts). Its outcomes, or its refusals.
    fn commit_part(
        &self,
        writer: &mut Writer,
        actor: &str,
        part: Vec<Command>,
        first: &mut Option<u64>,
    ) -> Result<Vec<Outcome>, OpsError> {
        let mut draft = Draft::new(&self.store, &self.context(actor))?;
        let judged = draft.command(Command::Batch(part));
        if let Err(e) = &judged {
            if !matches!(e, OpsError::Rejected(_)) {
                return Err(e.clone());
            }
        }
        let mut events = std::mem::take(&mut draft.events);
        if !events.is_empty() {
            if first.is_none() {
                events.insert(0, Event::PartsBegun);
            }
            let located = self.write_entry(writer, draft.now_ms, actor, events)?;
            first.get_or_insert(located.entry.seq);
        }
        match judged? {
            Outcome::Batch(list) => Ok(list),
            one => Ok(vec![one]),
        }
    }

    /// Tells a test that part `number` is written and applied.
    fn after_part(&self, number: usize) {
        #[cfg(feature = "testing")]
        if let Some(f) = &self.after_part {
            f(number);
        }
        #[cfg(not(feature = "testing"))]
        let _ = number;
    }

    /// Writes and applies the entry that ends or abandons the parts; the end of the entry.
    fn close_parts(&self, writer: &mut Writer, actor: &str, event: Event) -> Result<u64, OpsError> {
        let at_ms = self.context(actor).now_ms;
        Ok(self.write_entry(writer, at_ms, actor, vec![event])?.end)
    }
}
