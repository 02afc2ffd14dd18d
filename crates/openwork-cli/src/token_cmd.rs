//! `openwork token show|rotate|add|list|revoke` and `openwork pair`.
use anyhow::{Context, Result};
use openwork_client::LocalHost;
use openwork_wire::api::{NewToken, PairingRequest};
use openwork_wire::runtime::{config_dir, mask, token_file};

/// Token operations on this machine's host.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Show the stored client and host tokens (masked unless --reveal).
    Show {
        /// Print them in full.
        #[arg(long)]
        reveal: bool,
        /// Print only this token, in full, and nothing else (for scripts:
        /// `T=$(openwork token show --only client)`).
        #[arg(long, value_enum, conflicts_with = "reveal")]
        only: Option<WhichToken>,
    },
    /// Replace the client token. Paired clients must use the new one. If a
    /// host is running it switches at once (the old token stops working).
    Rotate,
    /// Make a device token (printed once; stored hashed on the host).
    /// Prefer `openwork pair`: the device gets its token without it being
    /// copied around.
    Add {
        /// What it may do: `viewer` (read), `collaborator` (+ prompts,
        /// commands, terminals) or `owner` (+ config, extensions, tokens).
        #[arg(long, default_value = "collaborator")]
        scope: String,
        /// Who or what it is for.
        #[arg(long)]
        label: Option<String>,
    },
    /// List the device tokens (never the tokens themselves).
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device token: it stops working at once and its open streams end.
    Revoke {
        /// Its id (`tok_…`, see `openwork token list`).
        id: String,
    },
}

/// One of the host's own tokens.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum WhichToken {
    /// The client token (an owner device token).
    Client,
    /// The host token (host-only operations).
    Host,
}

/// `openwork pair`: a one-time link (and QR code) a device opens to get its
/// own token.
#[derive(Debug, clap::Args)]
pub struct PairArgs {
    /// Scope of the device's token: `viewer`, `collaborator` or `owner`.
    #[arg(long, default_value = "collaborator")]
    scope: String,
    /// Name of the device.
    #[arg(long)]
    label: Option<String>,
    /// Print JSON `{code, url, expiresAt, scope}` instead of the QR code.
    #[arg(long)]
    json: bool,
}

fn running_host() -> Result<LocalHost> {
    LocalHost::find()?.context("no OpenWork host is running on this machine (start one with `openwork host`)")
}

/// Run a token command.
pub async fn run(cmd: TokenCommand) -> Result<()> {
    let file = token_file(&config_dir()?);
    match cmd {
        TokenCommand::Show { reveal, only } => {
            let tokens = openwork_client::runtime::read_tokens(&file)?.with_context(|| {
                format!("no tokens yet ({} is missing); run `openwork host` once", file.display())
            })?;
            if let Some(which) = only {
                let bare = match which {
                    WhichToken::Client => &tokens.client_token,
                    WhichToken::Host => &tokens.host_token,
                };
                println!("{bare}");
                return Ok(());
            }
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
        TokenCommand::Add { scope, label } => {
            let t = running_host()?.add_token(&NewToken { scope, label }).await?;
            println!("{}", t.token);
            eprintln!("Device token {} ({}{}) made; it is shown only now.", t.id, t.scope.name(), t.label.map(|l| format!(", {l}")).unwrap_or_default());
        }
        TokenCommand::List { json } => {
            let list = running_host()?.tokens().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for t in list.items {
                    let used = t.last_used_at.map(|ms| format!("last used {}", ago(ms))).unwrap_or_else(|| "never used".into());
                    println!("{:<22} {:<13} {:<24} {used}", t.id, t.scope.name(), t.label.unwrap_or_default());
                }
            }
        }
        TokenCommand::Revoke { id } => {
            running_host()?.revoke_token(&id).await?;
            println!("revoked {id}");
        }
    }
    Ok(())
}

/// Run `openwork pair`.
pub async fn pair(args: PairArgs) -> Result<()> {
    let p = running_host()?.pair(&PairingRequest { scope: Some(args.scope), label: args.label }).await?;
    if args.json {
        println!("{}", serde_json::to_string(&p)?);
        return Ok(());
    }
    let minutes = p.expires_at.saturating_sub(openwork_host::stamp::now_ms()) / 60_000;
    println!("Open this link on the device (it works once, for {minutes} minutes; scope {}):", p.scope.name());
    println!("  {}", p.url);
    match openwork_client::pairing::qr_text(&p.url) {
        Some(qr) => println!("\n{qr}"),
        None => println!("(the link is too long for a QR code)"),
    }
    println!("Or on a computer: run `openwork connect -` and paste the link (as an argument it would be visible to other local users until used).");
    Ok(())
}

/// "5 min ago" for a Unix ms time.
fn ago(ms: u64) -> String {
    let secs = openwork_host::stamp::now_ms().saturating_sub(ms) / 1000;
    match secs {
        0..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}
