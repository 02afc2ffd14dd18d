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

/// Write the runtime file (0600).
pub fn write(data_dir: &Path, info: &RuntimeInfo) -> Result<()> {
    crate::paths::ensure_private_dir(data_dir)?;
    crate::paths::write_atomic(&runtime_file(data_dir), &serde_json::to_vec_pretty(info)?, 0o600)
}

/// Read the runtime file of a host that is still alive, if any.
pub fn read_live(data_dir: &Path) -> Result<Option<RuntimeInfo>> {
    let file = runtime_file(data_dir);
    let bytes = match crate::paths::read_limited(&file, crate::paths::MAX_READ) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", file.display())),
    };
    let info: RuntimeInfo = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not valid", file.display()))?;
    let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(info.pid as i32), None).is_ok();
    Ok(alive.then_some(info))
}

/// Remove the runtime file if it still names `pid`.
pub fn remove_if_ours(data_dir: &Path, pid: u32) {
    let file = runtime_file(data_dir);
    if let Ok(Some(bytes)) = crate::paths::read_limited(&file, crate::paths::MAX_READ) {
        if serde_json::from_slice::<RuntimeInfo>(&bytes).is_ok_and(|i| i.pid == pid) {
            let _ = std::fs::remove_file(file);
        }
    }
}
