//! Talking to an OpenCode API, directly or through an OpenWork host's `/opencode` proxy.
use std::time::Duration;

use crate::error::HandshakeError;
use crate::transport::{classify, TransportFailure};
use crate::url::join;

/// Default Basic-auth user name of `opencode serve` (`OPENCODE_SERVER_USERNAME` overrides it).
pub const DEFAULT_OPENCODE_USERNAME: &str = openwork_wire::OPENCODE_BASIC_USER;

/// How requests to an OpenCode base URL are authenticated.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum OpencodeAuth {
    /// No credentials (a direct OpenCode without a password).
    #[default]
    None,
    /// `Authorization: Bearer <token>`: an OpenWork host's proxy.
    Bearer(String),
    /// HTTP Basic: a direct OpenCode started with `OPENCODE_SERVER_PASSWORD`.
    Basic {
        /// User name (`opencode` unless configured otherwise).
        username: String,
        /// Password.
        password: String,
    },
}

impl std::fmt::Debug for OpencodeAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Self::Basic { username, .. } => write!(f, "Basic {{ username: {username:?}, password: <redacted> }}"),
        }
    }
}

impl OpencodeAuth {
    /// Attach the credentials to a request.
    pub fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Self::None => req,
            Self::Bearer(t) => req.bearer_auth(t),
            Self::Basic { username, password } => req.basic_auth(username, Some(password)),
        }
    }
}

/// Where and how to reach OpenCode for one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpencodeEndpoint {
    /// Base URL (normalised); paths like `/session` are appended to it.
    pub base_url: String,
    /// Workspace directory sent as `?directory=`.
    pub directory: String,
    /// Credentials for every request.
    pub auth: OpencodeAuth,
}

/// Result of `GET /global/health` on a direct OpenCode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpencodeProbe {
    /// `{"healthy": true, "version": ..}`.
    Healthy {
        /// OpenCode version.
        version: String,
    },
    /// 401 with `www-authenticate: Basic`: a password is needed (or was wrong).
    NeedsBasicAuth,
    /// 401/403 without a Basic challenge.
    Forbidden(u16),
    /// An answer that is not OpenCode's health body.
    NotOpencode(String),
    /// Transport failure.
    Transport(TransportFailure),
}

/// Probe `GET {base}/global/health` with the given credentials and bound.
pub async fn probe_opencode(client: &reqwest::Client, base: &str, auth: &OpencodeAuth, timeout: Duration) -> OpencodeProbe {
    let req = auth.apply(client.get(join(base, "/global/health")).timeout(timeout));
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return OpencodeProbe::Transport(classify(&e)),
    };
    let status = resp.status().as_u16();
    if status == 401 {
        let basic = crate::probe::has_basic_challenge(resp.headers());
        return if basic { OpencodeProbe::NeedsBasicAuth } else { OpencodeProbe::Forbidden(401) };
    }
    if status == 403 {
        return OpencodeProbe::Forbidden(403);
    }
    if !resp.status().is_success() {
        return OpencodeProbe::NotOpencode(format!("GET /global/health answered HTTP {status}"));
    }
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => return OpencodeProbe::Transport(classify(&e)),
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return OpencodeProbe::NotOpencode("GET /global/health did not answer JSON".into());
    };
    match (value.get("healthy").and_then(|v| v.as_bool()), value.get("version").and_then(|v| v.as_str())) {
        (Some(true), Some(version)) => OpencodeProbe::Healthy { version: version.to_string() },
        (Some(false), _) => OpencodeProbe::NotOpencode("OpenCode reports healthy=false".into()),
        _ => OpencodeProbe::NotOpencode("GET /global/health answered JSON without healthy/version".into()),
    }
}

/// `GET {base}/path` → `.directory`: the directory OpenCode was started in.
pub async fn current_directory(
    client: &reqwest::Client,
    base: &str,
    auth: &OpencodeAuth,
    timeout: Duration,
) -> Result<String, HandshakeError> {
    let value = get_json(client, &join(base, "/path"), auth, timeout, base).await?;
    value
        .get("directory")
        .and_then(|d| d.as_str())
        .map(str::to_string)
        .ok_or_else(|| HandshakeError::Protocol { url: base.to_string(), message: "GET /path answered without `directory`".into() })
}

/// `GET {base}/session?directory=D`: the sessions of the workspace (raw JSON objects).
///
/// This is the "prove it" call of a connect: it only succeeds when the whole
/// path (host proxy or direct OpenCode, with its credentials) works.
pub async fn list_sessions(
    client: &reqwest::Client,
    endpoint: &OpencodeEndpoint,
    timeout: Duration,
) -> Result<Vec<serde_json::Value>, HandshakeError> {
    let mut url = url::Url::parse(&join(&endpoint.base_url, "/session"))
        .map_err(|e| HandshakeError::Protocol { url: endpoint.base_url.clone(), message: e.to_string() })?;
    url.query_pairs_mut().append_pair("directory", &endpoint.directory);
    let value = get_json(client, url.as_str(), &endpoint.auth, timeout, &endpoint.base_url).await?;
    match value {
        serde_json::Value::Array(items) => Ok(items),
        _ => Err(HandshakeError::Protocol {
            url: endpoint.base_url.clone(),
            message: "GET /session did not answer a JSON array".into(),
        }),
    }
}

/// GET a JSON document, mapping failures onto handshake errors about `base`.
async fn get_json(
    client: &reqwest::Client,
    url: &str,
    auth: &OpencodeAuth,
    timeout: Duration,
    base: &str,
) -> Result<serde_json::Value, HandshakeError> {
    let resp = auth.apply(client.get(url).timeout(timeout)).send().await.map_err(|e| transport_error(base, &e))?;
    let status = resp.status().as_u16();
    if status == 401 || status == 403 {
        return Err(match auth {
            OpencodeAuth::Basic { username, .. } => {
                HandshakeError::OpencodeWrongPassword { url: base.to_string(), username: username.clone() }
            }
            OpencodeAuth::None => HandshakeError::OpencodeNeedsPassword { url: base.to_string() },
            OpencodeAuth::Bearer(_) => HandshakeError::auth_failed(base, status, true),
        });
    }
    if !resp.status().is_success() {
        let body = resp.text().await.unwrap_or_default();
        let snippet: String = body.chars().take(200).collect();
        return Err(HandshakeError::Protocol { url: base.to_string(), message: format!("HTTP {status}: {snippet}") });
    }
    let bytes = resp.bytes().await.map_err(|e| transport_error(base, &e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| HandshakeError::Protocol { url: base.to_string(), message: format!("invalid JSON: {e}") })
}

/// A transport failure as a handshake error.
pub(crate) fn transport_error(url: &str, e: &reqwest::Error) -> HandshakeError {
    HandshakeError::Unreachable { url: url.to_string(), reason: classify(e).to_string() }
}
