//! `scripts/bench`: OpenWork host and sidecar against OpenCode directly, in one run.
//!
//! Starts (each with its own temp HOME/XDG dirs):
//! - `opencode serve` with a password (the *direct* OpenCode);
//! - `openwork host --json --port 0` (its own engine);
//! - `openwork-server` in front of the direct OpenCode, so proxy and direct
//!   requests hit the very same OpenCode process (same router and proxy code
//!   as the host).
//!
//! and prints one table: startup, host RSS with 0/100/1,000 event
//! subscribers, binary sizes, proxy latency and throughput ratios, SSE
//! forwarding delay, handshake/fallback decision times.
//!
//! Options (after `--`): `--runs N` startup runs (5), `--requests N` per
//! latency block (400), `--secs S` per throughput round (3), `--concurrency C`
//! (8), `--subscribers A,B` (100,1000), `--events N` (40).
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use openwork_client::{handshake, Handshake, HandshakeOptions};
use serde_json::{json, Value};

const PASSWORD: &str = "bench-engine-password";
const CLIENT: &str = "R-N5wYGa97CYiV-RcG1l1uOuv6-vMYe8eKW0v6nFZqI";
const HOST: &str = "GIi3QJ2Jp8aXGr-ZmV7gRLJ-g1cjYzURbMVCfr1RBOM";

struct Opts {
    runs: usize,
    requests: usize,
    secs: u64,
    concurrency: usize,
    subscribers: Vec<usize>,
    events: usize,
}

fn opts() -> Opts {
    let mut o = Opts { runs: 5, requests: 400, secs: 3, concurrency: 8, subscribers: vec![100, 1000], events: 40 };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        let n = v.parse::<usize>().ok();
        match args[i].as_str() {
            "--runs" => o.runs = n.unwrap_or(o.runs).max(1),
            "--requests" => o.requests = n.unwrap_or(o.requests).max(10),
            "--secs" => o.secs = n.map(|n| n as u64).unwrap_or(o.secs).max(1),
            "--concurrency" => o.concurrency = n.unwrap_or(o.concurrency).max(1),
            "--events" => o.events = n.unwrap_or(o.events).max(1),
            "--subscribers" => o.subscribers = v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

// ---------------------------------------------------------------- processes

struct Sandbox {
    root: tempfile::TempDir,
    workspace: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        for d in ["home", "config", "data", "state", "cache", "ow-data", "ow-config", "workspace"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        let workspace = root.path().join("workspace").canonicalize().unwrap();
        Self { root, workspace }
    }

    fn envs(&self) -> Vec<(String, PathBuf)> {
        let p = |s: &str| self.root.path().join(s);
        vec![
            ("HOME".into(), p("home")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_STATE_HOME".into(), p("state")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            ("OPENWORK_DATA_DIR".into(), p("ow-data")),
            ("OPENWORK_CONFIG_DIR".into(), p("ow-config")),
        ]
    }

    fn dir(&self) -> &str {
        self.workspace.to_str().unwrap()
    }
}

/// A child killed on drop (its process group too, when it leads one).
struct Proc {
    child: Child,
    group: bool,
}

impl Proc {
    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// SIGTERM and wait (the host stops its engine group itself).
    fn stop(mut self) {
        signal(self.pid(), libc::SIGTERM);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if self.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.group {
            signal(-self.pid(), libc::SIGKILL);
        } else {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn signal(pid: i32, sig: i32) {
    // SAFETY: plain kill(2).
    unsafe {
        libc::kill(pid, sig);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn opencode_bin() -> PathBuf {
    let p = std::env::var_os("OPENCODE_BIN").map(PathBuf::from).expect("OPENCODE_BIN is not set (scripts/bench sets it)");
    assert!(p.is_file(), "OPENCODE_BIN={} is not a file", p.display());
    p
}

fn spawn_opencode(sb: &Sandbox, port: u16) -> Proc {
    let child = Command::new(opencode_bin())
        .args(["serve", "--hostname", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(&sb.workspace)
        .envs(sb.envs())
        .env("OPENCODE_SERVER_PASSWORD", PASSWORD)
        .env_remove("OPENCODE_SERVER_USERNAME")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("spawn opencode");
    Proc { child, group: true }
}

/// Poll `/global/health` on fresh connections (250 ms per request, 5 ms apart).
fn wait_healthy(base: &str) -> Instant {
    let client = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_millis(250))
        .no_proxy()
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/global/health")).basic_auth("opencode", Some(PASSWORD)).send() {
            if r.status().is_success() {
                return Instant::now();
            }
        }
        assert!(Instant::now() < deadline, "opencode at {base} not healthy in 60 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Spawn a process and wait for its first stdout line.
fn spawn_first_line(mut cmd: Command, what: &str) -> (Proc, String, Instant) {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect(what);
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(out).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send((line, Instant::now()));
        }
        for _ in lines {}
    });
    let (line, at) = rx.recv_timeout(Duration::from_secs(90)).unwrap_or_else(|_| panic!("{what}: no ready line"));
    (Proc { child, group: false }, line, at)
}

fn spawn_host(sb: &Sandbox) -> (Proc, Value, Instant) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openwork"));
    cmd.args(["host", "--json", "--port", "0", "--workspace"])
        .arg(&sb.workspace)
        .envs(sb.envs())
        .env("OPENCODE_BIN", opencode_bin())
        .env("OPENWORK_TOKEN", CLIENT)
        .env("OPENWORK_HOST_TOKEN", HOST)
        .env("RUST_LOG", "error");
    let (p, line, at) = spawn_first_line(cmd, "openwork host");
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("host ready line {line}: {e}"));
    (p, v, at)
}

fn spawn_sidecar(sb: &Sandbox, opencode: &str) -> (Proc, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openwork-server"));
    cmd.args(["--port", "0", "--workspace"])
        .arg(&sb.workspace)
        .args(["--opencode-base-url", opencode])
        .envs(sb.envs())
        .env("OPENWORK_TOKEN", CLIENT)
        .env("OPENWORK_HOST_TOKEN", HOST)
        .env("OPENWORK_OPENCODE_PASSWORD", PASSWORD)
        .env("RUST_LOG", "error");
    let (p, line, _) = spawn_first_line(cmd, "openwork-server");
    let url = line.rsplit(' ').next().unwrap().to_string();
    (p, url)
}

fn rss_kb(pid: i32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------- stats

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One table row.
struct Row {
    metric: String,
    openwork: String,
    direct: String,
    compare: String,
    target: String,
    ok: Option<bool>,
}

fn row(metric: &str, openwork: String, direct: String, compare: String, target: &str, ok: Option<bool>) -> Row {
    Row { metric: metric.into(), openwork, direct, compare, target: target.into(), ok }
}

// ---------------------------------------------------------------- HTTP

/// Who a request goes to and how it authenticates.
#[derive(Clone)]
struct Target {
    url: String,
    auth: Auth,
}

#[derive(Clone)]
enum Auth {
    Basic,
    Bearer,
}

impl Target {
    fn req(&self, client: &reqwest::Client, method: reqwest::Method) -> reqwest::RequestBuilder {
        let r = client.request(method, &self.url);
        match self.auth {
            Auth::Basic => r.basic_auth("opencode", Some(PASSWORD)),
            Auth::Bearer => r.bearer_auth(CLIENT),
        }
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().unwrap()
}

/// Sequential GETs on one keep-alive connection; latencies in ms.
async fn latencies(t: &Target, n: usize) -> Vec<f64> {
    let client = http_client();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let s = Instant::now();
        let r = t.req(&client, reqwest::Method::GET).send().await.expect("request");
        assert!(r.status().is_success(), "{} -> {}", t.url, r.status());
        let _ = r.bytes().await.unwrap();
        out.push(ms(s.elapsed()));
    }
    out
}

/// Requests per second with `c` concurrent keep-alive workers for `secs`.
async fn throughput(t: &Target, c: usize, secs: u64) -> f64 {
    let client = http_client();
    let count = Arc::new(AtomicU64::new(0));
    let end = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..c {
        let (client, t, count) = (client.clone(), t.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let r = t.req(&client, reqwest::Method::GET).send().await.expect("request");
                assert!(r.status().is_success());
                let _ = r.bytes().await;
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    count.load(Ordering::Relaxed) as f64 / secs as f64
}

/// Open an SSE subscription; returns once `first` (or the headers, when
/// empty) arrived, leaving a task that keeps reading.
async fn subscribe(client: reqwest::Client, t: Target, first: &'static str) -> tokio::task::JoinHandle<()> {
    let resp = t.req(&client, reqwest::Method::GET).send().await.expect("subscribe");
    assert!(resp.status().is_success(), "{} -> {}", t.url, resp.status());
    let mut stream = resp.bytes_stream();
    if !first.is_empty() {
        let mut seen = Vec::new();
        while let Some(Ok(chunk)) = stream.next().await {
            seen.extend_from_slice(&chunk);
            if String::from_utf8_lossy(&seen).contains(first) {
                break;
            }
        }
    }
    tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} })
}

/// Arrival time of each `session.created` event (by session id) on a stream.
fn session_created_times(t: Target) -> (tokio::sync::mpsc::UnboundedReceiver<(String, Instant)>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let resp = t.req(&client, reqwest::Method::GET).send().await.expect("event stream");
        let mut stream = resp.bytes_stream();
        let mut buf = String::new();
        while let Some(Ok(chunk)) = stream.next().await {
            let at = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(nl) = buf.find('\n') {
                let line: String = buf.drain(..=nl).collect();
                let Some(data) = line.trim_end().strip_prefix("data:") else { continue };
                let Ok(v) = serde_json::from_str::<Value>(data.trim()) else { continue };
                if v["type"] == "session.created" {
                    if let Some(id) = v["properties"]["info"]["id"].as_str() {
                        let _ = tx.send((id.to_string(), at));
                    }
                }
            }
        }
    });
    (rx, task)
}

/// A server that answers 404 to everything.
async fn not_found_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {
                            let body = "Not Found";
                            let r = format!("HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                            if s.write_all(r.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

// ---------------------------------------------------------------- main

fn main() {
    let o = opts();
    let nproc = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown".into());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let version = Command::new(opencode_bin()).arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    println!("# OpenWork benchmark");
    println!("machine: {nproc} CPUs, {cpu}; load average at start: {}", load.trim());
    println!("OpenCode {version} ({}); openwork {}", opencode_bin().display(), env!("CARGO_PKG_VERSION"));
    let mut rows: Vec<Row> = Vec::new();

    // Binary sizes.
    let size = |p: &str| std::fs::metadata(p).map(|m| m.len() as f64 / 1e6).unwrap_or(f64::NAN);
    let ow = size(env!("CARGO_BIN_EXE_openwork"));
    let ows = size(env!("CARGO_BIN_EXE_openwork-server"));
    let oc = std::fs::metadata(opencode_bin()).map(|m| m.len() as f64 / 1e6).unwrap_or(f64::NAN);
    rows.push(row("binary size `openwork` (release, stripped)", format!("{ow:.1} MB"), format!("{oc:.0} MB"), String::new(), "≤ 15 MB", Some(ow <= 15.0)));
    rows.push(row("binary size `openwork-server`", format!("{ows:.1} MB"), String::new(), String::new(), "≤ 15 MB", Some(ows <= 15.0)));

    // `opencode --version`, which the host runs before starting the engine.
    let mut vers = Vec::new();
    for _ in 0..o.runs {
        let s = Instant::now();
        let _ = Command::new(opencode_bin()).arg("--version").output();
        vers.push(ms(s.elapsed()));
    }
    let vers = sorted(vers);

    // Startup: direct OpenCode to healthy vs host to its ready line
    // (one warm-up run each, then `runs` alternating runs).
    eprintln!("startup runs…");
    let sb_direct = Sandbox::new();
    let sb_host = Sandbox::new();
    let (mut direct_start, mut host_start, mut host_ready_ms) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..=o.runs {
        let port = free_port();
        let s = Instant::now();
        let p = spawn_opencode(&sb_direct, port);
        let at = wait_healthy(&format!("http://127.0.0.1:{port}"));
        drop(p);
        let s2 = Instant::now();
        let (h, v, at2) = spawn_host(&sb_host);
        h.stop();
        if i > 0 {
            direct_start.push(ms(at - s));
            host_start.push(ms(at2 - s2));
            host_ready_ms.push(v["readyMs"].as_f64().unwrap_or(f64::NAN));
        }
    }
    let (direct_start, host_start) = (sorted(direct_start), sorted(host_start));
    let (d50, h50) = (percentile(&direct_start, 0.5), percentile(&host_start, 0.5));
    rows.push(row(
        "start → ready (median)",
        format!("{h50:.0} ms"),
        format!("{d50:.0} ms"),
        format!("+{:.0} ms host overhead", h50 - d50),
        "≤ +30 ms",
        Some(h50 - d50 <= 30.0),
    ));
    rows.push(row(
        "  of which `opencode --version` (median)",
        format!("{:.0} ms", percentile(&vers, 0.5)),
        String::new(),
        format!("host readyMs median {:.0}", percentile(&sorted(host_ready_ms), 0.5)),
        "",
        None,
    ));

    // Long-lived processes.
    eprintln!("starting direct OpenCode, host and openwork-server…");
    let port = free_port();
    let engine = spawn_opencode(&sb_direct, port);
    let oc_base = format!("http://127.0.0.1:{port}");
    wait_healthy(&oc_base);
    let (host, ready, _) = spawn_host(&sb_host);
    let host_url = ready["localUrl"].as_str().unwrap().to_string();
    let (sidecar, side_url) = spawn_sidecar(&sb_direct, &oc_base);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let dir_q: String = url::form_urlencoded::byte_serialize(sb_direct.dir().as_bytes()).collect();
        // Wait until the sidecar sees OpenCode, and warm every path up.
        let direct_path = Target { url: format!("{oc_base}/path?directory={dir_q}"), auth: Auth::Basic };
        let side_path = Target { url: format!("{side_url}/opencode/path"), auth: Auth::Bearer };
        let host_path = Target { url: format!("{host_url}/opencode/path"), auth: Auth::Bearer };
        let client = http_client();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ok = side_path.req(&client, reqwest::Method::GET).send().await.map(|r| r.status().is_success()).unwrap_or(false);
            if ok {
                break;
            }
            assert!(Instant::now() < deadline, "openwork-server never reached OpenCode");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for t in [&direct_path, &side_path, &host_path] {
            latencies(t, 50).await;
        }

        // RSS of the host process with event subscribers.
        eprintln!("RSS…");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let idle = rss_kb(host.pid()) as f64 / 1024.0;
        rows.push(row("host RSS idle", format!("{idle:.1} MB"), "(OpenCode excluded)".into(), String::new(), "≤ 15 MB", Some(idle <= 15.0)));
        let events_route = {
            let r = client.get(format!("{host_url}/events")).bearer_auth(CLIENT).timeout(Duration::from_secs(2)).send().await;
            r.map(|r| r.status().is_success()).unwrap_or(false)
        };
        let sub_client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(0).build().unwrap();
        let mut subs = Vec::new();
        let (mut open_proxy, mut open_events) = (0usize, 0usize);
        // N clients = N `/opencode/event` (+ N `/events`) subscriptions.
        for &n in &o.subscribers {
            for kind in ["/opencode/event", "/events"] {
                if kind == "/events" && !events_route {
                    continue;
                }
                let open = if kind == "/events" { &mut open_events } else { &mut open_proxy };
                let first = if kind == "/events" { "" } else { "server.connected" };
                let mut pending = Vec::new();
                while *open < n {
                    let t = Target { url: format!("{host_url}{kind}"), auth: Auth::Bearer };
                    pending.push(subscribe(sub_client.clone(), t, first));
                    *open += 1;
                    if pending.len() >= 50 {
                        subs.extend(futures_util::future::join_all(pending.drain(..)).await);
                    }
                }
                subs.extend(futures_util::future::join_all(pending).await);
                tokio::time::sleep(Duration::from_secs(1)).await;
                let rss = rss_kb(host.pid()) as f64 / 1024.0;
                let (what, per) = if kind == "/events" {
                    (format!("host RSS, {n} `/opencode/event` + {n} `/events` subscribers"), 2 * n)
                } else {
                    (format!("host RSS, {n} `/opencode/event` subscribers"), n)
                };
                let last = kind == "/events" || !events_route;
                let (target, ok) = if n >= 1000 && last { ("≤ 40 MB", Some(rss <= 40.0)) } else { ("", None) };
                rows.push(row(&what, format!("{rss:.1} MB"), String::new(), format!("{:.1} KB per subscription", (rss - idle) * 1024.0 / per as f64), target, ok));
            }
        }
        for s in subs {
            s.abort();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;

        // Latency and throughput, GET /path, same OpenCode.
        eprintln!("latency…");
        let (mut d_lat, mut s_lat, mut h_lat) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..3 {
            d_lat.extend(latencies(&direct_path, o.requests / 3).await);
            s_lat.extend(latencies(&side_path, o.requests / 3).await);
            h_lat.extend(latencies(&host_path, o.requests / 3).await);
        }
        let (d_lat, s_lat, h_lat) = (sorted(d_lat), sorted(s_lat), sorted(h_lat));
        let (d50, s50, h50) = (percentile(&d_lat, 0.5), percentile(&s_lat, 0.5), percentile(&h_lat, 0.5));
        let (d99, s99) = (percentile(&d_lat, 0.99), percentile(&s_lat, 0.99));
        rows.push(row(
            "GET /path latency p50 (c=1)",
            format!("{s50:.3} ms"),
            format!("{d50:.3} ms"),
            format!("+{:.3} ms ({:.2}×)", s50 - d50, s50 / d50),
            "≤ +0.3 ms",
            Some(s50 - d50 <= 0.3),
        ));
        rows.push(row("GET /path latency p99 (c=1)", format!("{s99:.3} ms"), format!("{d99:.3} ms"), format!("+{:.3} ms ({:.2}×)", s99 - d99, s99 / d99), "", None));
        rows.push(row("  via `openwork host` to its own engine, p50", format!("{h50:.3} ms"), String::new(), "other OpenCode process".into(), "", None));
        eprintln!("throughput…");
        let (mut d_tp, mut s_tp) = (0f64, 0f64);
        for _ in 0..2 {
            d_tp += throughput(&direct_path, o.concurrency, o.secs).await;
            s_tp += throughput(&side_path, o.concurrency, o.secs).await;
        }
        let (d_tp, s_tp) = (d_tp / 2.0, s_tp / 2.0);
        rows.push(row(
            &format!("GET /path throughput (c={})", o.concurrency),
            format!("{s_tp:.0} req/s"),
            format!("{d_tp:.0} req/s"),
            format!("{:.0} % of direct", 100.0 * s_tp / d_tp),
            "≥ 90 %",
            Some(s_tp / d_tp >= 0.9),
        ));

        // SSE forwarding delay: the same session.created event on a direct
        // /event subscription and on one through the proxy.
        eprintln!("SSE…");
        let (mut rx_d, task_d) = session_created_times(Target { url: format!("{oc_base}/event?directory={dir_q}"), auth: Auth::Basic });
        let (mut rx_p, task_p) = session_created_times(Target { url: format!("{side_url}/opencode/event"), auth: Auth::Bearer });
        tokio::time::sleep(Duration::from_millis(500)).await;
        let create = Target { url: format!("{oc_base}/session?directory={dir_q}"), auth: Auth::Basic };
        let mut ids = Vec::new();
        for i in 0..o.events {
            let r = create.req(&client, reqwest::Method::POST).json(&json!({ "title": format!("bench {i}") })).send().await.unwrap();
            let v: Value = r.json().await.unwrap();
            ids.push(v["id"].as_str().unwrap().to_string());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let collect = |rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, Instant)>| {
            let mut m = HashMap::new();
            while let Ok((id, at)) = rx.try_recv() {
                m.entry(id).or_insert(at);
            }
            m
        };
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (md, mp) = (collect(&mut rx_d), collect(&mut rx_p));
        task_d.abort();
        task_p.abort();
        let deltas = sorted(
            ids.iter()
                .filter_map(|id| Some(mp.get(id)?.saturating_duration_since(*md.get(id)?)))
                .map(ms)
                .collect(),
        );
        let p50 = percentile(&deltas, 0.5);
        rows.push(row(
            &format!("SSE added delay per event (n={}) p50 / p99", deltas.len()),
            format!("{p50:.3} / {:.3} ms", percentile(&deltas, 0.99)),
            "0 (reference)".into(),
            format!("{}/{} events seen on both", deltas.len(), ids.len()),
            "",
            None,
        ));

        // Handshake + fallback decision.
        eprintln!("handshake…");
        let nf = not_found_server().await;
        let refused = format!("http://127.0.0.1:{}", free_port());
        let cases: Vec<(&str, String, HandshakeOptions, bool)> = vec![
            ("OpenWork host", host_url.clone(), HandshakeOptions { token: Some(CLIENT.into()), ..Default::default() }, true),
            (
                "plain OpenCode (Basic auth)",
                oc_base.clone(),
                HandshakeOptions { opencode_password: Some(PASSWORD.into()), ..Default::default() },
                true,
            ),
            ("404 server", nf, HandshakeOptions::default(), false),
            ("refused port", refused, HandshakeOptions::default(), false),
        ];
        for (name, url, hopts, should_succeed) in cases {
            let mut times = Vec::new();
            let mut outcome = String::new();
            for _ in 0..20 {
                let s = Instant::now();
                let r = handshake(&url, &hopts).await;
                times.push(ms(s.elapsed()));
                outcome = match &r {
                    Ok(Handshake::OpenWork { .. }) => "OpenWork".into(),
                    Ok(Handshake::OpenCode { .. }) => "OpenCode (fallback)".into(),
                    Err(e) => format!("error: {}", short(&e.to_string())),
                };
                assert_eq!(r.is_ok(), should_succeed, "{name}: {outcome}");
            }
            let t = sorted(times);
            let p50 = percentile(&t, 0.5);
            rows.push(row(
                &format!("handshake decision: {name} p50 / max"),
                format!("{p50:.1} / {:.1} ms", t[t.len() - 1]),
                String::new(),
                outcome,
                "≤ 50 ms",
                Some(t[t.len() - 1] <= 50.0),
            ));
        }
    });
    drop(rt);
    sidecar.stop();
    host.stop();
    drop(engine);

    print_table(&rows);
    println!(
        "\nstartup samples (ms): direct {:?}; host {:?}",
        direct_start.iter().map(|v| v.round()).collect::<Vec<_>>(),
        host_start.iter().map(|v| v.round()).collect::<Vec<_>>()
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at end: {}", load.trim());
}

fn short(s: &str) -> String {
    let s = s.lines().next().unwrap_or("");
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!("| metric | OpenWork | OpenCode direct | comparison | target | ok |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        let ok = match r.ok {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "",
        };
        println!("| {} | {} | {} | {} | {} | {} |", r.metric, r.openwork, r.direct, r.compare, r.target, ok);
    }
}
