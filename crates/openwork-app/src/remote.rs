//! `/app/api/remote/*`: the active remote, same-origin, with stored credentials.
//!
//! The page sees one API shape whatever the remote is:
//! - OpenWork host: `/app/api/remote/<path>` → `<host URL>/<path>` with the
//!   bearer token (`/opencode/*`, `/events`, `/capabilities`, `/engine`,
//!   `/workspace/:id/...`); the host applies the `/opencode` policy, the app
//!   only forwards canonical paths (decoded once, the same refusals).
//! - Direct OpenCode: only `/app/api/remote/opencode/<path>`, through the
//!   same policy as a host's proxy ([`openwork_proxy`]): the allowlist, the
//!   stored directory pinned on every request, sessions and machine-wide
//!   views cut down to it, shared event streams; Basic auth if stored. Other
//!   paths answer 404 `not_available`.
//!
//! Bodies stream both ways (SSE is passed through unbuffered). Where the
//! remote is and its credentials: [`openwork_client::SavedRemote`].
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName};
use axum::response::Response;
use futures_util::TryStreamExt;
use openwork_client::{RemoteAddress, SavedRemote};
use openwork_proxy::{ForwardError, Outgoing, Refusal, Upstream};
use openwork_wire::ErrorCode;

use crate::workspaces::active;
use crate::{AppError, AppResult, AppState};

const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ACCEPT, HeaderName::from_static("last-event-id")];
const FORWARDED_RESPONSE_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::CACHE_CONTROL, header::CONTENT_ENCODING];

/// The URL on an OpenWork host for `rest` (the canonical form of the path).
pub fn openwork_target(host: &str, rest: &str, query: Option<&str>) -> Result<String, Refusal> {
    let segments = openwork_proxy::path::decode(&format!("/{rest}")).map_err(|e| Refusal::invalid(e.to_string()))?;
    let path = openwork_proxy::path::encode(&segments);
    Ok(match query {
        Some(q) if !q.is_empty() => format!("{}{path}?{q}", host.trim_end_matches('/')),
        _ => format!("{}{path}", host.trim_end_matches('/')),
    })
}

/// `ANY /app/api/remote/{*rest}`.
pub async fn forward(State(state): State<AppState>, req: Request) -> AppResult<Response> {
    let (entry, secrets) = active(&state).await?;
    let remote = SavedRemote::of(&entry, secrets)?;
    // The raw path, as received: the policy decodes it itself.
    let raw = req.uri().path().strip_prefix("/app/api/remote/").unwrap_or_default().to_string();
    match &remote.address {
        RemoteAddress::OpenWork { host_url, .. } => forward_to_host(&state, host_url, &remote, &raw, req).await,
        RemoteAddress::OpenCode { base_url, directory } => {
            forward_to_opencode(&state, base_url, directory.as_deref(), &remote, &raw, req).await
        }
    }
}

/// A direct OpenCode remote: the `/opencode` policy, pinned to the stored folder.
async fn forward_to_opencode(
    state: &AppState,
    base: &str,
    directory: Option<&str>,
    remote: &SavedRemote,
    raw: &str,
    req: Request,
) -> AppResult<Response> {
    let path = match raw.strip_prefix("opencode") {
        Some("") => "/",
        Some(p) if p.starts_with('/') => p,
        _ => {
            return Err(AppError::new(
                ErrorCode::NotAvailable,
                "this is a direct OpenCode server, not an OpenWork host: only /opencode/* is available",
            ))
        }
    };
    let directory = directory.ok_or_else(|| {
        AppError::new(ErrorCode::ProtocolError, "the stored remote has no base URL or folder: connect again")
    })?;
    let (mut parts, body) = req.into_parts();
    let decision = openwork_proxy::decide(&parts.method, path, parts.uri.query(), &parts.headers, directory)?;
    if let openwork_proxy::Action::Refuse(r) = openwork_proxy::action(decision.class(), openwork_proxy::Modes::default()) {
        return Err(r.into());
    }
    let upstream = Upstream {
        base_url: base.trim_end_matches('/').to_string(),
        username: remote.opencode_username().to_string(),
        password: remote.secrets.opencode_password.clone(),
    };
    // OpenCode's terminal (a WebSocket), open until either side closes.
    let upgrade = openwork_proxy::Upgrade::of(&mut parts, std::future::pending());
    let out = Outgoing { decision: &decision, query: parts.uri.query(), headers: &parts.headers, body, upgrade };
    match state.proxy.forward(&upstream, directory, out).await {
        Ok(resp) => Ok(resp),
        Err(ForwardError::Refused(r)) => Err(r.into()),
        Err(ForwardError::BodyTooLarge) => Err(AppError::new(ErrorCode::PayloadTooLarge, "request body too large")),
        Err(ForwardError::Upstream(e)) => Err(unreachable_remote(&e)),
    }
}

fn unreachable_remote(e: &reqwest::Error) -> AppError {
    let msg = if e.is_connect() || e.is_timeout() { format!("cannot reach the remote: {e}") } else { e.to_string() };
    AppError::new(ErrorCode::Unreachable, msg)
}

/// An OpenWork host: the path as it is (canonical), with the bearer token.
async fn forward_to_host(state: &AppState, host: &str, remote: &SavedRemote, raw: &str, req: Request) -> AppResult<Response> {
    let url = openwork_target(host, raw, req.uri().query())?;
    let (parts, body) = req.into_parts();
    let mut out = state.http.request(parts.method.clone(), &url);
    for h in FORWARDED_REQUEST_HEADERS {
        if let Some(v) = parts.headers.get(&h) {
            out = out.header(h, v);
        }
    }
    if let Some(t) = &remote.secrets.token {
        out = out.bearer_auth(t);
    }
    if parts.method != http::Method::GET && parts.method != http::Method::HEAD {
        out = out.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    let resp = out.send().await.map_err(|e| unreachable_remote(&e))?;
    let mut builder = Response::builder().status(resp.status().as_u16());
    for h in FORWARDED_RESPONSE_HEADERS {
        if let Some(v) = resp.headers().get(&h) {
            builder = builder.header(h, v);
        }
    }
    builder = builder.header("x-accel-buffering", "no");
    let stream = resp.bytes_stream().map_err(std::io::Error::other);
    builder.body(Body::from_stream(stream)).map_err(|e| AppError::new(ErrorCode::InternalError, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openwork_paths_pass_through_canonically() {
        assert_eq!(openwork_target("http://h:8787", "opencode/session", Some("a=1")).unwrap(), "http://h:8787/opencode/session?a=1");
        assert_eq!(openwork_target("http://h:8787/", "events", None).unwrap(), "http://h:8787/events");
        assert_eq!(openwork_target("http://h:8787", "opencode/%61uth/x", None).unwrap(), "http://h:8787/opencode/auth/x");
        assert!(openwork_target("http://h:8787", "opencode/../global/config", None).is_err());
        assert!(openwork_target("http://h:8787", "opencode/%252e%252e/x", None).is_err());
    }
}
