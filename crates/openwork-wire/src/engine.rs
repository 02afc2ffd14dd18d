//! The engine (`opencode serve`) as the host reports it.
use serde::{Deserialize, Serialize};

/// States of the engine supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EngineState {
    /// Spawned, waiting for the first healthy answer.
    Starting,
    /// Answering health checks; the proxy forwards.
    Running,
    /// Stopped answering health checks while running (hung): about to be
    /// restarted; requests waiting on it end with 504.
    Unresponsive,
    /// Exited unexpectedly; waiting before the next start.
    Backoff,
    /// Being stopped on request.
    Stopping,
    /// Stopped on request.
    Stopped,
    /// Crash-looped past the limit, or could not start; needs a manual restart.
    Failed,
}

impl EngineState {
    /// Lower-case name as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Unresponsive => "unresponsive",
            Self::Backoff => "backoff",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Failed => "failed",
        }
    }
}

impl std::fmt::Display for EngineState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Snapshot of the engine, published on every transition (`GET /engine`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EngineStatus {
    /// Current state.
    pub state: EngineState,
    /// Pid of the running `opencode` process, if any.
    pub pid: Option<u32>,
    /// Loopback port OpenCode listens on, if any.
    pub port: Option<u16>,
    /// OpenCode version reported by `--version`.
    pub version: Option<String>,
    /// Milliseconds since the current process became ready.
    pub uptime_ms: Option<u64>,
    /// Number of restarts since the host started (manual and automatic).
    pub restarts: u32,
    /// Unexpected exits in a row (reset after a stable period).
    pub consecutive_failures: u32,
    /// Last exit status, e.g. `signal 9` or `exit code 1`.
    pub last_exit: Option<String>,
    /// Last error, in words.
    pub last_error: Option<String>,
    /// Last lines OpenCode wrote to stderr (kept when `failed`).
    #[serde(default)]
    pub stderr_tail: Vec<String>,
    /// A config change waits for the active folder to be idle before
    /// OpenCode reloads it (see the `engine.reload` events).
    #[serde(default)]
    pub reload_pending: bool,
}

impl EngineStatus {
    /// A status in `state` with nothing else known.
    pub fn new(state: EngineState) -> Self {
        Self {
            state,
            pid: None,
            port: None,
            version: None,
            uptime_ms: None,
            restarts: 0,
            consecutive_failures: 0,
            last_exit: None,
            last_error: None,
            stderr_tail: Vec::new(),
            reload_pending: false,
        }
    }
}
