//! `GET /workspaces` and `GET /workspaces/active`.
use serde::{Deserialize, Serialize};

/// Where a client reaches OpenCode for a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OpencodeTarget {
    /// Base URL usable with the same bearer token: the host's `/opencode` proxy
    /// (for an owner of an `openwork-server` sidecar: the engine itself, as
    /// the orchestrator passed it).
    pub base_url: String,
    /// Absolute workspace directory on the host.
    pub directory: String,
    /// HTTP Basic user for `base_url` (OpenCode's own clients send Basic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// HTTP Basic password for `base_url`: the caller's own token through
    /// the proxy (any user name), or the engine's password for an owner of
    /// a sidecar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A workspace exposed by a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Stable id, `ws_<12 hex>` (see [`crate::ids::workspace_id`]).
    pub id: String,
    /// Display name (the folder name).
    pub name: String,
    /// Absolute path on the host.
    pub path: String,
    /// Always `"local"` on a host.
    pub workspace_type: String,
    /// How to reach OpenCode for it.
    pub opencode: OpencodeTarget,
}

/// Body of `GET /workspaces`: only the active workspace is listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceList {
    /// The active workspace.
    pub active: Workspace,
    /// All exposed workspaces (just the active one).
    pub items: Vec<Workspace>,
}
