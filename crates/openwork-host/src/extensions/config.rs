//! `GET|PATCH /workspace/:id/config`: `opencode.json(c)` and `.opencode/openwork.json`.
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::schemas::{ConfigPatched, ConfigView};
use super::{listing, fsguard, jsonc, parse_body, workspace, write, Actor, WriteIntent};
use crate::server::error::ApiError;
use crate::server::AppState;

fn openwork_path(ws: &std::path::Path) -> std::path::PathBuf {
    ws.join(".opencode").join("openwork.json")
}

fn read_openwork(ws: &std::path::Path) -> Result<Map<String, Value>, ApiError> {
    let path = openwork_path(ws);
    if path.symlink_metadata().map(|m| m.file_type().is_symlink()).unwrap_or(false) {
        return Ok(Map::new());
    }
    jsonc::read_object(&path)
}

/// `GET /workspace/:id/config` → `{opencode, openwork, path}`.
#[utoipa::path(get, path = "/workspace/{id}/config", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    responses((status = 200, description = "Both config files", body = ConfigView)))]
pub async fn get_config(_: Actor, State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let path = jsonc::config_path(&ws.path);
    let (opencode, openwork) = listing(&state, async { Ok::<_, ApiError>((jsonc::read_object(&path)?, read_openwork(&ws.path)?)) }).await?;
    Ok(Json(json!({ "opencode": opencode, "openwork": openwork, "path": path.display().to_string() })))
}

/// Body of `PATCH /workspace/{id}/config`: top-level keys to merge (`null` removes).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ConfigPatch)]
pub(super) struct Patch {
    /// Keys of `opencode.json(c)`.
    #[schema(value_type = Option<Object>)]
    opencode: Option<Map<String, Value>>,
    /// Keys of `.opencode/openwork.json`.
    #[schema(value_type = Option<Object>)]
    openwork: Option<Map<String, Value>>,
}

/// `PATCH /workspace/:id/config` with `{opencode?, openwork?}`: top-level
/// merge (a `null` value removes the key). `opencode.json(c)` is edited in
/// place. → `{opencode, openwork, updatedAt}`.
#[utoipa::path(patch, path = "/workspace/{id}/config", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = Patch,
    responses((status = 200, description = "Both files after the merge", body = ConfigPatched)))]
pub async fn patch_config(
    actor: Actor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let patch: Patch = parse_body(&body)?;
    if patch.opencode.is_none() && patch.openwork.is_none() {
        return Err(ApiError::invalid("send `opencode` and/or `openwork` objects to merge"));
    }
    let cfg = jsonc::config_path(&ws.path);
    let mut paths = Vec::new();
    if patch.opencode.is_some() {
        paths.push(cfg.display().to_string());
    }
    if patch.openwork.is_some() {
        paths.push(openwork_path(&ws.path).display().to_string());
    }
    let keys: Vec<String> = patch
        .opencode
        .iter()
        .flat_map(|m| m.keys())
        .chain(patch.openwork.iter().flat_map(|m| m.keys()))
        .cloned()
        .collect();
    let intent = WriteIntent {
        action: "config.patch",
        target: keys.join(","),
        summary: format!("Patch workspace config ({})", keys.join(", ")),
        paths,
    };
    write(&state, &actor, &ws, intent, move |ws| {
        // Validate both files before touching either.
        let cfg = jsonc::config_path(&ws.path);
        if patch.opencode.is_some() {
            jsonc::read_object(&cfg)?;
        }
        let mut ow = read_openwork(&ws.path)?;
        if let Some(oc) = &patch.opencode {
            jsonc::edit(&cfg, |obj| {
                for (k, v) in oc {
                    if v.is_null() {
                        jsonc::remove_key(obj, k);
                    } else {
                        jsonc::set_key(obj, k, v);
                    }
                }
                Ok(())
            })?;
        }
        if let Some(p) = &patch.openwork {
            for (k, v) in p {
                if v.is_null() {
                    ow.remove(k);
                } else {
                    ow.insert(k.clone(), v.clone());
                }
            }
            let dir = fsguard::ensure_dirs(&ws.path, &[".opencode"])?;
            let mut text = serde_json::to_string_pretty(&ow).map_err(|e| ApiError::internal(&e.into()))?;
            text.push('\n');
            fsguard::write_file(&dir, "openwork.json", text.as_bytes())?;
        }
        Ok(())
    })
    .await?;
    let (opencode, openwork) = listing(&state, async {
        Ok::<_, ApiError>((jsonc::read_object(&jsonc::config_path(&ws.path))?, read_openwork(&ws.path)?))
    })
    .await?;
    Ok(Json(json!({ "opencode": opencode, "openwork": openwork, "updatedAt": super::governance::now_ms() })))
}
