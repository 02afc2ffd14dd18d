//! JSON error bodies: `{ "code", "message", "details"? }`.
use serde::{Deserialize, Serialize};

/// Machine-readable error codes used by the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 401: missing or wrong token.
    Unauthorized,
    /// 403: the token is valid but not allowed to do this.
    Forbidden,
    /// 403: the host runs with `--read-only`.
    ReadOnly,
    /// 403: a write was denied or timed out waiting for approval.
    WriteDenied,
    /// 404: no such route or object.
    NotFound,
    /// 404: no such workspace.
    WorkspaceNotFound,
    /// 400: the request is malformed.
    InvalidRequest,
    /// 422: an existing config file on the host cannot be parsed (left untouched).
    InvalidConfig,
    /// 413: the request body is too large.
    PayloadTooLarge,
    /// 405: the route exists but not with this method (`Allow` lists those it has).
    MethodNotAllowed,
    /// 429: too many failed authentication attempts.
    TooManyRequests,
    /// 502: OpenCode answered in a way the proxy could not forward.
    BadGateway,
    /// 503: the engine is not running (starting, restarting, failed).
    EngineUnavailable,
    /// 504: the engine stopped answering while the request waited (it is
    /// being restarted).
    EngineUnresponsive,
    /// 500: a bug or an I/O failure on the host.
    InternalError,
    /// 507: the host's disk is full; nothing was changed.
    StorageFull,
}

impl ErrorCode {
    /// HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            Self::Unauthorized => 401,
            Self::Forbidden | Self::ReadOnly | Self::WriteDenied => 403,
            Self::NotFound | Self::WorkspaceNotFound => 404,
            Self::InvalidRequest => 400,
            Self::InvalidConfig => 422,
            Self::PayloadTooLarge => 413,
            Self::MethodNotAllowed => 405,
            Self::TooManyRequests => 429,
            Self::BadGateway => 502,
            Self::EngineUnavailable => 503,
            Self::EngineUnresponsive => 504,
            Self::InternalError => 500,
            Self::StorageFull => 507,
        }
    }
}

/// A JSON error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
    /// Extra structured context (engine state, positions, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    /// An error without details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), details: None }
    }

    /// Attach details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}
