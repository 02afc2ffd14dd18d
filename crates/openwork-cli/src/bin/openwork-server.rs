//! `openwork-server`: the OpenWork API in front of an OpenCode this process
//! does not own, as a drop-in for the existing OpenWork server sidecar.
//!
//! Same flags and environment as that sidecar; the API is the host's own
//! (`openwork_host::server`), the engine is an
//! [`EngineHandle::external`](openwork_host::engine::EngineHandle::external)
//! that watches OpenCode's health and never starts, restarts or stops it.

#[path = "../logging.rs"]
mod logging;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use openwork_host::engine::EngineHandle;
use openwork_host::extensions::ApprovalMode;
use openwork_host::server::{self, ActiveWorkspace, AppState, ServerOptions};
use openwork_host::tokens::{mask, token_file, TokenSet};
use openwork_wire::EngineState;

use logging::LogFormat;

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
    #[arg(long, env = "OPENWORK_OPENCODE_USERNAME", default_value = "opencode", value_name = "USER")]
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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<()> {
    logging::init(args.log_format, args.verbose);
    openwork_host::host::raise_fd_limit();
    let options = server_options(&args)?;
    let workspace = workspace(&args.workspace, args.opencode_directory.as_deref())?;
    let config_dir = openwork_host::paths::config_dir()?;
    let tokens = Arc::new(TokenSet::load_or_create(
        &token_file(&config_dir),
        args.token.clone(),
        args.host_token.clone(),
        // openwork-orchestrator gives its sidecar random UUIDs.
        openwork_host::tokens::Strength::OrAnyUuid,
    )?);
    let base_url = url::Url::parse(&args.opencode_base_url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .with_context(|| format!("--opencode-base-url {} is not an http(s) URL", args.opencode_base_url))?;
    let engine = EngineHandle::external(
        base_url.as_str(),
        args.opencode_username.clone(),
        args.opencode_password.clone().unwrap_or_default(),
    );
    let bind = format!("{}:{}", args.host, args.port);
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("could not listen on {bind}"))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(tokens.clone(), engine.clone(), workspace.clone(), options)?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_task = tokio::spawn(server::serve(listener, state, async {
        let _ = stop_rx.await;
    }));
    // Say whether OpenCode answers yet (the server is up either way).
    let first = engine.wait_for(Duration::from_secs(2), |s| s.state != EngineState::Starting).await;
    let engine_state = first.map(|s| s.state).unwrap_or(EngineState::Starting);
    tracing::info!(
        workspace = %workspace.directory,
        id = %workspace.id,
        opencode = %base_url,
        opencode_state = %engine_state,
        client_token = %mask(&tokens.client()),
        "openwork-server {} ready",
        env!("CARGO_PKG_VERSION")
    );
    let shown = if addr.ip().is_unspecified() {
        std::net::SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    println!("openwork-server listening on http://{shown}");
    wait_for_stop_signal().await;
    tracing::info!("stopping");
    let _ = stop_tx.send(());
    // Long-lived streams (SSE) would hold a graceful shutdown forever.
    let _ = tokio::time::timeout(Duration::from_secs(2), server_task).await;
    engine.shutdown().await;
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

/// The workspace (`path`) and the directory OpenCode is told to use.
fn workspace(dir: &Path, opencode_directory: Option<&Path>) -> Result<ActiveWorkspace> {
    let mut ws = ActiveWorkspace::open(dir)?;
    if let Some(d) = opencode_directory {
        let d = d.canonicalize().unwrap_or_else(|_| d.to_path_buf());
        anyhow::ensure!(d.is_absolute(), "--opencode-directory must be an absolute path");
        let s = d.to_str().context("--opencode-directory is not UTF-8")?;
        ws.directory = if s.len() > 1 { s.trim_end_matches('/').to_string() } else { s.to_string() };
    }
    Ok(ws)
}

async fn wait_for_stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
