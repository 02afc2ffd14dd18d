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

/// Print the local host's state, then the active remote's.
pub async fn run(args: StatusArgs) -> Result<()> {
    let host = LocalHost::find()?;
    let engine = match &host {
        Some(h) => Some(h.get("/engine").await?),
        None => None,
    };
    if args.json {
        let remote = crate::client_cmds::remote_status(true).await?;
        let info = host.as_ref().map(|h| &h.info);
        println!("{}", json!({ "host": info, "engine": engine, "remote": remote }));
        return Ok(());
    }
    match (&host, &engine) {
        (Some(host), Some(engine)) => print_host(host, engine),
        _ => println!("No OpenWork host is running on this machine."),
    }
    println!();
    crate::client_cmds::remote_status(false).await?;
    Ok(())
}

fn print_host(host: &LocalHost, engine: &serde_json::Value) {
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
}
