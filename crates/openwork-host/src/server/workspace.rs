//! The workspace a host exposes, and how it is described to clients.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use axum::http::HeaderMap;
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
            },
        }
    }
}

/// The base URL a client used to reach us (`--connect-host` wins over the
/// request's `Host` header), e.g. `http://192.168.1.5:8787`.
pub fn public_base(headers: &HeaderMap, connect_host: Option<&str>) -> String {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http");
    if let Some(h) = connect_host {
        let h = h.trim_end_matches('/');
        if h.starts_with("http://") || h.starts_with("https://") {
            return h.to_string();
        }
        return format!("{}://{h}", forwarded_proto.unwrap_or("http"));
    }
    let host = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| is_sane_host(h))
        .unwrap_or("127.0.0.1");
    format!("{}://{host}", forwarded_proto.unwrap_or("http"))
}

/// A `Host` header we are willing to echo back in URLs.
fn is_sane_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_from_host_header_or_connect_host() {
        let mut h = HeaderMap::new();
        h.insert(http::header::HOST, "10.0.0.2:8787".parse().unwrap());
        assert_eq!(public_base(&h, None), "http://10.0.0.2:8787");
        assert_eq!(public_base(&h, Some("box.tailnet.ts.net")), "http://box.tailnet.ts.net");
        assert_eq!(public_base(&h, Some("https://box.example/")), "https://box.example");
        h.insert(http::header::HOST, "evil/<script>".parse().unwrap());
        assert_eq!(public_base(&h, None), "http://127.0.0.1");
    }

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
