//! MCP servers: the config `mcp` map, merged with OpenCode's runtime status.
use std::sync::Arc;

use openwork_wire::api::{AddMcp, McpItem, McpList};
use openwork_wire::ErrorCode;
use serde_json::{Map, Value};

use super::{jsonc, write, Actor, Extensions, WriteIntent};
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

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
pub fn validate_config(cfg: &Value) -> Result<(), Error> {
    let obj = cfg.as_object().ok_or_else(|| Error::invalid("`config` must be an object"))?;
    let bad = |m: &str| Err(Error::invalid(format!("invalid MCP config: {m}")));
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

/// The MCP servers of the project config, with OpenCode's runtime status
/// while the engine runs.
pub async fn list(ext: &Extensions, ws: &ActiveWorkspace) -> Result<McpList, Error> {
    ext.listing(items_now(ext, ws)).await
}

async fn items_now(ext: &Extensions, ws: &ActiveWorkspace) -> Result<McpList, Error> {
    let cfg = jsonc::read_object(&jsonc::config_path(&ws.path))?;
    let runtime = ext.engine.get_json(&ws.directory, "/mcp").await;
    let empty = Map::new();
    let entries = cfg.get("mcp").and_then(Value::as_object).unwrap_or(&empty);
    let items = entries
        .iter()
        .map(|(name, config)| McpItem {
            name: name.clone(),
            config: config.clone(),
            source: "config.project".into(),
            status: runtime.as_ref().and_then(|r| r.get(name)).cloned(),
        })
        .collect();
    Ok(McpList { items })
}

fn check_name(name: &str) -> Result<(), Error> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(Error::invalid(format!("invalid MCP server name {name:?}: 1-64 of [A-Za-z0-9._-], starting alphanumeric")))
    }
}

/// Add (or replace) the MCP server `name`. → the listing.
pub async fn add(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, req: AddMcp) -> Result<McpList, Error> {
    let AddMcp { name, config } = req;
    check_name(&name)?;
    validate_config(&config)?;
    let intent = WriteIntent {
        action: "mcp.add",
        target: name.clone(),
        summary: format!("Add MCP server {name}"),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(ext, actor, ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            jsonc::set_key(&mcp, &name, &config);
            Ok(())
        })
    })
    .await?;
    list(ext, ws).await
}

/// Remove the MCP server `name`. → the listing; 404 when absent.
pub async fn remove(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, name: String) -> Result<McpList, Error> {
    check_name(&name)?;
    let intent = WriteIntent {
        action: "mcp.remove",
        target: name.clone(),
        summary: format!("Remove MCP server {name}"),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(ext, actor, ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        let present = jsonc::read_object(&path)?.get("mcp").and_then(Value::as_object).is_some_and(|m| m.contains_key(&name));
        if !present {
            return Err(Error::new(ErrorCode::NotFound, format!("no MCP server `{name}` in the project config")));
        }
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            jsonc::remove_key(&mcp, &name);
            Ok(())
        })
    })
    .await?;
    list(ext, ws).await
}

/// Set `enabled` of the MCP server `name`. → the listing; 404 when absent.
pub async fn set_enabled(
    ext: &Arc<Extensions>,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    name: String,
    enabled: bool,
) -> Result<McpList, Error> {
    check_name(&name)?;
    let verb = if enabled { "enable" } else { "disable" };
    let intent = WriteIntent {
        action: if enabled { "mcp.enable" } else { "mcp.disable" },
        target: name.clone(),
        summary: format!("{} MCP server {name}", if enabled { "Enable" } else { "Disable" }),
        paths: vec![jsonc::config_path(&ws.path).display().to_string()],
    };
    write(ext, actor, ws, intent, move |ws| {
        let path = jsonc::config_path(&ws.path);
        let present = jsonc::read_object(&path)?.get("mcp").and_then(Value::as_object).is_some_and(|m| m.get(&name).is_some_and(Value::is_object));
        if !present {
            return Err(Error::new(ErrorCode::NotFound, format!("no MCP server `{name}` to {verb}")));
        }
        jsonc::edit(&path, |obj| {
            let mcp = jsonc::child_object(&path, obj, "mcp")?;
            let server = jsonc::child_object(&path, &mcp, &name)?;
            jsonc::set_key(&server, "enabled", &Value::Bool(enabled));
            Ok(())
        })
    })
    .await?;
    list(ext, ws).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
