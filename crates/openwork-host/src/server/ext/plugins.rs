//! `/workspace/:id/plugins`: list, add, remove.
use axum::extract::{Path, Query, State};
use axum::Json;
use openwork_wire::api::{AddPlugin, PluginList};
use openwork_wire::ErrorBody;

use super::{ListQuery, Named, Ws, WsJson};
use crate::extensions::plugins;
use crate::server::auth::{ClientAuth, Owner};
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /workspace/:id/plugins[?includeGlobal=true]` → `{items: [{spec, source, scope, path?}], loadOrder}`.
#[utoipa::path(get, path = "/workspace/{id}/plugins", operation_id = "plugins_list", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("includeGlobal" = Option<bool>, Query, description = "Also list the global plugins")),
    responses((status = 200, description = "Plugins", body = PluginList)))]
pub async fn list(
    _: ClientAuth,
    State(state): State<AppState>,
    Ws(ws): Ws,
    Query(q): Query<ListQuery>,
) -> Result<Json<PluginList>, ApiError> {
    Ok(Json(plugins::list(&state.extensions, &ws, q.include_global()).await?))
}

/// `POST /workspace/:id/plugins` with `{spec}`: adds it to the project
/// config, replacing an entry for the same package. → the listing.
#[utoipa::path(post, path = "/workspace/{id}/plugins", operation_id = "plugins_add", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddPlugin,
    responses((status = 200, description = "The listing", body = PluginList)))]
pub async fn add(Owner(actor): Owner, State(state): State<AppState>, WsJson(ws, req): WsJson<AddPlugin>) -> Result<Json<PluginList>, ApiError> {
    Ok(Json(plugins::add(&state.extensions, &actor, &ws, req).await?))
}

/// `DELETE /workspace/:id/plugins/:name`: removes config entries whose spec
/// or package is `name` (URL-encode `@scope%2Fname`), or the file
/// `.opencode/plugins/<name>`. → the listing; 404 when nothing matched.
#[utoipa::path(delete, path = "/workspace/{id}/plugins/{name}", operation_id = "plugins_remove", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Spec, package (`@scope%2Fname`) or plugin file name")),
    responses((status = 200, description = "The listing", body = PluginList),
        (status = 404, description = "`not_found`: no such plugin, or `workspace_not_found`", body = ErrorBody)))]
pub async fn remove(
    Owner(actor): Owner,
    State(state): State<AppState>,
    Ws(ws): Ws,
    Path(Named { name }): Path<Named>,
) -> Result<Json<PluginList>, ApiError> {
    Ok(Json(plugins::remove(&state.extensions, &actor, &ws, name).await?))
}
