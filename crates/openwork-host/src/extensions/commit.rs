//! Group commit of extension writes: a burst of writes to one workspace is
//! applied as one batch and checked by OpenCode once.
//!
//! Every write that touches `opencode.json(c)` must be loaded by the engine
//! before it is answered (see [`config_check`]: a config OpenCode rejects is
//! rolled back and the client gets 422). That reload + `GET /config` costs
//! ~170 ms; done once per write under the workspace lock, N concurrent
//! writes took N × 170 ms. Here a write is queued, and whoever holds the
//! workspace lock next takes the whole queue:
//!
//! 1. the touched config files are snapshotted, then every change is applied
//!    in arrival order (a change that fails on its own is answered at once);
//! 2. if any applied change touched the engine config, OpenCode reloads and
//!    loads it once for the batch;
//! 3. accepted: every change of the batch is answered. Rejected with one
//!    config change in the batch: it is rolled back and told (422). Rejected
//!    with several: the batch's config changes are rolled back, re-applied
//!    and checked one at a time, as if they had come in series, so only the
//!    change that OpenCode rejects is refused.
//!
//! The batch runs in its own task, so a client that hangs up does not cut
//! it half way (files written, check not done).
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::config_check::{self, FileSnapshot};
use super::Extensions;
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// What a change returns, type-erased (the caller knows the type).
pub(super) type Output = Box<dyn Any + Send>;

/// A change to the workspace's files; may run twice when a batch is
/// re-checked one change at a time (then on the same files as the first time).
pub(super) type Change = Arc<dyn Fn(&ActiveWorkspace) -> Result<Output, Error> + Send + Sync>;

/// How a queued write ended.
pub(super) enum Outcome {
    /// Written (and, for a config change, loaded by OpenCode).
    Applied(Output),
    /// The change itself failed; nothing of it was kept.
    Failed(Error),
    /// OpenCode rejects the config the change produced; rolled back.
    Rejected(Error),
}

/// A write waiting in a workspace's queue.
struct Job {
    ws: Arc<ActiveWorkspace>,
    /// Files the change may touch.
    paths: Vec<String>,
    /// Whether those include the config OpenCode loads.
    checked: bool,
    change: Change,
    reply: oneshot::Sender<Outcome>,
}

/// The write lock and the queue of one workspace.
#[derive(Default)]
pub(super) struct WorkspaceWrites {
    /// Held while a batch (or a hand-edit reload) runs.
    pub(super) lock: Arc<tokio::sync::Mutex<()>>,
    queue: Mutex<Vec<Job>>,
}

impl std::fmt::Debug for WorkspaceWrites {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let queued = self.queue.lock().map(|q| q.len()).unwrap_or(0);
        f.debug_struct("WorkspaceWrites").field("queued", &queued).finish()
    }
}

/// Per-workspace queues.
#[derive(Debug, Default)]
pub(super) struct Commits {
    workspaces: Mutex<HashMap<String, Arc<WorkspaceWrites>>>,
}

impl Commits {
    /// The queue and lock of `workspace_id`.
    pub(super) fn of(&self, workspace_id: &str) -> Arc<WorkspaceWrites> {
        self.workspaces.lock().unwrap_or_else(|e| e.into_inner()).entry(workspace_id.to_string()).or_default().clone()
    }
}

/// Queue `change` for `ws` and wait until a batch containing it has run.
pub(super) async fn submit(ext: &Arc<Extensions>, ws: &Arc<ActiveWorkspace>, paths: Vec<String>, change: Change) -> Outcome {
    let writes = ext.commits.of(&ws.id);
    let (reply, answer) = oneshot::channel();
    let checked = config_check::touches_engine_config(ws, &paths);
    writes.queue.lock().unwrap_or_else(|e| e.into_inner()).push(Job { ws: ws.clone(), paths, checked, change, reply });
    // Whoever gets the lock first runs everything queued by then, this job
    // included; the task is not cancelled with the request.
    let ext2 = ext.clone();
    tokio::spawn(async move {
        let _guard = writes.lock.clone().lock_owned().await;
        let batch = std::mem::take(&mut *writes.queue.lock().unwrap_or_else(|e| e.into_inner()));
        if !batch.is_empty() {
            run_batch(&ext2, batch).await;
        }
    });
    answer.await.unwrap_or_else(|_| {
        Outcome::Failed(Error::internal(&anyhow::anyhow!("the write task ended without an answer")))
    })
}

/// Run `f` on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::internal(&anyhow::anyhow!("write task failed: {e}")))
}

/// Have OpenCode load the config after `changes` config changes (see
/// [`config_check::engine_rejection`]); logged, one line per check.
async fn check(ext: &Extensions, ws: &ActiveWorkspace, changes: usize) -> Option<Error> {
    let started = std::time::Instant::now();
    let rejected = config_check::engine_rejection(&ext.engine, ws).await;
    tracing::info!(
        changes,
        accepted = rejected.is_none(),
        ms = started.elapsed().as_millis() as u64,
        "OpenCode loaded the workspace config (config check)"
    );
    rejected
}

/// Apply and check one batch (under the workspace lock).
async fn run_batch(ext: &Extensions, batch: Vec<Job>) {
    let ws = batch[0].ws.clone();
    // The API announces these changes itself; the file watcher must not.
    ext.api_writes.mark(batch.iter().flat_map(|j| j.paths.iter().map(std::path::PathBuf::from)));
    let mut config_paths: Vec<String> = batch.iter().filter(|j| j.checked).flat_map(|j| j.paths.clone()).collect();
    config_paths.sort();
    config_paths.dedup();
    let apply_started = std::time::Instant::now();
    let marked: Vec<std::path::PathBuf> = batch.iter().flat_map(|j| j.paths.iter().map(std::path::PathBuf::from)).collect();
    let applied = blocking(move || {
        let snapshot = FileSnapshot::take(&config_paths);
        let results: Vec<Result<Output, Error>> = batch
            .iter()
            .map(|job| match (&snapshot, job.checked) {
                // Without a snapshot a rejected config could not be rolled back.
                (Err(e), true) => Err(e.clone()),
                _ => (job.change)(&job.ws),
            })
            .collect();
        (snapshot, results, batch)
    })
    .await;
    let (snapshot, results, batch) = match applied {
        Ok(v) => v,
        Err(e) => {
            // The jobs (and their reply senders) were lost with the task:
            // their callers are told by the dropped channel.
            tracing::error!("extension write batch failed: {}", e.0.message);
            return;
        }
    };
    tracing::debug!(changes = batch.len(), ms = apply_started.elapsed().as_millis() as u64, "extension writes applied");
    // Again: the watcher's window counts from the last write (a big batch
    // on a busy machine can take longer than the window), and rollbacks
    // below write too.
    let remark = || ext.api_writes.mark(marked.iter());
    remark();
    let applied_config = batch.iter().zip(&results).filter(|(j, r)| j.checked && r.is_ok()).count();
    for _ in results.iter().filter(|r| r.is_ok()) {
        ext.reload.changed();
    }
    let mut outcomes: Vec<Outcome> = results
        .into_iter()
        .map(|r| match r {
            Ok(v) => Outcome::Applied(v),
            Err(e) => Outcome::Failed(e),
        })
        .collect();
    if applied_config > 0 {
        if let Some(rejected) = check(ext, &ws, applied_config).await {
            // `snapshot` is Ok here: checked jobs were not run without it.
            if let Ok(snapshot) = snapshot {
                let restored = blocking(move || snapshot.restore()).await.and_then(|r| r);
                remark();
                match restored {
                    Err(e) => {
                        for (job, outcome) in batch.iter().zip(outcomes.iter_mut()) {
                            if job.checked && matches!(outcome, Outcome::Applied(_)) {
                                *outcome = Outcome::Failed(e.clone());
                            }
                        }
                    }
                    Ok(()) if applied_config == 1 => {
                        for (job, outcome) in batch.iter().zip(outcomes.iter_mut()) {
                            if job.checked && matches!(outcome, Outcome::Applied(_)) {
                                *outcome = Outcome::Rejected(rejected.clone());
                            }
                        }
                    }
                    Ok(()) => recheck_one_by_one(ext, &ws, &batch, &mut outcomes).await,
                }
            }
        } else {
            ext.note_config(&ws);
        }
    }
    for (job, outcome) in batch.into_iter().zip(outcomes) {
        let _ = job.reply.send(outcome);
    }
}

/// After a rejected batch was rolled back: apply its config changes again,
/// one at a time, each checked by OpenCode as a single write would be.
async fn recheck_one_by_one(ext: &Extensions, ws: &Arc<ActiveWorkspace>, batch: &[Job], outcomes: &mut [Outcome]) {
    for (i, job) in batch.iter().enumerate() {
        if !(job.checked && matches!(outcomes[i], Outcome::Applied(_))) {
            continue;
        }
        let paths = job.paths.clone();
        let snapshot = match blocking(move || FileSnapshot::take(&paths)).await.and_then(|r| r) {
            Ok(s) => s,
            Err(e) => {
                outcomes[i] = Outcome::Failed(e);
                continue;
            }
        };
        // The same change on the same files as before, without the others.
        let (change, target) = (job.change.clone(), ws.clone());
        ext.api_writes.mark(job.paths.iter());
        let result = blocking(move || change(&target)).await.and_then(|r| r);
        ext.api_writes.mark(job.paths.iter());
        let value = match result {
            Ok(v) => v,
            Err(e) => {
                outcomes[i] = Outcome::Failed(e);
                continue;
            }
        };
        ext.reload.changed();
        match check(ext, ws, 1).await {
            None => {
                ext.note_config(ws);
                outcomes[i] = Outcome::Applied(value);
            }
            Some(rejected) => {
                let restored = blocking(move || snapshot.restore()).await.and_then(|r| r);
                ext.api_writes.mark(job.paths.iter());
                if let Err(e) = restored {
                    outcomes[i] = Outcome::Failed(e);
                    continue;
                }
                outcomes[i] = Outcome::Rejected(rejected);
            }
        }
    }
}
