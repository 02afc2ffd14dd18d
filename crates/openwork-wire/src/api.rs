//! Request and response bodies of the host API beyond health, workspaces,
//! the engine and capabilities: workspace extensions (`/workspace/{id}/...`:
//! config, skills, plugins, MCP servers, commands, audit), approvals, token
//! rotation and switching. The host's handlers take and return these types,
//! its OpenAPI document is generated from them, and clients read them back.
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{ok: true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OkResponse {
    /// Always `true`.
    pub ok: bool,
}

impl OkResponse {
    /// `{ok: true}`.
    pub const YES: OkResponse = OkResponse { ok: true };
}

/// Answer of `POST /tokens/rotate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RotatedToken {
    /// The new client token; the previous one stopped working.
    pub client_token: String,
}

/// Body of `POST /workspaces/active`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwitchRequest {
    /// Absolute path of the folder to expose (on the host).
    pub path: String,
}

/// Who made a change: a remote client (client token) or the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// `remote` (client token) or `host` (host token).
    #[serde(rename = "type")]
    pub kind: String,
    /// `X-OpenWork-Client-Id` if the client sent one (free text, ≤ 64 chars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Fingerprint of the token, never the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_hash: Option<String>,
}

/// A write waiting for the host's decision (`GET /approvals` items).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    /// `apr_<16 hex>`.
    pub id: String,
    /// Workspace the write targets.
    pub workspace_id: String,
    /// `skills.add`, `mcp.remove`, ...
    pub action: String,
    /// One line for people.
    pub summary: String,
    /// Files the write would touch.
    pub paths: Vec<String>,
    /// The change itself, for the approver to read: a unified diff of the
    /// files it writes (new files, binary or large files by size, files
    /// deleted), or for a request through the `/opencode` proxy: method,
    /// path and body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Unix ms.
    pub created_at: u64,
    /// Who asked.
    pub actor: Actor,
}

/// `GET /approvals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalList {
    /// Pending approvals, oldest first.
    pub items: Vec<ApprovalRequest>,
}

/// Body of `POST /approvals/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalReply {
    /// `allow` or `deny`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(allow|deny)$", example = "allow"))]
    pub reply: String,
}

/// Answer of `POST /approvals/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalReplied {
    /// Always `true`.
    pub ok: bool,
    /// Whether the write was allowed.
    pub allowed: bool,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// `aud_<16 hex>`.
    pub id: String,
    /// Workspace written to.
    pub workspace_id: String,
    /// Who.
    pub actor: Actor,
    /// What (`skills.add`, `config.patch`, ...).
    pub action: String,
    /// Name or file the action targeted.
    pub target: String,
    /// One line for people.
    pub summary: String,
    /// `applied`, `denied`, `timeout`, `rejected` (OpenCode refused the resulting config; rolled back) or `failed`.
    pub outcome: String,
    /// When (Unix ms).
    pub timestamp: u64,
}

/// `GET /workspace/{id}/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditList {
    /// Oldest first.
    pub items: Vec<AuditEntry>,
}

/// `GET /workspace/{id}/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigView {
    /// The project's `opencode.json(c)` as JSON (comments dropped).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub opencode: Map<String, Value>,
    /// `.opencode/openwork.json`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub openwork: Map<String, Value>,
    /// Path of the `opencode.json(c)` file.
    pub path: String,
}

/// Body of `PATCH /workspace/{id}/config`: top-level keys to merge (`null` removes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigPatch {
    /// Keys of `opencode.json(c)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub opencode: Option<Map<String, Value>>,
    /// Keys of `.opencode/openwork.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub openwork: Option<Map<String, Value>>,
}

/// Answer of `PATCH /workspace/{id}/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfigPatched {
    /// `opencode.json(c)` after the change.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub opencode: Map<String, Value>,
    /// `.opencode/openwork.json` after the change.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub openwork: Map<String, Value>,
    /// Unix ms.
    pub updated_at: u64,
}

/// One skill in a listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillItem {
    /// Skill (= folder) name.
    pub name: String,
    /// Path of its `SKILL.md`.
    pub path: String,
    /// Frontmatter description (empty if missing).
    pub description: String,
    /// `project` or `global`.
    pub scope: String,
}

/// `GET /workspace/{id}/skills`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillList {
    /// Project skills, then global ones if asked.
    pub items: Vec<SkillItem>,
}

/// Body of `POST /workspace/{id}/skills`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddSkill {
    /// Skill (= folder) name: 1-64 of `[a-z0-9]` in hyphen-separated parts.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64))]
    pub name: String,
    /// `SKILL.md` text (frontmatter optional).
    pub content: String,
    /// Description (else the frontmatter's), 1-1024 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub description: Option<String>,
}

/// Answer of `DELETE /workspace/{id}/skills/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillRemoved {
    /// Always `true`.
    pub ok: bool,
    /// The skill.
    pub name: String,
    /// Folders removed.
    pub removed: Vec<String>,
}

/// One plugin in a listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PluginItem {
    /// Config spec (`name`, `name@version`, `file://...`) or file name.
    pub spec: String,
    /// `config`, `dir.project` or `dir.global`.
    pub source: String,
    /// `project` or `global`.
    pub scope: String,
    /// Config file or plugin file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Plugin listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PluginList {
    /// Plugins from the config and the plugin folders.
    pub items: Vec<PluginItem>,
    /// Order in which OpenCode loads the sources.
    pub load_order: Vec<String>,
}

/// Body of `POST /workspace/{id}/plugins`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddPlugin {
    /// npm name, `name@version`, `@scope/name[@version]` or `file://path`.
    pub spec: String,
}

/// One MCP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct McpItem {
    /// Server name.
    pub name: String,
    /// Its config (`{type: "local", command, ...}` or `{type: "remote", url, ...}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: Value,
    /// `config.project`.
    pub source: String,
    /// OpenCode's runtime status, while the engine runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub status: Option<Value>,
}

/// MCP listings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct McpList {
    /// Servers of the project config.
    pub items: Vec<McpItem>,
}

/// Body of `POST /workspace/{id}/mcp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMcp {
    /// 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))]
    pub name: String,
    /// `{type: "local", command: [..], environment?, enabled?, timeout?}` or
    /// `{type: "remote", url, headers?, oauth?, enabled?, timeout?}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub config: Value,
}

/// One command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandItem {
    /// Command name (file name without `.md`).
    pub name: String,
    /// Frontmatter `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The template (file body).
    pub template: String,
    /// Frontmatter `agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Frontmatter `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Frontmatter `subtask`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtask: Option<bool>,
    /// `workspace`.
    pub scope: String,
    /// The file.
    pub path: String,
}

/// Command listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandList {
    /// Commands of the workspace.
    pub items: Vec<CommandItem>,
}

/// Body of `POST /workspace/{id}/commands`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddCommand {
    /// 1-64 of `[A-Za-z0-9._-]`, starting alphanumeric, not ending `.md`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"))]
    pub name: String,
    /// The prompt template (non-empty).
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub template: String,
    /// Frontmatter `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Frontmatter `agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Frontmatter `model`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Frontmatter `subtask`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtask: Option<bool>,
}

/// Archive formats `POST /workspace/{id}/skills/archive` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `.zip`.
    Zip,
    /// `.tar.gz` / `.tgz`.
    TarGz,
    /// Plain `.tar`.
    Tar,
}

impl ArchiveKind {
    /// The `Content-Type` of an upload of this kind.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Zip => "application/zip",
            Self::TarGz => "application/gzip",
            Self::Tar => "application/x-tar",
        }
    }

    /// The kind of an archive, from its first bytes (the host decides on
    /// these, not on the content type).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return Some(Self::Zip);
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Some(Self::TarGz);
        }
        if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
            return Some(Self::Tar);
        }
        None
    }
}

/// What a device token may do. Each scope includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Reads of the workspace and its sessions, event streams.
    Viewer,
    /// A viewer's rights, and driving the agent, running commands and terminals.
    Collaborator,
    /// A collaborator's rights, and the workspace's config and extensions,
    /// API-key provider credentials, device tokens and pairing.
    Owner,
}

impl TokenScope {
    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Collaborator => "collaborator",
            Self::Owner => "owner",
        }
    }

    /// From its wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "viewer" => Some(Self::Viewer),
            "collaborator" => Some(Self::Collaborator),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }
}

/// A device token as listed (`GET /tokens`): never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// `tok_<16 hex>`; `client` for the host's client token.
    pub id: String,
    /// What it may do.
    pub scope: TokenScope,
    /// Who or what it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Unix ms.
    pub created_at: u64,
    /// Unix ms of its last use, if used since it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<u64>,
}

/// `GET /tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenList {
    /// Newest first.
    pub items: Vec<TokenInfo>,
}

/// Body of `POST /tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewToken {
    /// `owner`, `collaborator` or `viewer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^(owner|collaborator|viewer)$"))]
    pub scope: String,
    /// Who or what it is for (at most 120 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub label: Option<String>,
}

/// A device token just made (`POST /tokens`, `POST /pairing/exchange`): the
/// only time the token is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    /// `tok_<16 hex>`.
    pub id: String,
    /// The token (`owt_…`): send it as `Authorization: Bearer`.
    pub token: String,
    /// What it may do.
    pub scope: TokenScope,
    /// Who or what it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Unix ms.
    pub created_at: u64,
}

/// Body of `POST /pairing`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairingRequest {
    /// Scope of the token the device gets (default `collaborator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^(owner|collaborator|viewer)$"))]
    pub scope: Option<String>,
    /// Label of that token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub label: Option<String>,
}

/// A one-time pairing code (`POST /pairing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Pairing {
    /// The code (works once, until `expiresAt`).
    pub code: String,
    /// The link a device opens (the web UI exchanges the code), also for the QR code.
    pub url: String,
    /// Unix ms after which the code is dead.
    pub expires_at: u64,
    /// Scope of the token the device will get.
    pub scope: TokenScope,
}

/// Body of `POST /pairing/exchange` (open: the code is the credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairingExchange {
    /// The pairing code.
    pub code: String,
    /// Name of the device (the token's label, unless the pairing named one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 120))]
    pub label: Option<String>,
}
