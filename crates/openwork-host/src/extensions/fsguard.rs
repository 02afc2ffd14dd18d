//! Path safety for everything the extension routes write or delete.
//!
//! Names from clients become single path components only after validation;
//! directories are created one component at a time and every existing
//! component must be a real directory (never a symlink), so a write can
//! never leave the workspace through `..`, an absolute path or a symlink.
use std::path::{Component, Path, PathBuf};

use serde_json::json;

use crate::error::Error;

fn io_error(e: std::io::Error, what: &str, path: &Path) -> Error {
    Error::internal(&anyhow::anyhow!(e).context(format!("{what} {}", path.display())))
}

/// 403 `forbidden` when `path` itself is a symlink.
pub fn refuse_symlink(path: &Path) -> Result<(), Error> {
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => Err(Error::forbidden(format!(
            "{} is a symbolic link; refusing to write through it",
            path.display()
        ))
        .details(json!({ "path": path.display().to_string() }))),
        _ => Ok(()),
    }
}

/// Create (if needed) `base/<parts...>`, refusing any existing component that
/// is a symlink or not a directory. `base` itself must be trusted.
pub fn ensure_dirs(base: &Path, parts: &[&str]) -> Result<PathBuf, Error> {
    let mut cur = base.to_path_buf();
    for part in parts {
        if !is_single_component(part) {
            return Err(Error::invalid(format!("`{part}` is not a plain file name")));
        }
        cur.push(part);
        match cur.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refuse_symlink(&cur).unwrap_err());
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(Error::invalid(format!("{} exists and is not a directory", cur.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&cur) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // Raced with another creator: check again.
                    if cur.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(true) {
                        return Err(Error::invalid(format!("{} is not a directory", cur.display())));
                    }
                }
                Err(e) => return Err(io_error(e, "creating", &cur)),
            },
            Err(e) => return Err(io_error(e, "inspecting", &cur)),
        }
    }
    Ok(cur)
}

/// Whether every existing component of `base/<parts...>` is a real
/// directory (no symlinks); `Ok(None)` when some component is missing.
pub fn existing_dir(base: &Path, parts: &[&str]) -> Result<Option<PathBuf>, Error> {
    let mut cur = base.to_path_buf();
    for part in parts {
        if !is_single_component(part) {
            return Err(Error::invalid(format!("`{part}` is not a plain file name")));
        }
        cur.push(part);
        match cur.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => return Err(refuse_symlink(&cur).unwrap_err()),
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(None),
            Err(_) => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// `s` is one normal path component (no separators, not `.`/`..`, no NUL).
pub fn is_single_component(s: &str) -> bool {
    !s.is_empty()
        && !s.contains('/')
        && !s.contains('\\')
        && !s.contains('\0')
        && matches!(Path::new(s).components().collect::<Vec<_>>().as_slice(), [Component::Normal(_)])
}

/// A relative path made only of normal components (for archive entries).
pub fn safe_relative(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => {
                let s = n.to_str()?;
                if s.contains('\\') || s.contains('\0') {
                    return None;
                }
                out.push(n);
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Write `contents` to `dir/<file>` atomically; `file` must be a plain name
/// and an existing symlink there is refused.
pub fn write_file(dir: &Path, file: &str, contents: &[u8]) -> Result<PathBuf, Error> {
    if !is_single_component(file) {
        return Err(Error::invalid(format!("`{file}` is not a plain file name")));
    }
    let path = dir.join(file);
    refuse_symlink(&path)?;
    crate::paths::write_atomic(&path, contents, 0o644).map_err(|e| Error::internal(&e))?;
    Ok(path)
}

/// Remove a directory tree without following symlinks at its root.
pub fn remove_tree(path: &Path) -> Result<(), Error> {
    refuse_symlink(path)?;
    std::fs::remove_dir_all(path).map_err(|e| io_error(e, "removing", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components() {
        assert!(is_single_component("abc"));
        for bad in ["", ".", "..", "a/b", "/etc", "a\\b", "../x"] {
            assert!(!is_single_component(bad), "{bad}");
        }
        assert_eq!(safe_relative(Path::new("a/./b")), Some(PathBuf::from("a/b")));
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert_eq!(safe_relative(Path::new(bad)), None, "{bad}");
        }
    }

    #[test]
    fn symlinked_component_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".opencode")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(".opencode/skills")).unwrap();
        let err = ensure_dirs(dir.path(), &[".opencode", "skills", "x"]).unwrap_err();
        assert_eq!(err.0.code, openwork_wire::ErrorCode::Forbidden);
        assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none());
    }
}
