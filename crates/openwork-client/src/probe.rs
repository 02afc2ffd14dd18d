//! Step one of the handshake: is there an OpenWork host at this URL?
//!
//! Follows the wire contract (reference §4): `GET /health` (no token needed)
//! answering JSON with `ok`, `healthy` and `version` means OpenWork; 401/403
//! means OpenWork with a wrong or missing token (never fall back then), except a
//! 401 with a `www-authenticate: Basic` challenge (a password-protected OpenCode); 404,
//! other statuses, non-JSON, JSON without those fields, a refused connection
//! or a TLS/HTTP error mean "not OpenWork, try OpenCode directly"; a timeout or
//! a name that does not resolve means unreachable.
use std::time::Duration;

use openwork_wire::Health;

use crate::transport::{classify, TransportFailure};
use crate::url::join;

/// Outcome of probing `GET {url}/health`.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// An OpenWork host answered with its health body.
    OpenWork(Health),
    /// Something that is not an OpenWork host (or nothing listening): try OpenCode.
    NotOpenWork(NotOpenWork),
    /// An OpenWork host (or something behind the same auth) refused: 401 or 403.
    AuthFailed {
        /// The HTTP status (401 or 403).
        status: u16,
    },
    /// No answer within the bound, or the name did not resolve.
    Unreachable(TransportFailure),
}

/// Why a probe concluded "not OpenWork".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpenWork {
    /// 404 on `/health`.
    NotFound,
    /// Another non-success, non-auth status.
    Status(u16),
    /// A 2xx body that is not JSON (an HTML page, ...).
    NotJson,
    /// JSON without `ok`/`healthy`/`version`.
    MissingFields,
    /// Nothing listens on the port.
    Refused,
    /// TLS or HTTP-level failure (a server speaking something else).
    Transport(String),
    /// 401 with `www-authenticate: Basic`: a password-protected OpenCode, not OpenWork.
    BasicAuthChallenge,
}

impl std::fmt::Display for NotOpenWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound => f.write_str("GET /health answered 404"),
            Self::Status(s) => write!(f, "GET /health answered HTTP {s}"),
            Self::NotJson => f.write_str("GET /health did not answer JSON"),
            Self::MissingFields => f.write_str("GET /health answered JSON without the OpenWork fields"),
            Self::Refused => f.write_str("connection refused"),
            Self::Transport(e) => write!(f, "transport error: {e}"),
            Self::BasicAuthChallenge => f.write_str("GET /health asked for HTTP Basic auth"),
        }
    }
}

/// Probe `GET {base}/health` with a bound of `timeout` for the whole request.
///
/// `base` must be normalised (see [`crate::url::normalize_url`]).
pub async fn probe_openwork(client: &reqwest::Client, base: &str, timeout: Duration) -> Probe {
    let resp = client.get(join(base, "/health")).timeout(timeout).send().await;
    let resp = match resp {
        Ok(r) => r,
        Err(e) => return from_transport(classify(&e)),
    };
    let status = resp.status().as_u16();
    if status == 401 && has_basic_challenge(resp.headers()) {
        // OpenWork uses bearer tokens and leaves /health open; a Basic challenge
        // here is a password-protected OpenCode (it guards every route).
        return Probe::NotOpenWork(NotOpenWork::BasicAuthChallenge);
    }
    if status == 401 || status == 403 {
        return Probe::AuthFailed { status };
    }
    if status == 404 {
        return Probe::NotOpenWork(NotOpenWork::NotFound);
    }
    if !resp.status().is_success() {
        return Probe::NotOpenWork(NotOpenWork::Status(status));
    }
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => return from_transport(classify(&e)),
    };
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return Probe::NotOpenWork(NotOpenWork::NotJson),
    };
    if !Health::looks_like_openwork(&value) {
        return Probe::NotOpenWork(NotOpenWork::MissingFields);
    }
    let health = Health {
        ok: value["ok"].as_bool().unwrap_or(false),
        healthy: value["healthy"].as_bool().unwrap_or(false),
        version: value["version"].as_str().unwrap_or_default().to_string(),
        uptime_ms: value.get("uptimeMs").and_then(|v| v.as_u64()).unwrap_or(0),
    };
    Probe::OpenWork(health)
}

/// Whether a `www-authenticate` header carries a Basic challenge.
pub fn has_basic_challenge(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|s| s.trim_start().to_ascii_lowercase().starts_with("basic")))
}

/// Map a transport failure onto a probe outcome.
fn from_transport(f: TransportFailure) -> Probe {
    match f {
        TransportFailure::Refused => Probe::NotOpenWork(NotOpenWork::Refused),
        TransportFailure::Other(e) => Probe::NotOpenWork(NotOpenWork::Transport(e)),
        other => Probe::Unreachable(other),
    }
}
