//! `openwork token show|rotate`.
use anyhow::{Context, Result};
use openwork_client::LocalHost;
use openwork_wire::runtime::{config_dir, mask, token_file};

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
    let file = token_file(&config_dir()?);
    match cmd {
        TokenCommand::Show { reveal } => {
            let tokens = openwork_client::runtime::read_tokens(&file)?.with_context(|| {
                format!("no tokens yet ({} is missing); run `openwork host` once", file.display())
            })?;
            let show = |t: &str| if reveal { t.to_string() } else { mask(t) };
            println!("Client token: {}", show(&tokens.client_token));
            println!("Host token:   {}", show(&tokens.host_token));
            println!("File:         {}", file.display());
        }
        TokenCommand::Rotate => {
            let fresh = match LocalHost::find()? {
                Some(host) => host.rotate_client_token().await?,
                None => openwork_host::tokens::rotate_client_in_file(&file)?,
            };
            println!("New client token: {fresh}");
            println!("Paired clients need this token now.");
        }
    }
    Ok(())
}
