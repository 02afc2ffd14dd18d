//! Authentication of the local app backend.
//!
//! - A random per-launch token is printed in the link `openwork app` opens
//!   (`/?token=...`). That request sets an HttpOnly, SameSite=Strict cookie
//!   holding a separate random session secret and redirects to `/`, so the
//!   token leaves the address bar and history at once (as Jupyter does).
//! - `/app/api/*` needs the cookie (or `Authorization: Bearer <launch token>`
//!   for scripts) and the [`crate::APP_HEADER`] header; comparisons are
//!   constant-time.
//! - Every request must name `127.0.0.1:PORT` or `localhost:PORT` as its
//!   `Host` (a DNS-rebinding page can't reach the API).
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::{api_error, AppState, APP_HEADER};

/// Launch token and session secret of one run.
pub struct AppAuth {
    port: u16,
    launch_token: String,
    session: String,
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

impl AppAuth {
    /// Fresh secrets for an app listening on `port`.
    pub fn new(port: u16) -> Self {
        Self { port, launch_token: random_hex(24), session: random_hex(32) }
    }

    /// The token in the sign-in link.
    pub fn launch_token(&self) -> &str {
        &self.launch_token
    }

    /// Cookie name; cookies are not per port, so the port is part of the name.
    pub fn cookie_name(&self) -> String {
        format!("openwork_app_{}", self.port)
    }

    /// Whether the request carries the session cookie or the launch token as a bearer.
    pub fn is_authorized(&self, headers: &http::HeaderMap) -> bool {
        let name = self.cookie_name();
        let cookie_ok = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|v| {
            v.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .any(|(k, val)| k == name && same(val, &self.session))
        });
        let bearer_ok = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| same(t.trim(), &self.launch_token));
        cookie_ok || bearer_ok
    }

    /// Whether a `Host` header names this app.
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let port = self.port.to_string();
        matches!(host.rsplit_once(':'), Some((name, p)) if p == port && (name == "127.0.0.1" || name == "localhost"))
    }
}

/// `/?token=...`: a valid token sets the session cookie and redirects to `/`;
/// a wrong one leaves the request to the UI (which then says it is signed out).
pub fn exchange(auth: &AppAuth, query: Option<&str>) -> Option<Response> {
    let token = url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned())?;
    if !same(&token, &auth.launch_token) {
        return None;
    }
    let cookie = format!("{}={}; HttpOnly; SameSite=Strict; Path=/", auth.cookie_name(), auth.session);
    let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(resp)
}

/// Middleware on every route: refuse a foreign `Host`.
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    if !state.auth.host_allowed(host) {
        return api_error(StatusCode::FORBIDDEN, "forbidden", "unexpected Host header");
    }
    next.run(req).await
}

/// Middleware on `/app/api/*`: session cookie (or bearer launch token) and the app header.
pub async fn require(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.headers().contains_key(APP_HEADER) {
        return api_error(StatusCode::FORBIDDEN, "forbidden", format!("missing {APP_HEADER} header"));
    }
    if !state.auth.is_authorized(req.headers()) {
        return api_error(
            StatusCode::UNAUTHORIZED,
            "app_unauthorized",
            "not signed in to this app: open the link `openwork app` printed",
        );
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_and_bearer() {
        let a = AppAuth::new(4000);
        let mut h = http::HeaderMap::new();
        assert!(!a.is_authorized(&h));
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("x=1; openwork_app_4000={}", a.session)).unwrap());
        assert!(a.is_authorized(&h));
        let mut h = http::HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("openwork_app_4001={}", a.session)).unwrap());
        assert!(!a.is_authorized(&h), "other port's cookie");
        let mut h = http::HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {}", a.launch_token)).unwrap());
        assert!(a.is_authorized(&h));
    }

    #[test]
    fn host_header() {
        let a = AppAuth::new(4000);
        assert!(a.host_allowed(Some("127.0.0.1:4000")));
        assert!(a.host_allowed(Some("localhost:4000")));
        assert!(!a.host_allowed(Some("evil.example:4000")));
        assert!(!a.host_allowed(Some("127.0.0.1:4001")));
        assert!(!a.host_allowed(None));
    }

    #[test]
    fn exchange_sets_cookie_only_for_the_right_token() {
        let a = AppAuth::new(4000);
        assert!(exchange(&a, Some("token=nope")).is_none());
        assert!(exchange(&a, None).is_none());
        let r = exchange(&a, Some(&format!("token={}", a.launch_token))).expect("redirect");
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let c = r.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains(&a.session));
    }
}
