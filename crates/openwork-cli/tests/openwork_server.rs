//! `openwork-server` (the sidecar drop-in) in front of a real, password
//! protected `opencode serve` that it does not own.
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

const CLIENT: &str = "UeVi9WrVGt5aWLqer_i96GCwJZ7RvqJxQzz4eDi45Tg";
const HOST: &str = "oRlNlXqLO8qG-gObCvax58bVD7xSEq1CyKFkOoLc_a0";
const PASSWORD: &str = "engine-pw-42";

fn start_engine(sandbox: &Sandbox) -> Opencode {
    Opencode::start(sandbox, Some(PASSWORD))
}

fn start_sidecar(sandbox: &Sandbox, base: &str, password: &str) -> Sidecar {
    Sidecar::start(
        sandbox,
        base,
        password,
        (CLIENT, HOST),
        &["--approval", "manual", "--approval-timeout", "5000", "--cors", "http://app.example"],
    )
}

#[test]
fn sidecar_serves_the_host_api_against_an_external_opencode() {
    let sandbox = Sandbox::new();
    let engine = start_engine(&sandbox);
    let server = start_sidecar(&sandbox, &engine.base, PASSWORD);
    let url = server.url.clone();
    let dir = canonical(&sandbox.workspace);

    // /health: open, with our version.
    let (status, health) = get(&format!("{url}/health"), None);
    assert_eq!(status, 200);
    assert_eq!(health["ok"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));

    // Env tokens are honoured (and not interchangeable); 401 otherwise.
    for bad in [None, Some("wrong"), Some(HOST)] {
        let (status, body) = get(&format!("{url}/workspaces"), bad);
        assert_eq!(status, 401, "{bad:?}: {body}");
        assert_eq!(body["code"], "unauthorized");
        let (status, _) = get(&format!("{url}/opencode/session"), bad);
        assert_eq!(status, 401);
    }
    let stored = std::fs::read_to_string(sandbox.path("ow-config").join("tokens.json")).unwrap_or_default();
    assert!(!stored.contains(CLIENT) && !stored.contains(HOST), "env tokens must not be stored");

    // /workspaces: the wire shape, directory = --opencode-directory.
    let (status, list) = get(&format!("{url}/workspaces"), Some(CLIENT));
    assert_eq!(status, 200, "{list}");
    let active = &list["active"];
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(&list["items"][0], active);
    assert_eq!(active["workspaceType"], "local");
    assert!(active["id"].as_str().unwrap().starts_with("ws_"));
    assert_eq!(active["opencode"]["directory"], dir.as_str());
    // The sidecar contract: owners (the client token is one) see the
    // engine exactly as passed; any other scope sees the proxy, with its
    // own token as the Basic password.
    assert_eq!(active["opencode"]["baseUrl"], engine.base.as_str(), "{active}");
    assert_eq!(active["opencode"]["username"], "opencode", "{active}");
    assert_eq!(active["opencode"]["password"], PASSWORD, "{active}");
    let issued: Value = http()
        .post(format!("{url}/tokens"))
        .header("x-openwork-host-token", HOST)
        .json(&json!({"scope": "collaborator", "label": "sidecar test"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let collaborator = issued["token"].as_str().expect("a device token").to_string();
    let (status, list) = get(&format!("{url}/workspaces"), Some(&collaborator));
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["active"]["opencode"]["baseUrl"], format!("{url}/opencode"), "{list}");
    assert_eq!(list["active"]["opencode"]["password"], collaborator.as_str(), "{list}");
    assert!(!list.to_string().contains(PASSWORD), "the engine's password is for owners only: {list}");

    // The external engine is watched: running, with OpenCode's version.
    let engine_status = poll(Duration::from_secs(30), "engine running", || {
        let (_, s) = get(&format!("{url}/engine"), Some(CLIENT));
        (s["state"] == "running").then_some(s)
    });
    assert_eq!(engine_status["version"], "1.18.33", "{engine_status}");
    assert!(engine_status["pid"].is_null(), "not our process: {engine_status}");

    // The proxy creates a session in the pinned directory.
    let resp = http()
        .post(format!("{url}/opencode/session"))
        .bearer_auth(CLIENT)
        .json(&json!({ "title": "via sidecar" }))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let session: Value = resp.json().unwrap();
    assert_eq!(session["directory"], dir.as_str(), "{session}");
    let (status, sessions) = get(&format!("{url}/opencode/session"), Some(CLIENT));
    assert_eq!(status, 200);
    assert!(sessions.as_array().unwrap().iter().any(|s| s["id"] == session["id"]), "{sessions}");
    // Another directory is refused before reaching OpenCode.
    let (status, body) = get(&format!("{url}/opencode/session?directory=/etc"), Some(CLIENT));
    assert_eq!(status, 403, "{body}");

    // Host token: host-only operation; restart only re-checks, never kills.
    let resp = http().post(format!("{url}/engine/restart")).header("x-openwork-host-token", HOST).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    // A wrong OpenCode password: the API is up, the proxy says 503.
    let wrong = start_sidecar(&sandbox, &engine.base, "not-the-password");
    let s = poll(Duration::from_secs(30), "engine backoff", || {
        let (_, s) = get(&format!("{}/engine", wrong.url), Some(CLIENT));
        (s["state"] == "backoff").then_some(s)
    });
    assert!(s["lastError"].as_str().unwrap_or("").contains("401"), "{s}");
    let (status, body) = get(&format!("{}/opencode/session", wrong.url), Some(CLIENT));
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "engine_unavailable");
    drop(wrong);

    // SIGTERM stops the sidecar; OpenCode (not ours) keeps running.
    let mut server = server;
    signal(server.child.id() as i32, libc::SIGTERM);
    let start = Instant::now();
    let exit = poll(Duration::from_secs(30), "sidecar exit", || server.child.try_wait().ok().flatten());
    assert!(exit.success(), "{exit:?}; stderr:\n{}", server.stderr.lock().unwrap().join("\n"));
    report("openwork-server: exit after SIGTERM", format!("{:?}", start.elapsed()));
    assert!(pid_alive(engine.child.id() as i32), "the sidecar must not stop OpenCode");
}

/// A fake OpenCode that records every request head it receives and answers
/// `{"healthy":true}` / `[]`.
fn recording_opencode() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        for mut sock in listener.incoming().map_while(Result::ok) {
            let sink = sink.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let body = if head.starts_with("GET /global/health") { r#"{"healthy":true,"version":"1.18.33"}"# } else { "[]" };
                sink.lock().unwrap().push(head);
                let _ = write!(
                    sock,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nset-cookie: engine=secret\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (base, seen)
}

#[test]
fn the_proxy_never_forwards_client_credentials() {
    let sandbox = Sandbox::new();
    let (base, seen) = recording_opencode();
    let server = start_sidecar(&sandbox, &base, PASSWORD);
    let dir = canonical(&sandbox.workspace);
    poll(Duration::from_secs(30), "sidecar sees the engine running", || {
        let (_, e) = get(&format!("{}/engine", server.url), Some(CLIENT));
        (e["state"] == "running").then_some(())
    });
    let resp = http()
        .get(format!("{}/opencode/session?limit=5", server.url))
        .bearer_auth(CLIENT)
        .header("x-openwork-host-token", HOST)
        .header("cookie", "session=client-cookie")
        .header("proxy-authorization", "Basic Y2xpZW50OnNlY3JldA==")
        .header("x-opencode-directory", dir.as_str())
        .header("x-custom", "dropped")
        .header("accept-language", "fr")
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get("set-cookie").is_none(), "engine cookies are not passed back");
    let heads = seen.lock().unwrap().clone();
    let head = heads.iter().find(|h| h.starts_with("GET /session")).expect("request reached the engine").to_lowercase();
    let expected_basic = format!(
        "authorization: basic {}",
        base64_encode(&format!("opencode:{PASSWORD}")).to_lowercase()
    );
    assert!(head.contains(&expected_basic), "engine Basic auth added: {head}");
    assert!(!head.contains(&CLIENT.to_lowercase()), "client token forwarded: {head}");
    assert!(!head.contains(&HOST.to_lowercase()), "host token forwarded: {head}");
    assert!(!head.contains("x-openwork-host-token"), "{head}");
    assert!(!head.contains("client-cookie"), "cookie forwarded: {head}");
    assert!(!head.contains("proxy-authorization"), "{head}");
    // Request headers are an allowlist: a known one passes, any other does not.
    assert!(head.contains("accept-language: fr"), "allowlisted headers pass: {head}");
    assert!(!head.contains("x-custom"), "unlisted headers are not forwarded: {head}");
    let enc: String = url::form_urlencoded::byte_serialize(dir.as_bytes()).collect();
    assert!(head.starts_with(&format!("get /session?limit=5&directory={}", enc.to_lowercase())), "{head}");
    assert!(head.contains(&format!("x-opencode-directory: {}", enc.to_lowercase())), "{head}");
    assert_eq!(head.matches("authorization:").count(), 1, "exactly one authorization header: {head}");
}

fn base64_encode(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn a_full_disk_fails_the_write_clearly_and_keeps_the_config_intact() {
    let sandbox = Sandbox::new();
    let _fs = TinyFs::mount(&sandbox.workspace, "256k");
    let original = "// my settings\n{\n  \"$schema\": \"https://opencode.ai/config.json\", // keep\n  \"mcp\": {},\n}\n";
    let config = sandbox.workspace.join("opencode.jsonc");
    std::fs::write(&config, original).unwrap();
    let (base, _) = recording_opencode();
    let server = start_sidecar(&sandbox, &base, PASSWORD);
    let (_, ws) = get(&format!("{}/workspaces/active", server.url), Some(CLIENT));
    let id = ws["id"].as_str().unwrap().to_string();
    // Fill the disk.
    let filler = sandbox.workspace.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 512 * 1024]);
    let add = || {
        http()
            .post(format!("{}/workspace/{id}/mcp", server.url))
            .bearer_auth(CLIENT)
            .json(&json!({"name": "docs", "config": {"type": "remote", "url": "https://example.com/mcp"}}))
            .send()
            .unwrap()
    };
    // Manual approval is on for this sidecar: allow the write from another thread.
    let approve = |url: String| {
        std::thread::spawn(move || {
            let id = poll(Duration::from_secs(30), "approval request", || {
                let v: Value = http().get(format!("{url}/approvals")).header("x-openwork-host-token", HOST).send().ok()?.json().ok()?;
                v["items"].as_array()?.first()?["id"].as_str().map(str::to_string)
            });
            http()
                .post(format!("{url}/approvals/{id}"))
                .header("x-openwork-host-token", HOST)
                .json(&json!({"reply": "allow"}))
                .send()
                .unwrap();
        })
    };
    let t = approve(server.url.clone());
    let resp = add();
    t.join().unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap();
    assert_eq!(status, 507, "{body}\n{}", server.stderr.lock().unwrap().join("\n"));
    assert_eq!(body["code"], "storage_full", "{body}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), original, "original file intact");
    let leftovers: Vec<_> = std::fs::read_dir(&sandbox.workspace)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "opencode.jsonc" && n != "filler" && n != ".opencode")
        .collect();
    assert!(leftovers.is_empty(), "temp files left behind: {leftovers:?}");
    // Space again: the same write succeeds and keeps the comments.
    std::fs::remove_file(&filler).unwrap();
    let t = approve(server.url.clone());
    let resp = add();
    t.join().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let now = std::fs::read_to_string(&config).unwrap();
    assert!(now.contains("// my settings") && now.contains("// keep") && now.contains("\"docs\""), "{now}");

    // A read-only file system: a clear error, the file as it was.
    let out = Command::new("mount").args(["-o", "remount,ro"]).arg(&sandbox.workspace).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = approve(server.url.clone());
    let resp = http()
        .delete(format!("{}/workspace/{id}/mcp/docs", server.url))
        .bearer_auth(CLIENT)
        .send()
        .unwrap();
    t.join().unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap();
    assert_eq!(status, 500, "{body}");
    assert!(body["message"].as_str().unwrap().contains("read-only"), "{body}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), now);
}

/// An OpenCode someone else runs that hangs (SIGSTOP) is reported
/// `unresponsive` (the sidecar cannot restart it), requests get 504, and it
/// is `running` again once it answers.
#[test]
fn a_hung_external_engine_is_reported() {
    let sandbox = Sandbox::new();
    let engine = start_engine(&sandbox);
    let server = start_sidecar(&sandbox, &engine.base, PASSWORD);
    let pid = engine.child.id() as i32;
    signal(pid, libc::SIGSTOP);
    let e = poll(Duration::from_secs(60), "external engine unresponsive", || {
        let (_, e) = get(&format!("{}/engine", server.url), Some(CLIENT));
        (e["state"] == "unresponsive").then_some(e)
    });
    assert!(e["lastError"].as_str().unwrap_or("").contains("does not answer"), "{e}");
    let (status, body) = get(&format!("{}/opencode/session", server.url), Some(CLIENT));
    assert_eq!((status, body["code"].as_str()), (504, Some("engine_unresponsive")), "{body}");
    signal(pid, libc::SIGCONT);
    poll(Duration::from_secs(60), "external engine running again", || {
        let (_, e) = get(&format!("{}/engine", server.url), Some(CLIENT));
        (e["state"] == "running").then_some(())
    });
}

/// openwork-orchestrator gives its sidecar `randomUUID()` tokens (122 bits):
/// accepted here (and only here); a weak token is refused with a way out.
#[test]
fn the_orchestrators_uuid_tokens_are_accepted_and_weak_ones_refused() {
    let sandbox = Sandbox::new();
    let engine = start_engine(&sandbox);
    let (client, host) = ("0b7a4c2e-5f1d-4a8b-9c3e-7d6f5a4b3c2d", "e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f");
    let server = Sidecar::start(&sandbox, &engine.base, PASSWORD, (client, host), &[]);
    let (status, body) = get(&format!("{}/workspaces", server.url), Some(client));
    assert_eq!(status, 200, "{body}");
    drop(server);
    let out = Command::new(env!("CARGO_BIN_EXE_openwork-server"))
        .args(["--host", "127.0.0.1", "--port", "0", "--workspace"])
        .arg(&sandbox.workspace)
        .args(["--opencode-base-url", &engine.base])
        .envs(sandbox.envs())
        .env("OPENWORK_TOKEN", "sidecar-client-token")
        .env("OPENWORK_HOST_TOKEN", HOST)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("OPENWORK_TOKEN") && err.contains("openssl rand -base64 32"), "{err}");
}
