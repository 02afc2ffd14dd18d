//! Skills: `<root>/<name>/SKILL.md` with `name` and `description` frontmatter.
//!
//! Project roots `.opencode/skills`, `.claude/skills`, `.agents/skills`;
//! global root `$XDG_CONFIG_HOME/opencode/skills` (listed with
//! `?includeGlobal=true`, never written). Installs go to
//! `.opencode/skills/<name>/`, from content or from an uploaded `.zip` /
//! `.tar.gz` / `.tar` (`POST /workspace/:id/skills/archive?name=`, raw body).
//! Names: 1–64 chars, `^[a-z0-9]+(-[a-z0-9]+)*$`, equal to the folder name;
//! descriptions 1–1024 chars. Archive entries that are absolute, contain
//! `..`, or are links are refused, and extraction happens in a staging
//! folder inside the skills root that is removed on any error.
use std::io::Read;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use openwork_wire::api::{AddSkill, ArchiveKind, SkillItem, SkillList, SkillRemoved};
use openwork_wire::ErrorCode;
use serde_json::json;

use super::{frontmatter, fsguard, write, write_held, Actor, Extensions, Reservation, WriteIntent};
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// Project skill roots, relative to the workspace.
pub const PROJECT_ROOTS: [[&str; 2]; 3] = [[".opencode", "skills"], [".claude", "skills"], [".agents", "skills"]];

/// Most entries accepted in an uploaded archive.
pub const MAX_ARCHIVE_ENTRIES: usize = 2000;
/// Most bytes an archive may expand to.
pub const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;

/// Whether `name` is a valid skill name (as OpenCode checks it).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn check_name(name: &str) -> Result<(), Error> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "invalid skill name {name:?}: 1-64 characters, lowercase letters and digits separated by single hyphens"
        )))
    }
}

fn check_description(d: &str) -> Result<(), Error> {
    let n = d.trim().chars().count();
    if (1..=1024).contains(&n) {
        Ok(())
    } else {
        Err(Error::invalid(format!("a skill needs a description of 1-1024 characters (got {n})")))
    }
}

/// The global skills root.
pub fn global_root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".config")))?;
    Some(base.join("opencode").join("skills"))
}

fn list_root(root: &Path, scope: &str, out: &mut Vec<SkillItem>) {
    if root.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(true) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let mut found: Vec<SkillItem> = Vec::new();
    for entry in entries.flatten() {
        let Ok(ft) = entry.file_type() else { continue };
        if !ft.is_dir() {
            continue; // symlinks are not followed
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !valid_name(&name) {
            continue;
        }
        let skill_md = entry.path().join("SKILL.md");
        if skill_md.symlink_metadata().map(|m| !m.is_file()).unwrap_or(true) {
            continue;
        }
        let text = crate::paths::read_text_or_empty(&skill_md);
        let doc = frontmatter::parse(&text);
        found.push(SkillItem {
            name,
            path: skill_md.display().to_string(),
            description: doc.fields.get("description").cloned().unwrap_or_default(),
            scope: scope.to_string(),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    out.extend(found);
}

/// Skills of a workspace (project roots first, then global if asked).
pub fn list_skills(ws: &Path, include_global: bool) -> Vec<SkillItem> {
    let mut out = Vec::new();
    for parts in PROJECT_ROOTS {
        list_root(&ws.join(parts[0]).join(parts[1]), "project", &mut out);
    }
    if include_global {
        if let Some(g) = global_root() {
            list_root(&g, "global", &mut out);
        }
    }
    out
}

/// The skills of `ws` (project roots, then the global one if asked).
pub async fn list(ext: &Extensions, ws: &ActiveWorkspace, include_global: bool) -> SkillList {
    SkillList { items: ext.listing(async { list_skills(&ws.path, include_global) }).await }
}

/// The final `SKILL.md` text for `name`: frontmatter `name`/`description`
/// set (other fields kept), body kept. Returns (text, description).
pub fn skill_markdown(name: &str, content: &str, description: Option<&str>) -> Result<(String, String), Error> {
    check_name(name)?;
    let doc = frontmatter::parse(content);
    if let Some(fm_name) = doc.fields.get("name") {
        if fm_name != name {
            return Err(Error::invalid(format!(
                "the frontmatter name {fm_name:?} differs from the skill name {name:?}"
            )));
        }
    }
    let desc = description
        .map(str::to_string)
        .or_else(|| doc.fields.get("description").cloned())
        .unwrap_or_default();
    check_description(&desc)?;
    let desc = desc.trim().to_string();
    let mut fields = vec![("name", frontmatter::quote(name)), ("description", frontmatter::quote(&desc))];
    for (k, v) in &doc.fields {
        if k != "name" && k != "description" {
            fields.push((k.as_str(), frontmatter::quote(v)));
        }
    }
    Ok((frontmatter::render(&fields, &doc.body), desc))
}

/// Install a skill from its `SKILL.md` text (`.opencode/skills/<name>/`).
pub async fn add(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, req: AddSkill) -> Result<SkillItem, Error> {
    let (text, description) = skill_markdown(&req.name, &req.content, req.description.as_deref())?;
    let name = req.name.clone();
    let target = ws.path.join(".opencode/skills").join(&name).join("SKILL.md");
    let intent = WriteIntent {
        action: "skills.add",
        target: name.clone(),
        summary: format!("Add skill {name}"),
        paths: vec![target.display().to_string()],
    };
    let path = write(ext, actor, ws, intent, move |ws| {
        let dir = fsguard::ensure_dirs(&ws.path, &[".opencode", "skills", &name])?;
        fsguard::write_file(&dir, "SKILL.md", text.as_bytes())
    })
    .await?;
    Ok(SkillItem { name: req.name, path: path.display().to_string(), description, scope: "project".into() })
}

/// Refuse an upload before its body is read: a bad `?name=` or a read-only host.
pub fn check_upload(ext: &Extensions, name: Option<&str>) -> Result<(), Error> {
    if let Some(n) = name {
        check_name(n)?;
    }
    ext.check_writable()
}

/// Install an uploaded archive (`kind` detected from its bytes, else
/// `content_type`) as a skill; `held`: its place in the approval queue,
/// reserved before the body was read.
pub async fn add_archive(
    ext: &Arc<Extensions>,
    actor: &Actor,
    ws: &Arc<ActiveWorkspace>,
    name: Option<String>,
    body: bytes::Bytes,
    content_type: Option<&str>,
    held: Option<Reservation>,
) -> Result<SkillItem, Error> {
    let kind = detect(&body, content_type)?;
    let label = name.clone().unwrap_or_else(|| "(from archive)".into());
    let intent = WriteIntent {
        action: "skills.add",
        target: label.clone(),
        summary: format!("Install skill {label} from an uploaded archive ({} bytes)", body.len()),
        paths: vec![ws.path.join(".opencode/skills").display().to_string()],
    };
    write_held(ext, actor, ws, intent, held, move |ws| install_archive(&ws.path, &body, kind, name.as_deref())).await
}

/// The kind of an uploaded archive, from its bytes; 400 when it is none.
fn detect(bytes: &[u8], content_type: Option<&str>) -> Result<ArchiveKind, Error> {
    ArchiveKind::from_bytes(bytes).ok_or_else(|| {
        Error::invalid(format!(
            "the body is not a .zip, .tar.gz or .tar archive (content type {:?}, {} bytes)",
            content_type.unwrap_or(""),
            bytes.len()
        ))
    })
}

/// Longest file or folder name in an archive (bytes; Linux's `NAME_MAX`).
const MAX_NAME_BYTES: usize = 255;
/// Longest path of an archive entry (bytes).
const MAX_ENTRY_PATH: usize = 1024;

fn bad_entry(name: &str, why: &str) -> Error {
    Error::invalid(format!("archive entry {name:?} refused: {why}")).details(json!({ "entry": name }))
}

/// Extract `bytes` into the empty directory `dest`; refuses entries that
/// would escape it (absolute, `..`) and links of any kind.
pub fn extract(bytes: &[u8], kind: ArchiveKind, dest: &Path) -> Result<(), Error> {
    let mut budget = MAX_ARCHIVE_BYTES;
    let mut count = 0usize;
    let mut write_entry = |rel: &Path, is_dir: bool, reader: &mut dyn Read, name: &str| -> Result<(), Error> {
        count += 1;
        if count > MAX_ARCHIVE_ENTRIES {
            return Err(Error::invalid(format!("archive has more than {MAX_ARCHIVE_ENTRIES} entries")));
        }
        // File systems refuse longer names (ENAMETOOLONG): say so, not 500.
        let too_long = rel.as_os_str().len() > MAX_ENTRY_PATH
            || rel.components().any(|c| c.as_os_str().len() > MAX_NAME_BYTES);
        if too_long {
            return Err(bad_entry(name, "name too long"));
        }
        let path = dest.join(rel);
        let io = |e: std::io::Error| Error::internal(&anyhow::anyhow!(e).context(format!("extracting {name}")));
        if is_dir {
            std::fs::create_dir_all(&path).map_err(io)?;
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                bad_entry(name, "duplicate entry")
            } else {
                io(e)
            }
        })?;
        let copied = std::io::copy(&mut reader.take(budget + 1), &mut f).map_err(io)?;
        if copied > budget {
            return Err(Error::new(
                ErrorCode::PayloadTooLarge,
                format!("archive expands to more than {MAX_ARCHIVE_BYTES} bytes"),
            ));
        }
        budget -= copied;
        Ok(())
    };
    match kind {
        ArchiveKind::Zip => {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                .map_err(|e| Error::invalid(format!("not a readable zip archive: {e}")))?;
            // Check every name before writing anything.
            for i in 0..zip.len() {
                let f = zip.by_index_raw(i).map_err(|e| Error::invalid(format!("bad zip entry: {e}")))?;
                let name = f.name().to_string();
                if fsguard::safe_relative(Path::new(&name)).is_none() && !name.trim_end_matches('/').is_empty() {
                    return Err(bad_entry(&name, "path escapes the skill folder"));
                }
                if f.is_symlink() {
                    return Err(bad_entry(&name, "symbolic links are not allowed"));
                }
            }
            for i in 0..zip.len() {
                let mut f = zip.by_index(i).map_err(|e| Error::invalid(format!("bad zip entry: {e}")))?;
                let name = f.name().to_string();
                let Some(rel) = fsguard::safe_relative(Path::new(&name)) else { continue };
                let is_dir = f.is_dir();
                write_entry(&rel, is_dir, &mut f, &name)?;
            }
        }
        ArchiveKind::TarGz | ArchiveKind::Tar => {
            let reader: Box<dyn Read> = if kind == ArchiveKind::TarGz {
                Box::new(flate2::read::GzDecoder::new(bytes))
            } else {
                Box::new(bytes)
            };
            let mut ar = tar::Archive::new(reader);
            let entries = ar.entries().map_err(|e| Error::invalid(format!("not a readable tar archive: {e}")))?;
            for entry in entries {
                let mut entry = entry.map_err(|e| Error::invalid(format!("bad tar entry: {e}")))?;
                let name = entry
                    .path()
                    .map_err(|e| Error::invalid(format!("bad tar entry name: {e}")))?
                    .to_string_lossy()
                    .into_owned();
                use tar::EntryType as T;
                let ty = entry.header().entry_type();
                let is_dir = match ty {
                    T::Regular | T::Continuous => false,
                    T::Directory => true,
                    T::XGlobalHeader | T::XHeader | T::GNULongName | T::GNULongLink => continue,
                    T::Symlink | T::Link => return Err(bad_entry(&name, "links are not allowed")),
                    _ => return Err(bad_entry(&name, "only files and folders are allowed")),
                };
                let Some(rel) = fsguard::safe_relative(Path::new(&name)) else {
                    if name.trim_end_matches('/').is_empty() || name == "." || name == "./" {
                        continue;
                    }
                    return Err(bad_entry(&name, "path escapes the skill folder"));
                };
                write_entry(&rel, is_dir, &mut entry, &name)?;
            }
        }
    }
    Ok(())
}

/// Install an archive as `.opencode/skills/<name>/` (replacing a previous
/// version). Nothing outside the skills root is touched.
pub fn install_archive(ws: &Path, bytes: &[u8], kind: ArchiveKind, name: Option<&str>) -> Result<SkillItem, Error> {
    let root = fsguard::ensure_dirs(ws, &[".opencode", "skills"])?;
    let staging_name = format!(".upload-{}", hex::encode(rand::random::<[u8; 6]>()));
    let staging = fsguard::ensure_dirs(&root, &[&staging_name])?;
    let result = (|| {
        extract(bytes, kind, &staging)?;
        // SKILL.md at the root, or in a single top-level folder.
        let skill_dir = if staging.join("SKILL.md").is_file() {
            staging.clone()
        } else {
            let entries: Vec<_> = std::fs::read_dir(&staging)
                .map_err(|e| Error::internal(&e.into()))?
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with("__MACOSX"))
                .collect();
            match entries.as_slice() {
                [one] if one.file_type().map(|t| t.is_dir()).unwrap_or(false) && one.path().join("SKILL.md").is_file() => {
                    one.path()
                }
                _ => return Err(Error::invalid("the archive has no SKILL.md at its root or in a single top folder")),
            }
        };
        let text = std::fs::read_to_string(skill_dir.join("SKILL.md"))
            .map_err(|_| Error::invalid("SKILL.md is not UTF-8 text"))?;
        let doc = frontmatter::parse(&text);
        let fm_name = doc.fields.get("name").cloned();
        let name = match (name, fm_name.as_deref()) {
            (Some(n), Some(f)) if n != f => {
                return Err(Error::invalid(format!("the frontmatter name {f:?} differs from the skill name {n:?}")))
            }
            (Some(n), _) => n.to_string(),
            (None, Some(f)) => f.to_string(),
            (None, None) => return Err(Error::invalid("SKILL.md has no `name` in its frontmatter; pass ?name=")),
        };
        check_name(&name)?;
        let (md, description) = skill_markdown(&name, &text, None)?;
        std::fs::write(skill_dir.join("SKILL.md"), md).map_err(|e| Error::internal(&e.into()))?;
        let target = root.join(&name);
        match target.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => return Err(fsguard::refuse_symlink(&target).unwrap_err()),
            Ok(m) if m.is_dir() => fsguard::remove_tree(&target)?,
            Ok(_) => return Err(Error::invalid(format!("{} exists and is not a folder", target.display()))),
            Err(_) => {}
        }
        std::fs::rename(&skill_dir, &target).map_err(|e| Error::internal(&e.into()))?;
        Ok(SkillItem {
            name,
            path: target.join("SKILL.md").display().to_string(),
            description,
            scope: "project".into(),
        })
    })();
    if staging.exists() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Remove the skill folder `name` from the project roots; 404 when absent.
pub async fn remove(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, name: String) -> Result<SkillRemoved, Error> {
    check_name(&name)?;
    let intent = WriteIntent {
        action: "skills.remove",
        target: name.clone(),
        summary: format!("Remove skill {name}"),
        paths: PROJECT_ROOTS.iter().map(|p| ws.path.join(p[0]).join(p[1]).join(&name).display().to_string()).collect(),
    };
    let n = name.clone();
    let removed = write(ext, actor, ws, intent, move |ws| {
        let mut removed = Vec::new();
        for parts in PROJECT_ROOTS {
            let Some(root) = fsguard::existing_dir(&ws.path, &parts)? else { continue };
            let dir = root.join(&n);
            match dir.symlink_metadata() {
                Ok(m) if m.file_type().is_symlink() => return Err(fsguard::refuse_symlink(&dir).unwrap_err()),
                Ok(m) if m.is_dir() => {
                    fsguard::remove_tree(&dir)?;
                    removed.push(dir.display().to_string());
                }
                _ => {}
            }
        }
        if removed.is_empty() {
            return Err(Error::new(ErrorCode::NotFound, format!("no project skill named `{n}`")));
        }
        Ok(removed)
    })
    .await?;
    Ok(SkillRemoved { ok: true, name, removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "my-skill", "a1-b2", &"x".repeat(64)] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "../x", "/etc", "a/../../b", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            for (name, data) in entries {
                w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
                std::io::Write::write_all(&mut w, data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn zip_slip_is_refused_and_nothing_is_left() {
        let ws = tempfile::tempdir().unwrap();
        let bytes = zip_with(&[("SKILL.md", b"---\nname: x\ndescription: d\n---\n"), ("../../evil.txt", b"pwned")]);
        let err = install_archive(ws.path(), &bytes, ArchiveKind::Zip, Some("x")).unwrap_err();
        assert_eq!(err.0.code, ErrorCode::InvalidRequest, "{:?}", err.0);
        assert!(!ws.path().join("evil.txt").exists());
        assert!(!ws.path().parent().unwrap().join("evil.txt").exists());
        let left: Vec<_> = std::fs::read_dir(ws.path().join(".opencode/skills")).unwrap().collect();
        assert!(left.is_empty(), "staging left behind");
    }

    #[test]
    fn tar_gz_with_top_folder_installs() {
        let mut tar_bytes = Vec::new();
        {
            let gz = flate2::write::GzEncoder::new(&mut tar_bytes, flate2::Compression::fast());
            let mut b = tar::Builder::new(gz);
            let md = b"---\nname: from-tar\ndescription: A skill from a tarball\n---\nDo it.\n";
            let mut h = tar::Header::new_gnu();
            h.set_size(md.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, "from-tar/SKILL.md", &md[..]).unwrap();
            b.into_inner().unwrap().finish().unwrap();
        }
        let ws = tempfile::tempdir().unwrap();
        let item = install_archive(ws.path(), &tar_bytes, detect(&tar_bytes, None).unwrap(), None).unwrap();
        assert_eq!(item.name, "from-tar");
        assert_eq!(item.description, "A skill from a tarball");
        let listed = list_skills(ws.path(), false);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "from-tar");
    }

    #[test]
    fn tar_symlink_is_refused() {
        let mut raw = Vec::new();
        {
            let mut b = tar::Builder::new(&mut raw);
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, "SKILL.md", "/etc/passwd").unwrap();
            b.finish().unwrap();
        }
        let ws = tempfile::tempdir().unwrap();
        let err = install_archive(ws.path(), &raw, ArchiveKind::Tar, Some("x")).unwrap_err();
        assert_eq!(err.0.code, ErrorCode::InvalidRequest);
    }

    #[test]
    fn markdown_gets_frontmatter() {
        let (md, d) = skill_markdown("abc", "Just do it", Some("Does it")).unwrap();
        assert_eq!(d, "Does it");
        let doc = frontmatter::parse(&md);
        assert_eq!(doc.fields["name"], "abc");
        assert_eq!(doc.body, "Just do it\n");
        assert!(skill_markdown("abc", "---\nname: other\ndescription: d\n---\n", None).is_err());
        assert!(skill_markdown("abc", "body", None).is_err());
    }
}
