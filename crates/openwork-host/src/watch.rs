//! [`ConfigWatcher`]: publishes one `config.changed` event per burst of edits
//! to the active workspace's OpenCode configuration made on the host itself
//! (an editor, git checkout, the extension API).
//!
//! Watched: `opencode.json(c)` at the root, `.opencode/` (except
//! `node_modules` and the package files OpenCode writes itself),
//! `.claude/skills/`, `.agents/skills/`. Watches are re-evaluated after every
//! burst, so folders created later are picked up. Bursts are debounced: the
//! event goes out once the files have been quiet for the debounce period.
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use serde_json::json;
use tokio::sync::mpsc;

use crate::events::EventBus;

/// Names under `.opencode/` that OpenCode itself writes when it installs its
/// plugin package: not user configuration.
const IGNORED: &[&str] = &["node_modules", "package.json", "package-lock.json", "bun.lock", "bun.lockb", ".gitignore"];

/// Paths the host's own API is writing: the watcher leaves them out, since
/// the API announces its changes itself (with what changed and who).
#[derive(Debug, Default)]
pub struct ApiWrites {
    recent: std::sync::Mutex<Vec<(PathBuf, std::time::Instant)>>,
}

impl ApiWrites {
    /// How long after a write its file events are attributed to the API.
    pub const WINDOW: Duration = Duration::from_secs(3);

    /// The API is about to write these files or folders.
    pub fn mark<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        let now = std::time::Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.retain(|(_, t)| now.duration_since(*t) < Self::WINDOW);
        recent.extend(paths.into_iter().map(|p| (p.as_ref().to_path_buf(), now)));
    }

    /// Whether `path` is (inside) something the API wrote recently.
    pub fn covers(&self, path: &Path) -> bool {
        let now = std::time::Instant::now();
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.iter().any(|(p, t)| now.duration_since(*t) < Self::WINDOW && path.starts_with(p))
    }
}

/// Handle to the watcher task; dropping it stops watching.
pub struct ConfigWatcher {
    retarget: mpsc::UnboundedSender<PathBuf>,
    _task: tokio::task::JoinHandle<()>,
}

impl ConfigWatcher {
    /// Watch `root`, publishing to `bus` after `debounce` of quiet. The
    /// watches are in place when this returns: an edit made right after is seen.
    pub fn start(
        root: PathBuf,
        bus: Arc<EventBus>,
        api_writes: Arc<ApiWrites>,
        debounce: Duration,
    ) -> notify::Result<Self> {
        let (raw_tx, raw_rx) = mpsc::unbounded_channel::<PathBuf>();
        let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            if let Ok(ev) = res {
                if matches!(ev.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in ev.paths {
                    let _ = raw_tx.send(p);
                }
            }
        })?;
        let mut watcher = watcher;
        let mut watched = HashSet::new();
        sync_watches(&mut watcher, &root, &mut watched);
        let (retarget, retarget_rx) = mpsc::unbounded_channel();
        let watch = Watch { watcher, watched, root, bus, api_writes, debounce };
        let task = tokio::spawn(run(watch, raw_rx, retarget_rx));
        Ok(Self { retarget, _task: task })
    }

    /// Watch another workspace from now on.
    pub fn retarget(&self, root: PathBuf) {
        let _ = self.retarget.send(root);
    }
}

impl Drop for ConfigWatcher {
    fn drop(&mut self) {
        self._task.abort();
    }
}

/// The path relative to `root` if it is configuration we report.
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let keep = match parts.as_slice() {
        [f] => f == "opencode.json" || f == "opencode.jsonc",
        [d, rest @ ..] if d == ".opencode" => {
            !rest.is_empty() && !rest.iter().any(|p| IGNORED.contains(&p.as_str()))
        }
        [d, s, rest @ ..] if (d == ".claude" || d == ".agents") && s == "skills" => {
            let _ = rest;
            true
        }
        _ => false,
    };
    keep.then(|| parts.join("/"))
}

/// Directories to watch for `root`, with their mode.
fn wanted(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    let oc = root.join(".opencode");
    if oc.is_dir() {
        out.push((oc.clone(), RecursiveMode::NonRecursive));
        if let Ok(rd) = std::fs::read_dir(&oc) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if e.file_type().is_ok_and(|t| t.is_dir()) && !IGNORED.contains(&name.as_str()) {
                    out.push((e.path(), RecursiveMode::Recursive));
                }
            }
        }
    }
    for d in [".claude", ".agents"] {
        let dir = root.join(d);
        if dir.is_dir() {
            out.push((dir.clone(), RecursiveMode::NonRecursive));
            if dir.join("skills").is_dir() {
                out.push((dir.join("skills"), RecursiveMode::Recursive));
            }
        }
    }
    out
}

/// The watcher task's state.
struct Watch {
    watcher: notify::RecommendedWatcher,
    watched: HashSet<PathBuf>,
    root: PathBuf,
    bus: Arc<EventBus>,
    api_writes: Arc<ApiWrites>,
    debounce: Duration,
}

async fn run(watch: Watch, mut raw: mpsc::UnboundedReceiver<PathBuf>, mut retarget: mpsc::UnboundedReceiver<PathBuf>) {
    let Watch { mut watcher, mut watched, mut root, bus, api_writes, debounce } = watch;
    loop {
        let first = tokio::select! {
            p = raw.recv() => match p { Some(p) => p, None => return },
            r = retarget.recv() => {
                let Some(r) = r else { return };
                for p in watched.drain() {
                    let _ = watcher.unwatch(&p);
                }
                root = r;
                let _ = sync_watches(&mut watcher, &root, &mut watched);
                continue;
            }
        };
        // Collect the burst until it has been quiet for `debounce`.
        let mut changed = BTreeSet::new();
        let note = |p: &Path, changed: &mut BTreeSet<String>| {
            if !api_writes.covers(p) {
                changed.extend(relevant(&root, p));
            }
        };
        note(&first, &mut changed);
        let mut structural = first.is_dir() || !first.exists();
        while let Ok(Some(p)) = tokio::time::timeout(debounce, raw.recv()).await {
            structural |= p.is_dir() || !p.exists();
            note(&p, &mut changed);
        }
        if structural {
            // Files that appeared in folders before we watched them count too.
            for dir in sync_watches(&mut watcher, &root, &mut watched) {
                if dir != root {
                    collect_files(&dir, 0, &mut |p| note(p, &mut changed));
                }
            }
        }
        if !changed.is_empty() {
            let paths: Vec<String> = changed.into_iter().collect();
            tracing::info!(?paths, "workspace configuration changed on the host");
            bus.publish("config.changed", json!({ "paths": paths, "source": "host-files" }));
        }
    }
}

/// Every file under `dir` (depth-limited, ignored names skipped).
fn collect_files(dir: &Path, depth: usize, f: &mut impl FnMut(&Path)) {
    if depth > 6 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if IGNORED.contains(&name.as_str()) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => collect_files(&e.path(), depth + 1, f),
            Ok(t) if t.is_file() => f(&e.path()),
            _ => {}
        }
    }
}

/// Add and remove watches to match [`wanted`]; returns the newly watched dirs.
fn sync_watches(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    watched: &mut HashSet<PathBuf>,
) -> Vec<PathBuf> {
    let mut added = Vec::new();
    let want = wanted(root);
    let want_set: HashSet<PathBuf> = want.iter().map(|(p, _)| p.clone()).collect();
    for gone in watched.iter().filter(|p| !want_set.contains(*p)).cloned().collect::<Vec<_>>() {
        let _ = watcher.unwatch(&gone);
        watched.remove(&gone);
    }
    for (p, mode) in want {
        if !watched.contains(&p) {
            match watcher.watch(&p, mode) {
                Ok(()) => {
                    watched.insert(p.clone());
                    added.push(p);
                }
                Err(e) => tracing::debug!("cannot watch {}: {e}", p.display()),
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configuration_is_relevant() {
        let root = Path::new("/w");
        assert_eq!(relevant(root, Path::new("/w/opencode.jsonc")).as_deref(), Some("opencode.jsonc"));
        assert_eq!(
            relevant(root, Path::new("/w/.opencode/skills/x/SKILL.md")).as_deref(),
            Some(".opencode/skills/x/SKILL.md")
        );
        assert_eq!(
            relevant(root, Path::new("/w/.claude/skills/y/SKILL.md")).as_deref(),
            Some(".claude/skills/y/SKILL.md")
        );
        assert!(relevant(root, Path::new("/w/src/main.rs")).is_none());
        assert!(relevant(root, Path::new("/w/.opencode/node_modules/a/b.js")).is_none());
        assert!(relevant(root, Path::new("/w/.opencode/package.json")).is_none());
        assert!(relevant(root, Path::new("/w/.claude/settings.json")).is_none());
        assert!(relevant(root, Path::new("/elsewhere/opencode.json")).is_none());
    }

    #[tokio::test]
    async fn one_event_per_burst_of_edits() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let bus = Arc::new(EventBus::new());
        let (_, mut rx) = bus.subscribe_after(None);
        let api = Arc::new(ApiWrites::default());
        // The debounce is long enough that the burst below (microseconds)
        // is one burst even on a busy machine; "nothing more" waits longer.
        let debounce = Duration::from_secs(1);
        let quiet = debounce + Duration::from_millis(500);
        let _w = ConfigWatcher::start(root.clone(), bus.clone(), api.clone(), debounce).unwrap();
        // Edits (the watches are in place once `start` returns): a burst of
        // writes to the config and a new skill folder.
        for i in 0..5 {
            std::fs::write(root.join("opencode.json"), format!("{{\"n\":{i}}}")).unwrap();
        }
        std::fs::write(root.join("unrelated.txt"), "x").unwrap();
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await.unwrap().unwrap();
        assert_eq!(ev.kind, "config.changed");
        assert_eq!(ev.properties["paths"], json!(["opencode.json"]));
        // Nothing else for this burst.
        assert!(tokio::time::timeout(quiet, rx.recv()).await.is_err());
        // A folder created later, with a file in it at once, is reported and watched.
        std::fs::create_dir_all(root.join(".opencode/skills/demo")).unwrap();
        std::fs::write(root.join(".opencode/skills/demo/SKILL.md"), "---\nname: demo\n---\n").unwrap();
        let ev = poll_for(&mut rx, ".opencode/skills/demo/SKILL.md").await;
        assert_eq!(ev.kind, "config.changed");
        std::fs::write(root.join(".opencode/skills/demo/SKILL.md"), "---\nname: demo\n---\nv2").unwrap();
        poll_for(&mut rx, ".opencode/skills/demo/SKILL.md").await;
        // Writes the API announced itself are not reported a second time.
        api.mark([root.join("opencode.json")]);
        std::fs::write(root.join("opencode.json"), "{\"by\":\"api\"}").unwrap();
        assert!(tokio::time::timeout(quiet, rx.recv()).await.is_err());
    }

    async fn poll_for(
        rx: &mut tokio::sync::broadcast::Receiver<Arc<crate::events::HostEvent>>,
        path: &str,
    ) -> Arc<crate::events::HostEvent> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let ev = tokio::time::timeout_at(deadline, rx.recv()).await.expect("event in time").unwrap();
            if ev.properties["paths"].as_array().unwrap().iter().any(|p| p == path) {
                return ev;
            }
        }
    }
}
