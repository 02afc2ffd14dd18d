//! In-place editing of `opencode.json(c)` with a concrete syntax tree.
//!
//! Files are never parsed and re-serialised: edits go through
//! [`jsonc_parser::cst`], so comments, key order, trailing commas and
//! formatting outside the edited key stay byte-for-byte. An invalid file is
//! reported with its position (422 `invalid_config`) and left untouched.
//! Writes are atomic ([`crate::paths::write_atomic`]); callers hold the
//! workspace write lock.
use std::path::{Path, PathBuf};

use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use jsonc_parser::ParseOptions;
use openwork_wire::ErrorCode;
use serde_json::{json, Map, Value};

use super::fsguard;
use crate::error::Error;

/// What a new config file starts with.
const NEW_FILE: &str = "{\n  \"$schema\": \"https://opencode.ai/config.json\"\n}\n";

/// The project config file to read and edit: `opencode.jsonc`, else
/// `opencode.json`, else (to be created) `opencode.jsonc`.
pub fn config_path(workspace: &Path) -> PathBuf {
    let jsonc = workspace.join("opencode.jsonc");
    let json = workspace.join("opencode.json");
    if jsonc.symlink_metadata().is_ok() {
        jsonc
    } else if json.symlink_metadata().is_ok() {
        json
    } else {
        jsonc
    }
}

fn options() -> ParseOptions {
    ParseOptions { allow_comments: true, allow_loose_object_property_names: false, allow_trailing_commas: true }
}

fn invalid(path: &Path, err: &jsonc_parser::errors::ParseError) -> Error {
    Error::new(ErrorCode::InvalidConfig, format!("{} is not valid JSONC: {err}", path.display())).details(json!({
        "path": path.display().to_string(),
        "line": err.line_display(),
        "column": err.column_display(),
        "offset": err.range().start,
        "error": err.kind().to_string(),
    }))
}

fn not_object(path: &Path) -> Error {
    Error::new(ErrorCode::InvalidConfig, format!("{} does not hold a JSON object", path.display()))
        .details(json!({ "path": path.display().to_string(), "line": 1, "column": 1 }))
}

/// Deepest nesting of objects and arrays accepted in a config file (as
/// `serde_json`'s own limit). The JSONC parser recurses once per level: a
/// file nested 100,000 deep (an agent can write one; a cloned repository can
/// hold one) would overflow the stack and take the host down.
pub const MAX_DEPTH: usize = 128;

/// Check that `text` nests objects and arrays at most [`MAX_DEPTH`] deep,
/// without parsing it (strings and comments skipped); a single pass.
pub fn check_nesting(path: &Path, text: &str) -> Result<(), Error> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::new(
                        ErrorCode::InvalidConfig,
                        format!("{} nests objects or arrays more than {MAX_DEPTH} deep", path.display()),
                    )
                    .details(json!({ "path": path.display().to_string(), "offset": i, "maxDepth": MAX_DEPTH })));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// A config file's text, size- and depth-checked; `None` when missing.
fn read_text(path: &Path) -> Result<Option<String>, Error> {
    let bytes = match crate::paths::read_limited(path, crate::paths::MAX_READ) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(Error::new(ErrorCode::InvalidConfig, e.to_string())
                .details(json!({ "path": path.display().to_string(), "maxBytes": crate::paths::MAX_READ })))
        }
        Err(e) => return Err(Error::internal(&anyhow::anyhow!(e).context(format!("reading {}", path.display())))),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::new(ErrorCode::InvalidConfig, format!("{} is not UTF-8 text", path.display()))
            .details(json!({ "path": path.display().to_string() }))
    })?;
    check_nesting(path, &text)?;
    Ok(Some(text))
}

/// The top-level object of a JSONC file (`{}` when the file is missing).
pub fn read_object(path: &Path) -> Result<Map<String, Value>, Error> {
    let Some(text) = read_text(path)? else { return Ok(Map::new()) };
    match jsonc_parser::parse_to_serde_value(&text, &options()) {
        Ok(None) => Ok(Map::new()),
        Ok(Some(Value::Object(m))) => Ok(m),
        Ok(Some(_)) => Err(not_object(path)),
        Err(e) => Err(invalid(path, &e)),
    }
}

/// Edit the file's top-level object in place with `f`, then write it
/// atomically (created from a small template when missing). Nothing is
/// written when `f` fails or when the text did not change.
pub fn edit<T>(path: &Path, f: impl FnOnce(&CstObject) -> Result<T, Error>) -> Result<T, Error> {
    fsguard::refuse_symlink(path)?;
    let existing = read_text(path)?;
    let text = match &existing {
        Some(t) if !t.trim().is_empty() => t.clone(),
        _ => NEW_FILE.to_string(),
    };
    // Validate with the value parser first, which reports positions.
    match jsonc_parser::parse_to_serde_value(&text, &options()) {
        Ok(Some(Value::Object(_))) => {}
        Ok(_) => return Err(not_object(path)),
        Err(e) => return Err(invalid(path, &e)),
    }
    let root = CstRootNode::parse(&text, &options()).map_err(|e| invalid(path, &e))?;
    let obj = root.object_value().ok_or_else(|| not_object(path))?;
    let out = f(&obj)?;
    let new_text = root.to_string();
    if existing.as_deref() != Some(new_text.as_str()) {
        let mode = existing_mode(path).unwrap_or(0o644);
        crate::paths::write_atomic(path, new_text.as_bytes(), mode).map_err(|e| Error::internal(&e))?;
    }
    Ok(out)
}

fn existing_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o7777)
}

/// A JSON value as CST input.
pub fn to_input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(a) => CstInputValue::Array(a.iter().map(to_input).collect()),
        Value::Object(o) => CstInputValue::Object(o.iter().map(|(k, v)| (k.clone(), to_input(v))).collect()),
    }
}

/// Set `key` to `value` (replacing only that property's value), or append it.
pub fn set_key(obj: &CstObject, key: &str, value: &Value) {
    match obj.get(key) {
        Some(prop) => prop.set_value(to_input(value)),
        None => {
            obj.append(key, to_input(value));
        }
    }
}

/// Remove `key`; whether it was there.
pub fn remove_key(obj: &CstObject, key: &str) -> bool {
    match obj.get(key) {
        Some(prop) => {
            prop.remove();
            true
        }
        None => false,
    }
}

/// The object under `key`, created empty when missing; 422 when `key` holds
/// something else.
pub fn child_object(path: &Path, obj: &CstObject, key: &str) -> Result<CstObject, Error> {
    obj.object_value_or_create(key).ok_or_else(|| {
        Error::new(ErrorCode::InvalidConfig, format!("`{key}` in {} is not an object", path.display()))
            .details(json!({ "path": path.display().to_string(), "key": key }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_files_are_refused_not_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opencode.json");
        // 100,000 levels: the parser would overflow the stack.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        std::fs::write(&path, &deep).unwrap();
        let err = read_object(&path).unwrap_err();
        assert_eq!(err.0.code, ErrorCode::InvalidConfig);
        assert!(err.0.message.contains("deep"), "{}", err.0.message);
        assert!(edit(&path, |_| Ok(())).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), deep, "left untouched");
        let objects = format!("{}1{}", "{\"a\":".repeat(200), "}".repeat(200));
        std::fs::write(&path, objects).unwrap();
        assert!(read_object(&path).is_err());
        // Brackets in strings and comments do not count; 128 levels are fine.
        let fine = format!("// [[[[\n{{\"s\": \"{{{{[[[\\\"\", \"d\": {}0{} /* [[[ */}}", "[".repeat(120), "]".repeat(120));
        std::fs::write(&path, &fine).unwrap();
        assert!(read_object(&path).is_ok(), "{fine}");
        // Too large.
        std::fs::write(&path, vec![b' '; (crate::paths::MAX_READ + 1) as usize]).unwrap();
        assert_eq!(read_object(&path).unwrap_err().0.code, ErrorCode::InvalidConfig);
    }

    const COMMENTED: &str = r#"// top comment
{
  /* block before schema */
  "$schema": "https://opencode.ai/config.json", // trailing schema comment
  // the model we like
  "model": "anthropic/claude",
  "mcp": {
    // keep me: existing server
    "existing": { "type": "remote", "url": "http://127.0.0.1:1/mcp", }, // after existing
  },
  "plugin": [
    "a-plugin", // first plugin
  ],
  // last comment
}
"#;

    #[test]
    fn add_then_remove_keeps_every_comment_and_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opencode.jsonc");
        std::fs::write(&path, COMMENTED).unwrap();
        edit(&path, |obj| {
            let mcp = child_object(&path, obj, "mcp")?;
            set_key(&mcp, "added", &json!({"type": "local", "command": ["x"]}));
            Ok(())
        })
        .unwrap();
        let mid = std::fs::read_to_string(&path).unwrap();
        for c in ["// top comment", "/* block before schema */", "// trailing schema comment", "// the model we like",
            "// keep me: existing server", "// after existing", "// first plugin", "// last comment"]
        {
            assert!(mid.contains(c), "{c} lost:\n{mid}");
        }
        assert!(read_object(&path).unwrap()["mcp"]["added"]["command"][0] == "x");
        edit(&path, |obj| {
            let mcp = child_object(&path, obj, "mcp")?;
            assert!(remove_key(&mcp, "added"));
            Ok(())
        })
        .unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        let idx = after.find("\"mcp\"").unwrap();
        assert_eq!(&after[..idx], &COMMENTED[..COMMENTED.find("\"mcp\"").unwrap()]);
        let tail = "  \"plugin\": [\n    \"a-plugin\", // first plugin\n  ],\n  // last comment\n}\n";
        assert!(after.ends_with(tail), "{after}");
    }

    #[test]
    fn invalid_file_is_reported_with_position_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opencode.json");
        let bad = "{\n  \"model\": \"x\",\n  \"mcp\": {\n    \"a\": ]\n}\n";
        std::fs::write(&path, bad).unwrap();
        let err = edit(&path, |obj| {
            set_key(obj, "model", &json!("y"));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.0.code, ErrorCode::InvalidConfig);
        assert_eq!(err.0.details.as_ref().unwrap()["line"], 4);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
        assert_eq!(read_object(&path).unwrap_err().0.code, ErrorCode::InvalidConfig);
    }

    #[test]
    fn missing_file_is_created_as_jsonc() {
        let dir = tempfile::tempdir().unwrap();
        let path = config_path(dir.path());
        assert!(path.ends_with("opencode.jsonc"));
        edit(&path, |obj| {
            obj.array_value_or_create("plugin").unwrap().append(CstInputValue::String("x@1".into()));
            Ok(())
        })
        .unwrap();
        let v = read_object(&path).unwrap();
        assert_eq!(v["plugin"], json!(["x@1"]));
        assert_eq!(v["$schema"], "https://opencode.ai/config.json");
        std::fs::write(dir.path().join("opencode.json"), "{}").unwrap();
        assert!(config_path(dir.path()).ends_with("opencode.jsonc"));
    }
}
