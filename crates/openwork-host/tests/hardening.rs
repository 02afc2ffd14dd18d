//! Server hardening, in-process. Every operation of the committed OpenAPI
//! document: without a token, with a wrong token and with the other kind of
//! token it is refused (401); with the right token it is not; open routes
//! stay open. A client that never finishes its request head is cut off.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use http::Request;
use openwork_host::engine::{EngineConfig, EngineSupervisor, RestartPolicy};
use openwork_host::server::{self, AppState, ServerOptions};
use openwork_host::workspace::ActiveWorkspace;
use openwork_host::tokens::TokenSet;
use serde_json::Value;
use tower::ServiceExt;

const CLIENT: &str = "oaQEoOZbh-EN5BdvrEvu6Ao_AzWFWZ94kFd42JZlJZQ";
const HOST: &str = "YUrQzKns4qejX_FpCpTG7HD-H55BBTpIXdgAgVN4yvk";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cred {
    None,
    WrongBearer,
    ClientBearer,
    HostAsBearer,
    HostHeader,
    ClientInHostHeader,
    WrongHostHeader,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_checks_the_right_token() {
    let doc: Value = serde_json::from_str(include_str!("../../../openapi.json")).unwrap();
    let root = tempfile::tempdir().unwrap();
    let ws = root.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let tokens = Arc::new(
        TokenSet::load_or_create(&root.path().join("tokens.json"), Some(CLIENT.into()), Some(HOST.into()), openwork_host::tokens::Strength::Strict).unwrap(),
    );
    let mut cfg = EngineConfig::new(root.path().join("no-such-opencode"), ws.clone());
    cfg.policy = RestartPolicy { max_consecutive_failures: 1, ..RestartPolicy::default() };
    let engine = EngineSupervisor::start(cfg);
    let options = ServerOptions { read_only: true, ..ServerOptions::default() }; // nothing is written
    let state = AppState::new(tokens, engine, ActiveWorkspace::open(&ws).unwrap(), options).unwrap();
    let ws_id = state.active_workspace().id.clone();
    let router = server::router(state);
    // A distinct client address per request keeps the failed-auth limiter out of the way.
    let next_ip = AtomicU32::new(0x0a00_0001);

    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            // The schemes an operation accepts (any one of them will do).
            let schemes: Vec<String> = op["security"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_object().and_then(|m| m.keys().next().cloned()))
                .collect();
            let scheme = match schemes.as_slice() {
                [] => None,
                [one] => Some(one.clone()),
                _ => Some("either".to_string()),
            };
            let uri = path.replace("{id}", &ws_id).replace("{name}", "x").replace("{path}", "session");
            let send = |cred: Cred| {
                let mut req = Request::builder().method(method.to_uppercase().as_str()).uri(uri.clone());
                req = match cred {
                    Cred::None => req,
                    Cred::WrongBearer => req.header("authorization", "Bearer not-a-token"),
                    Cred::ClientBearer => req.header("authorization", format!("Bearer {CLIENT}")),
                    Cred::HostAsBearer => req.header("authorization", format!("Bearer {HOST}")),
                    Cred::HostHeader => req.header(openwork_wire::HOST_TOKEN_HEADER, HOST),
                    Cred::ClientInHostHeader => req.header(openwork_wire::HOST_TOKEN_HEADER, CLIENT),
                    Cred::WrongHostHeader => req.header(openwork_wire::HOST_TOKEN_HEADER, "not-a-token"),
                };
                let ip = IpAddr::V4(Ipv4Addr::from(next_ip.fetch_add(1, Ordering::Relaxed)));
                let mut req = req.header("content-type", "application/json").body(Body::from("{}")).unwrap();
                req.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
                let router = router.clone();
                async move {
                    let resp = router.oneshot(req).await.unwrap();
                    let status = resp.status().as_u16();
                    let streaming = resp
                        .headers()
                        .get("content-type")
                        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
                    if streaming {
                        return (status, Value::Null); // an open stream: do not read it
                    }
                    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap_or_default();
                    (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
                }
            };
            let label = format!("{} {path}", method.to_uppercase());
            match scheme.as_deref() {
                None => {
                    let (status, _) = send(Cred::None).await;
                    assert_ne!(status, 401, "{label} is documented open");
                }
                Some("clientToken") => {
                    for cred in [Cred::None, Cred::WrongBearer, Cred::HostAsBearer, Cred::HostHeader] {
                        let (status, body) = send(cred).await;
                        assert_eq!(status, 401, "{label} with {cred:?}: {body}");
                        assert_eq!(body["code"], "unauthorized", "{label} with {cred:?}: {body}");
                    }
                    let (status, body) = send(Cred::ClientBearer).await;
                    assert_ne!(status, 401, "{label} with the client token: {body}");
                }
                Some("hostToken") => {
                    for cred in [Cred::None, Cred::WrongHostHeader, Cred::ClientInHostHeader, Cred::ClientBearer] {
                        let (status, body) = send(cred).await;
                        assert_eq!(status, 401, "{label} with {cred:?}: {body}");
                        assert_eq!(body["code"], "unauthorized", "{label} with {cred:?}: {body}");
                    }
                    let (status, body) = send(Cred::HostHeader).await;
                    assert_ne!(status, 401, "{label} with the host token: {body}");
                }
                Some("either") => {
                    // The host token or a client token (owner scope).
                    for cred in [Cred::None, Cred::WrongBearer, Cred::WrongHostHeader, Cred::ClientInHostHeader, Cred::HostAsBearer] {
                        let (status, body) = send(cred).await;
                        assert_eq!(status, 401, "{label} with {cred:?}: {body}");
                        assert_eq!(body["code"], "unauthorized", "{label} with {cred:?}: {body}");
                    }
                    for cred in [Cred::HostHeader, Cred::ClientBearer] {
                        let (status, body) = send(cred).await;
                        assert_ne!(status, 401, "{label} with {cred:?}: {body}");
                    }
                }
                Some(other) => panic!("{label}: unknown security scheme {other}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} operations in the document");
}

/// A client that never finishes its request head is disconnected after the
/// header timeout (no slow-loris).
#[tokio::test]
async fn a_slow_request_head_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let root = tempfile::tempdir().unwrap();
    let ws = root.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let tokens = Arc::new(
        TokenSet::load_or_create(&root.path().join("tokens.json"), Some(CLIENT.into()), Some(HOST.into()), openwork_host::tokens::Strength::Strict).unwrap(),
    );
    let engine = EngineSupervisor::start(EngineConfig::new(root.path().join("no-such-opencode"), ws.clone()));
    let options = ServerOptions { header_timeout: std::time::Duration::from_millis(300), ..ServerOptions::default() };
    let state = AppState::new(tokens, engine, ActiveWorkspace::open(&ws).unwrap(), options).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(listener, state, std::future::pending()));
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    sock.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap(); // never ends the head
    let start = std::time::Instant::now();
    let mut buf = Vec::new();
    // Cut off by the 300 ms header timeout, long before the default 30 s one.
    let read = tokio::time::timeout(std::time::Duration::from_secs(15), sock.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "connection still open after 15 s");
    let cut = start.elapsed();
    assert!(cut >= std::time::Duration::from_millis(250), "cut before the header timeout: {cut:?}");
    eprintln!("slow request head cut off after {cut:?}");
    // A complete request on a fresh connection is still served.
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    sock.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut out = String::new();
    sock.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}
