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
}

impl Capabilities {
    /// Capabilities of a host; `read_only` turns every `write` off.
    pub fn for_host(read_only: bool) -> Self {
        let p = Permission { read: true, write: !read_only };
        Self { skills: p, plugins: p, mcp: p, commands: p, config: p }
    }
}
