//! `openwork token show|rotate`.
use anyhow::{Context, Result};
use openwork_host::tokens::{self, mask};
use openwork_host::paths;

use crate::local_host::LocalHost;

/// Token operations on this machine's host.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Show the stored client and host tokens (masked unless --reveal).
    Show {
        /// Print them in full.
        #[arg(long)]
        reveal: bool,
    },
    /// Replace the client token. Paired clients must use the new one. If a
    /// host is running it switches at once (the old token stops working).
    Rotate,
}

/// Run a token command.
pub async fn run(cmd: TokenCommand) -> Result<()> {
    let file = tokens::token_file(&paths::config_dir()?);
    match cmd {
        TokenCommand::Show { reveal } => {
            let (client, host) = tokens::read_stored(&file)?.with_context(|| {
                format!("no tokens yet ({} is missing); run `openwork host` once", file.display())
            })?;
            let show = |t: &str| if reveal { t.to_string() } else { mask(t) };
            println!("Client token: {}", show(&client));
            println!("Host token:   {}", show(&host));
            println!("File:         {}", file.display());
        }
        TokenCommand::Rotate => {
            let fresh = match LocalHost::find()? {
                Some(host) => {
                    let body = host.post_host("/tokens/rotate").await?;
                    body.get("clientToken")
                        .and_then(|t| t.as_str())
                        .context("the host did not return the new token")?
                        .to_string()
                }
                None => tokens::rotate_client_in_file(&file)?,
            };
            println!("New client token: {fresh}");
            println!("Paired clients need this token now.");
        }
    }
    Ok(())
}
