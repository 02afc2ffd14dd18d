//! Reading every known workspace file format into the current [`StoreFile`].
//!
//! Formats recognised:
//! - **Client store, version 1** (`workspaces.json`): `{"format": "openwork.workspaces", "version": 1, ...}`,
//!   the current format ([`crate::model`]). `baseUrl`/`directory` are accepted as old
//!   spellings of `opencodeBaseUrl`/`opencodeDirectory`.
//! - **Desktop, versions 1, 2, 3** (`openwork-workspaces.json`, no `format` key):
//!   `{"version", "activeId", "workspaces": [WorkspaceInfo]}`. Versions 1 and 2 have no
//!   `remoteType`/`openwork*` fields; `remoteType` absent means an OpenCode remote, and a
//!   remote with only `baseUrl` (+ `directory`) stays a valid OpenCode remote. An entry
//!   without `workspaceType` is remote when it has `baseUrl` or `openworkHostUrl`, else local.
//!
//! Desktop entries get new stable ids (see [`crate::ids`]); `activeId` is mapped to
//! the new id. Entries that cannot be converted (no URL, bad URL, local without path)
//! are skipped with a warning; entries mapping to the same id are merged.
use std::collections::HashMap;

use serde::Deserialize;

use crate::model::{now_ms, RemoteType, StoreFile, WorkspaceEntry, STORE_FORMAT, STORE_VERSION};
use crate::url::join;

/// Newest desktop format version understood.
pub const DESKTOP_MAX_VERSION: u64 = 3;

/// Which format a document was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// The client's own store, with its version.
    Client(u64),
    /// The desktop app's `openwork-workspaces.json`, with its version.
    Desktop(u64),
}

/// A document converted to the current format.
#[derive(Debug, Clone)]
pub struct Migrated {
    /// The converted store.
    pub store: StoreFile,
    /// What it was.
    pub source: SourceFormat,
    /// Entries skipped or adjusted, in words.
    pub warnings: Vec<String>,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateError {
    /// Not JSON, or not a workspace document.
    Invalid(String),
    /// A version newer than this build knows.
    TooNew {
        /// Version found.
        found: u64,
        /// Newest supported.
        supported: u64,
    },
}

/// Parse any supported document (client store or desktop file, any version).
pub fn parse_any(bytes: &[u8]) -> Result<Migrated, MigrateError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| MigrateError::Invalid(e.to_string()))?;
    let obj = value.as_object().ok_or_else(|| MigrateError::Invalid("not a JSON object".into()))?;
    let version = obj.get("version").and_then(|v| v.as_u64()).ok_or_else(|| MigrateError::Invalid("no numeric `version`".into()))?;
    match obj.get("format").and_then(|f| f.as_str()) {
        Some(STORE_FORMAT) => {
            if version > STORE_VERSION {
                return Err(MigrateError::TooNew { found: version, supported: STORE_VERSION });
            }
            // Version 1 is the current format.
            let mut store: StoreFile = serde_json::from_value(value).map_err(|e| MigrateError::Invalid(e.to_string()))?;
            store.version = STORE_VERSION;
            Ok(Migrated { store, source: SourceFormat::Client(version), warnings: Vec::new() })
        }
        Some(other) => Err(MigrateError::Invalid(format!("unknown format `{other}`"))),
        None => {
            if version == 0 || version > DESKTOP_MAX_VERSION {
                return Err(MigrateError::Invalid(format!(
                    "desktop workspace file version {version} is not supported (1 to {DESKTOP_MAX_VERSION})"
                )));
            }
            let desktop: DesktopFile = serde_json::from_value(value).map_err(|e| MigrateError::Invalid(e.to_string()))?;
            let (store, warnings) = from_desktop(desktop);
            Ok(Migrated { store, source: SourceFormat::Desktop(version), warnings })
        }
    }
}

/// The desktop document (all versions; missing fields are `None`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DesktopFile {
    #[serde(default)]
    active_id: Option<String>,
    #[serde(default)]
    workspaces: Vec<DesktopWorkspace>,
}

/// Desktop `WorkspaceInfo`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DesktopWorkspace {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    workspace_type: Option<String>,
    #[serde(default)]
    remote_type: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    directory: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    openwork_host_url: Option<String>,
    #[serde(default)]
    openwork_workspace_id: Option<String>,
    #[serde(default)]
    openwork_workspace_name: Option<String>,
}

/// Convert a desktop document.
fn from_desktop(file: DesktopFile) -> (StoreFile, Vec<String>) {
    let mut store = StoreFile::default();
    let mut warnings = Vec::new();
    let mut id_map: HashMap<String, String> = HashMap::new();
    for (i, w) in file.workspaces.into_iter().enumerate() {
        let label = w.id.clone().or_else(|| w.name.clone()).unwrap_or_else(|| format!("#{i}"));
        match desktop_entry(&w) {
            Ok(entry) => {
                if let Some(old) = &w.id {
                    id_map.insert(old.clone(), entry.id.clone());
                }
                store.upsert(entry, true);
            }
            Err(why) => warnings.push(format!("skipped workspace {label}: {why}")),
        }
    }
    store.active_id = file.active_id.and_then(|old| id_map.get(&old).cloned());
    (store, warnings)
}

/// Convert one desktop entry.
fn desktop_entry(w: &DesktopWorkspace) -> Result<WorkspaceEntry, String> {
    let nonempty = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let display = nonempty(&w.display_name).or_else(|| nonempty(&w.name));
    let is_remote = match w.workspace_type.as_deref() {
        Some("remote") => true,
        Some("local") => false,
        Some(other) => return Err(format!("unknown workspaceType `{other}`")),
        None => w.base_url.is_some() || w.openwork_host_url.is_some(),
    };
    let mut entry = if !is_remote {
        let path = nonempty(&w.path).ok_or("local workspace without a path")?;
        WorkspaceEntry::local(&path, display.as_deref())
    } else {
        let remote_type = match w.remote_type.as_deref() {
            Some("openwork") => RemoteType::Openwork,
            Some("opencode") | None => RemoteType::Opencode,
            Some(other) => return Err(format!("unknown remoteType `{other}`")),
        };
        let host = nonempty(&w.openwork_host_url);
        match (remote_type, host) {
            (RemoteType::Openwork, Some(host)) => {
                let ws_id = nonempty(&w.openwork_workspace_id).unwrap_or_default();
                let ws_name = nonempty(&w.openwork_workspace_name).or_else(|| display.clone()).unwrap_or_default();
                let base = nonempty(&w.base_url).unwrap_or_else(|| join(host.trim_end_matches('/'), openwork_wire::OPENCODE_PROXY_PREFIX));
                let mut e = WorkspaceEntry::openwork(&host, &ws_id, &ws_name, &base, w.directory.as_deref().unwrap_or(""))
                    .map_err(|e| e.to_string())?;
                if let Some(d) = &display {
                    e.name = d.clone();
                }
                e
            }
            _ => {
                let base = nonempty(&w.base_url).ok_or("remote workspace without baseUrl")?;
                let mut e = WorkspaceEntry::opencode(&base, w.directory.as_deref()).map_err(|e| e.to_string())?;
                if let Some(d) = &display {
                    e.name = d.clone();
                }
                e
            }
        }
    };
    if is_remote {
        entry.path = nonempty(&w.path);
    }
    entry.preset = nonempty(&w.preset);
    let now = now_ms();
    entry.created_at = now;
    entry.updated_at = now;
    Ok(entry)
}
