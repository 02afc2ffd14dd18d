//! Plugins: the config `plugin` array (strings or `[spec, options]` pairs)
//! and files in `.opencode/plugins/` (project scope).
use std::path::Path;
use std::sync::Arc;

use jsonc_parser::cst::{CstInputValue, CstNode};
use openwork_wire::api::{AddPlugin, PluginItem, PluginList};
use openwork_wire::ErrorCode;
use serde_json::Value;

use super::{fsguard, jsonc, write, Actor, Extensions, WriteIntent};
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// Order in which OpenCode loads plugin sources.
pub const LOAD_ORDER: [&str; 4] = ["config.global", "config.project", "dir.global", "dir.project"];

fn valid_npm_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 214
        && !s.starts_with('.')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._~".contains(&b))
}

/// The package a spec names (`@scope/name`, `name`), or the whole spec for
/// `file://`; `None` for an invalid spec.
pub fn package_name(spec: &str) -> Option<String> {
    let spec = spec.trim();
    if let Some(rest) = spec.strip_prefix("file://") {
        return (!rest.is_empty() && !rest.chars().any(char::is_control)).then(|| spec.to_string());
    }
    let (name, version) = if let Some(rest) = spec.strip_prefix('@') {
        let (scope, tail) = rest.split_once('/')?;
        let (pkg, ver) = match tail.split_once('@') {
            Some((p, v)) => (p, Some(v)),
            None => (tail, None),
        };
        if !valid_npm_part(scope) || !valid_npm_part(pkg) {
            return None;
        }
        (format!("@{scope}/{pkg}"), ver)
    } else {
        let (pkg, ver) = match spec.split_once('@') {
            Some((p, v)) => (p, Some(v)),
            None => (spec, None),
        };
        if !valid_npm_part(pkg) {
            return None;
        }
        (pkg.to_string(), ver)
    };
    if let Some(v) = version {
        let ok = !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-^~<>=*|+".contains(&b));
        if !ok {
            return None;
        }
    }
    Some(name)
}

fn spec_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    }
}

fn config_items(config: &Path, scope: &str, out: &mut Vec<PluginItem>) -> Result<(), Error> {
    let obj = jsonc::read_object(config)?;
    if let Some(Value::Array(arr)) = obj.get("plugin") {
        for v in arr {
            if let Some(spec) = spec_of(v) {
                out.push(PluginItem {
                    spec: spec.to_string(),
                    source: "config".into(),
                    scope: scope.into(),
                    path: Some(config.display().to_string()),
                });
            }
        }
    }
    Ok(())
}

fn dir_items(dir: &Path, source: &str, scope: &str, out: &mut Vec<PluginItem>) {
    if dir.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(true) {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<_> = rd
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| [".js", ".ts", ".mjs", ".cjs", ".mts"].iter().any(|x| n.ends_with(x)))
        .collect();
    files.sort();
    for f in files {
        out.push(PluginItem {
            path: Some(dir.join(&f).display().to_string()),
            spec: f,
            source: source.into(),
            scope: scope.into(),
        });
    }
}

/// `{items, loadOrder}` for a workspace.
pub fn list_plugins(ws: &Path, include_global: bool) -> Result<PluginList, Error> {
    let mut items = Vec::new();
    let global = super::skills::global_root().and_then(|p| p.parent().map(Path::to_path_buf));
    if include_global {
        if let Some(g) = &global {
            config_items(&jsonc::config_path(g), "global", &mut items)?;
        }
    }
    config_items(&jsonc::config_path(ws), "project", &mut items)?;
    if include_global {
        if let Some(g) = &global {
            dir_items(&g.join("plugins"), "dir.global", "global", &mut items);
        }
    }
    for d in ["plugins", "plugin"] {
        dir_items(&ws.join(".opencode").join(d), "dir.project", "project", &mut items);
    }
    Ok(PluginList { items, load_order: LOAD_ORDER.iter().map(|s| s.to_string()).collect() })
}

/// The plugins of `ws` (project config and folders; global ones if asked).
pub async fn list(ext: &Extensions, ws: &ActiveWorkspace, include_global: bool) -> Result<PluginList, Error> {
    ext.listing(async { list_plugins(&ws.path, include_global) }).await
}

fn node_spec(node: &CstNode) -> Option<String> {
    if let Some(s) = node.as_string_lit() {
        return s.decoded_value().ok();
    }
    let first = node.as_array()?.elements().into_iter().next()?;
    first.as_string_lit()?.decoded_value().ok()
}

fn replace_spec(node: &CstNode, spec: &str) {
    if let Some(s) = node.as_string_lit() {
        s.replace_with(CstInputValue::String(spec.into()));
    } else if let Some(first) = node.as_array().and_then(|a| a.elements().into_iter().next()) {
        if let Some(s) = first.as_string_lit() {
            s.replace_with(CstInputValue::String(spec.into()));
        }
    }
}

fn plugin_array(path: &Path, obj: &jsonc_parser::cst::CstObject) -> Result<jsonc_parser::cst::CstArray, Error> {
    obj.array_value_or_create("plugin").ok_or_else(|| {
        Error::new(ErrorCode::InvalidConfig, format!("`plugin` in {} is not an array", path.display()))
    })
}

/// Add `spec` to the project config, replacing an entry for the same
/// package. → the listing.
pub async fn add(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, req: AddPlugin) -> Result<PluginList, Error> {
    let AddPlugin { spec } = req;
    let spec = spec.trim().to_string();
    let pkg = package_name(&spec).ok_or_else(|| {
        Error::invalid(format!("invalid plugin spec {spec:?}: use an npm name, name@version or file://path"))
    })?;
    let cfg = jsonc::config_path(&ws.path);
    let intent = WriteIntent {
        action: "plugins.add",
        target: spec.clone(),
        summary: format!("Add plugin {spec}"),
        paths: vec![cfg.display().to_string()],
    };
    write(ext, actor, ws, intent, move |ws| {
        let cfg = jsonc::config_path(&ws.path);
        jsonc::edit(&cfg, |obj| {
            let arr = plugin_array(&cfg, obj)?;
            let mut replaced = false;
            for el in arr.elements() {
                if node_spec(&el).and_then(|s| package_name(&s)).as_deref() == Some(pkg.as_str()) {
                    if replaced {
                        el.remove();
                    } else {
                        replace_spec(&el, &spec);
                        replaced = true;
                    }
                }
            }
            if !replaced {
                arr.append(CstInputValue::String(spec.clone()));
            }
            Ok(())
        })
    })
    .await?;
    list(ext, ws, false).await
}

/// Remove config entries whose spec or package is `name`, or the file
/// `.opencode/plugins/<name>`. → the listing; 404 when nothing matched.
pub async fn remove(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, name: String) -> Result<PluginList, Error> {
    let cfg = jsonc::config_path(&ws.path);
    let intent = WriteIntent {
        action: "plugins.remove",
        target: name.clone(),
        summary: format!("Remove plugin {name}"),
        // The config entry, and a plugin file of that name in either folder.
        paths: std::iter::once(cfg.display().to_string())
            .chain(
                ["plugins", "plugin"]
                    .iter()
                    .filter(|_| fsguard::is_single_component(&name))
                    .map(|d| ws.path.join(".opencode").join(d).join(&name).display().to_string()),
            )
            .collect(),
    };
    write(ext, actor, ws, intent, move |ws| {
        let cfg = jsonc::config_path(&ws.path);
        let wanted = package_name(&name).unwrap_or_else(|| name.clone());
        let mut removed = 0;
        let has_entry = jsonc::read_object(&cfg)?
            .get("plugin")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(spec_of).any(|s| s == name || package_name(s).as_deref() == Some(&wanted)))
            .unwrap_or(false);
        if has_entry {
            jsonc::edit(&cfg, |obj| {
                let arr = plugin_array(&cfg, obj)?;
                for el in arr.elements() {
                    if let Some(s) = node_spec(&el) {
                        if s == name || package_name(&s).as_deref() == Some(wanted.as_str()) {
                            el.remove();
                            removed += 1;
                        }
                    }
                }
                Ok(())
            })?;
        }
        if fsguard::is_single_component(&name) {
            for d in ["plugins", "plugin"] {
                if let Some(dir) = fsguard::existing_dir(&ws.path, &[".opencode", d])? {
                    let file = dir.join(&name);
                    if file.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(false) {
                        std::fs::remove_file(&file).map_err(|e| Error::internal(&e.into()))?;
                        removed += 1;
                    }
                }
            }
        }
        if removed == 0 {
            return Err(Error::new(ErrorCode::NotFound, format!("no project plugin `{name}`")));
        }
        Ok(())
    })
    .await?;
    list(ext, ws, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        assert_eq!(package_name("opencode-foo").as_deref(), Some("opencode-foo"));
        assert_eq!(package_name("opencode-foo@1.2.3").as_deref(), Some("opencode-foo"));
        assert_eq!(package_name("@acme/thing@^2").as_deref(), Some("@acme/thing"));
        assert_eq!(package_name("@acme/thing").as_deref(), Some("@acme/thing"));
        assert_eq!(package_name("file:///x/y.js").as_deref(), Some("file:///x/y.js"));
        for bad in ["", "Foo", "a b", "@acme", "x@", "../x", "a/b", "@a/b/c", "x@1 2"] {
            assert_eq!(package_name(bad), None, "{bad}");
        }
    }
}
