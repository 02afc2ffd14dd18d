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
    let options = ServerOptions { read_only: false, audit_dir: None, ..ServerOptions::default() };
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
