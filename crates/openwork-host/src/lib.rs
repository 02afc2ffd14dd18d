//! Host side of OpenWork.
//!
//! - [`engine`]: finds, starts, health-checks, restarts and stops `opencode serve`
//!   ([`engine::EngineSupervisor`]).
//! - [`tokens`]: client and host tokens, persisted 0600, compared in constant time.
//! - [`extensions`]: skills, plugins, MCP servers, commands, config of the workspace.
//! - [`server`]: the authenticated OpenWork HTTP API and the `/opencode/*` proxy.
//! - [`host`]: [`host::RunningHost`], all of the above started and stopped as one.
//! - [`recent`]: the host's remembered (active and recent) workspaces.
//! - [`watch`]: `config.changed` events from files edited on the host.
//! - [`paths`]: where the host keeps its files.
//! - [`runtime`]: the "a host is running here" file read by `openwork status`.

pub mod engine;
pub mod extensions;
pub mod host;
pub mod paths;
pub mod recent;
pub mod watch;
pub mod runtime;
pub mod server;
pub mod tokens;
