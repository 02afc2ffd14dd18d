#![warn(missing_docs)]
//! The `openwork` command (and what `openwork-server` shares with it): the
//! binaries only parse arguments and call in here; this crate parses, prints
//! and serves. The work is done by `openwork-host` (host side),
//! `openwork-client` (client side) and `openwork-app` (the app backend).
//!
//! - [`Cli`] and [`run`]: `openwork`'s commands.
//! - [`logging`]: the log subscriber; [`stop`]: Ctrl-C / SIGTERM;
//!   [`block_on`]: a binary's `main` around an async command.

mod app_cmd;
mod client_cmds;
mod engine_cmd;
mod ext_cmds;
mod host_cmd;
pub mod logging;
mod status_cmd;
pub mod stop;
mod token_cmd;

use std::future::Future;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// OpenWork: run OpenCode on this machine and let other devices use it, or
/// connect to such a host.
#[derive(Debug, Parser)]
#[command(name = "openwork", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Host a workspace: supervise `opencode serve` and serve the OpenWork API.
    Host(host_cmd::HostArgs),
    /// Connect to an OpenWork host (or, failing that, a plain OpenCode server) and remember it.
    Connect(client_cmds::ConnectArgs),
    /// List, switch, rename, remove or import remembered workspaces.
    #[command(subcommand)]
    Workspace(client_cmds::WorkspaceCommand),
    /// Show the host running on this machine and the active remote's connection state.
    Status(status_cmd::StatusArgs),
    /// This machine's host tokens: show, rotate; device tokens: add, list, revoke.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// Pair a device: a one-time link and QR code (no long-lived token in it).
    Pair(token_cmd::PairArgs),
    /// Install or restart the OpenCode engine.
    #[command(subcommand)]
    Engine(engine_cmd::EngineCommand),
    /// Open the web app: a local backend on 127.0.0.1 serving the UI.
    App(app_cmd::AppArgs),
    /// Skills of the active remote workspace: list, add (file, folder, archive), remove.
    Skills(ext_cmds::SkillsArgs),
    /// Plugins of the active remote workspace: list, add, remove.
    Plugins(ext_cmds::PluginsArgs),
    /// MCP servers of the active remote workspace: list, add, remove, enable, disable.
    Mcp(ext_cmds::McpArgs),
    /// Commands of the active remote workspace: list, add, remove.
    Commands(ext_cmds::CommandsArgs),
    /// On the host machine: list, allow or deny writes waiting for approval (`--approval manual`).
    #[command(subcommand)]
    Approvals(ext_cmds::ApprovalsCommand),
}

/// Run one `openwork` command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Host(args) => host_cmd::run(args).await,
        Command::Connect(args) => client_cmds::run_connect(args).await,
        Command::Workspace(cmd) => client_cmds::run_workspace(cmd).await,
        Command::Status(args) => status_cmd::run(args).await,
        Command::Token(cmd) => token_cmd::run(cmd).await,
        Command::Pair(args) => token_cmd::pair(args).await,
        Command::Engine(cmd) => engine_cmd::run(cmd).await,
        Command::App(args) => app_cmd::run(args).await,
        Command::Skills(args) => ext_cmds::run_skills(args).await,
        Command::Plugins(args) => ext_cmds::run_plugins(args).await,
        Command::Mcp(args) => ext_cmds::run_mcp(args).await,
        Command::Commands(args) => ext_cmds::run_commands(args).await,
        Command::Approvals(cmd) => ext_cmds::run_approvals(cmd).await,
    }
}

/// A binary's `main`: run `command` on a multi-threaded runtime; on error,
/// print it with its causes (`error: …: …`) and exit with status 1.
pub fn block_on(command: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
