//! The thread that makes staged groups durable, so the server's loop can stage the next
//! group while the disk syncs the last one. Each request names a batch of answers and the
//! journal end they wait for; requests queued meanwhile share one fsync. A byte on the wake
//! socket tells the loop that batches are durable (or that the sync failed).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::ops::local::Service;
use crate::ops::OpsError;

pub(crate) struct Syncer {
    asks: Option<Sender<(u64, u64)>>,
    done: Receiver<(u64, Result<(), OpsError>)>,
    /// Rung when batches are durable (polled with the connections).
    pub(crate) wake: super::wake::Wake,
    thread: Option<JoinHandle<()>>,
}

impl Syncer {
    pub(crate) fn start(service: Arc<Service>) -> std::io::Result<Syncer> {
        let (wake, waker) = super::wake::pair()?;
        let (asks, queue) = mpsc::channel::<(u64, u64)>();
        let (tell, done) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("tallyman-sync".into())
            .spawn(move || {
                while let Ok((batch, end)) = queue.recv() {
                    let mut batches = vec![batch];
                    let mut end = end;
                    for (b, e) in queue.try_iter() {
                        batches.push(b);
                        end = end.max(e);
                    }
                    let synced = service.make_durable(end);
                    for b in batches {
                        if tell.send((b, synced.clone())).is_err() {
                            return;
                        }
                    }
                    waker.ring();
                }
            })?;
        Ok(Syncer {
            asks: Some(asks),
            done,
            wake,
            thread: Some(thread),
        })
    }

    /// Asks for the journal to be durable up to `end`; batch `batch` is then told.
    pub(crate) fn ask(&self, batch: u64, end: u64) -> Result<(), OpsError> {
        let asks = self
            .asks
            .as_ref()
            .ok_or_else(|| OpsError::Storage("the server is stopping".into()))?;
        asks.send((batch, end)).map_err(|_| {
            OpsError::Storage(
                "the journal sync thread is gone; nothing more is acknowledged; restart tallyman serve"
                    .into(),
            )
        })
    }

    /// The batches synced (or not), after emptying the wake socket.
    pub(crate) fn ready(&self) -> Vec<(u64, Result<(), OpsError>)> {
        self.wake.drain();
        self.done.try_iter().collect()
    }

    /// Lets the thread finish the sync it is on and waits for it.
    pub(crate) fn stop(mut self) {
        self.asks = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
