//! Errors at the crate boundary.
use std::path::PathBuf;

use crate::url::UrlError;

/// Why a handshake or connect failed. The messages are meant for people.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// The URL could not be normalised.
    #[error(transparent)]
    InvalidUrl(#[from] UrlError),
    /// An OpenWork host answered 401/403: the token is missing or wrong.
    /// The client never falls back to OpenCode in this case.
    #[error("{url} is an OpenWork host but refused access (HTTP {status}): {hint}")]
    AuthFailed {
        /// Host URL.
        url: String,
        /// 401 or 403.
        status: u16,
        /// What to do about it.
        hint: String,
    },
    /// A direct OpenCode server asked for HTTP Basic auth and no password was given.
    #[error(
        "this OpenCode server ({url}) needs a password: pass --opencode-password or set OPENCODE_SERVER_PASSWORD \
         (user name `opencode`, or set OPENCODE_SERVER_USERNAME)"
    )]
    OpencodeNeedsPassword {
        /// OpenCode base URL.
        url: String,
    },
    /// A direct OpenCode server rejected the password.
    #[error("the OpenCode server ({url}) rejected the password for user `{username}`")]
    OpencodeWrongPassword {
        /// OpenCode base URL.
        url: String,
        /// User name that was tried.
        username: String,
    },
    /// No answer within the bound, name resolution failed, or nothing listens.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The URL tried.
        url: String,
        /// What happened, in words.
        reason: String,
    },
    /// Something answered, but it is neither an OpenWork host nor OpenCode.
    #[error("{url} is neither an OpenWork host ({openwork}) nor an OpenCode server ({opencode})")]
    NotRecognised {
        /// The URL tried.
        url: String,
        /// Why it is not OpenWork.
        openwork: String,
        /// Why it is not OpenCode.
        opencode: String,
    },
    /// A server answered in an unexpected way after it was recognised.
    #[error("unexpected answer from {url}: {message}")]
    Protocol {
        /// The URL involved.
        url: String,
        /// What was wrong.
        message: String,
    },
}

impl HandshakeError {
    /// An [`HandshakeError::AuthFailed`] with the right hint for a missing or a wrong token.
    pub fn auth_failed(url: &str, status: u16, token_given: bool) -> Self {
        let hint = if token_given {
            "the token is wrong or was rotated; get a fresh one from the host (`openwork token show`)".to_string()
        } else {
            "no token was given; pass --token or set OPENWORK_TOKEN".to_string()
        };
        Self::AuthFailed { url: url.to_string(), status, hint }
    }
}

/// Why the workspace store could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file system operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("read", "write", "lock", ...).
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file did not parse; it was moved aside to `backup` and left for the user.
    #[error("{path} is corrupt ({reason}); it was kept as {backup} and a new empty store will be started")]
    Corrupt {
        /// The store file.
        path: PathBuf,
        /// Where its content now is.
        backup: PathBuf,
        /// Parser message.
        reason: String,
    },
    /// The file was written by a newer OpenWork; it is left untouched.
    #[error("{path} has format version {found}, newer than this OpenWork supports ({supported}); upgrade OpenWork")]
    TooNew {
        /// The store file.
        path: PathBuf,
        /// Version found.
        found: u64,
        /// Newest version this build reads.
        supported: u64,
    },
    /// A file to import is not a workspace file this build understands.
    #[error("{path}: {reason}")]
    Unrecognised {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// No data directory could be determined.
    #[error("no data directory: set OPENWORK_DATA_DIR")]
    NoDataDir,
}
