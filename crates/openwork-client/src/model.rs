//! The client's workspace entries and store document (current format).
use serde::{Deserialize, Serialize};

use crate::ids;
use crate::url::{normalize_directory, normalize_url, UrlError};

/// `"format"` marker of the client's own store file (distinguishes it from the desktop file).
pub const STORE_FORMAT: &str = "openwork.workspaces";
/// Newest version of the client's own store format. See `migrate` for the history.
pub const STORE_VERSION: u64 = 1;

/// Local folder or remote server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceType {
    /// A folder on this machine.
    Local,
    /// A workspace on another machine (OpenWork host or OpenCode server).
    Remote,
}

/// How a remote is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteType {
    /// Through an OpenWork host (bearer token, `/opencode` proxy).
    Openwork,
    /// A direct OpenCode server (optionally Basic auth).
    Opencode,
}

/// One workspace in the store. Secrets are never here (see [`crate::tokens`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceEntry {
    /// Stable id (see [`crate::ids`]).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Local or remote.
    pub workspace_type: WorkspaceType,
    /// For remotes: OpenWork host or direct OpenCode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_type: Option<RemoteType>,
    /// Local folder (local entries; kept from the desktop file for remotes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Desktop preset, kept as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Normalised OpenWork host URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openwork_host_url: Option<String>,
    /// Workspace id on the host (`ws_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openwork_workspace_id: Option<String>,
    /// Workspace name on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openwork_workspace_name: Option<String>,
    /// Normalised OpenCode base URL (the host's proxy for OpenWork remotes).
    #[serde(default, alias = "baseUrl", skip_serializing_if = "Option::is_none")]
    pub opencode_base_url: Option<String>,
    /// OpenCode directory.
    #[serde(default, alias = "directory", skip_serializing_if = "Option::is_none")]
    pub opencode_directory: Option<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_at: u64,
    /// Last change, milliseconds since the Unix epoch.
    pub updated_at: u64,
}

impl WorkspaceEntry {
    /// A new OpenWork remote entry, id derived from host URL + host workspace id.
    pub fn openwork(
        host_url: &str,
        workspace_id: &str,
        workspace_name: &str,
        opencode_base_url: &str,
        directory: &str,
    ) -> Result<Self, UrlError> {
        let host = normalize_url(host_url)?;
        let now = now_ms();
        Ok(Self {
            id: ids::openwork_remote_id(&host, workspace_id),
            name: workspace_name.to_string(),
            workspace_type: WorkspaceType::Remote,
            remote_type: Some(RemoteType::Openwork),
            path: None,
            preset: None,
            openwork_host_url: Some(host),
            openwork_workspace_id: Some(workspace_id.to_string()),
            openwork_workspace_name: Some(workspace_name.to_string()),
            opencode_base_url: Some(normalize_url(opencode_base_url)?),
            opencode_directory: Some(normalize_directory(directory)).filter(|d| !d.is_empty()),
            created_at: now,
            updated_at: now,
        })
    }

    /// A new direct OpenCode remote entry, id derived from base URL + directory.
    pub fn opencode(base_url: &str, directory: Option<&str>) -> Result<Self, UrlError> {
        let base = normalize_url(base_url)?;
        let dir = directory.map(normalize_directory).filter(|d| !d.is_empty());
        let now = now_ms();
        let name = dir
            .as_deref()
            .and_then(|d| d.rsplit('/').find(|s| !s.is_empty()))
            .map(str::to_string)
            .unwrap_or_else(|| base.clone());
        Ok(Self {
            id: ids::opencode_remote_id(&base, dir.as_deref().unwrap_or("")),
            name,
            workspace_type: WorkspaceType::Remote,
            remote_type: Some(RemoteType::Opencode),
            path: None,
            preset: None,
            openwork_host_url: None,
            openwork_workspace_id: None,
            openwork_workspace_name: None,
            opencode_base_url: Some(base),
            opencode_directory: dir,
            created_at: now,
            updated_at: now,
        })
    }

    /// A new local entry, id derived from the path.
    pub fn local(path: &str, name: Option<&str>) -> Self {
        let path = normalize_directory(path);
        let now = now_ms();
        let name = name
            .map(str::to_string)
            .or_else(|| path.rsplit('/').find(|s| !s.is_empty()).map(str::to_string))
            .unwrap_or_else(|| path.clone());
        Self {
            id: ids::local_id(&path),
            name,
            workspace_type: WorkspaceType::Local,
            remote_type: None,
            path: Some(path),
            preset: None,
            openwork_host_url: None,
            openwork_workspace_id: None,
            openwork_workspace_name: None,
            opencode_base_url: None,
            opencode_directory: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// `[OpenWork]`, `[OpenCode]` or `[Local]`.
    pub fn badge(&self) -> &'static str {
        match (self.workspace_type, self.remote_type) {
            (WorkspaceType::Local, _) => "[Local]",
            (WorkspaceType::Remote, Some(RemoteType::Openwork)) => "[OpenWork]",
            (WorkspaceType::Remote, _) => "[OpenCode]",
        }
    }

    /// Primary line: host URL (OpenWork), else OpenCode base URL, else the local path.
    pub fn primary_line(&self) -> &str {
        match self.remote_type {
            Some(RemoteType::Openwork) => self.openwork_host_url.as_deref().or(self.opencode_base_url.as_deref()),
            _ => self.opencode_base_url.as_deref(),
        }
        .or(self.path.as_deref())
        .unwrap_or(&self.name)
    }

    /// Secondary line: host workspace name (OpenWork), else OpenCode directory, else the name.
    pub fn secondary_line(&self) -> &str {
        match self.remote_type {
            Some(RemoteType::Openwork) => self.openwork_workspace_name.as_deref().or(self.opencode_directory.as_deref()),
            Some(RemoteType::Opencode) => self.opencode_directory.as_deref(),
            None => None,
        }
        .unwrap_or(&self.name)
    }
}

/// The store document, current format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreFile {
    /// Always [`STORE_FORMAT`].
    pub format: String,
    /// Always [`STORE_VERSION`] when written by this build.
    pub version: u64,
    /// Id of the active workspace.
    #[serde(default)]
    pub active_id: Option<String>,
    /// Entries, in insertion order.
    #[serde(default)]
    pub workspaces: Vec<WorkspaceEntry>,
}

impl Default for StoreFile {
    fn default() -> Self {
        Self { format: STORE_FORMAT.to_string(), version: STORE_VERSION, active_id: None, workspaces: Vec::new() }
    }
}

/// Whether [`StoreFile::upsert`] added or replaced an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// A new id.
    Inserted,
    /// An existing id; its `createdAt` was kept.
    Updated,
}

impl StoreFile {
    /// Entry by id.
    pub fn get(&self, id: &str) -> Option<&WorkspaceEntry> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    /// The active entry, if any.
    pub fn active(&self) -> Option<&WorkspaceEntry> {
        self.active_id.as_deref().and_then(|id| self.get(id))
    }

    /// Find by exact id, then unique id prefix, then exact name.
    pub fn find(&self, key: &str) -> Option<&WorkspaceEntry> {
        if let Some(w) = self.get(key) {
            return Some(w);
        }
        let by_prefix: Vec<_> = self.workspaces.iter().filter(|w| w.id.starts_with(key)).collect();
        if by_prefix.len() == 1 {
            return Some(by_prefix[0]);
        }
        let by_name: Vec<_> = self.workspaces.iter().filter(|w| w.name == key).collect();
        if by_name.len() == 1 {
            return Some(by_name[0]);
        }
        None
    }

    /// Insert or replace by id. On replace, `createdAt` is kept, and the old
    /// name is kept unless `keep_name` is false.
    pub fn upsert(&mut self, mut entry: WorkspaceEntry, keep_name: bool) -> Upsert {
        if let Some(existing) = self.workspaces.iter_mut().find(|w| w.id == entry.id) {
            if existing.created_at != 0 {
                entry.created_at = existing.created_at;
            }
            if keep_name {
                entry.name = existing.name.clone();
            }
            entry.updated_at = now_ms().max(existing.updated_at);
            *existing = entry;
            Upsert::Updated
        } else {
            self.workspaces.push(entry);
            Upsert::Inserted
        }
    }

    /// Remove by id; clears `activeId` if it pointed there. Returns the removed entry.
    pub fn remove(&mut self, id: &str) -> Option<WorkspaceEntry> {
        let pos = self.workspaces.iter().position(|w| w.id == id)?;
        if self.active_id.as_deref() == Some(id) {
            self.active_id = None;
        }
        Some(self.workspaces.remove(pos))
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
