//! Handlers of the host's own routes (not the proxy).
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use openwork_wire::{Capabilities, EngineStatus, Health, Workspace, WorkspaceList};
use serde_json::json;

use super::auth::{ClientAuth, HostAuth};
use super::error::ApiError;
use super::workspace::public_base;
use super::AppState;

/// `GET /health` (open).
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        ok: true,
        healthy: true,
        version: env!("CARGO_PKG_VERSION").to_string(),
        uptime_ms: state.started.elapsed().as_millis() as u64,
    })
}

fn describe_active(state: &AppState, headers: &HeaderMap) -> Workspace {
    let base = public_base(headers, state.options.connect_host.as_deref());
    state.active_workspace().describe(&base)
}

/// `GET /workspaces`: only the active workspace.
pub async fn workspaces(
    _: ClientAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<WorkspaceList> {
    let active = describe_active(&state, &headers);
    Json(WorkspaceList { items: vec![active.clone()], active })
}

/// `GET /workspaces/active`.
pub async fn active_workspace(
    _: ClientAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<Workspace> {
    Json(describe_active(&state, &headers))
}

/// `GET /capabilities`.
pub async fn capabilities(_: ClientAuth, State(state): State<AppState>) -> Json<Capabilities> {
    Json(Capabilities::for_host(state.options.read_only))
}

/// `GET /engine`: the supervisor's status.
pub async fn engine_status(_: ClientAuth, State(state): State<AppState>) -> Json<EngineStatus> {
    Json(state.engine.status())
}

/// `POST /engine/restart` (host token): restart, also out of `failed`.
pub async fn engine_restart(_: HostAuth, State(state): State<AppState>) -> Json<serde_json::Value> {
    state.engine.restart().await;
    Json(json!({ "ok": true }))
}

/// `POST /tokens/rotate` (host token): new client token, persisted; the old
/// one stops working at once.
pub async fn rotate_client_token(
    _: HostAuth,
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let fresh = state.tokens.rotate_client().map_err(|e| {
        ApiError::forbidden(format!("{e:#}"))
    })?;
    tracing::info!(token = %crate::tokens::mask(&fresh), "client token rotated");
    Ok(Json(json!({ "clientToken": fresh })))
}

/// Body of `POST /workspaces/active`.
#[derive(Debug, serde::Deserialize)]
pub struct SwitchRequest {
    /// Absolute path of the folder to expose (on the host).
    pub path: String,
}

/// `POST /workspaces/active` (host token): expose another folder. The engine
/// keeps running and tokens stay; requests already in flight finish against
/// the folder they started with. Clients get `workspace.switched` on `/events`.
pub async fn switch_workspace(
    _: HostAuth,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<SwitchRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Workspace>, ApiError> {
    let Json(req) = body.map_err(|e| ApiError::invalid(format!("expected {{\"path\": \"/abs/dir\"}}: {e}")))?;
    let path = std::path::Path::new(&req.path);
    if !path.is_absolute() {
        return Err(ApiError::invalid("path must be absolute"));
    }
    let next = super::ActiveWorkspace::open(path).map_err(|e| {
        ApiError::new(openwork_wire::ErrorCode::WorkspaceNotFound, format!("{e:#}"))
    })?;
    state.switch_workspace(next).map_err(|e| ApiError::internal(&e))?;
    Ok(Json(describe_active(&state, &headers)))
}
