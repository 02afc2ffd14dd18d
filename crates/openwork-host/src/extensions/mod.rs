//! Workspace extensions managed through the host: skills, plugins, MCP
//! servers, commands and config (routes under `/workspace/:id/...`), plus
//! the governance around writes (read-only mode, approvals, audit log).
//!
//! Every write goes through [`ExtensionsState::write`]: workspace check →
//! read-only check (403 `read_only`) → approval in manual mode (403
//! `write_denied` on deny or timeout) → per-workspace write lock → the change
//! (on a blocking thread) → for a change to `opencode.json(c)`: the engine
//! reloads and loads the config, and a config it rejects is rolled back (422,
//! see [`config_check`]) → audit entry → engine reload (`POST
//! /instance/dispose` for the directory, coalesced) → `config.changed`.
//!
//! Routes (client token unless noted):
//! - `GET|PATCH /workspace/:id/config`
//! - `GET|POST /workspace/:id/skills`, `POST /workspace/:id/skills/archive?name=`,
//!   `DELETE /workspace/:id/skills/:name`
//! - `GET|POST /workspace/:id/plugins`, `DELETE /workspace/:id/plugins/:name`
//! - `GET|POST /workspace/:id/mcp`, `DELETE /workspace/:id/mcp/:name`,
//!   `POST /workspace/:id/mcp/:name/enable|disable`
//! - `GET|POST /workspace/:id/commands`, `DELETE /workspace/:id/commands/:name`
//! - `GET /workspace/:id/audit?limit=N`
//! - `GET /approvals`, `POST /approvals/:id` (host token)

mod commands;
mod commit;
mod config;
pub mod config_check;
pub mod frontmatter;
pub mod fsguard;
pub mod governance;
pub mod jsonc;
mod mcp;
mod plugins;
pub mod preview;
pub mod reload;
pub mod schemas;
pub mod skills;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use openwork_wire::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

pub use governance::{Actor, ApprovalMode, ApprovalRequest, Approvals, AuditEntry, AuditLog, Decision, Reservation};

use crate::server::auth::HostAuth;
use schemas::{ApprovalList, ApprovalReplied, AuditList};
use crate::server::error::ApiError;
use crate::server::{ActiveWorkspace, AppState};

/// State shared by the extension routes.
#[derive(Debug)]
pub struct ExtensionsState {
    read_only: bool,
    approval: ApprovalMode,
    approval_timeout: Duration,
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

impl ExtensionsState {
    /// State for a host with these options; the audit log lives in
    /// `<data dir>/audit/`.
    pub fn new(options: &crate::server::ServerOptions) -> Self {
        Self::with_audit_dir(options, crate::paths::data_dir().ok().map(|d| d.join("audit")))
    }

    /// Like [`ExtensionsState::new`] with an explicit audit directory.
    pub fn with_audit_dir(options: &crate::server::ServerOptions, audit_dir: Option<PathBuf>) -> Self {
        Self {
            read_only: options.read_only,
            approval: options.approval,
            approval_timeout: options.approval_timeout,
            approvals: Arc::default(),
            audit: AuditLog::new(audit_dir),
            commits: commit::Commits::default(),
            listings: tokio::sync::Semaphore::new(LISTINGS_AT_ONCE),
            reload: reload::Reload::default(),
            config_seen: Mutex::new(HashMap::new()),
        }
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
}

/// The active workspace if `id` names it, else 404 `workspace_not_found`.
pub fn workspace(state: &AppState, id: &str) -> Result<Arc<ActiveWorkspace>, ApiError> {
    let ws = state.active_workspace();
    if ws.id == id {
        Ok(ws)
    } else {
        Err(ApiError::new(ErrorCode::WorkspaceNotFound, format!("no workspace `{id}` on this host"))
            .details(json!({ "activeId": ws.id })))
    }
}

/// Query of the listing routes: `?includeGlobal=true` adds the global root.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListQuery {
    include_global: Option<bool>,
}

impl ListQuery {
    /// Whether the global root is asked for.
    pub(super) fn include_global(&self) -> bool {
        self.include_global.unwrap_or(false)
    }
}

/// Listings built at a time ([`listing`]).
const LISTINGS_AT_ONCE: usize = 4;

/// Build a listing (skills, plugins, MCP servers with their live status,
/// commands, config; also the listing a write answers with) under a limit:
/// each holds a whole list in memory, and a burst of concurrent requests
/// (a batch of 200 writes answers 200 listings at once) must not hold a
/// copy per request.
pub(super) async fn listing<T>(state: &AppState, build: impl std::future::Future<Output = T>) -> T {
    // The semaphore is never closed.
    let _permit = state.extensions.listings.acquire().await;
    build.await
}

/// Parse a JSON body into `T`, 400 `invalid_request` on failure.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))
}

/// Run `change` as a governed write on `ws` (see the module docs).
///
/// Writes to one workspace are applied in batches and checked by OpenCode
/// once per batch ([`commit`]); `change` may therefore run twice (when a
/// batch is re-checked one change at a time), each time on the files as
/// they were before it.
pub async fn write<T: Send + 'static>(
    state: &AppState,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    intent: WriteIntent,
    change: impl Fn(&ActiveWorkspace) -> Result<T, ApiError> + Send + Sync + 'static,
) -> Result<T, ApiError> {
    write_held(state, actor, ws, intent, None, change).await
}

/// Refused on a read-only host.
pub fn check_writable(state: &AppState) -> Result<(), ApiError> {
    if state.extensions.read_only || state.options.read_only {
        return Err(ApiError::new(ErrorCode::ReadOnly, "this host is read-only (--read-only)"));
    }
    Ok(())
}

/// [`write`] for a request that reserved its place in the approval queue
/// before reading its body (`held`; see [`Approvals::reserve`]).
pub async fn write_held<T: Send + 'static>(
    state: &AppState,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    intent: WriteIntent,
    held: Option<Reservation>,
    change: impl Fn(&ActiveWorkspace) -> Result<T, ApiError> + Send + Sync + 'static,
) -> Result<T, ApiError> {
    check_writable(state)?;
    let change = Arc::new(change);
    if state.extensions.approval == ApprovalMode::Manual {
        // The approver reads the change itself: a dry run on a copy.
        let (c, w, paths) = (change.clone(), ws.clone(), intent.paths.clone());
        let diff = tokio::task::spawn_blocking(move || preview::describe(&w, &paths, |x| c(x)))
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| "(the files this change touches are too large to show)".into());
        approve_held(state, actor, ws, &intent, Some(diff), held).await?;
    }
    let audit = |outcome: &str| record_audit(state, actor, ws, &intent, outcome);
    let change: commit::Change = Arc::new(move |ws: &ActiveWorkspace| change(ws).map(|v| Box::new(v) as commit::Output));
    let value = match commit::submit(state, ws, intent.paths.clone(), change).await {
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
        .map_err(|_| ApiError::internal(&anyhow::anyhow!("write answered with another type")))?;
    reload_engine(state, ws).await;
    state.events.publish(
        "config.changed",
        json!({ "workspaceId": ws.id, "action": intent.action, "target": intent.target, "source": "api" }),
    );
    Ok(value)
}

/// Record `intent` with `outcome` in the workspace's audit log.
pub fn record_audit(state: &AppState, actor: &Actor, ws: &ActiveWorkspace, intent: &WriteIntent, outcome: &str) {
    state.extensions.audit.record(&AuditEntry {
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
    state: &AppState,
    actor: &Actor,
    ws: &ActiveWorkspace,
    intent: &WriteIntent,
    change: Option<String>,
) -> Result<(), ApiError> {
    approve_held(state, actor, ws, intent, change, None).await
}

/// [`approve`] with a place reserved before (`None`: reserved here, for
/// the change text).
async fn approve_held(
    state: &AppState,
    actor: &Actor,
    ws: &ActiveWorkspace,
    intent: &WriteIntent,
    change: Option<String>,
    held: Option<Reservation>,
) -> Result<(), ApiError> {
    let ext = &state.extensions;
    if ext.approval != ApprovalMode::Manual {
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
        .wait(req, ext.approval_timeout, |r| {
            state.events.publish("approval.requested", serde_json::to_value(r).unwrap_or(Value::Null));
        })
        .await;
    let reply = match decision {
        Decision::Allowed => "allow",
        Decision::Denied => "deny",
        Decision::TimedOut => "timeout",
    };
    state.events.publish(
        "approval.resolved",
        json!({ "id": id, "workspaceId": ws.id, "action": intent.action, "reply": reply }),
    );
    match decision {
        Decision::Allowed => Ok(()),
        Decision::Denied => {
            record_audit(state, actor, ws, intent, "denied");
            Err(ApiError::new(ErrorCode::WriteDenied, "the host denied this change")
                .details(json!({ "requestId": id, "reason": "denied" })))
        }
        Decision::TimedOut => {
            record_audit(state, actor, ws, intent, "timeout");
            Err(ApiError::new(
                ErrorCode::WriteDenied,
                format!("no approval from the host within {} ms", ext.approval_timeout.as_millis()),
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
pub async fn follow_hand_edits(state: AppState) {
    use tokio::sync::broadcast::error::RecvError;
    let (_, mut rx) = state.events.subscribe_after(None);
    state.extensions.note_config(&state.active_workspace());
    loop {
        let paths = match rx.recv().await {
            Ok(ev) if ev.kind == "workspace.switched" => {
                state.extensions.note_config(&state.active_workspace());
                continue;
            }
            Ok(ev) if ev.kind == "config.changed" && ev.properties["source"] == "host-files" => {
                ev.properties["paths"].as_array().cloned().unwrap_or_default()
            }
            Ok(_) => continue,
            Err(RecvError::Lagged(_)) => Vec::new(),
            Err(RecvError::Closed) => return,
        };
        let ws = state.active_workspace();
        let only_config = !paths.is_empty()
            && paths.iter().all(|p| p.as_str().is_some_and(|p| p == "opencode.json" || p == "opencode.jsonc"));
        if !state.extensions.note_config(&ws) && only_config {
            tracing::debug!("config file rewritten without a change OpenCode cares about; no reload");
            continue;
        }
        state.extensions.reload.changed();
        reload_engine(&state, &ws).await;
    }
}

pub use reload::{reload_engine, Reloaded};

/// `GET` an OpenCode route for the workspace through the engine; `None`
/// when the engine is not running or does not answer with JSON.
pub async fn engine_get(state: &AppState, ws: &ActiveWorkspace, path: &str) -> Option<Value> {
    let resp = engine_request(state, ws, path, Duration::from_secs(5)).await?;
    if !resp.status().is_success() {
        return None;
    }
    resp.json().await.ok()
}

/// `GET` an OpenCode route for the workspace's directory with the engine's
/// credentials; `None` when the engine is not running or does not answer.
pub(super) async fn engine_request(
    state: &AppState,
    ws: &ActiveWorkspace,
    path: &str,
    timeout: Duration,
) -> Option<reqwest::Response> {
    let ep = state.engine.endpoint()?;
    state
        .http
        .get(format!("{}{path}", ep.base_url))
        .query(&[("directory", ws.directory.as_str())])
        .header(openwork_proxy::pin::DIRECTORY_HEADER, openwork_proxy::path::encode_component(&ws.directory))
        .basic_auth(&ep.username, Some(&ep.password))
        .timeout(timeout)
        .send()
        .await
        .ok()
}

#[derive(Deserialize)]
struct AuditQuery {
    limit: Option<usize>,
}

/// `GET /workspace/:id/audit?limit=N` → `{items: [AuditEntry]}` (oldest first, last N, default 100).
#[utoipa::path(get, path = "/workspace/{id}/audit", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("limit" = Option<usize>, Query, description = "Last N entries (default 100, 1-10000)")),
    responses((status = 200, description = "Audit entries", body = AuditList)))]
async fn audit_list(
    _: Actor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    let audit = state.extensions.clone();
    let wid = ws.id.clone();
    let items = tokio::task::spawn_blocking(move || audit.audit.read(&wid, limit))
        .await
        .map_err(|e| ApiError::internal(&anyhow::anyhow!("{e}")))?;
    Ok(Json(json!({ "items": items })))
}

/// `GET /approvals` (host token) → `{items: [ApprovalRequest]}`.
#[utoipa::path(get, path = "/approvals", tag = "approvals", security(("hostToken" = [])),
    responses((status = 200, description = "Pending approvals", body = ApprovalList)))]
async fn approvals_list(_: HostAuth, State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "items": state.extensions.approvals.list() }))
}

/// Body of `POST /approvals/{id}`.
#[derive(Deserialize, utoipa::ToSchema)]
struct Reply {
    /// `allow` or `deny`.
    #[schema(pattern = "^(allow|deny)$", example = "allow")]
    reply: String,
}

/// `POST /approvals/:id` (host token) with `{reply: "allow"|"deny"}` → `{ok, allowed}`.
#[utoipa::path(post, path = "/approvals/{id}", tag = "approvals", security(("hostToken" = [])),
    params(("id" = String, Path, description = "Approval id (`apr_<16 hex>`)")),
    request_body = Reply,
    responses((status = 200, description = "Answered", body = ApprovalReplied),
        (status = 404, description = "`not_found`: no pending approval of that id", body = ErrorBody)))]
async fn approvals_reply(
    _: HostAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let Reply { reply } = parse_body(&body)?;
    let allow = match reply.as_str() {
        "allow" => true,
        "deny" => false,
        other => return Err(ApiError::invalid(format!("reply must be \"allow\" or \"deny\", not {other:?}"))),
    };
    match state.extensions.approvals.respond(&id, allow) {
        Some(_) => Ok(Json(json!({ "ok": true, "allowed": allow }))),
        None => Err(ApiError::new(ErrorCode::NotFound, format!("no pending approval `{id}`"))),
    }
}

/// Routes of the extension API (with their OpenAPI documentation), merged
/// into the main router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(config::get_config, config::patch_config))
        .routes(routes!(skills::list, skills::add))
        .routes(routes!(skills::add_archive))
        .routes(routes!(skills::remove))
        .routes(routes!(plugins::list, plugins::add))
        .routes(routes!(plugins::remove))
        .routes(routes!(mcp::list, mcp::add))
        .routes(routes!(mcp::remove))
        .routes(routes!(mcp::enable))
        .routes(routes!(mcp::disable))
        .routes(routes!(commands::list, commands::add))
        .routes(routes!(commands::remove))
        .routes(routes!(audit_list))
        .routes(routes!(approvals_list))
        .routes(routes!(approvals_reply))
}
