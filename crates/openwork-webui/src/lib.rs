#![warn(missing_docs)]
//! The web UI's built assets (`web/dist`, committed), embedded at compile
//! time so `cargo build` alone yields a binary that serves a working UI.
//!
//! Both the host (at its own URL, for phones and other devices) and
//! `openwork app` (the local app backend) serve them with [`response_for`].
//! Only exact asset paths and `/` (→ `index.html`) are answered; every other
//! path is left to the caller (a JSON 404 on the API servers).

use axum::body::Body;
use axum::response::Response;
use http::{header, HeaderValue, Method, StatusCode};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
struct Assets;

/// Content-Security-Policy of the UI: everything from the same origin only.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                       connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The bytes and MIME type of an embedded asset (`"index.html"`, `"assets/x.js"`).
pub fn asset(path: &str) -> Option<(Vec<u8>, String)> {
    let file = Assets::get(path)?;
    let mime = file.metadata.mimetype().to_string();
    Some((file.data.into_owned(), mime))
}

/// Whether `path` (URL path, leading `/`) is served by the UI.
pub fn is_ui_path(path: &str) -> bool {
    ui_file(path).is_some_and(|f| Assets::get(&f).is_some())
}

fn ui_file(path: &str) -> Option<String> {
    let rel = path.strip_prefix('/')?;
    if rel.is_empty() {
        return Some("index.html".to_string());
    }
    if rel.split('/').any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\')) {
        return None;
    }
    Some(rel.to_string())
}

/// The response for a GET/HEAD of `path`, or `None` when `path` is not a UI
/// asset (or the method is not GET/HEAD). The UI pages carry a strict CSP,
/// `no-referrer` (pairing links carry a token) and no framing; hashed files
/// under `assets/` are cached for a year, `index.html` never.
pub fn response_for(method: &Method, path: &str) -> Option<Response> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    let file = ui_file(path)?;
    let (bytes, mime) = asset(&file)?;
    let cache = if file.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-store" };
    let body = if method == Method::HEAD { Body::empty() } else { Body::from(bytes) };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_embedded_and_served_at_root() {
        assert!(asset("index.html").is_some());
        let r = response_for(&Method::GET, "/").expect("index");
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/html"));
        assert_eq!(r.headers()[header::REFERRER_POLICY], "no-referrer");
    }

    #[test]
    fn other_paths_and_methods_are_not_ui() {
        assert!(response_for(&Method::GET, "/workspaces").is_none());
        assert!(response_for(&Method::POST, "/").is_none());
        assert!(response_for(&Method::GET, "/../Cargo.toml").is_none());
        assert!(response_for(&Method::GET, "//etc/passwd").is_none());
        assert!(!is_ui_path("/assets/../index.html"));
    }
}
