//! Where OpenWork keeps its files on this machine.
//!
//! `OPENWORK_DATA_DIR` / `OPENWORK_CONFIG_DIR` override the platform defaults
//! (`$XDG_DATA_HOME/openwork`, `$XDG_CONFIG_HOME/openwork` on Linux), which
//! lets tests and several hosts on one machine keep their state apart; the
//! rule is [`openwork_wire::runtime`]'s, shared with the clients.
use std::path::PathBuf;

use anyhow::{Context, Result};

/// Directory for data: engine install, logs, runtime file
/// ([`openwork_wire::runtime::data_dir`]).
pub fn data_dir() -> Result<PathBuf> {
    Ok(openwork_wire::runtime::data_dir()?)
}

/// Directory for configuration: the token file
/// ([`openwork_wire::runtime::config_dir`]).
pub fn config_dir() -> Result<PathBuf> {
    Ok(openwork_wire::runtime::config_dir()?)
}

/// Largest file the host reads that it did not write itself (configs,
/// `SKILL.md`, commands), and its own state files.
pub const MAX_READ: u64 = 8 * 1024 * 1024;

/// Read `path`, refusing a file larger than `max` bytes (`InvalidData`):
/// no file, whatever someone put in it, can make the host hold more.
/// `Ok(None)` when it does not exist.
pub fn read_limited(path: &std::path::Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is larger than {max} bytes", path.display()),
        ));
    }
    Ok(Some(bytes))
}

/// [`read_limited`] with [`MAX_READ`], as text (lossy UTF-8); `""` for a
/// file that is missing, unreadable or too large.
pub fn read_text_or_empty(path: &std::path::Path) -> String {
    match read_limited(path, MAX_READ) {
        Ok(Some(b)) => String::from_utf8_lossy(&b).into_owned(),
        _ => String::new(),
    }
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
