//! The runtime file: written by a running host so `openwork status`,
//! `openwork token rotate` and friends on the same machine can find it.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// What a running host tells local tools about itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeInfo {
    /// Pid of the host process.
    pub pid: u32,
    /// Loopback URL of the host API (always reachable from this machine).
    pub local_url: String,
    /// URL remote clients pair with.
    pub pairing_url: String,
    /// Active workspace path.
    pub workspace: String,
    /// Unix time (ms) the host started.
    pub started_at_ms: u64,
}

/// Path of the runtime file in a data dir.
pub fn runtime_file(data_dir: &Path) -> PathBuf {
    data_dir.join("host.json")
}

/// A runtime file's contents: it names the process that wrote it.
pub trait Owned: Serialize + serde::de::DeserializeOwned {
    /// Pid of the process the file describes.
    fn pid(&self) -> u32;
}

impl Owned for RuntimeInfo {
    fn pid(&self) -> u32 {
        self.pid
    }
}

/// Write the runtime file (0600).
pub fn write(data_dir: &Path, info: &RuntimeInfo) -> Result<()> {
    write_file(&runtime_file(data_dir), info)
}

/// Read the runtime file of a host that is still alive, if any.
pub fn read_live(data_dir: &Path) -> Result<Option<RuntimeInfo>> {
    read_live_file(&runtime_file(data_dir))
}

/// Remove the runtime file if it still names `pid`.
pub fn remove_if_ours(data_dir: &Path, pid: u32) {
    remove_file_if_ours::<RuntimeInfo>(&runtime_file(data_dir), pid)
}

/// Write a runtime file at `file` (0600, its directory 0700 when created).
pub fn write_file<T: Owned>(file: &Path, info: &T) -> Result<()> {
    crate::paths::ensure_private_dir(file.parent().context("runtime file has no directory")?)?;
    crate::paths::write_atomic(file, &serde_json::to_vec_pretty(info)?, 0o600)
}

/// Read the runtime file at `file` if the process it names is alive.
pub fn read_live_file<T: Owned>(file: &Path) -> Result<Option<T>> {
    let bytes = match crate::paths::read_limited(file, crate::paths::MAX_READ) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", file.display())),
    };
    let info: T = serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid", file.display()))?;
    let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(info.pid() as i32), None).is_ok();
    Ok(alive.then_some(info))
}

/// Remove the runtime file at `file` if it still names `pid`.
pub fn remove_file_if_ours<T: Owned>(file: &Path, pid: u32) {
    if let Ok(Some(bytes)) = crate::paths::read_limited(file, crate::paths::MAX_READ) {
        if serde_json::from_slice::<T>(&bytes).is_ok_and(|i| i.pid() == pid) {
            let _ = std::fs::remove_file(file);
        }
    }
}
