//! `GET /capabilities`: what the client token may do on this host.
use serde::{Deserialize, Serialize};

/// Read/write permission on one kind of extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Permission {
    /// The client may list.
    pub read: bool,
    /// The client may add, change or remove.
    pub write: bool,
}

/// Body of `GET /capabilities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capabilities {
    /// Skills (`SKILL.md` folders).
    pub skills: Permission,
    /// OpenCode plugins.
    pub plugins: Permission,
    /// MCP servers.
    pub mcp: Permission,
    /// Slash commands.
    pub commands: Permission,
    /// `opencode.json(c)` and `.opencode/openwork.json`.
    pub config: Permission,
    /// The caller's scope (absent from hosts that have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<crate::api::TokenScope>,
}

impl Capabilities {
    /// Capabilities of a host; `read_only` turns every `write` off.
    pub fn for_host(read_only: bool) -> Self {
        Self::for_scope(read_only, crate::api::TokenScope::Owner)
    }

    /// What a token of `scope` may do on a host (`read_only`: no writes):
    /// everyone lists skills, plugins and commands; the MCP servers and the
    /// config (which can carry credentials) and every write are an owner's.
    pub fn for_scope(read_only: bool, scope: crate::api::TokenScope) -> Self {
        let owner = scope == crate::api::TokenScope::Owner;
        let listed = Permission { read: true, write: owner && !read_only };
        let secret = Permission { read: owner, write: owner && !read_only };
        Self { skills: listed, plugins: listed, mcp: secret, commands: listed, config: secret, scope: Some(scope) }
    }
}
