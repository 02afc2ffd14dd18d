//! The HTTP client used for handshakes, and the classification of its errors.
use std::time::Duration;

/// Default bound for `GET /health` and `GET /global/health`.
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_millis(1500);
/// Default bound for the other handshake requests (`/workspaces`, `/path`, `/session`).
///
/// Longer than the health bound: OpenCode creates its per-directory instance on
/// the first request for a directory.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A `reqwest` client suited to probing unknown servers: no idle connection
/// reuse (a connection accepted before a server is ready is never answered,
/// so each probe uses a fresh one), and a connect timeout of `connect_timeout`.
pub fn probe_client(connect_timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(concat!("openwork-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client with static settings")
}

/// What went wrong below HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportFailure {
    /// Nothing listens on the port (fast, definite answer).
    Refused,
    /// No answer within the bound (connect or response).
    Timeout,
    /// The host name did not resolve.
    Dns(String),
    /// The network or host is unreachable at the IP level.
    NoRoute(String),
    /// Anything else: TLS failure, broken HTTP, connection reset, ...
    Other(String),
}

impl TransportFailure {
    /// Whether this means "no server can be reached there" (as opposed to "a
    /// server answered, but not in a way we understand").
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Timeout | Self::Dns(_) | Self::NoRoute(_))
    }
}

impl std::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused => f.write_str("connection refused"),
            Self::Timeout => f.write_str("timed out"),
            Self::Dns(e) => write!(f, "host name did not resolve ({e})"),
            Self::NoRoute(e) => write!(f, "no route to host ({e})"),
            Self::Other(e) => f.write_str(e),
        }
    }
}

/// Classify a `reqwest` error by walking its source chain.
pub fn classify(err: &reqwest::Error) -> TransportFailure {
    if err.is_timeout() {
        return TransportFailure::Timeout;
    }
    let chain = error_chain(err);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            match io.kind() {
                K::ConnectionRefused => return TransportFailure::Refused,
                K::TimedOut => return TransportFailure::Timeout,
                K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable => {
                    return TransportFailure::NoRoute(io.to_string())
                }
                _ => {}
            }
        }
        source = e.source();
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("dns") || lower.contains("failed to lookup address") || lower.contains("name or service not known") {
        return TransportFailure::Dns(chain);
    }
    TransportFailure::Other(chain)
}

/// `err: cause: cause` on one line, without the URL reqwest prefixes.
fn error_chain(err: &reqwest::Error) -> String {
    let mut parts = vec![err.without_url_ref()];
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// Helper trait: reqwest's `Display` includes the URL; this gives the message without it.
trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let kind = if self.is_connect() {
            "connect error"
        } else if self.is_body() || self.is_decode() {
            "body error"
        } else if self.is_request() {
            "request error"
        } else if self.is_redirect() {
            "redirect error"
        } else {
            "error"
        };
        kind.to_string()
    }
}
