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
//! Bodies stream both ways (SSE is passed through unbuffered).
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use openwork_client::{RemoteType, Secrets, WorkspaceEntry};
use openwork_proxy::{ForwardError, Outgoing, Refusal, Upstream};

use crate::workspaces::active;
use crate::{api_error, AppState};

const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ACCEPT, HeaderName::from_static("last-event-id")];
const FORWARDED_RESPONSE_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::CACHE_CONTROL, header::CONTENT_ENCODING];

/// A refusal of the policy as the app's JSON error (the host's shape).
fn refused(r: Refusal) -> Response {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::FORBIDDEN);
    let mut resp = (status, axum::Json(r.0)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    resp
}

/// The URL on an OpenWork host for `rest` (the canonical form of the path).
pub fn openwork_target(host: &str, rest: &str, query: Option<&str>) -> Result<String, Refusal> {
    let segments = openwork_proxy::path::decode(&format!("/{rest}")).map_err(|e| Refusal::invalid(e.to_string()))?;
    let path = openwork_proxy::path::encode(&segments);
    Ok(match query {
        Some(q) if !q.is_empty() => format!("{}{path}?{q}", host.trim_end_matches('/')),
        _ => format!("{}{path}", host.trim_end_matches('/')),
    })
}

fn authorize(req: reqwest::RequestBuilder, secrets: &Secrets) -> reqwest::RequestBuilder {
    match &secrets.token {
        Some(t) => req.bearer_auth(t),
        None => req,
    }
}

/// `ANY /app/api/remote/{*rest}`.
pub async fn forward(State(state): State<AppState>, req: Request) -> Response {
    let (entry, secrets) = match active(&state).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The raw path, as received: the policy decodes it itself.
    let raw = req.uri().path().strip_prefix("/app/api/remote/").unwrap_or_default().to_string();
    match entry.remote_type {
        Some(RemoteType::Openwork) => forward_to_host(&state, &entry, &secrets, &raw, req).await,
        Some(RemoteType::Opencode) => forward_to_opencode(&state, &entry, &secrets, &raw, req).await,
        None => api_error(StatusCode::BAD_REQUEST, "not_remote", "the active workspace is a local folder"),
    }
}

/// A direct OpenCode remote: the `/opencode` policy, pinned to the stored folder.
async fn forward_to_opencode(state: &AppState, entry: &WorkspaceEntry, secrets: &Secrets, raw: &str, req: Request) -> Response {
    let path = match raw.strip_prefix("opencode") {
        Some("") => "/",
        Some(p) if p.starts_with('/') => p,
        _ => {
            return api_error(
                StatusCode::NOT_FOUND,
                "not_available",
                "this is a direct OpenCode server, not an OpenWork host: only /opencode/* is available",
            )
        }
    };
    let (Some(base), Some(directory)) = (entry.opencode_base_url.as_deref(), entry.opencode_directory.as_deref()) else {
        return api_error(StatusCode::BAD_GATEWAY, "protocol_error", "the stored remote has no base URL or folder: connect again");
    };
    let (parts, body) = req.into_parts();
    let decision = match openwork_proxy::decide(&parts.method, path, parts.uri.query(), &parts.headers, directory) {
        Ok(d) => d,
        Err(r) => return refused(r),
    };
    if let openwork_proxy::Action::Refuse(r) = openwork_proxy::action(decision.class(), openwork_proxy::Modes::default()) {
        return refused(r);
    }
    let upstream = Upstream {
        base_url: base.trim_end_matches('/').to_string(),
        username: secrets.opencode_username.clone().unwrap_or_else(|| "opencode".into()),
        password: secrets.opencode_password.clone(),
    };
    let out = Outgoing { decision: &decision, query: parts.uri.query(), headers: &parts.headers, body };
    match state.proxy.forward(&upstream, directory, out).await {
        Ok(resp) => resp,
        Err(ForwardError::Refused(r)) => refused(r),
        Err(ForwardError::BodyTooLarge) => api_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "request body too large"),
        Err(ForwardError::Upstream(e)) => unreachable_remote(&e),
    }
}

fn unreachable_remote(e: &reqwest::Error) -> Response {
    let msg = if e.is_connect() || e.is_timeout() { format!("cannot reach the remote: {e}") } else { e.to_string() };
    api_error(StatusCode::BAD_GATEWAY, "unreachable", msg)
}

/// An OpenWork host: the path as it is (canonical), with the bearer token.
async fn forward_to_host(state: &AppState, entry: &WorkspaceEntry, secrets: &Secrets, raw: &str, req: Request) -> Response {
    let Some(host) = entry.openwork_host_url.as_deref() else {
        return api_error(StatusCode::BAD_GATEWAY, "protocol_error", "stored remote has no host URL");
    };
    let url = match openwork_target(host, raw, req.uri().query()) {
        Ok(u) => u,
        Err(r) => return refused(r),
    };
    let (parts, body) = req.into_parts();
    let mut out = state.http.request(parts.method.clone(), &url);
    for h in FORWARDED_REQUEST_HEADERS {
        if let Some(v) = parts.headers.get(&h) {
            out = out.header(h, v);
        }
    }
    out = authorize(out, secrets);
    if parts.method != http::Method::GET && parts.method != http::Method::HEAD {
        out = out.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    let resp = match out.send().await {
        Ok(r) => r,
        Err(e) => return unreachable_remote(&e),
    };
    let mut builder = Response::builder().status(resp.status().as_u16());
    for h in FORWARDED_RESPONSE_HEADERS {
        if let Some(v) = resp.headers().get(&h) {
            builder = builder.header(h, v);
        }
    }
    builder = builder.header("x-accel-buffering", "no");
    let stream = resp.bytes_stream().map_err(std::io::Error::other);
    builder
        .body(Body::from_stream(stream))
        .unwrap_or_else(|e| api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", e.to_string()))
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
