//! Handlers of the host's own routes (not the proxy).
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use openwork_wire::{Capabilities, EngineStatus, ErrorBody, Health, Workspace, WorkspaceList};

use super::auth::{ClientAuth, HostAuth};
use super::error::ApiError;
use openwork_wire::api::{OkResponse, RotatedToken, SwitchRequest};
use super::public_url::public_base;
use super::AppState;

/// `GET /health` (open).
#[utoipa::path(get, path = "/health", tag = "host", security(()),
    responses((status = 200, description = "This is an OpenWork host", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        ok: true,
        healthy: true,
        version: env!("CARGO_PKG_VERSION").to_string(),
        uptime_ms: state.started.elapsed().as_millis() as u64,
    })
}

/// The active workspace as `caller` may reach it: through the proxy with
/// its own token as the Basic password (OpenCode's clients send Basic, any
/// user name), or, for an owner of an `openwork-server` sidecar, the
/// engine itself as the orchestrator passed it.
fn describe_active(state: &AppState, headers: &HeaderMap, caller: Option<&ClientAuth>) -> Workspace {
    let base = public_base(headers, state.options.connect_host.as_deref());
    let mut w = state.active_workspace().describe(&base);
    let Some(caller) = caller else { return w };
    match &state.options.engine_for_owners {
        Some(engine) if caller.0.scope == openwork_wire::api::TokenScope::Owner => {
            w.opencode.base_url = engine.base_url.clone();
            w.opencode.username = Some(engine.username.clone());
            w.opencode.password = Some(engine.password.clone());
        }
        _ => {
            w.opencode.username = Some(openwork_wire::OPENCODE_BASIC_USER.into());
            w.opencode.password = super::auth::bearer_of(headers);
        }
    }
    w
}

/// `GET /workspaces`: only the active workspace.
#[utoipa::path(get, path = "/workspaces", tag = "host", security(("clientToken" = [])),
    responses((status = 200, description = "The active workspace (the only one listed)", body = WorkspaceList)))]
pub async fn workspaces(
    caller: ClientAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<WorkspaceList> {
    let active = describe_active(&state, &headers, Some(&caller));
    Json(WorkspaceList { items: vec![active.clone()], active })
}

/// `GET /workspaces/active`.
#[utoipa::path(get, path = "/workspaces/active", tag = "host", security(("clientToken" = [])),
    responses((status = 200, description = "The active workspace", body = Workspace)))]
pub async fn active_workspace(
    caller: ClientAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<Workspace> {
    Json(describe_active(&state, &headers, Some(&caller)))
}

/// `GET /capabilities`.
#[utoipa::path(get, path = "/capabilities", tag = "host", security(("clientToken" = [])),
    responses((status = 200, description = "What the client token may do", body = Capabilities)))]
pub async fn capabilities(caller: ClientAuth, State(state): State<AppState>) -> Json<Capabilities> {
    Json(Capabilities::for_scope(state.options.read_only, caller.0.scope))
}

/// `GET /engine`: the supervisor's status.
#[utoipa::path(get, path = "/engine", tag = "host", security(("clientToken" = [])),
    responses((status = 200, description = "The engine's status", body = EngineStatus)))]
pub async fn engine_status(_: ClientAuth, State(state): State<AppState>) -> Json<EngineStatus> {
    let mut status = state.engine.status();
    status.reload_pending = state.extensions.reload.is_pending(&state.active_workspace().id);
    Json(status)
}

/// `POST /engine/restart` (host token): restart, also out of `failed`.
#[utoipa::path(post, path = "/engine/restart", tag = "host", security(("hostToken" = [])),
    responses((status = 200, description = "Restart requested", body = OkResponse)))]
pub async fn engine_restart(_: HostAuth, State(state): State<AppState>) -> Json<OkResponse> {
    state.engine.restart().await;
    Json(OkResponse::YES)
}

/// `POST /tokens/rotate` (host token): new client token, persisted; the old
/// one stops working at once.
#[utoipa::path(post, path = "/tokens/rotate", tag = "host", security(("hostToken" = [])),
    responses((status = 200, description = "The new client token", body = RotatedToken),
        (status = 403, description = "`forbidden`: the token comes from the environment and cannot be rotated", body = ErrorBody),
        (status = 507, description = "`storage_full`: the host's disk is full; the old token still works", body = ErrorBody)))]
pub async fn rotate_client_token(
    _: HostAuth,
    State(state): State<AppState>,
) -> Result<Json<RotatedToken>, ApiError> {
    let fresh = state.tokens.rotate_client().map_err(|e| match e {
        crate::tokens::RotateError::Overridden => ApiError::forbidden(e.to_string()),
        // A full disk is 507 (the old token still works), other I/O 500.
        crate::tokens::RotateError::Io(cause) => ApiError::internal(&cause),
    })?;
    tracing::info!(token = %crate::tokens::mask(&fresh), "client token rotated");
    // Streams opened with the old token end now.
    state.devices.end_streams(crate::devices::CLIENT_ID);
    Ok(Json(RotatedToken { client_token: fresh }))
}

/// `POST /workspaces/active` (host token): expose another folder. The engine
/// keeps running and tokens stay; requests already in flight finish against
/// the folder they started with. Clients get `workspace.switched` on `/events`.
#[utoipa::path(post, path = "/workspaces/active", tag = "host", security(("hostToken" = [])),
    request_body = SwitchRequest,
    responses((status = 200, description = "The new active workspace", body = Workspace),
        (status = 404, description = "`workspace_not_found`: no such folder", body = ErrorBody),
        (status = 507, description = "`storage_full`: the host's disk is full; nothing was changed", body = ErrorBody)))]
pub async fn switch_workspace(
    _: HostAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<SwitchRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Workspace>, ApiError> {
    let Json(req) = body.map_err(|e| {
        if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(openwork_wire::ErrorCode::PayloadTooLarge, e.body_text())
        } else {
            ApiError::invalid(format!("expected {{\"path\": \"/abs/dir\"}}: {e}"))
        }
    })?;
    let path = std::path::Path::new(&req.path);
    if !path.is_absolute() {
        return Err(ApiError::invalid("path must be absolute"));
    }
    let next = crate::workspace::ActiveWorkspace::open(path).map_err(|e| {
        ApiError::new(openwork_wire::ErrorCode::WorkspaceNotFound, format!("{e:#}"))
    })?;
    state
        .active
        .switch(next, &state.events, &state.proxy, &state.extensions.engine)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(describe_active(&state, &headers, None)))
}
