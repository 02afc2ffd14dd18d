//! `GET|PATCH /workspace/:id/config`.
use axum::extract::State;
use axum::Json;
use openwork_wire::api::{ConfigPatch, ConfigPatched, ConfigView};

use super::{Ws, WsJson};
use crate::extensions::config;
use crate::server::auth::Owner;
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /workspace/:id/config` → `{opencode, openwork, path}`.
#[utoipa::path(get, path = "/workspace/{id}/config", operation_id = "get_config", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "Both config files", body = ConfigView)))]
pub async fn get_config(_: Owner, State(state): State<AppState>, Ws(ws): Ws) -> Result<Json<ConfigView>, ApiError> {
    Ok(Json(config::get(&state.extensions, &ws).await?))
}

/// `PATCH /workspace/:id/config` with `{opencode?, openwork?}`: top-level
/// merge (a `null` value removes the key). `opencode.json(c)` is edited in
/// place. → `{opencode, openwork, updatedAt}`.
#[utoipa::path(patch, path = "/workspace/{id}/config", operation_id = "patch_config", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = ConfigPatch,
    responses((status = 200, description = "Both files after the merge", body = ConfigPatched)))]
pub async fn patch_config(
    Owner(actor): Owner,
    State(state): State<AppState>,
    WsJson(ws, patch): WsJson<ConfigPatch>,
) -> Result<Json<ConfigPatched>, ApiError> {
    Ok(Json(config::patch(&state.extensions, &actor, &ws, patch).await?))
}
