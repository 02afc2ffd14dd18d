//! `openwork status`.
use anyhow::Result;
use openwork_client::LocalHost;
use openwork_wire::EngineStatus;
use serde_json::json;

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
        Some(h) => Some(h.engine().await?),
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

fn print_host(host: &LocalHost, engine: &EngineStatus) {
    let or = |v: Option<String>, none: &str| v.unwrap_or_else(|| none.to_string());
    println!("OpenWork host (pid {})", host.info.pid);
    println!("  Workspace:   {}", host.info.workspace);
    println!("  Local URL:   {}", host.info.local_url);
    println!("  Pairing URL: {}", host.info.pairing_url);
    println!(
        "  Engine:      {} · pid {} · OpenCode {} · up {} s · {} restarts",
        engine.state,
        or(engine.pid.map(|p| p.to_string()), "-"),
        or(engine.version.clone(), "?"),
        engine.uptime_ms.map(|ms| ms / 1000).unwrap_or(0),
        engine.restarts,
    );
    if let Some(err) = &engine.last_error {
        println!("  Last error:  {err}");
    }
}
