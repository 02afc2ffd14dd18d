//! [`Error`]: the host's one error type, `{code, message, details?}` as
//! clients get it ([`openwork_wire::ErrorBody`]); the HTTP layer answers it
//! with the status of its code (`server::error`).
use openwork_wire::{ErrorBody, ErrorCode};

/// An error of the host's domain (extensions, switching, tokens), with the
/// wire code clients act on.
#[derive(Debug, Clone)]
pub struct Error(pub ErrorBody);

/// Results of the host's domain.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(ErrorBody::new(code, message))
    }

    /// Attach structured details.
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.0.details = Some(details);
        self
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 500 `internal_error`; the cause is logged, not sent. A full disk is
    /// 507 `storage_full` and a read-only file system says so, since the
    /// user can act on both.
    pub fn internal(cause: &anyhow::Error) -> Self {
        tracing::error!("internal error: {cause:#}");
        use std::io::ErrorKind;
        // tempfile wraps OS errors with the path, keeping only the kind.
        let kind = cause.chain().find_map(|e| e.downcast_ref::<std::io::Error>()).map(|e| e.kind());
        match kind {
            Some(ErrorKind::StorageFull | ErrorKind::QuotaExceeded) => Self::new(
                ErrorCode::StorageFull,
                "the host's disk is full; nothing was changed",
            ),
            Some(ErrorKind::ReadOnlyFilesystem) => Self::new(
                ErrorCode::InternalError,
                "the host's file system is read-only; nothing was changed",
            ),
            _ => Self::new(ErrorCode::InternalError, "internal error; see the host's log"),
        }
    }
}
