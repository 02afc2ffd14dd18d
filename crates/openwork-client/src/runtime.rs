//! The files OpenWork programs on this machine share, from the client side:
//! reading a runtime file that names a live process (the host's `host.json`,
//! the app's `app.json`), writing and removing the app's own, and reading the
//! host's token file. Formats and places: [`openwork_wire::runtime`].
use std::path::{Path, PathBuf};

use openwork_wire::runtime::{Owned, StoredTokens};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::fsutil::{ensure_private_dir, read_optional, write_atomic};

/// A runtime or token file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeFileError {
    /// Reading or writing failed.
    #[error("could not {action} {path}")]
    Io {
        /// `read`, `write`, `create the folder of`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file does not hold what it should.
    #[error("{path} is not valid")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        #[source]
        source: serde_json::Error,
    },
}

/// The runtime file at `file` if the process it names is alive.
pub fn read_live<T: Owned + DeserializeOwned>(file: &Path) -> Result<Option<T>, RuntimeFileError> {
    let Some(info) = read_json::<T>(file)? else { return Ok(None) };
    Ok(is_alive(info.pid()).then_some(info))
}

/// Write a runtime file at `file` (0600, its folder 0700 when created).
pub fn write<T: Owned + Serialize>(file: &Path, info: &T) -> Result<(), RuntimeFileError> {
    let io = |action, source| RuntimeFileError::Io { action, path: file.to_path_buf(), source };
    if let Some(dir) = file.parent() {
        ensure_private_dir(dir).map_err(|e| io("create the folder of", e))?;
    }
    let bytes = serde_json::to_vec_pretty(info).expect("runtime files serialize");
    write_atomic(file, &bytes, 0o600).map_err(|e| io("write", e))
}

/// Remove the runtime file at `file` if it still names `pid`.
pub fn remove_if_ours<T: Owned + DeserializeOwned>(file: &Path, pid: u32) {
    if let Ok(Some(info)) = read_json::<T>(file) {
        if info.pid() == pid {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The host's stored tokens (`tokens.json`), if the file exists.
pub fn read_tokens(file: &Path) -> Result<Option<StoredTokens>, RuntimeFileError> {
    read_json(file)
}

fn read_json<T: DeserializeOwned>(file: &Path) -> Result<Option<T>, RuntimeFileError> {
    let bytes = read_optional(file).map_err(|source| RuntimeFileError::Io { action: "read", path: file.to_path_buf(), source })?;
    let Some(bytes) = bytes else { return Ok(None) };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|source| RuntimeFileError::Invalid { path: file.to_path_buf(), source })
}

/// Whether a process with this pid exists (and may be signalled by us).
fn is_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openwork_wire::runtime::{app_runtime_file, AppRuntime};

    #[test]
    fn a_runtime_file_is_believed_while_its_process_lives() {
        let dir = tempfile::tempdir().unwrap();
        let file = app_runtime_file(&dir.path().join("data"));
        let me = AppRuntime { pid: std::process::id(), url: "http://127.0.0.1:1".into(), control: "c".into() };
        write(&file, &me).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(read_live::<AppRuntime>(&file).unwrap().unwrap().url, me.url);
        remove_if_ours::<AppRuntime>(&file, me.pid + 1);
        assert!(file.exists(), "another pid's file stays");
        remove_if_ours::<AppRuntime>(&file, me.pid);
        assert!(read_live::<AppRuntime>(&file).unwrap().is_none());
    }

    #[test]
    fn a_bad_token_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens.json");
        assert!(read_tokens(&file).unwrap().is_none());
        std::fs::write(&file, "{").unwrap();
        assert!(read_tokens(&file).unwrap_err().to_string().contains("is not valid"));
    }
}
