//! Following a host's workspace switch: replace the stored remote (new host
//! workspace id → new entry id) without duplicating it, carrying its
//! credentials and its "active" mark over.
//!
//! Two steps, so a client follows within the event's delivery time and not
//! after a round of requests to a folder OpenCode may not have opened yet
//! (over a second on a loaded machine): [`adopt_switch`] stores the new
//! workspace straight from the `workspace.switched` event; [`follow_switch`]
//! then re-runs the handshake and proves the connection (and corrects the
//! entry if the host moved on again meanwhile).
use crate::error::HandshakeError;
use crate::handshake::{connect, Connected, Handshake, HandshakeOptions};
use crate::model::WorkspaceEntry;
use crate::store::Store;

/// Why following failed.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// The handshake with the host failed.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// The URL answered, but not as an OpenWork host any more.
    #[error("{0} is no longer an OpenWork host")]
    NotOpenWork(String),
    /// The store could not be updated.
    #[error(transparent)]
    Store(#[from] crate::error::StoreError),
    /// A URL in the handshake could not be stored.
    #[error("{0}")]
    Url(String),
}

/// The workspace a `workspace.switched` event names (`properties.to`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SwitchedTo {
    /// Host workspace id (`ws_…`).
    pub id: String,
    /// Folder name.
    pub name: String,
    /// Folder on the host (OpenCode's directory there).
    pub path: String,
}

/// Store the workspace `to` in place of the entry `old_id` of the same host,
/// without asking the host anything: the event says which workspace it is,
/// and the host's proxy URL does not change with a switch. Returns the new
/// entry; `None` when `old_id` is not an OpenWork remote any more.
pub async fn adopt_switch(store: &Store, old_id: &str, to: &SwitchedTo) -> Result<Option<WorkspaceEntry>, FollowError> {
    let (store2, id) = (store.clone(), old_id.to_string());
    let old = tokio::task::spawn_blocking(move || store2.load().map(|f| f.get(&id).cloned()))
        .await
        .map_err(|e| FollowError::Url(format!("store task failed: {e}")))??;
    let Some(old) = old else { return Ok(None) };
    let (Some(host), Some(proxy)) = (old.openwork_host_url.as_deref(), old.opencode_base_url.as_deref()) else {
        return Ok(None);
    };
    let entry = WorkspaceEntry::openwork(host, &to.id, &to.name, proxy, &to.path).map_err(|e| FollowError::Url(e.to_string()))?;
    replace(store, old_id, entry).await.map(Some)
}

/// Re-run the handshake with `host_url` and replace the entry `old_id` with
/// the host's current workspace. Returns the new entry and the connection.
pub async fn follow_switch(
    store: &Store,
    old_id: &str,
    host_url: &str,
    opts: &HandshakeOptions,
) -> Result<(WorkspaceEntry, Connected), FollowError> {
    let connected = connect(host_url, opts).await?;
    if !matches!(connected.handshake, Handshake::OpenWork { .. }) {
        return Err(FollowError::NotOpenWork(host_url.to_string()));
    }
    let entry = connected.handshake.entry().map_err(|e| FollowError::Url(e.to_string()))?;
    Ok((replace(store, old_id, entry).await?, connected))
}

/// Put `entry` in place of `old_id`, moving its secrets and active mark.
async fn replace(store: &Store, old_id: &str, entry: WorkspaceEntry) -> Result<WorkspaceEntry, FollowError> {
    let store = store.clone();
    let old_id = old_id.to_string();
    let saved = tokio::task::spawn_blocking(move || {
        store.update(move |ws, tokens| {
            let new_id = entry.id.clone();
            let was_active = ws.active_id.as_deref() == Some(old_id.as_str());
            let secrets = tokens.get(&old_id).cloned();
            if new_id != old_id {
                ws.remove(&old_id);
                if let Some(s) = &secrets {
                    tokens.set(&old_id, Default::default());
                    tokens.set(&new_id, s.clone());
                }
            }
            ws.upsert(entry, false);
            if was_active {
                ws.active_id = Some(new_id.clone());
            }
            ws.get(&new_id).cloned()
        })
    })
    .await
    .map_err(|e| FollowError::Url(format!("store task failed: {e}")))??;
    saved.ok_or_else(|| FollowError::Url("entry vanished after upsert".into()))
}
