//! Following a host's workspace switch: re-run the handshake and replace the
//! stored remote (new host workspace id → new entry id) without duplicating
//! it, carrying its credentials and its "active" mark over.
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

/// Re-run the handshake with `host_url` and replace the entry `old_id` with
/// the host's current workspace. Returns the new entry and the connection.
pub async fn follow_switch(
    store: &Store,
    old_id: &str,
    host_url: &str,
    opts: &HandshakeOptions,
) -> Result<(WorkspaceEntry, Connected), FollowError> {
    let connected = connect(host_url, opts).await?;
    let Handshake::OpenWork { host, opencode } = &connected.handshake else {
        return Err(FollowError::NotOpenWork(host_url.to_string()));
    };
    let entry = WorkspaceEntry::openwork(
        &host.url,
        &host.workspace_id,
        &host.workspace_name,
        &opencode.base_url,
        &opencode.directory,
    )
    .map_err(|e| FollowError::Url(e.to_string()))?;
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
    let saved = saved.ok_or_else(|| FollowError::Url("entry vanished after upsert".into()))?;
    Ok((saved, connected))
}
