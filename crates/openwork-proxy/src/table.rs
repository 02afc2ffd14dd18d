//! The policy as Markdown, for SECURITY.md (a test checks that SECURITY.md
//! carries exactly this; `scripts/update-openapi` rewrites it).
use crate::decide::{action, Action, Modes};
use crate::routes::{BodyCheck, Class, Kind, Listing, Stream, ROUTES};

/// Marks the generated part of SECURITY.md.
pub const BEGIN: &str = "<!-- proxy-policy:begin (generated from crates/openwork-proxy; run scripts/update-openapi) -->";
/// End of the generated part.
pub const END: &str = "<!-- proxy-policy:end -->";

fn cell(a: Action, class: Class) -> &'static str {
    match a {
        Action::Forward if matches!(class, Class::Config | Class::Credentials) => "forwarded, audited",
        Action::Forward => "forwarded",
        Action::Approve => "waits for the host's approval, audited",
        Action::Refuse(_) => "refused (403)",
    }
}

fn routes_of(pred: impl Fn(&crate::routes::Route) -> bool) -> String {
    ROUTES.iter().filter(|r| pred(r)).map(|r| format!("`{} {}`", r.method, r.pattern)).collect::<Vec<_>>().join(", ")
}

/// The generated Markdown, markers included.
pub fn markdown() -> String {
    let modes = [
        ("default", Modes { credentials: true, ..Modes::default() }),
        ("`--approval manual`", Modes { approval_manual: true, credentials: true, ..Modes::default() }),
        ("`--read-only`", Modes { read_only: true, credentials: true, ..Modes::default() }),
    ];
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push_str("\n\n| class | what it covers | least token scope | ");
    out.push_str(&modes.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" | "));
    out.push_str(" |\n|---|---|---|");
    out.push_str(&"---|".repeat(modes.len()));
    out.push('\n');
    for class in Class::ALL {
        let cells: Vec<&str> = modes.iter().map(|(_, m)| cell(action(class, *m), class)).collect();
        let scope = class.min_scope().map(|s| s.name()).unwrap_or("none");
        out.push_str(&format!("| **{}** | {} | {scope} | {} |\n", class.name(), class.describe(), cells.join(" | ")));
    }
    out.push_str("\nAny other path is refused (403). Routes, by class:\n\n");
    for class in Class::ALL {
        let n = ROUTES.iter().filter(|r| r.class == class).count();
        out.push_str(&format!("- **{}** ({n}): {}\n", class.name(), routes_of(|r| r.class == class)));
    }
    out.push_str("\nBeyond pinning the folder on every request:\n\n");
    type Pred = fn(&crate::routes::Route) -> bool;
    let kinds: [(&str, Pred); 11] = [
        ("the session must be one of the active folder's (else 404)", |r| r.kind == Kind::SessionScoped),
        ("the project must be the active folder's (else 404), and not OpenCode's `global` project that folders without git share (403)", |r| r.kind == Kind::ProjectScoped),
        ("the body's parent session, id and location must be the active folder's; no workspace; a body the proxy cannot parse is refused", |r| matches!(r.kind, Kind::CreateSession(_))),
        ("the listing is filtered to the active folder", |r| matches!(r.kind, Kind::SessionList(Listing::V1 | Listing::V2) | Kind::ProjectList | Kind::ActiveSessions)),
        ("`projectID` is set to the active folder's project (not `global`: 403)", |r| r.kind == Kind::ProjectQuery),
        ("credentials in the answer (provider keys, `apiKey`, tokens, MCP headers and environment) are redacted", |r| r.kind == Kind::Secrets),
        ("files the prompt attaches must be in the folder (`file:`), or inline (`data:`); no other URL", |r| r.body == BodyCheck::FileRefs),
        ("the body must be an API key (`{\"type\": \"api\", \"key\": …}`); OAuth credentials are refused", |r| r.body == BodyCheck::ApiKey),
        ("a reply of `always` is refused when the folder has no git project (it would be saved for every such folder)", |r| r.body == BodyCheck::PermissionReply),
        ("one shared upstream per folder", |r| r.kind == Kind::Events(Stream::Folder)),
        ("one shared upstream, filtered to the active folder's events", |r| matches!(r.kind, Kind::Events(Stream::Global | Stream::Api))),
    ];
    for (what, pred) in kinds.iter() {
        out.push_str(&format!("- {what}: {}\n", routes_of(|r| r.class != Class::Machine && pred(r))));
    }
    out.push('\n');
    out.push_str(END);
    out
}

/// The generated part of `text` (markers included), if any.
pub fn extract(text: &str) -> Option<&str> {
    let start = text.find(BEGIN)?;
    let end = text[start..].find(END)? + start + END.len();
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SECURITY.md carries exactly the policy of the code
    /// (`UPDATE_OPENAPI=1` rewrites it: `scripts/update-openapi`).
    #[test]
    fn security_md_carries_the_policy() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../SECURITY.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let found = extract(&text).expect("SECURITY.md has the generated policy table between its markers");
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, text.replace(found, &markdown())).unwrap();
            return;
        }
        assert_eq!(found, markdown(), "SECURITY.md's policy table is stale: run scripts/update-openapi");
    }
}
