//! `openwork`: run an OpenWork host, or connect to one. Thin: the commands
//! are in the `openwork_cli` library.
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = openwork_cli::Cli::parse();
    openwork_cli::block_on(openwork_cli::run(cli))
}
