//! Authentication extractors.
//!
//! - [`ClientAuth`]: `Authorization: Bearer <client token>`.
//! - [`HostAuth`]: `X-OpenWork-Host-Token: <host token>`.
//! - [`Actor`]: the caller of a write (client token, client id, fingerprint).
//!
//! The tokens are not interchangeable: the host token is refused where the
//! client token is required and the other way round. Comparisons are
//! constant-time ([`crate::tokens::TokenSet::classify`]); failures are logged
//! with the client address, never with the token.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use openwork_wire::api::Actor;
use openwork_wire::HOST_TOKEN_HEADER;

use super::error::ApiError;
use super::AppState;
use crate::tokens::TokenKind;

/// Proof that the request carried the client token.
#[derive(Debug, Clone, Copy)]
pub struct ClientAuth;

/// Proof that the request carried the host token.
#[derive(Debug, Clone, Copy)]
pub struct HostAuth;

/// The bearer token of a request, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Count a failed attempt; past the allowance, wait and answer 429.
async fn failed(parts: &Parts, state: &AppState, err: ApiError) -> ApiError {
    let ip = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
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

impl FromRequestParts<AppState> for ClientAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(parts) else {
            return Err(ApiError::unauthorized(
                "missing client token: send `Authorization: Bearer <token>`",
            ));
        };
        match state.tokens.classify(token) {
            Some(TokenKind::Client) => Ok(ClientAuth),
            Some(TokenKind::Host) => Err(ApiError::unauthorized(
                "this is the host token; clients must use the client token",
            )),
            None => {
                tracing::warn!(path = %parts.uri.path(), "rejected a request with a wrong client token");
                Err(failed(parts, state, ApiError::unauthorized("wrong client token")).await)
            }
        }
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
                Err(failed(parts, state, ApiError::unauthorized("wrong host token")).await)
            }
        }
    }
}

/// The caller of a write: a remote client, authenticated by the client
/// token ([`ClientAuth`]), with the client id it sent and the token's
/// fingerprint for the audit log.
impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        ClientAuth::from_request_parts(parts, state).await?;
        let client_id = parts
            .headers
            .get("x-openwork-client-id")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().filter(|c| !c.is_control()).take(64).collect::<String>())
            .filter(|s| !s.is_empty());
        Ok(Actor {
            kind: "remote".into(),
            client_id,
            token_hash: bearer(parts).map(crate::tokens::fingerprint),
        })
    }
}
