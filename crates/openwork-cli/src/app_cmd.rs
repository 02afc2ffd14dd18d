//! `openwork app`: the local app backend serving the web UI.
use anyhow::{Context, Result};
use clap::Args;
use openwork_app::{runtime, AppOptions, RunningApp};

use crate::stop::StopSignal;

/// Arguments of `openwork app`.
///
/// Signing in: the browser is opened on a private (0600) page that posts a
/// one-time code to the app; the code works once, for a minute, and is never
/// on a command line. Run `openwork app` again while it runs for a new one.
#[derive(Debug, Args)]
pub struct AppArgs {
    /// Port on 127.0.0.1 (0 picks a free one). When an app of yours already
    /// runs on it, it is asked for a new sign-in link instead.
    #[arg(long, default_value_t = 8790)]
    port: u16,
    /// Don't open the browser; just print the link (one use, one minute).
    #[arg(long)]
    no_open: bool,
    /// Print one JSON line `{"event":"ready","url":...,"loginUrl":...}` when
    /// ready (`loginUrl` signs in once, within a minute).
    #[arg(long)]
    json: bool,
}

/// Serve the app until Ctrl-C / SIGTERM.
pub async fn run(args: AppArgs) -> Result<()> {
    crate::logging::init(crate::logging::LogFormat::Pretty, false);
    let app = match RunningApp::start(AppOptions { port: args.port, ..Default::default() }).await {
        Ok(app) => app,
        Err(e) if args.port != 0 && addr_in_use(&e) => return sign_in_to_running(&args).await.map_err(|again| again.context(e)),
        Err(e) => return Err(e),
    };
    let mut stop = match StopSignal::install() {
        Ok(stop) => stop,
        Err(e) => {
            app.shutdown().await;
            return Err(e);
        }
    };
    let login = app.sign_in_url();
    if args.json {
        println!("{}", serde_json::json!({ "event": "ready", "url": app.url, "loginUrl": login }));
    } else {
        println!("OpenWork app: {}", app.url);
    }
    open_or_print(&app.data_dir, &login, &args);
    stop.recv().await;
    app.shutdown().await;
    Ok(())
}

/// The port is taken: if it is an app of this user (its runtime file says
/// so), ask it for a new sign-in link.
async fn sign_in_to_running(args: &AppArgs) -> Result<()> {
    let data_dir = openwork_wire::runtime::data_dir()?;
    let url = format!("http://127.0.0.1:{}", args.port);
    let running = runtime::running_at(&data_dir, &url)?
        .with_context(|| format!("port {} is in use by another program; pick another with --port", args.port))?;
    let login = runtime::new_sign_in_url(&running).await?;
    if args.json {
        println!("{}", serde_json::json!({ "event": "signIn", "url": running.url, "loginUrl": login }));
    } else {
        println!("OpenWork app already running: {}", running.url);
    }
    open_or_print(&data_dir, &login, args);
    Ok(())
}

fn open_or_print(data_dir: &std::path::Path, login: &str, args: &AppArgs) {
    if !args.no_open {
        match openwork_app::browser::open_sign_in(data_dir, login) {
            Ok(true) => {
                if !args.json {
                    println!("Opened your browser to sign in.");
                }
                return;
            }
            Ok(false) => eprintln!("(could not open a browser)"),
            Err(e) => eprintln!("(could not open a browser: {e:#})"),
        }
    }
    if !args.json {
        println!("Open this link to sign in (it works once, within a minute; run `openwork app` again for a new one):\n  {login}");
    }
}

fn addr_in_use(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse))
}
