//! One `opencode serve` process and its process group.
//!
//! Invariants:
//! - OpenCode is bound to 127.0.0.1 only and runs in its own process group
//!   (pgid = its pid), so it and every child it starts (local MCP servers,
//!   npm) can be signalled together.
//! - On Linux it gets `PR_SET_PDEATHSIG = SIGKILL`: if the host dies, even by
//!   SIGKILL, the kernel kills it.
//! - A tiny group reaper (`sh`, in a group of its own) holds a pipe from the
//!   host; when the host dies the pipe closes and the reaper SIGKILLs the
//!   engine's whole group, so OpenCode's children are not orphaned either.
//! - Stopping is SIGTERM to the group, a grace period, then SIGKILL to the
//!   group (always, to catch children that outlive the leader).
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

use super::logs::{pump, LogTail};

/// Environment variables of the host that must not reach the agent.
const SECRET_ENV: &[&str] = &["OPENWORK_TOKEN", "OPENWORK_HOST_TOKEN", "OPENWORK_OPENCODE_PASSWORD"];

/// What to start.
#[derive(Debug, Clone)]
pub struct SpawnSpec {
    /// The `opencode` binary.
    pub bin: PathBuf,
    /// Working directory = the active workspace.
    pub workspace: PathBuf,
    /// Loopback port to listen on.
    pub port: u16,
    /// `OPENCODE_SERVER_PASSWORD` for this process.
    pub password: String,
    /// Extra environment (tests: HOME and XDG dirs).
    pub env: Vec<(String, String)>,
    /// Append the process output here.
    pub log_file: Option<Arc<Path>>,
}

/// A running engine process.
#[derive(Debug)]
pub struct EngineProcess {
    child: Child,
    pid: u32,
    reaper: Option<Child>,
    finished: bool,
}

impl EngineProcess {
    /// Spawn OpenCode as described by `spec`; its stderr lines go to `stderr_tail`.
    pub fn spawn(spec: &SpawnSpec, stderr_tail: LogTail) -> Result<Self> {
        let mut cmd = Command::new(&spec.bin);
        cmd.args(["serve", "--hostname", "127.0.0.1", "--port"])
            .arg(spec.port.to_string())
            .current_dir(&spec.workspace)
            .env("OPENCODE_SERVER_PASSWORD", &spec.password)
            .env("OPENCODE_SERVER_USERNAME", "opencode")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        for var in SECRET_ENV {
            cmd.env_remove(var);
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        set_parent_death_signal(&mut cmd);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("could not start {}", spec.bin.display()))?;
        let pid = child.id().context("engine exited before its pid was read")?;
        if let Some(out) = child.stdout.take() {
            tokio::spawn(pump(out, "stdout", None, spec.log_file.clone()));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(pump(err, "stderr", Some(stderr_tail), spec.log_file.clone()));
        }
        let reaper = spawn_group_reaper(pid)
            .map_err(|e| tracing::warn!("could not start the engine group reaper: {e:#}"))
            .ok();
        Ok(Self { child, pid, reaper, finished: false })
    }

    /// Pid (= process group id) of the engine.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Wait for the engine to exit (cancel-safe).
    pub async fn wait(&mut self) -> std::io::Result<ExitStatus> {
        self.child.wait().await
    }

    /// Stop the whole group: SIGTERM, up to `grace`, then SIGKILL.
    /// Returns how the leader ended.
    pub async fn stop(mut self, grace: Duration) -> Option<ExitStatus> {
        signal_group(self.pid, Signal::SIGTERM);
        let status = match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(s) => s.ok(),
            Err(_) => {
                tracing::warn!(pid = self.pid, "engine ignored SIGTERM for {grace:?}; sending SIGKILL");
                signal_group(self.pid, Signal::SIGKILL);
                self.child.wait().await.ok()
            }
        };
        self.finish();
        status
    }

    /// After the leader exited: kill whatever is left in its group and
    /// retire the reaper.
    pub fn finish(&mut self) {
        self.finished = true;
        signal_group(self.pid, Signal::SIGKILL);
        if let Some(mut r) = self.reaper.take() {
            let _ = r.start_kill();
            tokio::spawn(async move {
                let _ = r.wait().await;
            });
        }
    }
}

impl Drop for EngineProcess {
    fn drop(&mut self) {
        // Never leave a group behind, whatever path dropped us.
        if !self.finished {
            self.finish();
        }
    }
}

/// Send `sig` to the process group `pgid`; a group that is already gone is fine.
pub fn signal_group(pgid: u32, sig: Signal) {
    if let Err(e) = killpg(Pid::from_raw(pgid as i32), sig) {
        if e != nix::errno::Errno::ESRCH {
            tracing::warn!(pgid, "could not send {sig} to the engine group: {e}");
        }
    }
}

/// `sh` waiting for EOF on a pipe only the host holds, then SIGKILLing the
/// group: the host's death (any signal) closes the pipe.
fn spawn_group_reaper(pgid: u32) -> Result<Child> {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(r#"cat >/dev/null; kill -KILL -- "-$0" 2>/dev/null"#)
        .arg(pgid.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd.spawn().context("could not start /bin/sh")
}

#[cfg(target_os = "linux")]
fn set_parent_death_signal(cmd: &mut Command) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn set_parent_death_signal(_cmd: &mut Command) {}

/// A free loopback port (bound then released; the engine binds it next).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(l.local_addr()?.port())
}

/// Whether another program holds `port` on 127.0.0.1 (we cannot bind it).
pub fn port_taken(port: u16) -> bool {
    matches!(
        std::net::TcpListener::bind(("127.0.0.1", port)),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse
    )
}

/// `exit code N` / `signal N` for an exit status.
pub fn describe_exit(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(s)) => format!("signal {s}"),
        _ => status.to_string(),
    }
}
