//! `openwork status`.
use anyhow::Result;
use serde_json::json;

use crate::local_host::LocalHost;

/// Show the host running on this machine.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Print the local host's state.
pub async fn run(args: StatusArgs) -> Result<()> {
    let Some(host) = LocalHost::find()? else {
        if args.json {
            println!("{}", json!({ "host": null }));
        } else {
            println!("No OpenWork host is running on this machine.");
        }
        return Ok(());
    };
    let engine = host.get("/engine").await?;
    if args.json {
        println!("{}", json!({ "host": host.info, "engine": engine }));
        return Ok(());
    }
    let field = |k: &str| engine.get(k).filter(|v| !v.is_null()).map(|v| v.to_string().trim_matches('"').to_string());
    println!("OpenWork host (pid {})", host.info.pid);
    println!("  Workspace:   {}", host.info.workspace);
    println!("  Local URL:   {}", host.info.local_url);
    println!("  Pairing URL: {}", host.info.pairing_url);
    println!(
        "  Engine:      {} · pid {} · OpenCode {} · up {} s · {} restarts",
        field("state").unwrap_or_default(),
        field("pid").unwrap_or_else(|| "-".into()),
        field("version").unwrap_or_else(|| "?".into()),
        engine.get("uptimeMs").and_then(|v| v.as_u64()).map(|ms| ms / 1000).unwrap_or(0),
        field("restarts").unwrap_or_else(|| "0".into()),
    );
    if let Some(err) = field("lastError") {
        println!("  Last error:  {err}");
    }
    Ok(())
}
