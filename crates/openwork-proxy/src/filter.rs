//! Machine-wide views of OpenCode, cut down to the active folder: session
//! listings, the project list, the `{sessionID: status}` map and the event
//! streams that carry every folder's events. Also the SSE frame splitter
//! the streams are filtered with.
use serde_json::Value;

use crate::path::same_dir;
use crate::routes::{Listing, Stream};

/// The folder of a session object (v1 `directory`, v2 `location.directory`).
pub fn session_directory(session: &Value) -> Option<&str> {
    session
        .get("directory")
        .and_then(Value::as_str)
        .or_else(|| session.get("location").and_then(|l| l.get("directory")).and_then(Value::as_str))
}

/// A session object as OpenCode answers it for a single session (v1: the
/// object; v2: `{data: object}`).
pub fn single_session(body: &Value) -> &Value {
    match body.get("data") {
        Some(d) if d.is_object() => d,
        _ => body,
    }
}

/// Keep only the active folder's sessions in a listing; also returns the
/// ids kept (so the proxy knows whose they are). A body that is not the
/// expected shape is returned as an empty listing.
pub fn sessions(listing: Listing, body: &[u8], directory: &str) -> (Vec<u8>, Vec<String>) {
    let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let items = match listing {
        Listing::V1 => parsed.as_array().cloned(),
        Listing::V2 => parsed.get("data").and_then(Value::as_array).cloned(),
    }
    .unwrap_or_default();
    let kept: Vec<Value> =
        items.into_iter().filter(|s| session_directory(s).is_some_and(|d| same_dir(d, directory))).collect();
    let ids = kept.iter().filter_map(|s| s.get("id").and_then(Value::as_str).map(str::to_string)).collect();
    let out = match listing {
        Listing::V1 => Value::Array(kept),
        Listing::V2 => {
            let mut obj = parsed.as_object().cloned().unwrap_or_default();
            obj.insert("data".into(), Value::Array(kept));
            Value::Object(obj)
        }
    };
    (serde_json::to_vec(&out).unwrap_or_default(), ids)
}

/// Keep only `project` in `GET /project`'s list.
pub fn projects(body: &[u8], project: &str) -> Vec<u8> {
    let items: Vec<Value> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.get("id").and_then(Value::as_str) == Some(project))
        .collect();
    serde_json::to_vec(&Value::Array(items)).unwrap_or_default()
}

/// The session ids of `{data: {sessionID: status}}`.
pub fn active_session_ids(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("data").and_then(Value::as_object).map(|m| m.keys().cloned().collect()))
        .unwrap_or_default()
}

/// `{data: {sessionID: status}}` with only the sessions `keep` says.
pub fn active_sessions(body: &[u8], keep: impl Fn(&str) -> bool) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(body).unwrap_or_else(|_| serde_json::json!({ "data": {} }));
    if let Some(map) = v.get_mut("data").and_then(Value::as_object_mut) {
        map.retain(|id, _| keep(id));
    }
    serde_json::to_vec(&v).unwrap_or_default()
}

/// What replaces a secret in an answer.
pub const REDACTED: &str = "[redacted]";

/// `body` (JSON) with every credential replaced by [`REDACTED`]: string
/// values of keys like `key`, `apiKey`, `token`, `secret`, `password`,
/// `authorization` (any case), and every string under `headers` or
/// `environment` (MCP servers). Provider lists and the merged config carry the
/// host user's API keys (`auth.json`, global config); no client gets them.
/// A body that is not JSON is returned as is.
pub fn redact_secrets(body: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut v) => {
            redact(&mut v, false);
            serde_json::to_vec(&v).unwrap_or_default()
        }
        Err(_) => body.to_vec(),
    }
}

fn secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase().replace(['_', '-'], "");
    matches!(
        k.as_str(),
        "key" | "apikey" | "token" | "accesstoken" | "refreshtoken" | "idtoken" | "secret" | "clientsecret" | "password" | "authorization" | "cookie"
    )
}

fn redact(v: &mut Value, all_strings: bool) {
    match v {
        Value::String(s) if all_strings => *s = REDACTED.to_string(),
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let lower = k.to_ascii_lowercase();
                if secret_key(k) && x.is_string() {
                    *x = Value::String(REDACTED.to_string());
                } else {
                    redact(x, all_strings || matches!(lower.as_str(), "headers" | "environment"));
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redact(x, all_strings)),
        _ => {}
    }
}

/// Whether an SSE frame of `stream` may go to a client of `directory`.
///
/// - [`Stream::Folder`]: OpenCode's stream of that folder; every frame.
/// - [`Stream::Global`]: `data: {directory, project, payload}`; frames of
///   the folder, and folder-less `server.*` frames (connected, heartbeat).
/// - [`Stream::Api`]: `data: {type, location: {directory}, ...}`; the same.
///
/// Comments (`: heartbeat`) pass; a frame whose data is not JSON does not.
pub fn keep_frame(stream: Stream, frame: &[u8], directory: &str) -> bool {
    if stream == Stream::Folder {
        return true;
    }
    let data: Vec<&[u8]> = frame
        .split(|b| *b == b'\n')
        .filter_map(|line| line.strip_prefix(b"data:"))
        .map(|d| d.strip_prefix(b" ").unwrap_or(d))
        .collect();
    if data.is_empty() {
        return true;
    }
    let joined = data.join(&b'\n');
    let Ok(v) = serde_json::from_slice::<Value>(&joined) else { return false };
    let (dir, kind) = match stream {
        Stream::Global => (
            v.get("directory").and_then(Value::as_str),
            v.get("payload").and_then(|p| p.get("type")).and_then(Value::as_str),
        ),
        Stream::Api => (
            v.get("location").and_then(|l| l.get("directory")).and_then(Value::as_str),
            v.get("type").and_then(Value::as_str),
        ),
        Stream::Folder => unreachable!(),
    };
    match dir {
        Some(d) => same_dir(d, directory),
        None => kind.is_some_and(|k| k.starts_with("server.")),
    }
}

/// Splits a byte stream into whole SSE frames (up to and including the
/// blank line), without rescanning bytes already searched.
#[derive(Debug, Default)]
pub struct SseFrames {
    buf: Vec<u8>,
    scanned: usize,
}

impl SseFrames {
    /// Add bytes; the frames now complete, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        loop {
            let from = self.scanned.saturating_sub(3);
            match frame_end(&self.buf[from..]).map(|e| from + e) {
                Some(end) => {
                    out.push(self.buf.drain(..end).collect());
                    self.scanned = 0;
                }
                None => {
                    self.scanned = self.buf.len();
                    return out;
                }
            }
        }
    }

    /// Bytes waiting for the end of their frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

/// Index just past the end of the first complete SSE frame in `buf`.
fn frame_end(buf: &[u8]) -> Option<usize> {
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4);
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a frame carries data (comments and keep-alives do not).
pub fn has_data(frame: &[u8]) -> bool {
    frame.split(|b| *b == b'\n').any(|line| line.starts_with(b"data"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn listings_keep_the_active_folder() {
        let v1 = json!([{"id": "a", "directory": "/ws"}, {"id": "b", "directory": "/other"}, {"id": "c"}]);
        let (out, ids) = sessions(Listing::V1, &serde_json::to_vec(&v1).unwrap(), "/ws");
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), json!([{"id": "a", "directory": "/ws"}]));
        assert_eq!(ids, vec!["a"]);
        let v2 = json!({"data": [{"id": "a", "location": {"directory": "/other"}}, {"id": "b", "location": {"directory": "/ws/"}}], "cursor": {}});
        let (out, ids) = sessions(Listing::V2, &serde_json::to_vec(&v2).unwrap(), "/ws");
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap()["data"], json!([{"id": "b", "location": {"directory": "/ws/"}}]));
        assert_eq!(ids, vec!["b"]);
        assert_eq!(sessions(Listing::V1, b"garbage", "/ws").0, b"[]");
        let p = json!([{"id": "global", "worktree": "/"}, {"id": "abc", "worktree": "/ws"}]);
        assert_eq!(projects(&serde_json::to_vec(&p).unwrap(), "abc"), serde_json::to_vec(&json!([{"id": "abc", "worktree": "/ws"}])).unwrap());
        let a = br#"{"data":{"s1":{"type":"busy"},"s2":{"type":"idle"}}}"#;
        assert_eq!(active_session_ids(a), vec!["s1", "s2"]);
        assert_eq!(active_sessions(a, |id| id == "s2"), br#"{"data":{"s2":{"type":"idle"}}}"#.to_vec());
    }

    #[test]
    fn secrets_are_redacted() {
        let body = json!({
            "all": [{"id": "anthropic", "key": "sk-ant-1", "env": ["ANTHROPIC_API_KEY"], "options": {"apiKey": "sk-2", "baseURL": "https://x"}}],
            "mcp": {"remote": {"headers": {"Authorization": "Bearer t", "X-Other": "v"}}, "local": {"environment": {"GITHUB_TOKEN": "ghp_x"}, "command": ["x"]}},
            "keybinds": {"leader": "ctrl+x"},
            "keys": ["not", "secret"],
        });
        let out: Value = serde_json::from_slice(&redact_secrets(body.to_string().as_bytes())).unwrap();
        let text = out.to_string();
        for secret in ["sk-ant-1", "sk-2", "Bearer t", "ghp_x", "\"v\""] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert_eq!(out["all"][0]["options"]["baseURL"], "https://x");
        assert_eq!(out["keybinds"]["leader"], "ctrl+x");
        assert_eq!(out["mcp"]["local"]["command"][0], "x");
        assert_eq!(out["all"][0]["env"], json!(["ANTHROPIC_API_KEY"]), "names of variables are not secrets");
        assert_eq!(redact_secrets(b"not json"), b"not json");
    }

    #[test]
    fn event_frames_of_other_folders_are_dropped() {
        let g = |d: &str| format!("data: {{\"directory\":\"{d}\",\"project\":\"p\",\"payload\":{{\"type\":\"session.created\"}}}}\n\n");
        assert!(keep_frame(Stream::Global, g("/ws").as_bytes(), "/ws"));
        assert!(!keep_frame(Stream::Global, g("/other").as_bytes(), "/ws"));
        assert!(keep_frame(Stream::Global, b"data: {\"payload\":{\"type\":\"server.connected\"}}\n\n", "/ws"));
        assert!(!keep_frame(Stream::Global, b"data: {\"payload\":{\"type\":\"installation.updated\"}}\n\n", "/ws"));
        assert!(keep_frame(Stream::Global, b": heartbeat\n\n", "/ws"));
        assert!(!keep_frame(Stream::Global, b"data: not json\n\n", "/ws"));
        let a = |d: &str| format!("data: {{\"type\":\"session.created\",\"location\":{{\"directory\":\"{d}\"}}}}\n\n");
        assert!(keep_frame(Stream::Api, a("/ws").as_bytes(), "/ws"));
        assert!(!keep_frame(Stream::Api, a("/other").as_bytes(), "/ws"));
        assert!(keep_frame(Stream::Api, b"data: {\"type\":\"server.connected\",\"data\":{}}\n\n", "/ws"));
        assert!(keep_frame(Stream::Folder, b"data: anything\n\n", "/ws"));
    }

    #[test]
    fn frames_are_split_on_blank_lines() {
        let mut f = SseFrames::default();
        assert!(f.push(b"data: a\n").is_empty());
        assert_eq!(f.push(b"\ndata: b\n\ndata: c"), vec![b"data: a\n\n".to_vec(), b"data: b\n\n".to_vec()]);
        assert_eq!(f.push(b"\r\n\r\n"), vec![b"data: c\r\n\r\n".to_vec()]);
        assert_eq!(f.pending(), 0);
        assert!(has_data(b": ping\ndata: x\n\n"));
        assert!(!has_data(b": ping\n\n"));
    }
}
