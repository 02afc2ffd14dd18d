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

use super::auth::{Caller, StreamCut};
use super::error::ApiError;
use super::AppState;
use crate::extensions::{self, WriteIntent};

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
        credentials: true,
    }
}

/// Any method on `/opencode` and `/opencode/*`.
pub async fn forward(caller: Caller, State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let actor = caller.actor;
    let (mut parts, body) = req.into_parts();
    let raw = parts.uri.path().strip_prefix(OPENCODE_PROXY_PREFIX).unwrap_or("/");
    let raw = if raw.is_empty() { "/" } else { raw };
    // The workspace this request started with, for all of it.
    let ws = state.active_workspace();
    let decision = openwork_proxy::decide(&parts.method, raw, parts.uri.query(), &parts.headers, &ws.directory)?;
    // What the token's scope allows (the machine class is refused above).
    if let Some(needed) = decision.class().min_scope() {
        caller.grant.require(needed, &format!("{} ({})", decision.decoded, decision.class().name()))?;
    }
    let audited = matches!(decision.class(), Class::Config | Class::Credentials).then(|| intent(&decision));
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
    // OpenCode's terminal (a WebSocket): open until either side closes, the
    // token is revoked or the engine leaves `running`.
    let upgrade = if decision.route.kind == openwork_proxy::Kind::PtyConnect && openwork_proxy::is_websocket(&parts.headers) {
        // A browser's page may open it only from the host's own origin (or
        // a configured CORS origin): WebSockets are not bound by CORS.
        if !origin_allowed(&parts.headers, &state.options.cors_origins) {
            return Err(ApiError::new(ErrorCode::Forbidden, "a terminal may only be opened from the host's own pages")
                .details(json!({ "origin": parts.headers.get(http::header::ORIGIN).and_then(|v| v.to_str().ok()) })));
        }
        let revoked = parts.extensions.get::<StreamCut>().and_then(StreamCut::take);
        let engine = state.engine.clone();
        openwork_proxy::Upgrade::of(&mut parts, async move {
            let revoked = async move {
                match revoked {
                    Some(mut rx) => drop(rx.wait_for(|r| *r).await),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = revoked => {}
                () = engine.left_running() => {}
            }
        })
    } else {
        None
    };
    let out = Outgoing { decision: &decision, query: parts.uri.query(), headers: &parts.headers, body, upgrade };
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

/// Whether a WebSocket handshake's `Origin` (browsers always send one) is
/// the host itself (the `Host` the request was sent to) or a configured
/// CORS origin; no `Origin` (not a browser) is fine.
fn origin_allowed(headers: &http::HeaderMap, cors_origins: &[String]) -> bool {
    let Some(origin) = headers.get(http::header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let host = headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let own = !host.is_empty() && [format!("http://{host}"), format!("https://{host}")].iter().any(|o| o.eq_ignore_ascii_case(origin));
    own || cors_origins.iter().any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
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

/// A config or credentials change through the proxy, for approvals and
/// the audit log.
fn intent(decision: &Decision) -> WriteIntent {
    let what = format!("{} {}", decision.route.method, decision.decoded);
    let (action, kind) = match decision.class() {
        Class::Credentials => ("opencode.credentials", "provider credentials"),
        _ => ("opencode.config", "config"),
    };
    WriteIntent {
        action,
        target: what.clone(),
        summary: format!("OpenCode {kind} change through the proxy: {what}"),
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
            Ok(mut v) => {
                // The approver sees which provider gets a key, not the key.
                if decision.class() == Class::Credentials {
                    if let Some(key) = v.get_mut("key") {
                        *key = serde_json::Value::String("[redacted]".into());
                    }
                }
                text.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default())
            }
            Err(_) => text.push_str(&String::from_utf8_lossy(body)),
        }
    }
    text
}
