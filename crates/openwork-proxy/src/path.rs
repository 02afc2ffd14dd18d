//! Paths as OpenCode routes them: percent-decoded once.
//!
//! OpenCode decodes the request path before routing (`/%61uth/openai` is
//! `/auth/openai`), so every decision is made on the decoded segments, and
//! what is forwarded is those segments encoded again canonically: OpenCode
//! sees exactly the path that was decided on. Refused, because they would be
//! read differently by someone along the way: anything still percent-encoded
//! after one decoding (double encoding), an encoded `/` or `\`, a raw `\`,
//! NUL and other control characters, `.` and `..` segments, empty segments
//! (`//`, a trailing `/`) and bytes that are not UTF-8.
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Why a path is refused (400 `invalid_request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError(pub &'static str);

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether `s` contains a percent-escape (`%` and two hex digits).
pub fn has_escape(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Decode one path segment (or query component) once: valid UTF-8, no
/// escape left, no control character.
pub fn decode_once(raw: &str) -> Result<String, PathError> {
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| PathError("the path is not UTF-8 once percent-decoded"))?
        .into_owned();
    if has_escape(&decoded) {
        return Err(PathError("the path is percent-encoded twice"));
    }
    if decoded.chars().any(char::is_control) {
        return Err(PathError("control characters (NUL, CR, LF, ...) are not allowed in paths"));
    }
    Ok(decoded)
}

/// The decoded segments of `raw` (`/a/b%20c` → `["a", "b c"]`; `/` → `[]`).
pub fn decode(raw: &str) -> Result<Vec<String>, PathError> {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || raw.contains('\\') {
        return Err(PathError("encoded slashes and backslashes are not allowed in paths"));
    }
    let rest = raw.strip_prefix('/').ok_or(PathError("the path must start with `/`"))?;
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    rest.split('/')
        .map(|seg| {
            if seg.is_empty() {
                return Err(PathError("empty path segments (`//`, a trailing `/`) are not allowed"));
            }
            let d = decode_once(seg)?;
            if d == "." || d == ".." {
                return Err(PathError("`.` and `..` path segments are not allowed"));
            }
            Ok(d)
        })
        .collect()
}

/// Characters of a segment sent as they are (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Characters `encodeURIComponent` leaves alone; everything else is encoded,
/// so a value survives OpenCode's `decodeURIComponent` (a space is `%20`,
/// never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The canonical path for decoded segments (`["a", "b c"]` → `/a/b%20c`).
pub fn encode(segments: &[String]) -> String {
    if segments.is_empty() {
        return "/".into();
    }
    segments.iter().map(|s| format!("/{}", utf8_percent_encode(s, SEGMENT))).collect()
}

/// `value` encoded as `encodeURIComponent` would (query values, the
/// directory header).
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Two directories name the same folder (a trailing `/` aside).
pub fn same_dir(a: &str, b: &str) -> bool {
    let trim = |s: &str| if s.len() > 1 { s.trim_end_matches('/').to_string() } else { s.to_string() };
    trim(a) == trim(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(raw: &str) -> Result<Vec<String>, PathError> {
        decode(raw)
    }

    #[test]
    fn decodes_once_and_reencodes_canonically() {
        assert_eq!(d("/").unwrap(), Vec::<String>::new());
        assert_eq!(d("/%61uth/openai").unwrap(), vec!["auth", "openai"]);
        assert_eq!(d("/global/%65vent").unwrap(), vec!["global", "event"]);
        assert_eq!(d("/api/fs/read/my%20file%2B1.txt").unwrap(), vec!["api", "fs", "read", "my file+1.txt"]);
        assert_eq!(d("/a/%C3%A9").unwrap(), vec!["a", "é"]);
        assert_eq!(encode(&d("/api/fs/read/my%20file+1%C3%A9.txt").unwrap()), "/api/fs/read/my%20file%2B1%C3%A9.txt");
        assert_eq!(encode(&d("/session/ses_1.x~y").unwrap()), "/session/ses_1.x~y");
        assert_eq!(encode(&[]), "/");
    }

    #[test]
    fn refuses_what_could_be_read_twice() {
        for bad in [
            "/session/../global/config",
            "/session/%2e%2e/global",
            "/session/%2E%2E",
            "/./session",
            "/%2e/session",
            "/a%2Fb",
            "/a%2fb",
            "/a%5Cb",
            "/a\\b",
            "//global/upgrade",
            "/session/",
            "/session//x",
            "/%2561uth/openai",
            "/a%25%32%66b",
            "/a%00b",
            "/a%0d%0aX-Injected:1",
            "/a%ff",
            "/a%C3",
            "session",
            "",
        ] {
            assert!(d(bad).is_err(), "{bad:?} should be refused");
        }
        // A lone `%` or an incomplete escape is not an escape: kept as text.
        assert_eq!(d("/100%25").unwrap(), vec!["100%"]);
        assert_eq!(d("/a%2").unwrap(), vec!["a%2"]);
    }

    #[test]
    fn components_and_dirs() {
        assert_eq!(encode_component("/a b+c/é"), "%2Fa%20b%2Bc%2F%C3%A9");
        assert!(same_dir("/ws/", "/ws"));
        assert!(same_dir("/", "/"));
        assert!(!same_dir("/ws2", "/ws"));
    }
}
