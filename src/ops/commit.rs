//! Group commit: commands that arrive while a group is being committed wait in a queue; the
//! first of them to find nobody committing commits the whole queue as the next group (each
//! command validated against the state the ones before it left, its entry written and
//! applied), makes the journal durable once for all of them, then hands the answers out.
//! No answer leaves before the fsync that covers its entry; a refusal waits too, since it was
//! judged on entries of the group that are not durable until then.

use std::collections::HashMap;
use std::sync::{Arc, Condvar};

use super::{Command, OpsError, Outcome, Service};

/// One waiting command, with the condition its thread sleeps on (each thread is woken only
/// when its answer is there, or when it is its turn to commit).
struct Job {
    id: u64,
    actor: String,
    cmd: Command,
    wake: Arc<Condvar>,
}

/// The commands waiting, the answers not yet collected, and whether a group is being
/// committed.
#[derive(Default)]
pub(crate) struct Queue {
    next: u64,
    waiting: Vec<Job>,
    /// The threads of the group being committed, by command.
    committing_wakes: HashMap<u64, Arc<Condvar>>,
    answers: HashMap<u64, Result<Outcome, OpsError>>,
    committing: bool,
}

/// Whatever happens to the thread committing a group (a panic included), the group's
/// commands get an answer and the next waiter may commit.
struct Handover<'s> {
    service: &'s Service,
    ids: Vec<u64>,
    answers: Vec<(u64, Result<Outcome, OpsError>)>,
}

impl Drop for Handover<'_> {
    fn drop(&mut self) {
        let mut queue = match self.service.queue.lock() {
            Ok(q) => q,
            Err(p) => p.into_inner(),
        };
        let answered = std::mem::take(&mut self.answers);
        for id in &self.ids {
            queue.answers.entry(*id).or_insert_with(|| {
                Err(OpsError::Storage(
                    "the command could not be committed (an internal failure); restart tallyman"
                        .into(),
                ))
            });
        }
        for (id, answer) in answered {
            queue.answers.insert(id, answer);
        }
        queue.committing = false;
        for id in &self.ids {
            if let Some(wake) = queue.committing_wakes.remove(id) {
                wake.notify_one();
            }
        }
        // The next group is committed by the first thread waiting for one.
        if let Some(next) = queue.waiting.first() {
            next.wake.notify_one();
        }
    }
}

impl Service {
    /// Queues a command and waits for its answer, committing a group when nobody else is.
    pub(super) fn commit_grouped(&self, actor: &str, cmd: Command) -> Result<Outcome, OpsError> {
        let lost = |_| OpsError::Storage("the commit queue is poisoned; restart tallyman".into());
        let wake = Arc::new(Condvar::new());
        let mut queue = self.queue.lock().map_err(lost)?;
        let id = queue.next;
        queue.next += 1;
        queue.waiting.push(Job {
            id,
            actor: actor.to_string(),
            cmd,
            wake: wake.clone(),
        });
        loop {
            if let Some(answer) = queue.answers.remove(&id) {
                return answer;
            }
            if !queue.committing {
                queue.committing = true;
                let jobs = std::mem::take(&mut queue.waiting);
                let mut group = Vec::with_capacity(jobs.len());
                for job in jobs {
                    queue.committing_wakes.insert(job.id, job.wake);
                    group.push((job.id, job.actor, job.cmd));
                }
                drop(queue);
                let mut handover = Handover {
                    service: self,
                    ids: group.iter().map(|(id, _, _)| *id).collect(),
                    answers: Vec::new(),
                };
                handover.answers = self.commit_group(group);
                drop(handover);
                queue = self.queue.lock().map_err(lost)?;
                continue;
            }
            queue = wake.wait(queue).map_err(lost)?;
        }
    }

    /// Commits a group under one writer lock and makes it durable with one fsync.
    fn commit_group(
        &self,
        group: Vec<(u64, String, Command)>,
    ) -> Vec<(u64, Result<Outcome, OpsError>)> {
        let mut answers = Vec::with_capacity(group.len());
        let mut end = None;
        match self.writer.lock() {
            Ok(mut writer) => {
                for (id, actor, cmd) in group {
                    let answer = self.commit_one(&mut writer, &actor, cmd).map(|(o, e)| {
                        end = end.max(e);
                        o
                    });
                    answers.push((id, answer));
                }
            }
            Err(_) => {
                return group
                    .into_iter()
                    .map(|(id, _, _)| (id, Err(super::writer_poisoned())))
                    .collect();
            }
        }
        if let Some(end) = end {
            if let Err(e) = self.sync_to(end) {
                for (_, answer) in &mut answers {
                    *answer = Err(e.clone());
                }
            }
        }
        answers
    }
}
