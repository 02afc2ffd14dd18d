//! `openwork`: run an OpenWork host, or connect to one.
//!
//! This binary stays thin: argument parsing and printing. The work is done
//! by `openwork-host` (host side) and `openwork-client` (client side).

mod client_cmds;
mod engine_cmd;
mod host_cmd;
mod local_host;
mod logging;
mod status_cmd;
mod token_cmd;

use clap::{Parser, Subcommand};

/// OpenWork: run OpenCode on this machine and let other devices use it, or
/// connect to such a host.
#[derive(Debug, Parser)]
#[command(name = "openwork", version, about, long_about = None, propagate_version = true)]
struct Cli {
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
    /// Show or rotate this machine's host tokens.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// Install or restart the OpenCode engine.
    #[command(subcommand)]
    Engine(engine_cmd::EngineCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Host(args) => host_cmd::run(args).await,
            Command::Connect(args) => client_cmds::run_connect(args).await,
            Command::Workspace(cmd) => client_cmds::run_workspace(cmd).await,
            Command::Status(args) => status_cmd::run(args).await,
            Command::Token(cmd) => token_cmd::run(cmd).await,
            Command::Engine(cmd) => engine_cmd::run(cmd).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
