//! JSON error bodies: `{ "code", "message", "details"? }`.
use serde::{Deserialize, Serialize};

/// Machine-readable error codes used by the host, and by `openwork app`'s
/// own API (`/app/api/...`: the codes from `AppUnauthorized` on, which the
/// host never answers).
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
    /// 401 (app): the browser is not signed in to `openwork app`.
    AppUnauthorized,
    /// 401 (app): an OpenWork host refused the client token.
    AuthFailed,
    /// 401 (app): a direct OpenCode server needs a password.
    NeedsPassword,
    /// 401 (app): a direct OpenCode server refused the password.
    WrongPassword,
    /// 400 (app): the URL to connect to is not usable.
    InvalidUrl,
    /// 400 (app): the folder to host is not a folder on this machine.
    InvalidPath,
    /// 400 (app): the active workspace is a local folder, not a remote.
    NotRemote,
    /// 404 (app): no workspace is active.
    NoActiveWorkspace,
    /// 404 (app): a direct OpenCode remote has no such route (only `/opencode/*`).
    NotAvailable,
    /// 404 (app): no OpenWork host is running on this machine.
    NoLocalHost,
    /// 502 (app): the remote (or the local host) cannot be reached.
    Unreachable,
    /// 502 (app): the URL answered, but neither as OpenWork nor as OpenCode.
    NotRecognised,
    /// 502 (app): the remote answered in an unexpected way, or what is
    /// stored about it is incomplete.
    ProtocolError,
    /// 502 (app): the local host answered an error without a code (its own
    /// status is passed on).
    HostError,
    /// 500 (app): the workspace store could not be read or written.
    StoreError,
    /// 500 (app): `openwork host` could not be started.
    HostStartFailed,
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
            Self::AppUnauthorized | Self::AuthFailed | Self::NeedsPassword | Self::WrongPassword => 401,
            Self::InvalidUrl | Self::InvalidPath | Self::NotRemote => 400,
            Self::NoActiveWorkspace | Self::NotAvailable | Self::NoLocalHost => 404,
            Self::Unreachable | Self::NotRecognised | Self::ProtocolError | Self::HostError => 502,
            Self::StoreError | Self::HostStartFailed => 500,
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

#[cfg(test)]
mod tests {
    use super::ErrorCode::{self, *};

    #[test]
    fn app_codes_keep_their_wire_names_and_statuses() {
        let expected: [(ErrorCode, &str, u16); 16] = [
            (AppUnauthorized, "app_unauthorized", 401),
            (AuthFailed, "auth_failed", 401),
            (NeedsPassword, "needs_password", 401),
            (WrongPassword, "wrong_password", 401),
            (InvalidUrl, "invalid_url", 400),
            (InvalidPath, "invalid_path", 400),
            (NotRemote, "not_remote", 400),
            (NoActiveWorkspace, "no_active_workspace", 404),
            (NotAvailable, "not_available", 404),
            (NoLocalHost, "no_local_host", 404),
            (Unreachable, "unreachable", 502),
            (NotRecognised, "not_recognised", 502),
            (ProtocolError, "protocol_error", 502),
            (HostError, "host_error", 502),
            (StoreError, "store_error", 500),
            (HostStartFailed, "host_start_failed", 500),
        ];
        for (code, name, status) in expected {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
            assert_eq!(serde_json::from_value::<ErrorCode>(name.into()).unwrap(), code);
            assert_eq!(code.status(), status, "{name}");
        }
    }
}
