//! The app's runtime file, `<data dir>/app.json` (0600,
//! [`AppRuntime`]): how `openwork app`, run again while an app runs on the
//! same port, finds it and asks it for a new one-time sign-in code
//! (`POST /app/control/sign-in` with the control secret the file holds).
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use openwork_client::runtime;
pub use openwork_wire::runtime::AppRuntime;

/// The runtime file in `data_dir`.
pub fn file(data_dir: &Path) -> PathBuf {
    openwork_wire::runtime::app_runtime_file(data_dir)
}

/// Write the runtime file (0600).
pub fn write(data_dir: &Path, info: &AppRuntime) -> Result<()> {
    Ok(runtime::write(&file(data_dir), info)?)
}

/// Remove the runtime file if it names `pid`.
pub fn remove_if_ours(data_dir: &Path, pid: u32) {
    runtime::remove_if_ours::<AppRuntime>(&file(data_dir), pid)
}

/// The app running at `url` (per the runtime file in `data_dir`), if any.
pub fn running_at(data_dir: &Path, url: &str) -> Result<Option<AppRuntime>> {
    Ok(runtime::read_live::<AppRuntime>(&file(data_dir))?.filter(|r| r.url == url))
}

/// Ask a running app for a new sign-in link (`…/signin?code=…`).
pub async fn new_sign_in_url(app: &AppRuntime) -> Result<String> {
    let resp = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(10))
        .build()?
        .post(format!("{}/app/control/sign-in", app.url))
        .bearer_auth(&app.control)
        .send()
        .await
        .with_context(|| format!("could not reach the app at {}", app.url))?;
    let status = resp.status();
    let v: serde_json::Value = resp.json().await.unwrap_or_default();
    match v["url"].as_str() {
        Some(url) if status.is_success() => Ok(url.to_string()),
        _ => anyhow::bail!("the app at {} did not give a sign-in link ({status})", app.url),
    }
}
