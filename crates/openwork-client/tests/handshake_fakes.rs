//! Handshake against small fake servers on 127.0.0.1:0: each kind of answer must
//! land in the right branch, decided by the answer and not by a timeout.
//!
//! Timeouts here are long (a busy machine must not turn an answer into a
//! timeout); a decision that comes well before them was made on the answer.
//! Decision times are printed; `scripts/bench` measures them.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use openwork_client::probe::probe_openwork;
use openwork_client::transport::{probe_client, TransportFailure};
use openwork_client::{connect, handshake, Handshake, HandshakeError, HandshakeOptions, NotOpenWork, OpencodeAuth, Probe};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Request lines (`GET /path HTTP/1.1`) seen by a raw server.
type Seen = Arc<Mutex<Vec<String>>>;

/// A server answering every request with the same raw HTTP response.
async fn raw_server(response: &'static str) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let seen = seen2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&buf);
                seen.lock().unwrap().push(text.lines().next().unwrap_or("").to_string());
                let _ = sock.write_all(response.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn response(status: &str, content_type: &str, body: &str, extra: &str) -> &'static str {
    Box::leak(
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_boxed_str(),
    )
}

/// Timeout of the probes in these tests.
const TIMEOUT: Duration = Duration::from_secs(10);
/// A decision faster than this was made on the answer, not the timeout.
const ON_THE_ANSWER: Duration = Duration::from_secs(5);

fn fast_opts() -> HandshakeOptions {
    HandshakeOptions { health_timeout: TIMEOUT, request_timeout: TIMEOUT, ..Default::default() }
}

/// Probe with a pre-built client, returning the outcome and the time it took.
async fn timed_probe(url: &str) -> (Probe, Duration) {
    let client = probe_client(TIMEOUT);
    let start = Instant::now();
    let p = probe_openwork(&client, url, TIMEOUT).await;
    let took = start.elapsed();
    eprintln!("probe of {url}: {p:?} in {took:?}");
    (p, took)
}

/// An address whose port is taken by a socket that does not listen: every
/// connection is refused, and no other test can take the port meanwhile
/// (unlike a listener that is bound and dropped).
fn refused_port() -> (SocketAddr, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    (socket.local_addr().unwrap(), socket)
}

#[tokio::test]
async fn not_found_is_not_openwork_fast_and_then_not_opencode() {
    let (url, seen) = raw_server(response("404 Not Found", "text/plain", "nope", "")).await;
    let (p, elapsed) = timed_probe(&url).await;
    assert_eq!(p, Probe::NotOpenWork(NotOpenWork::NotFound));
    assert!(elapsed < ON_THE_ANSWER, "fallback decision took {elapsed:?}");
    let err = handshake(&url, &fast_opts()).await.unwrap_err();
    assert!(matches!(err, HandshakeError::NotRecognised { .. }), "{err:?}");
    let lines = seen.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l.starts_with("GET /global/health ")), "fell back to OpenCode: {lines:?}");
}

#[tokio::test]
async fn html_is_not_openwork() {
    let (url, _) = raw_server(response("200 OK", "text/html", "<html><body>hi</body></html>", "")).await;
    let (p, _) = timed_probe(&url).await;
    assert_eq!(p, Probe::NotOpenWork(NotOpenWork::NotJson));
    let err = handshake(&url, &fast_opts()).await.unwrap_err();
    let HandshakeError::NotRecognised { opencode, .. } = &err else { panic!("{err:?}") };
    assert!(opencode.contains("JSON"), "{opencode}");
}

#[tokio::test]
async fn json_without_fields_is_not_openwork() {
    let (url, _) = raw_server(response("200 OK", "application/json", r#"{"status":"up"}"#, "")).await;
    let (p, _) = timed_probe(&url).await;
    assert_eq!(p, Probe::NotOpenWork(NotOpenWork::MissingFields));
    assert!(matches!(handshake(&url, &fast_opts()).await, Err(HandshakeError::NotRecognised { .. })));
}

#[tokio::test]
async fn unauthorized_health_never_falls_back() {
    let (url, seen) = raw_server(response("401 Unauthorized", "application/json", r#"{"code":"unauthorized","message":"no"}"#, "")).await;
    let (p, _) = timed_probe(&url).await;
    assert_eq!(p, Probe::AuthFailed { status: 401 });
    let err = handshake(&url, &fast_opts()).await.unwrap_err();
    let HandshakeError::AuthFailed { status: 401, hint, .. } = &err else { panic!("{err:?}") };
    assert!(hint.contains("no token"), "{hint}");
    let lines = seen.lock().unwrap().clone();
    assert!(lines.iter().all(|l| l.starts_with("GET /health ")), "no fallback request: {lines:?}");
}

#[tokio::test]
async fn silent_server_is_unreachable_within_the_bound() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accept and hold connections; never answer.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let client = probe_client(Duration::from_millis(300));
    let start = Instant::now();
    let p = probe_openwork(&client, &url, Duration::from_millis(300)).await;
    let elapsed = start.elapsed();
    assert_eq!(p, Probe::Unreachable(TransportFailure::Timeout));
    // At the 300 ms timeout, not before; and it does not hang.
    assert!(elapsed >= Duration::from_millis(290) && elapsed < Duration::from_millis(300) + ON_THE_ANSWER, "{elapsed:?}");

    let opts = HandshakeOptions { health_timeout: Duration::from_millis(300), ..fast_opts() };
    let start = Instant::now();
    let err = handshake(&url, &opts).await.unwrap_err();
    assert!(matches!(err, HandshakeError::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(start.elapsed() < Duration::from_millis(600) + ON_THE_ANSWER, "{:?}", start.elapsed());
}

#[tokio::test]
async fn refused_port_is_decided_fast() {
    let (addr, _reserved) = refused_port();
    let url = format!("http://{addr}");
    let (p, elapsed) = timed_probe(&url).await;
    assert_eq!(p, Probe::NotOpenWork(NotOpenWork::Refused));
    assert!(elapsed < ON_THE_ANSWER, "{elapsed:?}");
    let start = Instant::now();
    let err = handshake(&url, &fast_opts()).await.unwrap_err();
    assert!(matches!(&err, HandshakeError::Unreachable { reason, .. } if reason.contains("refused")), "{err:?}");
    assert!(start.elapsed() < ON_THE_ANSWER, "{:?}", start.elapsed());
}

#[tokio::test]
async fn unresolvable_name_is_unreachable() {
    let opts = HandshakeOptions { health_timeout: Duration::from_millis(1500), ..fast_opts() };
    let start = Instant::now();
    let err = handshake("http://openwork-test.invalid:8787", &opts).await.unwrap_err();
    assert!(matches!(err, HandshakeError::Unreachable { .. }), "{err:?}");
    // Bounded by the two 1.5 s probes (OpenWork, then OpenCode), not hanging.
    assert!(start.elapsed() < Duration::from_secs(3) + ON_THE_ANSWER, "{:?}", start.elapsed());
}

// ---- A fake OpenWork host (with its /opencode proxy) and a fake direct OpenCode ----

#[derive(Clone)]
struct Fake {
    base: String,
    calls: Arc<Mutex<Vec<String>>>,
}

fn bearer_ok(h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer good-token")
}

async fn fake_host() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let calls: Arc<Mutex<Vec<String>>> = Arc::default();
    let state = Fake { base: base.clone(), calls: calls.clone() };
    let app = Router::new()
        .route("/health", get(|| async { Json(json!({"ok": true, "healthy": true, "version": "0.1.0", "uptimeMs": 5})) }))
        .route(
            "/workspaces",
            get(|State(s): State<Fake>, h: HeaderMap| async move {
                if !bearer_ok(&h) {
                    return (StatusCode::UNAUTHORIZED, Json(json!({"code": "unauthorized", "message": "bad token"}))).into_response();
                }
                let w = json!({"id": "ws_9dad1e4e08b0", "name": "project", "path": "/srv/project", "workspaceType": "local",
                    "opencode": {"baseUrl": format!("{}/opencode", s.base), "directory": "/srv/project"}});
                Json(json!({"active": w, "items": [w]})).into_response()
            }),
        )
        .route(
            "/opencode/session",
            get(|State(s): State<Fake>, h: HeaderMap, Query(q): Query<std::collections::HashMap<String, String>>| async move {
                s.calls.lock().unwrap().push(format!("session dir={}", q.get("directory").cloned().unwrap_or_default()));
                if !bearer_ok(&h) {
                    return StatusCode::UNAUTHORIZED.into_response();
                }
                Json(json!([{"id": "ses_1"}, {"id": "ses_2"}])).into_response()
            }),
        )
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, calls)
}

#[tokio::test]
async fn openwork_host_connects_through_its_proxy() {
    let (base, calls) = fake_host().await;
    let opts = HandshakeOptions { token: Some("good-token".into()), ..fast_opts() };
    let start = Instant::now();
    let c = connect(&format!("{base}/"), &opts).await.unwrap();
    eprintln!("connect to a fake host: {:?}", start.elapsed());
    let Handshake::OpenWork { host, opencode } = &c.handshake else { panic!("{:?}", c.handshake) };
    assert_eq!(host.url, base);
    assert_eq!(host.version, "0.1.0");
    assert_eq!(host.workspace_id, "ws_9dad1e4e08b0");
    assert_eq!(host.workspace_name, "project");
    assert_eq!(opencode.base_url, format!("{base}/opencode"));
    assert_eq!(opencode.directory, "/srv/project");
    assert_eq!(opencode.auth, OpencodeAuth::Bearer("good-token".into()));
    assert_eq!(c.session_count, 2);
    assert_eq!(calls.lock().unwrap().as_slice(), ["session dir=/srv/project"]);
}

#[tokio::test]
async fn openwork_host_with_wrong_or_missing_token_is_auth_failed() {
    let (base, calls) = fake_host().await;
    let wrong = HandshakeOptions { token: Some("bad".into()), ..fast_opts() };
    let err = connect(&base, &wrong).await.unwrap_err();
    let HandshakeError::AuthFailed { status: 401, hint, .. } = &err else { panic!("{err:?}") };
    assert!(hint.contains("wrong"), "{hint}");
    let err = connect(&base, &fast_opts()).await.unwrap_err();
    let HandshakeError::AuthFailed { hint, .. } = &err else { panic!("{err:?}") };
    assert!(hint.contains("OPENWORK_TOKEN"), "{hint}");
    assert!(calls.lock().unwrap().is_empty(), "never reached OpenCode");
}

async fn fake_opencode(password: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // "opencode:<password>" base64-encoded by hand below via a tiny encoder.
    let expected = password.map(|p| format!("Basic {}", b64(format!("opencode:{p}").as_bytes())));
    let check = move |h: &HeaderMap| -> bool {
        match &expected {
            None => true,
            Some(e) => h.get("authorization").and_then(|v| v.to_str().ok()) == Some(e.as_str()),
        }
    };
    let challenge = || (StatusCode::UNAUTHORIZED, [("www-authenticate", "Basic realm=\"Secure Area\"")], "Unauthorized").into_response();
    let (c0, c1, c2, c3) = (check.clone(), check.clone(), check.clone(), check);
    let app = Router::new()
        // Like the real one: with a password every route is guarded, /health included.
        .route(
            "/health",
            get(move |h: HeaderMap| async move {
                if !c0(&h) { return challenge(); }
                StatusCode::NOT_FOUND.into_response()
            }),
        )
        .route(
            "/global/health",
            get(move |h: HeaderMap| async move {
                if !c1(&h) { return challenge(); }
                Json(json!({"healthy": true, "version": "1.18.33"})).into_response()
            }),
        )
        .route(
            "/path",
            get(move |h: HeaderMap| async move {
                if !c2(&h) { return challenge(); }
                Json(json!({"home": "/h", "state": "/s", "config": "/c", "worktree": "/w", "directory": "/w/proj"})).into_response()
            }),
        )
        .route(
            "/session",
            get(move |h: HeaderMap| async move {
                if !c3(&h) { return challenge(); }
                Json(json!([])).into_response()
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn b64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn direct_opencode_falls_back_and_finds_directory() {
    let base = fake_opencode(None).await;
    let c = connect(&base, &fast_opts()).await.unwrap();
    let Handshake::OpenCode { opencode, version, not_openwork } = &c.handshake else { panic!("{:?}", c.handshake) };
    assert_eq!(opencode.directory, "/w/proj");
    assert_eq!(version, "1.18.33");
    assert_eq!(not_openwork, &Some(NotOpenWork::NotFound));
    assert_eq!(c.session_count, 0);
    // --directory wins over /path; --direct skips the OpenWork probe.
    let opts = HandshakeOptions { directory: Some("/other/".into()), direct: true, ..fast_opts() };
    let Handshake::OpenCode { opencode, not_openwork, .. } = handshake(&base, &opts).await.unwrap() else { panic!() };
    assert_eq!(opencode.directory, "/other");
    assert_eq!(not_openwork, None);
}

#[tokio::test]
async fn direct_opencode_with_password() {
    let base = fake_opencode(Some("s3cret")).await;
    let err = connect(&base, &fast_opts()).await.unwrap_err();
    assert!(matches!(err, HandshakeError::OpencodeNeedsPassword { .. }), "{err:?}");
    assert!(err.to_string().contains("needs a password"), "{err}");
    assert!(err.to_string().contains("OPENCODE_SERVER_PASSWORD"), "{err}");
    let wrong = HandshakeOptions { opencode_password: Some("nope".into()), ..fast_opts() };
    assert!(matches!(connect(&base, &wrong).await, Err(HandshakeError::OpencodeWrongPassword { .. })));
    let right = HandshakeOptions { opencode_password: Some("s3cret".into()), ..fast_opts() };
    let c = connect(&base, &right).await.unwrap();
    let Handshake::OpenCode { not_openwork, .. } = &c.handshake else { panic!() };
    assert_eq!(not_openwork, &Some(NotOpenWork::BasicAuthChallenge), "a Basic challenge on /health is not an OpenWork auth failure");
    assert_eq!(c.handshake.opencode().directory, "/w/proj");
    assert!(matches!(c.handshake.opencode().auth, OpencodeAuth::Basic { ref username, .. } if username == "opencode"));
}
