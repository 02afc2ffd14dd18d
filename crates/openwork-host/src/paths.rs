//! Where OpenWork keeps its files on this machine.
//!
//! `OPENWORK_DATA_DIR` / `OPENWORK_CONFIG_DIR` override the platform defaults
//! (`$XDG_DATA_HOME/openwork`, `$XDG_CONFIG_HOME/openwork` on Linux), which
//! lets tests and several hosts on one machine keep their state apart.
use std::path::PathBuf;

use anyhow::{Context, Result};

/// Directory for data: engine install, logs, runtime file.
pub fn data_dir() -> Result<PathBuf> {
    dir_from("OPENWORK_DATA_DIR", dirs::data_dir)
}

/// Directory for configuration: the token file.
pub fn config_dir() -> Result<PathBuf> {
    dir_from("OPENWORK_CONFIG_DIR", dirs::config_dir)
}

fn dir_from(var: &str, default: fn() -> Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    default()
        .map(|d| d.join("openwork"))
        .with_context(|| format!("cannot find a home directory; set {var}"))
}

/// Create `dir` (and parents) with mode 0700 when it does not exist.
pub fn ensure_private_dir(dir: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("could not create {}", dir.display()))
}

/// Write `contents` to `path` atomically (temp file in the same directory,
/// fsync, rename), with the given Unix mode set before any byte is written.
pub fn write_atomic(path: &std::path::Path, contents: &[u8], mode: u32) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().context("path has no parent directory")?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("could not create a temp file in {}", dir.display()))?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).with_context(|| format!("could not replace {}", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
