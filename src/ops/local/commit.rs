//! Group commit: the server hands the service every command that arrived since its last
//! group; each is validated against the state the ones before it left, its entry written and
//! applied, under one writer lock (staging); then one fsync makes the whole group durable,
//! and only then may the answers leave. The server stages the next group while the last one
//! is being synced. No answer leaves before an fsync covers everything written before it was
//! judged: a refusal waits too, since it was judged on entries not yet durable.

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
        let mut answers = self.stage_group(group);
        if let Err(e) = self.make_durable(self.written_end()) {
            for answer in &mut answers {
                *answer = Err(e.clone());
            }
        }
        answers
    }

    /// Validates, journals and applies a group of commands under one writer lock, its store
    /// writes held for a later sled batch (see `store::held`), and completes their outcomes;
    /// nothing is synced. The answers may leave only once [`Service::make_durable`] has
    /// covered [`Service::written_end`] as it is after this call.
    pub fn stage_group(&self, group: Vec<(String, Command)>) -> Vec<Result<Outcome, OpsError>> {
        let tails: Vec<_> = group.iter().map(|(_, cmd)| completion_of(cmd)).collect();
        self.write_group(group)
            .into_iter()
            .zip(tails)
            .map(|(answer, (scan_of, undo_at))| {
                answer.and_then(|outcome| self.complete(outcome, scan_of, undo_at))
            })
            .collect()
    }

    /// The end of the last journal entry written, durable or not.
    pub fn written_end(&self) -> u64 {
        self.written_end.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Makes the journal durable at least up to `end` (one fsync covers everything written
    /// before it started; nothing to do when that is so already).
    pub fn make_durable(&self, end: u64) -> Result<(), OpsError> {
        self.sync_to(end)
    }

    fn write_group(&self, group: Vec<(String, Command)>) -> Vec<Result<Outcome, OpsError>> {
        let mut answers = Vec::with_capacity(group.len());
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
            answers.push(self.commit_one(&mut writer, &actor, cmd).map(|(o, _)| o));
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
        answers
    }
}

/// What [`Service::complete`] needs to know of a command besides its outcome: the count a
/// scan or undo was in, and where an undo was made.
pub(super) fn completion_of(cmd: &Command) -> (Option<crate::domain::CountId>, Option<String>) {
    match cmd {
        Command::CountScan { count, .. } => (Some(*count), None),
        Command::UndoLastScan { count, location } => (Some(*count), location.clone()),
        Command::Keyed { command, .. } => completion_of(command),
        _ => (None, None),
    }
}

impl Service {
    /// Writes the store's held writes to sled before returning: the server calls this when
    /// it stops, so a restart has little of the journal to replay.
    pub fn settle(&self) -> Result<(), OpsError> {
        let _writer = self.writer.lock().map_err(|_| super::writer_poisoned())?;
        self.store.settle().map_err(OpsError::from)
    }

    /// Starts writing the store's held writes to sled, without waiting: the server calls
    /// this when a moment passes without commands.
    pub fn settle_soon(&self) -> Result<(), OpsError> {
        let _writer = self.writer.lock().map_err(|_| super::writer_poisoned())?;
        self.store.settle_soon().map_err(OpsError::from)
    }
}
