//! `/workspace/:id/commands`: list, add, remove.
use axum::extract::{Path, State};
use axum::Json;
use openwork_wire::api::{AddCommand, CommandList, OkResponse};
use openwork_wire::ErrorBody;

use super::{Named, Ws, WsJson};
use crate::extensions::commands;
use crate::server::auth::{ClientAuth, Owner};
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /workspace/:id/commands` → `{items: [{name, description?, template, agent?, model?, subtask?, scope, path}]}`.
#[utoipa::path(get, path = "/workspace/{id}/commands", operation_id = "commands_list", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "Commands", body = CommandList)))]
pub async fn list(_: ClientAuth, State(state): State<AppState>, Ws(ws): Ws) -> Json<CommandList> {
    Json(commands::list(&state.extensions, &ws).await)
}

/// `POST /workspace/:id/commands` with `{name, template, description?, agent?, model?, subtask?}` → `{items}`.
#[utoipa::path(post, path = "/workspace/{id}/commands", operation_id = "commands_add", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddCommand,
    responses((status = 200, description = "The listing", body = CommandList)))]
pub async fn add(Owner(actor): Owner, State(state): State<AppState>, WsJson(ws, req): WsJson<AddCommand>) -> Result<Json<CommandList>, ApiError> {
    Ok(Json(commands::add(&state.extensions, &actor, &ws, req).await?))
}

/// `DELETE /workspace/:id/commands/:name` → `{ok: true}`; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/commands/{name}", operation_id = "commands_remove", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Command name")),
    responses((status = 200, description = "Removed", body = OkResponse),
        (status = 404, description = "`not_found`: no such command, or `workspace_not_found`", body = ErrorBody)))]
pub async fn remove(Owner(actor): Owner, State(state): State<AppState>, Ws(ws): Ws, Path(Named { name }): Path<Named>) -> Result<Json<OkResponse>, ApiError> {
    Ok(Json(commands::remove(&state.extensions, &actor, &ws, name).await?))
}
