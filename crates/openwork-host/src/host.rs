//! [`RunningHost`]: the whole host (tokens, engine, API server, file
//! watcher) started and stopped as one, shared by `openwork host`,
//! `openwork-server` (with an OpenCode it does not own: [`EngineSource`])
//! and the tests.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Result};
use openwork_wire::{EngineState, EngineStatus};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::engine::{binary, EngineConfig, EngineHandle, EngineSupervisor, Liveness, ProbeConfig, RestartPolicy};
use crate::active::Active;
use crate::server::{self, AppState, ServerOptions};
use crate::workspace::ActiveWorkspace;
use crate::tokens::{token_file, TokenSet};
use crate::{paths, runtime};

/// Where the host's OpenCode comes from.
#[derive(Debug, Clone)]
pub enum EngineSource {
    /// Start `opencode serve` and supervise it: `bin`, else found
    /// ([`binary::locate`]: `OPENCODE_BIN`, `PATH`, the data dir).
    Spawn {
        /// `--opencode-bin`.
        bin: Option<PathBuf>,
    },
    /// An OpenCode someone else runs (`openwork-server` behind the
    /// orchestrator): watched, never started or stopped; the host serves
    /// even while it does not answer yet.
    External {
        /// `http(s)://HOST:PORT`.
        base_url: String,
        /// Its Basic-auth user.
        username: String,
        /// Its Basic-auth password (empty: none).
        password: String,
    },
}

/// Everything `openwork host` (and `openwork-server`) can be told.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Folder to expose.
    pub workspace: PathBuf,
    /// The directory OpenCode is told to use, when not the workspace's own
    /// path (`openwork-server --opencode-directory`).
    pub opencode_directory: Option<String>,
    /// Address to bind the API on (`127.0.0.1:8787`, or `0.0.0.0:…` with remote access).
    pub bind: SocketAddr,
    /// Host (and optional scheme) to put in URLs for clients.
    pub connect_host: Option<String>,
    /// The engine.
    pub engine: EngineSource,
    /// Which tokens are strong enough (the orchestrator gives `openwork-server` random UUIDs).
    pub token_strength: crate::tokens::Strength,
    /// Remember the workspace (`host-workspaces.json`) and announce this
    /// host to local tools (the runtime file): `openwork host`, not a sidecar.
    pub remember: bool,
    /// Client token override (`OPENWORK_TOKEN`).
    pub client_token: Option<String>,
    /// Host token override (`OPENWORK_HOST_TOKEN`).
    pub host_token: Option<String>,
    /// Engine readiness deadline.
    pub start_timeout: Duration,
    /// Engine restart policy.
    pub restart_policy: RestartPolicy,
    /// Time between SIGTERM and SIGKILL when stopping the engine.
    pub stop_grace: Duration,
    /// Probing of the running engine.
    pub liveness: Liveness,
    /// API options.
    pub server: ServerOptions,
}

impl HostConfig {
    /// Defaults for serving `workspace` on `127.0.0.1:8787`.
    pub fn new(workspace: PathBuf) -> Self {
        Self {
            workspace,
            opencode_directory: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8787)),
            connect_host: None,
            engine: EngineSource::Spawn { bin: None },
            token_strength: crate::tokens::Strength::Strict,
            remember: true,
            client_token: None,
            host_token: None,
            start_timeout: Duration::from_secs(60),
            restart_policy: RestartPolicy::default(),
            stop_grace: Duration::from_secs(5),
            liveness: Liveness::default(),
            server: ServerOptions::default(),
        }
    }
}

/// Raise the soft `RLIMIT_NOFILE` to the hard limit: every SSE subscriber
/// holds a socket, and the usual soft limit of 1,024 would cap a host at
/// about a thousand of them. Failures are logged at debug and ignored.
pub fn raise_fd_limit() {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit with a valid, initialised struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            tracing::debug!("getrlimit(RLIMIT_NOFILE) failed: {}", std::io::Error::last_os_error());
            return;
        }
        if lim.rlim_cur >= lim.rlim_max {
            tracing::debug!(soft = lim.rlim_cur, hard = lim.rlim_max, "open file limit already at the hard limit");
            return;
        }
        let before = lim.rlim_cur;
        lim.rlim_cur = lim.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) == 0 {
            tracing::debug!(from = before, to = lim.rlim_max, "raised the open file limit");
        } else {
            tracing::debug!("setrlimit(RLIMIT_NOFILE) failed: {}", std::io::Error::last_os_error());
        }
    }
}

/// A host that is serving.
pub struct RunningHost {
    /// Address the API is bound to.
    pub local_addr: SocketAddr,
    /// URL for tools on this machine.
    pub local_url: String,
    /// URL remote clients pair with.
    pub pairing_url: String,
    /// Tokens.
    pub tokens: Arc<TokenSet>,
    /// Token file path.
    pub token_file: PathBuf,
    /// The engine.
    pub engine: EngineHandle,
    /// The workspace served.
    pub workspace: ActiveWorkspace,
    /// Engine log file (a spawned engine's).
    pub engine_log: Option<PathBuf>,
    /// Time from [`RunningHost::start`] to serving.
    pub ready_after: Duration,
    /// Warning about the OpenCode version, when it was already known at start
    /// (remembered); a first start checks in the background and logs it.
    pub version_warning: Option<String>,
    data_dir: PathBuf,
    remember: bool,
    stop_server: Option<oneshot::Sender<()>>,
    server_task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningHost {
    /// Start the engine, wait until it answers, then serve the API.
    pub async fn start(config: HostConfig) -> Result<Self> {
        let t0 = Instant::now();
        raise_fd_limit();
        let data_dir = paths::data_dir()?;
        let config_dir = paths::config_dir()?;
        paths::ensure_private_dir(&data_dir)?;
        let token_file = token_file(&config_dir);
        let tokens = Arc::new(TokenSet::load_or_create(
            &token_file,
            config.client_token.clone(),
            config.host_token.clone(),
            config.token_strength,
        )?);
        let devices = crate::devices::DeviceTokens::load(&crate::devices::DeviceTokens::file_in(&config_dir))?;
        let workspace = ActiveWorkspace::open_with_directory(&config.workspace, config.opencode_directory.as_deref())?;
        let listener = bind(config.bind).await?;
        let local_addr = listener.local_addr()?;
        let (engine, engine_log, version_warning) = match &config.engine {
            EngineSource::Spawn { bin } => {
                let (engine, log, warning) = spawn_engine(&config, bin.as_deref(), &workspace, &data_dir).await?;
                (engine, Some(log), warning)
            }
            EngineSource::External { base_url, username, password } => {
                let engine = EngineHandle::external(base_url, username.clone(), password.clone());
                // Say whether OpenCode answers yet; the host serves either way.
                engine.wait_for(Duration::from_secs(2), |s| s.state != EngineState::Starting).await;
                (engine, None, None)
            }
        };
        let mut active = Active::new(workspace.clone());
        if config.remember {
            active = active.remembered_in(data_dir.clone());
        }
        let mut server_options = config.server.clone();
        if let EngineSource::External { base_url, username, password } = &config.engine {
            // The sidecar contract: owners see the engine as it was passed.
            server_options.engine_for_owners = Some(crate::server::EngineDirect {
                base_url: base_url.clone(),
                username: username.clone(),
                password: password.clone(),
            });
        }
        let state = AppState::new(tokens.clone(), engine.clone(), workspace.clone(), server_options)?
            .with_active(active)
            .with_devices(devices);
        follow_files(&state, Duration::from_millis(300));
        // Every engine transition reaches clients as `engine.state`.
        let mut transitions = engine.subscribe();
        let events = state.events.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match transitions.recv().await {
                    Ok(status) => {
                        events.publish("engine.state", serde_json::to_value(&status).unwrap_or_default());
                    }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                }
            }
        });
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server_task = tokio::spawn(server::serve(listener, state, async {
            let _ = stop_rx.await;
        }));
        let local_url = format!("http://{}", loopback_view(local_addr));
        let pairing_url = pairing_url(&config, local_addr);
        if config.remember {
            runtime::write(
            &data_dir,
            &runtime::RuntimeInfo {
                pid: std::process::id(),
                local_url: local_url.clone(),
                pairing_url: pairing_url.clone(),
                workspace: workspace.directory.clone(),
                started_at_ms: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or(0),
                },
            )?;
        }
        Ok(Self {
            local_addr,
            local_url,
            pairing_url,
            tokens,
            token_file,
            engine,
            workspace,
            engine_log,
            ready_after: t0.elapsed(),
            version_warning,
            data_dir,
            remember: config.remember,
            stop_server: Some(stop_tx),
            server_task: Some(server_task),
        })
    }

    /// Stop serving and stop the engine with its whole process group.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop_server.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.server_task.take() {
            // Long-lived streams (SSE) would hold a graceful shutdown forever.
            if tokio::time::timeout(Duration::from_secs(2), task).await.is_err() {
                tracing::debug!("API server did not drain within 2 s; closing connections");
            }
        }
        self.engine.shutdown().await;
        if self.remember {
            runtime::remove_if_ours(&self.data_dir, std::process::id());
        }
    }
}

/// Bind the API before starting the engine: a taken port is a quick, clear error.
async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "port {} on {} is already in use (another openwork host?); \
                 pass --port 0 for any free port, or another --port",
                addr.port(),
                addr.ip()
            )
        } else {
            anyhow::anyhow!(e).context(format!("could not listen on {addr}"))
        }
    })
}

/// Start `opencode serve` for `workspace` under supervision and wait until
/// it answers. Returns the engine, its log file and a warning about its
/// version when that is already known.
async fn spawn_engine(
    config: &HostConfig,
    bin: Option<&std::path::Path>,
    workspace: &ActiveWorkspace,
    data_dir: &std::path::Path,
) -> Result<(EngineHandle, PathBuf, Option<String>)> {
    let (bin, _) = binary::locate(bin, data_dir)?;
    // `opencode --version` costs a second OpenCode start (~0.6 s): use the
    // remembered answer, or ask in the background once the engine runs.
    let version = binary::remembered_version(&bin, data_dir);
    let version_warning = version.as_deref().and_then(binary::version_warning);
    if let Some(w) = &version_warning {
        tracing::warn!("{w}");
    }
    let logs = data_dir.join("logs");
    paths::ensure_private_dir(&logs)?;
    let engine_log = logs.join("engine.log");
    let mut engine_cfg = EngineConfig::new(bin.clone(), workspace.path.clone());
    engine_cfg.version = version.clone();
    engine_cfg.log_file = Some(engine_log.clone());
    engine_cfg.policy = config.restart_policy;
    engine_cfg.stop_grace = config.stop_grace;
    engine_cfg.liveness = config.liveness;
    engine_cfg.probe = ProbeConfig { deadline: config.start_timeout, ..ProbeConfig::default() };
    let engine = EngineSupervisor::start(engine_cfg);
    let first = engine
        .wait_for(config.start_timeout + Duration::from_secs(10), |s| {
            matches!(s.state, EngineState::Running | EngineState::Backoff | EngineState::Failed)
        })
        .await;
    match first {
        Some(s) if s.state == EngineState::Running => {}
        other => {
            engine.shutdown().await;
            let status = other.unwrap_or_else(|| engine.status());
            bail!("{}", explain_start_failure(&status, &engine_log));
        }
    }
    if version.is_none() {
        // First start with this binary: check `--version` now that the
        // engine is up, remember it, warn if it is not the tested one.
        let data = data_dir.to_path_buf();
        tokio::spawn(async move {
            match binary::cached_version(&bin, &data).await {
                Ok(v) => {
                    if let Some(w) = binary::version_warning(&v) {
                        tracing::warn!("{w}");
                    }
                }
                Err(e) => tracing::warn!("could not check the OpenCode version: {e:#}"),
            }
        });
    }
    Ok((engine, engine_log, version_warning))
}

/// Publish `config.changed` for files edited on the host (debounced by
/// `debounce`), following switches, and have the engine reload them
/// ([`crate::extensions::follow_hand_edits`]).
fn follow_files(state: &AppState, debounce: Duration) {
    let root = state.active.current().path.clone();
    match crate::watch::ConfigWatcher::start(root, state.events.clone(), state.extensions.api_writes.clone(), debounce) {
        Ok(w) => {
            state.active.watch_with(w);
            tokio::spawn(crate::extensions::follow_hand_edits(state.extensions.clone(), state.active.clone()));
        }
        Err(e) => tracing::warn!("not watching configuration files: {e}"),
    }
}

fn explain_start_failure(status: &EngineStatus, log: &std::path::Path) -> String {
    let mut msg = format!(
        "OpenCode did not become ready (state: {}): {}",
        status.state,
        status.last_error.as_deref().unwrap_or("no error recorded")
    );
    if let Some(exit) = &status.last_exit {
        msg.push_str(&format!("\nexit: {exit}"));
    }
    if !status.stderr_tail.is_empty() {
        msg.push_str("\nlast stderr lines:\n  ");
        msg.push_str(&status.stderr_tail.join("\n  "));
    }
    msg.push_str(&format!("\nfull engine log: {}", log.display()));
    msg
}

/// `0.0.0.0:P` is reachable locally as `127.0.0.1:P`.
fn loopback_view(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

fn pairing_url(config: &HostConfig, addr: SocketAddr) -> String {
    if let Some(h) = &config.connect_host {
        let h = h.trim_end_matches('/');
        return if h.contains("://") { h.to_string() } else { format!("http://{h}") };
    }
    if addr.ip().is_unspecified() {
        if let Some(ip) = lan_ip() {
            return format!("http://{}", SocketAddr::new(ip, addr.port()));
        }
    }
    format!("http://{}", loopback_view(addr))
}

/// The address this machine would use to reach the LAN (no packet is sent).
fn lan_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// The workspace the host served last (if it still exists), for
/// `openwork host` without `--workspace`.
pub fn remembered_workspace() -> Option<PathBuf> {
    let dir = paths::data_dir().ok()?;
    let active = crate::recent::RecentWorkspaces::load(&dir).active?;
    let p = PathBuf::from(active);
    p.is_dir().then_some(p)
}
