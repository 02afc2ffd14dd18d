#![warn(missing_docs)]
//! Client side of OpenWork: the handshake that tells an OpenWork host from a
//! direct OpenCode server (and proves the connection with a real OpenCode
//! call), and the workspace store the CLI (and later a web app) keeps.
//!
//! - [`url`]: URL normalisation.
//! - [`probe`]: `GET /health` → [`Probe`] (OpenWork / not OpenWork / auth failed / unreachable).
//! - [`opencode`]: direct OpenCode calls (`/global/health`, `/path`, `/session`).
//! - [`handshake`]: [`handshake()`](handshake::handshake) and [`connect()`](handshake::connect).
//! - [`model`], [`ids`], [`store`], [`tokens`], [`migrate`]: the workspace store.
//! - [`events`]: [`HostEvents`], a resumable, self-reconnecting `/events` subscription.
//! - [`follow`]: [`follow_switch`], re-handshake and update the stored remote after a host switch.

pub mod error;
pub mod events;
pub mod follow;
mod fsutil;
pub mod handshake;
pub mod ids;
pub mod migrate;
pub mod model;
pub mod opencode;
pub mod probe;
pub mod store;
pub mod tokens;
pub mod transport;
pub mod url;

pub use error::{HandshakeError, StoreError};
pub use events::{EventItem, EventsError, HostEvent, HostEvents};
pub use follow::{adopt_switch, follow_switch, FollowError, SwitchedTo};
pub use handshake::{connect, handshake, Connected, Handshake, HandshakeOptions, HostInfo};
pub use model::{RemoteType, StoreFile, Upsert, WorkspaceEntry, WorkspaceType};
pub use opencode::{OpencodeAuth, OpencodeEndpoint};
pub use probe::{NotOpenWork, Probe};
pub use store::{ImportReport, Store};
pub use tokens::{Secrets, TokenFile};
