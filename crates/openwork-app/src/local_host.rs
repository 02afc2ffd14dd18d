//! Host mode: the OpenWork host running on this machine, seen from the app.
//!
//! The app finds and asks it as `openwork status` does
//! ([`openwork_client::LocalHost`]: runtime file + token file,
//! `OPENWORK_TOKEN` / `OPENWORK_HOST_TOKEN` overrides) and offers the page
//! what the host's own owner may see: the pairing URL, the client token
//! (masked by the UI until revealed), engine status, rotate, restart and
//! approvals.
//! "Host a local folder" switches that host to the folder, or starts
//! `openwork host` for it when none runs (stopped with the app).
use std::process::Stdio;
use std::time::Duration;

use axum::extract::State;
use axum::Json;
use openwork_client::extensions::ApprovalReply;
use openwork_client::{HandshakeOptions, LocalHost, RemoteType, Secrets};
use openwork_wire::api::PairingRequest;
use openwork_wire::runtime::mask;
use openwork_wire::ErrorCode;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

use crate::workspaces::{blocking, connect_and_store};
use crate::{AppError, AppResult, AppState};

/// Bound on each request to the local host.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// A host process this app started.
#[derive(Default)]
pub struct Hosted {
    child: tokio::sync::Mutex<Option<tokio::process::Child>>,
}

impl Hosted {
    /// SIGTERM the host we started (it stops its engine), SIGKILL after 10 s.
    pub async fn stop(&self) {
        let Some(mut child) = self.child.lock().await.take() else { return };
        if let Some(pid) = child.id() {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGTERM);
        }
        if tokio::time::timeout(Duration::from_secs(10), child.wait()).await.is_err() {
            let _ = child.kill().await;
        }
    }
}

/// The host on this machine, if one runs, asked through the app's HTTP client.
async fn find(state: &AppState) -> AppResult<Option<LocalHost>> {
    let http = state.http.clone();
    blocking(move || LocalHost::find_using(&http, CALL_TIMEOUT))
        .await?
        .map_err(|e| AppError::new(ErrorCode::InternalError, format!("{:#}", anyhow::Error::new(e))))
}

/// The host on this machine, or 404 `no_local_host`.
async fn running(state: &AppState) -> AppResult<LocalHost> {
    find(state).await?.ok_or_else(|| AppError::new(ErrorCode::NoLocalHost, "no OpenWork host is running on this machine"))
}

/// `GET /app/api/local-host` → `{running: false}` or `{running: true,
/// localUrl, pairingUrl, reachableFromOtherDevices, workspace, clientToken,
/// engine}`.
pub async fn info(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let Some(local) = find(&state).await? else {
        return Ok(Json(json!({ "running": false })));
    };
    let engine = local.engine().await.ok();
    Ok(Json(json!({
        "running": true,
        "startedByApp": state.hosted.child.lock().await.is_some(),
        "localUrl": local.info.local_url,
        "pairingUrl": local.info.pairing_url,
        // A phone cannot reach a pairing URL on loopback: the page says how.
        "reachableFromOtherDevices": beyond_loopback(&local.info.pairing_url),
        "workspace": local.info.workspace,
        "clientToken": local.client_token(),
        "clientTokenMasked": mask(local.client_token()),
        "engine": engine,
    })))
}

/// `POST /app/api/local-host/rotate`: new client token; stored remotes that
/// point at this host get it too, so this app stays connected.
pub async fn rotate(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    let new_token = local.rotate_client_token().await.map_err(AppError::from_local_host)?;
    let urls: Vec<String> = [&local.info.local_url, &local.info.pairing_url]
        .iter()
        .filter_map(|u| openwork_client::url::normalize_url(u).ok())
        .collect();
    let store = state.store.clone();
    let t = new_token.clone();
    let _ = blocking(move || {
        store.update(move |ws, toks| {
            for e in &ws.workspaces {
                let ours = e.remote_type == Some(RemoteType::Openwork)
                    && e.openwork_host_url.as_ref().is_some_and(|u| urls.contains(u));
                if ours {
                    toks.set(&e.id, Secrets { token: Some(t.clone()), ..Default::default() });
                }
            }
        })
    })
    .await;
    Ok(Json(json!({ "clientToken": new_token, "clientTokenMasked": mask(&new_token) })))
}

/// Body of `POST /app/api/local-host/pair`.
#[derive(Deserialize, Default)]
pub struct PairBody {
    scope: Option<String>,
    label: Option<String>,
}

/// `POST /app/api/local-host/pair` with `{scope?, label?}`: a one-time
/// pairing link for a device, with its QR code as SVG → `{code, url,
/// expiresAt, scope, qrSvg}`. No long-lived token is in the link.
pub async fn pair(State(state): State<AppState>, body: Option<Json<PairBody>>) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    let PairBody { scope, label } = body.map(|Json(b)| b).unwrap_or_default();
    let p = local.pair(&PairingRequest { scope, label }).await.map_err(AppError::from_local_host)?;
    let mut v = serde_json::to_value(&p).unwrap_or_default();
    v["qrSvg"] = json!(openwork_client::pairing::qr_svg(&p.url));
    Ok(Json(v))
}

/// `GET /app/api/local-host/tokens`: the host's device tokens (no secrets).
pub async fn tokens(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    let list = local.tokens().await.map_err(AppError::from_local_host)?;
    Ok(Json(serde_json::to_value(list).unwrap_or_default()))
}

/// `DELETE /app/api/local-host/tokens/:id`: revoke a device token.
pub async fn revoke_token(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    let ok = local.revoke_token(&id).await.map_err(AppError::from_local_host)?;
    Ok(Json(serde_json::to_value(ok).unwrap_or_default()))
}

/// Whether other devices can reach the host at `url` (not a loopback name).
fn beyond_loopback(url: &str) -> bool {
    let host = url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    !(host.is_empty()
        || host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()))
}

/// `POST /app/api/local-host/restart`: restart the engine.
pub async fn restart(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    Ok(Json(local.restart_engine().await.map_err(AppError::from_local_host)?))
}

/// `GET /app/api/local-host/approvals`: changes waiting for the host's
/// approval (`--approval manual`), each with the change itself.
pub async fn approvals(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    Ok(Json(local.approvals().await.map_err(AppError::from_local_host)?))
}

/// `POST /app/api/local-host/approvals/:id {reply}`: allow or deny.
pub async fn reply_approval(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Json(body): Json<ApprovalReply>,
) -> AppResult<Json<Value>> {
    let local = running(&state).await?;
    Ok(Json(local.reply_approval(&id, &body).await.map_err(AppError::from_local_host)?))
}

/// Body of `POST /app/api/local-host/start`.
#[derive(Debug, Deserialize)]
pub struct StartBody {
    /// Folder to host (absolute, or `~/...`).
    pub path: String,
}

fn expand(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

/// `POST /app/api/local-host/start {path}`: host `path` (switch the running
/// host, or start one), then connect to it as the active workspace.
pub async fn start(State(state): State<AppState>, Json(body): Json<StartBody>) -> AppResult<Json<Value>> {
    let path = expand(body.path.trim());
    if path.is_empty() || !std::path::Path::new(&path).is_dir() {
        return Err(AppError::new(ErrorCode::InvalidPath, format!("{path} is not a folder on this machine")));
    }
    let local = match find(&state).await? {
        Some(l) => {
            l.switch_workspace(&path).await.map_err(AppError::from_local_host)?;
            l
        }
        None => spawn_host(&state, &path).await?,
    };
    let opts = HandshakeOptions { token: Some(local.client_token().to_string()), request_timeout: Duration::from_secs(10), ..Default::default() };
    connect_and_store(&state, &local.info.local_url, opts, None).await
}

async fn spawn_host(state: &AppState, path: &str) -> AppResult<LocalHost> {
    let fail = |m: String| AppError::new(ErrorCode::HostStartFailed, m);
    let exe = std::env::current_exe().map_err(|e| fail(format!("cannot find the openwork binary: {e}")))?;
    let mut child = tokio::process::Command::new(exe)
        .args(["host", "--workspace", path, "--port", "0", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("could not start `openwork host`: {e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| fail("no stdout".into()))?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(120), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if serde_json::from_str::<Value>(&line).is_ok_and(|v| v["event"] == "ready") {
                return true;
            }
        }
        false
    })
    .await;
    if !matches!(ready, Ok(true)) {
        let _ = child.kill().await;
        return Err(fail("`openwork host` did not become ready".into()));
    }
    // Keep draining stdout so the host never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    *state.hosted.child.lock().await = Some(child);
    find(state).await?.ok_or_else(|| fail("the host started but wrote no runtime file".into()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_pairing_urls_are_not_reachable_from_other_devices() {
        for url in ["http://127.0.0.1:8787", "http://localhost:8787/", "http://[::1]:8787", "http://127.9.9.9:1"] {
            assert!(!super::beyond_loopback(url), "{url}");
        }
        for url in ["http://192.168.1.20:8787", "https://box.tailnet.ts.net", "http://[fe80::1]:8787"] {
            assert!(super::beyond_loopback(url), "{url}");
        }
    }
}
