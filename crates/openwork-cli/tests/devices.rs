//! Device tokens and pairing through the real binary and OpenCode: `openwork
//! token add|list|revoke`, `openwork pair` + `openwork connect <link>`, each
//! scope against the proxy, `/workspaces` credentials for OpenCode's own
//! clients, a revoked token's open streams ending.
mod support;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

fn cli(sandbox: &Sandbox, args: &[&str]) -> (bool, String, String) {
    let out = sandbox.openwork().args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn device_tokens_scopes_pairing_and_revocation() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let url = host.url.clone();

    // `openwork token add`: printed once, listed without it.
    let (ok, viewer, err) = cli(&sandbox, &["token", "add", "--scope", "viewer", "--label", "wall display"]);
    assert!(ok, "{err}");
    let viewer = viewer.trim().to_string();
    assert!(viewer.starts_with("owt_"), "{viewer}");
    let (ok, list, err) = cli(&sandbox, &["token", "list", "--json"]);
    assert!(ok, "{err}");
    // One bare value for scripts: `T=$(openwork token show --only client)`.
    for (which, want) in [("client", &host.client_token), ("host", &host.host_token)] {
        let (ok, out, err) = cli(&sandbox, &["token", "show", "--only", which]);
        assert!(ok, "{err}");
        assert_eq!(out, format!("{want}\n"), "token show --only {which}");
    }
    assert!(!list.contains(&viewer), "a listing never shows a token");
    let list: Value = serde_json::from_str(&list).unwrap();
    let entry = list["items"].as_array().unwrap().iter().find(|t| t["label"] == "wall display").cloned().expect("listed");
    assert_eq!(entry["scope"], "viewer");
    let id = entry["id"].as_str().unwrap().to_string();

    // A viewer reads, and nothing else.
    assert_eq!(send("GET", &format!("{url}/workspaces"), &viewer, None).0, 200);
    assert_eq!(send("GET", &format!("{url}/opencode/session"), &viewer, None).0, 200);
    let (s, b) = send("POST", &format!("{url}/opencode/session"), &viewer, Some(json!({})));
    assert_eq!((s, b["code"].as_str()), (403, Some("forbidden")), "{b}");
    let ws_id = host.ready["workspace"]["id"].as_str().unwrap();
    let (s, _) = send("POST", &format!("{url}/workspace/{ws_id}/skills"), &viewer, Some(json!({"name": "x", "content": "x", "description": "d"})));
    assert_eq!(s, 403);
    let (s, caps) = send("GET", &format!("{url}/capabilities"), &viewer, None);
    assert_eq!((s, caps["scope"].as_str(), caps["skills"]["write"].as_bool()), (200, Some("viewer"), Some(false)), "{caps}");
    // `/workspaces` tells OpenCode's own clients how to log in: Basic with the token.
    let (_, ws) = send("GET", &format!("{url}/workspaces"), &viewer, None);
    assert_eq!(ws["active"]["opencode"]["password"].as_str(), Some(viewer.as_str()), "{ws}");
    let user = ws["active"]["opencode"]["username"].as_str().unwrap().to_string();
    let basic = http().get(format!("{url}/opencode/session")).basic_auth(&user, Some(&viewer)).send().unwrap();
    assert_eq!(basic.status().as_u16(), 200);

    // Pairing: a one-time link; another machine connects with it and gets its own token.
    let (ok, pair, err) = cli(&sandbox, &["pair", "--scope", "collaborator", "--label", "laptop", "--json"]);
    assert!(ok, "{err}");
    let pair: Value = serde_json::from_str(&pair).unwrap();
    let link = pair["url"].as_str().unwrap().to_string();
    assert!(link.contains("?pair=") && !link.contains(&host.client_token), "{link}");
    let device = Sandbox::new();
    // Pasted on standard input (`connect -`): never in the process list.
    let mut child = device
        .openwork()
        .args(["connect", "-", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{link}\n").as_bytes()).unwrap();
    let done = child.wait_with_output().unwrap();
    let (ok, out, err) = (done.status.success(), String::from_utf8_lossy(&done.stdout).into_owned(), String::from_utf8_lossy(&done.stderr).into_owned());
    assert!(ok, "{out}{err}");
    let connected: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(connected["remoteType"], "openwork", "{connected}");
    let stored = std::fs::read_to_string(device.path("ow-data").join("remote-tokens.json")).unwrap_or_default();
    assert!(stored.contains("owt_"), "the device stored its own token: {stored}");
    assert!(!stored.contains(&host.client_token), "the device has its own token, not the host's client token");
    let (ok, _, err) = cli(&device, &["connect", &link]);
    assert!(!ok && err.contains("used or expired"), "a pairing link works once: {err}");
    let (_, list, _) = cli(&sandbox, &["token", "list", "--json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    assert!(list["items"].as_array().unwrap().iter().any(|t| t["label"] == "laptop" && t["scope"] == "collaborator"), "{list}");

    // Revoked: refused at once, and its open event stream ends.
    let resp = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}/events"))
        .bearer_auth(&viewer)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for _ in BufReader::new(resp).lines().map_while(Result::ok) {}
        let _ = tx.send(Instant::now());
    });
    let t = Instant::now();
    let (ok, _, err) = cli(&sandbox, &["token", "revoke", &id]);
    assert!(ok, "{err}");
    let ended = rx.recv_timeout(Duration::from_secs(30)).expect("the revoked token's stream ended");
    report("revoked device token: its open /events stream ended after", format!("{:?} (from running `openwork token revoke`)", ended - t));
    assert_eq!(send("GET", &format!("{url}/workspaces"), &viewer, None).0, 401);
}
