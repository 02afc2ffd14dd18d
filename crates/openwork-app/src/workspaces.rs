//! Stored workspaces and the connect flow, for the UI.
//!
//! Entries go to the page as stored (camelCase) plus which secrets are
//! present; secrets themselves never leave the backend.
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use openwork_client::{
    connect as client_connect, handshake, Connected, Handshake, HandshakeError, HandshakeOptions, Secrets,
    StoreFile, TokenFile, WorkspaceEntry,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{api_error, AppState};

/// Run store I/O (file locks may wait) off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Response> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "store task failed"))
}

fn store_error(e: impl std::fmt::Display) -> Response {
    api_error(StatusCode::INTERNAL_SERVER_ERROR, "store_error", e.to_string())
}

/// The active entry and its secrets.
pub(crate) async fn active(state: &AppState) -> Result<(WorkspaceEntry, Secrets), Response> {
    let store = state.store.clone();
    let (file, secrets) = blocking(move || -> Result<(StoreFile, Option<Secrets>), openwork_client::StoreError> {
        let file = store.load()?;
        let secrets = match &file.active_id {
            Some(id) => store.secrets(id)?,
            None => None,
        };
        Ok((file, secrets))
    })
    .await?
    .map_err(store_error)?;
    let entry = file
        .active()
        .cloned()
        .ok_or_else(|| api_error(StatusCode::NOT_FOUND, "no_active_workspace", "no workspace is active: connect first"))?;
    Ok((entry, secrets.unwrap_or_default()))
}

fn entry_json(e: &WorkspaceEntry, secrets: Option<&Secrets>) -> Value {
    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
    v["hasToken"] = json!(secrets.is_some_and(|s| s.token.is_some()));
    v["hasPassword"] = json!(secrets.is_some_and(|s| s.opencode_password.is_some()));
    v
}

fn list_json(file: &StoreFile, tokens: &TokenFile) -> Value {
    json!({
        "activeId": file.active_id,
        "items": file.workspaces.iter().map(|e| entry_json(e, tokens.get(&e.id))).collect::<Vec<_>>(),
    })
}

/// `GET /app/api/workspaces` → `{activeId, items: [entry + hasToken, hasPassword]}`.
pub async fn list(State(state): State<AppState>) -> Response {
    let store = state.store.clone();
    match blocking(move || store.update(|ws, tokens| list_json(ws, tokens))).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => store_error(e),
        Err(r) => r,
    }
}

/// `POST /app/api/workspaces/:id/activate`.
pub async fn activate(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    change_entry(&state, move |ws, _| {
        ws.get(&id)?;
        ws.active_id = Some(id);
        Some(())
    })
    .await
}

/// `DELETE /app/api/workspaces/:id` (its secrets go too).
pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    change_entry(&state, move |ws, tokens| {
        ws.remove(&id)?;
        tokens.set(&id, Secrets::default());
        Some(())
    })
    .await
}

/// Apply `change` to one stored entry and answer with the new listing;
/// `None` from `change` (no such entry) is 404 `workspace_not_found`.
async fn change_entry(
    state: &AppState,
    change: impl FnOnce(&mut StoreFile, &mut TokenFile) -> Option<()> + Send + 'static,
) -> Response {
    let store = state.store.clone();
    let r = blocking(move || store.update(move |ws, tokens| change(ws, tokens).map(|()| list_json(ws, tokens)))).await;
    match r {
        Ok(Ok(Some(v))) => Json(v).into_response(),
        Ok(Ok(None)) => api_error(StatusCode::NOT_FOUND, "workspace_not_found", "no such workspace"),
        Ok(Err(e)) => store_error(e),
        Err(r) => r,
    }
}

/// Body of `POST /app/api/connect`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectBody {
    /// OpenWork host URL, or OpenCode base URL with `direct`.
    pub url: String,
    /// OpenWork client token.
    pub token: Option<String>,
    /// Skip the OpenWork probe ("Advanced: connect directly to OpenCode").
    pub direct: bool,
    /// Directory for a direct OpenCode.
    pub directory: Option<String>,
    /// Basic-auth password of a direct OpenCode.
    pub opencode_password: Option<String>,
    /// Basic-auth user of a direct OpenCode.
    pub opencode_username: Option<String>,
    /// Display name to store.
    pub name: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The HTTP status, code and message for a failed handshake.
pub fn handshake_error(e: &HandshakeError) -> Response {
    let (status, code) = match e {
        HandshakeError::AuthFailed { .. } => (StatusCode::UNAUTHORIZED, "auth_failed"),
        HandshakeError::OpencodeNeedsPassword { .. } => (StatusCode::UNAUTHORIZED, "needs_password"),
        HandshakeError::OpencodeWrongPassword { .. } => (StatusCode::UNAUTHORIZED, "wrong_password"),
        HandshakeError::Unreachable { .. } => (StatusCode::BAD_GATEWAY, "unreachable"),
        HandshakeError::NotRecognised { .. } => (StatusCode::BAD_GATEWAY, "not_recognised"),
        HandshakeError::InvalidUrl(_) => (StatusCode::BAD_REQUEST, "invalid_url"),
        HandshakeError::Protocol { .. } => (StatusCode::BAD_GATEWAY, "protocol_error"),
    };
    api_error(status, code, e.to_string())
}

/// The store entry and secrets for a successful connect.
pub(crate) fn entry_for(c: &Connected, opts: &HandshakeOptions) -> Result<(WorkspaceEntry, Secrets), Response> {
    let bad = |e: openwork_client::url::UrlError| api_error(StatusCode::BAD_GATEWAY, "protocol_error", e.to_string());
    match &c.handshake {
        Handshake::OpenWork { host, opencode } => {
            let entry =
                WorkspaceEntry::openwork(&host.url, &host.workspace_id, &host.workspace_name, &opencode.base_url, &opencode.directory)
                    .map_err(bad)?;
            Ok((entry, Secrets { token: opts.token.clone(), ..Default::default() }))
        }
        Handshake::OpenCode { opencode, .. } => {
            let entry = WorkspaceEntry::opencode(&opencode.base_url, Some(&opencode.directory)).map_err(bad)?;
            let secrets = Secrets {
                opencode_password: opts.opencode_password.clone(),
                opencode_username: opts.opencode_password.as_ref().and(opts.opencode_username.clone()),
                ..Default::default()
            };
            Ok((entry, secrets))
        }
    }
}

/// Connect, save as active, and describe the result.
pub(crate) async fn connect_and_store(state: &AppState, url: &str, opts: HandshakeOptions, name: Option<String>) -> Response {
    let connected = match client_connect(url, &opts).await {
        Ok(c) => c,
        Err(e) => return handshake_error(&e),
    };
    let (mut entry, secrets) = match entry_for(&connected, &opts) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let explicit_name = name.is_some();
    if let Some(n) = name {
        entry.name = n;
    }
    let store = state.store.clone();
    let id = entry.id.clone();
    let saved = blocking(move || {
        store.update(move |ws, tokens| {
            ws.upsert(entry, !explicit_name);
            ws.active_id = Some(id.clone());
            tokens.set(&id, secrets);
            (ws.get(&id).cloned(), tokens.get(&id).cloned())
        })
    })
    .await;
    let (saved, secrets) = match saved {
        Ok(Ok((Some(e), s))) => (e, s),
        Ok(Ok((None, _))) => return store_error("entry vanished after saving"),
        Ok(Err(e)) => return store_error(e),
        Err(r) => return r,
    };
    let (remote_type, not_openwork) = match &connected.handshake {
        Handshake::OpenWork { .. } => ("openwork", None),
        Handshake::OpenCode { not_openwork, .. } => ("opencode", not_openwork.as_ref().map(|r| r.to_string())),
    };
    Json(json!({
        "remoteType": remote_type,
        "fallback": not_openwork.is_some(),
        "notOpenWork": not_openwork,
        "sessions": connected.session_count,
        "elapsedMs": connected.elapsed.as_millis() as u64,
        "workspace": entry_json(&saved, secrets.as_ref()),
    }))
    .into_response()
}

/// `POST /app/api/connect`: OpenWork first, then direct OpenCode (unless
/// `direct`); a wrong token is an error (401 `auth_failed`), never a fallback.
/// Nothing is stored unless the connection was proven.
pub async fn connect(State(state): State<AppState>, Json(body): Json<ConnectBody>) -> Response {
    if body.url.trim().is_empty() {
        return api_error(StatusCode::BAD_REQUEST, "invalid_url", "enter a URL");
    }
    let opts = HandshakeOptions {
        token: non_empty(&body.token),
        direct: body.direct,
        directory: non_empty(&body.directory),
        opencode_password: non_empty(&body.opencode_password),
        opencode_username: non_empty(&body.opencode_username),
        request_timeout: Duration::from_secs(10),
        ..Default::default()
    };
    connect_and_store(&state, body.url.trim(), opts, non_empty(&body.name)).await
}

/// `GET /app/api/status`: re-run the handshake for the active remote →
/// `{state: connected|auth_failed|unreachable|…, remoteType, message?, workspace}`.
pub async fn status(State(state): State<AppState>) -> Response {
    let (entry, secrets) = match active(&state).await {
        Ok(x) => x,
        Err(_) => return Json(json!({ "state": "none" })).into_response(),
    };
    let Some((url, opts)) = HandshakeOptions::for_saved(&entry, &secrets) else {
        return Json(json!({ "state": "local", "workspace": entry_json(&entry, Some(&secrets)) })).into_response();
    };
    let remote_type = entry.remote_type;
    let ws = entry_json(&entry, Some(&secrets));
    match handshake(&url, &opts).await {
        Ok(h) => {
            let moved = match (&h, &entry.openwork_workspace_id) {
                (Handshake::OpenWork { host, .. }, Some(stored)) => host.workspace_id != *stored,
                _ => false,
            };
            Json(json!({ "state": "connected", "remoteType": remote_type, "workspace": ws, "hostWorkspaceChanged": moved }))
                .into_response()
        }
        Err(e) => {
            let s = match e {
                HandshakeError::AuthFailed { .. } => "auth_failed",
                HandshakeError::OpencodeNeedsPassword { .. } => "needs_password",
                HandshakeError::OpencodeWrongPassword { .. } => "wrong_password",
                HandshakeError::Unreachable { .. } => "unreachable",
                _ => "error",
            };
            Json(json!({ "state": s, "remoteType": remote_type, "message": e.to_string(), "workspace": ws })).into_response()
        }
    }
}

/// Re-handshake the active remote after a host switch and store the new
/// workspace in place of the old one.
pub(crate) async fn refollow(state: &AppState) -> Response {
    let (entry, secrets) = match active(state).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((url, opts)) = HandshakeOptions::for_saved(&entry, &secrets) else {
        return api_error(StatusCode::BAD_REQUEST, "not_remote", "the active workspace is not a remote");
    };
    let old_id = entry.id.clone();
    let resp = connect_and_store(state, &url, opts, None).await;
    if resp.status().is_success() {
        let store = state.store.clone();
        // Drop the old entry if the host moved to another workspace (new id).
        let _ = blocking(move || {
            store.update(move |ws, tokens| {
                if ws.active_id.as_deref() != Some(old_id.as_str()) {
                    ws.remove(&old_id);
                    tokens.set(&old_id, Secrets::default());
                }
            })
        })
        .await;
    }
    resp
}

/// `POST /app/api/follow`: the host switched workspace; reconnect to the new one.
pub async fn follow(State(state): State<AppState>) -> Response {
    refollow(&state).await
}
