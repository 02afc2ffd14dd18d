//! Load (issue 8, item 4) against a real host and the real OpenCode engine
//! on loopback, bounded in time:
//! - 1,000 concurrent SSE subscribers (half `/events`, half `/opencode/event`)
//!   stay connected through the run and every one of them gets every event
//!   published meanwhile (`session.created` for sessions created through the
//!   proxy; `workspace.switched` for host-token switches);
//! - 10,000 proxied requests at concurrency 64: no error;
//! - host RSS bounded (read from `/proc/<pid>/status`);
//! - only one upstream OpenCode connection serves all `/opencode/event`
//!   subscribers (the proxy's shared event stream);
//! - 200 concurrent MCP writes through the extensions API: none lost, and
//!   `opencode.jsonc` parses as JSONC every time it is read during the run;
//! - a workspace switch ends the old folder's `/opencode/event` streams, and an
//!   engine restart ends every `/opencode/event` stream (the shared upstream
//!   ended); neither ends an `/events` stream.
//!
//! Correctness is asserted (nothing lost, every event seen, files valid);
//! timings are reported ([`support::report`]) with deadlines far above them,
//! so a machine busy with other work slows the test down but does not fail it.
mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};
use support::*;

const SUBSCRIBERS: usize = 1000;
const REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 64;
const SESSIONS: usize = 5;
const SWITCHES: usize = 4;
const WRITES: usize = 200;

/// Raise this process's soft open-file limit to the hard limit (the test
/// holds 1,000+ sockets).
fn raise_nofile() -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: plain getrlimit/setrlimit on an initialised struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        lim.rlim_cur = lim.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
    }
    lim.rlim_cur
}

/// One SSE subscriber: what it saw (`type:key`) and whether its stream ended.
#[derive(Clone, Default)]
struct Sub {
    seen: Arc<Mutex<HashSet<String>>>,
    ended: Arc<AtomicBool>,
}

/// Subscribe to `url`; returns once the stream is open (for
/// `/opencode/event`: once `server.connected` arrived).
async fn subscribe(client: reqwest::Client, url: String, token: String, wait_for_connected: bool) -> Sub {
    let sub = Sub::default();
    let resp = client.get(&url).bearer_auth(&token).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(resp.status().as_u16(), 200, "{url}");
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
    let mut ready_tx = Some(ready_tx);
    if !wait_for_connected {
        let _ = ready_tx.take().unwrap().send(());
    }
    let s = sub.clone();
    tokio::spawn(async move {
        let mut body = resp.bytes_stream();
        let mut buf: Vec<u8> = Vec::new();
        while let Some(Ok(chunk)) = body.next().await {
            buf.extend_from_slice(&chunk);
            while let Some(nl) = buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buf.drain(..=nl).collect();
                let line = String::from_utf8_lossy(&line);
                let Some(data) = line.trim_end().strip_prefix("data:") else { continue };
                let Ok(v) = serde_json::from_str::<Value>(data.trim()) else { continue };
                let kind = v["type"].as_str().unwrap_or("").to_string();
                let key = match kind.as_str() {
                    "server.connected" => {
                        if let Some(tx) = ready_tx.take() {
                            let _ = tx.send(());
                        }
                        String::new()
                    }
                    "session.created" => v["properties"]["info"]["id"].as_str().unwrap_or("").to_string(),
                    "workspace.switched" => v["id"].to_string(),
                    _ => continue,
                };
                s.seen.lock().unwrap().insert(format!("{kind}:{key}"));
            }
        }
        s.ended.store(true, Ordering::SeqCst);
    });
    tokio::time::timeout(Duration::from_secs(30), ready_rx)
        .await
        .unwrap_or_else(|_| panic!("{url}: no server.connected within 30 s"))
        .expect("subscriber task ended before server.connected");
    sub
}

/// Wait until every subscriber saw every key, or panic with the first miss.
async fn all_seen(subs: &[Sub], keys: &[String], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let missing = subs
            .iter()
            .enumerate()
            .find_map(|(i, s)| {
                let seen = s.seen.lock().unwrap();
                keys.iter().find(|k| !seen.contains(*k)).map(|k| (i, k.clone()))
            });
        match missing {
            None => return,
            Some((i, k)) => {
                assert!(Instant::now() < deadline, "{what}: subscriber {i} never got {k}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

#[test]
fn thousand_subscribers_ten_thousand_requests_two_hundred_writes() {
    let t0 = Instant::now();
    let nofile = raise_nofile();
    assert!(nofile >= 4096, "this test needs RLIMIT_NOFILE >= 4096 (hard limit is {nofile})");
    let sandbox = Sandbox::new();
    let cfg_path = sandbox.workspace.join("opencode.jsonc");
    std::fs::write(&cfg_path, "// load test\n{\n  \"$schema\": \"https://opencode.ai/config.json\",\n}\n").unwrap();
    let other = sandbox.path("other-workspace");
    std::fs::create_dir_all(&other).unwrap();
    let host = TestHost::start(&sandbox, &[]);
    let (pid, engine_port) = (host.pid(), host.ready["engine"]["port"].as_u64().unwrap() as u16);
    let (base, token, host_token) = (host.url.clone(), host.client_token.clone(), host.host_token.clone());
    let ws_a = canonical(&sandbox.workspace);
    let ws_id = host.ready["workspace"]["id"].as_str().unwrap().to_string();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        // Deadlines: far above what any of this takes on a busy 2-core machine.
        let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(300)).build().unwrap();
        // Warm the engine for this directory (first request creates the instance).
        let r = client.get(format!("{base}/opencode/path")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss_idle = rss_mb(pid);
        let engine_conns_idle = connections_to(pid, engine_port);

        // 1,000 subscribers, opened 50 at a time.
        let sse = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(0).build().unwrap();
        let (mut proxied, mut own) = (Vec::new(), Vec::new());
        for batch in 0..SUBSCRIBERS / 50 {
            let mut pending = Vec::new();
            for i in 0..50 {
                let opencode = (batch * 50 + i) % 2 == 0;
                let url = if opencode { format!("{base}/opencode/event") } else { format!("{base}/events") };
                pending.push(tokio::spawn(subscribe(sse.clone(), url, token.clone(), opencode)));
            }
            for (i, p) in pending.into_iter().enumerate() {
                let sub = p.await.unwrap();
                if (batch * 50 + i) % 2 == 0 { proxied.push(sub) } else { own.push(sub) }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss_subs = rss_mb(pid);
        let engine_conns = connections_to(pid, engine_port);
        report(
            "load: subscribers open",
            format!(
                "{} after {:?}; host RSS idle {rss_idle:.1} MB, with subscribers {rss_subs:.1} MB; host→engine connections {engine_conns_idle} → {engine_conns}",
                proxied.len() + own.len(),
                t0.elapsed()
            ),
        );
        // One shared upstream (plus at most the pool's idle keep-alive connections).
        assert!(
            engine_conns <= engine_conns_idle + 1,
            "{} /opencode/event subscribers use {engine_conns} engine connections (idle: {engine_conns_idle})",
            proxied.len()
        );

        // 10,000 proxied requests at concurrency 64, sessions created meanwhile.
        let next = Arc::new(AtomicUsize::new(0));
        let errors = Arc::new(Mutex::new(Vec::<String>::new()));
        let load_start = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..CONCURRENCY {
            let (client, base, token, next, errors) = (client.clone(), base.clone(), token.clone(), next.clone(), errors.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= REQUESTS {
                        break;
                    }
                    let path = if i % 2 == 0 { "path" } else { "session" };
                    match client.get(format!("{base}/opencode/{path}")).bearer_auth(&token).send().await {
                        Ok(r) if r.status().is_success() => match r.bytes().await {
                            Ok(_) => {}
                            Err(e) => errors.lock().unwrap().push(format!("{path}: body: {e}")),
                        },
                        Ok(r) => errors.lock().unwrap().push(format!("{path}: {}", r.status())),
                        Err(e) => errors.lock().unwrap().push(format!("{path}: {e}")),
                    }
                }
            }));
        }
        let mut sessions = Vec::new();
        for i in 0..SESSIONS {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let r = client
                .post(format!("{base}/opencode/session"))
                .bearer_auth(&token)
                .json(&json!({ "title": format!("load {i}") }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let v: Value = r.json().await.unwrap();
            sessions.push(format!("session.created:{}", v["id"].as_str().unwrap()));
        }
        for w in workers {
            w.await.unwrap();
        }
        let load_secs = load_start.elapsed().as_secs_f64();
        let errors = errors.lock().unwrap().clone();
        assert!(errors.is_empty(), "{} of {REQUESTS} proxied requests failed, e.g. {:?}", errors.len(), &errors[..errors.len().min(5)]);
        all_seen(&proxied, &sessions, "/opencode/event").await;
        let rss_load = rss_mb(pid);
        report(
            "load: proxied requests",
            format!(
                "{REQUESTS} in {load_secs:.1} s ({:.0} req/s), 0 errors; {SESSIONS} session.created seen by all {} /opencode/event subscribers; host RSS {rss_load:.1} MB",
                REQUESTS as f64 / load_secs,
                proxied.len()
            ),
        );

        // Host events: workspace switches with the host token, seen by every `/events` subscriber.
        let mut switched = Vec::new();
        for i in 0..SWITCHES {
            let to = if i % 2 == 0 { canonical(&other) } else { ws_a.clone() };
            let r = client
                .post(format!("{base}/workspaces/active"))
                .header("x-openwork-host-token", &host_token)
                .json(&json!({ "path": to }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "switch to {to}");
        }
        // Event ids: read them from one subscriber, then check everyone has the same set.
        let deadline = Instant::now() + Duration::from_secs(30);
        while switched.len() < SWITCHES {
            assert!(Instant::now() < deadline, "switch events did not arrive");
            tokio::time::sleep(Duration::from_millis(100)).await;
            switched = own[0].seen.lock().unwrap().iter().filter(|k| k.starts_with("workspace.switched:")).cloned().collect();
        }
        all_seen(&own, &switched, "/events").await;
        let ended = own.iter().filter(|s| s.ended.load(Ordering::SeqCst)).count();
        assert_eq!(ended, 0, "{ended} /events streams ended during the run");
        // The proxied streams were the first folder's: a switch ends them
        // (their clients reconnect and get the new folder's events).
        let deadline = Instant::now() + Duration::from_secs(30);
        while proxied.iter().any(|s| !s.ended.load(Ordering::SeqCst)) {
            assert!(Instant::now() < deadline, "/opencode/event streams of the old folder still open 30 s after a switch");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        report("load: switches", format!("{SWITCHES} workspace.switched seen by all {} /events subscribers", own.len()));

        // 200 concurrent config writes; the file is parsed as JSONC all along.
        let stop = Arc::new(AtomicBool::new(false));
        let checker = {
            let (stop, cfg_path) = (stop.clone(), cfg_path.clone());
            std::thread::spawn(move || {
                let mut parsed = 0usize;
                while !stop.load(Ordering::SeqCst) {
                    let text = std::fs::read_to_string(&cfg_path).expect("opencode.jsonc readable");
                    match jsonc_parser::parse_to_serde_value(&text, &Default::default()) {
                        Ok(Some(Value::Object(_))) => parsed += 1,
                        other => panic!("opencode.jsonc is not a JSONC object ({other:?}):\n{text}"),
                    }
                }
                parsed
            })
        };
        let writes_start = Instant::now();
        let mut writes = Vec::new();
        for i in 0..WRITES {
            let (client, url, token) = (client.clone(), format!("{base}/workspace/{ws_id}/mcp"), token.clone());
            writes.push(tokio::spawn(async move {
                let body = json!({ "name": format!("load{i}"), "config": { "type": "remote", "url": format!("http://127.0.0.1:9/{i}"), "enabled": false } });
                let r = client.post(&url).bearer_auth(&token).json(&body).send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.text().await.unwrap_or_default())
            }));
        }
        for w in writes {
            let (status, body) = w.await.unwrap();
            assert_eq!(status, 200, "{body}");
        }
        let writes_secs = writes_start.elapsed().as_secs_f64();
        stop.store(true, Ordering::SeqCst);
        let parsed = checker.join().expect("opencode.jsonc stayed valid JSONC");
        let text = std::fs::read_to_string(&cfg_path).unwrap();
        let cfg = jsonc_parser::parse_to_serde_value(&text, &Default::default()).unwrap().unwrap();
        let names = cfg["mcp"].as_object().map(|m| m.len()).unwrap_or(0);
        assert_eq!(names, WRITES, "lost updates: {names} of {WRITES} MCP entries in the file");
        assert!(text.starts_with("// load test"), "comment lost:\n{text}");
        let r = client.get(format!("{base}/workspace/{ws_id}/mcp")).bearer_auth(&token).send().await.unwrap();
        let list: Value = r.json().await.unwrap();
        let listed = list["items"].as_array().unwrap().iter().filter(|i| i["name"].as_str().unwrap_or("").starts_with("load")).count();
        assert_eq!(listed, WRITES, "{list}");
        let rss_end = rss_mb(pid);
        report(
            "load: concurrent MCP writes",
            format!(
                "{WRITES} in {writes_secs:.1} s, none lost; opencode.jsonc parsed {parsed} times during the writes; host RSS {rss_end:.1} MB; total {:?}",
                t0.elapsed()
            ),
        );

        // An engine restart ends the shared upstream, so every `/opencode/event`
        // stream ends (clients reconnect), while `/events` streams stay.
        let mut proxied = Vec::new();
        for _ in 0..100 {
            proxied.push(subscribe(sse.clone(), format!("{base}/opencode/event"), token.clone(), true).await);
        }
        let r = client.post(format!("{base}/engine/restart")).header("x-openwork-host-token", &host_token).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let deadline = Instant::now() + Duration::from_secs(30);
        while proxied.iter().any(|s| !s.ended.load(Ordering::SeqCst)) {
            assert!(Instant::now() < deadline, "/opencode/event streams still open 30 s after an engine restart");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(own.iter().all(|s| !s.ended.load(Ordering::SeqCst)), "an engine restart ended /events streams");

        // Memory: bounded with 1,000 subscribers, no growth from the load.
        assert!(rss_subs <= rss_idle + 60.0, "RSS with {SUBSCRIBERS} subscribers: {rss_subs:.1} MB (idle {rss_idle:.1} MB)");
        assert!(rss_end <= rss_subs + 40.0, "RSS grew from {rss_subs:.1} MB to {rss_end:.1} MB during the load");
    });
}
