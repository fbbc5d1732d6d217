//! The threads that answer reads (queries and validations) beside the server's loop, so a
//! long report never holds up a scan. Each answer goes back with its connection's number,
//! and a byte on the wake socket tells the loop to collect it.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::ops::local::Service;
use crate::ops::{Call, Done, Outcome, Query, Reply};

/// How many reads are answered at once.
const THREADS: usize = 4;

/// A read to answer for a connection.
pub(crate) enum Read {
    /// A query or a validation, as sent.
    Call(Call),
    /// The query of an execute-then-query whose command went through.
    After(Box<Outcome>, Query),
}

struct Job {
    conn: u64,
    user: String,
    read: Read,
}

pub(crate) struct Readers {
    jobs: Option<Sender<Job>>,
    answers: Receiver<(u64, Reply)>,
    /// Rung when answers are ready (polled with the connections).
    pub(crate) wake: super::wake::Wake,
    threads: Vec<JoinHandle<()>>,
}

impl Readers {
    pub(crate) fn start(service: Arc<Service>) -> std::io::Result<Readers> {
        let (wake, waker) = super::wake::pair()?;
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let (done, answers) = mpsc::channel();
        let mut threads = Vec::with_capacity(THREADS);
        for _ in 0..THREADS {
            let (service, queue, done, waker) =
                (service.clone(), queue.clone(), done.clone(), waker.clone());
            threads.push(
                std::thread::Builder::new()
                    .name("tallyman-reader".into())
                    .spawn(move || loop {
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let reply = Reply::V1(answer(&service, &job.user, job.read));
                        if done.send((job.conn, reply)).is_err() {
                            return;
                        }
                        waker.ring();
                    })?,
            );
        }
        Ok(Readers {
            jobs: Some(jobs),
            answers,
            wake,
            threads,
        })
    }

    /// Hands a read to the next free thread.
    pub(crate) fn ask(&self, conn: u64, user: &str, read: Read) -> Result<(), String> {
        let jobs = self.jobs.as_ref().ok_or("the server is stopping")?;
        jobs.send(Job {
            conn,
            user: user.to_string(),
            read,
        })
        .map_err(|_| "no thread is left to answer reads; restart tallyman serve".to_string())
    }

    /// The answers ready, after emptying the wake socket.
    pub(crate) fn ready(&self) -> Vec<(u64, Reply)> {
        self.wake.drain();
        self.answers.try_iter().collect()
    }

    /// Lets the threads finish the reads they are on and waits for them.
    pub(crate) fn stop(mut self) {
        self.jobs = None;
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }
}

fn answer(service: &Service, user: &str, read: Read) -> Result<Done, crate::ops::OpsError> {
    match read {
        Read::Call(call) => service.handle(user, call),
        Read::After(outcome, query) => Ok(Done::Both(*outcome, service.query_as(user, query)?)),
    }
}
