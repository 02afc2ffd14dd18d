//! Making OpenCode load a changed workspace config without cutting work.
//!
//! OpenCode does not watch its config: the folder is reloaded with
//! `POST /instance/dispose`, which aborts whatever runs in it (a streaming
//! reply ends with `MessageAbortedError`). So a reload waits for the folder
//! to be idle:
//! - reloads are coalesced: a caller is covered by a reload that started
//!   after its write;
//! - the folder is idle when OpenCode reports no busy session
//!   (`GET /session/status`) and no proxied request that could start work
//!   is in flight (the [`Reload::gate`]: work, exec and config requests hold
//!   it shared until OpenCode answers; the reload takes it exclusively, only
//!   if free, for the check and the dispose, so nothing starts in between);
//! - a busy folder's reload is deferred: `engine.reload` `{state: "pending"}`
//!   is published, a waiter checks again every [`Reload::POLL`], reloads once
//!   idle (or after [`Reload::MAX_WAIT`], whatever runs), and publishes
//!   `{state: "done"}`;
//! - only a config OpenCode accepts is ever loaded into the running folder: a
//!   reload runs under the workspace write lock (so the files are not half
//!   way through a write), checks the config first ([`super::config_check`])
//!   and, when OpenCode rejects it (a hand edit), does not reload
//!   (`config.invalid`; the folder keeps the config it runs with); after the
//!   dispose, the folder is opened again at once, still under the lock, so
//!   it loads the files that were checked and not whatever a next write
//!   puts on disk before that write is checked.
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::Extensions;
use crate::workspace::ActiveWorkspace;

/// Reload bookkeeping of the host (one engine).
#[derive(Debug, Default)]
pub struct Reload {
    /// Bumped after every applied write.
    written: AtomicU64,
    /// Highest `written` value a completed reload started after.
    covered: AtomicU64,
    lock: tokio::sync::Mutex<()>,
    /// Held shared by proxied requests that can start work, exclusively by
    /// a reload (see the module docs).
    pub gate: tokio::sync::RwLock<()>,
    /// Workspaces (ids) with a deferred reload waiting.
    pending: Mutex<HashSet<String>>,
}

/// What [`reload_engine`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reloaded {
    /// The folder was reloaded (or a later reload covered it, or the engine
    /// is not running: it loads the files when it starts).
    Done,
    /// The folder is busy: the reload happens once it is idle.
    Deferred,
}

impl Reload {
    /// Between checks of a busy folder.
    pub const POLL: Duration = Duration::from_millis(500);
    /// Longest a reload waits for a busy folder.
    pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

    /// Something changed that OpenCode must reload to see.
    pub fn changed(&self) {
        self.written.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether `workspace_id` has a reload waiting for it to be idle.
    pub fn is_pending(&self, workspace_id: &str) -> bool {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).contains(workspace_id)
    }
}

/// Sessions of `ws` OpenCode reports as not idle.
async fn busy_sessions(ext: &Extensions, ws: &ActiveWorkspace) -> Vec<String> {
    let Some(status) = ext.engine.get_json(&ws.directory, "/session/status").await else { return Vec::new() };
    status
        .as_object()
        .map(|m| m.iter().filter(|(_, s)| s.get("type").and_then(Value::as_str) != Some("idle")).map(|(id, _)| id.clone()).collect())
        .unwrap_or_default()
}

/// Make OpenCode reload `ws` once it is idle; see the module docs.
pub async fn reload_engine(ext: &Arc<Extensions>, ws: &ActiveWorkspace) -> Reloaded {
    let r = &ext.reload;
    if r.is_pending(&ws.id) {
        return Reloaded::Deferred;
    }
    match try_reload(ext, ws, false).await {
        Ok(()) => Reloaded::Done,
        Err(busy) => {
            defer(ext, ws, busy);
            Reloaded::Deferred
        }
    }
}

/// Reload now unless busy (`Err` with the busy sessions); `force`: whatever runs.
async fn try_reload(ext: &Extensions, ws: &ActiveWorkspace, force: bool) -> Result<(), Vec<String>> {
    let r = &ext.reload;
    let mine = r.written.load(Ordering::SeqCst);
    let _serial = r.lock.lock().await;
    if r.covered.load(Ordering::SeqCst) >= mine {
        return Ok(());
    }
    let target = r.written.load(Ordering::SeqCst);
    if ext.engine.upstream().is_none() {
        // Not running: it loads the files when it starts.
        r.covered.store(target, Ordering::SeqCst);
        return Ok(());
    }
    let writes = ext.lock_for(&ws.id);
    let _writes = writes.lock().await;
    let gate = if force { Some(r.gate.write().await) } else { r.gate.try_write().ok() };
    if gate.is_none() {
        return Err(vec!["(a request in flight)".into()]);
    }
    if !force {
        let busy = busy_sessions(ext, ws).await;
        if !busy.is_empty() {
            return Err(busy);
        }
    }
    if let Some(rejected) = super::config_check::engine_rejection(&ext.engine, ws).await {
        let details = rejected.0.details.clone().unwrap_or(Value::Null);
        tracing::warn!(%details, "OpenCode rejects the workspace config; the folder keeps the config it runs with");
        ext.events.publish("config.invalid", json!({ "workspaceId": ws.id, "message": rejected.0.message, "details": details }));
        r.covered.store(target, Ordering::SeqCst);
        return Ok(());
    }
    ext.engine.dispose(&ws.directory).await;
    // Open the folder again now, from the files just checked.
    ext.engine.open(&ws.directory).await;
    r.covered.store(target, Ordering::SeqCst);
    Ok(())
}

/// Wait (in a task) for `ws` to be idle, then reload; announced both ways.
fn defer(ext: &Arc<Extensions>, ws: &ActiveWorkspace, busy: Vec<String>) {
    if !ext.reload.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(ws.id.clone()) {
        return;
    }
    tracing::info!(workspace = %ws.id, ?busy, "reload of the workspace waits until it is idle");
    ext.events.publish("engine.reload", json!({ "state": "pending", "workspaceId": ws.id, "busySessions": busy }));
    let (ext, ws) = (ext.clone(), ws.clone());
    tokio::spawn(async move {
        let started = Instant::now();
        loop {
            tokio::time::sleep(Reload::POLL).await;
            let force = started.elapsed() >= Reload::MAX_WAIT;
            if force {
                tracing::warn!(workspace = %ws.id, "the workspace stayed busy for {:?}; reloading it anyway", Reload::MAX_WAIT);
            }
            if try_reload(&ext, &ws, force).await.is_ok() {
                break;
            }
        }
        ext.reload.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&ws.id);
        tracing::info!(workspace = %ws.id, waited = ?started.elapsed(), "workspace reloaded");
        ext.events.publish("engine.reload", json!({ "state": "done", "workspaceId": ws.id }));
    });
}
