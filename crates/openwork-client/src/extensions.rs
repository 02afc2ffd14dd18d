//! The host's extension API as a typed client: skills, plugins, MCP servers,
//! commands and config of a remote workspace (`/workspace/{id}/...`, client
//! token: [`HostExtensions`]), and what a direct OpenCode remote can show of
//! the same, read-only and in the host's list shapes
//! ([`OpencodeExtensions`]). [`Extensions::for_remote`] picks one for a
//! saved remote. Approvals, switching and token rotation (host token) are
//! asked of the [`LocalHost`](crate::LocalHost); their bodies are here too.
//!
//! Request bodies are `openwork_wire::api`'s (re-exported here); answers are
//! `serde_json::Value`s for now (the same module has their types too).
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::call::{self, segment, CallError};
use crate::opencode::OpencodeAuth;
use crate::saved::{RemoteAddress, SavedRemote};

/// Bound on each extension request (archives can be large, config checks slow).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Bound on connecting for an extension request.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Request bodies (and the rotation answer) as the host defines them.
pub use openwork_wire::api::{AddCommand, AddMcp, AddPlugin, AddSkill, ApprovalReply, ArchiveKind, RotatedToken, SwitchRequest};

/// Why the extensions of a remote cannot be reached or changed.
#[derive(Debug, thiserror::Error)]
pub enum ExtensionsError {
    /// An OpenWork remote saved without its client token.
    #[error("no client token saved for this remote; run `openwork connect` again")]
    NoToken,
    /// An OpenWork remote saved without the host's workspace id.
    #[error("the saved remote has no host workspace id")]
    NoWorkspaceId,
    /// A change asked of a direct OpenCode remote.
    #[error(
        "read-only: connected directly to OpenCode (connect through an OpenWork host to change skills, plugins, MCP servers or commands)"
    )]
    DirectReadOnly,
    /// No HTTP client could be made.
    #[error("could not set up HTTP: {0}")]
    Http(#[source] reqwest::Error),
}

/// The extensions of a saved remote: the host's API, or a direct OpenCode's listings.
#[derive(Debug, Clone)]
pub enum Extensions {
    /// Through an OpenWork host: list and change.
    Host(HostExtensions),
    /// A direct OpenCode: list only.
    Direct(OpencodeExtensions),
}

impl Extensions {
    /// The extensions of `remote`, with its stored credentials.
    pub fn for_remote(remote: &SavedRemote) -> Result<Self, ExtensionsError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(ExtensionsError::Http)?;
        Ok(match &remote.address {
            RemoteAddress::OpenWork { host_url, workspace_id } => Self::Host(HostExtensions {
                http,
                base: host_url.clone(),
                token: remote.secrets.token.clone().ok_or(ExtensionsError::NoToken)?,
                workspace_id: workspace_id.clone().ok_or(ExtensionsError::NoWorkspaceId)?,
            }),
            RemoteAddress::OpenCode { base_url, directory } => Self::Direct(OpencodeExtensions {
                http,
                base: base_url.clone(),
                directory: directory.clone(),
                auth: match remote.opencode_basic() {
                    Some((username, password)) => {
                        OpencodeAuth::Basic { username: username.to_string(), password: password.to_string() }
                    }
                    None => OpencodeAuth::None,
                },
            }),
        })
    }

    /// The host's API, to change something; [`ExtensionsError::DirectReadOnly`]
    /// for a direct OpenCode.
    pub fn host(&self) -> Result<&HostExtensions, ExtensionsError> {
        match self {
            Self::Host(h) => Ok(h),
            Self::Direct(_) => Err(ExtensionsError::DirectReadOnly),
        }
    }
}

/// A workspace's extensions through an OpenWork host (`/workspace/{id}/...`).
#[derive(Debug, Clone)]
pub struct HostExtensions {
    http: reqwest::Client,
    base: String,
    token: String,
    workspace_id: String,
}

impl HostExtensions {
    /// `GET skills` (`include_global`: also the host's global skills) → `{items}`.
    pub async fn skills(&self, include_global: bool) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "skills").query(&[("includeGlobal", include_global)])).await
    }

    /// `POST skills`: install a skill from its `SKILL.md` text → the skill.
    pub async fn add_skill(&self, skill: &AddSkill) -> Result<Value, CallError> {
        call::json(self.request(Method::POST, "skills").json(skill)).await
    }

    /// `POST skills/archive`: install a skill from an archive (`name`: the
    /// skill's name, else the archive's) → the skill.
    pub async fn add_skill_archive(&self, bytes: Vec<u8>, kind: ArchiveKind, name: Option<&str>) -> Result<Value, CallError> {
        let mut req = self
            .request(Method::POST, "skills/archive")
            .header(reqwest::header::CONTENT_TYPE, kind.content_type())
            .body(bytes);
        if let Some(n) = name {
            req = req.query(&[("name", n)]);
        }
        call::json(req).await
    }

    /// `DELETE skills/{name}` → `{ok, name, removed}`.
    pub async fn remove_skill(&self, name: &str) -> Result<Value, CallError> {
        call::json(self.request(Method::DELETE, &format!("skills/{}", segment(name)))).await
    }

    /// `GET plugins` → `{items, loadOrder}`.
    pub async fn plugins(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "plugins")).await
    }

    /// `POST plugins` → the new listing.
    pub async fn add_plugin(&self, plugin: &AddPlugin) -> Result<Value, CallError> {
        call::json(self.request(Method::POST, "plugins").json(plugin)).await
    }

    /// `DELETE plugins/{name}` (package name, spec or file name) → the new listing.
    pub async fn remove_plugin(&self, name: &str) -> Result<Value, CallError> {
        call::json(self.request(Method::DELETE, &format!("plugins/{}", segment(name)))).await
    }

    /// `GET mcp` → `{items}` with OpenCode's runtime status.
    pub async fn mcp(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "mcp")).await
    }

    /// `POST mcp`: add or replace a server → the new listing.
    pub async fn add_mcp(&self, server: &AddMcp) -> Result<Value, CallError> {
        call::json(self.request(Method::POST, "mcp").json(server)).await
    }

    /// `DELETE mcp/{name}` → the new listing.
    pub async fn remove_mcp(&self, name: &str) -> Result<Value, CallError> {
        call::json(self.request(Method::DELETE, &format!("mcp/{}", segment(name)))).await
    }

    /// `POST mcp/{name}/enable` or `…/disable` → the new listing.
    pub async fn set_mcp_enabled(&self, name: &str, enabled: bool) -> Result<Value, CallError> {
        let path = format!("mcp/{}/{}", segment(name), if enabled { "enable" } else { "disable" });
        call::json(self.request(Method::POST, &path)).await
    }

    /// `GET commands` → `{items}`.
    pub async fn commands(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "commands")).await
    }

    /// `POST commands`: add or replace a command → the new listing.
    pub async fn add_command(&self, command: &AddCommand) -> Result<Value, CallError> {
        call::json(self.request(Method::POST, "commands").json(command)).await
    }

    /// `DELETE commands/{name}` → `{ok}`.
    pub async fn remove_command(&self, name: &str) -> Result<Value, CallError> {
        call::json(self.request(Method::DELETE, &format!("commands/{}", segment(name)))).await
    }

    /// `GET config`: `opencode.json(c)` and `.opencode/openwork.json`.
    pub async fn config(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "config")).await
    }

    /// `PATCH config`: merge top-level keys (`{opencode?, openwork?}`; `null` removes).
    pub async fn patch_config(&self, patch: &Value) -> Result<Value, CallError> {
        call::json(self.request(Method::PATCH, "config").json(patch)).await
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}/workspace/{}/{path}", self.base, self.workspace_id)).bearer_auth(&self.token)
    }
}

/// What a direct OpenCode shows of its extensions, in the host's list
/// shapes (`{items: [...]}`, scope `opencode`).
#[derive(Debug, Clone)]
pub struct OpencodeExtensions {
    http: reqwest::Client,
    base: String,
    directory: Option<String>,
    auth: OpencodeAuth,
}

impl OpencodeExtensions {
    /// Skills (`GET /skill`): `{name, description, path, scope}`.
    pub async fn skills(&self) -> Result<Value, CallError> {
        let list = self.get("/skill").await?;
        let items: Vec<Value> = array(&list)
            .into_iter()
            .map(|i| json!({"name": i["name"], "description": i["description"], "path": i["location"], "scope": "opencode"}))
            .collect();
        Ok(json!({ "items": items }))
    }

    /// Plugins of the config (`GET /config` `.plugin`): `{spec, source, scope}`.
    pub async fn plugins(&self) -> Result<Value, CallError> {
        let cfg = self.get("/config").await?;
        let items: Vec<Value> = array(&cfg["plugin"])
            .into_iter()
            .map(|p| {
                let spec = p.as_str().map(Value::from).unwrap_or(p.get(0).cloned().unwrap_or(Value::Null));
                json!({"spec": spec, "source": "config", "scope": "opencode"})
            })
            .collect();
        Ok(json!({ "items": items }))
    }

    /// MCP servers of the config (`GET /config` `.mcp`) with their status
    /// (`GET /mcp`, when it answers): `{name, config, source, status}`.
    pub async fn mcp(&self) -> Result<Value, CallError> {
        let cfg = self.get("/config").await?;
        let status = self.get("/mcp").await.unwrap_or(Value::Null);
        let mut items = Vec::new();
        if let Some(m) = cfg["mcp"].as_object() {
            for (name, config) in m {
                items.push(json!({"name": name, "config": config, "source": "opencode", "status": status.get(name)}));
            }
        }
        Ok(json!({ "items": items }))
    }

    /// Commands (`GET /command`).
    pub async fn commands(&self) -> Result<Value, CallError> {
        let list = self.get("/command").await?;
        Ok(json!({ "items": array(&list) }))
    }

    async fn get(&self, path: &str) -> Result<Value, CallError> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(d) = &self.directory {
            req = req.query(&[("directory", d)]);
        }
        call::json(self.auth.apply(req)).await
    }
}

fn array(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}
