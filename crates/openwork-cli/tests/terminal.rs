//! OpenCode's terminal through the host's proxy: the WebSocket of
//! `/pty/:id/connect` (and `/api/pty/:id/connect`) with a device token,
//! tried as its users and as an attacker would: Bearer and Basic, each
//! scope, no upgrade, another folder's terminal (by id, and by naming the
//! folder), a revoked token's open terminal.
mod support;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;
use support::*;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

/// A device token of `scope`: (id, token).
fn device_token(host: &TestHost, scope: &str) -> (String, String) {
    let body = issue_token(&host.url, &host.host_token, scope, &format!("terminal {scope}"));
    (body["id"].as_str().unwrap().to_string(), body["token"].as_str().unwrap().to_string())
}

/// The id of a new shell terminal, created through the proxy at `base`
/// (`/opencode/pty` or `/opencode/api/pty`, whose answer wraps it in `data`).
fn new_terminal(host: &TestHost, base: &str, token: &str) -> String {
    let (status, body) = send("POST", &format!("{}{base}", host.url), token, Some(json!({"command": "/bin/sh"})));
    assert_eq!(status, 200, "POST {base}: {body}");
    let pty = if body.get("data").is_some() { &body["data"] } else { &body };
    pty["id"].as_str().unwrap_or_else(|| panic!("no id: {body}")).to_string()
}

/// A WebSocket handshake to `path` on the host with `authorization`:
/// the socket, or the HTTP status it was refused with.
fn connect(host: &TestHost, path: &str, authorization: Option<&str>) -> Result<WebSocket<TcpStream>, u16> {
    connect_from(host, path, authorization, None)
}

/// [`connect`] as a browser's page at `origin` would.
fn connect_from(host: &TestHost, path: &str, authorization: Option<&str>, origin: Option<&str>) -> Result<WebSocket<TcpStream>, u16> {
    let url = format!("{}{path}", host.url.replacen("http://", "ws://", 1));
    let mut req = url.as_str().into_client_request().unwrap();
    if let Some(a) = authorization {
        req.headers_mut().insert("authorization", a.parse().unwrap());
    }
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    let addr = host.url.trim_start_matches("http://").to_string();
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    match tungstenite::client(req, stream) {
        Ok((mut ws, resp)) => {
            assert_eq!(resp.status().as_u16(), 101);
            // Short reads from now on: the loops below poll with deadlines.
            ws.get_mut().set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            Ok(ws)
        }
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(resp))) => Err(resp.status().as_u16()),
        Err(e) => panic!("WebSocket to {path}: {e}"),
    }
}

/// What the terminal shows until `want` appears (deadline), or `None` when
/// the connection ends first.
fn read_until(ws: &mut WebSocket<TcpStream>, want: &str, deadline: Duration) -> Option<String> {
    let start = Instant::now();
    let mut seen = String::new();
    while start.elapsed() < deadline {
        match ws.read() {
            Ok(Message::Text(t)) => seen.push_str(&t),
            Ok(Message::Binary(b)) => seen.push_str(&String::from_utf8_lossy(&b)),
            Ok(Message::Close(_)) => return None,
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return None,
        }
        if seen.contains(want) {
            return Some(seen);
        }
    }
    panic!("the terminal did not show {want:?} in {deadline:?}; it showed: {seen:?}");
}

/// Whether the connection ends (closed, reset) within `deadline`.
fn ends_within(ws: &mut WebSocket<TcpStream>, deadline: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < deadline {
        match ws.read() {
            Ok(Message::Close(_)) => return true,
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

/// Types a command that prints a marker only a shell computes, and waits
/// for it.
fn shell_answers(ws: &mut WebSocket<TcpStream>, n: u32) {
    ws.send(Message::text(format!("echo openwork-$(({n}*7))\n"))).unwrap();
    let shown = read_until(ws, &format!("openwork-{}", n * 7), Duration::from_secs(60));
    assert!(shown.is_some(), "the terminal closed before the shell answered");
}

fn basic(password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("anyone:{password}")))
}

#[test]
fn the_terminal_websocket_through_the_proxy_with_scopes_pinning_and_revocation() {
    let sandbox = Sandbox::new();
    let other = sandbox.path("other");
    std::fs::create_dir_all(&other).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    let (_, viewer) = device_token(&host, "viewer");
    let (collaborator_id, collaborator) = device_token(&host, "collaborator");

    // Both terminal APIs: created, joined with Bearer, echoed by a real shell.
    let started = Instant::now();
    let v1 = new_terminal(&host, "/opencode/pty", &collaborator);
    let mut ws = connect(&host, &format!("/opencode/pty/{v1}/connect"), Some(&format!("Bearer {collaborator}"))).expect("v1 terminal");
    shell_answers(&mut ws, 6);
    report("terminal: create + connect + first echo through the proxy (ms)", started.elapsed().as_millis());
    let v2 = new_terminal(&host, "/opencode/api/pty", &collaborator);
    let mut ws2 = connect(&host, &format!("/opencode/api/pty/{v2}/connect"), Some(&format!("Bearer {collaborator}"))).expect("v2 terminal");
    shell_answers(&mut ws2, 7);
    drop(ws2);
    // Basic, as OpenCode's own clients send it (any user name).
    let mut ws3 = connect(&host, &format!("/opencode/pty/{v1}/connect"), Some(&basic(&collaborator))).expect("Basic");
    shell_answers(&mut ws3, 8);
    drop(ws3);

    // Who may not: no token (401, Basic named), a wrong one, a viewer
    // (the terminal is the exec class), a viewer creating one.
    assert_eq!(connect(&host, &format!("/opencode/pty/{v1}/connect"), None).err(), Some(401));
    assert_eq!(connect(&host, &format!("/opencode/pty/{v1}/connect"), Some("Bearer owt_not-a-token")).err(), Some(401));
    assert_eq!(connect(&host, &format!("/opencode/pty/{v1}/connect"), Some(&format!("Bearer {viewer}"))).err(), Some(403));
    assert_eq!(connect(&host, &format!("/opencode/api/pty/{v2}/connect"), Some(&basic(&viewer))).err(), Some(403));
    assert_eq!(send("POST", &format!("{}/opencode/pty", host.url), &viewer, Some(json!({"command": "/bin/sh"}))).0, 403);
    // Another site's page (WebSockets are not bound by CORS; a browser may
    // hold credentials for the host): refused. The host's own page: fine.
    let bearer = format!("Bearer {collaborator}");
    for evil in ["http://evil.example", "null", &host.url.replace("127.0.0.1", "localhost")] {
        assert_eq!(connect_from(&host, &format!("/opencode/pty/{v1}/connect"), Some(&bearer), Some(evil)).err(), Some(403), "{evil}");
    }
    let own = connect_from(&host, &format!("/opencode/pty/{v1}/connect"), Some(&bearer), Some(&host.url));
    assert!(own.is_ok(), "the host's own origin: {:?}", own.err());
    drop(own);
    // Not a WebSocket: a JSON 400, nothing forwarded.
    let (status, body) = send("GET", &format!("{}/opencode/pty/{v1}/connect", host.url), &collaborator, None);
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_request")), "{body}");

    // Another folder, named: refused by the pin (any spelling).
    let other_dir = canonical(&other);
    for query in [format!("directory={other_dir}"), format!("location%5Bdirectory%5D={other_dir}"), format!("%64irectory={other_dir}")] {
        let path = format!("/opencode/pty/{v1}/connect?{query}");
        assert_eq!(connect(&host, &path, Some(&format!("Bearer {collaborator}"))).err(), Some(403), "{path}");
    }
    // Encoded separators in the id: refused before anything is forwarded.
    assert_eq!(connect(&host, &format!("/opencode/pty/{v1}%2f..%2fx/connect"), Some(&format!("Bearer {collaborator}"))).err(), Some(400));

    // A terminal of another folder, by id: after the host switched to
    // `other`, the first folder's terminals are not found through it.
    let resp = http()
        .post(format!("{}/workspaces/active", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .json(&json!({"path": other_dir}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    for path in [format!("/opencode/pty/{v1}/connect"), format!("/opencode/api/pty/{v2}/connect")] {
        assert_eq!(connect(&host, &path, Some(&format!("Bearer {collaborator}"))).err(), Some(404), "{path}");
    }
    let (status, _) = send("GET", &format!("{}/opencode/pty/{v1}", host.url), &collaborator, None);
    assert_eq!(status, 404);

    // Revoking a token ends its open terminal at once.
    let mine = new_terminal(&host, "/opencode/pty", &collaborator);
    let mut ws4 = connect(&host, &format!("/opencode/pty/{mine}/connect"), Some(&format!("Bearer {collaborator}"))).expect("terminal");
    shell_answers(&mut ws4, 9);
    let revoked = Instant::now();
    let resp = http()
        .delete(format!("{}/tokens/{collaborator_id}", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .send()
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    assert!(ends_within(&mut ws4, Duration::from_secs(30)), "a revoked token's terminal stayed open");
    report("terminal: revocation to connection closed (ms)", revoked.elapsed().as_millis());
    assert_eq!(connect(&host, &format!("/opencode/pty/{mine}/connect"), Some(&format!("Bearer {collaborator}"))).err(), Some(401));
    // The terminal opened before the switch was the same token's: ended too.
    assert!(ends_within(&mut ws, Duration::from_secs(30)));
}
