//! Shapes of the extension routes' JSON responses, for the OpenAPI document
//! (the handlers build the same shapes with `serde_json::json!`; schemathesis
//! checks that they conform).
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::plugins::PluginItem;
use super::skills::SkillItem;
use super::{ApprovalRequest, AuditEntry};

/// `GET /workspace/{id}/config`.
#[derive(Serialize, ToSchema)]
pub struct ConfigView {
    /// The project's `opencode.json(c)` as JSON (comments dropped).
    #[schema(value_type = Object)]
    pub opencode: Value,
    /// `.opencode/openwork.json`.
    #[schema(value_type = Object)]
    pub openwork: Value,
    /// Path of the `opencode.json(c)` file.
    pub path: String,
}

/// `PATCH /workspace/{id}/config` answer.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigPatched {
    /// `opencode.json(c)` after the change.
    #[schema(value_type = Object)]
    pub opencode: Value,
    /// `.opencode/openwork.json` after the change.
    #[schema(value_type = Object)]
    pub openwork: Value,
    /// Unix ms.
    pub updated_at: u64,
}

/// `GET /workspace/{id}/skills`.
#[derive(Serialize, ToSchema)]
pub struct SkillList {
    /// Project skills, then global ones if asked.
    pub items: Vec<SkillItem>,
}

/// `DELETE /workspace/{id}/skills/{name}`.
#[derive(Serialize, ToSchema)]
pub struct SkillRemoved {
    /// Always `true`.
    pub ok: bool,
    /// The skill.
    pub name: String,
    /// Folders removed.
    pub removed: Vec<String>,
}

/// Plugin listings.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PluginList {
    /// Plugins from the config and the plugin folders.
    pub items: Vec<PluginItem>,
    /// Order in which OpenCode loads the sources.
    pub load_order: Vec<String>,
}

/// One MCP server.
#[derive(Serialize, ToSchema)]
pub struct McpItem {
    /// Server name.
    pub name: String,
    /// Its config (`{type: "local", command, ...}` or `{type: "remote", url, ...}`).
    #[schema(value_type = Object)]
    pub config: Value,
    /// `config.project`.
    pub source: String,
    /// OpenCode's runtime status, while the engine runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub status: Option<Value>,
}

/// MCP listings.
#[derive(Serialize, ToSchema)]
pub struct McpList {
    /// Servers of the project config.
    pub items: Vec<McpItem>,
}

/// One command.
#[derive(Serialize, ToSchema)]
pub struct CommandItem {
    /// Command name (file name without `.md`).
    pub name: String,
    /// Frontmatter `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The template (file body).
    pub template: String,
    /// Frontmatter `agent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Frontmatter `model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Frontmatter `subtask`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtask: Option<bool>,
    /// `workspace`.
    pub scope: String,
    /// The file.
    pub path: String,
}

/// Command listings.
#[derive(Serialize, ToSchema)]
pub struct CommandList {
    /// Commands of the workspace.
    pub items: Vec<CommandItem>,
}

/// `GET /workspace/{id}/audit`.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    /// Oldest first.
    pub items: Vec<AuditEntry>,
}

/// `GET /approvals`.
#[derive(Serialize, ToSchema)]
pub struct ApprovalList {
    /// Pending approvals.
    pub items: Vec<ApprovalRequest>,
}

/// `POST /approvals/{id}` answer.
#[derive(Serialize, ToSchema)]
pub struct ApprovalReplied {
    /// Always `true`.
    pub ok: bool,
    /// Whether the write was allowed.
    pub allowed: bool,
}
