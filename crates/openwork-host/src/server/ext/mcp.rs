//! `/workspace/:id/mcp`: list, add, remove, enable, disable.
use axum::extract::{Path, State};
use axum::Json;
use openwork_wire::api::{AddMcp, McpList};
use openwork_wire::ErrorBody;

use super::{Named, Ws, WsJson};
use crate::extensions::mcp;
use crate::server::auth::Owner;
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /workspace/:id/mcp` → `{items: [{name, config, source, status?}]}`
/// (`status` from OpenCode's `GET /mcp` while the engine runs).
#[utoipa::path(get, path = "/workspace/{id}/mcp", operation_id = "mcp_list", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "MCP servers", body = McpList)))]
pub async fn list(_: Owner, State(state): State<AppState>, Ws(ws): Ws) -> Result<Json<McpList>, ApiError> {
    Ok(Json(mcp::list(&state.extensions, &ws).await?))
}

/// `POST /workspace/:id/mcp` with `{name, config}` (added or replaced) → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp", operation_id = "mcp_add", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddMcp,
    responses((status = 200, description = "The listing", body = McpList)))]
pub async fn add(Owner(actor): Owner, State(state): State<AppState>, WsJson(ws, req): WsJson<AddMcp>) -> Result<Json<McpList>, ApiError> {
    Ok(Json(mcp::add(&state.extensions, &actor, &ws, req).await?))
}

/// `DELETE /workspace/:id/mcp/:name` → the listing; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/mcp/{name}", operation_id = "mcp_remove", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub async fn remove(Owner(actor): Owner, State(state): State<AppState>, Ws(ws): Ws, Path(Named { name }): Path<Named>) -> Result<Json<McpList>, ApiError> {
    Ok(Json(mcp::remove(&state.extensions, &actor, &ws, name).await?))
}

/// `POST /workspace/:id/mcp/:name/enable` → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp/{name}/enable", operation_id = "mcp_enable", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub async fn enable(Owner(actor): Owner, State(state): State<AppState>, Ws(ws): Ws, Path(Named { name }): Path<Named>) -> Result<Json<McpList>, ApiError> {
    Ok(Json(mcp::set_enabled(&state.extensions, &actor, &ws, name, true).await?))
}

/// `POST /workspace/:id/mcp/:name/disable` → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp/{name}/disable", operation_id = "mcp_disable", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub async fn disable(Owner(actor): Owner, State(state): State<AppState>, Ws(ws): Ws, Path(Named { name }): Path<Named>) -> Result<Json<McpList>, ApiError> {
    Ok(Json(mcp::set_enabled(&state.extensions, &actor, &ws, name, false).await?))
}
