//! Workspace extensions managed through the host: skills, plugins, MCP
//! servers, commands and config of the active workspace, plus the
//! governance around writes (read-only mode, approvals, audit log). Domain
//! logic only: the HTTP routes (`/workspace/:id/...`, `/approvals`) are in
//! `server::ext` and call the functions here.
//!
//! Every write goes through [`write`]: read-only check (403 `read_only`) →
//! approval in manual mode (the approver reads the change as a diff of a dry
//! run, [`preview`]; 403 `write_denied` on deny or timeout; bounded by
//! [`Approvals::reserve`]) → queued and group-committed under the
//! per-workspace write lock ([`commit`]: the change on a blocking thread;
//! for a change to `opencode.json(c)` OpenCode checks the config in a
//! scratch folder and a config it rejects is rolled back, 422,
//! [`config_check`]) → audit entry → reload of the folder once it is idle
//! ([`reload`]) → `config.changed`.

pub mod commands;
mod commit;
pub mod config;
pub mod config_check;
pub mod frontmatter;
pub mod fsguard;
pub mod governance;
pub mod jsonc;
pub mod mcp;
pub mod plugins;
pub mod preview;
pub mod reload;
pub mod skills;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openwork_wire::api::{ApprovalList, ApprovalReplied, AuditList};
use openwork_wire::ErrorCode;
use serde_json::{json, Value};

pub use governance::{ApprovalMode, Approvals, AuditLog, Decision, Reservation};
pub use openwork_wire::api::{Actor, ApprovalRequest, AuditEntry};
pub use reload::{reload_engine, Reloaded};

use crate::active::Active;
use crate::engine::EngineClient;
use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::watch::ApiWrites;
use crate::workspace::ActiveWorkspace;

/// What the host allows for writes.
#[derive(Debug, Clone)]
pub struct ExtensionsOptions {
    /// Every write is refused (`--read-only`).
    pub read_only: bool,
    /// Writes wait for the host's approval (`--approval manual`).
    pub approval: ApprovalMode,
    /// How long a write waits for approval before it is denied.
    pub approval_timeout: Duration,
    /// Largest request body (an uploaded archive), in bytes.
    pub max_body_bytes: usize,
    /// Where the audit log lives (`None`: nothing is recorded).
    pub audit_dir: Option<PathBuf>,
}

impl Default for ExtensionsOptions {
    fn default() -> Self {
        Self {
            read_only: false,
            approval: ApprovalMode::Auto,
            approval_timeout: Duration::from_secs(30),
            max_body_bytes: 32 * 1024 * 1024,
            audit_dir: crate::paths::data_dir().ok().map(|d| d.join("audit")),
        }
    }
}

/// The extension service of a host: its options, what waits for approval,
/// the audit log, the write queues, reloads, and the parts it works with
/// (the engine, the event bus, the marks of its own writes for the file
/// watcher).
#[derive(Debug)]
pub struct Extensions {
    options: ExtensionsOptions,
    /// Writes waiting for the host.
    pub approvals: Arc<Approvals>,
    /// The audit log.
    pub audit: AuditLog,
    commits: commit::Commits,
    listings: tokio::sync::Semaphore,
    /// Reloads of the engine's folder (deferred while it is busy).
    pub reload: reload::Reload,
    /// The config each workspace's engine last loaded, as
    /// [`config_check::effective_config`] sees it (by config file path).
    config_seen: Mutex<HashMap<PathBuf, Option<Value>>>,
    /// The engine, for MCP status, config checks and reloads.
    pub engine: EngineClient,
    /// Where `config.changed`, `config.invalid`, `engine.reload` and the
    /// approval events go.
    pub events: Arc<EventBus>,
    /// Files being written through the API (the file watcher leaves them out).
    pub api_writes: Arc<ApiWrites>,
}

/// What a write is, for approvals and the audit log.
#[derive(Debug, Clone)]
pub struct WriteIntent {
    /// `skills.add`, `plugins.remove`, ...
    pub action: &'static str,
    /// Name or file targeted.
    pub target: String,
    /// One line for people.
    pub summary: String,
    /// Files that may change.
    pub paths: Vec<String>,
}

/// Listings built at a time ([`Extensions::listing`]).
const LISTINGS_AT_ONCE: usize = 4;

impl Extensions {
    /// The service with these options, working with `engine` and publishing on `events`.
    pub fn new(options: ExtensionsOptions, engine: EngineClient, events: Arc<EventBus>) -> Self {
        Self {
            audit: AuditLog::new(options.audit_dir.clone()),
            options,
            approvals: Arc::default(),
            commits: commit::Commits::default(),
            listings: tokio::sync::Semaphore::new(LISTINGS_AT_ONCE),
            reload: reload::Reload::default(),
            config_seen: Mutex::new(HashMap::new()),
            engine,
            events,
            api_writes: Arc::default(),
        }
    }

    /// Whether writes wait for the host's approval.
    pub fn approval(&self) -> ApprovalMode {
        self.options.approval
    }

    /// Refused on a read-only host.
    pub fn check_writable(&self) -> Result<()> {
        if self.options.read_only {
            return Err(Error::new(ErrorCode::ReadOnly, "this host is read-only (--read-only)"));
        }
        Ok(())
    }

    /// Reserve a place in the approval queue for an upload of `declared`
    /// bytes (at most the body limit) before its body is read; `None` when
    /// writes are not approved by hand.
    pub fn reserve_upload(&self, declared: Option<u64>) -> Result<Option<Reservation>> {
        if self.options.approval != ApprovalMode::Manual {
            return Ok(None);
        }
        let max = self.options.max_body_bytes as u64;
        Ok(Some(self.approvals.reserve(declared.unwrap_or(max).min(max))?))
    }

    /// Largest request body, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.options.max_body_bytes
    }

    /// Build a listing (skills, plugins, MCP servers with their live status,
    /// commands, config; also the listing a write answers with) under a
    /// limit: each holds a whole list in memory, and a burst of concurrent
    /// requests (a batch of 200 writes answers 200 listings at once) must not
    /// hold a copy per request.
    pub async fn listing<T>(&self, build: impl std::future::Future<Output = T>) -> T {
        // The semaphore is never closed.
        let _permit = self.listings.acquire().await;
        build.await
    }

    /// Record the config the engine loads for `ws` now; returns whether it
    /// differs from the one recorded before (unknown counts as different).
    fn note_config(&self, ws: &ActiveWorkspace) -> bool {
        let path = jsonc::config_path(&ws.path);
        let now = config_check::effective_config(&path);
        let mut seen = self.config_seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(path, now.clone()).is_none_or(|before| before != now)
    }

    fn lock_for(&self, workspace_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.commits.of(workspace_id).lock.clone()
    }

    /// The last `limit` audit entries of a workspace, oldest first.
    pub async fn audit_entries(self: &Arc<Self>, workspace_id: &str, limit: usize) -> Result<AuditList> {
        let (ext, wid) = (self.clone(), workspace_id.to_string());
        let items = tokio::task::spawn_blocking(move || ext.audit.read(&wid, limit))
            .await
            .map_err(|e| Error::internal(&anyhow::anyhow!("{e}")))?;
        Ok(AuditList { items })
    }

    /// The writes waiting for approval.
    pub fn pending_approvals(&self) -> ApprovalList {
        ApprovalList { items: self.approvals.list() }
    }

    /// Answer a pending approval (`allow` or `deny`).
    pub fn answer_approval(&self, id: &str, reply: &str) -> Result<ApprovalReplied> {
        let allow = match reply {
            "allow" => true,
            "deny" => false,
            other => return Err(Error::invalid(format!("reply must be \"allow\" or \"deny\", not {other:?}"))),
        };
        match self.approvals.respond(id, allow) {
            Some(_) => Ok(ApprovalReplied { ok: true, allowed: allow }),
            None => Err(Error::new(ErrorCode::NotFound, format!("no pending approval `{id}`"))),
        }
    }
}

/// Run `change` as a governed write on `ws` (see the module docs).
///
/// Writes to one workspace are applied in batches and checked by OpenCode
/// once per batch ([`commit`]); `change` may therefore run twice (when a
/// batch is re-checked one change at a time), each time on the files as
/// they were before it.
pub async fn write<T: Send + 'static>(
    ext: &Arc<Extensions>,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    intent: WriteIntent,
    change: impl Fn(&ActiveWorkspace) -> Result<T> + Send + Sync + 'static,
) -> Result<T> {
    write_held(ext, actor, ws, intent, None, change).await
}

/// [`write`] for a request that reserved its place in the approval queue
/// before reading its body (`held`; see [`Approvals::reserve`]).
pub async fn write_held<T: Send + 'static>(
    ext: &Arc<Extensions>,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    intent: WriteIntent,
    held: Option<Reservation>,
    change: impl Fn(&ActiveWorkspace) -> Result<T> + Send + Sync + 'static,
) -> Result<T> {
    ext.check_writable()?;
    let change = Arc::new(change);
    if ext.options.approval == ApprovalMode::Manual {
        // The approver reads the change itself: a dry run on a copy.
        let (c, w, paths) = (change.clone(), ws.clone(), intent.paths.clone());
        let diff = tokio::task::spawn_blocking(move || preview::describe(&w, &paths, |x| c(x)))
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| "(the files this change touches are too large to show)".into());
        approve_held(ext, actor, ws, &intent, Some(diff), held).await?;
    }
    let audit = |outcome: &str| record_audit(ext, actor, ws, &intent, outcome);
    let change: commit::Change = Arc::new(move |ws: &ActiveWorkspace| change(ws).map(|v| Box::new(v) as commit::Output));
    let value = match commit::submit(ext, ws, intent.paths.clone(), change).await {
        commit::Outcome::Applied(v) => {
            audit("applied");
            v
        }
        commit::Outcome::Failed(e) => {
            audit("failed");
            return Err(e);
        }
        commit::Outcome::Rejected(e) => {
            audit("rejected");
            return Err(e);
        }
    };
    let value = *value
        .downcast::<T>()
        .map_err(|_| Error::internal(&anyhow::anyhow!("write answered with another type")))?;
    reload_engine(ext, ws).await;
    ext.events.publish(
        "config.changed",
        json!({ "workspaceId": ws.id, "action": intent.action, "target": intent.target, "source": "api" }),
    );
    Ok(value)
}

/// Record `intent` with `outcome` in the workspace's audit log.
pub fn record_audit(ext: &Extensions, actor: &Actor, ws: &ActiveWorkspace, intent: &WriteIntent, outcome: &str) {
    ext.audit.record(&AuditEntry {
        id: governance::new_id("aud"),
        workspace_id: ws.id.clone(),
        actor: actor.clone(),
        action: intent.action.to_string(),
        target: intent.target.clone(),
        summary: intent.summary.clone(),
        outcome: outcome.to_string(),
        timestamp: governance::now_ms(),
    })
}

/// In manual approval mode, wait for the host to allow `intent` (`change`:
/// the change itself, shown to the approver); a denial or a timeout is
/// audited and answered 403 `write_denied`. In auto mode, at once.
pub async fn approve(
    ext: &Extensions,
    actor: &Actor,
    ws: &ActiveWorkspace,
    intent: &WriteIntent,
    change: Option<String>,
) -> Result<()> {
    approve_held(ext, actor, ws, intent, change, None).await
}

/// [`approve`] with a place reserved before (`None`: reserved here, for
/// the change text).
async fn approve_held(
    ext: &Extensions,
    actor: &Actor,
    ws: &ActiveWorkspace,
    intent: &WriteIntent,
    change: Option<String>,
    held: Option<Reservation>,
) -> Result<()> {
    if ext.options.approval != ApprovalMode::Manual {
        return Ok(());
    }
    let _held = match held {
        Some(r) => r,
        None => ext.approvals.reserve(change.as_ref().map_or(0, |c| c.len() as u64))?,
    };
    let req = ApprovalRequest {
        id: governance::new_id("apr"),
        workspace_id: ws.id.clone(),
        action: intent.action.to_string(),
        summary: intent.summary.clone(),
        paths: intent.paths.clone(),
        change,
        created_at: governance::now_ms(),
        actor: actor.clone(),
    };
    let id = req.id.clone();
    let decision = ext
        .approvals
        .wait(req, ext.options.approval_timeout, |r| {
            ext.events.publish("approval.requested", serde_json::to_value(r).unwrap_or(Value::Null));
        })
        .await;
    let reply = match decision {
        Decision::Allowed => "allow",
        Decision::Denied => "deny",
        Decision::TimedOut => "timeout",
    };
    ext.events.publish(
        "approval.resolved",
        json!({ "id": id, "workspaceId": ws.id, "action": intent.action, "reply": reply }),
    );
    match decision {
        Decision::Allowed => Ok(()),
        Decision::Denied => {
            record_audit(ext, actor, ws, intent, "denied");
            Err(Error::new(ErrorCode::WriteDenied, "the host denied this change")
                .details(json!({ "requestId": id, "reason": "denied" })))
        }
        Decision::TimedOut => {
            record_audit(ext, actor, ws, intent, "timeout");
            Err(Error::new(
                ErrorCode::WriteDenied,
                format!("no approval from the host within {} ms", ext.options.approval_timeout.as_millis()),
            )
            .details(json!({ "requestId": id, "reason": "timeout" })))
        }
    }
}

/// Make OpenCode see what was edited by hand on the host: after each
/// `config.changed` from the file watcher, the folder is reloaded (once
/// idle; a config OpenCode rejects is not loaded, the folder keeps the
/// config it runs with and `config.invalid` tells clients what OpenCode
/// says: see [`reload`]). Runs until the event bus closes.
///
/// OpenCode itself adds `"$schema"` to a project config that lacks it when it
/// first loads the folder: an edit of `opencode.json(c)` that changes nothing
/// else does not reload (that would stop the MCP servers and sessions the
/// first request just started).
pub async fn follow_hand_edits(ext: Arc<Extensions>, active: Arc<Active>) {
    use tokio::sync::broadcast::error::RecvError;
    let (_, mut rx) = ext.events.subscribe_after(None);
    ext.note_config(&active.current());
    loop {
        let paths = match rx.recv().await {
            Ok(ev) if ev.kind == "workspace.switched" => {
                ext.note_config(&active.current());
                continue;
            }
            Ok(ev) if ev.kind == "config.changed" && ev.properties["source"] == "host-files" => {
                ev.properties["paths"].as_array().cloned().unwrap_or_default()
            }
            Ok(_) => continue,
            Err(RecvError::Lagged(_)) => Vec::new(),
            Err(RecvError::Closed) => return,
        };
        let ws = active.current();
        let only_config = !paths.is_empty()
            && paths.iter().all(|p| p.as_str().is_some_and(|p| p == "opencode.json" || p == "opencode.jsonc"));
        if !ext.note_config(&ws) && only_config {
            tracing::debug!("config file rewritten without a change OpenCode cares about; no reload");
            continue;
        }
        ext.reload.changed();
        reload_engine(&ext, &ws).await;
    }
}
