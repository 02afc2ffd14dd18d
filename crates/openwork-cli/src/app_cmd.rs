//! `openwork app`: the local app backend serving the web UI.
use anyhow::Result;
use clap::Args;
use openwork_app::{AppOptions, RunningApp};

/// Arguments of `openwork app`.
#[derive(Debug, Args)]
pub struct AppArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8790)]
    port: u16,
    /// Don't open the browser; just print the link.
    #[arg(long)]
    no_open: bool,
    /// Print one JSON line `{"event":"ready","url":...,"loginUrl":...}` when ready.
    #[arg(long)]
    json: bool,
}

/// Serve the app until Ctrl-C / SIGTERM.
pub async fn run(args: AppArgs) -> Result<()> {
    crate::logging::init(crate::logging::LogFormat::Pretty, false);
    let app = RunningApp::start(AppOptions { port: args.port, ..Default::default() }).await?;
    let login = app.login_url();
    if args.json {
        println!("{}", serde_json::json!({ "event": "ready", "url": app.url, "loginUrl": login }));
    } else {
        println!("OpenWork app: {}", app.url);
        println!("Open this link to sign in (valid while this process runs):\n  {login}");
    }
    if !args.no_open && !openwork_app::browser::open(&login) {
        eprintln!("(could not open a browser; open the link above)");
    }
    wait_for_stop().await;
    app.shutdown().await;
    Ok(())
}

async fn wait_for_stop() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
    }
}
