//! Host side of OpenWork. Layers, lowest first (a module only uses those
//! below it):
//!
//! - [`paths`], [`runtime`], [`tokens`], [`devices`], [`recent`],
//!   [`stamp`], [`error`]: files the host keeps, its tokens (host, client,
//!   devices, pairing codes), ids, its one error type.
//! - [`events`]: the host's event log; [`workspace`]: the folder served.
//! - [`engine`]: finds, starts, health-checks, restarts and stops `opencode
//!   serve` ([`engine::EngineSupervisor`]), and calls it ([`engine::EngineClient`]).
//! - [`watch`]: `config.changed` events from files edited on the host.
//! - [`extensions`]: skills, plugins, MCP servers, commands, config of the
//!   workspace, with approvals, audit and reloads.
//! - [`active`]: the active workspace and switching it.
//! - [`server`]: the authenticated OpenWork HTTP API and the `/opencode/*` proxy.
//! - [`host`]: [`host::RunningHost`], all of the above started and stopped as one.

pub mod active;
pub mod devices;
pub mod engine;
pub mod error;
pub mod events;
pub mod extensions;
pub mod host;
pub mod paths;
pub mod recent;
pub mod runtime;
pub mod server;
pub mod stamp;
pub mod tokens;
pub mod watch;
pub mod workspace;
