//! Fault injection through the real host: a long crash loop, an engine that
//! swallows SIGTERM, SIGTERM during OpenCode's first-start install.
mod support;

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::*;

fn engine(host: &TestHost) -> Value {
    let (status, body) = get(&format!("{}/engine", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{body}");
    body
}

#[test]
fn twenty_kills_in_a_row_then_failed_then_manual_restart() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &["--restart-backoff-ms", "20", "--restart-backoff-max-ms", "200", "--max-restarts", "20"]);
    let mut pid = host.engine_pid();
    let mut pids = vec![pid];
    for round in 1..=20 {
        signal(pid, 9);
        let e = poll(Duration::from_secs(60), "engine to come back or fail", || {
            let e = engine(&host);
            let moved = e["state"] == "running" && e["pid"].as_i64() != Some(pid as i64);
            (moved || e["state"] == "failed").then_some(e)
        });
        if round < 20 {
            assert_eq!(e["state"], "running", "round {round}: {e}");
            pid = e["pid"].as_i64().unwrap() as i32;
            pids.push(pid);
        } else {
            assert_eq!(e["state"], "failed", "{e}");
            assert_eq!(e["consecutiveFailures"], 20);
            assert_eq!(e["restarts"], 19);
        }
    }
    // Every killed engine is gone, not a zombie or an orphan.
    for p in &pids {
        assert!(!pid_alive(*p), "engine {p} still alive");
        assert!(group_members(*p).is_empty(), "group {p} not empty");
    }
    let resp = http()
        .post(format!("{}/engine/restart", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let e = poll(Duration::from_secs(30), "running after manual restart", || {
        let e = engine(&host);
        (e["state"] == "running").then_some(e)
    });
    assert_eq!(e["consecutiveFailures"], 0);
    let (status, _) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 200);
}

#[test]
fn an_engine_that_swallows_sigterm_is_killed_within_the_grace_period() {
    let sandbox = Sandbox::new();
    // The group leader ignores SIGTERM (as OpenCode does during its npm
    // install); the real OpenCode runs as its child in the same group.
    let wrapper = sandbox.path("stubborn-opencode");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then exec {bin} --version; fi\ntrap '' TERM\n{bin} \"$@\" &\nwait\nwhile :; do sleep 1; done\n",
            bin = opencode_bin().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut host = TestHost::start(&sandbox, &["--opencode-bin", wrapper.to_str().unwrap(), "--stop-grace", "2"]);
    let pgid = host.engine_pid();
    assert!(group_members(pgid).len() >= 2);
    let t = Instant::now();
    signal(host.pid(), 15);
    let status = host.wait_exit(Duration::from_secs(30));
    let took = t.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(took >= Duration::from_secs(2), "SIGKILL only after the grace period: {took:?}");
    report("SIGTERM-swallowing engine (2 s grace): host exit after", format!("{took:?}"));
    // The leader would ignore SIGTERM forever: only SIGKILL ends it.
    assert!(took < Duration::from_secs(25), "escalated to SIGKILL: {took:?}");
    poll(Duration::from_secs(30), "group gone", || group_members(pgid).is_empty().then_some(()));
    assert!(host.stderr_text().contains("ignored SIGTERM"), "escalation is logged");
}

#[test]
fn sigterm_during_first_start_install_stops_everything_in_bounded_time() {
    // Fresh HOME: the first request for the workspace makes OpenCode install
    // its plugin package with npm; stop the host right then.
    let sandbox = Sandbox::new();
    let mut host = TestHost::start(&sandbox, &["--stop-grace", "3"]);
    let pgid = host.engine_pid();
    let url = format!("{}/opencode/session", host.url);
    let token = host.client_token.clone();
    let trigger = std::thread::spawn(move || {
        let _ = http().get(url).bearer_auth(token).timeout(Duration::from_secs(5)).send();
    });
    // Wait until OpenCode has started working on the instance (children or
    // files appear), then stop.
    poll(Duration::from_secs(30), "instance setup to start", || {
        let busy = group_members(pgid).len() > 1
            || sandbox.workspace.join(".opencode").exists()
            || sandbox.path("config").join("opencode").exists();
        busy.then_some(())
    });
    let t = Instant::now();
    signal(host.pid(), 15);
    host.wait_exit(Duration::from_secs(30));
    report("SIGTERM during the first-start install (3 s grace): host exit after", format!("{:?}", t.elapsed()));
    poll(Duration::from_secs(30), "engine group gone", || group_members(pgid).is_empty().then_some(()));
    let _ = trigger.join();
}

/// 100,000 levels of brackets: what a recursive parser overflows its stack on.
fn deep_json() -> String {
    format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
}

/// No file can crash the host: every file it reads but did not write itself
/// (the workspace's config, skills and commands; its own state files,
/// which a user or another program can edit) is fed 100,000 levels of
/// nesting, at start and while it runs. The host keeps serving and says what
/// is wrong; `openwork status` and `openwork workspace list` fail cleanly.
#[test]
fn deeply_nested_files_never_crash_the_host() {
    let sandbox = Sandbox::new();
    let deep = deep_json();
    let ws = &sandbox.workspace;
    std::fs::create_dir_all(ws.join(".opencode/skills/deep")).unwrap();
    std::fs::create_dir_all(ws.join(".opencode/commands")).unwrap();
    std::fs::write(ws.join("opencode.json"), &deep).unwrap();
    std::fs::write(ws.join(".opencode/openwork.json"), &deep).unwrap();
    std::fs::write(ws.join(".opencode/skills/deep/SKILL.md"), format!("---\nname: deep\ndescription: {deep}\n---\n{deep}\n")).unwrap();
    std::fs::write(ws.join(".opencode/commands/deep.md"), format!("---\ndescription: {deep}\n---\n{deep}\n")).unwrap();
    std::fs::write(sandbox.path("ow-data").join("host-workspaces.json"), &deep).unwrap();
    std::fs::write(sandbox.path("ow-data").join("engine-version.json"), &deep).unwrap();

    // At start.
    let host = TestHost::start(&sandbox, &[]);
    let id = host.ready["workspace"]["id"].as_str().unwrap().to_string();
    let alive = |host: &TestHost| {
        let (status, _) = get(&format!("{}/health", host.url), None);
        assert_eq!(status, 200, "the host stopped answering; stderr:\n{}", host.stderr_text());
    };
    alive(&host);
    let (status, body) = get(&format!("{}/workspace/{id}/config", host.url), Some(&host.client_token));
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_config")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("deep"), "{body}");
    for listing in ["skills", "commands", "plugins", "mcp"] {
        let (status, body) = get(&format!("{}/workspace/{id}/{listing}", host.url), Some(&host.client_token));
        assert!(status == 200 || status == 422, "{listing}: {status} {body}");
    }
    alive(&host);

    // While running: the file watcher reads the config again.
    let (rx, _events) = open_events(&host);
    std::fs::write(ws.join("opencode.jsonc"), &deep).unwrap();
    poll(Duration::from_secs(30), "the watcher to see the new file", || {
        rx.try_iter().any(|e: Value| e["type"] == "config.changed").then_some(())
    });
    alive(&host);
    let (status, _) = get(&format!("{}/workspace/{id}/config", host.url), Some(&host.client_token));
    assert_eq!(status, 422);
    assert!(!host.stderr_text().contains("overflow"), "{}", host.stderr_text());

    // The host's own files, edited by someone else: clean errors.
    std::fs::write(sandbox.path("ow-data").join("host.json"), &deep).unwrap();
    let out = sandbox.openwork().args(["status"]).output().unwrap();
    assert!(out.status.code().is_some(), "`openwork status` died of a signal: {:?}", out.status);
    std::fs::write(sandbox.path("ow-data").join("workspaces.json"), &deep).unwrap();
    let out = sandbox.openwork().args(["workspace", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    alive(&host);
    drop(host);
    std::fs::write(sandbox.path("ow-config").join("tokens.json"), &deep).unwrap();
    let out = sandbox.openwork().args(["host", "--port", "0", "--json", "--workspace"]).arg(ws).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a deep token file is an error, not a crash");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The host's `/events` as parsed JSON on a channel.
fn open_events(host: &TestHost) -> (std::sync::mpsc::Receiver<Value>, std::thread::JoinHandle<()>) {
    use std::io::BufRead;
    let resp = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/events", host.url))
        .bearer_auth(&host.client_token)
        .send()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        for line in std::io::BufReader::new(resp).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data:") {
                if let Ok(v) = serde_json::from_str::<Value>(data.trim()) {
                    if tx.send(v).is_err() {
                        break;
                    }
                }
            }
        }
    });
    (rx, h)
}
