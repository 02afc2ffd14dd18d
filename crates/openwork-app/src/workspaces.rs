//! Stored workspaces and the connect flow, for the UI.
//!
//! Entries go to the page as stored (camelCase) plus which secrets are
//! present; secrets themselves never leave the backend.
use std::time::Duration;

use axum::extract::{Path, State};
use axum::Json;
use openwork_client::{
    connect as client_connect, handshake, Handshake, HandshakeError, HandshakeOptions, SaveError, Secrets, StoreFile,
    TokenFile, WorkspaceEntry,
};
use openwork_wire::ErrorCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{AppError, AppResult, AppState};

/// Run store I/O (file locks may wait) off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|_| AppError::new(ErrorCode::InternalError, "store task failed"))
}

/// The active entry and its secrets.
pub(crate) async fn active(state: &AppState) -> AppResult<(WorkspaceEntry, Secrets)> {
    let store = state.store.clone();
    blocking(move || store.entry_with_secrets(None))
        .await?
        .map_err(AppError::store)?
        .ok_or_else(|| AppError::new(ErrorCode::NoActiveWorkspace, "no workspace is active: connect first"))
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
pub async fn list(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let store = state.store.clone();
    Ok(Json(blocking(move || store.update(|ws, tokens| list_json(ws, tokens))).await?.map_err(AppError::store)?))
}

/// `POST /app/api/workspaces/:id/activate`.
pub async fn activate(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Json<Value>> {
    change_entry(&state, move |ws, _| {
        ws.get(&id)?;
        ws.active_id = Some(id);
        Some(())
    })
    .await
}

/// `DELETE /app/api/workspaces/:id` (its secrets go too).
pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Json<Value>> {
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
) -> AppResult<Json<Value>> {
    let store = state.store.clone();
    blocking(move || store.update(move |ws, tokens| change(ws, tokens).map(|()| list_json(ws, tokens))))
        .await?
        .map_err(AppError::store)?
        .map(Json)
        .ok_or_else(|| AppError::new(ErrorCode::WorkspaceNotFound, "no such workspace"))
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

/// Connect, save as active, and describe the result.
pub(crate) async fn connect_and_store(
    state: &AppState,
    url: &str,
    opts: HandshakeOptions,
    name: Option<String>,
) -> AppResult<Json<Value>> {
    let connected = client_connect(url, &opts).await?;
    let (store, c) = (state.store.clone(), connected.clone());
    let saved = blocking(move || store.save_connected(&c, &opts, name)).await?.map_err(|e| match e {
        SaveError::Url(e) => AppError::new(ErrorCode::ProtocolError, e.to_string()),
        SaveError::Store(e) => AppError::store(e),
    })?;
    let (remote_type, not_openwork) = match &connected.handshake {
        Handshake::OpenWork { .. } => ("openwork", None),
        Handshake::OpenCode { not_openwork, .. } => ("opencode", not_openwork.as_ref().map(|r| r.to_string())),
    };
    Ok(Json(json!({
        "remoteType": remote_type,
        "fallback": not_openwork.is_some(),
        "notOpenWork": not_openwork,
        "sessions": connected.session_count,
        "elapsedMs": connected.elapsed.as_millis() as u64,
        "workspace": entry_json(&saved.entry, Some(&saved.secrets)),
    })))
}

/// `POST /app/api/connect`: OpenWork first, then direct OpenCode (unless
/// `direct`); a wrong token is an error (401 `auth_failed`), never a fallback.
/// Nothing is stored unless the connection was proven.
pub async fn connect(State(state): State<AppState>, Json(body): Json<ConnectBody>) -> AppResult<Json<Value>> {
    if body.url.trim().is_empty() {
        return Err(AppError::new(ErrorCode::InvalidUrl, "enter a URL"));
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
pub async fn status(State(state): State<AppState>) -> Json<Value> {
    let Ok((entry, secrets)) = active(&state).await else {
        return Json(json!({ "state": "none" }));
    };
    let Some((url, opts)) = HandshakeOptions::for_saved(&entry, &secrets) else {
        return Json(json!({ "state": "local", "workspace": entry_json(&entry, Some(&secrets)) }));
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
        }
        Err(e) => {
            let s = match e {
                HandshakeError::AuthFailed { .. } => "auth_failed",
                HandshakeError::OpencodeNeedsPassword { .. } => "needs_password",
                HandshakeError::OpencodeWrongPassword { .. } => "wrong_password",
                HandshakeError::Unreachable { .. } => "unreachable",
                _ => "error",
            };
            Json(json!({ "state": s, "remoteType": remote_type, "message": e.to_string(), "workspace": ws }))
        }
    }
}

/// Re-handshake the active remote after a host switch and store the new
/// workspace in place of the old one.
pub(crate) async fn refollow(state: &AppState) -> AppResult<Json<Value>> {
    let (entry, secrets) = active(state).await?;
    let Some((url, opts)) = HandshakeOptions::for_saved(&entry, &secrets) else {
        return Err(AppError::new(ErrorCode::NotRemote, "the active workspace is not a remote"));
    };
    let old_id = entry.id.clone();
    let answer = connect_and_store(state, &url, opts, None).await?;
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
    Ok(answer)
}

/// `POST /app/api/follow`: the host switched workspace; reconnect to the new one.
pub async fn follow(State(state): State<AppState>) -> AppResult<Json<Value>> {
    refollow(&state).await
}
