//! Route tests against a temp workspace, with an engine that never runs
//! (reloads and runtime status are skipped then). The real engine is
//! exercised in `crates/openwork-cli/tests/extensions.rs`.
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::extensions::{jsonc, ApprovalMode};
use crate::engine::{EngineConfig, EngineSupervisor, RestartPolicy};
use crate::server::{self, AppState, ServerOptions};
use crate::workspace::ActiveWorkspace;
use crate::tokens::TokenSet;

const CLIENT: &str = "wn-yeSOATi-8--n2pkpYlqkXVyhnbMYJm4VgFfSzJy4";
const HOST: &str = "AjCYOjULkIwvQeWX0NU9_t9xCWYNvLzAtGZt5QkUBoE";

struct App {
    router: Router,
    state: AppState,
    dir: tempfile::TempDir,
    ws: String,
}

impl App {
    fn ws_path(&self) -> std::path::PathBuf {
        self.state.active_workspace().path.clone()
    }
}

async fn app(options: ServerOptions) -> App {
    let dir = tempfile::tempdir().unwrap();
    let ws_dir = dir.path().join("workspace");
    std::fs::create_dir_all(&ws_dir).unwrap();
    let tokens =
        Arc::new(TokenSet::load_or_create(&dir.path().join("tokens.json"), Some(CLIENT.into()), Some(HOST.into()), crate::tokens::Strength::Strict).unwrap());
    let mut cfg = EngineConfig::new(dir.path().join("no-such-opencode"), ws_dir.clone());
    cfg.policy = RestartPolicy { max_consecutive_failures: 1, ..RestartPolicy::default() };
    let engine = EngineSupervisor::start(cfg);
    let workspace = ActiveWorkspace::open(&ws_dir).unwrap();
    let ws = workspace.id.clone();
    let options = ServerOptions { audit_dir: Some(dir.path().join("audit")), ..options };
    let state = AppState::new(tokens, engine, workspace, options).unwrap();
    App { router: server::router(state.clone()), state, dir, ws }
}

async fn call(app: &App, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    send(app, method, path, body.map(|b| ("application/json", b.to_string().into_bytes())), Some(CLIENT), None).await
}

async fn send(
    app: &App,
    method: Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
    client: Option<&str>,
    host: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = client {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(t) = host {
        req = req.header(openwork_wire::HOST_TOKEN_HEADER, t);
    }
    let req = match body {
        Some((ct, bytes)) => req.header("content-type", ct).body(Body::from(bytes)).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                out.push(p.strip_prefix(base).unwrap().display().to_string());
                if e.file_type().unwrap().is_dir() {
                    walk(base, &p, out);
                }
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[tokio::test]
async fn auth_and_workspace_checks() {
    let app = app(ServerOptions::default()).await;
    let (s, b) = send(&app, Method::GET, &format!("/workspace/{}/skills", app.ws), None, None, None).await;
    assert_eq!(s, 401, "{b}");
    let (s, b) = send(&app, Method::GET, &format!("/workspace/{}/skills", app.ws), None, Some(HOST), None).await;
    assert_eq!(s, 401, "host token is not a client token: {b}");
    let (s, b) = call(&app, Method::GET, "/workspace/ws_000000000000/skills", None).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (404, Some("workspace_not_found")));
    let (s, _) = call(&app, Method::GET, "/approvals", None).await;
    assert_eq!(s, 401, "approvals need the host token");
}

#[tokio::test]
async fn skills_add_list_remove_and_traversal() {
    let app = app(ServerOptions::default()).await;
    let base = format!("/workspace/{}/skills", app.ws);
    let (s, b) = call(&app, Method::POST, &base, Some(json!({"name": "hello-world", "content": "Say hello.", "description": "Greets"}))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["scope"], "project");
    let md = std::fs::read_to_string(app.ws_path().join(".opencode/skills/hello-world/SKILL.md")).unwrap();
    assert!(md.starts_with("---\nname: \"hello-world\"\ndescription: \"Greets\"\n---\nSay hello."), "{md}");
    std::fs::create_dir_all(app.ws_path().join(".claude/skills/other")).unwrap();
    std::fs::write(app.ws_path().join(".claude/skills/other/SKILL.md"), "---\nname: other\ndescription: Other one\n---\n").unwrap();
    let (_, b) = call(&app, Method::GET, &base, None).await;
    let names: Vec<_> = b["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["hello-world", "other"]);
    assert_eq!(b["items"][1]["description"], "Other one");

    let outside = app.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    for bad in ["../x", "/etc", "a/../../b", "..", "Bad"] {
        let (s, b) = call(&app, Method::POST, &base, Some(json!({"name": bad, "content": "x", "description": "d"}))).await;
        assert_eq!((s.as_u16(), b["code"].as_str()), (400, Some("invalid_request")), "{bad}: {b}");
    }
    for bad in ["%2E%2E%2Fx", "%2Fetc", "a%2F..%2F..%2Fb"] {
        let (s, b) = call(&app, Method::DELETE, &format!("{base}/{bad}"), None).await;
        assert_eq!(s, 400, "{bad}: {b}");
    }
    // A symlinked skill folder pointing outside is neither written through nor deleted.
    std::fs::write(outside.join("keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(&outside, app.ws_path().join(".opencode/skills/evil")).unwrap();
    let (s, b) = call(&app, Method::POST, &base, Some(json!({"name": "evil", "content": "x", "description": "d"}))).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (403, Some("forbidden")), "{b}");
    let (s, _) = call(&app, Method::DELETE, &format!("{base}/evil"), None).await;
    assert_eq!(s, 403);
    assert_eq!(tree(&outside), vec!["keep.txt"]);

    let (s, b) = call(&app, Method::DELETE, &format!("{base}/hello-world"), None).await;
    assert_eq!(s, 200, "{b}");
    assert!(!app.ws_path().join(".opencode/skills/hello-world").exists());
    let (s, b) = call(&app, Method::DELETE, &format!("{base}/hello-world"), None).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn skills_archive_upload_and_zip_slip() {
    let app = app(ServerOptions::default()).await;
    let url = format!("/workspace/{}/skills/archive", app.ws);
    let mut good = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut good);
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("zipped/SKILL.md", o).unwrap();
        std::io::Write::write_all(&mut w, b"---\nname: zipped\ndescription: From a zip\n---\nBody\n").unwrap();
        w.start_file("zipped/scripts/run.sh", o).unwrap();
        std::io::Write::write_all(&mut w, b"echo hi\n").unwrap();
        w.finish().unwrap();
    }
    let (s, b) = send(&app, Method::POST, &url, Some(("application/zip", good.into_inner())), Some(CLIENT), None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["name"], "zipped");
    assert!(app.ws_path().join(".opencode/skills/zipped/scripts/run.sh").is_file());

    let before = tree(app.dir.path());
    let mut evil = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut evil);
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("SKILL.md", o).unwrap();
        std::io::Write::write_all(&mut w, b"---\nname: slip\ndescription: d\n---\n").unwrap();
        w.start_file("../../../../slipped.txt", o).unwrap();
        std::io::Write::write_all(&mut w, b"pwned").unwrap();
        w.finish().unwrap();
    }
    let (s, b) = send(&app, Method::POST, &format!("{url}?name=slip"), Some(("application/zip", evil.into_inner())), Some(CLIENT), None).await;
    assert_eq!(s, 400, "{b}");
    assert_eq!(tree(app.dir.path()), before, "nothing written anywhere");
    let (s, _) = send(&app, Method::POST, &url, Some(("application/zip", b"not a zip".to_vec())), Some(CLIENT), None).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn mcp_plugins_commands_config_round_trip() {
    let app = app(ServerOptions::default()).await;
    let ws = app.ws.clone();
    let original = "{\n  // keep this comment\n  \"model\": \"a/b\", /* inline */\n  \"mcp\": {\n    // existing\n    \"old\": {\"type\": \"remote\", \"url\": \"http://127.0.0.1:9/mcp\"},\n  },\n}\n";
    std::fs::write(app.ws_path().join("opencode.jsonc"), original).unwrap();

    let (s, b) = call(&app, Method::POST, &format!("/workspace/{ws}/mcp"), Some(json!({"name": "new", "config": {"type": "local", "command": ["true"]}}))).await;
    assert_eq!(s, 200, "{b}");
    let names: Vec<_> = b["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["new", "old"], "listed by name");
    assert_eq!(b["items"][0]["source"], "config.project");
    let (s, b) = call(&app, Method::POST, &format!("/workspace/{ws}/mcp/new/disable"), None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["items"][0]["config"]["enabled"], false);
    let (s, _) = call(&app, Method::POST, &format!("/workspace/{ws}/mcp"), Some(json!({"name": "x", "config": {"type": "local"}}))).await;
    assert_eq!(s, 400);
    let (s, _) = call(&app, Method::DELETE, &format!("/workspace/{ws}/mcp/new"), None).await;
    assert_eq!(s, 200);
    assert_eq!(std::fs::read_to_string(app.ws_path().join("opencode.jsonc")).unwrap(), original, "byte-for-byte after add+remove");
    let (s, _) = call(&app, Method::DELETE, &format!("/workspace/{ws}/mcp/new"), None).await;
    assert_eq!(s, 404);

    let (s, b) = call(&app, Method::POST, &format!("/workspace/{ws}/plugins"), Some(json!({"spec": "opencode-foo@1.0.0"}))).await;
    assert_eq!(s, 200, "{b}");
    let (_, b) = call(&app, Method::POST, &format!("/workspace/{ws}/plugins"), Some(json!({"spec": "opencode-foo@2.0.0"}))).await;
    let specs: Vec<_> = b["items"].as_array().unwrap().iter().map(|i| i["spec"].as_str().unwrap()).collect();
    assert_eq!(specs, vec!["opencode-foo@2.0.0"], "de-duplicated by package");
    assert_eq!(b["loadOrder"][1], "config.project");
    std::fs::create_dir_all(app.ws_path().join(".opencode/plugins")).unwrap();
    std::fs::write(app.ws_path().join(".opencode/plugins/local.js"), "export default {}").unwrap();
    let (_, b) = call(&app, Method::GET, &format!("/workspace/{ws}/plugins"), None).await;
    assert_eq!(b["items"][1]["source"], "dir.project");
    let (s, _) = call(&app, Method::POST, &format!("/workspace/{ws}/plugins"), Some(json!({"spec": "../evil"}))).await;
    assert_eq!(s, 400);
    let (s, b) = call(&app, Method::DELETE, &format!("/workspace/{ws}/plugins/opencode-foo"), None).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["items"].as_array().unwrap().len(), 1);

    let (s, b) = call(&app, Method::POST, &format!("/workspace/{ws}/commands"), Some(json!({"name": "review", "template": "Review $ARGUMENTS", "description": "Code review", "subtask": true}))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["items"][0]["description"], "Code review");
    assert_eq!(b["items"][0]["template"], "Review $ARGUMENTS");
    assert_eq!(b["items"][0]["subtask"], true);
    let (s, _) = call(&app, Method::DELETE, &format!("/workspace/{ws}/commands/review"), None).await;
    assert_eq!(s, 200);
    assert!(!app.ws_path().join(".opencode/commands/review.md").exists());

    let (s, b) = call(&app, Method::PATCH, &format!("/workspace/{ws}/config"), Some(json!({"opencode": {"model": "c/d", "share": "disabled"}, "openwork": {"theme": "dark"}}))).await;
    assert_eq!(s, 200, "{b}");
    let (_, b) = call(&app, Method::GET, &format!("/workspace/{ws}/config"), None).await;
    assert_eq!(b["opencode"]["model"], "c/d");
    assert_eq!(b["opencode"]["share"], "disabled");
    assert_eq!(b["openwork"]["theme"], "dark");
    let text = std::fs::read_to_string(app.ws_path().join("opencode.jsonc")).unwrap();
    assert!(text.contains("// keep this comment") && text.contains("/* inline */"), "{text}");

    // Invalid JSONC: 422 with a position, file untouched.
    let bad = "{\n  \"model\": \"x\",\n  oops\n}\n";
    std::fs::write(app.ws_path().join("opencode.jsonc"), bad).unwrap();
    let (s, b) = call(&app, Method::POST, &format!("/workspace/{ws}/mcp"), Some(json!({"name": "n", "config": {"type": "local", "command": ["x"]}}))).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (422, Some("invalid_config")), "{b}");
    assert_eq!(b["details"]["line"], 3);
    assert_eq!(std::fs::read_to_string(app.ws_path().join("opencode.jsonc")).unwrap(), bad);

    let (_, b) = call(&app, Method::GET, &format!("/workspace/{ws}/audit"), None).await;
    let actions: Vec<_> = b["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.starts_with(&["mcp.add", "mcp.disable"]), "{actions:?}");
    assert_eq!(b["items"][0]["actor"]["tokenHash"], crate::tokens::fingerprint(CLIENT));
    assert_eq!(b["items"][0]["outcome"], "applied");
    assert_eq!(b["items"][0]["target"], "new");
}

#[tokio::test]
async fn fifty_concurrent_adds_keep_every_entry() {
    let app = Arc::new(app(ServerOptions::default()).await);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"name": format!("srv-{i}"), "config": {"type": "remote", "url": format!("http://127.0.0.1:1/{i}")}});
            call(&app, Method::POST, &format!("/workspace/{}/mcp", app.ws), Some(body)).await.0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let cfg = jsonc::read_object(&app.ws_path().join("opencode.jsonc")).unwrap();
    assert_eq!(cfg["mcp"].as_object().unwrap().len(), 50);
}

#[tokio::test]
async fn read_only_refuses_writes() {
    let app = app(ServerOptions { read_only: true, ..ServerOptions::default() }).await;
    let (s, b) = call(&app, Method::POST, &format!("/workspace/{}/skills", app.ws), Some(json!({"name": "a", "content": "x", "description": "d"}))).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (403, Some("read_only")));
    let (s, _) = call(&app, Method::GET, &format!("/workspace/{}/skills", app.ws), None).await;
    assert_eq!(s, 200);
    assert!(!app.ws_path().join(".opencode").exists());
}

async fn wait_pending(app: &App) -> Value {
    let start = Instant::now();
    loop {
        let (s, b) = send(app, Method::GET, "/approvals", None, None, Some(HOST)).await;
        assert_eq!(s, 200, "{b}");
        if let Some(first) = b["items"].as_array().and_then(|a| a.first()) {
            return first.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no pending approval");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn manual_approval_allow_deny_timeout() {
    let opts = ServerOptions {
        approval: ApprovalMode::Manual,
        approval_timeout: Duration::from_millis(400),
        ..ServerOptions::default()
    };
    let app = Arc::new(app(ServerOptions { approval_timeout: Duration::from_secs(20), ..opts.clone() }).await);
    let (_, mut events) = app.state.events.subscribe_after(None);
    let url = format!("/workspace/{}/commands", app.ws);
    let body = json!({"name": "c1", "template": "t"});

    // allow
    let a = app.clone();
    let (u, bd) = (url.clone(), body.clone());
    let t = tokio::spawn(async move { call(&a, Method::POST, &u, Some(bd)).await });
    let pending = wait_pending(&app).await;
    assert_eq!(pending["action"], "commands.add");
    assert!(!app.ws_path().join(".opencode/commands/c1.md").exists(), "nothing written before approval");
    let (s, b) = send(&app, Method::POST, &format!("/approvals/{}", pending["id"].as_str().unwrap()), Some(("application/json", br#"{"reply":"allow"}"#.to_vec())), Some(CLIENT), None).await;
    assert_eq!(s, 401, "client token cannot approve: {b}");
    let (s, b) = send(&app, Method::POST, &format!("/approvals/{}", pending["id"].as_str().unwrap()), Some(("application/json", br#"{"reply":"allow"}"#.to_vec())), None, Some(HOST)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["allowed"], true);
    let (s, b) = t.await.unwrap();
    assert_eq!(s, 200, "{b}");
    assert!(app.ws_path().join(".opencode/commands/c1.md").exists());
    let mut kinds = Vec::new();
    while let Ok(e) = events.try_recv() {
        kinds.push(e.kind.clone());
    }
    assert_eq!(kinds, vec!["approval.requested", "approval.resolved", "config.changed"]);

    // deny
    let a = app.clone();
    let u = url.clone();
    let t = tokio::spawn(async move { call(&a, Method::POST, &u, Some(json!({"name": "c2", "template": "t"}))).await });
    let pending = wait_pending(&app).await;
    let (s, _) = send(&app, Method::POST, &format!("/approvals/{}", pending["id"].as_str().unwrap()), Some(("application/json", br#"{"reply":"deny"}"#.to_vec())), None, Some(HOST)).await;
    assert_eq!(s, 200);
    let (s, b) = t.await.unwrap();
    assert_eq!((s.as_u16(), b["code"].as_str(), b["details"]["reason"].as_str()), (403, Some("write_denied"), Some("denied")));
    assert!(!app.ws_path().join(".opencode/commands/c2.md").exists());

    // timeout (a second app with a short timeout)
    let short = app_with(opts).await;
    let t0 = Instant::now();
    let (s, b) = call(&short, Method::POST, &format!("/workspace/{}/commands", short.ws), Some(body)).await;
    assert_eq!((s.as_u16(), b["details"]["reason"].as_str()), (403, Some("timeout")), "{b}");
    assert!(t0.elapsed() >= Duration::from_millis(400));
    let (_, b) = send(&short, Method::GET, "/approvals", None, None, Some(HOST)).await;
    assert_eq!(b["items"], json!([]));
    let (_, b) = call(&short, Method::GET, &format!("/workspace/{}/audit", short.ws), None).await;
    assert_eq!(b["items"][0]["outcome"], "timeout");
    let (s, _) = send(&short, Method::POST, "/approvals/apr_nope", Some(("application/json", br#"{"reply":"allow"}"#.to_vec())), None, Some(HOST)).await;
    assert_eq!(s, 404);
}

async fn app_with(options: ServerOptions) -> App {
    app(options).await
}
