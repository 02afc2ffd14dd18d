//! `openwork host`.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use openwork_host::engine::{Liveness, RestartPolicy};
use openwork_host::extensions::ApprovalMode;
use openwork_host::host::{HostConfig, RunningHost};
use openwork_host::server::ServerOptions;
use openwork_host::tokens::mask;
use serde_json::json;

use crate::logging::{self, LogFormat};
use crate::stop::StopSignal;

/// Host a workspace folder for remote OpenWork clients.
///
/// Starts `opencode serve` on 127.0.0.1 with a generated password, waits until
/// it answers, restarts it with backoff if it dies, and serves the OpenWork API
/// (default http://127.0.0.1:8787). Prints the pairing URL, the client token
/// (masked) and a QR code once ready. Ctrl-C or SIGTERM stops everything.
///
/// Tokens are created on first run in the config dir (tokens.json, mode 0600)
/// and reused, so paired clients keep working across restarts.
#[derive(Debug, clap::Args)]
pub struct HostArgs {
    /// Folder to expose (the agent works here). Default: the folder this host
    /// served last (`openwork workspace switch` changes it), else the current one.
    #[arg(long, short = 'w')]
    workspace: Option<PathBuf>,
    /// Port of the OpenWork API; 0 picks a free one. A taken port is an error.
    #[arg(long, short = 'p', default_value_t = 8787)]
    port: u16,
    /// Listen on all interfaces (0.0.0.0) so other devices can connect.
    /// Plain HTTP: use it on a trusted network or behind TLS (see SECURITY.md).
    #[arg(long)]
    remote_access: bool,
    /// Host name (optionally with scheme) clients should use in URLs, e.g.
    /// `box.tailnet.ts.net:8787` or `https://openwork.example`.
    #[arg(long, value_name = "HOST")]
    connect_host: Option<String>,
    /// Path of the `opencode` binary (else $OPENCODE_BIN, $PATH, `openwork engine install`).
    #[arg(long, value_name = "PATH")]
    opencode_bin: Option<PathBuf>,
    /// If OpenCode is not found, install the tested version with npm into
    /// OpenWork's data dir first (same as `openwork engine install`).
    #[arg(long)]
    install_engine: bool,
    /// Client token for this run (not stored). Default: the stored one.
    /// Tokens (also in the token file) need 128 bits of estimated entropy:
    /// make one with `openssl rand -base64 32`.
    #[arg(long, env = "OPENWORK_TOKEN", hide_env_values = true, allow_hyphen_values = true)]
    token: Option<String>,
    /// Host token for this run (not stored). Default: the stored one.
    /// Also 128 bits or more.
    #[arg(long, env = "OPENWORK_HOST_TOKEN", hide_env_values = true, allow_hyphen_values = true)]
    host_token: Option<String>,
    /// Print the client token in full.
    #[arg(long)]
    show_token: bool,
    /// Print one JSON line when ready instead of the human-readable banner.
    #[arg(long)]
    json: bool,
    /// Refuse every write: the extension API, and everything but reads through
    /// the /opencode proxy (no prompts, shell, terminals, config; SECURITY.md).
    #[arg(long)]
    read_only: bool,
    /// Writes to skills, plugins, MCP, commands and config (also config
    /// changes through the /opencode proxy): `auto` applies them, `manual`
    /// waits for `openwork approvals allow|deny` on this machine.
    #[arg(long, value_enum, default_value_t = ApprovalArg::Auto)]
    approval: ApprovalArg,
    /// How long a write waits for approval before it is denied, in ms.
    #[arg(long, default_value_t = 30_000, value_name = "MS")]
    approval_timeout: u64,
    /// Allow these browser origins (comma-separated) via CORS.
    #[arg(long, value_delimiter = ',', value_name = "ORIGINS")]
    cors: Vec<String>,
    /// Seconds to wait for OpenCode to answer before giving up.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    engine_start_timeout: u64,
    /// Unexpected engine exits in a row before the engine is marked failed.
    #[arg(long, default_value_t = 5, value_name = "N")]
    max_restarts: u32,
    /// First restart delay in ms (doubles up to --restart-backoff-max-ms).
    #[arg(long, default_value_t = 500, value_name = "MS", hide = true)]
    restart_backoff_ms: u64,
    /// Largest restart delay in ms.
    #[arg(long, default_value_t = 30_000, value_name = "MS", hide = true)]
    restart_backoff_max_ms: u64,
    /// Seconds between SIGTERM and SIGKILL when stopping the engine.
    #[arg(long, default_value_t = 5, value_name = "SECS")]
    stop_grace: u64,
    /// Time between health checks of the running engine, in ms.
    #[arg(long, default_value_t = 2_000, value_name = "MS", hide = true)]
    liveness_interval_ms: u64,
    /// A health check unanswered for this long is a miss, in ms.
    #[arg(long, default_value_t = 3_000, value_name = "MS", hide = true)]
    liveness_timeout_ms: u64,
    /// Misses in a row after which the engine is unresponsive and restarted.
    #[arg(long, default_value_t = 3, value_name = "N", hide = true)]
    liveness_misses: u32,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
    /// More logging (also RUST_LOG=...).
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// `--approval` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ApprovalArg {
    /// Apply writes at once.
    Auto,
    /// Wait for the host to allow or deny each write.
    Manual,
}

impl HostArgs {
    fn config(&self) -> HostConfig {
        let ip = if self.remote_access {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        };
        let workspace = self
            .workspace
            .clone()
            .or_else(openwork_host::host::remembered_workspace)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut cfg = HostConfig::new(workspace);
        cfg.bind = SocketAddr::new(ip, self.port);
        cfg.connect_host = self.connect_host.clone();
        cfg.engine = openwork_host::host::EngineSource::Spawn { bin: self.opencode_bin.clone() };
        cfg.client_token = self.token.clone();
        cfg.host_token = self.host_token.clone();
        cfg.start_timeout = Duration::from_secs(self.engine_start_timeout.max(1));
        cfg.stop_grace = Duration::from_secs(self.stop_grace);
        cfg.liveness = Liveness {
            interval: Duration::from_millis(self.liveness_interval_ms.max(10)),
            timeout: Duration::from_millis(self.liveness_timeout_ms.max(10)),
            misses: self.liveness_misses.max(1),
        };
        cfg.restart_policy = RestartPolicy {
            initial: Duration::from_millis(self.restart_backoff_ms.max(1)),
            max: Duration::from_millis(self.restart_backoff_max_ms.max(self.restart_backoff_ms).max(1)),
            max_consecutive_failures: self.max_restarts.max(1),
            ..RestartPolicy::default()
        };
        cfg.server = ServerOptions {
            read_only: self.read_only,
            connect_host: self.connect_host.clone(),
            cors_origins: self.cors.clone(),
            approval: match self.approval {
                ApprovalArg::Auto => ApprovalMode::Auto,
                ApprovalArg::Manual => ApprovalMode::Manual,
            },
            approval_timeout: Duration::from_millis(self.approval_timeout),
            ..ServerOptions::default()
        };
        cfg
    }
}

/// Run a host until Ctrl-C / SIGTERM.
pub async fn run(args: HostArgs) -> Result<()> {
    logging::init(args.log_format, args.verbose);
    // Listen for Ctrl-C / SIGTERM before anything starts, so a signal at any
    // moment (even right after the ready line) stops everything cleanly.
    let mut stop = StopSignal::install()?;
    if args.install_engine {
        ensure_engine(args.opencode_bin.as_deref()).await?;
    }
    let host = tokio::select! {
        host = RunningHost::start(args.config()) => host?,
        _ = stop.recv() => anyhow::bail!("interrupted while starting; the engine was stopped"),
    };
    let client = host.tokens.client();
    let engine = host.engine.status();
    if args.json {
        let mut line = json!({
            "event": "ready",
            "localUrl": host.local_url,
            "pairingUrl": host.pairing_url,
            "clientTokenMasked": mask(&client),
            "tokenFile": host.token_file,
            "workspace": { "id": host.workspace.id, "name": host.workspace.name, "path": host.workspace.directory },
            "engine": { "pid": engine.pid, "port": engine.port, "version": engine.version, "state": engine.state },
            "readyMs": host.ready_after.as_millis() as u64,
        });
        if args.show_token {
            line["clientToken"] = json!(client);
        }
        println!("{line}");
    } else {
        let loopback_only = !args.remote_access && args.connect_host.is_none();
        print_banner(&host, &client, args.show_token, loopback_only);
    }
    stop.recv().await;
    eprintln!("Stopping OpenWork host…");
    host.shutdown().await;
    Ok(())
}

fn print_banner(host: &RunningHost, client: &str, show_token: bool, loopback_only: bool) {
    let engine = host.engine.status();
    let token_shown = if show_token { client.to_string() } else { format!("{}  (--show-token to reveal)", mask(client)) };
    println!(
        "OpenWork host ready in {:.2} s · OpenCode {} (pid {})",
        host.ready_after.as_secs_f64(),
        engine.version.as_deref().unwrap_or("?"),
        engine.pid.map(|p| p.to_string()).unwrap_or_else(|| "?".into()),
    );
    if let Some(w) = &host.version_warning {
        println!("  warning: {w}");
    }
    println!("  Workspace:    {} ({})", host.workspace.directory, host.workspace.id);
    println!("  Pairing URL:  {}", host.pairing_url);
    println!("  Client token: {token_shown}");
    println!(
        "  Host token:   in {} (for `openwork token rotate`, approvals, switching)",
        host.token_file.display()
    );
    if let Some(log) = &host.engine_log {
        println!("  Engine log:   {}", log.display());
    }
    println!("Pair a device: `openwork pair` (a one-time link and QR code; the device gets its own token)");
    if loopback_only {
        println!(
            "  Only this machine can reach {}: for a phone or another computer, restart with \
             `--remote-access` (listens on all interfaces; plain HTTP, read SECURITY.md) or put a \
             tunnel/TLS proxy in front and pass `--connect-host NAME`.",
            host.local_url
        );
    }
    println!("Try it: curl -H \"Authorization: Bearer $(openwork token show --only client)\" {}/workspaces", host.local_url);
    println!("Press Ctrl-C to stop.");
}


/// Install the tested OpenCode when no binary can be found.
async fn ensure_engine(flag: Option<&std::path::Path>) -> Result<()> {
    use openwork_host::engine::binary;
    let data = openwork_host::paths::data_dir()?;
    if binary::locate(flag, &data).is_err() {
        binary::install(&binary::install_dir(&data), openwork_wire::TESTED_OPENCODE_VERSION).await?;
    }
    Ok(())
}
