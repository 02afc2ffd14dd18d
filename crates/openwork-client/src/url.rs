//! URL normalisation: one spelling per server, so ids and comparisons are stable.
//!
//! Rules (applied by [`normalize_url`]):
//! - surrounding whitespace is trimmed;
//! - a missing scheme defaults to `http://` (`localhost:4096` → `http://localhost:4096`);
//! - only `http` and `https` are accepted, and the scheme is lower-cased;
//! - the host is lower-cased (IDNA as the `url` crate does it);
//! - default ports (80 for http, 443 for https) are dropped;
//! - query and fragment are dropped, trailing slashes of the path are removed
//!   (`http://h/opencode/` → `http://h/opencode`, `http://h/` → `http://h`);
//! - credentials in the URL are refused (pass tokens and passwords separately).

/// Why a URL could not be normalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// The input was empty after trimming.
    #[error("the URL is empty")]
    Empty,
    /// The `url` crate could not parse it.
    #[error("`{input}` is not a valid URL: {reason}")]
    Parse {
        /// What the user typed.
        input: String,
        /// The parser's complaint.
        reason: String,
    },
    /// A scheme other than http/https.
    #[error("`{input}`: unsupported scheme `{scheme}` (use http:// or https://)")]
    Scheme {
        /// What the user typed.
        input: String,
        /// The scheme found.
        scheme: String,
    },
    /// The URL has no host.
    #[error("`{input}` has no host")]
    NoHost {
        /// What the user typed.
        input: String,
    },
    /// The URL carries a user name or password.
    #[error("`{input}` contains credentials; pass them with --token or --opencode-password instead")]
    Credentials {
        /// What the user typed, with the credentials removed.
        input: String,
    },
}

/// Normalise a server URL (see the module docs for the rules).
///
/// ```
/// use openwork_client::url::normalize_url;
/// assert_eq!(normalize_url("LocalHost:8787/").unwrap(), "http://localhost:8787");
/// assert_eq!(normalize_url("https://Example.COM:443/opencode/").unwrap(), "https://example.com/opencode");
/// ```
pub fn normalize_url(input: &str) -> Result<String, UrlError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(UrlError::Empty);
    }
    let with_scheme = if has_scheme(trimmed) { trimmed.to_string() } else { format!("http://{trimmed}") };
    let parsed = url::Url::parse(&with_scheme)
        .map_err(|e| UrlError::Parse { input: trimmed.to_string(), reason: e.to_string() })?;
    let scheme = parsed.scheme();
    if scheme != "http" && scheme != "https" {
        return Err(UrlError::Scheme { input: trimmed.to_string(), scheme: scheme.to_string() });
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let mut redacted = parsed.clone();
        let _ = redacted.set_username("");
        let _ = redacted.set_password(None);
        return Err(UrlError::Credentials { input: redacted.to_string() });
    }
    let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| UrlError::NoHost { input: trimmed.to_string() })?;
    let mut out = format!("{scheme}://{}", host.to_ascii_lowercase());
    if let Some(port) = parsed.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(parsed.path().trim_end_matches('/'));
    Ok(out)
}

/// Whether `s` starts with `scheme://` (so `localhost:80` is not taken as scheme `localhost`).
fn has_scheme(s: &str) -> bool {
    match s.find("://") {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Append an absolute `path` (starting with `/`) to a normalised base URL.
///
/// `join("http://h/opencode", "/session")` → `http://h/opencode/session`.
pub fn join(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

/// Normalise a directory for comparison and ids: trailing slashes are removed
/// (except for `/` itself); surrounding whitespace is trimmed.
pub fn normalize_directory(dir: &str) -> String {
    let t = dir.trim();
    let stripped = t.trim_end_matches('/');
    if stripped.is_empty() && t.starts_with('/') {
        "/".to_string()
    } else {
        stripped.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_scheme_and_strips_trailing_slash() {
        assert_eq!(normalize_url("localhost:4096").unwrap(), "http://localhost:4096");
        assert_eq!(normalize_url("  127.0.0.1:8787/ ").unwrap(), "http://127.0.0.1:8787");
        assert_eq!(normalize_url("example.com").unwrap(), "http://example.com");
        assert_eq!(normalize_url("http://h/opencode///").unwrap(), "http://h/opencode");
    }

    #[test]
    fn lowercases_scheme_and_host_but_not_path() {
        assert_eq!(normalize_url("HTTPS://Host.Example.ORG/OpenCode").unwrap(), "https://host.example.org/OpenCode");
    }

    #[test]
    fn drops_default_ports_only() {
        assert_eq!(normalize_url("http://h:80/").unwrap(), "http://h");
        assert_eq!(normalize_url("https://h:443").unwrap(), "https://h");
        assert_eq!(normalize_url("https://h:80").unwrap(), "https://h:80");
        assert_eq!(normalize_url("http://h:443").unwrap(), "http://h:443");
    }

    #[test]
    fn drops_query_and_fragment() {
        assert_eq!(normalize_url("http://h:1/x/?a=b#c").unwrap(), "http://h:1/x");
    }

    #[test]
    fn ipv6_keeps_brackets() {
        assert_eq!(normalize_url("http://[::1]:8787/").unwrap(), "http://[::1]:8787");
    }

    #[test]
    fn same_server_spelled_differently_is_equal() {
        let a = normalize_url("LOCALHOST:80/").unwrap();
        let b = normalize_url("http://localhost").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(normalize_url("   "), Err(UrlError::Empty));
        assert!(matches!(normalize_url("ftp://h"), Err(UrlError::Scheme { .. })));
        assert!(matches!(normalize_url("http://user:pw@h"), Err(UrlError::Credentials { .. })));
        assert!(matches!(normalize_url("http://"), Err(UrlError::Parse { .. } | UrlError::NoHost { .. })));
        // The password must not be echoed back.
        let err = normalize_url("http://user:secret@h").unwrap_err().to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn join_and_directory() {
        assert_eq!(join("http://h/opencode", "/session"), "http://h/opencode/session");
        assert_eq!(join("http://h", "/health"), "http://h/health");
        assert_eq!(normalize_directory("/a/b/"), "/a/b");
        assert_eq!(normalize_directory("/"), "/");
        assert_eq!(normalize_directory(""), "");
    }
}
