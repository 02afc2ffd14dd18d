//! Client-side commands: `openwork connect`, `openwork workspace ...`, and the
//! remote part of `openwork status`. The work is done by `openwork-client`;
//! this module parses arguments and prints.
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use openwork_client::opencode::DEFAULT_OPENCODE_USERNAME;
use openwork_client::{
    connect, Connected, Handshake, HandshakeError, HandshakeOptions, LocalHost, Secrets, Store, WorkspaceEntry,
    WorkspaceType,
};
use serde_json::json;

/// Arguments of `openwork connect`.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  openwork connect -        # paste a pairing link (`openwork pair`); a link typed
                            # as an argument is readable by other local users
                            # in the process list until it is used
  openwork connect 192.168.1.20:8787 --token abc123      # an OpenWork host
  openwork connect http://127.0.0.1:4096 --direct         # an OpenCode server
  openwork connect http://box:4096 --opencode-password pw --directory /srv/app

The URL is tried as an OpenWork host first (GET /health). If it is not one
(404, not JSON, nothing listening), it is tried as a direct OpenCode server.
A host that rejects the token is reported as such; there is no fallback then.
On success the workspace is saved (same server = same entry) and made active.")]
pub struct ConnectArgs {
    /// URL of an OpenWork host or an OpenCode server, or a pairing link;
    /// `http://` is assumed when no scheme is given. `-` reads it from
    /// standard input.
    pub url: String,
    /// OpenWork client token (sent as `Authorization: Bearer`). Stored in a 0600 file.
    #[arg(long, env = "OPENWORK_TOKEN", hide_env_values = true, allow_hyphen_values = true)]
    pub token: Option<String>,
    /// Skip the OpenWork check: the URL is an OpenCode server.
    #[arg(long)]
    pub direct: bool,
    /// Workspace directory on a direct OpenCode server (default: the directory it was started in).
    #[arg(long, value_name = "DIR")]
    pub directory: Option<String>,
    /// Display name for the saved workspace (default: the host's workspace name or the folder name).
    #[arg(long)]
    pub name: Option<String>,
    /// Password of an OpenCode server started with OPENCODE_SERVER_PASSWORD (HTTP Basic auth).
    #[arg(long, env = "OPENCODE_SERVER_PASSWORD", hide_env_values = true, allow_hyphen_values = true)]
    pub opencode_password: Option<String>,
    /// User name for --opencode-password.
    #[arg(long, env = "OPENCODE_SERVER_USERNAME", default_value = DEFAULT_OPENCODE_USERNAME)]
    pub opencode_username: String,
    /// Bound on each health request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    pub health_timeout_ms: u64,
    /// Bound on each other request (workspaces, sessions), in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Stay connected: print host events (workspace switches, engine state,
    /// configuration changes) and follow the host when it switches workspace.
    /// Ctrl-C ends it.
    #[arg(long)]
    pub watch: bool,
}

impl std::fmt::Debug for ConnectArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectArgs")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("direct", &self.direct)
            .field("directory", &self.directory)
            .field("name", &self.name)
            .field("opencode_password", &self.opencode_password.as_ref().map(|_| "<redacted>"))
            .field("opencode_username", &self.opencode_username)
            .field("json", &self.json)
            .finish()
    }
}

/// `openwork workspace ...`: the saved workspaces.
#[derive(Debug, clap::Subcommand)]
pub enum WorkspaceCommand {
    /// List saved workspaces. The active one is marked with `*`.
    List {
        /// Print as JSON (never includes tokens or passwords).
        #[arg(long)]
        json: bool,
    },
    /// Make a saved workspace active.
    Use {
        /// Id, unique id prefix, or name.
        workspace: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Forget a saved workspace (and its stored token or password).
    Remove {
        /// Id, unique id prefix, or name.
        workspace: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change the display name of a saved workspace.
    Rename {
        /// Id, unique id prefix, or name.
        workspace: String,
        /// New display name.
        name: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Merge a workspace file into the saved workspaces: the desktop app's
    /// `openwork-workspaces.json` (versions 1-3) or another OpenWork store.
    /// Entries already saved keep their names; nothing is removed.
    Import {
        /// The file to import.
        path: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// On the host machine: make the running host expose another folder.
    /// OpenCode keeps running and tokens stay; paired clients follow.
    Switch {
        /// The folder to expose.
        dir: PathBuf,
    },
}

/// `openwork connect`: handshake, prove the OpenCode path with a session
/// listing, then save the workspace and make it active.
pub async fn run_connect(mut args: ConnectArgs) -> anyhow::Result<()> {
    if args.url == "-" {
        if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            eprintln!("Paste the pairing link (or URL) and press Enter:");
        }
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("could not read the URL from standard input")?;
        args.url = line.trim().to_string();
        anyhow::ensure!(!args.url.is_empty(), "no URL on standard input");
    }
    // A pairing link: this device gets its own token once, then connects.
    if let Some((base, code)) = openwork_client::pairing::parse_link(&args.url) {
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_millis(args.request_timeout_ms)).build()?;
        let label = hostname().map(|h| format!("openwork connect on {h}"));
        let issued = openwork_client::pairing::exchange(&http, &base, &code, label)
            .await
            .with_context(|| format!("could not pair with {base}"))?;
        eprintln!("Paired: this device has its own {} token ({}).", issued.scope.name(), issued.id);
        args.url = base;
        args.token = Some(issued.token);
    }
    let opts = HandshakeOptions {
        token: args.token.clone().filter(|t| !t.is_empty()),
        direct: args.direct,
        directory: args.directory.clone(),
        opencode_password: args.opencode_password.clone().filter(|p| !p.is_empty()),
        opencode_username: Some(args.opencode_username.clone()),
        health_timeout: Duration::from_millis(args.health_timeout_ms),
        request_timeout: Duration::from_millis(args.request_timeout_ms),
    };
    let connected = connect(&args.url, &opts).await.with_context(|| format!("could not connect to {}", args.url))?;
    let store = Store::open_default().context("opening the workspace store")?;
    let (c, o, name) = (connected.clone(), opts.clone(), args.name.clone());
    let saved = blocking(move || store.save_connected(&c, &o, name)).await.context("saving the workspace")?.entry;

    if args.json {
        let mut v = connected_json(&connected);
        v["workspace"] = serde_json::to_value(&saved)?;
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    print_connected(&connected);
    println!("Saved as {} \"{}\" (active)", saved.id, saved.name);
    if args.watch {
        let Handshake::OpenWork { host, .. } = &connected.handshake else {
            anyhow::bail!("--watch needs an OpenWork host; this is a plain OpenCode server");
        };
        let store = Store::open_default().context("opening the workspace store")?;
        let token = opts.token.clone().unwrap_or_default();
        tokio::select! {
            r = watch_host(&store, &host.url, &token, saved.id.clone(), &opts) => r?,
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    Ok(())
}

/// Print host events as lines until the subscription fails for good;
/// follow workspace switches by updating the stored remote.
async fn watch_host(
    store: &Store,
    host_url: &str,
    token: &str,
    mut current_id: String,
    opts: &HandshakeOptions,
) -> anyhow::Result<()> {
    use openwork_client::{adopt_switch, follow_switch, EventItem, HostEvents, SwitchedTo};
    let mut events = HostEvents::new(host_url, token, None)?;
    let mut connected_once = false;
    loop {
        match events.next().await? {
            EventItem::Connected => {
                if connected_once {
                    println!("Reconnected (resuming after event {})", events.last_event_id().unwrap_or(0));
                } else {
                    println!("Watching {host_url} for events (Ctrl-C to stop)");
                }
                connected_once = true;
            }
            EventItem::Reconnecting { attempt, delay, error } => {
                println!("Reconnecting… (attempt {attempt}, in {} ms: {error})", delay.as_millis());
            }
            EventItem::Event(ev) => match ev.kind.as_str() {
                "workspace.switched" => {
                    let to = &ev.properties["to"];
                    println!(
                        "Host switched workspace to \"{}\" ({})",
                        to["name"].as_str().unwrap_or("?"),
                        to["path"].as_str().unwrap_or("?")
                    );
                    // Store the new workspace from the event at once, then prove it.
                    if let Ok(to) = serde_json::from_value::<SwitchedTo>(to.clone()) {
                        match adopt_switch(store, &current_id, &to).await {
                            Ok(Some(entry)) => {
                                println!("Following \"{}\" (stored)", entry.name);
                                current_id = entry.id;
                            }
                            Ok(None) => {}
                            Err(e) => println!("Could not store the switch: {e}"),
                        }
                    }
                    match follow_switch(store, &current_id, host_url, opts).await {
                        Ok((entry, c)) => {
                            println!(
                                "Reconnected to \"{}\" · {} session{}",
                                entry.name,
                                c.session_count,
                                if c.session_count == 1 { "" } else { "s" }
                            );
                            current_id = entry.id;
                        }
                        Err(e) => println!("Could not follow the switch: {e}"),
                    }
                }
                "engine.state" => println!(
                    "Engine: {}{}",
                    ev.properties["state"].as_str().unwrap_or("?"),
                    ev.properties["lastError"].as_str().map(|e| format!(" ({e})")).unwrap_or_default()
                ),
                "config.changed" => println!("Configuration changed: {}", ev.properties["paths"]),
                other => println!("Event: {other} {}", ev.properties),
            },
        }
    }
}

/// `openwork workspace list|use|remove|rename|import`.
pub async fn run_workspace(cmd: WorkspaceCommand) -> anyhow::Result<()> {
    let store = Store::open_default().context("opening the workspace store")?;
    match cmd {
        WorkspaceCommand::List { json } => {
            let file = blocking(move || store.load()).await.context("reading the workspace store")?;
            if json {
                let items: Vec<_> = file
                    .workspaces
                    .iter()
                    .map(|w| {
                        let mut v = serde_json::to_value(w).expect("entry serializes");
                        v["active"] = json!(file.active_id.as_deref() == Some(w.id.as_str()));
                        v
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&json!({"activeId": file.active_id, "workspaces": items}))?);
                return Ok(());
            }
            if file.workspaces.is_empty() {
                println!("No saved workspaces. Add one with `openwork connect URL`.");
                return Ok(());
            }
            for w in &file.workspaces {
                let mark = if file.active_id.as_deref() == Some(w.id.as_str()) { "*" } else { " " };
                println!("{mark} {:<10} {}", w.badge(), w.primary_line());
                println!("  {:<10} {}  ({}, {})", "", w.secondary_line(), w.name, w.id);
            }
            Ok(())
        }
        WorkspaceCommand::Use { workspace, json } => {
            let key = workspace.clone();
            let chosen = blocking(move || {
                store.update(move |ws, _| {
                    let id = ws.find(&key).map(|w| w.id.clone())?;
                    ws.active_id = Some(id.clone());
                    ws.get(&id).cloned()
                })
            })
            .await
            .context("updating the workspace store")?
            .with_context(|| format!("no saved workspace matches `{workspace}` (see `openwork workspace list`)"))?;
            print_entry_result("Active", &chosen, json)
        }
        WorkspaceCommand::Remove { workspace, json } => {
            let key = workspace.clone();
            let removed = blocking(move || {
                store.update(move |ws, tokens| {
                    let id = ws.find(&key).map(|w| w.id.clone())?;
                    tokens.set(&id, Secrets::default());
                    ws.remove(&id)
                })
            })
            .await
            .context("updating the workspace store")?
            .with_context(|| format!("no saved workspace matches `{workspace}` (see `openwork workspace list`)"))?;
            print_entry_result("Removed", &removed, json)
        }
        WorkspaceCommand::Rename { workspace, name, json } => {
            let key = workspace.clone();
            let renamed = blocking(move || {
                store.update(move |ws, _| {
                    let id = ws.find(&key).map(|w| w.id.clone())?;
                    let e = ws.workspaces.iter_mut().find(|w| w.id == id)?;
                    e.name = name;
                    e.updated_at = openwork_client::model::now_ms();
                    Some(e.clone())
                })
            })
            .await
            .context("updating the workspace store")?
            .with_context(|| format!("no saved workspace matches `{workspace}` (see `openwork workspace list`)"))?;
            print_entry_result("Renamed", &renamed, json)
        }
        WorkspaceCommand::Switch { dir } => {
            let dir = dir.canonicalize().with_context(|| format!("{} does not exist", dir.display()))?;
            let path = dir.to_str().with_context(|| format!("{} is not UTF-8", dir.display()))?;
            let host = LocalHost::find()?
                .context("no OpenWork host is running on this machine (start one with `openwork host`)")?;
            let w = host.switch_workspace(path).await?;
            println!("Host now exposes {} ({}); connected clients follow.", w.path, w.id);
            Ok(())
        }
        WorkspaceCommand::Import { path, json } => {
            let shown = path.display().to_string();
            let report = blocking(move || store.import(&path)).await.with_context(|| format!("importing {shown}"))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "inserted": report.inserted, "updated": report.updated,
                        "activated": report.activated, "warnings": report.warnings,
                    }))?
                );
            } else {
                println!("Imported {shown}: {} new, {} already saved", report.inserted, report.updated);
                for w in &report.warnings {
                    println!("  warning: {w}");
                }
                if report.activated {
                    println!("  its active workspace is now active");
                }
            }
            Ok(())
        }
    }
}

/// Print the active workspace and whether it can be reached now (re-runs a
/// quick handshake and session listing with the stored credentials).
///
/// With `json`, nothing is printed and the report is returned instead (the
/// connection state is a field). Without, returns an error (after printing)
/// when the active remote is not reachable, so scripts can test the exit status.
pub async fn remote_status(json: bool) -> anyhow::Result<Option<serde_json::Value>> {
    let store = Store::open_default().context("opening the workspace store")?;
    let (file, store) = blocking(move || store.load().map(|f| (f, store))).await.context("reading the workspace store")?;
    let Some(active) = file.active().cloned() else {
        if json {
            return Ok(Some(json!({"active": null, "state": "none"})));
        } else {
            println!("No active workspace. Connect with `openwork connect URL`.");
        }
        return Ok(None);
    };
    if active.workspace_type == WorkspaceType::Local {
        if json {
            return Ok(Some(json!({"active": active, "state": "local"})));
        } else {
            println!("{} {}  ({})", active.badge(), active.primary_line(), active.name);
        }
        return Ok(None);
    }
    let id = active.id.clone();
    let secrets = blocking(move || store.secrets(&id)).await.context("reading stored credentials")?.unwrap_or_default();
    let (url, opts) = HandshakeOptions::for_saved(&active, &secrets)
        .with_context(|| format!("saved workspace {} has no URL to check", active.id))?;
    let result = connect(&url, &opts).await;
    let (state, message) = match &result {
        Ok(_) => ("connected", None),
        Err(e) => (state_name(e), Some(e.to_string())),
    };
    let moved = match &result {
        Ok(Connected { handshake: Handshake::OpenWork { host, .. }, .. }) => {
            (active.openwork_workspace_id.as_deref() != Some(host.workspace_id.as_str())).then(|| host.workspace_name.clone())
        }
        _ => None,
    };
    if json {
        let mut v = json!({"active": active, "state": state, "message": message, "hostWorkspaceChanged": moved});
        if let Ok(c) = &result {
            v["connection"] = connected_json(c);
        }
        return Ok(Some(v));
    } else {
        println!("{} {}", active.badge(), active.primary_line());
        println!("  {}  ({}, {})", active.secondary_line(), active.name, active.id);
        match &result {
            Ok(c) => {
                let version = match &c.handshake {
                    Handshake::OpenWork { host, .. } => format!("OpenWork {}", host.version),
                    Handshake::OpenCode { version, .. } => format!("OpenCode {version}"),
                };
                println!(
                    "  State: connected ({version}, {} session{}, {} ms)",
                    c.session_count,
                    if c.session_count == 1 { "" } else { "s" },
                    c.elapsed.as_millis()
                );
                if let Some(name) = &moved {
                    println!("  Note: the host now serves workspace \"{name}\"; run `openwork connect {url}` to follow it");
                }
            }
            Err(e) => println!("  State: {state}: {e}"),
        }
    }
    match result {
        Ok(_) => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("active workspace {} is not reachable", active.id))),
    }
}

/// A connect result as JSON (no secrets).
fn connected_json(c: &Connected) -> serde_json::Value {
    match &c.handshake {
        Handshake::OpenWork { host, opencode } => json!({
            "remoteType": "openwork",
            "hostUrl": host.url,
            "hostVersion": host.version,
            "workspaceId": host.workspace_id,
            "workspaceName": host.workspace_name,
            "opencodeBaseUrl": opencode.base_url,
            "directory": opencode.directory,
            "sessions": c.session_count,
            "elapsedMs": c.elapsed.as_millis() as u64,
        }),
        Handshake::OpenCode { opencode, version, not_openwork } => json!({
            "remoteType": "opencode",
            "opencodeBaseUrl": opencode.base_url,
            "opencodeVersion": version,
            "directory": opencode.directory,
            "notOpenWork": not_openwork.as_ref().map(|r| r.to_string()),
            "sessions": c.session_count,
            "elapsedMs": c.elapsed.as_millis() as u64,
        }),
    }
}

/// Human output of a successful connect.
fn print_connected(c: &Connected) {
    match &c.handshake {
        Handshake::OpenWork { host, opencode } => {
            println!("Connected · OpenWork");
            println!("  Host:       {}  (OpenWork {})", host.url, host.version);
            println!("  Workspace:  {}  ({})", host.workspace_name, host.workspace_id);
            println!("  Directory:  {}", opencode.directory);
            println!("  OpenCode:   {}", opencode.base_url);
        }
        Handshake::OpenCode { opencode, version, not_openwork } => {
            println!("Connected via OpenCode (not OpenWork)");
            println!("  Base URL:   {}  (OpenCode {version})", opencode.base_url);
            println!("  Directory:  {}", opencode.directory);
            if let Some(why) = not_openwork {
                println!("  Why direct: {why}");
            }
        }
    }
    println!("  Sessions:   {}", c.session_count);
}

/// Print one entry after `use`/`remove`/`rename`.
fn print_entry_result(verb: &str, entry: &WorkspaceEntry, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&json!({"result": verb.to_lowercase(), "workspace": entry}))?);
    } else {
        println!("{verb}: {} {}  \"{}\" ({})", entry.badge(), entry.primary_line(), entry.name, entry.id);
    }
    Ok(())
}

/// Short state name for an error, for `status --json`.
fn state_name(e: &HandshakeError) -> &'static str {
    match e {
        HandshakeError::AuthFailed { .. } => "auth_failed",
        HandshakeError::OpencodeNeedsPassword { .. } => "needs_password",
        HandshakeError::OpencodeWrongPassword { .. } => "wrong_password",
        HandshakeError::Unreachable { .. } => "unreachable",
        HandshakeError::NotRecognised { .. } => "not_recognised",
        HandshakeError::InvalidUrl(_) | HandshakeError::Protocol { .. } => "error",
    }
}

/// Run blocking store I/O (file locks may wait) off the async worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("store task panicked")
}

/// This machine's name, for the label of a token it pairs for.
fn hostname() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname").ok().map(|h| h.trim().to_string()).filter(|h| !h.is_empty())
}
