//! `openwork skills|plugins|mcp|commands ...` against the active remote, and
//! `openwork approvals ...` on the host machine.
//!
//! An OpenWork remote is managed through the host's API
//! (`/workspace/:id/...`, client token). A direct OpenCode remote can only be
//! listed (OpenCode's `/skill`, `/config`, `/mcp`, `/command`); writes say
//! "read-only: connected directly to OpenCode". The requests are
//! `openwork_client::Extensions`'; this module parses and prints.
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use openwork_client::extensions::{AddCommand, AddMcp, AddPlugin, AddSkill, ApprovalReply, ArchiveKind};
use openwork_client::{Extensions, HostExtensions, LocalHost, SavedRemote, SavedRemoteError, Store};
use serde_json::{json, Value};

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

/// The extensions of the chosen saved remote (`--remote`, else the active one).
fn resolve(target: &Target) -> Result<Extensions> {
    let store = Store::open_default()?;
    let (entry, secrets) = match &target.remote {
        Some(key) => store.entry_with_secrets(Some(key))?.with_context(|| format!("no saved workspace matches {key:?}"))?,
        None => store.entry_with_secrets(None)?.context("no active workspace: run `openwork connect <url>` first")?,
    };
    let remote = match SavedRemote::of(&entry, secrets) {
        Ok(r) => r,
        Err(SavedRemoteError::Local(name)) => {
            bail!("the active workspace {name:?} is a local folder; these commands manage a remote workspace")
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Extensions::for_remote(&remote)?)
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
    let ext = resolve(&target)?;
    let out = match cmd {
        SkillsCommand::List { global } => match &ext {
            Extensions::Direct(direct) => direct.skills().await?,
            Extensions::Host(host) => host.skills(global).await?,
        },
        SkillsCommand::Add { path, name, description } => add_skill(ext.host()?, &path, name, description).await?,
        SkillsCommand::Remove { name } => ext.host()?.remove_skill(&name).await?,
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

/// Install a skill from a `SKILL.md` (or any .md), a folder (packed as
/// .tar.gz, its name the default) or an archive.
async fn add_skill(host: &HostExtensions, path: &Path, name: Option<String>, description: Option<String>) -> Result<Value> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (bytes, kind, default_name) = if meta.is_dir() {
        (pack_folder(path)?, ArchiveKind::TarGz, Some(file_name.clone()))
    } else if file_name.ends_with(".zip") {
        (std::fs::read(path)?, ArchiveKind::Zip, None)
    } else if file_name.ends_with(".tar.gz") || file_name.ends_with(".tgz") {
        (std::fs::read(path)?, ArchiveKind::TarGz, None)
    } else if file_name.ends_with(".tar") {
        (std::fs::read(path)?, ArchiveKind::Tar, None)
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
        return Ok(host.add_skill(&AddSkill { name, content, description }).await?);
    };
    Ok(host.add_skill_archive(bytes, kind, name.or(default_name).as_deref()).await?)
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
    let ext = resolve(&target)?;
    let out = match cmd {
        PluginsCommand::List => match &ext {
            Extensions::Direct(direct) => direct.plugins().await?,
            Extensions::Host(host) => host.plugins().await?,
        },
        PluginsCommand::Add { spec } => ext.host()?.add_plugin(&AddPlugin { spec }).await?,
        PluginsCommand::Remove { name } => ext.host()?.remove_plugin(&name).await?,
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
    let ext = resolve(&target)?;
    let out = match cmd {
        McpCommand::List => match &ext {
            Extensions::Direct(direct) => direct.mcp().await?,
            Extensions::Host(host) => host.mcp().await?,
        },
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
            ext.host()?.add_mcp(&AddMcp { name, config: cfg }).await?
        }
        McpCommand::Remove { name } => ext.host()?.remove_mcp(&name).await?,
        McpCommand::Enable { name } => ext.host()?.set_mcp_enabled(&name, true).await?,
        McpCommand::Disable { name } => ext.host()?.set_mcp_enabled(&name, false).await?,
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
    let ext = resolve(&target)?;
    let out = match cmd {
        CommandsCommand::List => match &ext {
            Extensions::Direct(direct) => direct.commands().await?,
            Extensions::Host(host) => host.commands().await?,
        },
        CommandsCommand::Add { name, template, file, description, agent, model, subtask } => {
            let host = ext.host()?;
            let template = match (template, file) {
                (Some(t), _) => t,
                (None, Some(f)) => std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?,
                (None, None) => bail!("give --template TEXT or --file PATH"),
            };
            let subtask = subtask.then_some(true);
            host.add_command(&AddCommand { name, template, description, agent, model, subtask }).await?
        }
        CommandsCommand::Remove { name } => ext.host()?.remove_command(&name).await?,
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
            let v = host.approvals().await?;
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
    host.reply_approval(id, &ApprovalReply { reply: reply.to_string() }).await?;
    println!("{} {id}", if reply == "allow" { "allowed" } else { "denied" });
    Ok(())
}
