//! Authentication of the local app backend.
//!
//! - Sign-in is a **one-time code**: random (128 bits), valid for
//!   [`CODE_TTL`], exchanged once (`GET /signin?code=` or `POST /signin`
//!   with a form field `code`) for an HttpOnly, SameSite=Strict cookie
//!   holding the session secret of this run, then redirected to `/` so the
//!   code leaves the address bar. A used, expired or unknown code signs in
//!   nobody.
//! - `/app/api/*` needs that cookie and the [`crate::APP_HEADER`] header;
//!   there is no bearer token. Comparisons are constant-time.
//! - New codes come from `openwork app` itself (at start, and when it is run
//!   again while it runs: `POST /app/control/sign-in` with the control secret
//!   from the 0600 runtime file, [`crate::runtime`]).
//! - Every request must name `127.0.0.1:PORT` or `localhost:PORT` as its
//!   `Host` (a DNS-rebinding page can't reach the API).
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use openwork_wire::ErrorCode;
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::{AppError, AppState, APP_HEADER};

/// How long a sign-in code is valid.
pub const CODE_TTL: Duration = Duration::from_secs(60);

/// Codes waiting to be used at once; asking for more drops the oldest.
const MAX_CODES: usize = 8;

/// Session secret, control secret and the live sign-in codes of one run.
pub struct AppAuth {
    port: u16,
    session: String,
    control: String,
    codes: Mutex<Vec<(String, Instant)>>,
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
        Self { port, session: random_hex(32), control: random_hex(32), codes: Mutex::new(Vec::new()) }
    }

    /// A new one-time sign-in code, valid for [`CODE_TTL`].
    pub fn new_code(&self) -> String {
        self.new_code_at(Instant::now())
    }

    fn new_code_at(&self, now: Instant) -> String {
        let code = random_hex(16);
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|(_, expires)| *expires > now);
        if codes.len() >= MAX_CODES {
            codes.remove(0);
        }
        codes.push((code.clone(), now + CODE_TTL));
        code
    }

    /// Use up `code`: true once, for a live code this run issued.
    pub fn redeem(&self, code: &str) -> bool {
        self.redeem_at(code, Instant::now())
    }

    fn redeem_at(&self, code: &str, now: Instant) -> bool {
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|(_, expires)| *expires > now);
        // Compare with every live code (constant time each), then remove the match.
        let hit = codes.iter().fold(None, |hit, (c, _)| if same(c, code) { Some(c.clone()) } else { hit });
        match hit {
            Some(c) => {
                codes.retain(|(x, _)| *x != c);
                true
            }
            None => false,
        }
    }

    /// The port this app listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The control secret (runtime file only): asks this run for new codes.
    pub fn control_secret(&self) -> &str {
        &self.control
    }

    /// Whether `headers` carry `Authorization: Bearer <control secret>`.
    pub fn is_control(&self, headers: &http::HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| same(t.trim(), &self.control))
    }

    /// Cookie name; cookies are not per port, so the port is part of the name.
    pub fn cookie_name(&self) -> String {
        format!("openwork_app_{}", self.port)
    }

    /// Whether the request carries the session cookie.
    pub fn is_authorized(&self, headers: &http::HeaderMap) -> bool {
        let name = self.cookie_name();
        headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|v| {
            v.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .any(|(k, val)| k == name && same(val, &self.session))
        })
    }

    /// Whether a `Host` header names this app.
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let port = self.port.to_string();
        matches!(host.rsplit_once(':'), Some((name, p)) if p == port && (name == "127.0.0.1" || name == "localhost"))
    }

    /// The answer to a sign-in with `code`: the session cookie and a redirect
    /// to `/` for a live code; for any other, a redirect to `/` without it
    /// (the UI then says how to get a new link).
    pub fn sign_in(&self, code: Option<&str>) -> Response {
        let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
        if code.is_some_and(|c| self.redeem(c)) {
            let cookie = format!("{}={}; HttpOnly; SameSite=Strict; Path=/", self.cookie_name(), self.session);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        resp.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }
}

/// The `code` field of a query string or form body.
pub fn code_field(s: &str) -> Option<String> {
    url::form_urlencoded::parse(s.as_bytes()).find(|(k, _)| k == "code").map(|(_, v)| v.into_owned())
}

/// Middleware on every route: refuse a foreign `Host`.
pub async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    if !state.auth.host_allowed(host) {
        return AppError::new(ErrorCode::Forbidden, "unexpected Host header").into_response();
    }
    next.run(req).await
}

/// Middleware on `/app/api/*`: session cookie and the app header.
pub async fn require(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.headers().contains_key(APP_HEADER) {
        return AppError::new(ErrorCode::Forbidden, format!("missing {APP_HEADER} header")).into_response();
    }
    if !state.auth.is_authorized(req.headers()) {
        return AppError::new(
            ErrorCode::AppUnauthorized,
            "not signed in to this app: run `openwork app` again for a new sign-in link",
        )
        .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie_of(r: &Response) -> Option<String> {
        r.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string())
    }

    #[test]
    fn only_the_session_cookie_signs_requests() {
        let a = AppAuth::new(4000);
        let mut h = http::HeaderMap::new();
        assert!(!a.is_authorized(&h));
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("x=1; openwork_app_4000={}", a.session)).unwrap());
        assert!(a.is_authorized(&h));
        let mut h = http::HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("openwork_app_4001={}", a.session)).unwrap());
        assert!(!a.is_authorized(&h), "other port's cookie");
        for bearer in [a.session.clone(), a.control.clone(), a.new_code()] {
            let mut h = http::HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {bearer}")).unwrap());
            assert!(!a.is_authorized(&h), "no bearer signs API requests");
        }
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
    fn a_code_signs_in_once() {
        let a = AppAuth::new(4000);
        let code = a.new_code();
        assert_eq!(code.len(), 32, "128 bits");
        assert!(cookie_of(&a.sign_in(Some("nope"))).is_none());
        assert!(cookie_of(&a.sign_in(None)).is_none());
        assert!(cookie_of(&a.sign_in(Some(&code.to_uppercase()))).is_none());
        let r = a.sign_in(Some(&code));
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let c = cookie_of(&r).expect("cookie");
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains(&a.session));
        assert!(cookie_of(&a.sign_in(Some(&code))).is_none(), "used twice");
    }

    #[test]
    fn a_code_expires_within_a_minute() {
        let a = AppAuth::new(4000);
        let t0 = Instant::now();
        let code = a.new_code_at(t0);
        assert!(!a.redeem_at(&code, t0 + CODE_TTL), "expired at {CODE_TTL:?}");
        let code = a.new_code_at(t0);
        assert!(a.redeem_at(&code, t0 + CODE_TTL - Duration::from_millis(1)));
        assert!(CODE_TTL <= Duration::from_secs(60));
    }

    #[test]
    fn codes_are_bounded_and_independent() {
        let a = AppAuth::new(4000);
        let codes: Vec<String> = (0..MAX_CODES + 2).map(|_| a.new_code()).collect();
        assert!(!a.redeem(&codes[0]) && !a.redeem(&codes[1]), "oldest dropped");
        for c in &codes[2..] {
            assert!(a.redeem(c));
        }
    }
}
