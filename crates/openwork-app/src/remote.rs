//! `/app/api/remote/*`: the active remote, same-origin, with stored credentials.
//!
//! The page sees one API shape whatever the remote is:
//! - OpenWork host: `/app/api/remote/<path>` → `<host URL>/<path>` with the
//!   bearer token (`/opencode/*`, `/events`, `/capabilities`, `/engine`,
//!   `/workspace/:id/...`).
//! - Direct OpenCode: only `/app/api/remote/opencode/<path>` →
//!   `<base URL>/<path>` with Basic auth (if stored) and the stored directory
//!   added as `?directory=`; other paths answer 404 `not_available`.
//!
//! Bodies stream both ways (SSE is passed through unbuffered).
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderName, StatusCode};
use axum::response::Response;
use futures_util::TryStreamExt;
use openwork_client::{RemoteType, Secrets, WorkspaceEntry};

use crate::workspaces::active;
use crate::{api_error, AppState};

const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ACCEPT, HeaderName::from_static("last-event-id")];
const FORWARDED_RESPONSE_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::CACHE_CONTROL, header::CONTENT_ENCODING];

/// Where a request for `rest` (+ `query`) goes for this entry, or why it can't.
pub fn target(entry: &WorkspaceEntry, rest: &str, query: Option<&str>) -> Result<String, (StatusCode, &'static str, String)> {
    if rest.split('/').any(|s| s == ".." || s == ".") || rest.contains('\\') || rest.to_ascii_lowercase().contains("%2f") {
        return Err((StatusCode::BAD_REQUEST, "invalid_path", "suspicious path".into()));
    }
    let with_query = |base: String, q: Option<String>| match q {
        Some(q) if !q.is_empty() => format!("{base}?{q}"),
        _ => base,
    };
    match entry.remote_type {
        Some(RemoteType::Openwork) => {
            let host = entry
                .openwork_host_url
                .as_deref()
                .ok_or((StatusCode::BAD_GATEWAY, "protocol_error", "stored remote has no host URL".to_string()))?;
            Ok(with_query(format!("{}/{rest}", host.trim_end_matches('/')), query.map(str::to_string)))
        }
        Some(RemoteType::Opencode) => {
            let base = entry
                .opencode_base_url
                .as_deref()
                .ok_or((StatusCode::BAD_GATEWAY, "protocol_error", "stored remote has no base URL".to_string()))?;
            let path = match rest.strip_prefix("opencode") {
                Some("") => "",
                Some(p) if p.starts_with('/') => p,
                _ => {
                    return Err((
                        StatusCode::NOT_FOUND,
                        "not_available",
                        "this is a direct OpenCode server, not an OpenWork host: only /opencode/* is available".into(),
                    ))
                }
            };
            let mut pairs: Vec<(String, String)> = query
                .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default();
            if let Some(dir) = &entry.opencode_directory {
                if !pairs.iter().any(|(k, _)| k == "directory") {
                    pairs.push(("directory".into(), dir.clone()));
                }
            }
            let q = (!pairs.is_empty()).then(|| url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish());
            Ok(with_query(format!("{}{path}", base.trim_end_matches('/')), q))
        }
        None => Err((StatusCode::BAD_REQUEST, "not_remote", "the active workspace is a local folder".into())),
    }
}

fn authorize(req: reqwest::RequestBuilder, entry: &WorkspaceEntry, secrets: &Secrets) -> reqwest::RequestBuilder {
    match entry.remote_type {
        Some(RemoteType::Openwork) => match &secrets.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        },
        _ => match &secrets.opencode_password {
            Some(p) => req.basic_auth(secrets.opencode_username.as_deref().unwrap_or("opencode"), Some(p)),
            None => req,
        },
    }
}

/// `ANY /app/api/remote/{*rest}`.
pub async fn forward(State(state): State<AppState>, Path(rest): Path<String>, req: Request) -> Response {
    let (entry, secrets) = match active(&state).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let url = match target(&entry, &rest, req.uri().query()) {
        Ok(u) => u,
        Err((status, code, msg)) => return api_error(status, code, msg),
    };
    let (parts, body) = req.into_parts();
    let mut out = state.http.request(parts.method.clone(), &url);
    for h in FORWARDED_REQUEST_HEADERS {
        if let Some(v) = parts.headers.get(&h) {
            out = out.header(h, v);
        }
    }
    out = authorize(out, &entry, &secrets);
    if parts.method != http::Method::GET && parts.method != http::Method::HEAD {
        out = out.body(reqwest::Body::wrap_stream(body.into_data_stream()));
    }
    let resp = match out.send().await {
        Ok(r) => r,
        Err(e) => {
            let msg = if e.is_connect() || e.is_timeout() { format!("cannot reach the remote: {e}") } else { e.to_string() };
            return api_error(StatusCode::BAD_GATEWAY, "unreachable", msg);
        }
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
    fn openwork_paths_pass_through() {
        let e = WorkspaceEntry::openwork("http://h:8787", "ws_1", "w", "http://h:8787/opencode", "/p").unwrap();
        assert_eq!(target(&e, "opencode/session", Some("a=1")).unwrap(), "http://h:8787/opencode/session?a=1");
        assert_eq!(target(&e, "events", None).unwrap(), "http://h:8787/events");
        assert!(target(&e, "opencode/../global/config", None).is_err());
    }

    #[test]
    fn opencode_only_opencode_paths_with_directory() {
        let e = WorkspaceEntry::opencode("http://o:4096", Some("/w s")).unwrap();
        assert_eq!(target(&e, "opencode/session", None).unwrap(), "http://o:4096/session?directory=%2Fw+s");
        assert_eq!(target(&e, "opencode/session", Some("directory=%2Fx")).unwrap(), "http://o:4096/session?directory=%2Fx");
        assert_eq!(target(&e, "capabilities", None).unwrap_err().1, "not_available");
        assert_eq!(target(&e, "opencodex", None).unwrap_err().1, "not_available");
    }
}
