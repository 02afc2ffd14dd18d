//! One JSON request to an OpenWork host (or a direct OpenCode) and its
//! answer: the body as the type asked for, or a [`CallError`] that says which
//! request failed and how (no answer; an error answer, with the host's
//! `{code, message}`; a body that is not what was expected).
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

/// Longest part of a non-JSON error body kept in a [`CallError::Status`].
const MAX_TEXT: usize = 500;

/// Why a request to a host (or OpenCode) failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// No answer: nothing listens, the connection broke, or it timed out.
    #[error("could not reach {url}")]
    Unreachable {
        /// The URL asked.
        url: String,
        /// What happened.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status.
    #[error("{what}: {status} {}: {message}", code.as_deref().unwrap_or("error"))]
    Status {
        /// `METHOD /path`.
        what: String,
        /// The HTTP status.
        status: StatusCode,
        /// The `code` of a JSON error body (an [`openwork_wire::ErrorCode`] from a host).
        code: Option<String>,
        /// The `message` of a JSON error body, else the body's text.
        message: String,
    },
    /// A success whose body is not what the API says it is.
    #[error("{what}: unexpected answer")]
    Body {
        /// `METHOD /path`.
        what: String,
        /// The parser's message.
        #[source]
        source: serde_json::Error,
    },
}

/// Send `req` and read its JSON answer as `T`.
pub(crate) async fn json<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, CallError> {
    let (client, req) = req.build_split();
    let req = req.map_err(|source| CallError::Unreachable { url: source.url().map(|u| u.to_string()).unwrap_or_default(), source })?;
    let what = format!("{} {}", req.method(), req.url().path());
    let url = req.url().to_string();
    let resp = client.execute(req).await.map_err(|source| CallError::Unreachable { url: url.clone(), source })?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|source| CallError::Unreachable { url, source })?;
    if !status.is_success() {
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let message = text("message").unwrap_or_else(|| String::from_utf8_lossy(&bytes).trim().chars().take(MAX_TEXT).collect());
        return Err(CallError::Status { what, status, code: text("code"), message });
    }
    serde_json::from_slice(&bytes).map_err(|source| CallError::Body { what, source })
}

/// `s` as one path segment: percent-encoded, a space as `%20`.
pub(crate) fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(segment("a b/c+d"), "a%20b%2Fc%2Bd");
        assert_eq!(segment("apr_0123"), "apr_0123");
    }
}
