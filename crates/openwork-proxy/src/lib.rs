#![warn(missing_docs)]
//! The `/opencode` proxy: what may be forwarded to OpenCode, and how.
//!
//! One policy for the host (`openwork host`, `openwork-server`) and the
//! `openwork app` remote proxy:
//! - [`path`]: decisions are made on the percent-decoded path, and that very
//!   path is what is forwarded; double encodings, encoded separators, `..`,
//!   control characters are refused.
//! - [`routes`]: an allowlist of OpenCode's routes, each with a
//!   [`routes::Class`] (read, work, exec, config, machine); anything else is
//!   refused, machine-wide routes always.
//! - [`pin`]: every location input (query, headers, session creation
//!   bodies) must name the active folder; the proxy then sets it itself.
//! - [`decide`]: one request → a [`decide::Decision`] or a
//!   [`refusal::Refusal`]; what the host's modes allow per class.
//! - [`filter`]: machine-wide views (session listings, projects, the global
//!   event streams) cut down to the active folder.
//! - [`table`]: the policy as the Markdown table in SECURITY.md.
//! - [`forward`]: the forwarding itself (checks that need OpenCode, bodies
//!   and answers streamed, filtered answers), with [`hub`]'s shared event
//!   streams.
//! - [`upgrade`]: WebSocket upgrades (OpenCode's terminal), joined to
//!   OpenCode's byte for byte.

pub mod decide;
pub mod filter;
pub mod forward;
pub mod hub;
pub mod path;
pub mod pin;
pub mod refusal;
pub mod routes;
pub mod table;
pub mod upgrade;

pub use decide::{action, decide, Action, Decision, Modes, Refusal};
pub use forward::{ForwardError, Forwarder, Outgoing, Upstream};
pub use routes::{Class, Kind, Listing, Stream};
pub use upgrade::{is_websocket, Upgrade};
