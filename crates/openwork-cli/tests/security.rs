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

/// Guesses spread over 50 loopback addresses count as one machine's: the
/// first 10 are answered 401, the other 90 are slowed down and refused; a
/// valid token from yet another loopback address goes straight through.
#[test]
fn guesses_spread_over_many_addresses_are_slowed_too() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let url = format!("{}/workspaces", host.url);
    let from = |last: u8| {
        reqwest::blocking::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, last]))
            .no_proxy()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap()
    };
    let start = Instant::now();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50u8)
            .map(|i| {
                let (client, url) = (from(10 + i), url.clone());
                s.spawn(move || {
                    (0..2).map(|n| client.get(&url).bearer_auth(format!("guess-{i}-{n}")).send().unwrap().status().as_u16()).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    report("100 guesses from 50 loopback addresses", format!("{:?}", start.elapsed()));
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 10, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 90, "{statuses:?}");
    let t = Instant::now();
    let status = from(200).get(&url).bearer_auth(&host.client_token).send().unwrap().status().as_u16();
    assert_eq!(status, 200);
    let valid = t.elapsed();
    report("valid token from loopback while it is being slowed down", format!("{valid:?}"));
    assert!(valid < Duration::from_millis(1500), "the valid token was delayed: {valid:?}");
}

/// Weak tokens are refused where they come in (environment, flag, a
/// hand-edited token file) with a message that says how to make one.
#[test]
fn weak_tokens_are_refused_at_start() {
    let sandbox = Sandbox::new();
    let ws = sandbox.workspace.to_str().unwrap().to_string();
    let fails = |cmd: &mut std::process::Command, expect: &str| {
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success(), "started with a weak token");
        assert!(err.contains(expect) && err.contains("openssl rand -base64 32"), "{err}");
    };
    fails(sandbox.openwork().args(["host", "--workspace", &ws, "--port", "0"]).env("OPENWORK_TOKEN", "1"), "OPENWORK_TOKEN");
    fails(sandbox.openwork().args(["host", "--workspace", &ws, "--port", "0", "--host-token", "hunter2hunter2hunter2"]), "OPENWORK_HOST_TOKEN");
    // The same tokens spelled as a UUID: 122 bits, refused by the host.
    fails(
        sandbox.openwork().args(["host", "--workspace", &ws, "--port", "0"]).env("OPENWORK_TOKEN", "3f2b8c1e-9d4a-4e7b-a1c2-5e6f7a8b9c0d"),
        "OPENWORK_TOKEN",
    );
    // A hand-edited token file.
    let host = TestHost::start(&sandbox, &[]);
    drop(host);
    let file = sandbox.path("ow-config").join("tokens.json");
    let (client, _) = sandbox.tokens();
    let text = std::fs::read_to_string(&file).unwrap().replace(&client, "x");
    std::fs::write(&file, text).unwrap();
    fails(sandbox.openwork().args(["host", "--workspace", &ws, "--port", "0"]), "tokens.json");
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

/// `openwork app` sign-in: the browser is started on a private page holding a
/// one-time code (never on a command line); the code signs in once; no
/// bearer token opens the API; running `openwork app` again asks the running
/// app for a new code. (Expiry within a minute: unit test in `auth.rs`.)
#[test]
fn app_sign_in_is_a_one_time_code_never_on_a_command_line() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let argv_log = sandbox.path("browser-argv.log");
    let browser = sandbox.path("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n", argv_log.display())).unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let start_app = |port: &str| {
        sandbox
            .openwork()
            .args(["app", "--port", port, "--json"])
            .env("BROWSER", &browser)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut child = start_app("0");
    let out = ChildOutput::collect(&mut child);
    let _kill = KillOnDrop(child);
    let ready: serde_json::Value = serde_json::from_str(&out.first_line.recv_timeout(Duration::from_secs(60)).expect("ready line")).unwrap();
    let url = ready["url"].as_str().unwrap().to_string();
    let login = ready["loginUrl"].as_str().unwrap().to_string();
    let code_of = |link: &str| link.split("code=").nth(1).unwrap().to_string();

    // The browser got a file, and only a file; the page holds the code.
    let opened = |n: usize| {
        poll(Duration::from_secs(30), "the browser started", || {
            let lines: Vec<String> = std::fs::read_to_string(&argv_log).ok()?.lines().map(str::to_string).collect();
            (lines.len() >= n).then_some(lines)
        })
    };
    let argv = opened(1);
    let page_of = |arg: &str| std::path::PathBuf::from(arg.strip_prefix("file://").unwrap_or_else(|| panic!("not a file: {arg}")));
    let page = page_of(&argv[0]);
    let code = code_of(&login);
    assert!(!argv[0].contains(&code), "the code is on the browser's command line: {argv:?}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(&code) && html.contains(&format!("{url}/signin")), "{html}");
    assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(page.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    let runtime = sandbox.path("ow-data").join("app.json");
    assert_eq!(std::fs::metadata(&runtime).unwrap().permissions().mode() & 0o777, 0o600);

    // The page posts the code: a cookie, once.
    let client = reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().unwrap();
    let post = |code: &str| {
        let r = client.post(format!("{url}/signin")).header("content-type", "application/x-www-form-urlencoded").body(format!("code={code}")).send().unwrap();
        assert_eq!(r.status().as_u16(), 303);
        r.headers().get("set-cookie").map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
    };
    let cookie = post(&code).expect("the code signs in");
    let info = |headers: &[(&str, &str)]| {
        let mut req = http().get(format!("{url}/app/api/info")).header("x-openwork-app", "1");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().unwrap().status().as_u16()
    };
    assert_eq!(info(&[("cookie", &cookie)]), 200);
    assert!(post(&code).is_none(), "a used code signs in again");
    assert!(App::sign_in(&login).is_none(), "the printed link works after its code was used");
    // No bearer opens the API.
    assert_eq!(info(&[("authorization", &format!("Bearer {code}"))]), 401);
    assert_eq!(info(&[]), 401);
    let s = http().post(format!("{url}/app/control/sign-in")).bearer_auth(&code).send().unwrap().status().as_u16();
    assert_eq!(s, 401, "the control endpoint takes only the control secret");
    // Guesses of the same shape fail too.
    assert!(post(&"0".repeat(32)).is_none());
    assert!(post(&code.to_uppercase()).is_none());

    // `openwork app` again on the same port: the running app gives a new code.
    let port = url.rsplit(':').next().unwrap().to_string();
    let again = start_app(&port).wait_with_output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let line: serde_json::Value = serde_json::from_slice(again.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["event"], "signIn", "{line}");
    let second = code_of(line["loginUrl"].as_str().unwrap());
    assert_ne!(second, code);
    let argv = opened(2);
    assert!(!argv[1].contains(&second), "{argv:?}");
    assert!(std::fs::read_to_string(page_of(&argv[1])).unwrap().contains(&second));
    let again_cookie = post(&second).expect("the new code signs in");
    assert_eq!(info(&[("cookie", &again_cookie)]), 200);
    // The app's own command line has no secret either.
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", _kill.0.id())).unwrap();
    let cmdline = String::from_utf8_lossy(&cmdline);
    assert!(!cmdline.contains(&code) && !cmdline.contains(&second), "{cmdline}");
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
