//! `openwork host` failure modes and persistence, and `openwork connect`
//! against a real host.
mod support;

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

/// Run `openwork host` expecting it to fail; returns (stderr, elapsed).
fn host_fails(sandbox: &Sandbox, args: &[&str]) -> (String, Duration) {
    let start = Instant::now();
    let out = sandbox
        .openwork()
        .args(["host", "--workspace"])
        .arg(&sandbox.workspace)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "host should fail: {}", String::from_utf8_lossy(&out.stdout));
    (String::from_utf8_lossy(&out.stderr).into_owned(), start.elapsed())
}

fn fake_engine(sandbox: &Sandbox, name: &str, script: &str) -> String {
    let p = sandbox.path(name);
    std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn taken_port_is_a_quick_clear_error() {
    let sandbox = Sandbox::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (err, elapsed) = host_fails(&sandbox, &["--port", &port]);
    assert!(err.contains("already in use") && err.contains("--port 0"), "{err}");
    report("taken port: time to the error", format!("{elapsed:?}"));
    // Before the engine is started (it would take seconds and a deadline).
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

#[test]
fn missing_engine_binary_says_how_to_install() {
    let sandbox = Sandbox::new();
    let (err, _) = host_fails(&sandbox, &["--port", "0", "--opencode-bin", "/nonexistent/opencode"]);
    assert!(err.contains("--opencode-bin") && err.contains("not a file"), "{err}");
    // Nothing on PATH, no env, nothing installed: points at `openwork engine install`.
    let out = sandbox
        .openwork()
        .env_remove("OPENCODE_BIN")
        .env("PATH", "/usr/bin:/bin")
        .args(["host", "--port", "0", "--workspace"])
        .arg(&sandbox.workspace)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("openwork engine install") && err.contains("opencode-ai@1.18.33"), "{err}");
}

#[test]
fn engine_that_never_answers_hits_the_deadline_and_is_cleaned_up() {
    let sandbox = Sandbox::new();
    let marker = sandbox.path("marker");
    let bin = fake_engine(
        &sandbox,
        "silent-opencode",
        &format!(
            "if [ \"$1\" = --version ]; then echo 1.18.33; exit 0; fi\necho $$ > {}\nexec sleep 600",
            marker.display()
        ),
    );
    let (err, elapsed) = host_fails(&sandbox, &["--port", "0", "--opencode-bin", &bin, "--engine-start-timeout", "2"]);
    assert!(err.contains("did not become ready") && err.contains("no healthy answer"), "{err}");
    report("never-ready engine (2 s deadline): time to the error", format!("{elapsed:?}"));
    // The 2 s deadline, not the default 60 s one.
    assert!(elapsed < Duration::from_secs(40), "{elapsed:?}");
    let pid: i32 = std::fs::read_to_string(&marker).unwrap().trim().parse().unwrap();
    poll(Duration::from_secs(30), "silent engine to be gone", || (!pid_alive(pid)).then_some(()));
}

#[test]
fn other_engine_version_is_warned_about() {
    let sandbox = Sandbox::new();
    let real = opencode_bin();
    let bin = fake_engine(
        &sandbox,
        "old-opencode",
        &format!("if [ \"$1\" = --version ]; then echo 0.0.1; exit 0; fi\nexec {} \"$@\"", real.display()),
    );
    let host = TestHost::start(&sandbox, &["--opencode-bin", &bin]);
    assert_eq!(host.ready["engine"]["state"], "running");
    poll(Duration::from_secs(30), "version warning", || {
        let log = host.stderr_text();
        (log.contains("0.0.1") && log.contains("not the tested version")).then_some(())
    });
}

#[test]
fn tokens_persist_0600_across_restarts_and_env_overrides_win() {
    let sandbox = Sandbox::new();
    let first = TestHost::start(&sandbox, &[]);
    let token = first.client_token.clone();
    let file = sandbox.path("ow-config").join("tokens.json");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    drop(first);
    let second = TestHost::start(&sandbox, &[]);
    assert_eq!(second.client_token, token, "paired clients must keep working");
    let (status, _) = get(&format!("{}/workspaces", second.url), Some(&token));
    assert_eq!(status, 200);
    drop(second);

    // OPENWORK_TOKEN overrides for one run, without being stored.
    let env_token = "Kq3vX9tLmP2wR8yZ4nB7cD1fG6hJ0sA5eU-iO_xVQ";
    let mut cmd = sandbox.openwork();
    cmd.env("OPENWORK_TOKEN", env_token)
        .args(["host", "--port", "0", "--json", "--workspace"])
        .arg(&sandbox.workspace)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();
    let url = ready["localUrl"].as_str().unwrap();
    assert!(ready.get("clientToken").is_none(), "token printed without --show-token");
    let (status, _) = get(&format!("{url}/workspaces"), Some(env_token));
    assert_eq!(status, 200);
    let (status, _) = get(&format!("{url}/workspaces"), Some(&token));
    assert_eq!(status, 401);
    let engine = ready["engine"]["pid"].as_i64().unwrap() as i32;
    signal(child.id() as i32, 15);
    child.wait().unwrap();
    poll(Duration::from_secs(30), "engine gone", || (!pid_alive(engine)).then_some(()));
    assert!(!std::fs::read_to_string(&file).unwrap().contains(env_token));
}

#[test]
fn a_token_starting_with_a_dash_is_a_value_not_a_flag() {
    // Tokens a user chose (or one pasted from elsewhere) may start with '-'.
    let sandbox = Sandbox::new();
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{refused}");
    for flag in ["--token", "--opencode-password"] {
        let out = sandbox.openwork().args(["connect", &url, flag, "-2dash-secret"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert_ne!(out.status.code(), Some(2), "clap usage error for {flag}: {err}");
        assert!(!err.contains("unexpected argument"), "{flag}: {err}");
        assert!(!err.contains("-2dash-secret"), "the secret is never echoed: {err}");
    }
}

#[test]
fn connect_to_a_real_host_stores_an_openwork_remote() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    // A wrong token is an error and stores nothing.
    let out = sandbox.openwork().args(["connect", &host.url, "--token", "wrong"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.to_lowercase().contains("token"), "{err}");
    let list = sandbox.openwork().args(["workspace", "list", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&list.stdout).unwrap_or(Value::Null);
    let count = v.get("workspaces").and_then(|w| w.as_array()).map(|a| a.len()).unwrap_or(0);
    assert_eq!(count, 0, "{v}");

    // The right token: Connected · OpenWork, stored as an OpenWork remote, once.
    for _ in 0..2 {
        let out = sandbox.openwork().args(["connect", &host.url, "--token", &host.client_token]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("Connected · OpenWork"), "{stdout}");
        assert!(stdout.contains("workspace"), "{stdout}");
    }
    let list = sandbox.openwork().args(["workspace", "list", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&list.stdout).unwrap();
    let items = v["workspaces"].as_array().unwrap();
    assert_eq!(items.len(), 1, "same host twice is one entry: {v}");
    assert_eq!(items[0]["remoteType"], "openwork");
    assert_eq!(items[0]["openworkHostUrl"], host.url.as_str());
    // The token is not in the world-readable store.
    let store = std::fs::read_to_string(sandbox.path("ow-data").join("workspaces.json")).unwrap();
    assert!(!store.contains(&host.client_token));
    let text = sandbox.openwork().args(["workspace", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("OpenWork") && text.contains(&host.url), "{text}");
    // `status` re-checks the active remote.
    let out = sandbox.openwork().args(["status", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["remote"]["state"], "connected", "{v}");
}

#[test]
fn install_engine_flag_installs_the_tested_opencode_then_hosts() {
    let sandbox = Sandbox::new();
    // npm's cache from the real HOME keeps this fast (CI filled it when it
    // installed OpenCode for the suite).
    let npm_cache = std::env::var("npm_config_cache")
        .ok()
        .or_else(|| std::env::var("HOME").ok().map(|h| format!("{h}/.npm")))
        .unwrap();
    let mut cmd = sandbox.openwork();
    cmd.env_remove("OPENCODE_BIN").env("PATH", "/usr/local/bin:/usr/bin:/bin").env("npm_config_cache", &npm_cache);
    let host = TestHost::start_with(&sandbox, cmd, &["--install-engine"]);
    assert_eq!(host.ready["engine"]["state"], "running");
    assert_eq!(host.ready["engine"]["version"], "1.18.33");
    let installed = sandbox.path("ow-data").join("engine/node_modules");
    assert!(installed.is_dir(), "installed into OpenWork's data dir");
    // `engine which` now finds it there.
    let out = sandbox
        .openwork()
        .env_remove("OPENCODE_BIN")
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .args(["engine", "which"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("Installed") && text.contains("1.18.33"), "{text}");
}
