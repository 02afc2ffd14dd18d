//! The app API's errors: the host's JSON shape, `{code, message, details?}`
//! ([`ErrorBody`] over [`ErrorCode`], whose codes from `app_unauthorized` on
//! are the app's own), answered with `Cache-Control: no-store`.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use openwork_client::{CallError, HandshakeError, SavedRemoteError};
use openwork_proxy::Refusal;
use openwork_wire::{ErrorBody, ErrorCode};

/// An error answer of the app: a status and an [`ErrorBody`].
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    body: Box<ErrorBody>,
}

/// What app handlers return.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// `code` with its status ([`ErrorCode::status`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self { status, body: Box::new(ErrorBody::new(code, message)) }
    }

    /// 500 `store_error`: the workspace store could not be used.
    pub fn store(e: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::StoreError, e.to_string())
    }

    /// A failed request to the host on this machine: its own error answer
    /// passed on (its status and code; `host_error` when it gave none), or
    /// 502 `unreachable` / `protocol_error`.
    pub fn from_local_host(e: CallError) -> Self {
        match e {
            CallError::Status { status, code, message, .. } => {
                let code = code.and_then(|c| serde_json::from_value(c.into()).ok()).unwrap_or(ErrorCode::HostError);
                let message = if message.is_empty() { "the host refused".to_string() } else { message };
                let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
                Self { status, body: Box::new(ErrorBody::new(code, message)) }
            }
            CallError::Unreachable { source, .. } => {
                Self::new(ErrorCode::Unreachable, format!("cannot reach the local host: {source}"))
            }
            e @ CallError::Body { .. } => Self::new(ErrorCode::ProtocolError, e.to_string()),
        }
    }

    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The code of the answer.
    pub fn code(&self) -> ErrorCode {
        self.body.code
    }
}

impl From<HandshakeError> for AppError {
    fn from(e: HandshakeError) -> Self {
        let code = match e {
            HandshakeError::AuthFailed { .. } => ErrorCode::AuthFailed,
            HandshakeError::OpencodeNeedsPassword { .. } => ErrorCode::NeedsPassword,
            HandshakeError::OpencodeWrongPassword { .. } => ErrorCode::WrongPassword,
            HandshakeError::Unreachable { .. } => ErrorCode::Unreachable,
            HandshakeError::NotRecognised { .. } => ErrorCode::NotRecognised,
            HandshakeError::InvalidUrl(_) => ErrorCode::InvalidUrl,
            HandshakeError::Protocol { .. } => ErrorCode::ProtocolError,
        };
        Self::new(code, e.to_string())
    }
}

impl From<SavedRemoteError> for AppError {
    fn from(e: SavedRemoteError) -> Self {
        match e {
            SavedRemoteError::Local(_) => Self::new(ErrorCode::NotRemote, "the active workspace is a local folder"),
            e @ (SavedRemoteError::NoHostUrl | SavedRemoteError::NoBaseUrl) => {
                Self::new(ErrorCode::ProtocolError, e.to_string())
            }
        }
    }
}

impl From<Refusal> for AppError {
    /// A refusal of the `/opencode` policy, as the host answers it.
    fn from(r: Refusal) -> Self {
        let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::FORBIDDEN);
        Self { status, body: Box::new(r.0) }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.body)).into_response();
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_shaped_like_the_hosts_errors() {
        assert!(std::mem::size_of::<AppError>() <= 16);
        let e = AppError::new(ErrorCode::NoLocalHost, "none");
        assert_eq!((e.status(), e.code()), (StatusCode::NOT_FOUND, ErrorCode::NoLocalHost));
        let resp = e.into_response();
        assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
    }

    #[test]
    fn the_local_hosts_errors_are_passed_on() {
        let refused = |code: Option<&str>| CallError::Status {
            what: "POST /tokens/rotate".into(),
            status: reqwest::StatusCode::FORBIDDEN,
            code: code.map(str::to_string),
            message: String::new(),
        };
        let e = AppError::from_local_host(refused(Some("forbidden")));
        assert_eq!((e.status(), e.code()), (StatusCode::FORBIDDEN, ErrorCode::Forbidden));
        assert_eq!(e.body.message, "the host refused");
        let e = AppError::from_local_host(refused(None));
        assert_eq!((e.status(), e.code()), (StatusCode::FORBIDDEN, ErrorCode::HostError));
    }
}
