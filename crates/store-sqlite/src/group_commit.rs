//! Group commit of intake. With `synchronous=FULL` every commit waits for the disk (an
//! `fsync`, about 3 ms on the project's machines), so one transaction per petition caps
//! intake near 350 petitions a second however many clients send at once. Here intakes
//! that arrive while a commit is running wait in a queue; one writer then registers up
//! to [`MAX_BATCH`] of them in one transaction, each in its own savepoint
//! (`ops::register_many`), and answers every caller only after the commit returned. An
//! acknowledged petition is durable, and one that is refused leaves the others alone.

use crate::SqliteStore;
use chrono::{DateTime, Utc};
use donthu_store::model::{Intake, Registered};
use donthu_store::{Result, StoreError, ops};
use tokio::sync::{mpsc, oneshot};

/// The most intakes in one transaction: enough to absorb a burst, small enough that the
/// transaction stays short.
const MAX_BATCH: usize = 64;

pub(crate) struct Job {
    intake: Intake,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Result<Registered>>,
}

/// Starts the writer on the current runtime. It holds a copy of the store without a
/// queue, so it ends when the last store that can send to it is dropped.
pub(crate) fn start(writer: SqliteStore) -> mpsc::Sender<Job> {
    let (sender, jobs) = mpsc::channel(1024);
    tokio::spawn(run(writer, jobs));
    sender
}

/// Queues one intake and waits for its answer; falls back to a transaction of its own
/// when the writer is gone (its runtime ended).
pub(crate) async fn register(
    store: &SqliteStore,
    queue: &mpsc::Sender<Job>,
    intake: Intake,
    now: DateTime<Utc>,
) -> Result<Registered> {
    let (reply, answer) = oneshot::channel();
    match queue.send(Job { intake, now, reply }).await {
        Ok(()) => {
            answer.await.map_err(|_| StoreError::Backend("the intake writer stopped before answering".to_owned()))?
        }
        Err(mpsc::error::SendError(job)) => store.register_alone(job.intake, job.now).await,
    }
}

async fn run(store: SqliteStore, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut waiting = vec![first];
        while waiting.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => waiting.push(job),
                Err(_) => break,
            }
        }
        let (batch, replies): (Vec<_>, Vec<_>) = waiting.into_iter().map(|j| ((j.intake, j.now), j.reply)).unzip();
        let outcome = match store.begin_write().await {
            Ok(tx) => ops::register_many(tx, &store.sealer, &store.clock, &batch).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            // The transaction failed as a whole: nothing of the batch was written.
            Err(e) => {
                let message = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Backend(message.clone())));
                }
            }
        }
    }
}
