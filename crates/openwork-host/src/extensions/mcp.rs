//! MCP servers: the config `mcp` map, merged with OpenCode's runtime status.
use axum::extract::{Path as UrlPath, State};
use axum::Json;
use openwork_wire::{ErrorBody, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::schemas::McpList;
use super::{listing, engine_get, jsonc, parse_body, workspace, write, Actor, WriteIntent};
use crate::server::error::ApiError;
use crate::server::{ActiveWorkspace, AppState};

/// Whether `name` is an acceptable MCP server name.
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
}

fn string_map(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.values().all(Value::is_string))
}

/// Check an MCP config as OpenCode's schema expects it (`local` or `remote`).
pub fn validate_config(cfg: &Value) -> Result<(), ApiError> {
    let obj = cfg.as_object().ok_or_else(|| ApiError::invalid("`config` must be an object"))?;
    let bad = |m: &str| Err(ApiError::invalid(format!("invalid MCP config: {m}")));
    let allowed: &[&str] = match obj.get("type").and_then(Value::as_str) {
        Some("local") => {
            let cmd = obj.get("command").and_then(Value::as_array);
            if !cmd.is_some_and(|c| !c.is_empty() && c.iter().all(|x| x.as_str().is_some_and(|s| !s.is_empty()))) {
                return bad("a local server needs `command`: a non-empty array of strings");
            }
            if obj.get("environment").is_some_and(|e| !string_map(e)) {
                return bad("`environment` must map names to strings");
            }
            &["type", "command", "environment", "enabled", "timeout"]
        }
        Some("remote") => {
            let url = obj.get("url").and_then(Value::as_str).unwrap_or("");
            if !(url.starts_with("http://") || url.starts_with("https://")) || url::Url::parse(url).is_err() {
                return bad("a remote server needs `url`: an http(s) URL");
            }
            if obj.get("headers").is_some_and(|e| !string_map(e)) {
                return bad("`headers` must map names to strings");
            }
            if obj.get("oauth").is_some_and(|o| !(o.is_boolean() || o.is_object())) {
                return bad("`oauth` must be false or an object");
            }
            &["type", "url", "headers", "oauth", "enabled", "timeout"]
        }
        _ => return bad("`type` must be \"local\" or \"remote\""),
    };
    if obj.get("enabled").is_some_and(|e| !e.is_boolean()) {
        return bad("`enabled` must be a boolean");
    }
    if obj.get("timeout").is_some_and(|t| !matches!(t.as_u64(), Some(n) if n > 0)) {
        return bad("`timeout` must be a positive integer (ms)");
    }
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return bad(&format!("unknown key `{k}`"));
    }
    Ok(())
}

async fn items(state: &AppState, ws: &ActiveWorkspace) -> Result<Value, ApiError> {
    listing(state, items_now(state, ws)).await
}

async fn items_now(state: &AppState, ws: &ActiveWorkspace) -> Result<Value, ApiError> {
    let cfg = jsonc::read_object(&jsonc::config_path(&ws.path))?;
    let runtime = engine_get(state, ws, "/mcp").await;
    let empty = Map::new();
    let entries = cfg.get("mcp").and_then(Value::as_object).unwrap_or(&empty);
    let items: Vec<Value> = entries
        .iter()
        .map(|(name, config)| {
            let mut item = json!({ "name": name, "config": config, "source": "config.project" });
            if let Some(status) = runtime.as_ref().and_then(|r| r.get(name)) {
                item["status"] = status.clone();
            }
            item
        })
        .collect();
    Ok(json!({ "items": items }))
}

/// `GET /workspace/:id/mcp` → `{items: [{name, config, source, status?}]}`
/// (`status` from OpenCode's `GET /mcp` while the engine runs).
#[utoipa::path(get, path = "/workspace/{id}/mcp", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "MCP servers", body = McpList)))]
pub(super) async fn list(_: Actor, State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    Ok(Json(items(&state, &ws).await?))
}

/// Body of `POST /workspace/{id}/mcp`.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct AddMcp {
    /// 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    name: String,
    /// `{type: "local", command: [..], environment?, enabled?, timeout?}` or
    /// `{type: "remote", url, headers?, oauth?, enabled?, timeout?}`.
    #[schema(value_type = Object)]
    config: Value,
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("invalid MCP server name {name:?}: 1-64 of [A-Za-z0-9._-], starting alphanumeric")))
    }
}

/// `POST /workspace/:id/mcp` with `{name, config}` (added or replaced) → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddMcp,
    responses((status = 200, description = "The listing", body = McpList)))]
pub(super) async fn add(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let AddMcp { name, config } = parse_body(&body)?;
    check_name(&name)?;
    validate_config(&config)?;
    let intent = WriteIntent {
        action: "mcp.add",
        target: name.clone(),
        summary: format!("Add MCP server {name}"),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(&state, &actor, &ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            jsonc::set_key(&mcp, &name, &config);
            Ok(())
        })
    })
    .await?;
    Ok(Json(items(&state, &ws).await?))
}

/// `DELETE /workspace/:id/mcp/:name` → the listing; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/mcp/{name}", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub(super) async fn remove(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    check_name(&name)?;
    let intent = WriteIntent {
        action: "mcp.remove",
        target: name.clone(),
        summary: format!("Remove MCP server {name}"),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(&state, &actor, &ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        let present = jsonc::read_object(&path)?.get("mcp").and_then(Value::as_object).is_some_and(|m| m.contains_key(&name));
        if !present {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no MCP server `{name}` in the project config")));
        }
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            jsonc::remove_key(&mcp, &name);
            Ok(())
        })
    })
    .await?;
    Ok(Json(items(&state, &ws).await?))
}

async fn set_enabled(
    actor: Actor,
    state: AppState,
    id: String,
    name: String,
    enabled: bool,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    check_name(&name)?;
    let verb = if enabled { "enable" } else { "disable" };
    let intent = WriteIntent {
        action: if enabled { "mcp.enable" } else { "mcp.disable" },
        target: name.clone(),
        summary: format!("{} MCP server {name}", if enabled { "Enable" } else { "Disable" }),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(&state, &actor, &ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        let present = jsonc::read_object(&path)?.get("mcp").and_then(Value::as_object).is_some_and(|m| m.get(&name).is_some_and(Value::is_object));
        if !present {
            return Err(ApiError::new(ErrorCode::NotFound, format!("no MCP server `{name}` to {verb}")));
        }
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            let server = jsonc::child_object(&path, &mcp, &name)?;
            jsonc::set_key(&server, "enabled", &Value::Bool(enabled));
            Ok(())
        })
    })
    .await?;
    Ok(Json(items(&state, &ws).await?))
}

/// `POST /workspace/:id/mcp/:name/enable` → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp/{name}/enable", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub(super) async fn enable(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    set_enabled(actor, state, id, name, true).await
}

/// `POST /workspace/:id/mcp/:name/disable` → the listing.
#[utoipa::path(post, path = "/workspace/{id}/mcp/{name}/disable", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Server name")),
    responses((status = 200, description = "The listing", body = McpList),
        (status = 404, description = "`not_found`: no such server, or `workspace_not_found`", body = ErrorBody)))]
pub(super) async fn disable(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    set_enabled(actor, state, id, name, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs() {
        assert!(validate_config(&json!({"type": "local", "command": ["node", "x.js"], "enabled": true})).is_ok());
        assert!(validate_config(&json!({"type": "remote", "url": "https://x.example/mcp", "headers": {"a": "b"}})).is_ok());
        for bad in [
            json!({"type": "local"}),
            json!({"type": "local", "command": []}),
            json!({"type": "local", "command": ["x"], "environment": {"a": 1}}),
            json!({"type": "remote", "url": "ftp://x"}),
            json!({"type": "other"}),
            json!({"type": "local", "command": ["x"], "bogus": 1}),
            json!("x"),
        ] {
            assert!(validate_config(&bad).is_err(), "{bad}");
        }
        assert!(valid_name("my_server-1.x"));
        assert!(!valid_name("../x") && !valid_name("") && !valid_name("-a"));
    }
}
