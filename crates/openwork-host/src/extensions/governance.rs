//! Who may write, and the record of what was written: approvals
//! ([`Approvals`]), the audit log ([`AuditLog`]). The caller of a write is an
//! [`openwork_wire::api::Actor`] (taken from the request by the HTTP layer).
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use openwork_wire::api::{ApprovalRequest, AuditEntry};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::error::Error;

pub use crate::stamp::{new_id, now_ms};

/// Apply writes at once, or wait for the host to allow each one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApprovalMode {
    /// Writes are applied at once.
    #[default]
    Auto,
    /// Each write waits for `POST /approvals/:id` (host token) or times out.
    Manual,
}

/// How an approval ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The host allowed it.
    Allowed,
    /// The host denied it.
    Denied,
    /// Nobody answered in time.
    TimedOut,
}

/// Pending approvals, answered by the host. What waits is bounded: at most
/// [`Approvals::MAX_PENDING`] requests holding at most
/// [`Approvals::MAX_HELD_BYTES`] of request bodies ([`Approvals::reserve`],
/// before a body is even read).
#[derive(Debug, Default)]
pub struct Approvals {
    pending: Mutex<HashMap<String, (ApprovalRequest, oneshot::Sender<bool>)>>,
    /// Reserved: (requests, bytes of bodies).
    held: Mutex<(usize, u64)>,
}

/// A place in the approval queue, held from before a request's body is
/// read until its approval is answered; released on drop.
#[derive(Debug)]
pub struct Reservation {
    approvals: std::sync::Arc<Approvals>,
    bytes: u64,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut held = self.approvals.held.lock().unwrap_or_else(|e| e.into_inner());
        held.0 = held.0.saturating_sub(1);
        held.1 = held.1.saturating_sub(self.bytes);
    }
}

/// Removes a pending approval if the waiting request goes away.
struct PendingGuard<'a>(&'a Approvals, String);

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.0.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.1);
    }
}

impl Approvals {
    /// Requests that may wait for approval at once.
    pub const MAX_PENDING: usize = 16;
    /// Bytes of request bodies the waiting requests may hold in all.
    pub const MAX_HELD_BYTES: u64 = 64 * 1024 * 1024;

    /// Reserve a place for a request holding `bytes` while it waits: 429
    /// `too_many_requests` when [`Self::MAX_PENDING`] wait already, 507
    /// `storage_full` when the bytes would pass [`Self::MAX_HELD_BYTES`].
    pub fn reserve(self: &std::sync::Arc<Self>, bytes: u64) -> Result<Reservation, Error> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.0 >= Self::MAX_PENDING {
            return Err(Error::new(
                openwork_wire::ErrorCode::TooManyRequests,
                format!("{} changes already wait for the host's approval; try again once some are answered", held.0),
            ));
        }
        if held.1.saturating_add(bytes) > Self::MAX_HELD_BYTES {
            return Err(Error::new(
                openwork_wire::ErrorCode::StorageFull,
                format!(
                    "changes waiting for approval would hold more than {} MiB; try again once some are answered",
                    Self::MAX_HELD_BYTES / (1024 * 1024)
                ),
            ));
        }
        held.0 += 1;
        held.1 += bytes;
        Ok(Reservation { approvals: self.clone(), bytes })
    }

    /// Pending requests, oldest first.
    pub fn list(&self) -> Vec<ApprovalRequest> {
        let mut items: Vec<_> =
            self.pending.lock().unwrap_or_else(|e| e.into_inner()).values().map(|(r, _)| r.clone()).collect();
        items.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        items
    }

    /// Deny every pending request made with the token of `fingerprint`
    /// (revoked: what it asked for is not applied, even if approved later);
    /// how many.
    pub fn deny_all_from(&self, fingerprint: &str) -> usize {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let ids: Vec<String> = pending
            .iter()
            .filter(|(_, (r, _))| r.actor.token_hash.as_deref() == Some(fingerprint))
            .map(|(id, _)| id.clone())
            .collect();
        for id in &ids {
            if let Some((_, tx)) = pending.remove(id) {
                let _ = tx.send(false);
            }
        }
        ids.len()
    }

    /// Answer a pending request; `None` when there is no such request.
    pub fn respond(&self, id: &str, allow: bool) -> Option<ApprovalRequest> {
        let (req, tx) = self.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(id)?;
        let _ = tx.send(allow);
        Some(req)
    }

    /// Register `req`, call `announce` (after it is listed), and wait for
    /// the decision or `timeout`.
    pub async fn wait(&self, req: ApprovalRequest, timeout: Duration, announce: impl FnOnce(&ApprovalRequest)) -> Decision {
        let (tx, rx) = oneshot::channel();
        let id = req.id.clone();
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), (req.clone(), tx));
        let _guard = PendingGuard(self, id);
        announce(&req);
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(true)) => Decision::Allowed,
            Ok(Ok(false)) | Ok(Err(_)) => Decision::Denied,
            Err(_) => Decision::TimedOut,
        }
    }
}

/// Append-only JSON-lines audit files, one per workspace:
/// `<dir>/<workspace id>.jsonl` (mode 0600).
#[derive(Debug)]
pub struct AuditLog {
    dir: Option<PathBuf>,
    lock: Mutex<()>,
}

impl AuditLog {
    /// A log under `dir` (`None`: nothing is recorded).
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir, lock: Mutex::new(()) }
    }

    fn file(&self, workspace_id: &str) -> Option<PathBuf> {
        let ok = workspace_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        self.dir.as_ref().filter(|_| ok && !workspace_id.is_empty()).map(|d| d.join(format!("{workspace_id}.jsonl")))
    }

    /// Append an entry (errors are logged, never fatal to the request).
    pub fn record(&self, entry: &AuditEntry) {
        let Some(path) = self.file(&entry.workspace_id) else { return };
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let res = (|| -> anyhow::Result<()> {
            use std::os::unix::fs::OpenOptionsExt;
            crate::paths::ensure_private_dir(path.parent().unwrap_or(&path))?;
            let mut f = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(&path)?;
            let mut line = serde_json::to_vec(entry)?;
            line.push(b'\n');
            f.write_all(&line)?;
            Ok(())
        })();
        if let Err(e) = res {
            tracing::warn!("could not write the audit log {}: {e:#}", path.display());
        }
    }

    /// The last `limit` entries, oldest first (unparsable lines skipped);
    /// only the file's last [`crate::paths::MAX_READ`] bytes are read (the log
    /// only grows).
    pub fn read(&self, workspace_id: &str, limit: usize) -> Vec<AuditEntry> {
        use std::io::{Read, Seek, SeekFrom};
        let Some(path) = self.file(workspace_id) else { return Vec::new() };
        let _g = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(mut f) = std::fs::File::open(&path) else { return Vec::new() };
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let start = len.saturating_sub(crate::paths::MAX_READ);
        let mut bytes = Vec::new();
        if f.seek(SeekFrom::Start(start)).is_err() || f.take(crate::paths::MAX_READ).read_to_end(&mut bytes).is_err() {
            return Vec::new();
        }
        let text = String::from_utf8_lossy(&bytes);
        // Reading from the middle of the file: the first line is a tail.
        let lines = text.lines().skip(usize::from(start > 0));
        let all: Vec<AuditEntry> = lines.filter_map(|l| serde_json::from_str(l).ok()).collect();
        let skip = all.len().saturating_sub(limit);
        all.into_iter().skip(skip).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openwork_wire::api::Actor;
    use std::sync::Arc;

    fn req(id: &str) -> ApprovalRequest {
        ApprovalRequest {
            id: id.into(),
            workspace_id: "ws_x".into(),
            action: "a".into(),
            summary: "s".into(),
            paths: vec![],
            change: None,
            created_at: now_ms(),
            actor: Actor { kind: "remote".into(), client_id: None, token_hash: None },
        }
    }

    #[tokio::test]
    async fn allow_deny_timeout() {
        let a = Arc::new(Approvals::default());
        let a2 = a.clone();
        let t = tokio::spawn(async move { a2.wait(req("1"), Duration::from_secs(20), |_| {}).await });
        let listed = loop {
            let l = a.list();
            if !l.is_empty() {
                break l;
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(listed[0].id, "1");
        assert!(a.respond("1", true).is_some());
        assert_eq!(t.await.unwrap(), Decision::Allowed);
        assert!(a.respond("1", true).is_none());

        let a2 = a.clone();
        let t = tokio::spawn(async move { a2.wait(req("2"), Duration::from_secs(20), |_| {}).await });
        while a.list().is_empty() {
            tokio::task::yield_now().await;
        }
        a.respond("2", false);
        assert_eq!(t.await.unwrap(), Decision::Denied);

        let d = a.wait(req("3"), Duration::from_millis(20), |_| {}).await;
        assert_eq!(d, Decision::TimedOut);
        assert!(a.list().is_empty());
    }

    #[test]
    fn audit_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(Some(dir.path().join("audit")));
        for i in 0..3 {
            log.record(&AuditEntry {
                id: format!("aud_{i}"),
                workspace_id: "ws_abc".into(),
                actor: Actor { kind: "remote".into(), client_id: None, token_hash: Some("ff".into()) },
                action: "skills.add".into(),
                target: "x".into(),
                summary: "s".into(),
                outcome: "applied".into(),
                timestamp: i,
            });
        }
        let items = log.read("ws_abc", 2);
        assert_eq!(items.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), vec!["aud_1", "aud_2"]);
        assert!(log.read("../etc", 10).is_empty());
    }
}
