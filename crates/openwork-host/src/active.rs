//! [`Active`]: the workspace a host serves now, and switching it as one
//! transaction: remembered on disk first (a failure, e.g. a full disk,
//! changes nothing), then served (an `Arc` swapped at once, so a request
//! keeps the folder it started with), watched, and announced as
//! `workspace.switched`. Switches run one after the other, so the file, the
//! folder served and the last event always name the same folder.
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use crate::engine::EngineClient;
use crate::events::EventBus;
use crate::recent::RecentWorkspaces;
use crate::watch::ConfigWatcher;
use crate::workspace::ActiveWorkspace;

/// The active workspace of a host.
pub struct Active {
    current: RwLock<Arc<ActiveWorkspace>>,
    switching: tokio::sync::Mutex<()>,
    data_dir: Option<PathBuf>,
    watcher: Mutex<Option<ConfigWatcher>>,
}

impl std::fmt::Debug for Active {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Active").field("current", &self.current().directory).field("data_dir", &self.data_dir).finish()
    }
}

impl Active {
    /// Serving `workspace`, remembered nowhere.
    pub fn new(workspace: ActiveWorkspace) -> Self {
        Self {
            current: RwLock::new(Arc::new(workspace)),
            switching: tokio::sync::Mutex::new(()),
            data_dir: None,
            watcher: Mutex::new(None),
        }
    }

    /// Remember the served workspaces in `data_dir` (`host-workspaces.json`),
    /// starting with the current one.
    pub fn remembered_in(mut self, data_dir: PathBuf) -> Self {
        let mut recent = RecentWorkspaces::load(&data_dir);
        if let Err(e) = recent.activate(&data_dir, &self.current().directory) {
            tracing::warn!("could not remember the workspace: {e:#}");
        }
        self.data_dir = Some(data_dir);
        self
    }

    /// The workspace served at this moment.
    pub fn current(&self) -> Arc<ActiveWorkspace> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Follow switches with `watcher` (it watches the current workspace).
    pub fn watch_with(&self, watcher: ConfigWatcher) {
        *self.watcher.lock().unwrap_or_else(|e| e.into_inner()) = Some(watcher);
    }

    /// Make `next` the active workspace (see the module docs). Event
    /// streams of the old folder proxied through `proxy` end (clients
    /// reconnect), and the new folder is opened in OpenCode in the
    /// background, so clients that follow find it ready.
    pub async fn switch(
        &self,
        next: ActiveWorkspace,
        events: &EventBus,
        proxy: &openwork_proxy::Forwarder,
        engine: &EngineClient,
    ) -> anyhow::Result<()> {
        let _switching = self.switching.lock().await;
        if let Some(dir) = self.data_dir.clone() {
            let path = next.directory.clone();
            tokio::task::spawn_blocking(move || RecentWorkspaces::load(&dir).activate(&dir, &path))
                .await
                .map_err(|e| anyhow::anyhow!("saving the workspace failed: {e}"))??;
        }
        let next = Arc::new(next);
        let previous = {
            let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *guard, next.clone())
        };
        if let Some(w) = self.watcher.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            w.retarget(next.path.clone());
        }
        let describe = |w: &ActiveWorkspace| serde_json::json!({ "id": w.id, "name": w.name, "path": w.directory });
        tracing::info!(from = %previous.directory, to = %next.directory, "workspace switched");
        events.publish("workspace.switched", serde_json::json!({ "from": describe(&previous), "to": describe(&next) }));
        // Announced first: a client hears of the switch before its stream of
        // the old folder ends (a client whose streams end together may still
        // miss it, and notices the switch on reconnecting).
        proxy.hub.end_other_folders(&next.directory);
        // The first request for a folder sets it up: seconds on a busy machine.
        let (engine, dir) = (engine.clone(), next.directory.clone());
        tokio::spawn(async move { engine.open(&dir).await });
        Ok(())
    }
}
