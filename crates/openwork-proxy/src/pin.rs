//! Pinning the folder: every location input a request carries must name the
//! active folder (or nothing), and is then replaced by the proxy's own.
//!
//! Location inputs (decided on the decoded name, in any case): the query
//! keys `directory`, `workspace`, `location[...]` (`location[directory]`,
//! `location%5Bdirectory%5D`, `location.directory`, ...), `project`,
//! `projectID` and `scope`; the headers `x-opencode-directory` and
//! `x-opencode-workspace`; in a session creation body `location` and
//! `workspaceID`. A directory that names another folder → 403; a workspace
//! (OpenCode's remote workspaces) → 403; `project`/`projectID`/`scope`
//! are dropped (listings are filtered; `projectID` is set by the proxy).
//! Path-like query values (`path`, `subpath`) must stay inside the folder.
use serde_json::Value;

use crate::refusal::Refusal;
use crate::path::{decode_once, encode_component, same_dir};
use crate::routes::{Kind, Listing, Route};

/// Header OpenCode reads the folder from.
pub const DIRECTORY_HEADER: &str = "x-opencode-directory";
/// Header OpenCode reads a workspace (another location) from.
pub const WORKSPACE_HEADER: &str = "x-opencode-workspace";

/// What a query key is, once decoded.
enum Key {
    /// Names a folder: must be the active one; dropped.
    Directory,
    /// Names an OpenCode workspace: refused when not empty.
    Workspace,
    /// Another location input (`location`, `location[...]` of no known
    /// kind): refused when not empty.
    OtherLocation,
    /// `project`, `projectID`, `scope`: dropped.
    Dropped,
    /// A path inside the folder (`path`, `subpath`).
    InsidePath,
    /// Anything else: forwarded as the client wrote it.
    Other,
}

fn classify(key: &str) -> Key {
    let k = key.to_ascii_lowercase();
    let k = k.trim();
    // `directory`, `directory[]`, `workspaceID`, ...: any spelling that
    // starts like one is treated as one.
    if k.starts_with("directory") {
        return Key::Directory;
    }
    if k.starts_with("workspace") {
        return Key::Workspace;
    }
    if let Some(rest) = k.strip_prefix("location") {
        return if rest.contains("directory") {
            Key::Directory
        } else if rest.contains("workspace") {
            Key::Workspace
        } else {
            Key::OtherLocation
        };
    }
    match k {
        "project" | "projectid" | "scope" => Key::Dropped,
        "path" | "subpath" => Key::InsidePath,
        _ => Key::Other,
    }
}

/// A query component decoded as a form (`+` is a space), once.
fn form_decode(raw: &str) -> Result<String, Refusal> {
    decode_once(&raw.replace('+', " ")).map_err(|e| Refusal::invalid(format!("query: {e}")))
}

/// The query string to forward for `route`: the client's own pairs as it
/// wrote them, less every location input (each checked), plus the active
/// folder (`directory=` or, on `/api/*`, `location[directory]=`) and, for
/// [`crate::routes::Kind::ProjectQuery`], `projectID=`.
pub fn query(raw: Option<&str>, route: &Route, directory: &str, project: Option<&str>) -> Result<String, Refusal> {
    let mut kept: Vec<&str> = Vec::new();
    for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = form_decode(raw_key)?;
        let value = || form_decode(raw_value);
        match classify(&key) {
            Key::Directory => {
                let asked = value()?;
                if !asked.is_empty() && !same_dir(&asked, directory) {
                    return Err(Refusal::other_folder(&asked, directory));
                }
            }
            Key::Workspace | Key::OtherLocation => {
                if !value()?.is_empty() {
                    return Err(Refusal::forbidden(
                        format!("`{key}`: this host only exposes its active workspace {directory}"),
                        serde_json::json!({ "parameter": key }),
                    ));
                }
            }
            Key::Dropped => {}
            Key::InsidePath => {
                let v = value()?;
                if v.starts_with('/') || v.split(['/', '\\']).any(|s| s == "..") {
                    return Err(Refusal::forbidden(
                        format!("`{key}` must be a path inside the workspace"),
                        serde_json::json!({ "parameter": key, "value": v }),
                    ));
                }
                kept.push(pair);
            }
            Key::Other => kept.push(pair),
        }
    }
    let pin = if route.v2() { "location%5Bdirectory%5D" } else { "directory" };
    let mut out: Vec<String> = kept.into_iter().map(str::to_string).collect();
    out.push(format!("{pin}={}", encode_component(directory)));
    // `GET /api/session` filters (and pages) on a `directory` of its own.
    if route.kind == Kind::SessionList(Listing::V2) {
        out.push(format!("directory={}", encode_component(directory)));
    }
    if let Some(p) = project {
        out.push(format!("projectID={}", encode_component(p)));
    }
    Ok(out.join("&"))
}

/// Check the location headers: `x-opencode-directory` (URL-decoded, as
/// OpenCode does; every value) must be the active folder, and there is no
/// `x-opencode-workspace`.
pub fn check_headers(headers: &http::HeaderMap, directory: &str) -> Result<(), Refusal> {
    for v in headers.get_all(DIRECTORY_HEADER) {
        let asked = percent_encoding::percent_decode(v.as_bytes()).decode_utf8_lossy().into_owned();
        if !same_dir(&asked, directory) {
            return Err(Refusal::other_folder(&asked, directory));
        }
    }
    if headers.get_all(WORKSPACE_HEADER).iter().any(|v| !v.as_bytes().trim_ascii().is_empty()) {
        return Err(Refusal::forbidden(
            format!("`{WORKSPACE_HEADER}`: this host only exposes its active workspace {directory}"),
            serde_json::json!({ "header": WORKSPACE_HEADER }),
        ));
    }
    Ok(())
}

/// Request headers forwarded to OpenCode (an allowlist; credentials,
/// cookies and location headers never pass), and the pinned folder.
pub fn forwarded_headers(headers: &http::HeaderMap, directory: &str) -> http::HeaderMap {
    const FORWARDED: [http::header::HeaderName; 7] = [
        http::header::ACCEPT,
        http::header::ACCEPT_LANGUAGE,
        http::header::CONTENT_TYPE,
        http::header::CONTENT_ENCODING,
        http::header::CACHE_CONTROL,
        http::header::USER_AGENT,
        http::header::HeaderName::from_static("last-event-id"),
    ];
    let mut out = http::HeaderMap::with_capacity(FORWARDED.len() + 1);
    for name in FORWARDED {
        for v in headers.get_all(&name) {
            out.append(name.clone(), v.clone());
        }
    }
    if let Ok(v) = http::HeaderValue::from_str(&encode_component(directory)) {
        out.insert(http::header::HeaderName::from_static(DIRECTORY_HEADER), v);
    }
    out
}

/// What a session creation body asks for, once checked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CreateBody {
    /// `parentID`: must be a session of the active folder.
    pub parent: Option<String>,
    /// `id` (v2: the client chooses it): must not be another folder's
    /// session (OpenCode answers an existing id with that session).
    pub id: Option<String>,
}

/// A request body the proxy must read to check: empty is `None`; anything
/// else must be JSON it can parse (a body it cannot read, say with a lone
/// UTF-16 surrogate that OpenCode's parser would take, is not forwarded).
fn json_body(body: &[u8]) -> Result<Option<Value>, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| Refusal::invalid(format!("the body must be JSON the proxy can check: {e}")))
}

/// Check a session creation body: no `workspaceID` (top level or in
/// `location`), a `location.directory` only for the active folder.
pub fn check_create_body(body: &[u8], directory: &str) -> Result<CreateBody, Refusal> {
    let Some(Value::Object(obj)) = json_body(body)? else {
        return Ok(CreateBody::default());
    };
    let refuse_workspace = |what: &str| {
        Refusal::forbidden(
            format!("`{what}`: this host only exposes its active workspace {directory}"),
            serde_json::json!({ "field": what }),
        )
    };
    if obj.get("workspaceID").is_some_and(|v| !v.is_null()) {
        return Err(refuse_workspace("workspaceID"));
    }
    if let Some(loc) = obj.get("location").filter(|v| !v.is_null()) {
        let Some(loc) = loc.as_object() else {
            return Err(Refusal::invalid("`location` must be an object"));
        };
        if loc.get("workspaceID").is_some_and(|v| !v.is_null()) || loc.get("workspace").is_some_and(|v| !v.is_null()) {
            return Err(refuse_workspace("location.workspaceID"));
        }
        match loc.get("directory") {
            None | Some(Value::Null) => {}
            Some(Value::String(d)) if same_dir(d, directory) => {}
            Some(other) => {
                let asked = other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string());
                return Err(Refusal::other_folder(&asked, directory));
            }
        }
    }
    let string = |key: &str| match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Refusal::invalid(format!("`{key}` must be a string"))),
    };
    Ok(CreateBody { parent: string("parentID")?, id: string("id")? })
}

/// Check the files a prompt names (every `url`/`uri` string with a `file:`
/// scheme, every `path` of a `source`): each must be inside `directory`
/// (lexically; `..` that leaves it, or an absolute path elsewhere, is
/// refused). URLs other than `file:` and `data:` are refused (OpenCode
/// would fetch them from the host).
pub fn check_file_refs(body: &[u8], directory: &str) -> Result<(), Refusal> {
    let Some(value) = json_body(body)? else { return Ok(()) };
    let mut refs = Vec::new();
    collect_refs(&value, false, &mut refs);
    for (what, r) in refs {
        let path = match what {
            Ref::Url => match r.split_once(':') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("file") => {
                    let rest = rest.strip_prefix("//").map(|r| r.strip_prefix("localhost").unwrap_or(r)).unwrap_or(rest);
                    percent_encoding::percent_decode_str(rest).decode_utf8_lossy().into_owned()
                }
                Some((scheme, _)) if scheme.eq_ignore_ascii_case("data") => continue,
                _ => {
                    return Err(Refusal::forbidden(
                        "a prompt may attach files of the workspace (`file:`) or inline data (`data:`), nothing else",
                        serde_json::json!({ "url": r }),
                    ))
                }
            },
            Ref::Path => r.to_string(),
        };
        if !inside(directory, &path) {
            return Err(Refusal::forbidden(
                format!("`{path}` is not in the workspace {directory}"),
                serde_json::json!({ "path": path, "active": directory }),
            ));
        }
    }
    Ok(())
}

enum Ref {
    Url,
    Path,
}

fn collect_refs<'a>(v: &'a Value, in_source: bool, out: &mut Vec<(Ref, &'a str)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("url" | "uri", Value::String(s)) => out.push((Ref::Url, s)),
                    ("path", Value::String(s)) if in_source => out.push((Ref::Path, s)),
                    _ => collect_refs(x, k == "source", out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, false, out)),
        _ => {}
    }
}

/// Whether `path` (absolute, or relative to `directory`) stays inside
/// `directory` once `.` and `..` are resolved (lexically).
pub fn inside(directory: &str, path: &str) -> bool {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{directory}/{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return false;
                }
            }
            s => parts.push(s),
        }
    }
    let root: Vec<&str> = directory.split('/').filter(|s| !s.is_empty()).collect();
    parts.len() >= root.len() && parts[..root.len()] == root[..]
}

/// Whether a permission reply body answers `always` (v1 `reply`/`response`,
/// v2 `reply`).
pub fn is_always_reply(body: &[u8]) -> Result<bool, Refusal> {
    let Some(v) = json_body(body)? else { return Ok(false) };
    let answer = v.get("reply").or_else(|| v.get("response")).and_then(Value::as_str).unwrap_or_default();
    Ok(answer.eq_ignore_ascii_case("always"))
}

/// A credentials body must be an API key: `{"type": "api", "key": "<non-empty>"}`
/// (nothing else: OAuth tokens and "well-known" credentials are refused).
pub fn check_api_key(body: &[u8]) -> Result<(), Refusal> {
    let v: Value = serde_json::from_slice(body).map_err(|e| Refusal::invalid(format!("invalid JSON body: {e}")))?;
    let ok = v.as_object().is_some_and(|o| {
        o.get("type").and_then(Value::as_str) == Some("api")
            && o.get("key").and_then(Value::as_str).is_some_and(|k| !k.is_empty())
            && o.keys().all(|k| k == "type" || k == "key")
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal::forbidden(
            "only API keys are accepted here: {\"type\": \"api\", \"key\": \"...\"} (OAuth sign-in stays on the host machine)",
            serde_json::json!({ "class": "credentials" }),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credentials_must_be_an_api_key() {
        assert!(check_api_key(br#"{"type":"api","key":"sk-1"}"#).is_ok());
        for bad in [
            &br#"{"type":"oauth","refresh":"r","access":"a","expires":1}"#[..],
            br#"{"type":"api","key":""}"#,
            br#"{"type":"api","key":"k","extra":1}"#,
            br#"{"type":"wellknown","key":"k","token":"t"}"#,
            br#"[]"#,
        ] {
            assert!(check_api_key(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    use super::*;
    use crate::routes::find;

    fn route(method: http::Method, p: &str) -> &'static Route {
        find(&method, &crate::path::decode(p).unwrap()).unwrap().0
    }

    #[test]
    fn location_inputs_are_checked_and_replaced() {
        let r = route(http::Method::GET, "/file/content");
        let q = query(Some("path=src%2Fa.rs&directory=%2Fws&x=1+2"), r, "/ws", None).unwrap();
        assert_eq!(q, "path=src%2Fa.rs&x=1+2&directory=%2Fws");
        for bad in [
            "directory=%2Fetc",
            "directory=/etc",
            "dir%65ctory=/etc",
            "Directory=/etc",
            "DIRECTORY=/etc",
            "location[directory]=/etc",
            "location%5Bdirectory%5D=/etc",
            "location%5bdirectory%5d=/etc",
            "location.directory=/etc",
            "LOCATION[Directory]=/etc",
            "location[workspace]=wrk_1",
            "workspace=wrk_1",
            "location=%7B%7D",
            "directory=%252Fetc",
            "dir%2565ctory=/etc",
            "path=/etc/passwd",
            "path=../other",
            "path=a%2F..%2F..%2Fb",
            "subpath=..",
        ] {
            assert!(query(Some(bad), r, "/ws", None).is_err(), "{bad}");
        }
        // Empty values and the active folder are fine (and replaced).
        assert_eq!(query(Some("directory=&workspace="), r, "/ws", None).unwrap(), "directory=%2Fws");
        assert_eq!(query(Some("directory=%2Fws%2F"), r, "/ws", None).unwrap(), "directory=%2Fws");
        // Dropped: listings are filtered instead.
        let r = route(http::Method::GET, "/session");
        assert_eq!(query(Some("scope=project&project=global&limit=5"), r, "/ws", None).unwrap(), "limit=5&directory=%2Fws");
        // v2 routes are pinned with location[directory]; projectID set by the proxy.
        let r = route(http::Method::GET, "/api/permission/saved");
        assert_eq!(
            query(Some("projectID=other"), r, "/w s", Some("p1")).unwrap(),
            "location%5Bdirectory%5D=%2Fw%20s&projectID=p1"
        );
    }

    #[test]
    fn prompts_attach_only_workspace_files() {
        let ok = |b: serde_json::Value| check_file_refs(b.to_string().as_bytes(), "/ws").is_ok();
        assert!(ok(serde_json::json!({"parts": [{"type": "text", "text": "hi"}]})));
        assert!(ok(serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws/src/a.rs"}]})));
        assert!(ok(serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws/my%20file.txt", "source": {"type": "file", "path": "src/a.rs", "text": {}}}]})));
        assert!(ok(serde_json::json!({"parts": [{"type": "file", "mime": "image/png", "url": "data:image/png;base64,AAAA"}]})));
        for bad in [
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///etc/passwd"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws/../other/secret.txt"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws%2F..%2Fother/s"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "FILE://localhost/etc/passwd"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws2/x"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "http://169.254.169.254/latest/meta-data"}]}),
            serde_json::json!({"parts": [{"type": "file", "mime": "text/plain", "url": "file:///ws/a", "source": {"type": "file", "path": "/etc/shadow"}}]}),
            serde_json::json!({"attachments": [{"uri": "file:///etc/passwd"}]}),
        ] {
            assert!(!ok(bad.clone()), "{bad}");
        }
        assert!(inside("/ws", "a/../b") && inside("/ws", "/ws") && !inside("/ws", "..") && !inside("/ws", "/ws/../x"));
        assert!(is_always_reply(br#"{"reply":"always"}"#).unwrap() && is_always_reply(br#"{"response":"Always"}"#).unwrap());
        assert!(!is_always_reply(br#"{"reply":"once"}"#).unwrap());
    }

    #[test]
    fn headers_and_bodies() {
        let mut h = http::HeaderMap::new();
        h.insert(DIRECTORY_HEADER, "%2Fws".parse().unwrap());
        assert!(check_headers(&h, "/ws").is_ok());
        h.append(DIRECTORY_HEADER, "/etc".parse().unwrap());
        assert!(check_headers(&h, "/ws").is_err());
        let mut h = http::HeaderMap::new();
        h.insert(WORKSPACE_HEADER, "wrk_1".parse().unwrap());
        assert!(check_headers(&h, "/ws").is_err());
        h.insert("authorization", "Bearer x".parse().unwrap());
        h.insert("cookie", "a=b".parse().unwrap());
        h.insert("content-type", "application/json".parse().unwrap());
        let f = forwarded_headers(&h, "/w s");
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[DIRECTORY_HEADER], "%2Fw%20s");

        assert_eq!(check_create_body(b"{\"title\":\"x\",\"parentID\":\"ses_1\"}", "/ws").unwrap().parent.as_deref(), Some("ses_1"));
        assert!(check_create_body(b"{\"workspaceID\":\"wrk_1\"}", "/ws").is_err());
        assert!(check_create_body(b"{\"location\":{\"directory\":\"/etc\"}}", "/ws").is_err());
        assert!(check_create_body(b"{\"location\":{\"directory\":\"/ws\",\"workspaceID\":\"wrk_1\"}}", "/ws").is_err());
        assert!(check_create_body(b"{\"location\":{\"directory\":\"/ws\"}}", "/ws").is_ok());
        assert!(check_create_body(b"{\"location\":\"/etc\"}", "/ws").is_err());
        assert!(check_create_body(b"", "/ws").is_ok());
        // What serde_json cannot read is not forwarded (OpenCode's parser
        // accepts a lone surrogate; the check would be skipped).
        assert!(check_create_body(br#"{"agent":"\ud800","location":{"directory":"/etc"}}"#, "/ws").is_err());
        assert!(check_create_body(b"{not json", "/ws").is_err());
        assert_eq!(check_create_body(b"{\"id\":\"ses_x\"}", "/ws").unwrap().id.as_deref(), Some("ses_x"));
        assert!(check_create_body(b"{\"id\":5}", "/ws").is_err());
    }
}
