//! `/opencode/*`: reverse proxy to the host's loopback OpenCode.
//!
//! Invariants:
//! - the client's credentials (`Authorization`, host token, cookies) never
//!   reach OpenCode; the engine's own Basic auth is added instead;
//! - the active workspace directory is forced on every request (query and
//!   `x-opencode-directory` header); a client asking for another directory is
//!   refused with 403 before anything is forwarded;
//! - machine-wide routes ([`blocked_reason`]) are refused;
//! - bodies stream both ways (SSE is forwarded chunk by chunk, unbuffered);
//! - a plain `GET /event` (no query but `directory`) shares one upstream
//!   stream per engine and directory ([`super::event_hub`]; see
//!   [`shared_event_stream`]); anything else about it is as above;
//! - while the engine is not `running` the answer is 503 `engine_unavailable`
//!   with the engine state in `details`.
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode};
use axum::response::Response;
use futures_util::TryStreamExt;
use openwork_wire::{ErrorCode, HOST_TOKEN_HEADER, OPENCODE_PROXY_PREFIX};
use serde_json::json;

use super::auth::ClientAuth;
use super::error::ApiError;
use super::AppState;

/// Header OpenCode reads the directory from.
pub const DIRECTORY_HEADER: &str = "x-opencode-directory";

/// Hop-by-hop headers (RFC 9110 §7.6.1) and headers the proxy sets itself.
const DROP_REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    HOST_TOKEN_HEADER,
    DIRECTORY_HEADER,
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    "content-length",
];

const DROP_RESPONSE_HEADERS: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "trailer",
    "upgrade",
    "proxy-connection",
    "www-authenticate",
    "set-cookie",
    "content-length",
];

/// Why a path must not be forwarded, if it must not.
pub fn blocked_reason(method: &Method, path: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    let p = p.trim_end_matches('/');
    let under = |prefix: &str| p == prefix || p.starts_with(&format!("{prefix}/"));
    let reading = *method == Method::GET || *method == Method::HEAD;
    if under("/auth") || under("/api/credential") || (p.starts_with("/provider/") && p.contains("/oauth")) {
        return Some("provider credentials are machine-wide; manage them on the host");
    }
    if under("/api/integration") && !reading {
        return Some("integrations are machine-wide; manage them on the host");
    }
    if p == "/global/config" && !reading {
        return Some("the global OpenCode config is machine-wide; edit the workspace config instead");
    }
    if under("/global/upgrade") || under("/global/dispose") || under("/experimental/console/switch") {
        return Some("machine-wide OpenCode operations are not available to remote clients");
    }
    if under("/global/event") {
        return Some("the global event stream covers every folder on the host; use /event");
    }
    None
}

/// Reject paths that could be re-interpreted upstream (`..`, encoded
/// slashes or dots, backslashes, empty segments).
fn suspicious_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("%2f")
        || lower.contains("%2e")
        || lower.contains("%5c")
        || lower.contains('\\')
        || lower.contains("//")
        || lower.split('/').any(|seg| seg == ".." || seg == ".")
}

/// Characters `encodeURIComponent` leaves alone; everything else is %-encoded,
/// so a directory survives OpenCode's `decodeURIComponent` (a space is `%20`,
/// never `+`).
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `value` encoded as `encodeURIComponent` would.
pub fn encode_component(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, COMPONENT).to_string()
}

/// Directories a client asked for (query `directory`, header). The query is
/// form-decoded; the header is %-decoded like OpenCode does (`+` stays `+`).
fn requested_directories(query: Option<&str>, headers: &HeaderMap) -> Vec<String> {
    let mut out: Vec<String> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "directory")
        .map(|(_, v)| v.into_owned())
        .collect();
    for v in headers.get_all(DIRECTORY_HEADER) {
        out.push(percent_encoding::percent_decode(v.as_bytes()).decode_utf8_lossy().into_owned());
    }
    out
}

fn same_dir(a: &str, b: &str) -> bool {
    let trim = |s: &str| if s.len() > 1 { s.trim_end_matches('/').to_string() } else { s.to_string() };
    trim(a) == trim(b)
}

/// The query string to send upstream: the client's own pairs as they were
/// written, minus any `directory`, plus the active one.
fn upstream_query(query: Option<&str>, directory: &str) -> String {
    let mut parts: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or("");
            url::form_urlencoded::parse(format!("{key}=").as_bytes()).next().is_none_or(|(k, _)| k != "directory")
        })
        .map(str::to_string)
        .collect();
    parts.push(format!("directory={}", encode_component(directory)));
    parts.join("&")
}

/// The streamed request body passed the size limit.
#[derive(Debug)]
struct BodyTooLarge;

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body too large")
    }
}

impl std::error::Error for BodyTooLarge {}

/// Whether sending failed because the body passed the limit.
fn is_body_too_large(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<BodyTooLarge>()
            || err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).is_some_and(|inner| inner.is::<BodyTooLarge>())
        {
            return true;
        }
        source = err.source();
    }
    false
}

/// Any method on `/opencode` and `/opencode/*`.
pub async fn forward(
    _: ClientAuth,
    State(state): State<AppState>,
    req: Request,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().strip_prefix(OPENCODE_PROXY_PREFIX).unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    if suspicious_path(path) {
        return Err(ApiError::invalid("path segments like `..`, `.`, `//` or encoded slashes are not allowed"));
    }
    if let Some(reason) = blocked_reason(&parts.method, path) {
        return Err(ApiError::forbidden(reason).details(json!({ "path": path })));
    }
    // Pin the workspace this request started with.
    let workspace = state.active_workspace();
    for asked in requested_directories(parts.uri.query(), &parts.headers) {
        if !same_dir(&asked, &workspace.directory) {
            return Err(ApiError::forbidden(format!(
                "this host only exposes its active workspace {}",
                workspace.directory
            ))
            .details(json!({ "directory": asked, "active": workspace.directory })));
        }
    }
    let Some(endpoint) = state.engine.endpoint() else {
        let status = state.engine.status();
        return Err(ApiError::new(
            ErrorCode::EngineUnavailable,
            format!("OpenCode is not running (state: {})", status.state),
        )
        .details(json!({ "state": status.state, "lastError": status.last_error })));
    };
    if let Some(resp) = shared_event_stream(&state, &parts, path, &workspace.directory, &endpoint).await {
        return Ok(resp);
    }
    let url = format!(
        "{}{}?{}",
        endpoint.base_url,
        path,
        upstream_query(parts.uri.query(), &workspace.directory)
    );
    let mut headers = reqwest::header::HeaderMap::with_capacity(parts.headers.len() + 2);
    for (name, value) in parts.headers.iter() {
        if !DROP_REQUEST_HEADERS.contains(&name.as_str()) {
            headers.append(name.clone(), value.clone());
        }
    }
    let encoded_dir = encode_component(&workspace.directory);
    headers.insert(
        HeaderName::from_static(DIRECTORY_HEADER),
        encoded_dir.parse().map_err(|_| ApiError::invalid("workspace path cannot be sent"))?,
    );
    let max = state.options.max_body_bytes as u64;
    let mut seen: u64 = 0;
    let limited = body.into_data_stream().map_err(std::io::Error::other).and_then(move |chunk| {
        seen += chunk.len() as u64;
        let res = if seen > max {
            Err(std::io::Error::other(BodyTooLarge))
        } else {
            Ok(chunk)
        };
        std::future::ready(res)
    });
    let upstream = state
        .http
        .request(parts.method.clone(), url)
        .headers(headers)
        .basic_auth(&endpoint.username, Some(&endpoint.password));
    let upstream = if parts.method == Method::GET || parts.method == Method::HEAD {
        upstream
    } else {
        upstream.body(reqwest::Body::wrap_stream(limited))
    };
    let resp = upstream.send().await.map_err(|e| {
        if is_body_too_large(&e) {
            return ApiError::new(ErrorCode::PayloadTooLarge, "request body too large");
        }
        tracing::warn!("proxy to OpenCode failed: {e}");
        let status = state.engine.status();
        if status.state != openwork_wire::EngineState::Running {
            ApiError::new(ErrorCode::EngineUnavailable, format!("OpenCode is not running (state: {})", status.state))
                .details(json!({ "state": status.state }))
        } else {
            ApiError::new(ErrorCode::BadGateway, "OpenCode did not answer")
        }
    })?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut builder = Response::builder().status(status);
    if let Some(h) = builder.headers_mut() {
        for (name, value) in resp.headers() {
            if !DROP_RESPONSE_HEADERS.contains(&name.as_str()) {
                h.append(name.clone(), value.clone());
            }
        }
        if resp.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) {
            h.insert("x-accel-buffering", http::HeaderValue::from_static("no"));
            h.insert("cache-control", http::HeaderValue::from_static("no-cache"));
        }
    }
    builder
        .body(Body::from_stream(resp.bytes_stream()))
        .map_err(|e| ApiError::internal(&anyhow::anyhow!(e)))
}

/// `GET /opencode/event` with no query parameter but `directory` (already
/// checked to be the active one): a subscription to the shared upstream
/// stream of this engine and directory. `None`: not such a request, or the
/// upstream could not be opened (the caller proxies it the plain way).
async fn shared_event_stream(
    state: &AppState,
    parts: &http::request::Parts,
    path: &str,
    directory: &str,
    endpoint: &crate::engine::EngineEndpoint,
) -> Option<Response> {
    let only_directory =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).all(|(k, _)| k == "directory");
    if parts.method != Method::GET || path != "/event" || !only_directory {
        return None;
    }
    let mut headers = reqwest::header::HeaderMap::new();
    let encoded_dir = encode_component(directory);
    headers.insert(HeaderName::from_static(DIRECTORY_HEADER), encoded_dir.parse().ok()?);
    headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("text/event-stream"));
    let target = super::event_hub::UpstreamTarget {
        url: format!("{}/event?{}", endpoint.base_url, upstream_query(None, directory)),
        headers,
        username: endpoint.username.clone(),
        password: endpoint.password.clone(),
    };
    let sub = state.event_hub.subscribe(&target).await?;
    let mut builder = Response::builder().status(StatusCode::OK);
    if let Some(h) = builder.headers_mut() {
        for (name, value) in sub.headers.iter() {
            if !DROP_RESPONSE_HEADERS.contains(&name.as_str()) {
                h.append(name.clone(), value.clone());
            }
        }
        h.insert("x-accel-buffering", http::HeaderValue::from_static("no"));
        h.insert("cache-control", http::HeaderValue::from_static("no-cache"));
    }
    builder.body(Body::from_stream(sub.into_stream())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_wide_routes_are_blocked() {
        assert!(blocked_reason(&Method::PATCH, "/global/config").is_some());
        assert!(blocked_reason(&Method::GET, "/global/config").is_none());
        assert!(blocked_reason(&Method::POST, "/global/upgrade").is_some());
        assert!(blocked_reason(&Method::POST, "/global/dispose").is_some());
        assert!(blocked_reason(&Method::PUT, "/auth/openai").is_some());
        assert!(blocked_reason(&Method::DELETE, "/AUTH/openai/").is_some());
        assert!(blocked_reason(&Method::GET, "/global/event").is_some());
        assert!(blocked_reason(&Method::POST, "/provider/x/oauth/authorize").is_some());
        assert!(blocked_reason(&Method::GET, "/session").is_none());
        assert!(blocked_reason(&Method::POST, "/instance/dispose").is_none());
        assert!(blocked_reason(&Method::GET, "/authors").is_none());
    }

    #[test]
    fn traversal_is_suspicious() {
        assert!(suspicious_path("/session/../global/config"));
        assert!(suspicious_path("/session/%2e%2e/global"));
        assert!(suspicious_path("/a%2Fb"));
        assert!(suspicious_path("//global/upgrade"));
        assert!(!suspicious_path("/session/ses_123/message"));
    }

    #[test]
    fn directory_is_forced_in_query() {
        let q = upstream_query(Some("a=1&directory=%2Fetc&b=x+y&dir%65ctory=/x"), "/ws/my project+1");
        assert_eq!(q, "a=1&b=x+y&directory=%2Fws%2Fmy%20project%2B1");
    }

    #[test]
    fn requested_directories_are_decoded() {
        let mut h = HeaderMap::new();
        h.insert(DIRECTORY_HEADER, "%2Fetc".parse().unwrap());
        h.append(DIRECTORY_HEADER, "/a+b c".parse().unwrap());
        let d = requested_directories(Some("directory=%2Fhome"), &h);
        assert_eq!(d, vec!["/home".to_string(), "/etc".to_string(), "/a+b c".to_string()]);
        assert_eq!(encode_component("/a b+c/é"), "%2Fa%20b%2Bc%2F%C3%A9");
        assert!(same_dir("/ws/", "/ws"));
        assert!(!same_dir("/ws2", "/ws"));
    }
}
