//! `/opencode/*`: the host's front of [`openwork_proxy`].
//!
//! Every request is decided by the proxy policy ([`openwork_proxy::decide`]:
//! the decoded path against the allowlist of OpenCode's routes, the folder
//! pinned), then by the host's modes ([`openwork_proxy::action`]:
//! `--read-only` forwards only reads; `--approval manual` holds config
//! changes until the host allows them, showing the change itself; config
//! changes are audited), then forwarded to the engine with its own
//! credentials ([`openwork_proxy::Forwarder`]). While the engine is not
//! `running` the answer is 503 `engine_unavailable` with the engine state.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use openwork_proxy::{Action, Class, Decision, ForwardError, Modes, Outgoing, Refusal, Upstream};
use openwork_wire::{ErrorCode, OPENCODE_PROXY_PREFIX};
use serde_json::json;

use super::error::ApiError;
use super::AppState;
use crate::extensions::{self, Actor, WriteIntent};

/// Largest body of a config change held for approval.
const MAX_APPROVAL_BODY: usize = 1024 * 1024;

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError(r.0)
    }
}

/// What the host's options mean for the proxy.
fn modes(state: &AppState) -> Modes {
    Modes {
        read_only: state.options.read_only,
        approval_manual: state.options.approval == extensions::ApprovalMode::Manual,
    }
}

/// Any method on `/opencode` and `/opencode/*`.
pub async fn forward(actor: Actor, State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let raw = parts.uri.path().strip_prefix(OPENCODE_PROXY_PREFIX).unwrap_or("/");
    let raw = if raw.is_empty() { "/" } else { raw };
    // The workspace this request started with, for all of it.
    let ws = state.active_workspace();
    let decision = openwork_proxy::decide(&parts.method, raw, parts.uri.query(), &parts.headers, &ws.directory)?;
    let audited = (decision.class() == Class::Config).then(|| intent(&decision));
    let body = match openwork_proxy::action(decision.class(), modes(&state)) {
        Action::Refuse(r) => return Err(r.into()),
        Action::Forward => body,
        Action::Approve => {
            let bytes = axum::body::to_bytes(body, MAX_APPROVAL_BODY).await.map_err(|_| {
                ApiError::new(ErrorCode::PayloadTooLarge, format!("a change held for approval is at most {MAX_APPROVAL_BODY} bytes"))
            })?;
            let intent = audited.as_ref().expect("config changes are audited");
            let change = describe_change(&decision, parts.uri.query(), &bytes);
            extensions::approve(&state.extensions, &actor, &ws, intent, Some(change)).await?;
            Body::from(bytes)
        }
    };
    let Some(endpoint) = state.engine.endpoint() else {
        return Err(engine_unavailable(&state));
    };
    // A client asking OpenCode to reload the folder gets the host's reload:
    // once the folder is idle, and only with a config OpenCode accepts.
    if decision.route.pattern == "/instance/dispose" {
        state.extensions.reload.changed();
        let reloaded = extensions::reload_engine(&state.extensions, &ws).await;
        if let Some(intent) = &audited {
            extensions::record_audit(&state.extensions, &actor, &ws, intent, "applied");
        }
        let mut resp = axum::Json(true).into_response();
        let value = if reloaded == extensions::Reloaded::Deferred { "pending" } else { "done" };
        resp.headers_mut().insert("x-openwork-reload", http::HeaderValue::from_static(value));
        return Ok(resp);
    }
    let upstream = Upstream {
        base_url: endpoint.base_url.clone(),
        username: endpoint.username.clone(),
        password: Some(endpoint.password.clone()),
    };
    // Anything that can start work holds the reload gate until OpenCode
    // answers: a reload of the folder never starts under it.
    let _gate = match decision.class() {
        Class::Read => None,
        _ => Some(state.extensions.reload.gate.read().await),
    };
    let out = Outgoing { decision: &decision, query: parts.uri.query(), headers: &parts.headers, body };
    // A request waiting on an engine that stops answering (or exits) ends
    // when the supervisor notices, never hangs.
    let result = tokio::select! {
        r = state.proxy.forward(&upstream, &ws.directory, out) => r,
        () = state.engine.left_running() => return Err(engine_unavailable(&state)),
    };
    if let Some(intent) = &audited {
        let outcome = match &result {
            Ok(resp) if resp.status().is_success() => "applied",
            _ => "failed",
        };
        extensions::record_audit(&state.extensions, &actor, &ws, intent, outcome);
    }
    result.map_err(|e| match e {
        ForwardError::Refused(r) => r.into(),
        ForwardError::BodyTooLarge => ApiError::new(ErrorCode::PayloadTooLarge, "request body too large"),
        ForwardError::Upstream(e) => {
            tracing::warn!("proxy to OpenCode failed: {e}");
            if state.engine.endpoint().is_none() {
                engine_unavailable(&state)
            } else {
                ApiError::new(ErrorCode::BadGateway, "OpenCode did not answer")
            }
        }
    })
}

/// 503 `engine_unavailable` with the engine's state; 504
/// `engine_unresponsive` when it stopped answering (it is being restarted).
fn engine_unavailable(state: &AppState) -> ApiError {
    let status = state.engine.status();
    let details = json!({ "state": status.state, "lastError": status.last_error });
    if status.state == openwork_wire::EngineState::Unresponsive {
        return ApiError::new(ErrorCode::EngineUnresponsive, "OpenCode stopped answering; it is being restarted").details(details);
    }
    ApiError::new(ErrorCode::EngineUnavailable, format!("OpenCode is not running (state: {})", status.state)).details(details)
}

/// A config change through the proxy, for approvals and the audit log.
fn intent(decision: &Decision) -> WriteIntent {
    let what = format!("{} {}", decision.route.method, decision.decoded);
    WriteIntent {
        action: "opencode.config",
        target: what.clone(),
        summary: format!("OpenCode config change through the proxy: {what}"),
        paths: Vec::new(),
    }
}

/// The change itself, for the approver: request line and body (JSON
/// pretty-printed; other bytes as text).
fn describe_change(decision: &Decision, query: Option<&str>, body: &[u8]) -> String {
    let mut text = format!("{} {}", decision.route.method, decision.decoded);
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        text.push('?');
        text.push_str(q);
    }
    if !body.is_empty() {
        text.push_str("\n\n");
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => text.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default()),
            Err(_) => text.push_str(&String::from_utf8_lossy(body)),
        }
    }
    text
}
