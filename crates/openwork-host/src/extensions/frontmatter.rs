//! A small YAML-frontmatter reader/writer for `SKILL.md` and command files.
//!
//! Reads `key: value` pairs (plain, `"double"` or `'single'` quoted, and
//! `|`/`>` block scalars) between a leading `---` line and the next `---`;
//! that is all OpenCode's skill and command files use. Writes values as
//! double-quoted scalars (JSON string syntax is valid YAML).
use std::collections::BTreeMap;

/// A parsed document: frontmatter fields and the body after it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Whether the text started with a frontmatter block.
    pub has_frontmatter: bool,
    /// Top-level scalar fields.
    pub fields: BTreeMap<String, String>,
    /// Text after the closing `---` (or the whole text).
    pub body: String,
}

/// Parse `text`.
pub fn parse(text: &str) -> Document {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else { return Document { body: String::new(), ..Default::default() } };
    if first.trim_end() != "---" {
        return Document { body: text.to_string(), ..Default::default() };
    }
    let mut header: Vec<&str> = Vec::new();
    let mut consumed = first.len();
    let mut closed = false;
    for line in lines.by_ref() {
        consumed += line.len();
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        header.push(line.trim_end_matches(['\n', '\r']));
    }
    if !closed {
        return Document { body: text.to_string(), ..Default::default() };
    }
    let mut fields = BTreeMap::new();
    let mut i = 0;
    while i < header.len() {
        let line = header[i];
        i += 1;
        if line.starts_with([' ', '\t', '#']) || line.trim().is_empty() {
            continue;
        }
        let Some((key, raw)) = line.split_once(':') else { continue };
        let raw = raw.trim();
        let value = if raw == "|" || raw == ">" || raw.starts_with("|-") || raw.starts_with(">-") {
            let mut block = Vec::new();
            while i < header.len() && (header[i].starts_with([' ', '\t']) || header[i].trim().is_empty()) {
                block.push(header[i].trim());
                i += 1;
            }
            let sep = if raw.starts_with('|') { "\n" } else { " " };
            block.join(sep).trim().to_string()
        } else {
            scalar(raw)
        };
        fields.insert(key.trim().to_string(), value);
    }
    Document { has_frontmatter: true, fields, body: text[consumed..].to_string() }
}

fn scalar(raw: &str) -> String {
    if raw.starts_with('"') {
        if let Ok(s) = serde_json::from_str::<String>(raw) {
            return s;
        }
        return raw.trim_matches('"').to_string();
    }
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    // Plain scalar: drop a trailing comment.
    match raw.find(" #") {
        Some(i) => raw[..i].trim().to_string(),
        None => raw.to_string(),
    }
}

/// A YAML double-quoted scalar.
pub fn quote(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
}

/// Render a document: `---`, `key: "value"` lines in the given order, `---`, body.
pub fn render(fields: &[(&str, String)], body: &str) -> String {
    let mut out = String::from("---\n");
    for (k, v) in fields {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_shapes() {
        let d = parse("---\nname: my-skill\ndescription: \"Says \\\"hi\\\"\"\nagent: 'it''s'\nmodel: a/b # c\nlong: >\n  one\n  two\n---\nBody\n");
        assert!(d.has_frontmatter);
        assert_eq!(d.fields["name"], "my-skill");
        assert_eq!(d.fields["description"], "Says \"hi\"");
        assert_eq!(d.fields["agent"], "it's");
        assert_eq!(d.fields["model"], "a/b");
        assert_eq!(d.fields["long"], "one two");
        assert_eq!(d.body, "Body\n");
        let d = parse("no frontmatter");
        assert!(!d.has_frontmatter);
        let r = render(&[("description", quote("x: \"y\"\nz"))], "b");
        assert_eq!(parse(&r).fields["description"], "x: \"y\"\nz");
    }
}
