//! The runtime file: written by a running host so `openwork status`,
//! `openwork token rotate` and friends on the same machine can find it
//! (`<data>/host.json`, 0600). Its format and place are
//! [`openwork_wire::runtime`]'s; local clients read it with
//! `openwork_client::LocalHost`.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
pub use openwork_wire::runtime::RuntimeInfo;

/// Path of the runtime file in a data dir.
pub fn runtime_file(data_dir: &Path) -> PathBuf {
    openwork_wire::runtime::host_runtime_file(data_dir)
}

/// Write the runtime file (0600, its directory 0700 when created).
pub fn write(data_dir: &Path, info: &RuntimeInfo) -> Result<()> {
    let file = runtime_file(data_dir);
    crate::paths::ensure_private_dir(file.parent().context("runtime file has no directory")?)?;
    crate::paths::write_atomic(&file, &serde_json::to_vec_pretty(info)?, 0o600)
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
