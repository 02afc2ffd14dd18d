//! An engine the host does not own: an `opencode serve` started by someone
//! else (the `openwork-server` sidecar mode).
//!
//! Nothing is spawned or stopped. A background task polls
//! `GET /global/health` (fresh connection, bounded per-request timeout, as in
//! [`super::readiness`]) and publishes `running`, `backoff` (refused, an error)
//! or `unresponsive` (no answer: hung) through the same
//! `watch` + `broadcast` channels as the supervisor, so the API and the proxy
//! work unchanged. `restart()` re-checks at once; `shutdown()` stops the
//! poller (the OpenCode process is left alone).
use std::sync::Arc;
use std::time::{Duration, Instant};

use openwork_wire::{EngineState, EngineStatus};
use tokio::sync::{broadcast, mpsc, watch};

use super::readiness::{check_once_as, probe_client, HealthError};
use super::{Command, EngineEndpoint, EngineHandle, Snapshot};

/// How an external engine is watched.
#[derive(Debug, Clone, Copy)]
pub struct ExternalOptions {
    /// Pause between health checks while it answers.
    pub interval: Duration,
    /// Pause between health checks while it does not.
    pub retry_interval: Duration,
    /// Timeout of one health request.
    pub per_request: Duration,
    /// Failed checks in a row before a `running` engine is declared down
    /// (slow answers on a busy machine must not make the proxy answer 503/504).
    pub failures_before_down: u32,
}

impl Default for ExternalOptions {
    /// As patient as the probing of an engine the host runs itself
    /// ([`super::Liveness`]): a 1 s timeout and two misses made an OpenCode
    /// that was merely slow on an overloaded machine "unresponsive".
    fn default() -> Self {
        let liveness = super::Liveness::default();
        Self {
            interval: Duration::from_secs(3),
            retry_interval: Duration::from_millis(500),
            per_request: liveness.timeout,
            failures_before_down: liveness.misses,
        }
    }
}

/// Start watching `endpoint`; the first check runs at once.
pub(super) fn start(mut endpoint: EngineEndpoint, opts: ExternalOptions) -> EngineHandle {
    endpoint.base_url = endpoint.base_url.trim_end_matches('/').to_string();
    let mut status = EngineStatus::new(EngineState::Starting);
    status.port = url::Url::parse(&endpoint.base_url).ok().and_then(|u| u.port_or_known_default());
    let (snapshot, rx) = watch::channel(Snapshot { status, endpoint: None, running_since: None });
    let (transitions, _) = broadcast::channel(64);
    let (cmd_tx, cmd_rx) = mpsc::channel(8);
    let watcher = Watcher {
        endpoint: Arc::new(endpoint),
        opts,
        snapshot,
        transitions: transitions.clone(),
        commands: cmd_rx,
    };
    tokio::spawn(watcher.run());
    EngineHandle { snapshot: rx, transitions, commands: cmd_tx, owned: false }
}

struct Watcher {
    endpoint: Arc<EngineEndpoint>,
    opts: ExternalOptions,
    snapshot: watch::Sender<Snapshot>,
    transitions: broadcast::Sender<EngineStatus>,
    commands: mpsc::Receiver<Command>,
}

impl Watcher {
    async fn run(mut self) {
        let client = match probe_client(self.opts.per_request) {
            Ok(c) => c,
            Err(e) => {
                self.publish(|s| {
                    s.status.state = EngineState::Failed;
                    s.status.last_error = Some(format!("could not build HTTP client: {e}"));
                });
                return;
            }
        };
        let health = format!("{}/global/health", self.endpoint.base_url);
        let password = Some(self.endpoint.password.as_str()).filter(|p| !p.is_empty());
        let mut failures: u32 = 0;
        loop {
            let result = check_once_as(&client, &health, &self.endpoint.username, password).await;
            let state = self.snapshot.borrow().status.state;
            match result {
                Ok(version) => {
                    let had_failures = failures > 0;
                    failures = 0;
                    if state == EngineState::Running && had_failures {
                        self.snapshot.send_modify(|s| {
                            s.status.consecutive_failures = 0;
                            s.status.last_error = None;
                        });
                    } else if state != EngineState::Running {
                        let endpoint = self.endpoint.clone();
                        self.publish(|s| {
                            s.status.state = EngineState::Running;
                            s.status.version = version.or(s.status.version.take());
                            s.status.consecutive_failures = 0;
                            s.status.last_error = None;
                            s.endpoint = Some(endpoint);
                            s.running_since = Some(Instant::now());
                        });
                    }
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let down = state != EngineState::Running || failures >= self.opts.failures_before_down;
                    // No answer at all: hung (requests waiting on it end with 504);
                    // anything else (refused, an error status): down.
                    let next = if e == HealthError::Timeout { EngineState::Unresponsive } else { EngineState::Backoff };
                    if down && (state != next || failures == 1) {
                        self.publish(|s| {
                            s.status.state = next;
                            s.status.consecutive_failures = failures;
                            s.status.last_error = Some(format!("OpenCode at {health} does not answer: {e}"));
                            s.endpoint = None;
                            s.running_since = None;
                        });
                    } else {
                        self.snapshot.send_modify(|s| {
                            s.status.consecutive_failures = failures;
                            s.status.last_error = Some(format!("OpenCode at {health} does not answer: {e}"));
                        });
                    }
                }
            }
            let pause = if self.snapshot.borrow().status.state == EngineState::Running {
                self.opts.interval
            } else {
                self.opts.retry_interval
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                cmd = self.commands.recv() => match cmd {
                    Some(Command::Restart) => {
                        // Nothing to restart: check again now.
                        self.publish(|s| s.status.restarts += 1);
                    }
                    Some(Command::Shutdown(ack)) => {
                        self.publish(|s| {
                            s.status.state = EngineState::Stopped;
                            s.endpoint = None;
                            s.running_since = None;
                        });
                        let _ = ack.send(());
                        return;
                    }
                    None => return,
                },
            }
        }
    }

    fn publish(&self, f: impl FnOnce(&mut Snapshot)) {
        self.snapshot.send_modify(f);
        let status = self.snapshot.borrow().status_now();
        match status.state {
            EngineState::Backoff => tracing::warn!(
                error = status.last_error.as_deref().unwrap_or("-"),
                "external OpenCode is not answering; the proxy answers 503 until it does"
            ),
            state => tracing::info!(version = status.version.as_deref().unwrap_or("?"), "external OpenCode {state}"),
        }
        let _ = self.transitions.send(status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A fake OpenCode health endpoint that can be switched off.
    async fn fake(up: Arc<AtomicBool>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let up = up.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = [0u8; 2048];
                    let n = sock.read(&mut buf).await.unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..n]).to_ascii_lowercase();
                    // "u:p" base64 = dTpw
                    let authed = req.contains("authorization: basic dtpw");
                    let (status, body) = match (up, authed) {
                        (true, true) => ("200 OK", r#"{"healthy":true,"version":"7.7.7"}"#),
                        (true, false) => ("401 Unauthorized", "{}"),
                        (false, _) => ("503 Service Unavailable", "{}"),
                    };
                    let resp = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn fast() -> ExternalOptions {
        ExternalOptions {
            interval: Duration::from_millis(30),
            retry_interval: Duration::from_millis(30),
            per_request: Duration::from_millis(200),
            failures_before_down: 2,
        }
    }

    #[tokio::test]
    async fn follows_the_external_engine_up_and_down() {
        let up = Arc::new(AtomicBool::new(true));
        let base = fake(up.clone()).await;
        let handle = EngineHandle::external_with(
            EngineEndpoint { base_url: base, username: "u".into(), password: "p".into() },
            fast(),
        );
        let mut events = handle.subscribe();
        let s = handle.wait_for(Duration::from_secs(3), |s| s.state == EngineState::Running).await.unwrap();
        assert_eq!(s.version.as_deref(), Some("7.7.7"));
        assert_eq!(handle.endpoint().unwrap().username, "u");
        assert_eq!(events.recv().await.unwrap().state, EngineState::Running);

        up.store(false, Ordering::SeqCst);
        let s = handle.wait_for(Duration::from_secs(3), |s| s.state == EngineState::Backoff).await.unwrap();
        assert!(s.last_error.unwrap().contains("503"));
        assert!(handle.endpoint().is_none());

        up.store(true, Ordering::SeqCst);
        handle.restart().await;
        handle.wait_for(Duration::from_secs(3), |s| s.state == EngineState::Running).await.unwrap();

        handle.shutdown().await;
        assert_eq!(handle.status().state, EngineState::Stopped);
    }

    #[tokio::test]
    async fn wrong_password_is_not_running() {
        let up = Arc::new(AtomicBool::new(true));
        let base = fake(up).await;
        let handle = EngineHandle::external_with(
            EngineEndpoint { base_url: base, username: "u".into(), password: "wrong".into() },
            fast(),
        );
        let s = handle.wait_for(Duration::from_secs(3), |s| s.state == EngineState::Backoff).await.unwrap();
        assert!(s.last_error.unwrap().contains("401"), "{:?}", handle.status());
        handle.shutdown().await;
    }
}
