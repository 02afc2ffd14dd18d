//! The handshake: decide what a URL points at and how to reach OpenCode through it,
//! then (in [`connect`]) prove the path works with a real OpenCode call.
use std::time::{Duration, Instant};

use openwork_wire::{Health, WorkspaceList};

use crate::error::HandshakeError;
use crate::opencode::{self, OpencodeAuth, OpencodeEndpoint, OpencodeProbe, DEFAULT_OPENCODE_USERNAME};
use crate::probe::{probe_openwork, NotOpenWork, Probe};
use crate::transport::{probe_client, TransportFailure, DEFAULT_HEALTH_TIMEOUT, DEFAULT_REQUEST_TIMEOUT};
use crate::url::{join, normalize_directory, normalize_url};

/// Inputs of a handshake besides the URL.
#[derive(Clone)]
pub struct HandshakeOptions {
    /// OpenWork client token (`Authorization: Bearer`).
    pub token: Option<String>,
    /// Skip the OpenWork probe and treat the URL as an OpenCode server.
    pub direct: bool,
    /// Workspace directory for a direct OpenCode (default: OpenCode's own, from `GET /path`).
    /// Ignored for an OpenWork host, which says which directory it serves.
    pub directory: Option<String>,
    /// Password of a direct OpenCode started with `OPENCODE_SERVER_PASSWORD`.
    pub opencode_password: Option<String>,
    /// User name for that password (default `opencode`).
    pub opencode_username: Option<String>,
    /// Bound on each health request (`/health`, `/global/health`).
    pub health_timeout: Duration,
    /// Bound on each other request (`/workspaces`, `/path`, `/session`).
    pub request_timeout: Duration,
}

impl Default for HandshakeOptions {
    fn default() -> Self {
        Self {
            token: None,
            direct: false,
            directory: None,
            opencode_password: None,
            opencode_username: None,
            health_timeout: DEFAULT_HEALTH_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

impl std::fmt::Debug for HandshakeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandshakeOptions")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("direct", &self.direct)
            .field("directory", &self.directory)
            .field("opencode_password", &self.opencode_password.as_ref().map(|_| "<redacted>"))
            .field("opencode_username", &self.opencode_username)
            .field("health_timeout", &self.health_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// The host side of an OpenWork handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInfo {
    /// Normalised host URL.
    pub url: String,
    /// OpenWork version of the host.
    pub version: String,
    /// Host workspace id (`ws_...`).
    pub workspace_id: String,
    /// Host workspace name.
    pub workspace_name: String,
    /// Absolute workspace path on the host.
    pub workspace_path: String,
}

/// What a successful handshake found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handshake {
    /// An OpenWork host; OpenCode is reached through its proxy with the bearer token.
    OpenWork {
        /// The host and its active workspace.
        host: HostInfo,
        /// The host's `/opencode` proxy for that workspace.
        opencode: OpencodeEndpoint,
    },
    /// A direct OpenCode server.
    OpenCode {
        /// Base URL, directory and credentials.
        opencode: OpencodeEndpoint,
        /// OpenCode version from `/global/health`.
        version: String,
        /// Why the OpenWork probe said no (`None` with `--direct`).
        not_openwork: Option<NotOpenWork>,
    },
}

impl Handshake {
    /// How to reach OpenCode, whichever the path.
    pub fn opencode(&self) -> &OpencodeEndpoint {
        match self {
            Self::OpenWork { opencode, .. } | Self::OpenCode { opencode, .. } => opencode,
        }
    }
}

/// A handshake whose OpenCode path was proven by listing sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// What was found.
    pub handshake: Handshake,
    /// Number of sessions in the workspace.
    pub session_count: usize,
    /// Time the whole connect took.
    pub elapsed: Duration,
}

/// Run the handshake against `url` (any spelling; it is normalised).
///
/// 1. Unless `direct`, probe `GET /health` ([`probe_openwork`]). OpenWork →
///    `GET /workspaces` with the bearer token, and use `active.opencode`.
///    401/403 on either → [`HandshakeError::AuthFailed`], never a fallback.
///    Timeouts / DNS → [`HandshakeError::Unreachable`].
/// 2. Not OpenWork → `GET /global/health` on the same URL as a direct OpenCode
///    (Basic auth when a password is given), then `GET /path` for the directory
///    when none was given.
pub async fn handshake(url: &str, opts: &HandshakeOptions) -> Result<Handshake, HandshakeError> {
    let base = normalize_url(url)?;
    let client = probe_client(opts.health_timeout);
    let not_openwork = if opts.direct {
        None
    } else {
        match probe_openwork(&client, &base, opts.health_timeout).await {
            Probe::OpenWork(health) => return openwork_workspaces(&client, &base, health, opts).await,
            Probe::AuthFailed { status } => return Err(HandshakeError::auth_failed(&base, status, opts.token.is_some())),
            Probe::Unreachable(f) => return Err(HandshakeError::Unreachable { url: base, reason: f.to_string() }),
            Probe::NotOpenWork(reason) => Some(reason),
        }
    };
    direct_opencode(&client, &base, opts, not_openwork).await
}

/// Handshake, then prove the OpenCode path with `GET /session?directory=`.
pub async fn connect(url: &str, opts: &HandshakeOptions) -> Result<Connected, HandshakeError> {
    let started = Instant::now();
    let handshake = handshake(url, opts).await?;
    let client = probe_client(opts.health_timeout);
    let sessions = opencode::list_sessions(&client, handshake.opencode(), opts.request_timeout).await?;
    Ok(Connected { handshake, session_count: sessions.len(), elapsed: started.elapsed() })
}

/// `GET /workspaces` on an OpenWork host and build the result.
async fn openwork_workspaces(
    client: &reqwest::Client,
    base: &str,
    health: Health,
    opts: &HandshakeOptions,
) -> Result<Handshake, HandshakeError> {
    let mut req = client.get(join(base, "/workspaces")).timeout(opts.request_timeout);
    if let Some(t) = &opts.token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.map_err(|e| opencode::transport_error(base, &e))?;
    let status = resp.status().as_u16();
    if status == 401 || status == 403 {
        return Err(HandshakeError::auth_failed(base, status, opts.token.is_some()));
    }
    if !resp.status().is_success() {
        return Err(HandshakeError::Protocol { url: base.to_string(), message: format!("GET /workspaces answered HTTP {status}") });
    }
    let bytes = resp.bytes().await.map_err(|e| opencode::transport_error(base, &e))?;
    let list: WorkspaceList = serde_json::from_slice(&bytes).map_err(|e| HandshakeError::Protocol {
        url: base.to_string(),
        message: format!("GET /workspaces: {e}"),
    })?;
    let active = list.active;
    let proxy = resolve_against(base, &active.opencode.base_url)?;
    let token = opts.token.clone().unwrap_or_default();
    Ok(Handshake::OpenWork {
        host: HostInfo {
            url: base.to_string(),
            version: health.version,
            workspace_id: active.id,
            workspace_name: active.name,
            workspace_path: active.path,
        },
        opencode: OpencodeEndpoint {
            base_url: proxy,
            directory: active.opencode.directory,
            auth: OpencodeAuth::Bearer(token),
        },
    })
}

/// A base URL from the host, possibly relative (`/opencode`), made absolute and normalised.
fn resolve_against(base: &str, reported: &str) -> Result<String, HandshakeError> {
    let absolute = if reported.starts_with('/') {
        join(base, reported)
    } else {
        reported.to_string()
    };
    normalize_url(&absolute).map_err(|e| HandshakeError::Protocol {
        url: base.to_string(),
        message: format!("GET /workspaces gave an unusable opencode.baseUrl: {e}"),
    })
}

/// Treat `base` as a direct OpenCode server.
async fn direct_opencode(
    client: &reqwest::Client,
    base: &str,
    opts: &HandshakeOptions,
    not_openwork: Option<NotOpenWork>,
) -> Result<Handshake, HandshakeError> {
    let auth = match &opts.opencode_password {
        Some(password) => OpencodeAuth::Basic {
            username: opts.opencode_username.clone().unwrap_or_else(|| DEFAULT_OPENCODE_USERNAME.to_string()),
            password: password.clone(),
        },
        None => OpencodeAuth::None,
    };
    let version = match opencode::probe_opencode(client, base, &auth, opts.health_timeout).await {
        OpencodeProbe::Healthy { version } => version,
        OpencodeProbe::NeedsBasicAuth => {
            return Err(match &auth {
                OpencodeAuth::Basic { username, .. } => {
                    HandshakeError::OpencodeWrongPassword { url: base.to_string(), username: username.clone() }
                }
                _ => HandshakeError::OpencodeNeedsPassword { url: base.to_string() },
            })
        }
        OpencodeProbe::Forbidden(status) => {
            return Err(HandshakeError::NotRecognised {
                url: base.to_string(),
                openwork: describe(&not_openwork),
                opencode: format!("GET /global/health answered HTTP {status} without a Basic challenge"),
            })
        }
        OpencodeProbe::NotOpencode(why) => {
            return Err(HandshakeError::NotRecognised { url: base.to_string(), openwork: describe(&not_openwork), opencode: why })
        }
        OpencodeProbe::Transport(f) => return Err(transport_failure(base, f, &not_openwork)),
    };
    let directory = match &opts.directory {
        Some(d) => normalize_directory(d),
        None => opencode::current_directory(client, base, &auth, opts.request_timeout).await?,
    };
    Ok(Handshake::OpenCode {
        opencode: OpencodeEndpoint { base_url: base.to_string(), directory, auth },
        version,
        not_openwork,
    })
}

/// Error for a transport failure on the OpenCode probe.
fn transport_failure(base: &str, f: TransportFailure, not_openwork: &Option<NotOpenWork>) -> HandshakeError {
    match f {
        TransportFailure::Other(e) => {
            HandshakeError::NotRecognised { url: base.to_string(), openwork: describe(not_openwork), opencode: e }
        }
        other => HandshakeError::Unreachable { url: base.to_string(), reason: other.to_string() },
    }
}

/// The OpenWork probe's reason, in words.
fn describe(not_openwork: &Option<NotOpenWork>) -> String {
    match not_openwork {
        Some(r) => r.to_string(),
        None => "not probed (--direct)".to_string(),
    }
}
