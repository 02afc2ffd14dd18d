//! The host API and the `/opencode` proxy against the real OpenCode.
mod support;

use std::io::{BufRead, BufReader};
use std::time::Duration;

use serde_json::{json, Value};
use support::*;

#[test]
fn host_api_auth_workspaces_and_proxy() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let url = host.url.clone();
    let token = host.client_token.clone();
    let ready_ms = host.ready["readyMs"].as_u64().unwrap();
    assert!(ready_ms < 60_000, "ready after {ready_ms} ms");
    assert_eq!(host.ready["engine"]["state"], "running");
    assert_eq!(host.ready["engine"]["version"], "1.18.33");

    // /health is open and has the fields clients detect.
    let (status, health) = get(&format!("{url}/health"), None);
    assert_eq!(status, 200);
    assert_eq!(health["ok"], true);
    assert_eq!(health["healthy"], true);
    assert!(health["version"].is_string() && health["uptimeMs"].is_u64(), "{health}");

    // Everything else: 401 without, with a wrong, or with the host token.
    for path in ["/workspaces", "/workspaces/active", "/capabilities", "/engine", "/opencode/session"] {
        let u = format!("{url}{path}");
        for bad in [None, Some("wrong-token"), Some(host.host_token.as_str())] {
            let (status, body) = get(&u, bad);
            assert_eq!(status, 401, "{path} with {bad:?}: {body}");
            assert_eq!(body["code"], "unauthorized", "{body}");
            assert!(body["message"].is_string());
        }
        let (status, body) = get(&u, Some(&token));
        assert_eq!(status, 200, "{path}: {body}");
    }
    // Host-only routes refuse the client token.
    let resp = http().post(format!("{url}/engine/restart")).bearer_auth(&token).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let resp = http()
        .post(format!("{url}/tokens/rotate"))
        .header("x-openwork-host-token", &token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    // Workspaces: shape and directory.
    let dir = canonical(&sandbox.workspace);
    let (_, list) = get(&format!("{url}/workspaces"), Some(&token));
    let active = &list["active"];
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(&list["items"][0], active);
    assert_eq!(active["path"], dir.as_str());
    assert_eq!(active["name"], "workspace");
    assert_eq!(active["workspaceType"], "local");
    assert!(active["id"].as_str().unwrap().starts_with("ws_"));
    assert_eq!(active["id"].as_str().unwrap().len(), 15);
    assert_eq!(active["opencode"]["directory"], dir.as_str());
    assert_eq!(active["opencode"]["baseUrl"], format!("{url}/opencode"));
    let (_, one) = get(&format!("{url}/workspaces/active"), Some(&token));
    assert_eq!(&one, active);
    // baseUrl follows the Host the client used.
    let resp = http()
        .get(format!("{url}/workspaces"))
        .bearer_auth(&token)
        .header("host", "laptop.local:9999")
        .send()
        .unwrap();
    let v: Value = resp.json().unwrap();
    assert_eq!(v["active"]["opencode"]["baseUrl"], "http://laptop.local:9999/opencode");

    let (_, caps) = get(&format!("{url}/capabilities"), Some(&token));
    for k in ["skills", "plugins", "mcp", "commands", "config"] {
        assert_eq!(caps[k], json!({"read": true, "write": true}), "{caps}");
    }

    // A session created through the proxy shows up through the proxy, in the workspace.
    let created: Value = http()
        .post(format!("{url}/opencode/session"))
        .bearer_auth(&token)
        .json(&json!({"title": "through the proxy"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().expect("session id").to_string();
    assert!(id.starts_with("ses_"));
    assert_eq!(created["directory"], dir.as_str());
    let (status, sessions) = get(&format!("{url}/opencode/session"), Some(&token));
    assert_eq!(status, 200);
    assert!(sessions.as_array().unwrap().iter().any(|s| s["id"] == id.as_str()), "{sessions}");

    // A foreign directory is refused, by query and by header, and nothing is created there.
    let other = sandbox.path("other");
    std::fs::create_dir_all(&other).unwrap();
    let other = canonical(&other);
    let enc: String = url::form_urlencoded::byte_serialize(other.as_bytes()).collect();
    let (status, body) = get(&format!("{url}/opencode/session?directory={enc}"), Some(&token));
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "forbidden");
    let resp = http()
        .post(format!("{url}/opencode/session"))
        .bearer_auth(&token)
        .header("x-opencode-directory", &other)
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let resp = http()
        .post(format!("{url}/opencode/session"))
        .bearer_auth(&token)
        .header("x-opencode-directory", enc.as_str())
        .json(&json!({}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403, "URL-encoded header");
    // Same directory spelled by the client is fine.
    let (status, _) = get(&format!("{url}/opencode/session?directory={}", url::form_urlencoded::byte_serialize(dir.as_bytes()).collect::<String>()), Some(&token));
    assert_eq!(status, 200);
    // Directly on the engine, nothing exists for the other folder.
    let engine_port = host.ready["engine"]["port"].as_u64().unwrap();
    let direct = http().get(format!("http://127.0.0.1:{engine_port}/session?directory={enc}")).send().unwrap();
    assert_eq!(direct.status().as_u16(), 401, "engine must require its password");

    // Machine-wide routes and traversal are refused.
    for (method, path) in [
        ("PATCH", "/opencode/global/config"),
        ("POST", "/opencode/global/upgrade"),
        ("POST", "/opencode/global/dispose"),
        // Provider credentials: an API key only (this body is none).
        ("PUT", "/opencode/auth/openai"),
    ] {
        let resp = http()
            .request(method.parse().unwrap(), format!("{url}{path}"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 403, "{method} {path}");
    }
    let (status, _) = get(&format!("{url}/opencode/session/..%2Fglobal%2Fupgrade"), Some(&token));
    assert_eq!(status, 400);

    // Too large a body: 413 as JSON, decided from the declared length before
    // any body byte is read (raw socket: no body is sent at all).
    {
        use std::io::{Read, Write};
        let addr = url.trim_start_matches("http://");
        let mut sock = std::net::TcpStream::connect(addr).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            sock,
            "POST /opencode/session HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            33 * 1024 * 1024
        )
        .unwrap();
        let mut raw = String::new();
        let _ = sock.read_to_string(&mut raw);
        assert!(raw.starts_with("HTTP/1.1 413"), "{raw}");
        assert!(raw.contains("\"code\":\"payload_too_large\""), "{raw}");
    }

    // Unknown route: JSON 404.
    let (status, body) = get(&format!("{url}/nope"), Some(&token));
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));

    // SSE through the proxy delivers server.connected promptly (not buffered).
    let resp = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}/opencode/event"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(resp).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("an SSE line within 30 s");
    assert!(first.starts_with("data: "), "{first}");
    let event: Value = serde_json::from_str(&first["data: ".len()..]).unwrap();
    assert_eq!(event["type"], "server.connected");

    // Tokens never appear in the host's log output.
    let log = host.stderr_text();
    assert!(!log.contains(&token), "client token leaked to the log");
    assert!(!log.contains(&host.host_token), "host token leaked to the log");
}

#[test]
fn read_only_host_says_so() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &["--read-only"]);
    let (_, caps) = get(&format!("{}/capabilities", host.url), Some(&host.client_token));
    for k in ["skills", "plugins", "mcp", "commands", "config"] {
        assert_eq!(caps[k], json!({"read": true, "write": false}), "{caps}");
    }
}

#[test]
fn a_workspace_path_with_spaces_plus_and_unicode_reaches_the_right_folder() {
    let sandbox = Sandbox::with_workspace("my project+1 é");
    let host = TestHost::start(&sandbox, &[]);
    let dir = canonical(&sandbox.workspace);
    let (_, w) = get(&format!("{}/workspaces/active", host.url), Some(&host.client_token));
    assert_eq!(w["path"], dir.as_str());
    // OpenCode sees exactly this directory.
    let (status, path) = get(&format!("{}/opencode/path", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{path}");
    assert_eq!(path["directory"], dir.as_str(), "{path}");
    let created: Value = http()
        .post(format!("{}/opencode/session", host.url))
        .bearer_auth(&host.client_token)
        .json(&json!({}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(created["directory"], dir.as_str());
    // The client naming the same folder (raw in the header, encoded in the query) is fine.
    let enc: String = url::form_urlencoded::byte_serialize(dir.as_bytes()).collect();
    let resp = http()
        .get(format!("{}/opencode/session?directory={enc}", host.url))
        .bearer_auth(&host.client_token)
        .header("x-opencode-directory", dir.as_str())
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let list: Value = resp.json().unwrap();
    assert!(list.as_array().unwrap().iter().any(|s| s["id"] == created["id"]), "{list}");
    // The same name with `+` read as a space is another folder: refused.
    let other = dir.replace('+', " ");
    let resp = http()
        .get(format!("{}/opencode/session", host.url))
        .bearer_auth(&host.client_token)
        .header("x-opencode-directory", other.as_str())
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
}
