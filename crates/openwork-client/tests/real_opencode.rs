//! Handshake against the real `opencode serve` (binary from `OPENCODE_BIN`).
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use openwork_client::{connect, handshake, Handshake, HandshakeError, HandshakeOptions, NotOpenWork};

/// A running `opencode serve`, killed with its whole process group on drop.
struct Engine {
    child: Child,
    base: String,
    workspace: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        // SAFETY: signalling a process group we created (process_group(0) → pgid = pid).
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

fn opencode_bin() -> PathBuf {
    let bin = std::env::var_os("OPENCODE_BIN").unwrap_or_else(|| {
        panic!(
            "OPENCODE_BIN is not set: point it at the opencode binary, e.g. \
             OPENCODE_BIN=/work/tools/opencode/node_modules/opencode-linux-x64/bin/opencode"
        )
    });
    let bin = PathBuf::from(bin);
    assert!(bin.is_file(), "OPENCODE_BIN={} is not a file", bin.display());
    bin
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Start `opencode serve` on a free port. OpenCode has no "any free port"
/// option, so another program may take the port before OpenCode binds it;
/// OpenCode then exits, and it is started again on another port.
async fn start_engine(password: Option<&str>) -> Engine {
    for attempt in 1.. {
        if let Some(engine) = try_start_engine(password).await {
            return engine;
        }
        assert!(attempt < 3, "opencode exited before it was ready, {attempt} times");
    }
    unreachable!()
}

async fn try_start_engine(password: Option<&str>) -> Option<Engine> {
    let bin = opencode_bin();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let workspace = root.join("workspace");
    for d in ["home", "config", "data", "state", "cache", "workspace"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--hostname", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(&workspace)
        .env("HOME", root.join("home"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .env_remove("OPENCODE_SERVER_PASSWORD")
        .env_remove("OPENCODE_SERVER_USERNAME")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if let Some(p) = password {
        cmd.env("OPENCODE_SERVER_PASSWORD", p);
    }
    let child = cmd.spawn().expect("spawn opencode");
    let base = format!("http://127.0.0.1:{port}");
    let mut engine = Engine { child, base, workspace, _tmp: tmp };
    wait_ready(&mut engine, password).await.then_some(engine)
}

/// Poll `/global/health` on fresh connections with a short per-request timeout:
/// a connection accepted before OpenCode is ready is never answered.
/// `false`: OpenCode exited first.
async fn wait_ready(engine: &mut Engine, password: Option<&str>) -> bool {
    let base = engine.base.clone();
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut req = client.get(format!("{base}/global/health")).timeout(Duration::from_millis(250));
        if let Some(p) = password {
            req = req.basic_auth("opencode", Some(p));
        }
        if let Ok(r) = req.send().await {
            if r.status().is_success() {
                return true;
            }
        }
        if engine.child.try_wait().ok().flatten().is_some() {
            return false;
        }
        assert!(Instant::now() < deadline, "opencode at {base} not ready within 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn opts() -> HandshakeOptions {
    HandshakeOptions { request_timeout: Duration::from_secs(30), ..Default::default() }
}

fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p).unwrap().to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_opencode_is_not_openwork_and_connects_directly() {
    let engine = start_engine(None).await;
    let start = Instant::now();
    let c = connect(&engine.base, &opts()).await.unwrap_or_else(|e| panic!("connect: {e}"));
    let Handshake::OpenCode { opencode, version, not_openwork } = &c.handshake else { panic!("{:?}", c.handshake) };
    assert!(not_openwork.is_some(), "the OpenWork probe must have said no");
    assert!(!matches!(not_openwork, Some(NotOpenWork::Refused)), "{not_openwork:?}");
    assert!(!version.is_empty());
    assert_eq!(opencode.directory, canonical(&engine.workspace), "directory from GET /path");
    assert_eq!(c.session_count, 0, "fresh workspace has no sessions");
    eprintln!("connect to real opencode took {:?} ({:?} total)", c.elapsed, start.elapsed());

    // A session created through the same path shows up in the listing.
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/session?directory={}", engine.base, opencode.directory))
        .json(&serde_json::json!({"title": "from test"}))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let c = connect(&engine.base, &opts()).await.unwrap();
    assert_eq!(c.session_count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_opencode_with_password() {
    let engine = start_engine(Some("pw-123")).await;
    let err = handshake(&engine.base, &opts()).await.unwrap_err();
    assert!(matches!(err, HandshakeError::OpencodeNeedsPassword { .. }), "{err:?}");
    assert!(err.to_string().contains("needs a password"));
    let wrong = HandshakeOptions { opencode_password: Some("nope".into()), ..opts() };
    assert!(matches!(handshake(&engine.base, &wrong).await, Err(HandshakeError::OpencodeWrongPassword { .. })));
    let right = HandshakeOptions { opencode_password: Some("pw-123".into()), ..opts() };
    let c = connect(&engine.base, &right).await.unwrap_or_else(|e| panic!("connect: {e}"));
    assert_eq!(c.handshake.opencode().directory, canonical(&engine.workspace));
    assert_eq!(c.session_count, 0);
}
