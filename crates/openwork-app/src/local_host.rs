//! Host mode: the OpenWork host running on this machine, seen from the app.
//!
//! The app finds it like `openwork status` does (runtime file + token file,
//! `OPENWORK_TOKEN` / `OPENWORK_HOST_TOKEN` overrides) and offers the page
//! what the host's own owner may see: the pairing URL, the client token
//! (masked by the UI until revealed), engine status, rotate and restart.
//! "Host a local folder" switches that host to the folder, or starts
//! `openwork host` for it when none runs (stopped with the app).
use std::process::Stdio;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use openwork_client::{HandshakeOptions, RemoteType, Secrets};
use openwork_host::runtime::{self, RuntimeInfo};
use openwork_host::{paths, tokens};
use openwork_wire::HOST_TOKEN_HEADER;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncBufReadExt;

use crate::workspaces::{blocking, connect_and_store};
use crate::{api_error, AppState};

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

/// The local host and its tokens.
struct Local {
    info: RuntimeInfo,
    client_token: String,
    host_token: String,
}

fn find() -> anyhow::Result<Option<Local>> {
    let Some(info) = runtime::read_live(&paths::data_dir()?)? else { return Ok(None) };
    let (client, host) = tokens::read_stored(&tokens::token_file(&paths::config_dir()?))?.unwrap_or_default();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Ok(Some(Local {
        info,
        client_token: env("OPENWORK_TOKEN").unwrap_or(client),
        host_token: env("OPENWORK_HOST_TOKEN").unwrap_or(host),
    }))
}

async fn find_async() -> Result<Option<Local>, Response> {
    blocking(find)
        .await?
        .map_err(|e| api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", format!("{e:#}")))
}

async fn call(state: &AppState, req: reqwest::RequestBuilder) -> Result<Value, Response> {
    let _ = state;
    let resp = req
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .map_err(|e| api_error(StatusCode::BAD_GATEWAY, "unreachable", format!("cannot reach the local host: {e}")))?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let msg = body.get("message").and_then(Value::as_str).unwrap_or("the host refused").to_string();
        let code = body.get("code").and_then(Value::as_str).unwrap_or("host_error").to_string();
        let st = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        return Err(api_error(st, &code, msg));
    }
    Ok(body)
}

fn not_running() -> Response {
    api_error(StatusCode::NOT_FOUND, "no_local_host", "no OpenWork host is running on this machine")
}

/// `GET /app/api/local-host` → `{running: false}` or `{running: true,
/// localUrl, pairingUrl, workspace, clientToken, engine}`.
pub async fn info(State(state): State<AppState>) -> Response {
    let local = match find_async().await {
        Ok(Some(l)) => l,
        Ok(None) => return Json(json!({ "running": false })).into_response(),
        Err(r) => return r,
    };
    let engine = call(&state, state.http.get(format!("{}/engine", local.info.local_url)).bearer_auth(&local.client_token))
        .await
        .ok();
    Json(json!({
        "running": true,
        "startedByApp": state.hosted.child.lock().await.is_some(),
        "localUrl": local.info.local_url,
        "pairingUrl": local.info.pairing_url,
        "workspace": local.info.workspace,
        "clientToken": local.client_token,
        "clientTokenMasked": tokens::mask(&local.client_token),
        "engine": engine,
    }))
    .into_response()
}

/// `POST /app/api/local-host/rotate`: new client token; stored remotes that
/// point at this host get it too, so this app stays connected.
pub async fn rotate(State(state): State<AppState>) -> Response {
    let local = match find_async().await {
        Ok(Some(l)) => l,
        Ok(None) => return not_running(),
        Err(r) => return r,
    };
    let body = match call(
        &state,
        state.http.post(format!("{}/tokens/rotate", local.info.local_url)).header(HOST_TOKEN_HEADER, &local.host_token),
    )
    .await
    {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(new_token) = body.get("clientToken").and_then(Value::as_str).map(str::to_string) else {
        return api_error(StatusCode::BAD_GATEWAY, "protocol_error", "the host did not return a token");
    };
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
    Json(json!({ "clientToken": new_token, "clientTokenMasked": tokens::mask(&new_token) })).into_response()
}

/// `POST /app/api/local-host/restart`: restart the engine.
pub async fn restart(State(state): State<AppState>) -> Response {
    let local = match find_async().await {
        Ok(Some(l)) => l,
        Ok(None) => return not_running(),
        Err(r) => return r,
    };
    match call(
        &state,
        state.http.post(format!("{}/engine/restart", local.info.local_url)).header(HOST_TOKEN_HEADER, &local.host_token),
    )
    .await
    {
        Ok(b) => Json(b).into_response(),
        Err(r) => r,
    }
}

/// `GET /app/api/local-host/approvals`: changes waiting for the host's
/// approval (`--approval manual`), each with the change itself.
pub async fn approvals(State(state): State<AppState>) -> Response {
    let local = match find_async().await {
        Ok(Some(l)) => l,
        Ok(None) => return not_running(),
        Err(r) => return r,
    };
    match call(&state, state.http.get(format!("{}/approvals", local.info.local_url)).header(HOST_TOKEN_HEADER, &local.host_token)).await {
        Ok(b) => Json(b).into_response(),
        Err(r) => r,
    }
}

/// Body of `POST /app/api/local-host/approvals/:id`.
#[derive(Debug, Deserialize)]
pub struct ReplyBody {
    /// `allow` or `deny`.
    pub reply: String,
}

/// `POST /app/api/local-host/approvals/:id {reply}`: allow or deny.
pub async fn reply_approval(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Json(body): Json<ReplyBody>,
) -> Response {
    let local = match find_async().await {
        Ok(Some(l)) => l,
        Ok(None) => return not_running(),
        Err(r) => return r,
    };
    let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let req = state
        .http
        .post(format!("{}/approvals/{enc}", local.info.local_url))
        .header(HOST_TOKEN_HEADER, &local.host_token)
        .json(&json!({ "reply": body.reply }));
    match call(&state, req).await {
        Ok(b) => Json(b).into_response(),
        Err(r) => r,
    }
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
pub async fn start(State(state): State<AppState>, Json(body): Json<StartBody>) -> Response {
    let path = expand(body.path.trim());
    if path.is_empty() || !std::path::Path::new(&path).is_dir() {
        return api_error(StatusCode::BAD_REQUEST, "invalid_path", format!("{path} is not a folder on this machine"));
    }
    let local = match find_async().await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let local = match local {
        Some(l) => {
            let req = state
                .http
                .post(format!("{}/workspaces/active", l.info.local_url))
                .header(HOST_TOKEN_HEADER, &l.host_token)
                .json(&json!({ "path": path }));
            if let Err(r) = call(&state, req).await {
                return r;
            }
            l
        }
        None => match spawn_host(&state, &path).await {
            Ok(l) => l,
            Err(r) => return r,
        },
    };
    let opts = HandshakeOptions { token: Some(local.client_token.clone()), request_timeout: Duration::from_secs(10), ..Default::default() };
    connect_and_store(&state, &local.info.local_url, opts, None).await
}

async fn spawn_host(state: &AppState, path: &str) -> Result<Local, Response> {
    let fail = |m: String| api_error(StatusCode::INTERNAL_SERVER_ERROR, "host_start_failed", m);
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
    match find_async().await? {
        Some(l) => Ok(l),
        None => Err(fail("the host started but wrote no runtime file".into())),
    }
}
