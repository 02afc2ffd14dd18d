//! Files OpenWork programs on one machine share: where they are and what is
//! in them. The host writes `host.json` and `tokens.json`, `openwork app`
//! writes `app.json`; local clients (the CLI, the app) read them. Reading and
//! writing is each side's own; the formats and places are defined here, once.
//!
//! - Directories: `$OPENWORK_DATA_DIR` / `$OPENWORK_CONFIG_DIR` when set
//!   (tests and several hosts on one machine keep their state apart), else
//!   the platform's data / config directory + `openwork`
//!   (`$XDG_DATA_HOME/openwork`, `$XDG_CONFIG_HOME/openwork` on Linux).
//! - `<data dir>/host.json` ([`RuntimeInfo`], 0600): a running host.
//! - `<data dir>/app.json` ([`AppRuntime`], 0600): a running `openwork app`.
//! - `<config dir>/tokens.json` ([`StoredTokens`], 0600): the host's tokens;
//!   `$OPENWORK_TOKEN` / `$OPENWORK_HOST_TOKEN` replace them for a run.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Environment variable overriding the data directory.
pub const DATA_DIR_ENV: &str = "OPENWORK_DATA_DIR";
/// Environment variable overriding the config directory.
pub const CONFIG_DIR_ENV: &str = "OPENWORK_CONFIG_DIR";
/// Environment variable with the client token for this run (never stored);
/// wins over the token file.
pub const CLIENT_TOKEN_ENV: &str = "OPENWORK_TOKEN";
/// Environment variable with the host token for this run (never stored);
/// wins over the token file.
pub const HOST_TOKEN_ENV: &str = "OPENWORK_HOST_TOKEN";

/// No home directory to put OpenWork's files in, and no override set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoHomeDir {
    /// The variable that would have said where.
    pub var: &'static str,
}

impl std::fmt::Display for NoHomeDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot find a home directory; set {}", self.var)
    }
}

impl std::error::Error for NoHomeDir {}

/// Directory for data: engine install, logs, runtime files, the client's store.
pub fn data_dir() -> Result<PathBuf, NoHomeDir> {
    dir_from(DATA_DIR_ENV, dirs::data_dir)
}

/// Directory for configuration: the token file.
pub fn config_dir() -> Result<PathBuf, NoHomeDir> {
    dir_from(CONFIG_DIR_ENV, dirs::config_dir)
}

fn dir_from(var: &'static str, default: fn() -> Option<PathBuf>) -> Result<PathBuf, NoHomeDir> {
    if let Some(dir) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    default().map(|d| d.join("openwork")).ok_or(NoHomeDir { var })
}

/// `<data dir>/host.json`: the running host ([`RuntimeInfo`]).
pub fn host_runtime_file(data_dir: &Path) -> PathBuf {
    data_dir.join("host.json")
}

/// `<data dir>/app.json`: the running app ([`AppRuntime`]).
pub fn app_runtime_file(data_dir: &Path) -> PathBuf {
    data_dir.join("app.json")
}

/// `<config dir>/tokens.json`: the host's tokens ([`StoredTokens`]).
pub fn token_file(config_dir: &Path) -> PathBuf {
    config_dir.join("tokens.json")
}

/// A runtime file's contents: it names the process that wrote it, and is
/// only believed while that process lives.
pub trait Owned {
    /// Pid of the process the file describes.
    fn pid(&self) -> u32;
}

/// What a running host tells local tools about itself (`host.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeInfo {
    /// Pid of the host process.
    pub pid: u32,
    /// Loopback URL of the host API (always reachable from this machine).
    pub local_url: String,
    /// URL remote clients pair with.
    pub pairing_url: String,
    /// Active workspace path.
    pub workspace: String,
    /// Unix time (ms) the host started.
    pub started_at_ms: u64,
}

impl Owned for RuntimeInfo {
    fn pid(&self) -> u32 {
        self.pid
    }
}

/// What a running app tells a later `openwork app` on this machine (`app.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRuntime {
    /// Pid of the app process.
    pub pid: u32,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Asks this app for sign-in codes (never printed, never on a command line).
    pub control: String,
}

impl Owned for AppRuntime {
    fn pid(&self) -> u32 {
        self.pid
    }
}

/// The host's two tokens as stored in `tokens.json`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StoredTokens {
    /// The token remote clients pair with.
    pub client_token: String,
    /// The token for host-only operations (switching, approvals, rotation).
    pub host_token: String,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("client_token", &mask(&self.client_token))
            .field("host_token", &mask(&self.host_token))
            .finish()
    }
}

/// A token shortened for display and logs: first 4 and last 2 characters.
pub fn mask(token: &str) -> String {
    let n = token.chars().count();
    if n <= 8 {
        return "*".repeat(n.max(4));
    }
    let head: String = token.chars().take(4).collect();
    let tail: String = token.chars().skip(n - 2).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let d = Path::new("/d");
        assert_eq!(host_runtime_file(d), Path::new("/d/host.json"));
        assert_eq!(app_runtime_file(d), Path::new("/d/app.json"));
        assert_eq!(token_file(d), Path::new("/d/tokens.json"));
    }

    #[test]
    fn formats_are_camel_case() {
        let t = StoredTokens { client_token: "c".into(), host_token: "h".into() };
        assert_eq!(serde_json::to_value(&t).unwrap(), serde_json::json!({"clientToken": "c", "hostToken": "h"}));
        assert!(!format!("{t:?}").contains("\"c\""));
        let r: RuntimeInfo = serde_json::from_str(
            r#"{"pid":1,"localUrl":"http://127.0.0.1:1","pairingUrl":"http://h:1","workspace":"/w","startedAtMs":2}"#,
        )
        .unwrap();
        assert_eq!(r.pid(), 1);
    }
}
