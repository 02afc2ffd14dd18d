//! `openwork engine install|restart`.
use anyhow::{Context, Result};
use openwork_client::LocalHost;
use openwork_host::engine::binary;
use openwork_host::paths;
use openwork_wire::TESTED_OPENCODE_VERSION;

/// Engine (OpenCode) operations.
#[derive(Debug, clap::Subcommand)]
pub enum EngineCommand {
    /// Install OpenCode (npm package opencode-ai) into OpenWork's data dir.
    Install {
        /// Version to install.
        #[arg(long, default_value = TESTED_OPENCODE_VERSION)]
        version: String,
    },
    /// Restart the engine of the running host (also clears `failed`).
    Restart,
    /// Print which `opencode` binary a host would use, and its version.
    Which {
        /// Same as `openwork host --opencode-bin`.
        #[arg(long)]
        opencode_bin: Option<std::path::PathBuf>,
    },
}

/// Run an engine command.
pub async fn run(cmd: EngineCommand) -> Result<()> {
    match cmd {
        EngineCommand::Install { version } => {
            let dir = binary::install_dir(&paths::data_dir()?);
            binary::install(&dir, &version).await?;
        }
        EngineCommand::Restart => {
            let host = LocalHost::find()?.context("no OpenWork host is running on this machine")?;
            host.restart_engine().await?;
            println!("Engine restart requested; `openwork status` shows its progress.");
        }
        EngineCommand::Which { opencode_bin } => {
            let (bin, source) = binary::locate(opencode_bin.as_deref(), &paths::data_dir()?)?;
            let version = binary::version(&bin).await?;
            println!("{} ({source:?}) · OpenCode {version}", bin.display());
            if let Some(w) = binary::version_warning(&version) {
                println!("warning: {w}");
            }
        }
    }
    Ok(())
}
