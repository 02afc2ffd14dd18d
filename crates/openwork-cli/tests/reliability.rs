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
