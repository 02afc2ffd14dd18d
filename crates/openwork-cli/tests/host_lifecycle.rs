//! Engine supervision through the real host: crash/restart, crash loop,
//! manual restart, shutdown without orphans.
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::*;

fn engine(host: &TestHost) -> Value {
    let (status, body) = get(&format!("{}/engine", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{body}");
    body
}

fn post_host(host: &TestHost, path: &str) -> u16 {
    http()
        .post(format!("{}{path}", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn killed_engine_is_restarted_with_a_new_pid_and_proxy_answers_503_meanwhile() {
    let sandbox = Sandbox::new();
    // A backoff long enough that a busy machine still sees it.
    let host = TestHost::start(&sandbox, &["--restart-backoff-ms", "3000"]);
    let old = host.engine_pid();
    signal(old, 9);
    // While it is down, the proxy says so with the state.
    let during = poll(Duration::from_secs(30), "engine to leave running", || {
        let e = engine(&host);
        (e["state"] != "running").then_some(e)
    });
    assert_eq!(during["state"], "backoff", "{during}");
    assert_eq!(during["lastExit"], "signal 9", "{during}");
    let (status, body) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "engine_unavailable");
    assert!(body["details"]["state"].is_string(), "{body}");
    // Back to running with a new pid; the proxy works again.
    let after = poll(Duration::from_secs(30), "engine running again", || {
        let e = engine(&host);
        (e["state"] == "running").then_some(e)
    });
    let new = after["pid"].as_i64().unwrap() as i32;
    assert_ne!(new, old);
    assert_eq!(after["restarts"], 1);
    assert!(!pid_alive(old));
    let (status, _) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 200);
}

#[test]
fn crash_loop_ends_failed_and_a_manual_restart_recovers() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &["--restart-backoff-ms", "50", "--max-restarts", "3"]);
    let mut pid = host.engine_pid();
    for round in 1..=3 {
        signal(pid, 9);
        let e = poll(Duration::from_secs(30), "next engine state", || {
            let e = engine(&host);
            let settled = (e["state"] == "running" && e["pid"].as_i64() != Some(pid as i64))
                || e["state"] == "failed";
            settled.then_some(e)
        });
        if round < 3 {
            assert_eq!(e["state"], "running", "round {round}: {e}");
            pid = e["pid"].as_i64().unwrap() as i32;
        } else {
            assert_eq!(e["state"], "failed", "{e}");
            assert_eq!(e["lastExit"], "signal 9");
            assert_eq!(e["consecutiveFailures"], 3);
            assert!(e["pid"].is_null());
        }
    }
    // Failed is visible in the log too.
    poll(Duration::from_secs(30), "failed in the log", || host.stderr_text().contains("engine failed").then_some(()));
    // The proxy answers 503 with the state.
    let (status, body) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!((status, body["details"]["state"].as_str()), (503, Some("failed")));
    // Manual restart (host token) clears it.
    assert_eq!(post_host(&host, "/engine/restart"), 200);
    let e = poll(Duration::from_secs(30), "running after manual restart", || {
        let e = engine(&host);
        (e["state"] == "running").then_some(e)
    });
    assert_eq!(e["consecutiveFailures"], 0);
}

#[test]
fn host_sigterm_and_sigkill_leave_no_engine_or_mcp_child() {
    let sandbox = Sandbox::new();
    let script = sandbox.path("stub_mcp.py");
    std::fs::write(&script, STUB_MCP_PY).unwrap();
    std::fs::write(
        sandbox.workspace.join("opencode.json"),
        serde_json::to_string(&json!({"mcp": {"stub": {"type": "local", "command": ["python3", script]}}})).unwrap(),
    )
    .unwrap();
    for sig in [15, 9] {
        let mut host = TestHost::start(&sandbox, &[]);
        let pgid = host.engine_pid();
        // Make OpenCode start the MCP server: a child in its process group.
        let (status, mcp) = get(&format!("{}/opencode/mcp", host.url), Some(&host.client_token));
        assert_eq!(status, 200);
        assert_eq!(mcp["stub"]["status"], "connected", "{mcp}");
        let members = group_members(pgid);
        assert!(members.len() >= 2, "engine group should hold opencode and the MCP child: {members:?}");
        signal(host.pid(), sig);
        host.wait_exit(Duration::from_secs(30));
        poll(Duration::from_secs(30), "engine group to be empty", || group_members(pgid).is_empty().then_some(()));
        for pid in members {
            assert!(!pid_alive(pid), "pid {pid} survived signal {sig} of the host");
        }
    }
}

#[test]
fn runtime_status_and_token_rotation_via_cli() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let out = sandbox.openwork().args(["status", "--json"]).output().unwrap();
    assert!(out.status.success());
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["engine"]["state"], "running");
    assert_eq!(status["engine"]["pid"], host.engine_pid());
    assert_eq!(status["host"]["localUrl"], host.url.as_str());
    let text = sandbox.openwork().arg("status").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("running") && text.contains(&host.url), "{text}");

    let out = sandbox.openwork().args(["token", "rotate"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fresh = sandbox.tokens().0;
    assert_ne!(fresh, host.client_token);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&fresh));
    let (old_status, _) = get(&format!("{}/workspaces", host.url), Some(&host.client_token));
    assert_eq!(old_status, 401);
    let (new_status, _) = get(&format!("{}/workspaces", host.url), Some(&fresh));
    assert_eq!(new_status, 200);
}

/// The engine's port is chosen before OpenCode binds it (OpenCode has no
/// "any free port" option), so another program can take it in between.
/// That is noticed and the engine started again on another port at once,
/// without counting as a crash or failing the host's start: whether the
/// other program answers (and refuses the engine's password) or not.
#[test]
fn a_port_taken_before_the_engine_binds_it_is_retried_on_another_port() {
    for answers in [true, false] {
        port_taken_by_another_program(answers);
    }
}

fn port_taken_by_another_program(answers: bool) {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let marker = sandbox.path("squatted");
    // First start: another program takes the port (in its own session, so it
    // outlives the engine's group), and the "engine" fails to bind it, as
    // OpenCode does. Later starts: the real OpenCode.
    let squatter = sandbox.path("squatter.py");
    let serve = if answers {
        "class H(http.server.BaseHTTPRequestHandler):\n\
         \x20   def do_GET(self):\n\
         \x20       self.send_response(401); self.send_header('www-authenticate', 'Basic'); self.end_headers()\n\
         \x20   def log_message(self, *a): pass\n\
         http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
    } else {
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(64)\n\
         held = []\n\
         while True: held.append(s.accept())\n"
    };
    std::fs::write(&squatter, format!("import sys, socket, http.server\n{serve}")).unwrap();
    let wrapper = sandbox.path("contended-opencode");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then exec {bin} --version; fi\n\
             if [ ! -e {marker} ]; then\n  touch {marker}\n  port=$(echo \"$@\" | sed 's/.*--port \\([0-9]*\\).*/\\1/')\n  \
             setsid python3 {squatter} \"$port\" </dev/null >/dev/null 2>&1 &\n  echo $! > {marker}\n  sleep 1\n  echo 'Error: ServeError' >&2\n  exit 1\nfi\n\
             exec {bin} \"$@\"\n",
            bin = opencode_bin().display(),
            marker = marker.display(),
            squatter = squatter.display(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let host = TestHost::start(&sandbox, &["--opencode-bin", wrapper.to_str().unwrap()]);
    let squatter_pid: i32 = std::fs::read_to_string(&marker).unwrap().trim().parse().unwrap();
    let e = engine(&host);
    signal(squatter_pid, 9);
    assert_eq!(e["state"], "running", "{e}");
    assert_eq!(e["restarts"], 0, "a taken port is not a crash: {e}");
    assert_eq!(e["consecutiveFailures"], 0, "{e}");
    let (status, body) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{body}");
    let log = host.stderr_text();
    assert!(log.contains("starting again on another"), "answers={answers}: {log}");
}

/// A hung engine (SIGSTOP) is noticed: `unresponsive`, a proxied request
/// waiting on it ends with 504 instead of hanging, and the engine is
/// restarted (a new process). A short stall (a few hundred ms) is not a hang.
#[test]
fn a_hung_engine_is_noticed_and_restarted() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(
        &sandbox,
        &["--liveness-interval-ms", "500", "--liveness-timeout-ms", "1500", "--liveness-misses", "3", "--restart-backoff-ms", "200"],
    );
    let url = format!("{}/opencode/session", host.url);
    let (status, _) = get(&url, Some(&host.client_token));
    assert_eq!(status, 200);
    // A stall shorter than one probe's timeout is not a hang.
    let pid = host.engine_pid();
    signal(pid, libc::SIGSTOP);
    std::thread::sleep(Duration::from_millis(300)); // the stall itself (not a wait for anything)
    signal(pid, libc::SIGCONT);
    let (status, _) = get(&url, Some(&host.client_token));
    assert_eq!(status, 200);
    assert_eq!(engine(&host)["pid"].as_i64(), Some(pid as i64), "a short stall restarted the engine");

    // A hang: the request waiting on it ends with 504; the state says so.
    signal(pid, libc::SIGSTOP);
    let stopped = std::time::Instant::now();
    let (url2, token) = (url.clone(), host.client_token.clone());
    let waiting = std::thread::spawn(move || {
        let t = std::time::Instant::now();
        let (s, body) = get(&url2, Some(&token));
        (s, body, t.elapsed())
    });
    let unresponsive = poll(Duration::from_secs(60), "engine unresponsive", || {
        let e = engine(&host);
        (e["state"] == "unresponsive" || e["pid"].as_i64() != Some(pid as i64)).then_some(e)
    });
    let detected = stopped.elapsed();
    let (status, body, waited) = waiting.join().unwrap();
    assert_eq!((status, body["code"].as_str()), (504, Some("engine_unresponsive")), "{body}");
    let after = poll(Duration::from_secs(60), "engine running again", || {
        let e = engine(&host);
        (e["state"] == "running" && e["pid"].as_i64() != Some(pid as i64)).then_some(e)
    });
    report("hung engine (SIGSTOP; 500 ms probes, 1.5 s timeout, 3 misses): detected after", format!("{detected:?} (first seen state: {})", unresponsive["state"]));
    report("hung engine: a proxied request waiting on it answered 504 after", format!("{waited:?}"));
    assert!(!pid_alive(pid), "the hung engine process is gone");
    assert_eq!(after["restarts"], 1, "{after}");
    if unresponsive["state"] == "unresponsive" {
        assert!(unresponsive["lastError"].as_str().unwrap_or("").contains("stopped answering"), "{unresponsive}");
    }
    let (status, _) = get(&url, Some(&host.client_token));
    assert_eq!(status, 200);
}
