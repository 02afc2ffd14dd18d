//! `/workspace/:id/skills`: list, add (from text or an uploaded archive), remove.
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use openwork_wire::api::{AddSkill, SkillItem, SkillList, SkillRemoved};
use openwork_wire::{ErrorBody, ErrorCode};
use serde::Deserialize;

use super::{ListQuery, Named, Ws, WsJson};
use crate::extensions::skills;
use crate::server::auth::{ClientAuth, Owner};
use crate::server::error::ApiError;
use crate::server::AppState;

/// `GET /workspace/:id/skills[?includeGlobal=true]` → `{items: [{name, path, description, scope}]}`.
#[utoipa::path(get, path = "/workspace/{id}/skills", operation_id = "skills_list", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("includeGlobal" = Option<bool>, Query, description = "Also list the global skills")),
    responses((status = 200, description = "Skills", body = SkillList)))]
pub async fn list(_: ClientAuth, State(state): State<AppState>, Ws(ws): Ws, Query(q): Query<ListQuery>) -> Json<SkillList> {
    Json(skills::list(&state.extensions, &ws, q.include_global()).await)
}

/// `POST /workspace/:id/skills` with `{name, content, description?}` →
/// `{name, path, description, scope: "project"}`.
#[utoipa::path(post, path = "/workspace/{id}/skills", operation_id = "skills_add", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddSkill,
    responses((status = 200, description = "The installed skill", body = SkillItem)))]
pub async fn add(Owner(actor): Owner, State(state): State<AppState>, WsJson(ws, req): WsJson<AddSkill>) -> Result<Json<SkillItem>, ApiError> {
    Ok(Json(skills::add(&state.extensions, &actor, &ws, req).await?))
}

/// `?name=` of an archive upload.
#[derive(Deserialize)]
pub struct ArchiveQuery {
    name: Option<String>,
}

/// `POST /workspace/:id/skills/archive[?name=]` with a raw `.zip`,
/// `.tar.gz` or `.tar` body (content type `application/zip`,
/// `application/gzip`, `application/x-tar`, or detected from the bytes):
/// the archive holds `SKILL.md` at its root or in a single top folder.
/// → `{name, path, description, scope: "project"}`.
#[utoipa::path(post, path = "/workspace/{id}/skills/archive", operation_id = "skills_add_archive", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("name" = Option<String>, Query, description = "Skill name (else from the archive)")),
    request_body(description = "A `.zip`, `.tar.gz` or `.tar` holding `SKILL.md` at its root or in one top folder",
        content((Vec<u8> = "application/zip"), (Vec<u8> = "application/gzip"), (Vec<u8> = "application/x-tar"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, description = "The installed skill", body = SkillItem)))]
pub async fn add_archive(
    Owner(actor): Owner,
    State(state): State<AppState>,
    Ws(ws): Ws,
    Query(q): Query<ArchiveQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<SkillItem>, ApiError> {
    let ext = &state.extensions;
    skills::check_upload(ext, q.name.as_deref())?;
    // An archive that will wait for approval reserves its place (and its
    // size) first: the host never holds more than the queue allows, however
    // many uploads arrive.
    let declared = headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let held = ext.reserve_upload(declared)?;
    let max = ext.max_body_bytes();
    let body = axum::body::to_bytes(body, max).await.map_err(|_| {
        ApiError::new(ErrorCode::PayloadTooLarge, format!("request body is larger than {max} bytes"))
    })?;
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    Ok(Json(skills::add_archive(ext, &actor, &ws, q.name, body, content_type, held).await?))
}

/// `DELETE /workspace/:id/skills/:name`: remove the skill folder from the
/// project roots. → `{ok: true, name, removed: [paths]}`; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/skills/{name}", operation_id = "skills_remove", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Skill name")),
    responses((status = 200, description = "Removed", body = SkillRemoved),
        (status = 404, description = "`not_found`: no project skill of that name, or `workspace_not_found`", body = ErrorBody)))]
pub async fn remove(
    Owner(actor): Owner,
    State(state): State<AppState>,
    Ws(ws): Ws,
    Path(Named { name }): Path<Named>,
) -> Result<Json<SkillRemoved>, ApiError> {
    Ok(Json(skills::remove(&state.extensions, &actor, &ws, name).await?))
}
