//! OpenCode has the last word on its config: after a write that touches
//! `opencode.json(c)`, OpenCode loads the config; when it rejects it
//! (`ConfigInvalidError`, `ConfigJsonError`: every OpenCode request for the
//! folder would then fail with 400), the files the write touched are put
//! back as they were and the client gets 422 `invalid_config` with OpenCode's
//! issues.
//!
//! The config is loaded in a scratch folder made for the check inside the
//! workspace (`<ws>/.openwork-check-<random>`): OpenCode walks up from it and
//! loads the very same files, but as another instance. The workspace's own
//! instance is neither reloaded (a running session is not cut: the reload
//! comes later, when the folder is idle, see [`super::reload`]) nor
//! poisoned: OpenCode 1.18.33 keeps a rejected config for a folder until its
//! process restarts (even `/instance/dispose` then answers 400), so a check on
//! the workspace itself cost an engine restart each time OpenCode said no.
//!
//! Runs under the workspace write lock, so a rollback never undoes another
//! client's change.
use std::path::{Path, PathBuf};

use openwork_wire::ErrorCode;
use serde_json::{json, Value};

use super::jsonc;
use crate::engine::EngineClient;
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// Whether a write to these paths changes the config OpenCode loads.
pub fn touches_engine_config(ws: &ActiveWorkspace, paths: &[String]) -> bool {
    let cfg = jsonc::config_path(&ws.path);
    paths.iter().any(|p| Path::new(p) == cfg)
}

/// A file's bytes and Unix mode.
type Contents = (Vec<u8>, u32);

/// The project config as OpenCode uses it: parsed, without `"$schema"`
/// (OpenCode adds that key itself); `None` when missing or unparsable.
pub fn effective_config(path: &Path) -> Option<Value> {
    let mut obj = jsonc::read_object(path).ok()?;
    obj.remove("$schema");
    Some(Value::Object(obj))
}

/// The bytes (and mode) of some files before a write, or their absence.
pub struct FileSnapshot {
    files: Vec<(PathBuf, Option<Contents>)>,
}

impl FileSnapshot {
    /// Record the regular files among `paths` (missing ones as absent;
    /// directories and symlinks are not recorded: the writes refuse them).
    pub fn take(paths: &[String]) -> Result<Self, Error> {
        use std::os::unix::fs::PermissionsExt;
        let mut files = Vec::new();
        for p in paths {
            let path = PathBuf::from(p);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() => {
                    let bytes = crate::paths::read_limited(&path, crate::paths::MAX_READ)
                        .map_err(|e| Error::internal(&anyhow::anyhow!("could not read {}: {e}", path.display())))?
                        .unwrap_or_default();
                    files.push((path, Some((bytes, m.permissions().mode() & 0o7777))));
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => files.push((path, None)),
                // A name no file can have (longer than the file system
                // allows): nothing to record, nothing the change can write.
                Err(e) if e.raw_os_error() == Some(nix::errno::Errno::ENAMETOOLONG as i32) => {}
                Err(e) => return Err(Error::internal(&anyhow::anyhow!("could not read {}: {e}", path.display()))),
            }
        }
        Ok(Self { files })
    }

    /// Put every recorded file back (atomically), removing those that did not exist.
    pub fn restore(&self) -> Result<(), Error> {
        for (path, before) in &self.files {
            match before {
                Some((bytes, mode)) => {
                    crate::paths::write_atomic(path, bytes, *mode).map_err(|e| Error::internal(&e))?
                }
                None => match std::fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Error::internal(&anyhow::anyhow!("could not remove {}: {e}", path.display())))
                    }
                },
            }
        }
        Ok(())
    }
}

/// Load the config OpenCode would load for `ws` now (in a scratch folder,
/// see the module docs): `Some(error)` when OpenCode rejects it, `None` when
/// it loads, when the engine is not running or when the check cannot be
/// made (it is not this check's business then).
pub async fn engine_rejection(engine: &EngineClient, ws: &ActiveWorkspace) -> Option<Error> {
    engine.upstream()?;
    let scratch = ws.path.join(format!("{SCRATCH_PREFIX}{}", hex::encode(rand::random::<[u8; 6]>())));
    if let Err(e) = std::fs::create_dir(&scratch) {
        tracing::warn!("cannot check the config with OpenCode ({}: {e})", scratch.display());
        return None;
    }
    let dir = scratch.display().to_string();
    let resp = engine.send(reqwest::Method::GET, &dir, "/config", EngineClient::LOAD).await;
    let rejected = match resp {
        Some(r) if r.status() == reqwest::StatusCode::BAD_REQUEST => r.json::<Value>().await.ok().and_then(|b| rejection(&b)),
        _ => None,
    };
    // Let OpenCode drop the scratch instance (it answers 400 for a rejected one).
    let _ = engine.send(reqwest::Method::POST, &dir, "/instance/dispose", EngineClient::LOAD).await;
    if let Err(e) = std::fs::remove_dir_all(&scratch) {
        tracing::warn!("could not remove {}: {e}", scratch.display());
    }
    rejected
}

/// Name prefix of the scratch folders of [`engine_rejection`].
pub const SCRATCH_PREFIX: &str = ".openwork-check-";

/// The 422 for an OpenCode config error body
/// (`{"name":"ConfigInvalidError","data":{"path","issues"}}`), `None` for
/// any other body.
fn rejection(body: &Value) -> Option<Error> {
    let name = body.get("name").and_then(Value::as_str)?;
    if !(name.starts_with("Config") && name.ends_with("Error")) {
        return None;
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let issues = data.get("issues").cloned().unwrap_or_else(|| json!([]));
    let summary: Vec<String> = issues
        .as_array()
        .into_iter()
        .flatten()
        .take(3)
        .map(|i| {
            let at = i
                .get("path")
                .and_then(Value::as_array)
                .map(|p| p.iter().map(|s| s.as_str().map(str::to_string).unwrap_or_else(|| s.to_string())).collect::<Vec<_>>().join("."))
                .unwrap_or_default();
            let msg = i.get("message").and_then(Value::as_str).unwrap_or("invalid");
            if at.is_empty() {
                msg.to_string()
            } else {
                format!("`{at}`: {msg}")
            }
        })
        .collect();
    let why = if summary.is_empty() { name.to_string() } else { summary.join("; ") };
    Some(
        Error::new(
            ErrorCode::InvalidConfig,
            format!("OpenCode rejects the config this change would produce ({why}); nothing was changed"),
        )
        .details(json!({ "engineError": name, "path": data.get("path"), "issues": issues })),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opencode_config_errors_become_422_with_the_issues() {
        let body = json!({"name":"ConfigInvalidError","data":{"path":"/w/opencode.json","issues":[{"path":["model"],"message":"Expected string | undefined, got 5"}]}});
        let err = rejection(&body).expect("a config error");
        assert_eq!(err.0.code, ErrorCode::InvalidConfig);
        assert!(err.0.message.contains("`model`: Expected string"), "{}", err.0.message);
        let details = err.0.details.clone().expect("details");
        assert_eq!(details["issues"][0]["path"][0], "model");
        assert_eq!(details["engineError"], "ConfigInvalidError");
        assert!(rejection(&json!({"name":"ConfigJsonError","data":{}})).is_some());
        assert!(rejection(&json!({"name":"NotFoundError"})).is_none());
        assert!(rejection(&json!([1, 2])).is_none());
    }

    #[test]
    fn the_schema_key_opencode_adds_is_not_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opencode.json");
        std::fs::write(&path, "{\"mcp\":{}}").unwrap();
        let before = effective_config(&path);
        std::fs::write(&path, "{\n  \"$schema\": \"https://opencode.ai/config.json\",\"mcp\":{}}").unwrap();
        assert_eq!(effective_config(&path), before);
        std::fs::write(&path, "{\"mcp\":{\"x\":{\"enabled\":false}}}").unwrap();
        assert_ne!(effective_config(&path), before);
    }

    #[test]
    fn snapshot_restores_bytes_and_absence() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("opencode.jsonc");
        let gone = dir.path().join("openwork.json");
        std::fs::write(&kept, "// mine\n{ \"model\": \"a/b\" }\n").unwrap();
        let paths = vec![kept.display().to_string(), gone.display().to_string(), dir.path().display().to_string()];
        let snap = FileSnapshot::take(&paths).unwrap();
        std::fs::write(&kept, "{ \"model\": 5 }").unwrap();
        std::fs::write(&gone, "{}").unwrap();
        snap.restore().unwrap();
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "// mine\n{ \"model\": \"a/b\" }\n");
        assert!(!gone.exists());
        assert!(dir.path().is_dir(), "directories are not recorded nor touched");
    }
}
