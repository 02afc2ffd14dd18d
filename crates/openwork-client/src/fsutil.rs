//! File system helpers: atomic replace, private directories, bounded reads
//! and an advisory lock file.
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Replace `path` with `bytes` atomically: a temp file in the same directory,
/// written, chmod'ed to `mode`, fsync'ed, renamed over `path`, then the
/// directory fsync'ed so the rename survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // tempfile creates the file with mode 0600, so a secret is never readable by others, even briefly.
    let mut tmp = tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    File::open(dir)?.sync_all()
}

/// Create `dir` (and parents) with mode 0700 when it does not exist.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// An exclusive `flock(2)` on a lock file, released when dropped (the fd closes).
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

/// Take an exclusive advisory lock on `path` (created 0600 if missing), blocking until granted.
///
/// `flock` locks belong to the open file description, so two handles in the
/// same process exclude each other as well as two processes do.
pub(crate) fn lock_exclusive(path: &Path) -> io::Result<LockGuard> {
    let file = OpenOptions::new().create(true).truncate(false).read(true).write(true).mode(0o600).open(path)?;
    loop {
        // SAFETY: flock on a valid, owned file descriptor.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(LockGuard { _file: file });
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// Largest file read (a workspace list or a runtime file is a few KB): a
/// file someone grew beyond that is refused, not read into memory.
pub const MAX_READ: u64 = 8 * 1024 * 1024;

/// Read a file of at most [`MAX_READ`] bytes (`InvalidData` beyond),
/// `Ok(None)` when it does not exist. (`serde_json` bounds nesting itself.)
pub fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(MAX_READ + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_READ {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{} is larger than {MAX_READ} bytes", path.display())));
    }
    Ok(Some(bytes))
}
