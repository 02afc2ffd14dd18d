//! A remote as the store keeps it: made from a proven connection
//! ([`Store::save_connected`]), and read back as where it is and how to
//! authenticate there ([`SavedRemote`]), for the CLI and the app alike.
use std::time::Duration;

use crate::error::StoreError;
use crate::handshake::{Connected, Handshake, HandshakeOptions};
use crate::model::{RemoteType, WorkspaceEntry, WorkspaceType};
use crate::opencode::DEFAULT_OPENCODE_USERNAME;
use crate::store::Store;
use crate::tokens::Secrets;
use crate::url::UrlError;

impl Handshake {
    /// The store entry for what this handshake found (id from the host URL
    /// and workspace id, or from the OpenCode URL and folder).
    pub fn entry(&self) -> Result<WorkspaceEntry, UrlError> {
        match self {
            Handshake::OpenWork { host, opencode } => WorkspaceEntry::openwork(
                &host.url,
                &host.workspace_id,
                &host.workspace_name,
                &opencode.base_url,
                &opencode.directory,
            ),
            Handshake::OpenCode { opencode, .. } => WorkspaceEntry::opencode(&opencode.base_url, Some(&opencode.directory)),
        }
    }
}

impl Connected {
    /// The store entry and the secrets to keep for this connection, made
    /// with `opts`: the client token of an OpenWork host; the password (and
    /// user) of a direct OpenCode, when one was given.
    pub fn to_saved(&self, opts: &HandshakeOptions) -> Result<(WorkspaceEntry, Secrets), UrlError> {
        let secrets = match (&self.handshake, &opts.opencode_password) {
            (Handshake::OpenWork { .. }, _) => Secrets { token: opts.token.clone(), ..Default::default() },
            (Handshake::OpenCode { .. }, Some(p)) => Secrets {
                opencode_password: Some(p.clone()),
                opencode_username: opts.opencode_username.clone(),
                ..Default::default()
            },
            (Handshake::OpenCode { .. }, None) => Secrets::default(),
        };
        Ok((self.handshake.entry()?, secrets))
    }
}

/// Why a connection could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// A URL the connection found cannot be stored.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The store could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A saved workspace and the secrets kept with it.
#[derive(Debug, Clone)]
pub struct SavedWorkspace {
    /// The entry as stored.
    pub entry: WorkspaceEntry,
    /// Its secrets (empty when none are kept).
    pub secrets: Secrets,
}

impl Store {
    /// Save a proven connection (made with `opts`) as the active workspace:
    /// its entry is inserted, or refreshed keeping its stored name unless
    /// `name` is given, and its secrets replace the stored ones. Blocking.
    pub fn save_connected(
        &self,
        connected: &Connected,
        opts: &HandshakeOptions,
        name: Option<String>,
    ) -> Result<SavedWorkspace, SaveError> {
        let (mut entry, secrets) = connected.to_saved(opts)?;
        let explicit_name = name.is_some();
        if let Some(n) = name {
            entry.name = n;
        }
        let id = entry.id.clone();
        let (entry, secrets) = self.update(move |ws, tokens| {
            ws.upsert(entry, !explicit_name);
            ws.active_id = Some(id.clone());
            tokens.set(&id, secrets.clone());
            (ws.get(&id).cloned().expect("just upserted"), secrets)
        })?;
        Ok(SavedWorkspace { entry, secrets })
    }
}

/// Where a saved remote is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteAddress {
    /// An OpenWork host.
    OpenWork {
        /// Normalised host URL.
        host_url: String,
        /// The host's workspace id (`ws_…`) when it was stored.
        workspace_id: Option<String>,
    },
    /// A direct OpenCode server.
    OpenCode {
        /// Normalised OpenCode base URL.
        base_url: String,
        /// The folder on it, when one was stored.
        directory: Option<String>,
    },
}

/// A saved remote: where it is and its stored credentials.
#[derive(Debug, Clone)]
pub struct SavedRemote {
    /// Where it is.
    pub address: RemoteAddress,
    /// Its stored credentials.
    pub secrets: Secrets,
}

/// Why a saved workspace is no remote to talk to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedRemoteError {
    /// It is a folder on this machine.
    #[error("{0:?} is a local folder, not a remote workspace")]
    Local(String),
    /// An OpenWork remote without its host URL.
    #[error("the saved OpenWork remote has no host URL; connect again")]
    NoHostUrl,
    /// A direct OpenCode remote without its URL.
    #[error("the saved OpenCode remote has no URL; connect again")]
    NoBaseUrl,
}

impl SavedRemote {
    /// The remote `entry` names, with its `secrets`.
    pub fn of(entry: &WorkspaceEntry, secrets: Secrets) -> Result<Self, SavedRemoteError> {
        let address = match (entry.workspace_type, entry.remote_type) {
            (WorkspaceType::Local, _) | (_, None) => return Err(SavedRemoteError::Local(entry.name.clone())),
            (WorkspaceType::Remote, Some(RemoteType::Openwork)) => RemoteAddress::OpenWork {
                host_url: entry.openwork_host_url.clone().ok_or(SavedRemoteError::NoHostUrl)?,
                workspace_id: entry.openwork_workspace_id.clone(),
            },
            (WorkspaceType::Remote, Some(RemoteType::Opencode)) => RemoteAddress::OpenCode {
                base_url: entry.opencode_base_url.clone().ok_or(SavedRemoteError::NoBaseUrl)?,
                directory: entry.opencode_directory.clone(),
            },
        };
        Ok(Self { address, secrets })
    }

    /// The Basic-auth user for a direct OpenCode: the stored one, else
    /// [`DEFAULT_OPENCODE_USERNAME`].
    pub fn opencode_username(&self) -> &str {
        self.secrets.opencode_username.as_deref().unwrap_or(DEFAULT_OPENCODE_USERNAME)
    }

    /// `(user, password)` for a direct OpenCode, when a password is stored.
    pub fn opencode_basic(&self) -> Option<(&str, &str)> {
        self.secrets.opencode_password.as_deref().map(|p| (self.opencode_username(), p))
    }

    /// The URL and options to check it again with its stored credentials:
    /// an OpenWork remote by its host URL, an OpenCode remote directly at
    /// its base URL and folder.
    pub fn handshake(&self) -> (String, HandshakeOptions) {
        let base = HandshakeOptions {
            token: self.secrets.token.clone(),
            opencode_password: self.secrets.opencode_password.clone(),
            opencode_username: self.secrets.opencode_username.clone(),
            request_timeout: Duration::from_secs(5),
            ..Default::default()
        };
        match &self.address {
            RemoteAddress::OpenWork { host_url, .. } => (host_url.clone(), base),
            RemoteAddress::OpenCode { base_url, directory } => {
                (base_url.clone(), HandshakeOptions { direct: true, directory: directory.clone(), ..base })
            }
        }
    }
}

impl HandshakeOptions {
    /// The URL and options to check a saved remote again with its stored
    /// credentials ([`SavedRemote::handshake`]).
    /// `None` for a local workspace or an entry without its URL.
    pub fn for_saved(
        entry: &crate::model::WorkspaceEntry,
        secrets: &crate::tokens::Secrets,
    ) -> Option<(String, HandshakeOptions)> {
        SavedRemote::of(entry, secrets.clone()).ok().map(|r| r.handshake())
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_opencode_remote_keeps_its_credentials() {
        let entry = WorkspaceEntry::opencode("http://box:4096", Some("/srv/app")).unwrap();
        let secrets = Secrets { opencode_password: Some("pw".into()), ..Default::default() };
        let remote = SavedRemote::of(&entry, secrets).unwrap();
        assert_eq!(remote.opencode_basic(), Some((DEFAULT_OPENCODE_USERNAME, "pw")));
        let (url, opts) = remote.handshake();
        assert_eq!(url, "http://box:4096");
        assert!(opts.direct && opts.directory.as_deref() == Some("/srv/app"));
        assert_eq!((opts.opencode_password.as_deref(), opts.opencode_username), (Some("pw"), None));
    }

    #[test]
    fn a_local_folder_is_no_remote() {
        let entry = WorkspaceEntry::local("/home/me/app", None);
        assert_eq!(SavedRemote::of(&entry, Secrets::default()).unwrap_err(), SavedRemoteError::Local("app".into()));
        let mut entry = WorkspaceEntry::openwork("http://h:8787", "ws_1", "app", "http://h:8787/opencode", "/w").unwrap();
        entry.openwork_host_url = None;
        assert_eq!(SavedRemote::of(&entry, Secrets::default()).unwrap_err(), SavedRemoteError::NoHostUrl);
    }
}
