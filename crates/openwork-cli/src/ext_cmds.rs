//! `openwork skills|plugins|mcp|commands ...` against the active remote, and
//! `openwork approvals ...` on the host machine.
//!
//! An OpenWork remote is managed through the host's API
//! (`/workspace/:id/...`, client token). A direct OpenCode remote can only be
//! listed (OpenCode's `/skill`, `/config`, `/mcp`, `/command`); writes say
//! "read-only: connected directly to OpenCode".
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use openwork_client::{RemoteType, Store, WorkspaceType};
use serde_json::{json, Value};

use crate::local_host::LocalHost;

/// Options shared by the extension commands.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Saved workspace to use (id, id prefix or name); default: the active one.
    #[arg(long, global = true, value_name = "WORKSPACE")]
    remote: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

macro_rules! args {
    ($name:ident, $cmd:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, clap::Args)]
        pub struct $name {
            #[command(flatten)]
            target: Target,
            #[command(subcommand)]
            cmd: $cmd,
        }
    };
}
args!(SkillsArgs, SkillsCommand, "Arguments of `openwork skills`.");
args!(PluginsArgs, PluginsCommand, "Arguments of `openwork plugins`.");
args!(McpArgs, McpCommand, "Arguments of `openwork mcp`.");
args!(CommandsArgs, CommandsCommand, "Arguments of `openwork commands`.");

/// `openwork skills ...`.
#[derive(Debug, clap::Subcommand)]
pub enum SkillsCommand {
    /// List skills (project roots; `--global` adds the host's global skills).
    List {
        /// Include `$XDG_CONFIG_HOME/opencode/skills` on the host.
        #[arg(long)]
        global: bool,
    },
    /// Install a skill from a SKILL.md file, a folder, or a .zip/.tar.gz archive.
    Add {
        /// SKILL.md (or any .md), a folder holding SKILL.md, or an archive.
        path: PathBuf,
        /// Skill name (default: the frontmatter `name` or the folder name).
        #[arg(long)]
        name: Option<String>,
        /// Description, when the file has none in its frontmatter.
        #[arg(long)]
        description: Option<String>,
    },
    /// Remove a project skill.
    Remove {
        /// Skill name.
        name: String,
    },
}

/// `openwork plugins ...`.
#[derive(Debug, clap::Subcommand)]
pub enum PluginsCommand {
    /// List plugins (config entries and `.opencode/plugins` files).
    List,
    /// Add a plugin: an npm name, `name@version` or `file://path`.
    Add {
        /// Plugin spec.
        spec: String,
    },
    /// Remove a plugin by package name, spec or plugin file name.
    Remove {
        /// Package name, spec or file name.
        name: String,
    },
}

/// `openwork mcp ...`.
#[derive(Debug, clap::Subcommand)]
pub enum McpCommand {
    /// List MCP servers with their runtime status.
    List,
    /// Add (or replace) an MCP server: `--command ...` (local) or `--url` (remote).
    Add {
        /// Server name.
        name: String,
        /// Local server: command and arguments (after `--`).
        #[arg(long, num_args = 1.., allow_hyphen_values = true, conflicts_with_all = ["url", "config"])]
        command: Vec<String>,
        /// Remote server URL.
        #[arg(long, conflicts_with = "config")]
        url: Option<String>,
        /// Environment for a local server, `KEY=VALUE` (repeatable).
        #[arg(long = "env", value_name = "KEY=VALUE")]
        env: Vec<String>,
        /// Header for a remote server, `Name=Value` (repeatable).
        #[arg(long = "header", value_name = "NAME=VALUE")]
        headers: Vec<String>,
        /// Add it disabled.
        #[arg(long)]
        disabled: bool,
        /// The whole config as JSON instead of the flags above.
        #[arg(long, value_name = "JSON")]
        config: Option<String>,
    },
    /// Remove an MCP server.
    Remove {
        /// Server name.
        name: String,
    },
    /// Enable an MCP server.
    Enable {
        /// Server name.
        name: String,
    },
    /// Disable an MCP server.
    Disable {
        /// Server name.
        name: String,
    },
}

/// `openwork commands ...`.
#[derive(Debug, clap::Subcommand)]
pub enum CommandsCommand {
    /// List commands.
    List,
    /// Add (or replace) a command.
    Add {
        /// Command name.
        name: String,
        /// Prompt template (or use --file).
        #[arg(long, conflicts_with = "file")]
        template: Option<String>,
        /// Read the template from a file.
        #[arg(long)]
        file: Option<PathBuf>,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Agent to run it with.
        #[arg(long)]
        agent: Option<String>,
        /// Model (`provider/model`).
        #[arg(long)]
        model: Option<String>,
        /// Run as a subtask.
        #[arg(long)]
        subtask: bool,
    },
    /// Remove a command.
    Remove {
        /// Command name.
        name: String,
    },
}

/// `openwork approvals ...` (on the host machine, host token).
#[derive(Debug, clap::Subcommand)]
pub enum ApprovalsCommand {
    /// List writes waiting for approval.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Allow a pending write.
    Allow {
        /// Approval id (`apr_...`).
        id: String,
    },
    /// Deny a pending write.
    Deny {
        /// Approval id (`apr_...`).
        id: String,
    },
}

/// How to reach the workspace of the chosen remote.
enum Remote {
    OpenWork { http: reqwest::Client, base: String, token: String, workspace_id: String },
    OpenCode { http: reqwest::Client, base: String, directory: Option<String>, basic: Option<(String, String)> },
}

const DIRECT_READ_ONLY: &str = "read-only: connected directly to OpenCode (connect through an OpenWork host to change skills, plugins, MCP servers or commands)";

fn http() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder().timeout(Duration::from_secs(120)).connect_timeout(Duration::from_secs(5)).build()?)
}

fn resolve(target: &Target) -> Result<Remote> {
    let store = Store::open_default()?;
    let file = store.load()?;
    let entry = match &target.remote {
        Some(key) => file.find(key).with_context(|| format!("no saved workspace matches {key:?}"))?,
        None => file.active().context("no active workspace: run `openwork connect <url>` first")?,
    };
    if entry.workspace_type == WorkspaceType::Local {
        bail!("the active workspace {:?} is a local folder; these commands manage a remote workspace", entry.name);
    }
    let secrets = store.secrets(&entry.id)?.unwrap_or_default();
    match entry.remote_type.unwrap_or(RemoteType::Opencode) {
        RemoteType::Openwork => Ok(Remote::OpenWork {
            http: http()?,
            base: entry.openwork_host_url.clone().context("the saved OpenWork remote has no host URL")?,
            token: secrets.token.clone().context("no client token saved for this remote; run `openwork connect` again")?,
            workspace_id: entry.openwork_workspace_id.clone().context("the saved remote has no host workspace id")?,
        }),
        RemoteType::Opencode => Ok(Remote::OpenCode {
            http: http()?,
            base: entry.opencode_base_url.clone().context("the saved OpenCode remote has no URL")?,
            directory: entry.opencode_directory.clone(),
            basic: secrets.opencode_password.clone().map(|p| {
                (secrets.opencode_username.clone().unwrap_or_else(|| "opencode".into()), p)
            }),
        }),
    }
}

async fn answer(resp: reqwest::Response, what: &str) -> Result<Value> {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if !status.is_success() {
        let msg = body.get("message").and_then(Value::as_str).unwrap_or(text.trim());
        let code = body.get("code").and_then(Value::as_str).unwrap_or("error");
        bail!("{what}: {status} {code}: {msg}");
    }
    Ok(body)
}

impl Remote {
    /// A request to the host's workspace API (`/workspace/:id/<path>`).
    fn host(&self, method: reqwest::Method, path: &str) -> Result<reqwest::RequestBuilder> {
        match self {
            Remote::OpenWork { http, base, token, workspace_id } => {
                Ok(http.request(method, format!("{base}/workspace/{workspace_id}/{path}")).bearer_auth(token))
            }
            Remote::OpenCode { .. } => bail!("{DIRECT_READ_ONLY}"),
        }
    }

    async fn host_json(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        let mut req = self.host(method.clone(), path)?;
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.with_context(|| format!("could not reach the host ({method} {path})"))?;
        answer(resp, &format!("{method} {path}")).await
    }

    async fn opencode_get(&self, path: &str) -> Result<Value> {
        let Remote::OpenCode { http, base, directory, basic } = self else { unreachable!() };
        let mut req = http.get(format!("{base}{path}"));
        if let Some(d) = directory {
            req = req.query(&[("directory", d)]);
        }
        if let Some((u, p)) = basic {
            req = req.basic_auth(u, Some(p));
        }
        let resp = req.send().await.with_context(|| format!("could not reach OpenCode at {base}"))?;
        answer(resp, &format!("GET {path}")).await
    }

    /// Fails with the direct-OpenCode message when writes are impossible.
    fn writable(&self) -> Result<()> {
        if self.direct() {
            bail!("{DIRECT_READ_ONLY}");
        }
        Ok(())
    }

    fn direct(&self) -> bool {
        matches!(self, Remote::OpenCode { .. })
    }
}

fn print(json_out: bool, value: &Value, table: impl FnOnce(&Value)) {
    if json_out {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
    } else {
        table(value);
    }
}

fn items(v: &Value) -> Vec<Value> {
    v.get("items").and_then(Value::as_array).cloned().unwrap_or_default()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `openwork skills ...`.
pub async fn run_skills(args: SkillsArgs) -> Result<()> {
    let SkillsArgs { target, cmd } = args;
    let remote = resolve(&target)?;
    let out = match cmd {
        SkillsCommand::List { global } => {
            if remote.direct() {
                let list = remote.opencode_get("/skill").await?;
                let items: Vec<Value> = list
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|i| json!({"name": i["name"], "description": i["description"], "path": i["location"], "scope": "opencode"}))
                    .collect();
                json!({ "items": items })
            } else {
                remote.host_json(reqwest::Method::GET, &format!("skills?includeGlobal={global}"), None).await?
            }
        }
        SkillsCommand::Add { path, name, description } => {
            remote.writable()?;
            add_skill(&remote, &path, name, description).await?
        }
        SkillsCommand::Remove { name } => {
            remote.host_json(reqwest::Method::DELETE, &format!("skills/{}", enc(&name)), None).await?
        }
    };
    print(target.json, &out, |v| {
        if let Some(list) = v.get("items") {
            for i in list.as_array().into_iter().flatten() {
                println!("{:<32} {:<8} {}", s(i, "name"), s(i, "scope"), s(i, "description"));
            }
        } else if v.get("removed").is_some() {
            println!("removed skill {}", s(v, "name"));
        } else {
            println!("installed skill {} at {}", s(v, "name"), s(v, "path"));
        }
    });
    Ok(())
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

async fn add_skill(remote: &Remote, path: &Path, name: Option<String>, description: Option<String>) -> Result<Value> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (bytes, ct, default_name) = if meta.is_dir() {
        (pack_folder(path)?, "application/gzip", Some(file_name.clone()))
    } else if file_name.ends_with(".zip") {
        (std::fs::read(path)?, "application/zip", None)
    } else if file_name.ends_with(".tar.gz") || file_name.ends_with(".tgz") {
        (std::fs::read(path)?, "application/gzip", None)
    } else if file_name.ends_with(".tar") {
        (std::fs::read(path)?, "application/x-tar", None)
    } else {
        let content = std::fs::read_to_string(path).with_context(|| format!("{} is not UTF-8 text", path.display()))?;
        let fm_name = content
            .strip_prefix("---")
            .and_then(|rest| rest.lines().find_map(|l| l.strip_prefix("name:")))
            .map(|n| n.trim().trim_matches('"').trim_matches('\'').to_string());
        let parent = path
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().and_then(|d| d.file_name()).map(|n| n.to_string_lossy().into_owned()));
        let name = name.or(fm_name).or(parent).context("pass --name for this skill")?;
        let mut body = json!({ "name": name, "content": content });
        if let Some(d) = description {
            body["description"] = json!(d);
        }
        return remote.host_json(reqwest::Method::POST, "skills", Some(body)).await;
    };
    let name = name.or(default_name);
    let path_q = match &name {
        Some(n) => format!("skills/archive?name={}", enc(n)),
        None => "skills/archive".into(),
    };
    let resp = remote
        .host(reqwest::Method::POST, &path_q)?
        .header(reqwest::header::CONTENT_TYPE, ct)
        .body(bytes)
        .send()
        .await
        .context("could not reach the host")?;
    answer(resp, "POST skills/archive").await
}

/// A folder as `.tar.gz`, symlinks kept as links (the host refuses them).
fn pack_folder(dir: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
        let mut b = tar::Builder::new(gz);
        b.follow_symlinks(false);
        b.append_dir_all(".", dir).with_context(|| format!("could not pack {}", dir.display()))?;
        b.into_inner()?.finish()?;
    }
    Ok(out)
}

/// `openwork plugins ...`.
pub async fn run_plugins(args: PluginsArgs) -> Result<()> {
    let PluginsArgs { target, cmd } = args;
    let remote = resolve(&target)?;
    let out = match cmd {
        PluginsCommand::List if remote.direct() => {
            let cfg = remote.opencode_get("/config").await?;
            let items: Vec<Value> = cfg["plugin"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|p| json!({"spec": p.as_str().map(Value::from).unwrap_or(p.get(0).cloned().unwrap_or(Value::Null)), "source": "config", "scope": "opencode"}))
                .collect();
            json!({ "items": items })
        }
        PluginsCommand::List => remote.host_json(reqwest::Method::GET, "plugins", None).await?,
        PluginsCommand::Add { spec } => remote.host_json(reqwest::Method::POST, "plugins", Some(json!({ "spec": spec }))).await?,
        PluginsCommand::Remove { name } => {
            remote.host_json(reqwest::Method::DELETE, &format!("plugins/{}", enc(&name)), None).await?
        }
    };
    print(target.json, &out, |v| {
        for i in items(v) {
            println!("{:<40} {:<12} {}", s(&i, "spec"), s(&i, "source"), s(&i, "path"));
        }
    });
    Ok(())
}

fn pairs(list: &[String], what: &str) -> Result<serde_json::Map<String, Value>> {
    list.iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').with_context(|| format!("{what} {kv:?} is not NAME=VALUE"))?;
            Ok((k.to_string(), Value::String(v.to_string())))
        })
        .collect()
}

/// `openwork mcp ...`.
pub async fn run_mcp(args: McpArgs) -> Result<()> {
    let McpArgs { target, cmd } = args;
    let remote = resolve(&target)?;
    let out = match cmd {
        McpCommand::List if remote.direct() => {
            let cfg = remote.opencode_get("/config").await?;
            let status = remote.opencode_get("/mcp").await.unwrap_or(Value::Null);
            let mut items = Vec::new();
            if let Some(m) = cfg["mcp"].as_object() {
                for (name, config) in m {
                    items.push(json!({"name": name, "config": config, "source": "opencode", "status": status.get(name)}));
                }
            }
            json!({ "items": items })
        }
        McpCommand::List => remote.host_json(reqwest::Method::GET, "mcp", None).await?,
        McpCommand::Add { name, command, url, env, headers, disabled, config } => {
            let mut cfg = if let Some(c) = config {
                serde_json::from_str(&c).context("--config is not valid JSON")?
            } else if let Some(u) = url {
                let mut c = json!({ "type": "remote", "url": u });
                if !headers.is_empty() {
                    c["headers"] = Value::Object(pairs(&headers, "--header")?);
                }
                c
            } else if !command.is_empty() {
                let mut c = json!({ "type": "local", "command": command });
                if !env.is_empty() {
                    c["environment"] = Value::Object(pairs(&env, "--env")?);
                }
                c
            } else {
                bail!("give --command ... (local server), --url (remote server) or --config JSON");
            };
            if disabled {
                cfg["enabled"] = json!(false);
            }
            remote.host_json(reqwest::Method::POST, "mcp", Some(json!({ "name": name, "config": cfg }))).await?
        }
        McpCommand::Remove { name } => remote.host_json(reqwest::Method::DELETE, &format!("mcp/{}", enc(&name)), None).await?,
        McpCommand::Enable { name } => remote.host_json(reqwest::Method::POST, &format!("mcp/{}/enable", enc(&name)), None).await?,
        McpCommand::Disable { name } => {
            remote.host_json(reqwest::Method::POST, &format!("mcp/{}/disable", enc(&name)), None).await?
        }
    };
    print(target.json, &out, |v| {
        for i in items(v) {
            let status = i.get("status").and_then(|st| st.get("status")).and_then(Value::as_str).unwrap_or("-");
            let kind = i["config"]["type"].as_str().unwrap_or("?");
            let enabled = i["config"]["enabled"].as_bool().unwrap_or(true);
            println!("{:<24} {:<7} {:<10} {}", s(&i, "name"), kind, status, if enabled { "" } else { "(disabled)" });
        }
    });
    Ok(())
}

/// `openwork commands ...`.
pub async fn run_commands(args: CommandsArgs) -> Result<()> {
    let CommandsArgs { target, cmd } = args;
    let remote = resolve(&target)?;
    let out = match cmd {
        CommandsCommand::List if remote.direct() => {
            let list = remote.opencode_get("/command").await?;
            json!({ "items": list.as_array().cloned().unwrap_or_default() })
        }
        CommandsCommand::List => remote.host_json(reqwest::Method::GET, "commands", None).await?,
        CommandsCommand::Add { name, template, file, description, agent, model, subtask } => {
            remote.writable()?;
            let template = match (template, file) {
                (Some(t), _) => t,
                (None, Some(f)) => std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?,
                (None, None) => bail!("give --template TEXT or --file PATH"),
            };
            let mut body = json!({ "name": name, "template": template });
            for (k, v) in [("description", description), ("agent", agent), ("model", model)] {
                if let Some(v) = v {
                    body[k] = json!(v);
                }
            }
            if subtask {
                body["subtask"] = json!(true);
            }
            remote.host_json(reqwest::Method::POST, "commands", Some(body)).await?
        }
        CommandsCommand::Remove { name } => {
            remote.host_json(reqwest::Method::DELETE, &format!("commands/{}", enc(&name)), None).await?
        }
    };
    print(target.json, &out, |v| {
        if v.get("ok").is_some() {
            println!("removed");
        }
        for i in items(v) {
            println!("{:<24} {}", s(&i, "name"), s(&i, "description"));
        }
    });
    Ok(())
}

/// `openwork approvals ...` against the host running on this machine.
pub async fn run_approvals(cmd: ApprovalsCommand) -> Result<()> {
    let host = LocalHost::find()?.context("no OpenWork host is running on this machine")?;
    match cmd {
        ApprovalsCommand::List { json } => {
            let v = host.get_host("/approvals").await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                let list = items(&v);
                if list.is_empty() {
                    println!("no pending approvals");
                }
                for i in list {
                    println!("{}  {:<16} {}", s(&i, "id"), s(&i, "action"), s(&i, "summary"));
                    // The change itself, indented, so the approver reads what runs.
                    if let Some(change) = i["change"].as_str() {
                        for line in change.lines() {
                            println!("    {line}");
                        }
                    }
                }
            }
        }
        ApprovalsCommand::Allow { id } => reply(&host, &id, "allow").await?,
        ApprovalsCommand::Deny { id } => reply(&host, &id, "deny").await?,
    }
    Ok(())
}

async fn reply(host: &LocalHost, id: &str, reply: &str) -> Result<()> {
    host.post_host_json(&format!("/approvals/{}", enc(id)), &json!({ "reply": reply })).await?;
    println!("{} {id}", if reply == "allow" { "allowed" } else { "denied" });
    Ok(())
}
