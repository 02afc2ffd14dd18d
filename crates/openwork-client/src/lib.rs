#![warn(missing_docs)]
//! Client side of OpenWork: the handshake that tells an OpenWork host from a
//! direct OpenCode server (and proves the connection with a real OpenCode
//! call), the workspace store, and access to hosts (the one on this machine,
//! and a remote's extensions) for the CLI and the app, which only print or
//! serve what this crate answers.
//!
//! - [`url`]: URL normalisation.
//! - [`probe`]: `GET /health` → [`Probe`] (OpenWork / not OpenWork / auth failed / unreachable).
//! - [`opencode`]: direct OpenCode calls (`/global/health`, `/path`, `/session`).
//! - [`handshake`]: [`handshake()`](handshake::handshake) and [`connect()`](handshake::connect).
//! - [`model`], [`ids`], [`store`], [`tokens`], [`migrate`]: the workspace store.
//! - [`saved`]: a proven connection saved ([`Store::save_connected`]), and a
//!   saved remote back as its address and credentials ([`SavedRemote`]).
//! - [`events`]: [`HostEvents`], a resumable, self-reconnecting `/events` subscription.
//! - [`follow`]: [`follow_switch`], re-handshake and update the stored remote after a host switch.
//! - [`pairing`]: a pairing link exchanged for this device's own token.
//! - [`local_host`]: [`LocalHost`], the host running on this machine
//!   (found through [`runtime`]: its runtime file and token file).
//! - [`extensions`]: [`Extensions`], a remote's skills, plugins, MCP servers,
//!   commands and config (the host's API, or a direct OpenCode's listings).
//! - [`call`]: one JSON request and its [`CallError`]; [`fsutil`]: atomic
//!   writes, private folders, bounded reads.

pub mod call;
pub mod error;
pub mod events;
pub mod extensions;
pub mod follow;
pub mod fsutil;
pub mod handshake;
pub mod ids;
pub mod local_host;
pub mod migrate;
pub mod model;
pub mod opencode;
pub mod pairing;
pub mod probe;
pub mod runtime;
pub mod saved;
pub mod store;
pub mod tokens;
pub mod transport;
pub mod url;

pub use call::CallError;
pub use error::{HandshakeError, StoreError};
pub use events::{EventItem, EventsError, HostEvent, HostEvents};
pub use extensions::{Extensions, ExtensionsError, HostExtensions, OpencodeExtensions};
pub use follow::{adopt_switch, follow_switch, FollowError, SwitchedTo};
pub use handshake::{connect, handshake, Connected, Handshake, HandshakeOptions, HostInfo};
pub use local_host::{LocalHost, LocalHostError};
pub use model::{RemoteType, StoreFile, Upsert, WorkspaceEntry, WorkspaceType};
pub use opencode::{OpencodeAuth, OpencodeEndpoint};
pub use probe::{NotOpenWork, Probe};
pub use saved::{RemoteAddress, SaveError, SavedRemote, SavedRemoteError, SavedWorkspace};
pub use store::{ImportReport, Store};
pub use tokens::{Secrets, TokenFile};
