//! [`ActiveWorkspace`]: the folder a host exposes, and how it is described
//! to clients.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use openwork_wire::{ids, OpencodeTarget, Workspace, OPENCODE_PROXY_PREFIX};

/// The active workspace of a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveWorkspace {
    /// `ws_<12 hex>` from the canonical path.
    pub id: String,
    /// Folder name.
    pub name: String,
    /// Canonical absolute path.
    pub path: PathBuf,
    /// The same path as a string (what OpenCode receives as `directory`).
    pub directory: String,
}

impl ActiveWorkspace {
    /// Describe `dir`, which must exist and be a directory.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir
            .canonicalize()
            .with_context(|| format!("workspace {} does not exist", dir.display()))?;
        if !path.is_dir() {
            anyhow::bail!("workspace {} is not a directory", path.display());
        }
        let directory = path
            .to_str()
            .with_context(|| format!("workspace path {} is not UTF-8", path.display()))?
            .to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| directory.clone());
        Ok(Self { id: ids::workspace_id(&directory), name, path, directory })
    }

    /// Describe `dir` (as [`ActiveWorkspace::open`]), with OpenCode told to
    /// use `opencode_directory` instead of its path when given (an absolute
    /// path, canonicalised when it exists; no trailing slash).
    pub fn open_with_directory(dir: &Path, opencode_directory: Option<&str>) -> Result<Self> {
        let mut ws = Self::open(dir)?;
        if let Some(d) = opencode_directory {
            let d = Path::new(d);
            let d = d.canonicalize().unwrap_or_else(|_| d.to_path_buf());
            anyhow::ensure!(d.is_absolute(), "the OpenCode directory must be an absolute path");
            let s = d.to_str().context("the OpenCode directory is not UTF-8")?;
            ws.directory = if s.len() > 1 { s.trim_end_matches('/').to_string() } else { s.to_string() };
        }
        Ok(ws)
    }

    /// The wire description, with the proxy URL clients should use.
    pub fn describe(&self, public_base: &str) -> Workspace {
        Workspace {
            id: self.id.clone(),
            name: self.name.clone(),
            path: self.directory.clone(),
            workspace_type: "local".into(),
            opencode: OpencodeTarget {
                base_url: format!("{public_base}{OPENCODE_PROXY_PREFIX}"),
                directory: self.directory.clone(),
                username: None,
                password: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_id_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = ActiveWorkspace::open(dir.path()).unwrap();
        let b = ActiveWorkspace::open(&dir.path().join(".")).unwrap();
        assert_eq!(a.id, b.id);
        assert!(a.id.starts_with("ws_") && a.id.len() == 15);
        let w = a.describe("http://h:1");
        assert_eq!(w.opencode.base_url, "http://h:1/opencode");
        assert_eq!(w.opencode.directory, a.directory);
    }
}
