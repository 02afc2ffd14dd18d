//! Scopes hold on every route, in-process: every operation of the committed
//! OpenAPI document and every route of the `/opencode` policy table, asked
//! with a viewer, a collaborator and an owner device token (Bearer, and
//! Basic on `/opencode`). A token below the route's scope gets 403
//! `forbidden`; a token at or above it passes the scope check (the engine
//! does not run here, so a proxied request then ends 503). Revoking a token
//! ends its open event stream.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use base64::Engine as _;
use http::Request;
use openwork_host::engine::{EngineConfig, EngineSupervisor, RestartPolicy};
use openwork_host::server::{self, AppState, ServerOptions};
use openwork_host::tokens::TokenSet;
use openwork_host::workspace::ActiveWorkspace;
use openwork_proxy::routes::{Class, ROUTES};
use openwork_wire::api::TokenScope;
use serde_json::Value;
use tower::ServiceExt;

const CLIENT: &str = "pR3v1c8Qm_xZ0yK7sLwN2aH9fJ4tD6gB5eU1cV8oI3q";
const HOST: &str = "Zq7W2nE5rT8yU1iO4pA3sD6fG9hJ0kL2xC5vB8nM1qw";

struct World {
    router: axum::Router,
    state: AppState,
    ws_id: String,
    _root: tempfile::TempDir,
    next_ip: AtomicU32,
}

fn world() -> World {
    world_with(ServerOptions { read_only: false, audit_dir: None, ..ServerOptions::default() })
}

fn world_with(options: ServerOptions) -> World {
    let root = tempfile::tempdir().unwrap();
    let ws = root.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let tokens = Arc::new(
        TokenSet::load_or_create(&root.path().join("tokens.json"), Some(CLIENT.into()), Some(HOST.into()), openwork_host::tokens::Strength::Strict)
            .unwrap(),
    );
    let mut cfg = EngineConfig::new(root.path().join("no-such-opencode"), ws.clone());
    cfg.policy = RestartPolicy { max_consecutive_failures: 1, ..RestartPolicy::default() };
    let engine = EngineSupervisor::start(cfg);
    let state = AppState::new(tokens, engine, ActiveWorkspace::open(&ws).unwrap(), options).unwrap();
    let ws_id = state.active_workspace().id.clone();
    World { router: server::router(state.clone()), state, ws_id, _root: root, next_ip: AtomicU32::new(0x0a00_0001) }
}

/// Send `method uri` with `auth`; status and JSON body (event streams not read).
async fn send(w: &World, method: &str, uri: &str, auth: &str) -> (u16, Value) {
    let ip = IpAddr::V4(Ipv4Addr::from(w.next_ip.fetch_add(1, Ordering::Relaxed)));
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", auth)
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    let resp = w.router.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    if resp.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) {
        return (status, Value::Null);
    }
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap_or_default();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The least scope of a host API operation (`None`: the host token only, or open).
fn needed(method: &str, path: &str) -> Option<TokenScope> {
    let owner = path.starts_with("/tokens")
        || path == "/pairing"
        || (path.starts_with("/workspace/{id}/") && method != "get")
        || (method == "get" && ["/workspace/{id}/config", "/workspace/{id}/mcp", "/workspace/{id}/audit"].contains(&path));
    Some(if owner { TokenScope::Owner } else { TokenScope::Viewer })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_host_operation_holds_its_scope() {
    let w = world();
    let doc: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    let tokens: Vec<(TokenScope, String)> = [TokenScope::Viewer, TokenScope::Collaborator, TokenScope::Owner]
        .into_iter()
        .map(|s| (s, w.state.devices.issue(s, Some("scope test")).unwrap().token))
        .collect();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if path.starts_with("/opencode") {
            continue; // the policy table, below
        }
        for (method, op) in ops.as_object().unwrap() {
            let client_side = op["security"].to_string().contains("clientToken");
            if !client_side {
                continue;
            }
            let Some(least) = needed(method, path) else { continue };
            let uri = path.replace("{id}", &w.ws_id).replace("{name}", "x");
            for (scope, token) in &tokens {
                let (status, body) = send(&w, &method.to_uppercase(), &uri, &format!("Bearer {token}")).await;
                let label = format!("{} {path} as {}", method.to_uppercase(), scope.name());
                if *scope < least {
                    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{label}: {body}");
                } else {
                    assert!(status != 401 && !(status == 403 && body["details"]["needed"].is_string()), "{label} -> {status}: {body}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked} operations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_proxied_route_holds_its_scope() {
    let w = world();
    let tokens: Vec<(TokenScope, String)> = [TokenScope::Viewer, TokenScope::Collaborator, TokenScope::Owner]
        .into_iter()
        .map(|s| (s, w.state.devices.issue(s, None).unwrap().token))
        .collect();
    for route in ROUTES {
        let path = route
            .pattern
            .split('/')
            .map(|s| if s.starts_with('{') { "x1" } else { s })
            .collect::<Vec<_>>()
            .join("/")
            .replace('*', "a");
        let uri = format!("/opencode{path}");
        for (scope, token) in &tokens {
            // Bearer and Basic (any user, the token as password) alike.
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("opencode:{token}"));
            for auth in [format!("Bearer {token}"), format!("Basic {basic}")] {
                let (status, body) = send(&w, route.method.as_str(), &uri, &auth).await;
                let label = format!("{} {} as {} ({})", route.method, route.pattern, scope.name(), &auth[..5]);
                match route.class.min_scope() {
                    None => assert_eq!(status, 403, "{label}: {body}"),
                    Some(least) if *scope < least => {
                        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{label}: {body}");
                        assert_eq!(body["details"]["needed"], least.name(), "{label}: {body}");
                    }
                    Some(_) => assert!(
                        !(status == 401 || status == 403 && body["details"]["needed"].is_string()),
                        "{label} -> {status}: {body}"
                    ),
                }
            }
        }
    }
    // Credentials are an owner's (the engine is not running here: 503 after the check).
    assert!(ROUTES.iter().any(|r| r.class == Class::Credentials));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_basic_password_is_refused_with_a_basic_challenge() {
    let w = world();
    let basic = base64::engine::general_purpose::STANDARD.encode("opencode:owt_not-a-token");
    let ip = IpAddr::V4(Ipv4Addr::new(10, 9, 9, 9));
    let mut req = Request::builder().uri("/opencode/session").header("authorization", format!("Basic {basic}")).body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    let resp = w.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Basic realm=\"OpenWork\"");
    // Basic is for the proxy only: the host API wants Bearer.
    let (status, _) = send(&w, "GET", "/workspaces", &format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("u:{CLIENT}")))).await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_tokens_event_stream_ends_at_once() {
    use futures_util::StreamExt;
    let w = world();
    let issued = w.state.devices.issue(TokenScope::Viewer, Some("phone")).unwrap();
    let req = Request::builder().uri("/events").header("authorization", format!("Bearer {}", issued.token)).body(Body::empty()).unwrap();
    let resp = w.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body().into_data_stream();
    let t = std::time::Instant::now();
    w.state.devices.revoke(&issued.id).unwrap();
    // The stream ends (keep-alives aside, nothing else comes) within the
    // second the issue promises; in-process nothing but the revocation
    // itself stands between the two (it takes well under a millisecond).
    let ended = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream stayed open for a second after the revocation");
    eprintln!("revoked stream ended after {:?}", t.elapsed());
    let (status, _) = send(&w, "GET", "/workspaces", &format!("Bearer {}", issued.token)).await;
    assert_eq!(status, 401, "a revoked token is refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_tokens_event_stream_ends_when_its_streams_are_ended() {
    use futures_util::StreamExt;
    let w = world();
    // A device token's request in between subscribes to nothing of the client token's.
    let issued = w.state.devices.issue(TokenScope::Viewer, None).unwrap();
    let device = format!("Bearer {}", issued.token);
    assert_eq!(send(&w, "GET", "/workspaces", &device).await.0, 200);
    let req = Request::builder()
        .uri("/events")
        .header("authorization", format!("Bearer {CLIENT}"))
        .body(Body::empty())
        .unwrap();
    let resp = w.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body().into_data_stream();
    // What `POST /tokens/rotate` does once the new token is in place.
    let devices = &w.state.devices;
    devices.end_streams(openwork_host::devices::CLIENT_ID);
    let ended = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the client token's stream stayed open");
}

/// A request with `headers` (peer address unique per call); status,
/// headers and body.
async fn raw(w: &World, method: &str, uri: &str, headers: &[(&str, &str)], body: Body) -> (u16, http::HeaderMap, Vec<u8>) {
    let ip = IpAddr::V4(Ipv4Addr::from(w.next_ip.fetch_add(1, Ordering::Relaxed)));
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(body).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    let resp = w.router.clone().oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = tokio::time::timeout(Duration::from_secs(5), axum::body::to_bytes(body, 1 << 20))
        .await
        .map(|b| b.unwrap_or_default().to_vec())
        .unwrap_or_default();
    (parts.status.as_u16(), parts.headers, bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_never_get_a_basic_challenge_nor_use_basic_from_another_site() {
    let w = world();
    let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("u:{CLIENT}")));
    // A page's fetch with a stale token: 401 without the challenge (a
    // browser would ask for a password and remember it).
    let (status, headers, _) = raw(&w, "GET", "/opencode/session", &[("authorization", "Bearer owt_stale"), ("sec-fetch-mode", "cors")], Body::empty()).await;
    assert_eq!(status, 401);
    assert!(headers.get("www-authenticate").is_none(), "{headers:?}");
    // Credentials a browser remembered, sent for another site's page: not used.
    for site in ["cross-site", "same-site"] {
        let (status, _, _) = raw(&w, "GET", "/opencode/session", &[("authorization", basic.as_str()), ("sec-fetch-site", site)], Body::empty()).await;
        assert_eq!(status, 401, "Basic from a {site} page");
    }
    // The host's own page, or no browser at all: Basic works (503: no engine here).
    for extra in [vec![("sec-fetch-site", "same-origin")], vec![]] {
        let mut h = vec![("authorization", basic.as_str())];
        h.extend(extra);
        let (status, _, _) = raw(&w, "GET", "/opencode/session", &h, Body::empty()).await;
        assert_eq!(status, 503);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_owners_see_what_a_change_held_for_approval_would_write() {
    let w = world();
    w.state.events.publish("approval.requested", serde_json::json!({"id": "apr_1", "summary": "Patch workspace config (mcp)", "change": "+ \"apiKey\": \"sk-secret\""}));
    w.state.events.publish("config.changed", serde_json::json!({"change": "kept: not an approval"}));
    for (scope, shown) in [(TokenScope::Viewer, false), (TokenScope::Collaborator, false), (TokenScope::Owner, true)] {
        let t = w.state.devices.issue(scope, None).unwrap();
        let auth = format!("Bearer {}", t.token);
        // The backlog (replayed from id 0), then the stream is cut off by the read timeout.
        let req = Request::builder().uri("/events?lastEventId=0").header("authorization", auth).body(Body::empty()).unwrap();
        let resp = w.router.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), 200);
        let mut body = resp.into_body().into_data_stream();
        let mut seen = String::new();
        while !seen.contains("config.changed") {
            let chunk = tokio::time::timeout(Duration::from_secs(10), futures_util::StreamExt::next(&mut body)).await;
            match chunk {
                Ok(Some(Ok(c))) => seen.push_str(&String::from_utf8_lossy(&c)),
                _ => panic!("the backlog did not arrive: {seen}"),
            }
        }
        assert!(seen.contains("Patch workspace config (mcp)"), "{scope:?}: the request itself is shown: {seen}");
        assert_eq!(seen.contains("sk-secret"), shown, "{scope:?}: {seen}");
        assert!(seen.contains("kept: not an approval"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pairing_exchange_reads_no_large_body() {
    let w = world();
    let big = format!("{{\"code\": \"{}\"}}", "0".repeat(8000));
    let (status, _, body) = raw(&w, "POST", "/pairing/exchange", &[("content-type", "application/json")], Body::from(big)).await;
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&body));
    // Streamed without a length: the same.
    let chunks = futures_util::stream::iter((0..64).map(|_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 1024]))));
    let (status, _, _) = raw(&w, "POST", "/pairing/exchange", &[("content-type", "application/json")], Body::from_stream(chunks)).await;
    assert_eq!(status, 413);
    // A real code still works.
    let (code, _) = w.state.pairings.create(TokenScope::Viewer, Some("tv"));
    let (status, _, body) = raw(&w, "POST", "/pairing/exchange", &[("content-type", "application/json")], Body::from(format!("{{\"code\":\"{code}\"}}"))).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_tokens_changes_waiting_for_approval_are_denied() {
    use openwork_host::extensions::ApprovalMode;
    let w = world_with(ServerOptions {
        read_only: false,
        audit_dir: None,
        approval: ApprovalMode::Manual,
        approval_timeout: Duration::from_secs(120),
        ..ServerOptions::default()
    });
    let owner = w.state.devices.issue(TokenScope::Owner, Some("laptop")).unwrap();
    let other = w.state.devices.issue(TokenScope::Owner, Some("desk")).unwrap();
    let skill = |name: &str, token: &str| {
        let req = Request::builder()
            .method("POST")
            .uri(format!("/workspace/{}/skills", w.ws_id))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(serde_json::json!({"name": name, "description": "d", "content": "c"}).to_string()))
            .unwrap();
        w.router.clone().oneshot(req)
    };
    let mine = tokio::spawn(skill("from-laptop", &owner.token));
    let theirs = tokio::spawn(skill("from-desk", &other.token));
    // Both wait for the host's decision.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while w.state.extensions.approvals.list().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "the writes never waited for approval");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (status, _) = send_host(&w, "DELETE", &format!("/tokens/{}", owner.id)).await;
    assert_eq!(status, 200);
    let resp = tokio::time::timeout(Duration::from_secs(30), mine).await.expect("answered").unwrap().unwrap();
    assert_eq!(resp.status(), 403, "the revoked token's change is denied");
    let left = w.state.extensions.approvals.list();
    assert_eq!(left.len(), 1, "the other token's change still waits: {left:?}");
    w.state.extensions.approvals.respond(&left[0].id, false);
    let resp = tokio::time::timeout(Duration::from_secs(30), theirs).await.expect("answered").unwrap().unwrap();
    assert_eq!(resp.status(), 403);
    let ws = std::path::PathBuf::from(&w.state.active_workspace().directory);
    for name in ["from-laptop", "from-desk"] {
        assert!(!ws.join(".opencode/skills").join(name).exists(), "{name} was written");
    }
}

/// `method uri` with the host token.
async fn send_host(w: &World, method: &str, uri: &str) -> (u16, Value) {
    let req = Request::builder().method(method).uri(uri).header("x-openwork-host-token", HOST).body(Body::empty()).unwrap();
    let resp = w.router.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap_or_default();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}
