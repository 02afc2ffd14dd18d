//! Readiness probe for `opencode serve`.
//!
//! OpenCode's port accepts TCP ~0.2 s before it can answer, and a request
//! sent on a connection accepted in that window is never answered. So every
//! poll uses a fresh connection (no pooling) and a short per-request timeout,
//! under an overall deadline.
use std::time::{Duration, Instant};

use serde::Deserialize;

/// How to poll.
#[derive(Debug, Clone, Copy)]
pub struct ProbeConfig {
    /// Timeout of one health request (<= 250 ms per the reference).
    pub per_request: Duration,
    /// Pause between polls.
    pub interval: Duration,
    /// Give up after this long.
    pub deadline: Duration,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        Self {
            per_request: Duration::from_millis(250),
            interval: Duration::from_millis(10),
            deadline: Duration::from_secs(60),
        }
    }
}

/// Why the engine did not become ready.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// No healthy answer before the deadline.
    #[error("no healthy answer from {url} within {0:?}; last problem: {last}", .deadline)]
    Deadline {
        /// Health URL polled.
        url: String,
        /// Overall deadline.
        deadline: Duration,
        /// Last failure seen.
        last: String,
    },
    /// The port answers, but refuses the engine's password: another server
    /// took the port between our choice of it and the engine's start (the
    /// engine itself could not bind it). Not worth waiting for.
    #[error("{url} is answered by another server (it refuses this engine's password); the port was taken")]
    NotOurs {
        /// Health URL polled.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("could not build HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

#[derive(Deserialize)]
struct HealthBody {
    healthy: bool,
    version: Option<String>,
}

/// A one-connection-per-request HTTP client for health polls.
pub fn probe_client(per_request: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(per_request)
        .connect_timeout(per_request)
        .no_proxy()
        .build()
}

/// Why one health request did not say "healthy".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthError {
    /// No answer within the per-request timeout (a hung or busy server, or
    /// a connection accepted during OpenCode's readiness race).
    Timeout,
    /// 401: the server refuses the password.
    Unauthorized,
    /// Anything else (refused, another status, a bad body), in words.
    Other(String),
}

impl std::fmt::Display for HealthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => f.write_str("request timed out"),
            Self::Unauthorized => f.write_str("HTTP 401 Unauthorized (wrong password)"),
            Self::Other(s) => f.write_str(s),
        }
    }
}

/// One health request; `Ok(version)` when OpenCode says it is healthy.
pub async fn check_once(
    client: &reqwest::Client,
    health_url: &str,
    password: Option<&str>,
) -> Result<Option<String>, HealthError> {
    check_once_as(client, health_url, "opencode", password).await
}

/// [`check_once`] with another Basic-auth user name (OpenCode's
/// `OPENCODE_SERVER_USERNAME`).
pub async fn check_once_as(
    client: &reqwest::Client,
    health_url: &str,
    username: &str,
    password: Option<&str>,
) -> Result<Option<String>, HealthError> {
    let mut req = client.get(health_url);
    if let Some(pw) = password {
        req = req.basic_auth(username, Some(pw));
    }
    let resp = req.send().await.map_err(|e| describe(&e))?;
    let status = resp.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(HealthError::Unauthorized);
    }
    if !status.is_success() {
        return Err(HealthError::Other(format!("HTTP {status}")));
    }
    let body: HealthBody = resp.json().await.map_err(|e| describe(&e))?;
    if body.healthy {
        Ok(body.version)
    } else {
        Err(HealthError::Other("healthy: false".into()))
    }
}

/// Poll `health_url` until it answers healthy or `cfg.deadline` passes.
/// A new poll starts every `cfg.interval` without waiting for the previous
/// one (at most [`MAX_IN_FLIGHT`]), so a poll stuck on a connection accepted
/// during the readiness race does not delay noticing readiness.
/// `on_wait` is called about once a second with the time waited so far.
pub async fn wait_ready(
    health_url: &str,
    password: Option<&str>,
    cfg: ProbeConfig,
    mut on_wait: impl FnMut(Duration),
) -> Result<Option<String>, ProbeError> {
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let client = probe_client(cfg.per_request)?;
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + cfg.deadline;
    let mut last_report = Duration::ZERO;
    let mut last = String::from("no answer yet");
    let mut in_flight = FuturesUnordered::new();
    let mut tick = tokio::time::interval(cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick(), if in_flight.len() < MAX_IN_FLIGHT => {
                in_flight.push(check_once(&client, health_url, password));
            }
            Some(result) = in_flight.next() => match result {
                Ok(version) => return Ok(version),
                // Only a server without our password says that.
                Err(HealthError::Unauthorized) if password.is_some() => {
                    return Err(ProbeError::NotOurs { url: health_url.to_string() });
                }
                Err(e) => last = e.to_string(),
            },
            _ = tokio::time::sleep_until(deadline) => {
                return Err(ProbeError::Deadline { url: health_url.to_string(), deadline: cfg.deadline, last });
            }
        }
        let waited = start.elapsed();
        if waited - last_report >= Duration::from_secs(1) {
            last_report = waited;
            on_wait(waited);
        }
    }
}

/// Health polls allowed in flight at once.
pub const MAX_IN_FLIGHT: usize = 8;

fn describe(e: &reqwest::Error) -> HealthError {
    if e.is_timeout() {
        HealthError::Timeout
    } else if e.is_connect() {
        HealthError::Other("connection refused".into())
    } else {
        HealthError::Other(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listener that accepts connections and never answers must not hang
    /// the probe: it gives up at the deadline.
    #[tokio::test]
    async fn silent_listener_hits_the_deadline() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                held.push(sock);
            }
        });
        let cfg = ProbeConfig {
            per_request: Duration::from_millis(100),
            interval: Duration::from_millis(10),
            deadline: Duration::from_millis(800),
        };
        let start = Instant::now();
        let err = wait_ready(&format!("http://{addr}/global/health"), None, cfg, |_| {})
            .await
            .unwrap_err();
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");
        // Gives up at the deadline instead of waiting on a silent connection.
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
        assert!(err.to_string().contains("timed out"), "{err}");
        // Fresh connection per poll: several connections were opened.
        assert!(accepted.load(std::sync::atomic::Ordering::SeqCst) >= 3);
    }

    /// A server that refuses the engine's password is another program on the
    /// port: no waiting for the deadline.
    #[tokio::test]
    async fn a_server_refusing_the_password_is_not_ours() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let _ = sock.read(&mut buf).await;
                    let resp = "HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Basic\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                    let _ = sock.write_all(resp.as_bytes()).await;
                });
            }
        });
        let cfg = ProbeConfig { deadline: Duration::from_secs(60), ..ProbeConfig::default() };
        let err = wait_ready(&format!("http://{addr}/global/health"), Some("pw"), cfg, |_| {}).await.unwrap_err();
        assert!(matches!(err, ProbeError::NotOurs { .. }), "{err}");
        // Without a password a 401 is just not ready yet (nothing to tell).
        let cfg = ProbeConfig { deadline: Duration::from_millis(300), ..ProbeConfig::default() };
        let err = wait_ready(&format!("http://{addr}/global/health"), None, cfg, |_| {}).await.unwrap_err();
        assert!(matches!(err, ProbeError::Deadline { .. }), "{err}");
    }

    /// A server that starts answering after a while is detected.
    #[tokio::test]
    async fn late_answer_is_seen() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let start = Instant::now();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((mut sock, _)) = listener.accept().await {
                if start.elapsed() < Duration::from_millis(300) {
                    held.push(sock); // the readiness race: accepted, never answered
                    continue;
                }
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let _ = sock.read(&mut buf).await;
                    let body = r#"{"healthy":true,"version":"9.9.9"}"#;
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                });
            }
        });
        let cfg = ProbeConfig {
            per_request: Duration::from_millis(100),
            interval: Duration::from_millis(10),
            deadline: Duration::from_secs(60),
        };
        let v = wait_ready(&format!("http://{addr}/global/health"), None, cfg, |_| {}).await.unwrap();
        assert_eq!(v.as_deref(), Some("9.9.9"));
        // Seen once it answers, not at the deadline.
        assert!(start.elapsed() < Duration::from_secs(30), "{:?}", start.elapsed());
    }
}
