//! Auth hardening through the real host: failed-auth rate limiting, tokens
//! absent from logs at every level, CORS only for configured origins.
mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

#[test]
fn brute_force_slows_down_but_a_valid_client_is_unaffected() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let url = format!("{}/workspaces", host.url);
    let mut codes = Vec::new();
    let start = Instant::now();
    for i in 0..25 {
        let (status, body) = get(&url, Some(&format!("guess-{i}")));
        codes.push(status);
        if status == 429 {
            assert_eq!(body["code"], "too_many_requests", "{body}");
        }
    }
    let guessing = start.elapsed();
    assert!(codes[..10].iter().all(|c| *c == 401), "{codes:?}");
    assert!(codes[10..].iter().all(|c| *c == 429), "{codes:?}");
    // 15 slowed attempts: 100 ms, 200 ms, ... capped at 2 s => well over 5 s in all.
    assert!(guessing > Duration::from_secs(5), "guessing was not slowed: {guessing:?}");
    // Meanwhile the right token from the same address goes straight through:
    // a guess now waits the limiter's 2 s; the valid token is not made to.
    let t = Instant::now();
    let (status, _) = get(&url, Some(&host.client_token));
    assert_eq!(status, 200);
    let valid = t.elapsed();
    report("valid token while an address is being slowed down", format!("{valid:?}"));
    assert!(valid < Duration::from_millis(1500), "the valid token was delayed: {valid:?}");
}

#[test]
fn tokens_never_reach_the_logs_even_at_trace_level() {
    let sandbox = Sandbox::new();
    // RUST_LOG=trace for every crate, including hyper and reqwest.
    let mut cmd = sandbox.openwork();
    cmd.env("RUST_LOG", "trace");
    let host = TestHost::start_with(&sandbox, cmd, &[]);
    let token = host.client_token.clone();
    let host_token = host.host_token.clone();
    for path in ["/workspaces", "/capabilities", "/engine", "/opencode/session", "/events?x=1"] {
        let _ = http().get(format!("{}{path}", host.url)).bearer_auth(&token).timeout(Duration::from_millis(500)).send();
    }
    let _ = http().post(format!("{}/opencode/session", host.url)).bearer_auth(&token).json(&json!({})).send().unwrap();
    let resp = http()
        .post(format!("{}/tokens/rotate", host.url))
        .header("x-openwork-host-token", &host_token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let rotated = sandbox.tokens().0;
    let (status, _) = get(&format!("{}/workspaces", host.url), Some(&rotated));
    assert_eq!(status, 200);
    let log = host.stderr_text();
    assert!(log.len() > 1000, "trace logging produced output");
    let engine_log = std::fs::read_to_string(sandbox.path("ow-data").join("logs/engine.log")).unwrap_or_default();
    for (name, secret) in [("client token", &token), ("host token", &host_token), ("rotated token", &rotated)] {
        assert!(!log.contains(secret.as_str()), "{name} in the host log");
        assert!(!engine_log.contains(secret.as_str()), "{name} in the engine log");
    }
}

#[test]
fn cors_only_for_configured_origins() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &["--cors", "http://good.example"]);
    let preflight = |origin: &str| {
        http()
            .request(reqwest::Method::OPTIONS, format!("{}/workspaces", host.url))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
            .unwrap()
    };
    let good = preflight("http://good.example");
    assert_eq!(
        good.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()),
        Some("http://good.example")
    );
    let evil = preflight("http://evil.example");
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    // A real request from an unlisted origin gets no CORS grant either.
    let resp = http()
        .get(format!("{}/workspaces", host.url))
        .bearer_auth(&host.client_token)
        .header("origin", "http://evil.example")
        .send()
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
    drop(host);

    // `--cors '*'`: any origin (bearer tokens, no cookies).
    let host = TestHost::start(&sandbox, &["--cors", "*"]);
    let resp = http()
        .request(reqwest::Method::OPTIONS, format!("{}/workspaces", host.url))
        .header("origin", "http://anything.example")
        .header("access-control-request-method", "GET")
        .send()
        .unwrap();
    assert_eq!(resp.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()), Some("*"));
    drop(host);

    // Without --cors: no grant for anyone.
    let host = TestHost::start(&sandbox, &[]);
    let resp = http()
        .request(reqwest::Method::OPTIONS, format!("{}/workspaces", host.url))
        .header("origin", "http://good.example")
        .header("access-control-request-method", "GET")
        .send()
        .unwrap();
    assert!(resp.headers().get("access-control-allow-origin").is_none());
}
