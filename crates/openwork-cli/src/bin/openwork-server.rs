//! `openwork-server`: the OpenWork API in front of an OpenCode this process
//! does not own, as a drop-in for the existing OpenWork server sidecar.
//!
//! Same flags and environment as that sidecar. It is the host itself
//! ([`RunningHost`]: the API, the file watcher, reloads) with an
//! [`EngineSource::External`] engine that watches OpenCode's health and never
//! starts, restarts or stops it.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use openwork_cli::logging::{self, LogFormat};
use openwork_cli::stop::StopSignal;
use openwork_host::extensions::ApprovalMode;
use openwork_host::host::{EngineSource, HostConfig, RunningHost};
use openwork_host::server::ServerOptions;
use openwork_host::tokens::{mask, Strength};

/// Serve the OpenWork API for one workspace, in front of an already running
/// `opencode serve` (started and supervised by someone else).
///
/// Clients authenticate with `Authorization: Bearer $OPENWORK_TOKEN`;
/// host-only operations take `X-OpenWork-Host-Token: $OPENWORK_HOST_TOKEN`.
/// Without those variables the tokens stored by `openwork host` (config dir,
/// tokens.json, 0600) are used, created on first run. `/opencode/*` is
/// proxied to `--opencode-base-url` with Basic auth from
/// `OPENWORK_OPENCODE_USERNAME` / `OPENWORK_OPENCODE_PASSWORD`, pinned to
/// `--opencode-directory`.
#[derive(Debug, Parser)]
#[command(name = "openwork-server", version, about, long_about = None)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "HOST")]
    host: String,
    /// Port to listen on; 0 picks a free one (printed on stdout).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Workspace folder this server manages.
    #[arg(long, short = 'w', default_value = ".", value_name = "DIR")]
    workspace: PathBuf,
    /// Writes to skills, plugins, MCP, commands and config (also config
    /// changes through the /opencode proxy): `auto` applies them, `manual`
    /// waits for a host-token holder's `POST /approvals/:id`.
    #[arg(long, value_enum, default_value_t = Approval::Auto)]
    approval: Approval,
    /// How long a write waits for approval before it is denied, in ms.
    #[arg(long, default_value_t = 30_000, value_name = "MS")]
    approval_timeout: u64,
    /// Refuse every write: the extension API, and everything but reads through
    /// the /opencode proxy (SECURITY.md).
    #[arg(long)]
    read_only: bool,
    /// Allow these browser origins (comma-separated) via CORS.
    #[arg(long, value_delimiter = ',', value_name = "ORIGINS")]
    cors: Vec<String>,
    /// Base URL of the running OpenCode, e.g. http://127.0.0.1:4096.
    #[arg(long, value_name = "URL")]
    opencode_base_url: String,
    /// Directory OpenCode works in (default: the workspace).
    #[arg(long, value_name = "DIR")]
    opencode_directory: Option<PathBuf>,
    /// Basic-auth user of that OpenCode.
    #[arg(long, env = "OPENWORK_OPENCODE_USERNAME", default_value = openwork_client::opencode::DEFAULT_OPENCODE_USERNAME, value_name = "USER")]
    opencode_username: String,
    /// Basic-auth password of that OpenCode (prefer the environment variable).
    #[arg(long, env = "OPENWORK_OPENCODE_PASSWORD", hide_env_values = true, allow_hyphen_values = true, value_name = "PASSWORD")]
    opencode_password: Option<String>,
    /// Client token for this run (prefer the environment variable; not stored).
    /// 128 bits of estimated entropy or a random UUID (what
    /// openwork-orchestrator generates); `openssl rand -base64 32` makes one.
    #[arg(long, env = "OPENWORK_TOKEN", hide_env_values = true, allow_hyphen_values = true, value_name = "TOKEN")]
    token: Option<String>,
    /// Host token for this run (prefer the environment variable; not stored).
    #[arg(long, env = "OPENWORK_HOST_TOKEN", hide_env_values = true, allow_hyphen_values = true, value_name = "TOKEN")]
    host_token: Option<String>,
    /// Host (and optional scheme) clients should use in URLs we hand out.
    #[arg(long, value_name = "HOST")]
    connect_host: Option<String>,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
    /// More logging (also RUST_LOG=...).
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// `--approval` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Approval {
    /// Apply writes at once.
    Auto,
    /// Wait for the host to allow or deny each write.
    Manual,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    openwork_cli::block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    logging::init(args.log_format, args.verbose);
    let mut stop = StopSignal::install()?;
    let base_url = url::Url::parse(&args.opencode_base_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .with_context(|| format!("--opencode-base-url {} is not an http(s) URL", args.opencode_base_url))?;
    let address = format!("{}:{}", args.host, args.port);
    let bind = tokio::net::lookup_host(&address)
        .await
        .ok()
        .and_then(|mut a| a.next())
        .with_context(|| format!("could not listen on {address}: not an address"))?;
    let opencode_directory = match &args.opencode_directory {
        Some(d) => Some(d.to_str().context("--opencode-directory is not UTF-8")?.to_string()),
        None => None,
    };
    let mut config = HostConfig::new(args.workspace.clone());
    config.opencode_directory = opencode_directory;
    config.bind = bind;
    config.connect_host = args.connect_host.clone();
    config.engine = EngineSource::External {
        // As passed: the orchestrator compares `/workspaces` with it.
        base_url: args.opencode_base_url.trim().to_string(),
        username: args.opencode_username.clone(),
        password: args.opencode_password.clone().unwrap_or_default(),
    };
    config.client_token = args.token.clone();
    config.host_token = args.host_token.clone();
    // openwork-orchestrator gives its sidecar random UUIDs.
    config.token_strength = Strength::OrAnyUuid;
    // A sidecar: the orchestrator owns the workspace choice and the runtime.
    config.remember = false;
    config.server = server_options(&args)?;
    let host = RunningHost::start(config).await?;
    tracing::info!(
        workspace = %host.workspace.directory,
        id = %host.workspace.id,
        opencode = %base_url,
        opencode_state = %host.engine.status().state,
        client_token = %mask(&host.tokens.client()),
        "openwork-server {} ready",
        env!("CARGO_PKG_VERSION")
    );
    println!("openwork-server listening on {}", host.local_url);
    stop.recv().await;
    tracing::info!("stopping");
    host.shutdown().await;
    Ok(())
}

fn server_options(args: &Args) -> Result<ServerOptions> {
    Ok(ServerOptions {
        read_only: args.read_only,
        connect_host: args.connect_host.clone(),
        cors_origins: args.cors.clone(),
        approval: match args.approval {
            Approval::Auto => ApprovalMode::Auto,
            Approval::Manual => ApprovalMode::Manual,
        },
        approval_timeout: Duration::from_millis(args.approval_timeout),
        ..ServerOptions::default()
    })
}
