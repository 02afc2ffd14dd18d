//! The host's remembered workspaces: the active one and recent ones, kept
//! across restarts in `<data>/host-workspaces.json`.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// How many recent workspaces are kept.
pub const MAX_RECENT: usize = 20;

/// Contents of `host-workspaces.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RecentWorkspaces {
    /// File format version.
    #[serde(default = "version_1")]
    pub version: u32,
    /// Canonical path of the active workspace.
    pub active: Option<String>,
    /// Most recent first, without duplicates; includes the active one.
    #[serde(default)]
    pub recent: Vec<String>,
}

fn version_1() -> u32 {
    1
}

/// Where the file lives in a data dir.
pub fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("host-workspaces.json")
}

impl RecentWorkspaces {
    /// Load; a missing file is empty, a corrupt one is kept aside and reported in the log.
    pub fn load(data_dir: &Path) -> Self {
        let path = file(data_dir);
        match crate::paths::read_limited(&path, crate::paths::MAX_READ) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                let aside = path.with_extension("json.corrupt");
                let _ = std::fs::rename(&path, &aside);
                tracing::warn!("{} was not valid ({e}); moved to {}", path.display(), aside.display());
                Self::default()
            }),
            Ok(None) => Self::default(),
            Err(e) => {
                tracing::warn!("{} cannot be read ({e}); starting without remembered workspaces", path.display());
                Self::default()
            }
        }
    }

    /// Record `path` as active (and most recent) and save.
    pub fn activate(&mut self, data_dir: &Path, path: &str) -> Result<()> {
        self.version = 1;
        self.active = Some(path.to_string());
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_string());
        self.recent.truncate(MAX_RECENT);
        crate::paths::ensure_private_dir(data_dir)?;
        let json = serde_json::to_vec_pretty(self)?;
        crate::paths::write_atomic(&file(data_dir), &json, 0o600)
            .with_context(|| format!("could not save {}", file(data_dir).display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activate_keeps_order_and_survives_reload() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = RecentWorkspaces::load(dir.path());
        r.activate(dir.path(), "/a").unwrap();
        r.activate(dir.path(), "/b").unwrap();
        r.activate(dir.path(), "/a").unwrap();
        let back = RecentWorkspaces::load(dir.path());
        assert_eq!(back.active.as_deref(), Some("/a"));
        assert_eq!(back.recent, vec!["/a", "/b"]);
    }

    #[test]
    fn corrupt_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file(dir.path()), b"{not json").unwrap();
        let r = RecentWorkspaces::load(dir.path());
        assert_eq!(r, RecentWorkspaces::default());
        assert!(dir.path().join("host-workspaces.json.corrupt").exists());
    }
}
