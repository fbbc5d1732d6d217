//! Group commit: the server hands the service every command that arrived since its last
//! group; each is validated against the state the ones before it left, its entry written and
//! applied, under one writer lock; then one fsync makes the whole group durable, and only
//! then are the answers handed back. No answer leaves before the fsync that covers its entry;
//! a refusal waits too, since it was judged on entries of the group that are not durable
//! until then.

use super::{Command, OpsError, Outcome, Service};

impl Service {
    /// Executes the commands of several clients as one group, answers in the same order.
    /// With group commit off, each command is synced on its own, inside the writer lock
    /// (the baseline the benches compare against).
    pub fn execute_group(&self, group: Vec<(String, Command)>) -> Vec<Result<Outcome, OpsError>> {
        if !self.group_commit {
            return group
                .into_iter()
                .map(|(actor, cmd)| self.execute(&actor, cmd))
                .collect();
        }
        let tails: Vec<_> = group.iter().map(|(_, cmd)| completion_of(cmd)).collect();
        self.commit_group(group)
            .into_iter()
            .zip(tails)
            .map(|(answer, (scan_of, undo_at))| {
                answer.and_then(|outcome| self.complete(outcome, scan_of, undo_at))
            })
            .collect()
    }

    /// Commits a group under one writer lock, its store writes held for a later sled batch
    /// (see `store::held`), and makes it durable with one fsync.
    fn commit_group(&self, group: Vec<(String, Command)>) -> Vec<Result<Outcome, OpsError>> {
        let mut answers = Vec::with_capacity(group.len());
        let mut end = None;
        let Ok(mut writer) = self.writer.lock() else {
            return group
                .iter()
                .map(|_| Err(super::writer_poisoned()))
                .collect();
        };
        if let Err(e) = self.store.begin_group() {
            return group
                .iter()
                .map(|_| Err(OpsError::Storage(e.to_string())))
                .collect();
        }
        for (actor, cmd) in group {
            let answer = self.commit_one(&mut writer, &actor, cmd).map(|(o, e)| {
                end = end.max(e);
                o
            });
            answers.push(answer);
        }
        if let Err(e) = self.store.end_group() {
            let why = format!(
                "the store could not take a group of entries ({e}); restart tallyman to replay the journal"
            );
            writer.poisoned = Some(why.clone());
            for answer in &mut answers {
                *answer = Err(OpsError::Storage(why.clone()));
            }
        }
        drop(writer);
        if let Some(end) = end {
            if let Err(e) = self.sync_to(end) {
                for answer in &mut answers {
                    *answer = Err(e.clone());
                }
            }
        }
        answers
    }
}

/// What [`Service::complete`] needs to know of a command besides its outcome: the count a
/// scan or undo was in, and where an undo was made.
pub(super) fn completion_of(cmd: &Command) -> (Option<crate::domain::CountId>, Option<String>) {
    match cmd {
        Command::CountScan { count, .. } => (Some(*count), None),
        Command::UndoLastScan { count, location } => (Some(*count), location.clone()),
        _ => (None, None),
    }
}

impl Service {
    /// Writes the store's held writes to sled now: the server calls this when it falls idle
    /// and when it stops, so a restart has little of the journal to replay.
    pub fn settle(&self) -> Result<(), OpsError> {
        let _writer = self.writer.lock().map_err(|_| super::writer_poisoned())?;
        self.store.settle().map_err(OpsError::from)
    }
}
