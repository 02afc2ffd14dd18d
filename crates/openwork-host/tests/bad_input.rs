//! Property tests of the host API against bad input, in process (the
//! router with `tower::ServiceExt::oneshot`, an engine that never runs).
//!
//! For every route that takes a body or a path parameter: malformed JSON,
//! wrong types, bodies over the limit (with and without `Content-Length`),
//! unicode and control characters in names, traversal attempts in path
//! parameters and bodies, hostile archives. Properties: never a 5xx (but
//! 503 `engine_unavailable` from the proxy), never a panic, every error is
//! JSON `{code, message}`, and nothing is written outside the workspace
//! (HOME, XDG dirs and a decoy folder reached by symlinks from inside the
//! workspace are compared before and after).
//!
//! Reproducible: the generator is seeded from `BAD_INPUT_SEED` (default
//! [`DEFAULT_SEED`], printed at start; set another to explore), and every
//! input that once failed is kept in `tests/regressions/bad_input.jsonl`
//! and replayed first on every run. A new failure is appended there (run
//! locally, commit the line) and printed.
//!
//! `BAD_INPUT_CASES` (default 160) sets the cases per route.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::Router;
use http::{Method, Request};
use openwork_host::engine::{EngineConfig, EngineSupervisor, RestartPolicy};
use openwork_host::server::{self, AppState, ServerOptions};
use openwork_host::workspace::ActiveWorkspace;
use openwork_host::tokens::TokenSet;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use tower::ServiceExt;

const CLIENT: &str = "QIsg_xBr466EPdT-ZiA-vCISFHwSyEQ5bIdpkmDL_3c";
const HOST: &str = "N2c48jWJ7mxLZ--us-WJd8WAC-7FNxtvTc0G88IOkp4";
const MAX_BODY: usize = 64 * 1024;
/// Seed of the generator unless `BAD_INPUT_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x0b5e_55ed_2026_1130;

/// Which token a route needs.
#[derive(Clone, Copy, Debug)]
enum Auth {
    Client,
    Host,
}

/// A route and the fields of its JSON body.
#[derive(Clone, Debug)]
struct Route {
    method: Method,
    /// `{id}` and `{name}` are replaced.
    path: &'static str,
    fields: &'static [&'static str],
    auth: Auth,
    json: bool,
}

impl Route {
    /// `METHOD path`, how the regression file names the route.
    fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The request path for these parameters, and whether it is one the
    /// router has: a path parameter that is empty leaves an empty segment
    /// (`/approvals/`, `/workspace//config`), which is no route (404), like
    /// any other unknown path.
    fn target(&self, id: &str, name: &str) -> (String, bool) {
        let path = self.path.replace("{id}", &encode(id)).replace("{name}", &encode(name));
        let template = self.path.split('?').next().unwrap_or("");
        // Every path under `/opencode/` is the proxy's to decide (`/opencode/`
        // included: its policy refuses it, 403).
        let proxied = template.starts_with("/opencode/");
        let routed = proxied
            || !(template.contains("{id}") && id.is_empty() || template.contains("{name}") && name.is_empty());
        (path, routed)
    }
}

fn routes() -> Vec<Route> {
    let r = |method: Method, path, fields, auth, json| Route { method, path, fields, auth, json };
    use Auth::*;
    vec![
        r(Method::PATCH, "/workspace/{id}/config", &["opencode", "openwork"], Client, true),
        r(Method::POST, "/workspace/{id}/skills", &["name", "content", "description"], Client, true),
        r(Method::POST, "/workspace/{id}/skills/archive?name={name}", &[], Client, false),
        r(Method::DELETE, "/workspace/{id}/skills/{name}", &[], Client, false),
        r(Method::GET, "/workspace/{id}/skills?includeGlobal={name}", &[], Client, false),
        r(Method::POST, "/workspace/{id}/plugins", &["spec"], Client, true),
        r(Method::DELETE, "/workspace/{id}/plugins/{name}", &[], Client, false),
        r(Method::GET, "/workspace/{id}/plugins?includeGlobal={name}", &[], Client, false),
        r(Method::POST, "/workspace/{id}/mcp", &["name", "config"], Client, true),
        r(Method::DELETE, "/workspace/{id}/mcp/{name}", &[], Client, false),
        r(Method::POST, "/workspace/{id}/mcp/{name}/enable", &[], Client, false),
        r(Method::POST, "/workspace/{id}/mcp/{name}/disable", &[], Client, false),
        r(Method::POST, "/workspace/{id}/commands", &["name", "template", "description", "agent", "model", "subtask"], Client, true),
        r(Method::DELETE, "/workspace/{id}/commands/{name}", &[], Client, false),
        r(Method::GET, "/workspace/{id}/audit?limit={name}", &[], Client, false),
        r(Method::GET, "/workspace/{id}/config", &[], Client, false),
        r(Method::POST, "/approvals/{name}", &["reply"], Host, true),
        r(Method::POST, "/workspaces/active", &["path"], Host, true),
        r(Method::GET, "/events?lastEventId={name}", &[], Client, false),
        r(Method::GET, "/opencode/{name}", &[], Client, false),
        r(Method::POST, "/opencode/{name}", &[], Client, true),
    ]
}

/// Names: plausible, unicode, control characters, traversal, long.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}",
        "[A-Za-z0-9._-]{1,70}",
        any::<String>(),
        "\\PC{0,40}",
        "[\\x00-\\x1f\\x7f\u{85}\u{2028}\u{202e}\u{feff}a]{1,12}",
        prop::sample::select(vec![
            "..", ".", "../x", "../../etc/passwd", "/etc/passwd", "..\\..\\x", "a/../../b", "%2e%2e", "%2e%2e%2fx",
            "..%2f..%2fetc", "x%00y", "~", "~root", "file:///etc/passwd", "file://../../x", "@scope/../../x",
            "@../x", "node_modules/../../x", "SKILL.md", ".opencode", "a\u{0}b", "\u{202e}gpj.exe", "CON", "é",
            "x".repeat(300).leak(), "true", "false", "-1", "18446744073709551616", "1e9", "",
        ])
        .prop_map(str::to_string),
        ("\\.\\./|/|%2[fF]|\\.\\.%2[fF]", "[a-z.]{0,10}").prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

/// Any JSON value (wrong types).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        name().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(name(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A body for a route with these fields.
fn body(fields: &'static [&'static str]) -> BoxedStrategy<Vec<u8>> {
    let fields: &'static [&'static str] = if fields.is_empty() { &["name", "path"] } else { fields };
    let object = prop::collection::vec((prop::sample::select(fields.to_vec()), json_value()), 0..=fields.len().max(1))
        .prop_map(|kv| {
            let m: serde_json::Map<String, Value> = kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            serde_json::to_vec(&Value::Object(m)).unwrap()
        });
    // Right field names, string values from `name()` (traversal, unicode, ...),
    // plus plausible values for the MCP config and the config patch.
    let strings = prop::collection::vec(name(), fields.len().max(1)).prop_map(move |vals| {
        let mut m = serde_json::Map::new();
        for (k, v) in fields.iter().zip(vals) {
            let value = match *k {
                "config" => json!({ "type": "local", "command": [v.clone()], "environment": { v.clone(): v } }),
                "opencode" | "openwork" => json!({ v.clone(): v, "mcp": null, "plugin": [v] }),
                "subtask" => json!(v.len() % 2 == 0),
                _ => json!(v),
            };
            m.insert(k.to_string(), value);
        }
        serde_json::to_vec(&Value::Object(m)).unwrap()
    });
    prop_oneof![
        3 => object,
        4 => strings,
        1 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => (json_value(), any::<prop::sample::Index>()).prop_map(|(v, i)| {
            let s = serde_json::to_vec(&v).unwrap();
            let cut = i.index(s.len().max(1));
            s[..cut].to_vec()
        }),
        1 => prop::sample::select(vec!["", "{", "}", "[]", "null", "\"x\"", "{\"a\":", "\u{feff}{}", "{}garbage", "{\"name\":1e999}"])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
    .boxed()
}

/// Archives for `skills/archive`: random bytes, truncated or hostile archives.
fn archive() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (prop::collection::vec(name(), 1..4), any::<prop::sample::Index>(), any::<bool>()).prop_map(|(names, cut, truncate)| {
            let mut entries: Vec<String> = names;
            entries.push("SKILL.md".into());
            let zip = zip_with(&entries);
            if truncate {
                zip[..cut.index(zip.len())].to_vec()
            } else {
                zip
            }
        }),
        prop::collection::vec(name(), 1..4).prop_map(|names| tar_with(&names)),
    ]
}

fn zip_with(names: &[String]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        for n in names {
            let opts = zip::write::SimpleFileOptions::default();
            if z.start_file(n.as_str(), opts).is_ok() {
                let _ = z.write_all(b"---\nname: x\ndescription: y\n---\nbody\n");
            }
        }
        let _ = z.finish();
    }
    buf.into_inner()
}

/// A tar whose entry names are written raw (so `..` and `/` survive).
fn tar_with(names: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in names.iter().chain(std::iter::once(&"SKILL.md".to_string())) {
        let data = b"---\nname: x\ndescription: y\n---\n";
        let mut h = tar::Header::new_old();
        let raw = n.as_bytes();
        let len = raw.len().min(99);
        h.as_old_mut().name[..len].copy_from_slice(&raw[..len]);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn encode(s: &str) -> String {
    // Keep `%` sometimes-raw sequences as given (they test decoding); encode the rest.
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One generated request (also a line of the regression file).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Input {
    /// `METHOD path` of the route ([`Route::key`]).
    route: String,
    id: Option<String>,
    name: String,
    body: Vec<u8>,
    huge: Option<(usize, bool)>,
    content_type: String,
}

fn input(route: Route) -> impl Strategy<Value = Input> {
    {
        let body_s = if route.path.contains("archive") { archive().boxed() } else { body(route.fields) };
        (
            Just(route.key()),
            prop_oneof![8 => Just(None), 1 => name().prop_map(Some)],
            name(),
            body_s,
            prop_oneof![12 => Just(None), 1 => (MAX_BODY + 1..MAX_BODY * 3, any::<bool>()).prop_map(Some)],
            prop::sample::select(vec!["application/json", "application/json", "text/plain", "application/zip", "application/x-tar", "application/gzip", ""])
                .prop_map(str::to_string),
        )
            .prop_map(|(route, id, name, body, huge, content_type)| Input { route, id, name, body, huge, content_type })
    }
}

fn snapshot(root: &Path, skip: &[PathBuf]) -> BTreeMap<String, (u64, Vec<u8>)> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, d: &Path, skip: &[PathBuf], out: &mut BTreeMap<String, (u64, Vec<u8>)>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if skip.iter().any(|s| p.starts_with(s)) {
                continue;
            }
            let m = p.symlink_metadata().unwrap();
            let key = p.strip_prefix(root).unwrap().display().to_string();
            if m.is_dir() {
                out.insert(key, (0, Vec::new()));
                walk(root, &p, skip, out);
            } else if m.file_type().is_symlink() {
                out.insert(key, (1, std::fs::read_link(&p).unwrap().into_os_string().into_encoded_bytes()));
            } else {
                out.insert(key, (m.len(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    walk(root, root, skip, &mut out);
    out
}

/// The seed: `BAD_INPUT_SEED` (decimal or `0x` hex) or [`DEFAULT_SEED`].
fn seed() -> u64 {
    match std::env::var("BAD_INPUT_SEED") {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("BAD_INPUT_SEED={v} is not a u64 (decimal or 0x hex)"))
        }
        Err(_) => DEFAULT_SEED,
    }
}

/// The generator of one route: seeded from the run's seed and the route, so
/// a route's inputs do not change when other routes are added.
fn rng_for(seed: u64, route: &Route) -> TestRng {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{seed}\n{}", route.key()));
    TestRng::from_seed(RngAlgorithm::ChaCha, &digest)
}

/// Inputs that failed once, replayed first on every run.
fn regressions_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/bad_input.jsonl")
}

fn load_regressions() -> Vec<Input> {
    let path = regressions_file();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: bad line {l}: {e}", path.display())))
        .collect()
}

/// Keep a newly found failing input as a regression case.
fn record_regression(input: &Input) -> String {
    let line = serde_json::to_string(input).unwrap();
    let path = regressions_file();
    let known = std::fs::read_to_string(&path).unwrap_or_default();
    if !known.lines().any(|l| l.trim() == line) {
        use std::io::Write;
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = appended {
            eprintln!("could not append to {}: {e}", path.display());
        }
    }
    format!("kept as a regression case in {}:\n{line}", path.display())
}

#[test]
fn bad_input_never_breaks_the_api() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    // Everything the host could write to outside the workspace lives under `root`.
    for (var, sub) in [
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "home/.config"),
        ("XDG_DATA_HOME", "home/.local/share"),
        ("XDG_STATE_HOME", "home/.local/state"),
        ("XDG_CACHE_HOME", "home/.cache"),
        ("OPENWORK_DATA_DIR", "data"),
        ("OPENWORK_CONFIG_DIR", "config"),
    ] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        // SAFETY: set before any other thread of this test binary exists.
        std::env::set_var(var, root.join(sub));
    }
    let ws_dir = root.join("workspace");
    let decoy = root.join("decoy");
    std::fs::create_dir_all(ws_dir.join(".opencode")).unwrap();
    std::fs::create_dir_all(ws_dir.join(".agents")).unwrap();
    std::fs::create_dir_all(decoy.join("skills/existing")).unwrap();
    std::fs::write(decoy.join("skills/existing/SKILL.md"), "---\nname: existing\ndescription: decoy\n---\n").unwrap();
    std::fs::write(decoy.join("x.js"), "decoy").unwrap();
    // Symlinks from inside the workspace to the decoy: writes must refuse them.
    std::os::unix::fs::symlink(decoy.join("skills"), ws_dir.join(".agents/skills")).unwrap();
    std::os::unix::fs::symlink(&decoy, ws_dir.join(".opencode/plugins")).unwrap();
    std::fs::create_dir_all(root.join("home/.config/opencode/skills/global-one")).unwrap();
    std::fs::write(root.join("home/.config/opencode/skills/global-one/SKILL.md"), "---\nname: global-one\ndescription: g\n---\n")
        .unwrap();

    let audit = root.join("audit");
    let before = snapshot(&root, &[ws_dir.clone(), audit.clone(), root.join("data")]);

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (router, state) = rt.block_on(async {
        let tokens = Arc::new(
            TokenSet::load_or_create(&root.join("data/tokens.json"), Some(CLIENT.into()), Some(HOST.into()), openwork_host::tokens::Strength::Strict).unwrap(),
        );
        let mut cfg = EngineConfig::new(root.join("no-such-opencode"), ws_dir.clone());
        cfg.policy = RestartPolicy { max_consecutive_failures: 1, ..RestartPolicy::default() };
        let engine = EngineSupervisor::start(cfg);
        let options = ServerOptions { max_body_bytes: MAX_BODY, audit_dir: Some(audit.clone()), ..ServerOptions::default() };
        let state = AppState::new(tokens, engine, ActiveWorkspace::open(&ws_dir).unwrap(), options).unwrap();
        (server::router(state.clone()), state)
    });
    let ws_id = state.active_workspace().id.clone();
    let routes = routes();
    let seed = seed();
    let cases: u32 = std::env::var("BAD_INPUT_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160);
    println!("bad input: seed {seed:#x} (BAD_INPUT_SEED to explore another), {cases} cases per route");
    let tried = AtomicUsize::new(0);
    let by_status: std::sync::Mutex<BTreeMap<u16, usize>> = Default::default();

    let check = |inp: Input| -> Result<(), TestCaseError> {
        tried.fetch_add(1, Ordering::Relaxed);
        let route = routes
            .iter()
            .find(|r| r.key() == inp.route)
            .ok_or_else(|| TestCaseError::fail(format!("no route {}", inp.route)))?;
        let id = inp.id.clone().unwrap_or_else(|| ws_id.clone());
        let (path, routed) = route.target(&id, &inp.name);
        let Ok(uri) = path.parse::<http::Uri>() else { return Ok(()) };
        let mut req = Request::builder().method(route.method.clone()).uri(uri);
        req = match route.auth {
            Auth::Client => req.header("authorization", format!("Bearer {CLIENT}")),
            Auth::Host => req.header(openwork_wire::HOST_TOKEN_HEADER, HOST),
        };
        if !inp.content_type.is_empty() {
            req = req.header("content-type", inp.content_type.as_str());
        }
        let bytes = match inp.huge {
            Some((n, declared)) => {
                if declared {
                    req = req.header("content-length", n.to_string());
                }
                let mut b = b"{\"name\":\"".to_vec();
                b.resize(n, b'a');
                b
            }
            None if route.json || route.path.contains("archive") => inp.body.clone(),
            None => Vec::new(),
        };
        let req = req.body(Body::from(bytes)).unwrap();
        let router: Router = router.clone();
        let (status, ct, body) = rt.block_on(async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            // SSE streams never end: read what is there without waiting.
            let body = if ct.starts_with("text/event-stream") {
                Vec::new()
            } else {
                axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()
            };
            (status, ct, body)
        });
        *by_status.lock().unwrap().entry(status.as_u16()).or_default() += 1;
        let text = String::from_utf8_lossy(&body);
        let proxy = route.path.starts_with("/opencode");
        prop_assert!(
            status.as_u16() < 500 || (proxy && status == 503),
            "{} {path} -> {status}: {text}",
            route.method
        );
        if !routed {
            // An empty segment: no route, unless a declared length over the
            // limit is refused first (before routing, by design).
            let declared_huge = inp.huge.is_some_and(|(_, declared)| declared);
            let expected = if declared_huge { 413 } else { 404 };
            prop_assert_eq!(status.as_u16(), expected, "{} {} -> {}", route.method, path, text);
        } else if inp.huge.is_some() && route.json && !proxy {
            // (a wrong content type may be refused first, as 400)
            let wrong_type = inp.content_type != "application/json" && status == 400;
            prop_assert!(status == 413 || wrong_type, "{} {} with {:?} -> {}: {}", route.method, path, inp.huge, status, text);
        }
        if status.is_client_error() || status.is_server_error() {
            prop_assert!(ct.starts_with("application/json"), "{} {path} -> {status} {ct}: {text}", route.method);
            let v: Value = serde_json::from_slice(&body).map_err(|e| TestCaseError::fail(format!("{path}: {e}: {text}")))?;
            prop_assert!(v["code"].is_string() && v["message"].is_string(), "{} {path} -> {status}: {text}", route.method);
        }
        // A switch to another folder would move the API; put it back.
        if state.active_workspace().path != ws_dir {
            let back = ActiveWorkspace::open(&ws_dir).unwrap();
            rt.block_on(state.active.switch(back, &state.events, &state.proxy, &state.extensions.engine)).unwrap();
        }
        Ok(())
    };

    // Inputs that failed before, first.
    let regressions = load_regressions();
    for inp in &regressions {
        if let Err(e) = check(inp.clone()) {
            panic!("regression case failed again: {e}\n{}", serde_json::to_string(inp).unwrap());
        }
    }

    // Each route gets its own seeded generator and its share of cases.
    for route in &routes {
        let config = Config { cases, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, rng_for(seed, route));
        let strategy = input(route.clone()).prop_filter("no switch into an existing folder", |i| {
            // The host token may expose any folder of the host by design;
            // only bad switch requests are generated.
            if !i.route.ends_with(" /workspaces/active") {
                return true;
            }
            let p = serde_json::from_slice::<Value>(&i.body).ok().and_then(|v| v["path"].as_str().map(PathBuf::from));
            !p.is_some_and(|p| p.is_absolute() && p.exists())
        });
        match runner.run(&strategy, check) {
            Ok(()) => {}
            Err(proptest::test_runner::TestError::Fail(why, minimal)) => {
                panic!("{}: {why}\nseed {seed:#x}; {}", route.key(), record_regression(&minimal))
            }
            Err(e) => panic!("{}: {e} (seed {seed:#x})", route.key()),
        }
    }

    let after = snapshot(&root, &[ws_dir.clone(), audit.clone(), root.join("data")]);
    let changed: Vec<_> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(before.keys().filter(|k| !after.contains_key(*k)).cloned())
        .collect();
    assert!(changed.is_empty(), "written outside the workspace: {changed:?}");
    let tried = tried.load(Ordering::Relaxed);
    let summary = format!(
        "bad input: seed {seed:#x}, {tried} requests ({} regression cases) over {} routes; statuses {:?}",
        regressions.len(),
        routes.len(),
        by_status.lock().unwrap()
    );
    println!("{summary}");
    // Shown at the end of `scripts/test` (the seed of this run).
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-report.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(report) {
        use std::io::Write;
        let _ = writeln!(f, "{summary}");
    }
    assert!(tried >= routes.len() * cases as usize / 2);
}
