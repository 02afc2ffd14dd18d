//! Supervision of `opencode serve`: the [`EngineSupervisor`] task owns the
//! process, publishes every state transition, restarts on unexpected exits
//! with backoff and stops the whole process tree on shutdown.
//!
//! States: `starting` → `running` → (`backoff` → `starting`)* → `failed`
//! after [`RestartPolicy::max_consecutive_failures`]; a manual restart leaves
//! `failed`; shutdown goes through `stopping` to `stopped`. A running engine
//! is probed ([`Liveness`]): one that stops answering is `unresponsive`, then
//! stopped and restarted like one that exited.

pub mod backoff;
pub mod binary;
pub mod client;
pub mod external;
pub mod logs;
pub mod process;
pub mod readiness;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use openwork_wire::{EngineState, EngineStatus};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

pub use backoff::{RestartDecision, RestartPolicy};
pub use client::EngineClient;
use logs::LogTail;
use process::{describe_exit, EngineProcess, SpawnSpec};
pub use external::ExternalOptions;
pub use readiness::ProbeConfig;

/// How to run the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The `opencode` binary.
    pub bin: PathBuf,
    /// Version reported by `--version`, if checked.
    pub version: Option<String>,
    /// Working directory (the active workspace).
    pub workspace: PathBuf,
    /// Engine output log file.
    pub log_file: Option<PathBuf>,
    /// Restart policy.
    pub policy: RestartPolicy,
    /// Readiness probe.
    pub probe: ProbeConfig,
    /// Time between SIGTERM and SIGKILL when stopping.
    pub stop_grace: Duration,
    /// Extra environment for the engine.
    pub env: Vec<(String, String)>,
    /// Probing of the running engine.
    pub liveness: Liveness,
}

/// How a running engine is probed: a health request every `interval`, each
/// with `timeout`; `misses` timeouts in a row make it `unresponsive` (then
/// it is restarted). Answers other than a timeout (an error status) are not
/// misses: the process is alive and answering.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    /// Between probes.
    pub interval: Duration,
    /// Per probe.
    pub timeout: Duration,
    /// Timeouts in a row that make the engine unresponsive.
    pub misses: u32,
}

impl Default for Liveness {
    fn default() -> Self {
        Self { interval: Duration::from_secs(2), timeout: Duration::from_secs(3), misses: 3 }
    }
}

impl EngineConfig {
    /// Defaults for `bin` serving `workspace`.
    pub fn new(bin: PathBuf, workspace: PathBuf) -> Self {
        Self {
            bin,
            version: None,
            workspace,
            log_file: None,
            policy: RestartPolicy::default(),
            probe: ProbeConfig::default(),
            stop_grace: Duration::from_secs(5),
            env: Vec::new(),
            liveness: Liveness::default(),
        }
    }
}

/// Where and how to reach a running engine (never sent to clients).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineEndpoint {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
}

#[derive(Debug, Clone)]
struct Snapshot {
    status: EngineStatus,
    endpoint: Option<Arc<EngineEndpoint>>,
    running_since: Option<Instant>,
}

impl Snapshot {
    /// The status with its uptime computed now.
    fn status_now(&self) -> EngineStatus {
        let mut status = self.status.clone();
        status.uptime_ms = self.running_since.map(|t| t.elapsed().as_millis() as u64);
        status
    }
}

enum Command {
    Restart,
    Shutdown(oneshot::Sender<()>),
}

/// Cheap, cloneable view of the supervisor: state, endpoint, commands.
#[derive(Clone)]
pub struct EngineHandle {
    snapshot: watch::Receiver<Snapshot>,
    transitions: broadcast::Sender<EngineStatus>,
    commands: mpsc::Sender<Command>,
    /// Whether this process started the engine (and can restart it).
    owned: bool,
}

impl EngineHandle {
    /// A handle on an OpenCode this process does not own (already running at
    /// `base_url`, Basic auth `username`/`password`; an empty password means
    /// none). Its state is `running` while `/global/health` answers healthy
    /// and `backoff` while it does not, checked every few seconds;
    /// [`restart`](Self::restart) re-checks at once and
    /// [`shutdown`](Self::shutdown) stops watching (OpenCode keeps running).
    /// Must be called inside a Tokio runtime.
    pub fn external(
        base_url: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> EngineHandle {
        let endpoint = EngineEndpoint {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            username: username.into(),
            password: password.into(),
        };
        Self::external_with(endpoint, ExternalOptions::default())
    }

    /// [`external`](Self::external) with explicit polling options.
    pub fn external_with(endpoint: EngineEndpoint, options: ExternalOptions) -> EngineHandle {
        external::start(endpoint, options)
    }

    /// The current status (uptime computed now).
    pub fn status(&self) -> EngineStatus {
        self.snapshot.borrow().status_now()
    }

    /// The endpoint, only while `running`.
    pub fn endpoint(&self) -> Option<Arc<EngineEndpoint>> {
        let snap = self.snapshot.borrow();
        (snap.status.state == EngineState::Running).then(|| snap.endpoint.clone()).flatten()
    }

    /// Every transition, as it happens.
    pub fn subscribe(&self) -> broadcast::Receiver<EngineStatus> {
        self.transitions.subscribe()
    }

    /// Resolves once the engine is no longer `running` (never, while it is).
    pub async fn left_running(&self) {
        let mut rx = self.snapshot.clone();
        let _ = rx.wait_for(|s| s.status.state != EngineState::Running).await;
    }

    /// Wait until the state satisfies `pred` or `timeout` passes.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&EngineStatus) -> bool,
    ) -> Option<EngineStatus> {
        let mut rx = self.snapshot.clone();
        let fut = async move { rx.wait_for(|s| pred(&s.status)).await.is_ok() };
        match tokio::time::timeout(timeout, fut).await {
            Ok(true) => Some(self.status()),
            _ => None,
        }
    }

    /// Whether this process started the engine, so that [`restart`](Self::restart)
    /// really restarts it (an [`external`](Self::external) one is only re-checked).
    pub fn owns_engine(&self) -> bool {
        self.owned
    }

    /// Ask for a restart (also leaves `failed` and resets the failure count).
    pub async fn restart(&self) {
        let _ = self.commands.send(Command::Restart).await;
    }

    /// Stop the engine and its process group; returns once it is gone.
    pub async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Shutdown(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

/// Probe a running engine until `liveness.misses` probes in a row time out;
/// returns that count. Each probe is on a fresh connection.
async fn probe_until_hung(health_url: &str, password: Option<&str>, liveness: Liveness) -> u32 {
    let Ok(client) = readiness::probe_client(liveness.timeout) else {
        return std::future::pending().await;
    };
    let mut misses = 0;
    loop {
        tokio::time::sleep(liveness.interval).await;
        match readiness::check_once(&client, health_url, password).await {
            Err(readiness::HealthError::Timeout) => {
                misses += 1;
                tracing::debug!(misses, "engine health check timed out");
                if misses >= liveness.misses {
                    return misses;
                }
            }
            _ => misses = 0,
        }
    }
}

/// The supervisor task.
pub struct EngineSupervisor {
    config: EngineConfig,
    log_file: Option<Arc<Path>>,
    snapshot: watch::Sender<Snapshot>,
    transitions: broadcast::Sender<EngineStatus>,
    commands: mpsc::Receiver<Command>,
    stderr_tail: LogTail,
}

/// How one run of the engine ended.
enum RunEnd {
    /// Exited or failed to start on its own.
    Unexpected { ran_for: Duration, exit: Option<String>, error: Option<String> },
    /// A restart was asked for.
    RestartRequested,
    /// Shutdown was asked for.
    Shutdown(oneshot::Sender<()>),
}

impl EngineSupervisor {
    /// Start supervising in a background task; the engine starts at once.
    pub fn start(config: EngineConfig) -> EngineHandle {
        let mut status = EngineStatus::new(EngineState::Starting);
        status.version = config.version.clone();
        let (snapshot, rx) =
            watch::channel(Snapshot { status, endpoint: None, running_since: None });
        let (transitions, _) = broadcast::channel(64);
        let (cmd_tx, cmd_rx) = mpsc::channel(8);
        let sup = EngineSupervisor {
            log_file: config.log_file.clone().map(Arc::from),
            config,
            snapshot,
            transitions: transitions.clone(),
            commands: cmd_rx,
            stderr_tail: LogTail::new(200),
        };
        tokio::spawn(sup.run());
        EngineHandle { snapshot: rx, transitions, commands: cmd_tx, owned: true }
    }

    fn publish(&self, f: impl FnOnce(&mut Snapshot)) {
        self.snapshot.send_modify(f);
        let status = self.snapshot.borrow().status_now();
        match status.state {
            EngineState::Failed => tracing::error!(
                exit = status.last_exit.as_deref().unwrap_or("-"),
                error = status.last_error.as_deref().unwrap_or("-"),
                stderr = %status.stderr_tail.join("\n"),
                "engine failed; `openwork engine restart` or POST /engine/restart to try again"
            ),
            EngineState::Backoff => tracing::warn!(
                exit = status.last_exit.as_deref().unwrap_or("-"),
                failures = status.consecutive_failures,
                "engine exited unexpectedly; restarting after backoff"
            ),
            state => tracing::info!(pid = ?status.pid, "engine {state}"),
        }
        let _ = self.transitions.send(status);
    }

    fn set_state(&self, state: EngineState) {
        self.publish(|s| {
            s.status.state = state;
            if state != EngineState::Running {
                s.endpoint = None;
                s.running_since = None;
            }
            if state == EngineState::Stopped {
                s.status.pid = None;
                s.status.port = None;
            }
        });
    }

    async fn run(mut self) {
        let mut failures: u32 = 0;
        let mut first = true;
        loop {
            if !first {
                self.publish(|s| s.status.restarts += 1);
            }
            first = false;
            let end = self.run_once().await;
            let (ran_for, exit, error) = match end {
                RunEnd::Shutdown(ack) => return self.finish_shutdown(ack),
                RunEnd::RestartRequested => {
                    failures = 0;
                    self.publish(|s| s.status.consecutive_failures = 0);
                    continue;
                }
                RunEnd::Unexpected { ran_for, exit, error } => (ran_for, exit, error),
            };
            failures = self.config.policy.next_failure_count(failures, ran_for);
            let tail = self.stderr_tail.last(20);
            let decision = self.config.policy.decide(failures);
            self.publish(|s| {
                s.status.state = match decision {
                    RestartDecision::RetryAfter(_) => EngineState::Backoff,
                    RestartDecision::GiveUp => EngineState::Failed,
                };
                s.status.pid = None;
                s.status.port = None;
                s.endpoint = None;
                s.running_since = None;
                s.status.consecutive_failures = failures;
                s.status.last_exit = exit;
                s.status.last_error = error;
                s.status.stderr_tail = tail;
            });
            let wait = match decision {
                RestartDecision::RetryAfter(d) => Some(d),
                RestartDecision::GiveUp => None,
            };
            let sleep = async {
                match wait {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = sleep => {}
                cmd = self.commands.recv() => match cmd {
                    Some(Command::Restart) => {
                        failures = 0;
                        self.publish(|s| s.status.consecutive_failures = 0);
                    }
                    Some(Command::Shutdown(ack)) => return self.finish_shutdown(ack),
                    None => return,
                },
            }
        }
    }

    fn finish_shutdown(&self, ack: oneshot::Sender<()>) {
        self.set_state(EngineState::Stopped);
        let _ = ack.send(());
    }

    /// Start, wait until ready, run until exit or a command.
    async fn run_once(&mut self) -> RunEnd {
        let started = Instant::now();
        let (proc, endpoint, version) = match self.start_ready(started).await {
            Ok(v) => v,
            Err(end) => return end,
        };
        let pid = proc.pid();
        let published = endpoint.clone();
        self.publish(|s| {
            s.status.state = EngineState::Running;
            if version.is_some() {
                s.status.version = version;
            }
            s.endpoint = Some(published);
            s.running_since = Some(Instant::now());
        });
        let mut proc = proc;
        let health = format!("{}/global/health", endpoint.base_url);
        // Phase 2: running until it exits, stops answering, or a command arrives.
        tokio::select! {
            status = proc.wait() => {
                proc.finish();
                let exit = status.ok().map(|s| describe_exit(&s));
                tracing::warn!(pid, exit = exit.as_deref().unwrap_or("unknown"), "engine exited");
                RunEnd::Unexpected { ran_for: started.elapsed(), exit, error: Some("OpenCode exited unexpectedly".into()) }
            }
            misses = probe_until_hung(&health, Some(&endpoint.password), self.config.liveness) => {
                let error = format!(
                    "OpenCode stopped answering ({misses} health checks in a row got no answer within {:?})",
                    self.config.liveness.timeout
                );
                tracing::warn!(pid, "{error}; restarting it");
                self.publish(|s| {
                    s.status.state = EngineState::Unresponsive;
                    s.status.last_error = Some(error.clone());
                    s.endpoint = None;
                    s.running_since = None;
                });
                let exit = proc.stop(self.config.stop_grace).await.map(|s| describe_exit(&s));
                RunEnd::Unexpected { ran_for: started.elapsed(), exit, error: Some(error) }
            }
            cmd = self.commands.recv() => self.stop_for(proc, cmd).await,
        }
    }

    /// Phase 1: spawn on a free port and wait until it answers healthy.
    ///
    /// The port is chosen here and bound by OpenCode about a second later
    /// (OpenCode has no "any free port" option: `--port 0` means 4096), so
    /// another program may take it meanwhile. That is told apart from other
    /// failures (the port is held by someone else after OpenCode exits, or
    /// a server there refuses the engine's password) and retried at once on
    /// another port, a few times, without counting as a crash.
    async fn start_ready(&mut self, started: Instant) -> Result<(EngineProcess, Arc<EngineEndpoint>, Option<String>), RunEnd> {
        const PORT_ATTEMPTS: u32 = 3;
        let unexpected = |exit: Option<String>, error: Option<String>| RunEnd::Unexpected {
            ran_for: started.elapsed(),
            exit,
            error,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = process::free_port().map_err(|e| unexpected(None, Some(format!("{e:#}"))))?;
            let password = crate::tokens::generate();
            let spec = SpawnSpec {
                bin: self.config.bin.clone(),
                workspace: self.config.workspace.clone(),
                port,
                password: password.clone(),
                env: self.config.env.clone(),
                log_file: self.log_file.clone(),
            };
            self.stderr_tail.clear();
            let mut proc =
                EngineProcess::spawn(&spec, self.stderr_tail.clone()).map_err(|e| unexpected(None, Some(format!("{e:#}"))))?;
            let pid = proc.pid();
            self.publish(|s| {
                s.status.state = EngineState::Starting;
                s.status.pid = Some(pid);
                s.status.port = Some(port);
                s.status.last_error = None;
            });
            let base_url = format!("http://127.0.0.1:{port}");
            let health = format!("{base_url}/global/health");
            let ready = tokio::select! {
                r = readiness::wait_ready(&health, Some(&password), self.config.probe, |waited| {
                    tracing::info!(pid, "waiting for OpenCode to answer ({}s)", waited.as_secs());
                }) => r,
                status = proc.wait() => {
                    proc.finish();
                    let exit = status.ok().map(|s| describe_exit(&s));
                    if attempt < PORT_ATTEMPTS && process::port_taken(port) {
                        tracing::warn!(port, "another program took the engine's port; starting again on another one");
                        continue;
                    }
                    return Err(unexpected(exit.clone(), Some(format!(
                        "OpenCode exited before it was ready ({})", exit.as_deref().unwrap_or("unknown")))));
                }
                cmd = self.commands.recv() => return Err(self.stop_for(proc, cmd).await),
            };
            match ready {
                Ok(version) => {
                    let endpoint = Arc::new(EngineEndpoint { base_url, username: "opencode".into(), password });
                    return Ok((proc, endpoint, version));
                }
                Err(e @ readiness::ProbeError::NotOurs { .. }) if attempt < PORT_ATTEMPTS => {
                    tracing::warn!("{e}; starting again on another port");
                    proc.stop(self.config.stop_grace).await;
                }
                Err(e) => {
                    let exit = proc.stop(self.config.stop_grace).await.map(|s| describe_exit(&s));
                    return Err(unexpected(exit, Some(format!("{e}"))));
                }
            }
        }
    }

    async fn stop_for(&mut self, proc: EngineProcess, cmd: Option<Command>) -> RunEnd {
        self.set_state(EngineState::Stopping);
        proc.stop(self.config.stop_grace).await;
        match cmd {
            Some(Command::Restart) => RunEnd::RestartRequested,
            Some(Command::Shutdown(ack)) => RunEnd::Shutdown(ack),
            None => {
                let (ack, _) = oneshot::channel();
                RunEnd::Shutdown(ack)
            }
        }
    }
}
