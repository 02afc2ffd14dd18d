//! The host switches workspace and clients follow; `/events` with resume;
//! engine state and hand-edited configuration reach clients.
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

/// Lines of a child's stdout, via a channel.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Wait for a line containing `needle`; returns it (and the lines before it).
fn expect_line(rx: &Receiver<String>, needle: &str, within: Duration) -> (String, Vec<String>) {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return (line, seen),
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                panic!("no line with {needle:?} within {within:?}; got {seen:#?}")
            }
        }
    }
}

/// An SSE subscription to `/events` (raw), yielding parsed events.
fn subscribe(host: &TestHost, last_id: Option<u64>) -> (Receiver<Value>, std::thread::JoinHandle<()>) {
    let mut req = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/events", host.url))
        .bearer_auth(&host.client_token);
    if let Some(id) = last_id {
        req = req.header("last-event-id", id.to_string());
    }
    let resp = req.send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        for line in BufReader::new(resp).lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ") {
                if tx.send(serde_json::from_str::<Value>(data).unwrap()).is_err() {
                    break;
                }
            }
        }
    });
    (rx, h)
}

fn next_of(rx: &Receiver<Value>, kind: &str, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ev = rx.recv_timeout(left).unwrap_or_else(|_| panic!("no {kind} event within {within:?}"));
        if ev["type"] == kind {
            return ev;
        }
    }
}

fn switch(host_sandbox: &Sandbox, dir: &std::path::Path) {
    let out = host_sandbox.openwork().args(["workspace", "switch"]).arg(dir).output().unwrap();
    assert!(out.status.success(), "switch failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn session_dirs(host: &TestHost) -> Vec<String> {
    let (status, list) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().iter().map(|s| s["directory"].as_str().unwrap().to_string()).collect()
}

#[test]
fn switch_is_followed_by_two_watching_clients() {
    let sandbox = Sandbox::new();
    let b = sandbox.path("second-folder");
    std::fs::create_dir_all(&b).unwrap();
    let b_dir = canonical(&b);
    let a_dir = canonical(&sandbox.workspace);
    let host = TestHost::start(&sandbox, &[]);
    // A session in A.
    let resp = http().post(format!("{}/opencode/session", host.url)).bearer_auth(&host.client_token).json(&json!({})).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(session_dirs(&host), vec![a_dir.clone()]);

    // Two clients, each with its own store, watching.
    let clients: Vec<Sandbox> = (0..2).map(|_| Sandbox::new()).collect();
    let mut children = Vec::new();
    let mut outputs = Vec::new();
    for c in &clients {
        let mut child = c
            .openwork()
            .args(["connect", &host.url, "--token", &host.client_token, "--watch"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let rx = lines_of(&mut child);
        expect_line(&rx, "Watching", Duration::from_secs(30));
        children.push(child);
        outputs.push(rx);
    }
    let before: Vec<Value> = clients
        .iter()
        .map(|c| {
            let out = c.openwork().args(["workspace", "list", "--json"]).output().unwrap();
            serde_json::from_slice::<Value>(&out.stdout).unwrap()["workspaces"][0].clone()
        })
        .collect();

    let t0 = Instant::now();
    switch(&sandbox, &b);
    let mut stored = Vec::new();
    for rx in &outputs {
        let (line, _) = expect_line(rx, "Host switched workspace", Duration::from_secs(30));
        assert!(line.contains("second-folder"), "{line}");
        expect_line(rx, "Following \"second-folder\" (stored)", Duration::from_secs(30));
        stored.push(t0.elapsed());
    }
    for rx in &outputs {
        expect_line(rx, "Reconnected to \"second-folder\"", Duration::from_secs(30));
    }
    let followed = t0.elapsed();
    report(
        "two watching clients followed a switch (from running `openwork workspace switch`, its start included)",
        format!("stored the new workspace after {stored:?}; connection proven after {followed:?}"),
    );
    // The next session list is the new folder's (none yet), and new sessions land there.
    assert!(session_dirs(&host).is_empty());
    let created: Value = http().post(format!("{}/opencode/session", host.url)).bearer_auth(&host.client_token).json(&json!({})).send().unwrap().json().unwrap();
    assert_eq!(created["directory"], b_dir.as_str());
    // Each client store: still one entry, now pointing at B, still active, token kept.
    for (c, old) in clients.iter().zip(&before) {
        let out = c.openwork().args(["workspace", "list", "--json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let items = v["workspaces"].as_array().unwrap();
        assert_eq!(items.len(), 1, "no duplicate after the switch: {v}");
        assert_ne!(items[0]["id"], old["id"]);
        assert_eq!(items[0]["opencodeDirectory"], b_dir.as_str());
        assert_eq!(items[0]["openworkWorkspaceName"], "second-folder");
        assert_eq!(v["activeId"], items[0]["id"]);
        let status = c.openwork().args(["status", "--json"]).output().unwrap();
        let s: Value = serde_json::from_slice(&status.stdout).unwrap();
        assert_eq!(s["remote"]["state"], "connected", "{s}");
    }

    // Engine restarts reach the watching clients as state changes.
    signal(host.engine_pid(), 9);
    for rx in &outputs {
        expect_line(rx, "Engine: backoff", Duration::from_secs(30));
        expect_line(rx, "Engine: running", Duration::from_secs(30));
    }
    for mut c in children {
        let _ = c.kill();
        let _ = c.wait();
    }

    // The host remembers the active workspace across a restart.
    drop(host);
    let mut cmd = sandbox.openwork();
    cmd.args(["host", "--port", "0", "--json"]).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let rx = lines_of(&mut child);
    let ready: Value = serde_json::from_str(&rx.recv_timeout(Duration::from_secs(60)).unwrap()).unwrap();
    assert_eq!(ready["workspace"]["path"], b_dir.as_str());
    let engine = ready["engine"]["pid"].as_i64().unwrap() as i32;
    signal(child.id() as i32, 15);
    child.wait().unwrap();
    poll(Duration::from_secs(30), "engine gone", || (!pid_alive(engine)).then_some(()));
}

#[test]
fn events_resume_after_a_dropped_connection_and_report_hand_edits_once() {
    let sandbox = Sandbox::new();
    let b = sandbox.path("other");
    std::fs::create_dir_all(&b).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    // Host-only switching refuses the client token.
    let resp = http()
        .post(format!("{}/workspaces/active", host.url))
        .header("x-openwork-host-token", &host.client_token)
        .json(&json!({"path": canonical(&b)}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let resp = http()
        .post(format!("{}/workspaces/active", host.url))
        .header("x-openwork-host-token", &host.host_token)
        .json(&json!({"path": "/definitely/not/here"}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    let (rx, reader) = subscribe(&host, None);
    switch(&sandbox, &b);
    let first = next_of(&rx, "workspace.switched", Duration::from_secs(30));
    assert_eq!(first["properties"]["to"]["path"], canonical(&b).as_str());
    assert_eq!(first["properties"]["from"]["path"], canonical(&sandbox.workspace).as_str());
    let last_seen = first["id"].as_u64().unwrap();
    // Drop the connection, then more happens while nobody listens.
    drop(rx);
    switch(&sandbox, &sandbox.workspace);
    switch(&sandbox, &b);
    let _ = reader; // the reader thread ends on its next line
    let (rx, _r2) = subscribe(&host, Some(last_seen));
    let a = next_of(&rx, "workspace.switched", Duration::from_secs(30));
    let c = next_of(&rx, "workspace.switched", Duration::from_secs(30));
    assert_eq!(a["id"].as_u64().unwrap(), last_seen + 1, "resume starts right after the last seen id");
    assert!(c["id"].as_u64().unwrap() > a["id"].as_u64().unwrap());
    assert_eq!(a["properties"]["to"]["path"], canonical(&sandbox.workspace).as_str());
    assert_eq!(c["properties"]["to"]["path"], canonical(&b).as_str());

    // A file edited by hand on the host yields exactly one config.changed.
    std::fs::write(b.join("opencode.jsonc"), "// by hand\n{ \"$schema\": \"https://opencode.ai/config.json\" }\n").unwrap();
    std::fs::write(b.join("opencode.jsonc"), "// by hand, again\n{ \"$schema\": \"https://opencode.ai/config.json\" }\n").unwrap();
    let changed = next_of(&rx, "config.changed", Duration::from_secs(30));
    assert_eq!(changed["properties"]["paths"], json!(["opencode.jsonc"]));
    let deadline = Instant::now() + Duration::from_millis(1500);
    while let Ok(ev) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        assert_ne!(ev["type"], "config.changed", "a second config.changed for one edit: {ev}");
    }

    // A change through the API is announced once, by the API (not again by the watcher).
    let (_, ws) = get(&format!("{}/workspaces/active", host.url), Some(&host.client_token));
    let resp = http()
        .post(format!("{}/workspace/{}/mcp", host.url, ws["id"].as_str().unwrap()))
        .bearer_auth(&host.client_token)
        .json(&json!({"name": "docs", "config": {"type": "remote", "url": "https://example.com/mcp", "enabled": false}}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let changed = next_of(&rx, "config.changed", Duration::from_secs(30));
    assert_eq!(changed["properties"]["source"], "api", "{changed}");
    let deadline = Instant::now() + Duration::from_millis(1500);
    while let Ok(ev) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        assert_ne!(ev["type"], "config.changed", "the API write was reported twice: {ev}");
    }
}

#[test]
fn hand_edits_reach_opencode_and_a_rejected_config_never_does() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let token = host.client_token.clone();
    let skills = || get(&format!("{}/opencode/skill", host.url), Some(&token));
    let (s, list) = skills();
    assert_eq!(s, 200, "{list}");
    assert!(!list.to_string().contains("by-hand"), "{list}");

    // A skill folder created by hand is loaded by OpenCode (it only reads
    // the folder again when the host makes it reload).
    let dir = sandbox.workspace.join(".opencode/skills/by-hand");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("SKILL.md"), "---\nname: by-hand\ndescription: Written on the host\n---\nBe brief.\n").unwrap();
    poll(Duration::from_secs(30), "OpenCode lists the hand-made skill", || {
        let (s, list) = skills();
        (s == 200 && list.as_array().is_some_and(|a| a.iter().any(|k| k["name"] == "by-hand"))).then_some(())
    });

    // A config OpenCode rejects is never loaded into the running folder (it
    // keeps working); fixed by hand a moment later, the fix is loaded.
    let cfg = sandbox.workspace.join("opencode.json");
    std::fs::write(&cfg, "{ \"model\": 5 }\n").unwrap();
    poll(Duration::from_secs(30), "the host logs OpenCode's rejection", || {
        host.stderr_text().contains("OpenCode rejects the workspace config").then_some(())
    });
    let (s, body) = get(&format!("{}/opencode/session", host.url), Some(&token));
    assert_eq!(s, 200, "the folder keeps working: {body}");
    std::fs::write(&cfg, "{ \"model\": \"stub/fixed\" }\n").unwrap();
    poll(Duration::from_secs(30), "OpenCode loads the fixed config", || {
        let (s, config) = get(&format!("{}/opencode/config", host.url), Some(&token));
        (s == 200 && config["model"] == "stub/fixed").then_some(())
    });
}
