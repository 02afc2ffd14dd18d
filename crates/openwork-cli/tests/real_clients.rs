//! The clients people already use, unmodified, against a real host and
//! engine, each with nothing but a device token the host issued
//! (`POST /tokens` with the host token):
//! - OpenCode's CLI, `opencode run --attach <host>/opencode -p <token>`
//!   (HTTP Basic, any user name); its reply is checked in the stored
//!   session (its stdout shows the reply only sometimes);
//! - OpenCode's TUI, `opencode attach <host>/opencode -p <token>`, in a
//!   detached tmux session on a private socket: a prompt typed into it gets
//!   the model's reply on screen (which needs its `/global/event` stream);
//! - the OpenCode JS SDK, v1 and v2 (`tests/clients/sdk.mjs`): session,
//!   prompt, event stream, file read, delete;
//! - openwork-orchestrator@0.18.1 starting our `openwork-server` with
//!   `--check --check-events` (its start-up verification, then its checks).
//!
//! The SDK and the orchestrator are pinned in `tests/clients/package.json`
//! and installed by `scripts/clients-env.sh` (sourced by `scripts/test`);
//! tmux comes from `.ci/run`. The model is [`StubLlm`].
mod support;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

/// `tests/clients`, where `scripts/clients-env.sh` installs the clients.
fn clients_dir() -> PathBuf {
    let dir = std::env::var_os("OPENWORK_TEST_CLIENTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients"));
    assert!(
        dir.join("node_modules/@opencode-ai/sdk/package.json").is_file()
            && dir.join("node_modules/openwork-orchestrator/package.json").is_file(),
        "the test clients are not installed in {}: run the tests through `scripts/test`, \
         or `. scripts/clients-env.sh` (npm ci in tests/clients)",
        dir.display()
    );
    dir
}

/// openwork-orchestrator's binary for this platform.
fn orchestrator_bin() -> PathBuf {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let bin = clients_dir().join(format!("node_modules/openwork-orchestrator-{os}-{arch}/bin/openwork"));
    assert!(bin.is_file(), "no openwork-orchestrator binary at {}", bin.display());
    bin
}

/// A device token from `POST /tokens` (host token).
fn device_token(url: &str, host_token: &str, scope: &str, label: &str) -> String {
    issue_token(url, host_token, scope, label)["token"].as_str().unwrap().to_string()
}

/// A host on a fresh sandbox whose workspace uses `llm` as its model.
fn stub_host(llm: &StubLlm) -> (Sandbox, TestHost) {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.workspace.join("opencode.json"), llm.config().to_string()).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    (sandbox, host)
}

/// The last lines of the host's stderr, for failure messages.
fn host_log(host: &TestHost) -> String {
    let text = host.stderr_text();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// The text of a message's parts of type `text`.
fn text_of(message: &Value) -> String {
    message["parts"]
        .as_array()
        .map(|parts| parts.iter().filter(|p| p["type"] == "text").filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join(""))
        .unwrap_or_default()
}

/// The stored assistant text of the session (of the workspace, through the
/// host with its client token) whose user message is `prompt`, once it
/// holds the stub's reply.
fn stored_reply(host: &TestHost, prompt: &str) -> Option<String> {
    let (status, sessions) = get(&format!("{}/opencode/session", host.url), Some(&host.client_token));
    assert_eq!(status, 200, "{sessions}");
    for session in sessions.as_array()? {
        let id = session["id"].as_str()?;
        let (status, messages) = get(&format!("{}/opencode/session/{id}/message", host.url), Some(&host.client_token));
        assert_eq!(status, 200, "{messages}");
        let messages = messages.as_array()?;
        if !messages.iter().any(|m| m["info"]["role"] == "user" && text_of(m).contains(prompt)) {
            continue;
        }
        let reply: String = messages.iter().filter(|m| m["info"]["role"] == "assistant").map(text_of).collect();
        if reply.contains(StubLlm::REPLY) {
            return Some(reply);
        }
    }
    None
}

/// A child in its own process group, its output collected; the group is
/// killed on drop (a client's helpers included).
struct Run {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    started: Instant,
}

impl Run {
    fn spawn(mut cmd: Command) -> Run {
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        let started = Instant::now();
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        let collect = |mut pipe: Box<dyn Read + Send>| {
            let sink = Arc::new(Mutex::new(String::new()));
            let s = sink.clone();
            let reader = std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    s.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
            (sink, reader)
        };
        let (stdout, out_reader) = collect(Box::new(child.stdout.take().unwrap()));
        let (stderr, err_reader) = collect(Box::new(child.stderr.take().unwrap()));
        Run { child, stdout, stderr, readers: vec![out_reader, err_reader], started }
    }

    /// Wait for the exit (the deadline only ends a hung client), then for
    /// its output: the pipes close when the last process of the group that
    /// holds them is gone; what is still running 10 s after the exit is
    /// killed.
    fn wait(&mut self, deadline: Duration, what: &str) -> ExitStatus {
        let status = poll(deadline, what, || self.child.try_wait().unwrap());
        let exited = Instant::now();
        while !self.readers.iter().all(|r| r.is_finished()) {
            if exited.elapsed() > Duration::from_secs(10) {
                signal(-(self.child.id() as i32), libc::SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        status
    }

    fn output(&self) -> String {
        format!("--- stdout:\n{}\n--- stderr:\n{}", self.stdout.lock().unwrap(), self.stderr.lock().unwrap())
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        signal(-(self.child.id() as i32), libc::SIGKILL);
        let _ = self.child.wait();
    }
}

/// Single-quoted for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[test]
fn opencode_run_attach_with_a_device_token_gets_the_models_reply() {
    let llm = StubLlm::start(0, Duration::ZERO);
    let (sandbox, host) = stub_host(&llm);
    let token = device_token(&host.url, &host.host_token, "collaborator", "opencode run");
    let client = Sandbox::new(); // the CLI's own HOME and XDG dirs
    let prompt = "Hello from opencode run";
    let mut cmd = Command::new(opencode_bin());
    cmd.args(["run", "--attach", &format!("{}/opencode", host.url), "-p", &token, "--dir"])
        .arg(&sandbox.workspace)
        .args(["-m", "stub/stub-model", prompt])
        .current_dir(client.path("home"))
        .envs(client.envs())
        .env_remove("OPENCODE_SERVER_PASSWORD")
        .env_remove("OPENCODE_SERVER_USERNAME")
        .env("NO_COLOR", "1");
    let mut run = Run::spawn(cmd);
    let status = run.wait(Duration::from_secs(180), "opencode run --attach");
    let took = run.started.elapsed();
    assert!(status.success(), "opencode run --attach failed ({status})\n{}\n--- host:\n{}", run.output(), host_log(&host));
    // Its stdout shows the reply only sometimes: the stored session is the truth.
    let reply = poll(Duration::from_secs(60), "the stored reply to `opencode run`", || stored_reply(&host, prompt));
    assert!(reply.contains(StubLlm::REPLY), "{reply}");
    report("real clients: opencode run --attach, prompt to exit (ms)", took.as_millis());
}

/// A detached tmux session on a private socket (`-L`, no config file), its
/// pane's process group and server killed on drop, also when a test fails.
struct Tmux {
    socket: String,
    pane_pid: Option<i32>,
}

impl Tmux {
    const SESSION: &'static str = "client";

    /// Run `command` (a shell command line) in a new `cols`x`rows` session
    /// with `envs`.
    fn start(command: &str, cols: u16, rows: u16, envs: &[(String, PathBuf)]) -> Tmux {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let socket = format!("openwork-test-{}-{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
        let mut tmux = Tmux { socket, pane_pid: None };
        let out = tmux
            .cmd()
            .args(["new-session", "-d", "-s", Self::SESSION, "-x", &cols.to_string(), "-y", &rows.to_string(), command])
            .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_os_str())))
            .env_remove("TMUX")
            .output()
            .expect("tmux (Debian package `tmux`; .ci/run installs it)");
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        let pid = tmux.run(&["display-message", "-p", "-t", Self::SESSION, "#{pane_pid}"]);
        tmux.pane_pid = pid.trim().parse().ok();
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "-f", "/dev/null"]).stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What the pane shows now.
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", Self::SESSION])
    }

    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", Self::SESSION, "-l", text]);
    }

    fn key(&self, key: &str) {
        self.run(&["send-keys", "-t", Self::SESSION, key]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        if let Some(pid) = self.pane_pid {
            signal(-pid, libc::SIGKILL);
        }
        let _ = self.cmd().arg("kill-server").stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

#[test]
fn opencode_attach_tui_with_a_device_token_shows_the_models_reply() {
    let llm = StubLlm::start(0, Duration::ZERO);
    let (sandbox, host) = stub_host(&llm);
    let token = device_token(&host.url, &host.host_token, "collaborator", "opencode attach");
    let client = Sandbox::new(); // the TUI's own HOME and XDG dirs
    const EXITED: &str = "OPENCODE-EXITED";
    // Stays on screen after an exit (an error is then readable in the pane).
    let command = format!(
        "cd {home} && {bin} attach {url} -p {token} --dir {dir}; echo {EXITED} $?; exec sleep 3600",
        home = sh_quote(client.path("home").to_str().unwrap()),
        bin = sh_quote(opencode_bin().to_str().unwrap()),
        url = sh_quote(&format!("{}/opencode", host.url)),
        token = sh_quote(&token),
        dir = sh_quote(sandbox.workspace.to_str().unwrap()),
    );
    let started = Instant::now();
    let tui = Tmux::start(&command, 160, 45, &client.envs());
    // Until `f(screen)` holds (polled, with a deadline); an exited TUI fails
    // at once; a failure shows the screen.
    let wait = |deadline: Duration, what: &str, f: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        loop {
            let screen = tui.screen();
            if screen.contains(EXITED) || start.elapsed() > deadline {
                panic!("the TUI, waiting for {what} ({:?}):\n{screen}\n--- host:\n{}", start.elapsed(), host_log(&host));
            }
            if f(&screen) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    // The prompt's placeholder: the TUI is up and its input focused.
    wait(Duration::from_secs(120), "the TUI's prompt", &|s| s.contains("Ask anything"));
    let ready = started.elapsed();
    let prompt = "Hello from the TUI";
    tui.type_text(prompt);
    wait(Duration::from_secs(30), "the typed prompt", &|s| s.contains(prompt));
    let sent = Instant::now();
    tui.key("Enter");
    // The reply reaches the screen through the TUI's event stream.
    wait(Duration::from_secs(120), "the model's reply on screen", &|s| s.contains(StubLlm::REPLY));
    let shown = sent.elapsed();
    let reply = poll(Duration::from_secs(60), "the stored reply to the TUI's prompt", || stored_reply(&host, prompt));
    assert!(reply.contains(StubLlm::REPLY), "{reply}");
    report("real clients: opencode attach (TUI), start to prompt (ms)", ready.as_millis());
    report("real clients: opencode attach (TUI), Enter to reply on screen (ms)", shown.as_millis());
}

#[test]
fn the_opencode_sdk_v1_and_v2_with_a_device_token() {
    let llm = StubLlm::start(0, Duration::ZERO);
    let (sandbox, host) = stub_host(&llm);
    const CONTENT: &str = "a file of the workspace, read through the SDK";
    std::fs::write(sandbox.workspace.join("notes.txt"), CONTENT).unwrap();
    let token = device_token(&host.url, &host.host_token, "collaborator", "opencode sdk");
    let script = clients_dir().join("sdk.mjs");
    for version in ["v1", "v2"] {
        let mut cmd = Command::new("node");
        cmd.arg(&script)
            .args([version, &format!("{}/opencode", host.url), &token, "notes.txt", CONTENT, StubLlm::REPLY])
            .current_dir(clients_dir())
            .env("SDK_DEADLINE_MS", "150000");
        let mut run = Run::spawn(cmd);
        let status = run.wait(Duration::from_secs(180), "the SDK script");
        let took = run.started.elapsed();
        let stdout = run.stdout.lock().unwrap().clone();
        assert!(status.success(), "SDK {version} failed ({status})\n{}\n--- host:\n{}", run.output(), host_log(&host));
        let last: Value = stdout.lines().last().and_then(|l| serde_json::from_str(l).ok()).unwrap_or(Value::Null);
        assert_eq!(last, json!({"done": true, "version": version}), "{}", run.output());
        // Each step said what it did.
        for step in ["event.subscribe", "session.create", "session.promptAsync", "events", "session.messages", "file.read", "session.delete"] {
            assert!(stdout.contains(&format!("\"step\":\"{step}\",\"ok\":true")), "SDK {version}: no step {step}\n{stdout}");
        }
        report(&format!("real clients: SDK {version}, whole script (ms)"), took.as_millis());
    }
}

#[test]
fn openwork_orchestrator_starts_openwork_server_and_its_checks_pass() {
    let sandbox = Sandbox::new();
    let version = Command::new(opencode_bin()).arg("--version").envs(sandbox.envs()).output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let gate = clients_dir().join("opencode-gate");
    let mut cmd = Command::new(orchestrator_bin());
    cmd.arg("start")
        .arg("--workspace")
        .arg(&sandbox.workspace)
        .arg("--data-dir")
        .arg(sandbox.path("orchestrator"))
        .args(["--openwork-server-bin", env!("CARGO_BIN_EXE_openwork-server")])
        .args(["--allow-external", "--sidecar-source", "external", "--opencode-source", "external"])
        .arg("--opencode-bin")
        .arg(&gate)
        .args(["--check", "--check-events", "--no-tui", "--no-color", "--log-format", "json"])
        .current_dir(&sandbox.workspace)
        .envs(sandbox.envs())
        // The gate (see tests/clients/opencode-gate): the real OpenCode.
        .env("OPENCODE_GATE_REAL_BIN", opencode_bin())
        .env("OPENCODE_GATE_VERSION", &version);
    for var in [
        "OPENWORK_TOKEN",
        "OPENWORK_HOST_TOKEN",
        "OPENWORK_OPENCODE_USERNAME",
        "OPENWORK_OPENCODE_PASSWORD",
        "OPENCODE_SERVER_USERNAME",
        "OPENCODE_SERVER_PASSWORD",
        "OPENWORK_PORT",
        "OPENWORK_SERVER_BIN",
        "OPENWORK_OPENCODE_BIN",
        "OPENWORK_SANDBOX",
        "OPENWORK_DEV_MODE",
    ] {
        cmd.env_remove(var);
    }
    let mut run = Run::spawn(cmd);
    let status = run.wait(Duration::from_secs(240), "openwork-orchestrator --check --check-events");
    let took = run.started.elapsed();
    // JSON log lines; the errors' causes are in their attributes.
    let stdout = run.stdout.lock().unwrap().clone();
    let lines: Vec<Value> = stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let errors: Vec<String> = lines
        .iter()
        .filter(|l| l["attributes"]["error"].is_string())
        .map(|l| format!("{}: {}", l["body"].as_str().unwrap_or(""), l["attributes"]["error"].as_str().unwrap()))
        .collect();
    assert!(status.success(), "the orchestrator failed ({status}): {errors:#?}\n{}", run.output());
    assert!(lines.iter().any(|l| l["body"] == "Checks ok"), "no `Checks ok`: {errors:#?}\n{}", run.output());
    report("real clients: openwork-orchestrator --check --check-events (ms)", took.as_millis());
}
