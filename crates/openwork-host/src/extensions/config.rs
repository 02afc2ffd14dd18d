//! `GET|PATCH /workspace/:id/config`: `opencode.json(c)` and `.opencode/openwork.json`.
use std::sync::Arc;

use openwork_wire::api::{ConfigPatch, ConfigPatched, ConfigView};
use serde_json::{Map, Value};

use super::{fsguard, jsonc, write, Actor, Extensions, WriteIntent};
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

fn openwork_path(ws: &std::path::Path) -> std::path::PathBuf {
    ws.join(".opencode").join("openwork.json")
}

fn read_openwork(ws: &std::path::Path) -> Result<Map<String, Value>, Error> {
    let path = openwork_path(ws);
    if path.symlink_metadata().map(|m| m.file_type().is_symlink()).unwrap_or(false) {
        return Ok(Map::new());
    }
    jsonc::read_object(&path)
}

/// Both config files of `ws`.
pub async fn get(ext: &Extensions, ws: &ActiveWorkspace) -> Result<ConfigView, Error> {
    let path = jsonc::config_path(&ws.path);
    let (opencode, openwork) = ext.listing(async { Ok::<_, Error>((jsonc::read_object(&path)?, read_openwork(&ws.path)?)) }).await?;
    Ok(ConfigView { opencode, openwork, path: path.display().to_string() })
}

/// Merge top-level keys into `opencode.json(c)` (edited in place) and/or
/// `.opencode/openwork.json` (a `null` value removes the key).
pub async fn patch(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, patch: ConfigPatch) -> Result<ConfigPatched, Error> {
    if patch.opencode.is_none() && patch.openwork.is_none() {
        return Err(Error::invalid("send `opencode` and/or `openwork` objects to merge"));
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
    write(ext, actor, ws, intent, move |ws| {
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
            let mut text = serde_json::to_string_pretty(&ow).map_err(|e| Error::internal(&e.into()))?;
            text.push('\n');
            fsguard::write_file(&dir, "openwork.json", text.as_bytes())?;
        }
        Ok(())
    })
    .await?;
    let (opencode, openwork) = ext
        .listing(async { Ok::<_, Error>((jsonc::read_object(&jsonc::config_path(&ws.path))?, read_openwork(&ws.path)?)) })
        .await?;
    Ok(ConfigPatched { opencode, openwork, updated_at: super::governance::now_ms() })
}
