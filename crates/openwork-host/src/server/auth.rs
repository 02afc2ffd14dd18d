//! Authentication extractors.
//!
//! - [`ClientAuth`]: a device token (the host's client token is the owner
//!   token `client`) as `Authorization: Bearer <token>`; on `/opencode/*`
//!   also as HTTP Basic with any user name (OpenCode's own CLI and TUI send
//!   Basic). Carries the token's [`Grant`]: its id and [`TokenScope`].
//! - [`Caller`]: the same, with the [`Actor`] of a change (client id,
//!   token fingerprint for the audit log).
//! - [`Owner`]: a caller whose scope is `owner` (writes of the extension
//!   API); [`HostOrOwner`]: the host token or an owner (device tokens,
//!   pairing).
//! - [`HostAuth`]: `X-OpenWork-Host-Token: <host token>`.
//!
//! The host token and device tokens are not interchangeable. Comparisons are
//! constant-time; failures are counted by the limiter and logged with the
//! client address, never with the token. A device token's streams end when
//! it is revoked ([`StreamCut`]).
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine as _;
use openwork_wire::api::{Actor, TokenScope};
use openwork_wire::{HOST_TOKEN_HEADER, OPENCODE_PROXY_PREFIX};
use tokio::sync::watch;

use super::error::ApiError;
use super::AppState;
use crate::devices::CLIENT_ID;
use crate::tokens::TokenKind;

/// What a device token may do, and which one it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `tok_…`, or [`CLIENT_ID`] for the host's client token.
    pub id: String,
    /// Its scope.
    pub scope: TokenScope,
}

impl Grant {
    /// 403 `forbidden` unless the scope is at least `needed`.
    pub fn require(&self, needed: TokenScope, what: &str) -> Result<(), ApiError> {
        if self.scope >= needed {
            return Ok(());
        }
        Err(ApiError::new(
            openwork_wire::ErrorCode::Forbidden,
            format!("{what} needs a {} token; this one is {}", needed.name(), self.scope.name()),
        )
        .details(serde_json::json!({ "scope": self.scope, "needed": needed })))
    }
}

/// Proof that the request carried a device token (any scope).
#[derive(Debug, Clone)]
pub struct ClientAuth(pub Grant);

/// A device token's request with the [`Actor`] of what it changes.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's grant.
    pub grant: Grant,
    /// Who, for approvals and the audit log.
    pub actor: Actor,
}

/// A caller with an owner token: the [`Actor`] of a write.
#[derive(Debug, Clone)]
pub struct Owner(pub Actor);

/// The host token, or an owner token.
#[derive(Debug, Clone)]
pub struct HostOrOwner(pub Option<Grant>);

/// Proof that the request carried the host token.
#[derive(Debug, Clone, Copy)]
pub struct HostAuth;

/// Where a request's authentication leaves the "this token was revoked"
/// signal, so the response (an event stream, a proxied body) ends with it
/// (see `server::cut_revoked_streams`).
#[derive(Clone, Default)]
pub struct StreamCut(pub Arc<Mutex<Option<watch::Receiver<bool>>>>);

impl StreamCut {
    /// The revocation signal, taken (a handler that ends its own stream
    /// takes it: the answer is then left as it is).
    pub fn take(&self) -> Option<watch::Receiver<bool>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The bearer token in `headers`, if any.
pub fn bearer_of(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

/// The password of HTTP Basic credentials (any user), if any.
fn basic_password(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

/// Whether `path` is the `/opencode` proxy's.
pub fn is_proxied(path: &str) -> bool {
    path == OPENCODE_PROXY_PREFIX || path.starts_with("/opencode/")
}

/// The token a request presents to the client side of the API: Bearer, or
/// on `/opencode/*` Basic, unless a browser says the request comes from
/// another site (credentials a browser remembered are never used for
/// another site's page).
pub fn presented(parts: &Parts) -> Option<String> {
    bearer_of(&parts.headers).or_else(|| {
        (is_proxied(parts.uri.path()) && !from_another_site(&parts.headers)).then(|| basic_password(parts)).flatten()
    })
}

/// Whether a browser marked the request as made by another site's page
/// (`Sec-Fetch-Site` other than `same-origin` or `none`).
pub fn from_another_site(headers: &http::HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_some_and(|v| !matches!(v.as_bytes(), b"same-origin" | b"none"))
}

/// Whether a browser sent the request from a page (fetch, XHR, WebSocket:
/// `Sec-Fetch-Mode` other than `navigate`): a Basic challenge would make
/// it ask the user for a password and remember it.
pub fn from_a_page(headers: &http::HeaderMap) -> bool {
    headers.get("sec-fetch-mode").is_some_and(|v| v.as_bytes() != b"navigate")
}

/// The client's address (unspecified when unknown, e.g. in-process tests).
pub fn peer_ip(extensions: &http::Extensions) -> std::net::IpAddr {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// Count a failed attempt; past the allowance, wait and answer 429.
pub async fn failed_attempt(extensions: &http::Extensions, state: &AppState, err: ApiError) -> ApiError {
    let ip = peer_ip(extensions);
    match state.auth_limiter.record_failure(ip) {
        None => err,
        Some(delay) => {
            tracing::warn!(%ip, "repeated failed authentication; slowing down");
            tokio::time::sleep(delay).await;
            ApiError::new(
                openwork_wire::ErrorCode::TooManyRequests,
                "too many failed authentication attempts; wait a minute",
            )
        }
    }
}

/// What a presented token is, as far as the token set knows.
enum Presented {
    /// The client token, with its revocation signal (a rotation ends its streams).
    Client(watch::Receiver<bool>),
    /// The host token (not for clients).
    Host,
    /// Neither: a device token, or a wrong one.
    Other,
}

/// The grant of a device token, or why there is none.
async fn device(parts: &Parts, state: &AppState) -> Result<Grant, ApiError> {
    let Some(token) = presented(parts) else {
        return Err(ApiError::unauthorized("missing token: send `Authorization: Bearer <token>`"));
    };
    // The client token's revocation is subscribed to only for the client
    // token, under the token set's lock with the check: a rotation (which
    // ends the old token's streams once the new token is in place) cannot
    // fall in between. A device token's comes with its own check.
    let kind = state.tokens.classify_then(&token, |kind| match kind {
        Some(TokenKind::Client) => Presented::Client(state.devices.revoked(CLIENT_ID)),
        Some(TokenKind::Host) => Presented::Host,
        None => Presented::Other,
    });
    let (grant, revoked) = match kind {
        Presented::Client(revoked) => {
            state.devices.client_used();
            (Grant { id: CLIENT_ID.into(), scope: TokenScope::Owner }, revoked)
        }
        Presented::Host => {
            return Err(ApiError::unauthorized("this is the host token; clients must use a client or device token"))
        }
        Presented::Other => match state.devices.check(&token) {
            Some((id, scope, revoked)) => (Grant { id, scope }, revoked),
            None => {
                tracing::warn!(path = %parts.uri.path(), "rejected a request with a wrong token");
                return Err(failed_attempt(&parts.extensions, state, ApiError::unauthorized("wrong token")).await);
            }
        },
    };
    // The request's streams end when this token stops working.
    if let Some(cut) = parts.extensions.get::<StreamCut>() {
        *cut.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(revoked);
    }
    Ok(grant)
}

impl FromRequestParts<AppState> for ClientAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ClientAuth(device(parts, state).await?))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let grant = device(parts, state).await?;
        let client_id = parts
            .headers
            .get("x-openwork-client-id")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().filter(|c| !c.is_control()).take(64).collect::<String>())
            .filter(|s| !s.is_empty());
        let actor = Actor {
            kind: "remote".into(),
            client_id,
            token_hash: presented(parts).as_deref().map(crate::tokens::fingerprint),
        };
        Ok(Caller { grant, actor })
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.grant.require(TokenScope::Owner, "changing the workspace's extensions")?;
        Ok(Owner(caller.actor))
    }
}

impl FromRequestParts<AppState> for HostOrOwner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts.headers.contains_key(HOST_TOKEN_HEADER) {
            HostAuth::from_request_parts(parts, state).await?;
            return Ok(HostOrOwner(None));
        }
        let grant = device(parts, state).await?;
        grant.require(TokenScope::Owner, "managing device tokens")?;
        Ok(HostOrOwner(Some(grant)))
    }
}

impl FromRequestParts<AppState> for HostAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = parts.headers.get(HOST_TOKEN_HEADER).and_then(|v| v.to_str().ok()) else {
            return Err(ApiError::unauthorized(
                "missing host token: send `X-OpenWork-Host-Token: <host token>`",
            ));
        };
        match state.tokens.classify(token.trim()) {
            Some(TokenKind::Host) => Ok(HostAuth),
            Some(TokenKind::Client) => Err(ApiError::unauthorized(
                "this is the client token; host operations need the host token",
            )),
            None => {
                tracing::warn!(path = %parts.uri.path(), "rejected a request with a wrong host token");
                Err(failed_attempt(&parts.extensions, state, ApiError::unauthorized("wrong host token")).await)
            }
        }
    }
}
