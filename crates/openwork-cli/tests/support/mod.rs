//! Test support: run the real `openwork` binary against the real `opencode`.
//!
//! Every host gets its own temp HOME / XDG dirs / OpenWork dirs, binds
//! 127.0.0.1:0, and is killed (with its engine's process group) on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The `opencode` binary for tests: `$OPENCODE_BIN` (set by `.ci/run`).
pub fn opencode_bin() -> PathBuf {
    let p = std::env::var_os("OPENCODE_BIN").map(PathBuf::from).expect(
        "OPENCODE_BIN is not set: run the tests through `.ci/run` or `scripts/test`, \
         or export OPENCODE_BIN=/path/to/opencode (npm package opencode-ai@1.18.33)",
    );
    assert!(p.is_file(), "OPENCODE_BIN={} is not a file", p.display());
    p
}

/// The `openwork` binary built by cargo for these tests.
pub fn openwork_bin() -> &'static str {
    env!("CARGO_BIN_EXE_openwork")
}

/// Report a measured figure (timings are reported, not asserted tightly):
/// printed, and appended to `target/tmp/test-report.txt`, which
/// `scripts/test` shows at the end of a run.
pub fn report(what: &str, value: impl std::fmt::Display) {
    use std::io::Write;
    let line = format!("{what}: {value}");
    eprintln!("{line}");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-report.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{line}");
    }
}

/// Poll `f` until it returns `Some`, or panic after `deadline` with `what`.
pub fn poll<T>(deadline: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < deadline, "timed out after {deadline:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Live (non-zombie) members of a process group, from /proc.
pub fn group_members(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // Fields after the command name: state ppid pgrp ...
        let rest: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
        if rest.len() > 2 && rest[0] != "Z" && rest[2].parse::<i32>().ok() == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

/// A minimal MCP stdio server (Python) that stays up, so OpenCode keeps a
/// child process in its group.
pub const STUB_MCP_PY: &str = r#"
import sys, json
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except Exception:
        continue
    if "id" not in msg:
        continue
    m = msg.get("method")
    if m == "initialize":
        res = {"protocolVersion": msg["params"].get("protocolVersion", "2024-11-05"), "capabilities": {"tools": {}}, "serverInfo": {"name": "stub", "version": "1"}}
    elif m == "tools/list":
        res = {"tools": []}
    else:
        res = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": res}) + "\n")
    sys.stdout.flush()
"#;

/// Whether a process exists (zombies count as gone).
pub fn pid_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) => false,
    }
}


/// Send a signal to a pid.
pub fn signal(pid: i32, sig: i32) {
    // SAFETY: plain kill(2).
    unsafe {
        libc::kill(pid, sig);
    }
}

/// Isolated directories for one host (and its engine).
pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub workspace: PathBuf,
}

impl Sandbox {
    pub fn new() -> Self {
        Self::with_workspace("workspace")
    }

    /// A sandbox whose workspace folder has this name.
    pub fn with_workspace(name: &str) -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let workspace = root.path().join(name);
        std::fs::create_dir_all(&workspace).unwrap();
        for d in ["home", "config", "data", "state", "cache", "ow-data", "ow-config"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        Self { root, workspace }
    }

    pub fn path(&self, sub: &str) -> PathBuf {
        self.root.path().join(sub)
    }

    /// Environment for anything run in this sandbox.
    pub fn envs(&self) -> Vec<(String, PathBuf)> {
        vec![
            ("HOME".into(), self.path("home")),
            ("XDG_CONFIG_HOME".into(), self.path("config")),
            ("XDG_DATA_HOME".into(), self.path("data")),
            ("XDG_STATE_HOME".into(), self.path("state")),
            ("XDG_CACHE_HOME".into(), self.path("cache")),
            ("OPENWORK_DATA_DIR".into(), self.path("ow-data")),
            ("OPENWORK_CONFIG_DIR".into(), self.path("ow-config")),
        ]
    }

    /// An `openwork` command with the sandbox environment.
    pub fn openwork(&self) -> Command {
        let mut cmd = Command::new(openwork_bin());
        cmd.envs(self.envs())
            .env("OPENCODE_BIN", opencode_bin())
            .env_remove("OPENWORK_TOKEN")
            .env_remove("OPENWORK_HOST_TOKEN")
            .env("NO_COLOR", "1");
        cmd
    }

    /// The stored `(client, host)` tokens.
    pub fn tokens(&self) -> (String, String) {
        let raw = std::fs::read(self.path("ow-config").join("tokens.json")).expect("tokens.json");
        let v: Value = serde_json::from_slice(&raw).unwrap();
        (
            v["clientToken"].as_str().unwrap().to_string(),
            v["hostToken"].as_str().unwrap().to_string(),
        )
    }
}

/// A child's output, read on background threads: every stderr line, and
/// the first stdout line (the ready line) on a channel.
pub struct ChildOutput {
    pub stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    pub first_line: std::sync::mpsc::Receiver<String>,
}

impl ChildOutput {
    /// Take `child`'s piped stdout and stderr.
    pub fn collect(child: &mut Child) -> ChildOutput {
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let err_pipe = child.stderr.take().expect("stderr piped");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let out = child.stdout.take().expect("stdout piped");
        let (tx, first_line) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(out).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        ChildOutput { stderr, first_line }
    }
}

/// A plain `opencode serve` in a sandbox (no OpenWork in front), killed
/// with its process group on drop.
pub struct Opencode {
    pub child: Child,
    pub base: String,
}

impl Opencode {
    /// Start it in `sandbox.workspace` with `password` (Basic auth, user
    /// `opencode`) or none, and wait until it answers. OpenCode has no "any
    /// free port" option, so another program may take the chosen port before
    /// OpenCode binds it: OpenCode then exits, and it is started again on
    /// another port.
    pub fn start(sandbox: &Sandbox, password: Option<&str>) -> Opencode {
        for attempt in 1.. {
            if let Some(engine) = Self::try_start(sandbox, password) {
                return engine;
            }
            assert!(attempt < 3, "opencode exited before it was ready, {attempt} times");
        }
        unreachable!()
    }

    fn try_start(sandbox: &Sandbox, password: Option<&str>) -> Option<Opencode> {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cmd = Command::new(opencode_bin());
        cmd.args(["serve", "--hostname", "127.0.0.1", "--port", &port.to_string()])
            .current_dir(&sandbox.workspace)
            .envs(sandbox.envs())
            .env_remove("OPENCODE_SERVER_PASSWORD")
            .env_remove("OPENCODE_SERVER_USERNAME")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        if let Some(p) = password {
            cmd.env("OPENCODE_SERVER_PASSWORD", p);
        }
        let mut engine = Opencode { child: cmd.spawn().expect("spawn opencode"), base: format!("http://127.0.0.1:{port}") };
        // Fresh connection per poll with a short timeout (readiness race).
        let client = reqwest::blocking::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_millis(250))
            .no_proxy()
            .build()
            .unwrap();
        let ready = poll(Duration::from_secs(60), "opencode health", || {
            if engine.child.try_wait().ok().flatten().is_some() {
                return Some(false);
            }
            let mut req = client.get(format!("{}/global/health", engine.base));
            if let Some(p) = password {
                req = req.basic_auth("opencode", Some(p));
            }
            req.send().ok()?.status().is_success().then_some(true)
        });
        ready.then_some(engine)
    }
}

impl Drop for Opencode {
    fn drop(&mut self) {
        signal(-(self.child.id() as i32), libc::SIGKILL);
        let _ = self.child.wait();
    }
}

/// A running `openwork-server` (the sidecar drop-in), killed on drop.
pub struct Sidecar {
    pub child: Child,
    pub url: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sidecar {
    /// `openwork-server` for `sandbox.workspace` in front of the OpenCode at
    /// `base` (Basic auth `opencode`/`password`), with `tokens` (client,
    /// host) and `extra` flags; waits for its listening line.
    pub fn start(sandbox: &Sandbox, base: &str, password: &str, tokens: (&str, &str), extra: &[&str]) -> Sidecar {
        let mut child = Command::new(env!("CARGO_BIN_EXE_openwork-server"))
            .args(["--host", "127.0.0.1", "--port", "0", "--workspace"])
            .arg(&sandbox.workspace)
            .args(["--opencode-base-url", base, "--opencode-directory"])
            .arg(&sandbox.workspace)
            .args(extra)
            .args(["--log-format", "json"])
            .envs(sandbox.envs())
            .env("OPENWORK_TOKEN", tokens.0)
            .env("OPENWORK_HOST_TOKEN", tokens.1)
            .env("OPENWORK_OPENCODE_PASSWORD", password)
            .env_remove("OPENWORK_OPENCODE_USERNAME")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn openwork-server");
        let ChildOutput { stderr, first_line: rx } = ChildOutput::collect(&mut child);
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
            panic!("openwork-server did not start; stderr:\n{}", stderr.lock().unwrap().join("\n"))
        });
        let url = line
            .strip_prefix("openwork-server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line}"))
            .to_string();
        Sidecar { child, url, stderr }
    }
}

/// A running `openwork app`, killed on drop.
pub struct App {
    pub child: Child,
    pub url: String,
    /// `name=value` of the session cookie, from signing in with the
    /// one-time link of the ready line.
    pub cookie: String,
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl App {
    /// `openwork app --port 0 --no-open --json` with the sandbox's stores.
    pub fn start(sandbox: &Sandbox) -> App {
        let mut child = sandbox
            .openwork()
            .args(["app", "--port", "0", "--no-open", "--json"])
            .env("BROWSER", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn openwork app");
        let ChildOutput { stderr, first_line: rx } = ChildOutput::collect(&mut child);
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
            panic!("openwork app did not start; stderr:\n{}", stderr.lock().unwrap().join("\n"))
        });
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let login = v["loginUrl"].as_str().expect("loginUrl");
        let cookie = App::sign_in(login).expect("the ready line's link signs in");
        App { child, url: v["url"].as_str().unwrap().to_string(), cookie }
    }

    /// Follow a sign-in link like a browser: `name=value` of the cookie it
    /// sets, if it sets one.
    pub fn sign_in(link: &str) -> Option<String> {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let resp = client.get(link).send().unwrap();
        assert_eq!(resp.status().as_u16(), 303, "a sign-in link redirects to /");
        let cookie = resp.headers().get("set-cookie")?.to_str().unwrap();
        Some(cookie.split(';').next().unwrap().to_string())
    }

    /// `/app/api/...` request headers: the session cookie and the app header.
    pub fn headers(&self) -> Vec<(String, String)> {
        vec![("cookie".into(), self.cookie.clone()), ("x-openwork-app".into(), "1".into())]
    }
}

/// An OpenAI-compatible chat-completions server for tests (the LLM is the
/// one part that cannot run here). Every request gets a short streamed
/// reply: [`StubLlm::REPLY`] to an agent's request (one with tools),
/// [`StubLlm::TITLE`] to the others (OpenCode's title generation), so a
/// session title is never mistaken for the reply; except prompts containing
/// [`StubLlm::SLOW`]: those stream `slow_pieces` pieces, one every
/// `piece_delay`, then finish; a client that hangs up before the end is
/// counted in `hangups`.
pub struct StubLlm {
    pub port: u16,
    /// Requests seen (chat completions).
    pub requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Slow streams whose client hung up before the end.
    pub hangups: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Slow streams sent to the end.
    pub completed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl StubLlm {
    /// The reply to an agent's request (one with tools).
    pub const REPLY: &'static str = "STUB-REPLY";
    /// The reply to a request without tools (a session title).
    pub const TITLE: &'static str = "STUB-TITLE";
    /// Marker of a prompt answered slowly.
    pub const SLOW: &'static str = "SLOW-STREAM";
    /// The last piece of a slow answer.
    pub const SLOW_END: &'static str = "SLOW-END";

    pub fn start(slow_pieces: usize, piece_delay: Duration) -> StubLlm {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (requests, hangups, completed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (r, h, c) = (requests.clone(), hangups.clone(), completed.clone());
        std::thread::spawn(move || {
            for mut sock in listener.incoming().map_while(Result::ok) {
                let (r, h, c) = (r.clone(), h.clone(), c.clone());
                std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match sock.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        match sock.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
                    if !head.starts_with("post") || !head.contains("/chat/completions") {
                        let _ = sock.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                        return;
                    }
                    r.fetch_add(1, Ordering::SeqCst);
                    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                    let with_tools = json["tools"].as_array().is_some_and(|t| !t.is_empty());
                    let last_user = json["messages"]
                        .as_array()
                        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
                        .map(|m| m["content"].to_string())
                        .unwrap_or_default();
                    let slow = with_tools && last_user.contains(Self::SLOW);
                    let frame = |delta: Value, finish: Value| {
                        let c = serde_json::json!({"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": "stub-model",
                            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}});
                        format!("data: {c}\n\n")
                    };
                    let mut out = String::from("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n");
                    out.push_str(&frame(serde_json::json!({"role": "assistant", "content": ""}), Value::Null));
                    if sock.write_all(out.as_bytes()).is_err() {
                        return;
                    }
                    let pieces: Vec<String> = if slow {
                        (0..slow_pieces).map(|i| format!("{i} ")).chain(std::iter::once(Self::SLOW_END.to_string())).collect()
                    } else if with_tools {
                        vec![Self::REPLY.to_string()]
                    } else {
                        vec![Self::TITLE.to_string()]
                    };
                    for p in pieces {
                        if slow {
                            std::thread::sleep(piece_delay); // the stream's pace (what is being tested), not a wait
                        }
                        if sock.write_all(frame(serde_json::json!({"content": p}), Value::Null).as_bytes()).and_then(|_| sock.flush()).is_err() {
                            if slow {
                                h.fetch_add(1, Ordering::SeqCst);
                            }
                            return;
                        }
                    }
                    let end = format!("{}data: [DONE]\n\n", frame(serde_json::json!({}), Value::from("stop")));
                    if sock.write_all(end.as_bytes()).is_err() {
                        if slow {
                            h.fetch_add(1, Ordering::SeqCst);
                        }
                        return;
                    }
                    if slow {
                        c.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        StubLlm { port, requests, hangups, completed }
    }

    /// A project config that makes OpenCode use this stub as its model.
    pub fn config(&self) -> Value {
        serde_json::json!({
            "$schema": "https://opencode.ai/config.json",
            "provider": {"stub": {"npm": "@ai-sdk/openai-compatible", "name": "Stub",
                "options": {"baseURL": format!("http://127.0.0.1:{}/v1", self.port), "apiKey": "stub"},
                "models": {"stub-model": {"name": "Stub model"}}}},
            "model": "stub/stub-model",
            "small_model": "stub/stub-model",
        })
    }
}

/// A running `openwork host`.
pub struct TestHost {
    pub child: Child,
    pub ready: Value,
    pub url: String,
    pub client_token: String,
    pub host_token: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl TestHost {
    /// Start a host on `sandbox` with extra arguments; waits for the ready line.
    pub fn start(sandbox: &Sandbox, extra: &[&str]) -> TestHost {
        Self::start_with(sandbox, sandbox.openwork(), extra)
    }

    /// Like [`TestHost::start`], from a prepared `openwork` command.
    pub fn start_with(sandbox: &Sandbox, mut cmd: Command, extra: &[&str]) -> TestHost {
        cmd.args(["host", "--port", "0", "--json", "--show-token", "--workspace"])
            .arg(&sandbox.workspace)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn openwork host");
        let ChildOutput { stderr, first_line: rx } = ChildOutput::collect(&mut child);
        let line = match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("host not ready within 90 s; stderr:\n{}", stderr.lock().unwrap().join("\n"));
            }
        };
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("ready line is not JSON ({e}): {line}\nstderr:\n{}", stderr.lock().unwrap().join("\n"))
        });
        assert_eq!(ready["event"], "ready", "{ready}");
        let (client, host) = sandbox.tokens();
        TestHost {
            url: ready["localUrl"].as_str().unwrap().to_string(),
            client_token: ready["clientToken"].as_str().unwrap_or(&client).to_string(),
            host_token: host,
            ready,
            child,
            stderr,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn engine_pid(&self) -> i32 {
        self.ready["engine"]["pid"].as_i64().expect("engine pid") as i32
    }

    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Wait for the host process to exit.
    pub fn wait_exit(&mut self, deadline: Duration) -> std::process::ExitStatus {
        poll(deadline, "host exit", || self.child.try_wait().ok().flatten())
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        let engine = self.ready["engine"]["pid"].as_i64();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(pid) = engine {
            signal(-(pid as i32), 9);
        }
    }
}

/// Blocking HTTP client. The timeout is a deadline, far above what any
/// request takes (a first request for a folder makes OpenCode set it up,
/// seconds on a busy machine); it only ends a hung test.
pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .no_proxy()
        .build()
        .unwrap()
}

/// GET with an optional bearer token; returns (status, JSON or Null).
pub fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = http().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let started = Instant::now();
    let resp = req.send().unwrap_or_else(|e| panic!("GET {url}: {e} (after {:?})", started.elapsed()));
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

/// One HTTP/1.1 request written byte for byte (no client-side URL
/// normalisation: `..`, `%2e%2e`, odd encodings reach the server as
/// written), `Connection: close`; returns the status and the body (chunked
/// bodies decoded).
pub fn raw_http(base_url: &str, method: &str, path_and_query: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base_url.trim_start_matches("http://").split('/').next().unwrap();
    let mut sock = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    sock.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!("{method} {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || !["GET", "HEAD", "DELETE"].contains(&method) {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    sock.write_all(req.as_bytes()).unwrap();
    sock.write_all(body).unwrap();
    let mut raw = Vec::new();
    let _ = sock.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let body = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || after.len() < n {
                break;
            }
            out.push_str(&after[..n]);
            rest = after[n..].trim_start_matches("\r\n");
        }
        out
    } else {
        rest.to_string()
    };
    (status, body)
}

/// Sockets of process `pid` connected to `127.0.0.1:port` (from
/// `/proc/<pid>/fd` and `/proc/<pid>/net/tcp`).
pub fn connections_to(pid: i32, port: u16) -> usize {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']').map(str::to_string))
        .collect();
    let tcp = std::fs::read_to_string(format!("/proc/{pid}/net/tcp")).unwrap();
    let remote = format!("0100007F:{port:04X}");
    tcp.lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // f[2] remote address, f[3] state (01 = established), f[9] inode.
            f.len() > 9 && f[2] == remote && f[3] == "01" && inodes.contains(f[9])
        })
        .count()
}

/// A tmpfs mounted on a directory for the test's lifetime (root only).
pub struct TinyFs(std::path::PathBuf);

impl TinyFs {
    pub fn mount(dir: &std::path::Path, size: &str) -> TinyFs {
        assert_eq!(unsafe { libc::geteuid() }, 0, "this fault test mounts a tmpfs and must run as root (CI does)");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "mount failed: {}", String::from_utf8_lossy(&out.stderr));
        TinyFs(dir.to_path_buf())
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fill the file system of `dir` (a [`TinyFs`]) with one file; returns it.
pub fn fill_disk(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 4 * 1024 * 1024]);
    filler
}

/// Resident memory of process `pid`, in MB (`VmRSS`).
pub fn rss_mb(pid: i32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    kb / 1024.0
}

/// Canonical path as a string.
pub fn canonical(p: &Path) -> String {
    p.canonicalize().unwrap().to_str().unwrap().to_string()
}

/// `method url` with a bearer `token` and an optional JSON body: (status, JSON or null).
pub fn send(method: &str, url: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = http().request(method.parse().unwrap(), url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

/// A device token from `POST /tokens` with the host token, its answer's
/// shape checked (201 `{id, token, scope, label, createdAt}`): the answer.
pub fn issue_token(url: &str, host_token: &str, scope: &str, label: &str) -> Value {
    let resp = http()
        .post(format!("{url}/tokens"))
        .header("X-OpenWork-Host-Token", host_token)
        .json(&serde_json::json!({"scope": scope, "label": label}))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap_or_default();
    assert_eq!(status, 201, "POST /tokens {{scope: {scope}}} with the host token answered {status}: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST /tokens: not JSON ({e}): {text}"));
    assert_eq!(body["scope"], scope, "{body}");
    assert_eq!(body["label"], label, "{body}");
    assert!(body["id"].as_str().is_some_and(|s| s.starts_with("tok_")), "no id: {body}");
    assert!(body["createdAt"].is_u64(), "no createdAt: {body}");
    assert!(body["token"].as_str().is_some_and(|t| t.starts_with("owt_")), "no token: {body}");
    body
}
