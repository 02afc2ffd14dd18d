//! The HTTP routes of the workspace extensions (`/workspace/:id/...`) and
//! of approvals (`/approvals`): thin handlers over [`crate::extensions`],
//! typed with [`openwork_wire::api`].
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
mod config;
mod governance;
mod mcp;
mod plugins;
mod skills;

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use openwork_wire::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::AppState;
use crate::workspace::ActiveWorkspace;

/// The active workspace, named by the route's `id`: 404
/// `workspace_not_found` (with `details.activeId`) for any other id.
pub struct Ws(pub Arc<ActiveWorkspace>);

fn active_named(params: &RawPathParams, state: &AppState) -> Result<Arc<ActiveWorkspace>, ApiError> {
    let id = params.iter().find(|(k, _)| *k == "id").map(|(_, v)| v).unwrap_or_default();
    let ws = state.active_workspace();
    if ws.id == id {
        Ok(ws)
    } else {
        Err(ApiError::new(ErrorCode::WorkspaceNotFound, format!("no workspace `{id}` on this host"))
            .details(json!({ "activeId": ws.id })))
    }
}

async fn path_params(parts: &mut Parts, state: &AppState) -> Result<RawPathParams, ApiError> {
    RawPathParams::from_request_parts(parts, state).await.map_err(|e| ApiError::invalid(e.body_text()))
}

impl FromRequestParts<AppState> for Ws {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = path_params(parts, state).await?;
        Ok(Ws(active_named(&params, state)?))
    }
}

/// The active workspace (as [`Ws`]) and a JSON body of type `T`, checked in
/// that order after the body is read: a body over the limit is 413 whatever
/// the workspace, a body that does not parse 400 `invalid_request`.
pub struct WsJson<T>(pub Arc<ActiveWorkspace>, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for WsJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let params = path_params(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let ws = active_named(&params, state).map_err(IntoResponse::into_response)?;
        Ok(WsJson(ws, parse_json(&bytes).map_err(IntoResponse::into_response)?))
    }
}

/// A JSON body as `T`, 400 `invalid_request` when it does not parse.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::invalid(format!("invalid JSON body: {e}")))
}

/// `{name}` of a route under `/workspace/{id}/...`.
#[derive(Deserialize)]
pub struct Named {
    /// The extension's name.
    pub name: String,
}

/// Query of the listing routes: `?includeGlobal=true` adds the global root.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    include_global: Option<bool>,
}

impl ListQuery {
    /// Whether the global root is asked for.
    pub fn include_global(&self) -> bool {
        self.include_global.unwrap_or(false)
    }
}

/// The extension routes with their OpenAPI documentation.
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
        .routes(routes!(governance::audit_list))
        .routes(routes!(governance::approvals_list))
        .routes(routes!(governance::approvals_reply))
}

#[cfg(test)]
#[path = "../ext_tests.rs"]
mod tests;
