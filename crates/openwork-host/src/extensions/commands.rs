//! Commands: `.opencode/commands/<name>.md`, frontmatter (`description`,
//! `agent`, `model`, `subtask`) and the template as body.
use std::path::Path;

use std::sync::Arc;

use openwork_wire::api::{AddCommand, CommandItem, CommandList, OkResponse};
use openwork_wire::ErrorCode;

use super::{frontmatter, fsguard, write, Actor, Extensions, WriteIntent};
use crate::error::Error;
use crate::workspace::ActiveWorkspace;

/// Folders OpenCode reads commands from (we write to the first).
const DIRS: [&str; 2] = ["commands", "command"];

fn check_name(name: &str) -> Result<(), Error> {
    if super::mcp::valid_name(name) && !name.ends_with(".md") {
        Ok(())
    } else {
        Err(Error::invalid(format!("invalid command name {name:?}: 1-64 of [A-Za-z0-9._-], starting alphanumeric")))
    }
}

/// Commands of the workspace.
pub fn list_commands(ws: &Path) -> Vec<CommandItem> {
    let mut items = Vec::new();
    for d in DIRS {
        let dir = ws.join(".opencode").join(d);
        if dir.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(true) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = rd
            .flatten()
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter_map(|n| n.strip_suffix(".md").map(str::to_string))
            .collect();
        files.sort();
        for name in files {
            let path = dir.join(format!("{name}.md"));
            let text = crate::paths::read_text_or_empty(&path);
            let doc = frontmatter::parse(&text);
            let field = |k: &str| doc.fields.get(k).cloned();
            items.push(CommandItem {
                template: doc.body.trim().to_string(),
                description: field("description"),
                agent: field("agent"),
                model: field("model"),
                subtask: doc.fields.get("subtask").map(|v| v == "true"),
                scope: "workspace".into(),
                path: path.display().to_string(),
                name,
            });
        }
    }
    items
}

/// The commands of `ws`.
pub async fn list(ext: &Extensions, ws: &ActiveWorkspace) -> CommandList {
    CommandList { items: ext.listing(async { list_commands(&ws.path) }).await }
}

/// Write `.opencode/commands/<name>.md`. → the listing.
pub async fn add(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, c: AddCommand) -> Result<CommandList, Error> {
    check_name(&c.name)?;
    if c.template.trim().is_empty() {
        return Err(Error::invalid("a command needs a non-empty `template`"));
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(d) = &c.description {
        fields.push(("description", frontmatter::quote(d)));
    }
    if let Some(a) = &c.agent {
        fields.push(("agent", frontmatter::quote(a)));
    }
    if let Some(m) = &c.model {
        fields.push(("model", frontmatter::quote(m)));
    }
    if let Some(s) = c.subtask {
        fields.push(("subtask", s.to_string()));
    }
    let text = frontmatter::render(&fields, c.template.trim());
    let name = c.name.clone();
    let intent = WriteIntent {
        action: "commands.add",
        target: name.clone(),
        summary: format!("Add command {name}"),
        paths: vec![ws.path.join(".opencode/commands").join(format!("{name}.md")).display().to_string()],
    };
    write(ext, actor, ws, intent, move |ws| {
        let dir = fsguard::ensure_dirs(&ws.path, &[".opencode", "commands"])?;
        fsguard::write_file(&dir, &format!("{name}.md"), text.as_bytes()).map(drop)
    })
    .await?;
    Ok(list(ext, ws).await)
}

/// Remove the command `name`; 404 when absent.
pub async fn remove(ext: &Arc<Extensions>, actor: &Actor, ws: &Arc<ActiveWorkspace>, name: String) -> Result<OkResponse, Error> {
    check_name(&name)?;
    let intent = WriteIntent {
        action: "commands.remove",
        target: name.clone(),
        summary: format!("Remove command {name}"),
        paths: DIRS.iter().map(|d| ws.path.join(".opencode").join(d).join(format!("{name}.md")).display().to_string()).collect(),
    };
    write(ext, actor, ws, intent, move |ws| {
        let mut removed = 0;
        for d in DIRS {
            if let Some(dir) = fsguard::existing_dir(&ws.path, &[".opencode", d])? {
                let file = dir.join(format!("{name}.md"));
                if file.symlink_metadata().map(|m| !m.is_dir()).unwrap_or(false) {
                    std::fs::remove_file(&file).map_err(|e| Error::internal(&e.into()))?;
                    removed += 1;
                }
            }
        }
        if removed == 0 {
            return Err(Error::new(ErrorCode::NotFound, format!("no command `{name}`")));
        }
        Ok(())
    })
    .await?;
    Ok(OkResponse::YES)
}
