//! Wire types shared by the OpenWork host and its clients.
//!
//! Everything that crosses the network between `openwork host` and a client
//! (the CLI, the web app, an existing OpenWork client) is defined here, once,
//! so both sides agree by construction. Field names follow the OpenWork wire
//! contract (camelCase JSON) of the existing OpenWork server.
//!
//! [`runtime`] has the files OpenWork programs on one machine share (the
//! running host's and app's runtime files, the host's token file) and where
//! they are.

pub mod api;
pub mod capabilities;
pub mod engine;
pub mod error;
pub mod health;
pub mod ids;
pub mod runtime;
pub mod workspace;

pub use capabilities::{Capabilities, Permission};
pub use engine::{EngineState, EngineStatus};
pub use error::{ErrorBody, ErrorCode};
pub use health::Health;
pub use workspace::{OpencodeTarget, Workspace, WorkspaceList};

/// Header carrying the host token on host-only operations.
pub const HOST_TOKEN_HEADER: &str = "x-openwork-host-token";

/// The HTTP Basic user name OpenCode's own clients send unless told
/// otherwise (any name works with a host's `/opencode` proxy).
pub const OPENCODE_BASIC_USER: &str = "opencode";

/// Path prefix under which the host proxies the OpenCode API.
pub const OPENCODE_PROXY_PREFIX: &str = "/opencode";

/// The OpenCode version this OpenWork release is tested against.
pub const TESTED_OPENCODE_VERSION: &str = "1.18.33";
