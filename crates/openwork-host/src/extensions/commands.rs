//! Commands: `.opencode/commands/<name>.md`, frontmatter (`description`,
//! `agent`, `model`, `subtask`) and the template as body.
use std::path::Path;

use axum::extract::{Path as UrlPath, State};
use axum::Json;
use openwork_wire::{ErrorBody, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};

use super::schemas::CommandList;
use crate::server::openapi::OkResponse;
use super::{listing, frontmatter, fsguard, parse_body, workspace, write, Actor, WriteIntent};
use crate::server::error::ApiError;
use crate::server::AppState;

/// Folders OpenCode reads commands from (we write to the first).
const DIRS: [&str; 2] = ["commands", "command"];

fn check_name(name: &str) -> Result<(), ApiError> {
    if super::mcp::valid_name(name) && !name.ends_with(".md") {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("invalid command name {name:?}: 1-64 of [A-Za-z0-9._-], starting alphanumeric")))
    }
}

/// Commands of the workspace.
pub fn list_commands(ws: &Path) -> Vec<Value> {
    let mut items = Vec::new();
    for d in DIRS {
        let dir = ws.join(".opencode").join(d);
        if dir.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(true) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = rd
            .flatten()
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
            .collect();
        files.sort();
        for name in files {
            let path = dir.join(format!("{name}.md"));
            let text = crate::paths::read_text_or_empty(&path);
            let doc = frontmatter::parse(&text);
            let mut item = json!({
                "name": name,
                "template": doc.body.trim(),
                "scope": "workspace",
                "path": path.display().to_string(),
            });
            for k in ["description", "agent", "model"] {
                if let Some(v) = doc.fields.get(k) {
                    item[k] = json!(v);
                }
            }
            if let Some(v) = doc.fields.get("subtask") {
                item["subtask"] = json!(v == "true");
            }
            items.push(item);
        }
    }
    items
}

/// `GET /workspace/:id/commands` → `{items: [{name, description?, template, agent?, model?, subtask?, scope, path}]}`.
#[utoipa::path(get, path = "/workspace/{id}/commands", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "Commands", body = CommandList)))]
pub(super) async fn list(_: Actor, State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let items = listing(&state, async { list_commands(&ws.path) }).await;
    Ok(Json(json!({ "items": items })))
}

/// Body of `POST /workspace/{id}/commands`.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct AddCommand {
    /// 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric, not ending `.md`.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    name: String,
    /// The prompt template (non-empty).
    #[schema(min_length = 1)]
    template: String,
    /// Frontmatter `description`.
    description: Option<String>,
    /// Frontmatter `agent`.
    agent: Option<String>,
    /// Frontmatter `model`.
    model: Option<String>,
    /// Frontmatter `subtask`.
    subtask: Option<bool>,
}

/// `POST /workspace/:id/commands` with `{name, template, description?, agent?, model?, subtask?}` → `{items}`.
#[utoipa::path(post, path = "/workspace/{id}/commands", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddCommand,
    responses((status = 200, description = "The listing", body = CommandList)))]
pub(super) async fn add(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let c: AddCommand = parse_body(&body)?;
    check_name(&c.name)?;
    if c.template.trim().is_empty() {
        return Err(ApiError::invalid("a command needs a non-empty `template`"));
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(d) = &c.description {
        fields.push(("description", frontmatter::quote(d)));
    }
    if let Some(a) = &c.agent {
        fields.push(("agent", frontmatter::quote(a)));
    }
    if let Some(m) = &c.model {
        fields.push(("model", frontmatter::quote(m)));
    }
    if let Some(s) = c.subtask {
        fields.push(("subtask", s.to_string()));
    }
    let text = frontmatter::render(&fields, c.template.trim());
    let name = c.name.clone();
    let intent = WriteIntent {
        action: "commands.add",
        target: name.clone(),
        summary: format!("Add command {name}"),
        paths: vec![ws.path.join(".opencode/commands").join(format!("{name}.md")).display().to_string()],
    };
    write(&state, &actor, &ws, intent, move |ws| {
        let dir = fsguard::ensure_dirs(&ws.path, &[".opencode", "commands"])?;
        fsguard::write_file(&dir, &format!("{name}.md"), text.as_bytes()).map(drop)
    })
    .await?;
    let items = listing(&state, async { list_commands(&ws.path) }).await;
    Ok(Json(json!({ "items": items })))
}

/// `DELETE /workspace/:id/commands/:name` → `{ok: true}`; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/commands/{name}", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Command name")),
    responses((status = 200, description = "Removed", body = OkResponse),
        (status = 404, description = "`not_found`: no such command, or `workspace_not_found`", body = ErrorBody)))]
pub(super) async fn remove(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    check_name(&name)?;
    let intent = WriteIntent {
        action: "commands.remove",
        target: name.clone(),
        summary: format!("Remove command {name}"),
        paths: DIRS.iter().map(|d| ws.path.join(".opencode").join(d).join(format!("{name}.md")).display().to_string()).collect(),
    };
    write(&state, &actor, &ws, intent, move |ws| {
        let mut removed = 0;
        for d in DIRS {
            if let Some(dir) = fsguard::existing_dir(&ws.path, &[".opencode", d])? {
                let file = dir.join(format!("{name}.md"));
                if file.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(false) {
                    std::fs::remove_file(&file).map_err(|e| ApiError::internal(&e.into()))?;
                    removed += 1;
                }
            }
        }
        if removed == 0 {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no command `{name}`")));
        }
        Ok(())
    })
    .await?;
    Ok(Json(json!({ "ok": true })))
}
