//! Secrets (OpenWork tokens, OpenCode passwords), kept apart from the store in
//! a file with mode 0600, keyed by workspace id.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// File name of the secrets file in the data directory.
pub const TOKENS_FILE: &str = "remote-tokens.json";
/// Version of the secrets file format.
pub const TOKENS_VERSION: u64 = 1;

/// Credentials of one remote workspace.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secrets {
    /// OpenWork client token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Basic-auth user of a direct OpenCode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opencode_username: Option<String>,
    /// Basic-auth password of a direct OpenCode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opencode_password: Option<String>,
}

impl Secrets {
    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.token.is_none() && self.opencode_username.is_none() && self.opencode_password.is_none()
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = |o: &Option<String>| o.as_ref().map(|_| "<redacted>");
        f.debug_struct("Secrets")
            .field("token", &r(&self.token))
            .field("opencode_username", &self.opencode_username)
            .field("opencode_password", &r(&self.opencode_password))
            .finish()
    }
}

/// The secrets document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFile {
    /// Always [`TOKENS_VERSION`].
    pub version: u64,
    /// Secrets by workspace id.
    #[serde(default)]
    pub tokens: BTreeMap<String, Secrets>,
}

impl Default for TokenFile {
    fn default() -> Self {
        Self { version: TOKENS_VERSION, tokens: BTreeMap::new() }
    }
}

impl TokenFile {
    /// Set (or clear, when empty) the secrets of a workspace.
    pub fn set(&mut self, id: &str, secrets: Secrets) {
        if secrets.is_empty() {
            self.tokens.remove(id);
        } else {
            self.tokens.insert(id.to_string(), secrets);
        }
    }

    /// Secrets of a workspace.
    pub fn get(&self, id: &str) -> Option<&Secrets> {
        self.tokens.get(id)
    }
}
