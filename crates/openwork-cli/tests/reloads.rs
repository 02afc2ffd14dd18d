//! Reloads never cut a running session: a config change (through the
//! extension API, or edited by hand) while a reply is streaming is applied
//! and checked at once, but OpenCode reloads the folder only once it is idle;
//! the reply ends whole. A config OpenCode rejects never reaches the
//! running folder.
mod support;

use std::io::BufRead;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

fn send(host: &TestHost, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = http().request(method.parse().unwrap(), format!("{}{path}", host.url)).bearer_auth(&host.client_token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn events(host: &TestHost) -> Receiver<Value> {
    let resp = reqwest::blocking::Client::builder().no_proxy().build().unwrap().get(format!("{}/events", host.url)).bearer_auth(&host.client_token).send().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(resp).lines().map_while(Result::ok) {
            let Some(data) = line.strip_prefix("data:") else { continue };
            if let Ok(v) = serde_json::from_str::<Value>(data.trim()) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        }
    });
    rx
}

fn busy(host: &TestHost, session: &str) -> bool {
    let (_, status) = send(host, "GET", "/opencode/session/status", None);
    status.get(session).is_some_and(|s| s["type"] != "idle")
}

#[test]
fn a_config_change_during_a_reply_waits_until_the_folder_is_idle() {
    let llm = StubLlm::start(40, Duration::from_millis(150));
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.workspace.join("opencode.json"), llm.config().to_string()).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    let id = host.ready["workspace"]["id"].as_str().unwrap().to_string();
    let rx = events(&host);
    let (s, session) = send(&host, "POST", "/opencode/session", Some(json!({"title": "busy"})));
    assert_eq!(s, 200, "{session}");
    let session = session["id"].as_str().unwrap().to_string();
    let (s, body) = send(
        &host,
        "POST",
        &format!("/opencode/session/{session}/prompt_async"),
        Some(json!({"parts": [{"type": "text", "text": format!("{} please", StubLlm::SLOW)}]})),
    );
    assert!(s == 200 || s == 204, "{s} {body}");
    poll(Duration::from_secs(120), "the reply to stream", || (busy(&host, &session) && llm.requests.load(Ordering::SeqCst) > 0).then_some(()));

    // While it streams: a skill (a reload) and an MCP server (a checked config).
    let t = Instant::now();
    let (s, body) = send(&host, "POST", &format!("/workspace/{id}/skills"), Some(json!({"name": "during-a-reply", "content": "x", "description": "Added mid-reply"})));
    assert_eq!(s, 200, "{body}");
    let (s, body) = send(
        &host,
        "POST",
        &format!("/workspace/{id}/mcp"),
        Some(json!({"name": "mid", "config": {"type": "remote", "url": "http://127.0.0.1:9/mcp", "enabled": false}})),
    );
    assert_eq!(s, 200, "{body}");
    // A client asking OpenCode to reload gets the same deferred reload.
    let resp = http().post(format!("{}/opencode/instance/dispose", host.url)).bearer_auth(&host.client_token).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("x-openwork-reload").and_then(|v| v.to_str().ok()), Some("pending"));
    let answered = t.elapsed();
    let (s, bad) = send(&host, "PATCH", &format!("/workspace/{id}/config"), Some(json!({"opencode": {"model": 5}})));
    assert_eq!((s, bad["code"].as_str()), (422, Some("invalid_config")), "{bad}");
    let pending = poll(Duration::from_secs(30), "engine.reload pending", || {
        rx.try_iter().find(|e| e["type"] == "engine.reload" && e["properties"]["state"] == "pending")
    });
    assert_eq!(pending["properties"]["workspaceId"], id.as_str());
    let (_, engine) = send(&host, "GET", "/engine", None);
    assert_eq!(engine["reloadPending"], true, "{engine}");
    assert!(busy(&host, &session), "the writes did not stop the reply");

    // The reply ends whole; then the folder reloads and OpenCode sees the skill.
    poll(Duration::from_secs(120), "the reply to finish", || (!busy(&host, &session)).then_some(()));
    assert_eq!(llm.hangups.load(Ordering::SeqCst), 0, "OpenCode hung up on the model: the reply was cut");
    assert_eq!(llm.completed.load(Ordering::SeqCst), 1);
    let (_, messages) = send(&host, "GET", &format!("/opencode/session/{session}/message"), None);
    let last = messages.as_array().and_then(|m| m.last()).cloned().unwrap_or(Value::Null);
    assert!(last["info"]["error"].is_null(), "the reply ended with an error: {}", last["info"]["error"]);
    assert!(last.to_string().contains(StubLlm::SLOW_END), "the reply is whole: {last}");
    poll(Duration::from_secs(60), "engine.reload done", || {
        rx.try_iter().any(|e| e["type"] == "engine.reload" && e["properties"]["state"] == "done").then_some(())
    });
    let (_, skills) = send(&host, "GET", "/opencode/skill", None);
    assert!(skills.as_array().unwrap().iter().any(|s| s["name"] == "during-a-reply"), "{skills}");
    let (_, engine) = send(&host, "GET", "/engine", None);
    assert_eq!(engine["reloadPending"], false, "{engine}");
    report("config writes during a streaming reply: answered after", format!("{answered:?} (reload deferred until the reply ended)"));
}

/// A config edited by hand that OpenCode rejects is not loaded: the folder
/// keeps working with the config it had, clients are told; once fixed, the
/// new one is loaded.
#[test]
fn a_config_broken_by_hand_never_reaches_the_running_folder() {
    let sandbox = Sandbox::new();
    let cfg = sandbox.workspace.join("opencode.json");
    std::fs::write(&cfg, json!({"$schema": "https://opencode.ai/config.json", "username": "before"}).to_string()).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    let rx = events(&host);
    let (s, _) = send(&host, "GET", "/opencode/session", None);
    assert_eq!(s, 200);
    std::fs::write(&cfg, json!({"username": "broken", "model": 5}).to_string()).unwrap();
    let invalid = poll(Duration::from_secs(30), "config.invalid", || rx.try_iter().find(|e| e["type"] == "config.invalid"));
    assert_eq!(invalid["properties"]["details"]["issues"][0]["path"][0], "model", "{invalid}");
    let (s, body) = send(&host, "GET", "/opencode/session", None);
    assert_eq!(s, 200, "the folder keeps working: {body}");
    let (_, config) = send(&host, "GET", "/opencode/config", None);
    assert_eq!(config["username"], "before", "{config}");
    std::fs::write(&cfg, json!({"username": "fixed"}).to_string()).unwrap();
    poll(Duration::from_secs(30), "the fixed config loaded", || {
        let (_, config) = send(&host, "GET", "/opencode/config", None);
        (config["username"] == "fixed").then_some(())
    });
    assert!(!sandbox.workspace.read_dir().unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with(".openwork-check")), "scratch folders removed");
}
