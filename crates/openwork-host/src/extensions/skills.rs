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

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use openwork_wire::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::schemas::{SkillList, SkillRemoved};
use super::{listing, frontmatter, fsguard, parse_body, workspace, write, Actor, ListQuery, WriteIntent};
use crate::server::error::ApiError;
use crate::server::AppState;

/// Project skill roots, relative to the workspace.
pub const PROJECT_ROOTS: [[&str; 2]; 3] = [[".opencode", "skills"], [".claude", "skills"], [".agents", "skills"]];

/// Most entries accepted in an uploaded archive.
pub const MAX_ARCHIVE_ENTRIES: usize = 2000;
/// Most bytes an archive may expand to.
pub const MAX_ARCHIVE_BYTES: u64 = 64 * 1024 * 1024;

/// One skill in a listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct SkillItem {
    /// Skill (= folder) name.
    pub name: String,
    /// Path of its `SKILL.md`.
    pub path: String,
    /// Frontmatter description (empty if missing).
    pub description: String,
    /// `project` or `global`.
    pub scope: String,
}

/// Whether `name` is a valid skill name (as OpenCode checks it).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('-').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "invalid skill name {name:?}: 1-64 characters, lowercase letters and digits separated by single hyphens"
        )))
    }
}

fn check_description(d: &str) -> Result<(), ApiError> {
    let n = d.trim().chars().count();
    if (1..=1024).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("a skill needs a description of 1-1024 characters (got {n})")))
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

/// `GET /workspace/:id/skills[?includeGlobal=true]` → `{items: [{name, path, description, scope}]}`.
#[utoipa::path(get, path = "/workspace/{id}/skills", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("includeGlobal" = Option<bool>, Query, description = "Also list the global skills")),
    responses((status = 200, description = "Skills", body = SkillList)))]
pub(super) async fn list(
    _: Actor,
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let items = listing(&state, async { list_skills(&ws.path, q.include_global()) }).await;
    Ok(Json(json!({ "items": items })))
}

/// Body of `POST /workspace/{id}/skills`.
#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct AddSkill {
    /// Skill (= folder) name: 1-64 of `[a-z0-9]` in hyphen-separated parts.
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 64)]
    name: String,
    /// `SKILL.md` text (frontmatter optional).
    content: String,
    /// Description (else the frontmatter's), 1-1024 characters.
    #[schema(min_length = 1, max_length = 1024)]
    description: Option<String>,
}

/// The final `SKILL.md` text for `name`: frontmatter `name`/`description`
/// set (other fields kept), body kept. Returns (text, description).
pub fn skill_markdown(name: &str, content: &str, description: Option<&str>) -> Result<(String, String), ApiError> {
    check_name(name)?;
    let doc = frontmatter::parse(content);
    if let Some(fm_name) = doc.fields.get("name") {
        if fm_name != name {
            return Err(ApiError::invalid(format!(
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

/// `POST /workspace/:id/skills` with `{name, content, description?}` →
/// `{name, path, description, scope: "project"}`.
#[utoipa::path(post, path = "/workspace/{id}/skills", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)")),
    request_body = AddSkill,
    responses((status = 200, description = "The installed skill", body = SkillItem)))]
pub(super) async fn add(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    let req: AddSkill = parse_body(&body)?;
    let (text, description) = skill_markdown(&req.name, &req.content, req.description.as_deref())?;
    let name = req.name.clone();
    let target = ws.path.join(".opencode/skills").join(&name).join("SKILL.md");
    let intent = WriteIntent {
        action: "skills.add",
        target: name.clone(),
        summary: format!("Add skill {name}"),
        paths: vec![target.display().to_string()],
    };
    let path = write(&state, &actor, &ws, intent, move |ws| {
        let dir = fsguard::ensure_dirs(&ws.path, &[".opencode", "skills", &name])?;
        fsguard::write_file(&dir, "SKILL.md", text.as_bytes())
    })
    .await?;
    Ok(Json(json!({ "name": req.name, "path": path.display().to_string(), "description": description, "scope": "project" })))
}

#[derive(Deserialize)]
pub(super) struct ArchiveQuery {
    name: Option<String>,
}

/// `POST /workspace/:id/skills/archive[?name=]` with a raw `.zip`,
/// `.tar.gz` or `.tar` body (content type `application/zip`,
/// `application/gzip`, `application/x-tar`, or detected from the bytes):
/// the archive holds `SKILL.md` at its root or in a single top folder.
/// → `{name, path, description, scope: "project"}`.
#[utoipa::path(post, path = "/workspace/{id}/skills/archive", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("name" = Option<String>, Query, description = "Skill name (else from the archive)")),
    request_body(description = "A `.zip`, `.tar.gz` or `.tar` holding `SKILL.md` at its root or in one top folder",
        content((Vec<u8> = "application/zip"), (Vec<u8> = "application/gzip"), (Vec<u8> = "application/x-tar"), (Vec<u8> = "application/octet-stream"))),
    responses((status = 200, description = "The installed skill", body = SkillItem)))]
pub(super) async fn add_archive(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<ArchiveQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    if let Some(n) = &q.name {
        check_name(n)?;
    }
    super::check_writable(&state)?;
    // An archive that will wait for approval reserves its place (and its
    // size) first: the host never holds more than the queue allows, however
    // many uploads arrive.
    let max = state.options.max_body_bytes;
    let held = if state.options.approval == super::ApprovalMode::Manual {
        let declared = headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(max as u64);
        Some(state.extensions.approvals.reserve(declared.min(max as u64))?)
    } else {
        None
    };
    let body = axum::body::to_bytes(body, max).await.map_err(|_| {
        ApiError::new(ErrorCode::PayloadTooLarge, format!("request body is larger than {max} bytes"))
    })?;
    let kind = ArchiveKind::detect(&body, headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()))?;
    let label = q.name.clone().unwrap_or_else(|| "(from archive)".into());
    let intent = WriteIntent {
        action: "skills.add",
        target: label.clone(),
        summary: format!("Install skill {label} from an uploaded archive ({} bytes)", body.len()),
        paths: vec![ws.path.join(".opencode/skills").display().to_string()],
    };
    let item = super::write_held(&state, &actor, &ws, intent, held, move |ws| install_archive(&ws.path, &body, kind, q.name.as_deref()))
        .await?;
    Ok(Json(serde_json::to_value(item).unwrap_or(Value::Null)))
}

/// Archive formats accepted for skills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `.zip`.
    Zip,
    /// `.tar.gz` / `.tgz`.
    TarGz,
    /// Plain `.tar`.
    Tar,
}

impl ArchiveKind {
    /// From the first bytes (preferred) or the content type.
    pub fn detect(bytes: &[u8], content_type: Option<&str>) -> Result<Self, ApiError> {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return Ok(Self::Zip);
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return Ok(Self::TarGz);
        }
        if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
            return Ok(Self::Tar);
        }
        let ct = content_type.unwrap_or("");
        Err(ApiError::invalid(format!(
            "the body is not a .zip, .tar.gz or .tar archive (content type {ct:?}, {} bytes)",
            bytes.len()
        )))
    }
}

/// Longest file or folder name in an archive (bytes; Linux's `NAME_MAX`).
const MAX_NAME_BYTES: usize = 255;
/// Longest path of an archive entry (bytes).
const MAX_ENTRY_PATH: usize = 1024;

fn bad_entry(name: &str, why: &str) -> ApiError {
    ApiError::invalid(format!("archive entry {name:?} refused: {why}")).details(json!({ "entry": name }))
}

/// Extract `bytes` into the empty directory `dest`; refuses entries that
/// would escape it (absolute, `..`) and links of any kind.
pub fn extract(bytes: &[u8], kind: ArchiveKind, dest: &Path) -> Result<(), ApiError> {
    let mut budget = MAX_ARCHIVE_BYTES;
    let mut count = 0usize;
    let mut write_entry = |rel: &Path, is_dir: bool, reader: &mut dyn Read, name: &str| -> Result<(), ApiError> {
        count += 1;
        if count > MAX_ARCHIVE_ENTRIES {
            return Err(ApiError::invalid(format!("archive has more than {MAX_ARCHIVE_ENTRIES} entries")));
        }
        // File systems refuse longer names (ENAMETOOLONG): say so, not 500.
        let too_long = rel.as_os_str().len() > MAX_ENTRY_PATH
            || rel.components().any(|c| c.as_os_str().len() > MAX_NAME_BYTES);
        if too_long {
            return Err(bad_entry(name, "name too long"));
        }
        let path = dest.join(rel);
        let io = |e: std::io::Error| ApiError::internal(&anyhow::anyhow!(e).context(format!("extracting {name}")));
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
            return Err(ApiError::new(
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
                .map_err(|e| ApiError::invalid(format!("not a readable zip archive: {e}")))?;
            // Check every name before writing anything.
            for i in 0..zip.len() {
                let f = zip.by_index_raw(i).map_err(|e| ApiError::invalid(format!("bad zip entry: {e}")))?;
                let name = f.name().to_string();
                if fsguard::safe_relative(Path::new(&name)).is_none() && !name.trim_end_matches('/').is_empty() {
                    return Err(bad_entry(&name, "path escapes the skill folder"));
                }
                if f.is_symlink() {
                    return Err(bad_entry(&name, "symbolic links are not allowed"));
                }
            }
            for i in 0..zip.len() {
                let mut f = zip.by_index(i).map_err(|e| ApiError::invalid(format!("bad zip entry: {e}")))?;
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
            let entries = ar.entries().map_err(|e| ApiError::invalid(format!("not a readable tar archive: {e}")))?;
            for entry in entries {
                let mut entry = entry.map_err(|e| ApiError::invalid(format!("bad tar entry: {e}")))?;
                let name = entry
                    .path()
                    .map_err(|e| ApiError::invalid(format!("bad tar entry name: {e}")))?
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
pub fn install_archive(ws: &Path, bytes: &[u8], kind: ArchiveKind, name: Option<&str>) -> Result<SkillItem, ApiError> {
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
                .map_err(|e| ApiError::internal(&e.into()))?
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with("__MACOSX"))
                .collect();
            match entries.as_slice() {
                [one] if one.file_type().map(|t| t.is_dir()).unwrap_or(false) && one.path().join("SKILL.md").is_file() => {
                    one.path()
                }
                _ => return Err(ApiError::invalid("the archive has no SKILL.md at its root or in a single top folder")),
            }
        };
        let text = std::fs::read_to_string(skill_dir.join("SKILL.md"))
            .map_err(|_| ApiError::invalid("SKILL.md is not UTF-8 text"))?;
        let doc = frontmatter::parse(&text);
        let fm_name = doc.fields.get("name").cloned();
        let name = match (name, fm_name.as_deref()) {
            (Some(n), Some(f)) if n != f => {
                return Err(ApiError::invalid(format!("the frontmatter name {f:?} differs from the skill name {n:?}")))
            }
            (Some(n), _) => n.to_string(),
            (None, Some(f)) => f.to_string(),
            (None, None) => return Err(ApiError::invalid("SKILL.md has no `name` in its frontmatter; pass ?name=")),
        };
        check_name(&name)?;
        let (md, description) = skill_markdown(&name, &text, None)?;
        std::fs::write(skill_dir.join("SKILL.md"), md).map_err(|e| ApiError::internal(&e.into()))?;
        let target = root.join(&name);
        match target.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => return Err(fsguard::refuse_symlink(&target).unwrap_err()),
            Ok(m) if m.is_dir() => fsguard::remove_tree(&target)?,
            Ok(_) => return Err(ApiError::invalid(format!("{} exists and is not a folder", target.display()))),
            Err(_) => {}
        }
        std::fs::rename(&skill_dir, &target).map_err(|e| ApiError::internal(&e.into()))?;
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

/// `DELETE /workspace/:id/skills/:name`: remove the skill folder from the
/// project roots. → `{ok: true, name, removed: [paths]}`; 404 when absent.
#[utoipa::path(delete, path = "/workspace/{id}/skills/{name}", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"), ("name" = String, Path, description = "Skill name")),
    responses((status = 200, description = "Removed", body = SkillRemoved),
        (status = 404, description = "`not_found`: no project skill of that name, or `workspace_not_found`", body = ErrorBody)))]
pub(super) async fn remove(
    actor: Actor,
    State(state): State<AppState>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let ws = workspace(&state, &id)?;
    check_name(&name)?;
    let intent = WriteIntent {
        action: "skills.remove",
        target: name.clone(),
        summary: format!("Remove skill {name}"),
        paths: PROJECT_ROOTS.iter().map(|p| ws.path.join(p[0]).join(p[1]).join(&name).display().to_string()).collect(),
    };
    let n = name.clone();
    let removed = write(&state, &actor, &ws, intent, move |ws| {
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
            return Err(ApiError::new(ErrorCode::NotFound, format!("no project skill named `{n}`")));
        }
        Ok(removed)
    })
    .await?;
    Ok(Json(json!({ "ok": true, "name": name, "removed": removed })))
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
        let item = install_archive(ws.path(), &tar_bytes, ArchiveKind::detect(&tar_bytes, None).unwrap(), None).unwrap();
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
