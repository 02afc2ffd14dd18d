//! [`EngineClient`]: how the host calls its engine about a folder, in one
//! place: the engine's current address and credentials from the
//! [`EngineHandle`], the folder in the query and header as OpenCode's own
//! clients send it ([`openwork_proxy::Upstream::request`]), a timeout per
//! call. Used by the extensions (MCP status, the config check, reloads) and
//! the switch (opening the new folder); the `/opencode` proxy forwards
//! through the same [`openwork_proxy::Upstream`].
use std::time::Duration;

use openwork_proxy::Upstream;
use reqwest::Method;
use serde_json::Value;

use super::EngineHandle;

/// The engine's API for one folder at a time.
#[derive(Clone)]
pub struct EngineClient {
    handle: EngineHandle,
    http: reqwest::Client,
}

impl std::fmt::Debug for EngineClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineClient").field("state", &self.handle.status().state).finish()
    }
}

impl EngineClient {
    /// Longest wait for a quick call ([`EngineClient::get_json`]).
    pub const QUICK: Duration = Duration::from_secs(5);
    /// Longest wait for a call that loads a folder (a reload, a config check).
    pub const LOAD: Duration = Duration::from_secs(15);

    /// A client of `handle`'s engine through the pooled `http` client.
    pub fn new(handle: EngineHandle, http: reqwest::Client) -> Self {
        Self { handle, http }
    }

    /// The supervised engine.
    pub fn handle(&self) -> &EngineHandle {
        &self.handle
    }

    /// The pooled HTTP client (no overall timeout: event streams).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Where the engine is and how to log in, while it runs.
    pub fn upstream(&self) -> Option<Upstream> {
        let ep = self.handle.endpoint()?;
        Some(Upstream { base_url: ep.base_url.clone(), username: ep.username.clone(), password: Some(ep.password.clone()) })
    }

    /// `method path` for `directory`; `None` while the engine is not running
    /// or when it does not answer within `timeout`.
    pub async fn send(&self, method: Method, directory: &str, path: &str, timeout: Duration) -> Option<reqwest::Response> {
        let up = self.upstream()?;
        up.request(&self.http, method, path, directory).timeout(timeout).send().await.ok()
    }

    /// `GET path` for `directory` as JSON; `None` when the engine is not
    /// running, does not answer in [`EngineClient::QUICK`] or not with
    /// a JSON success.
    pub async fn get_json(&self, directory: &str, path: &str) -> Option<Value> {
        let resp = self.send(Method::GET, directory, path, Self::QUICK).await?;
        if !resp.status().is_success() {
            return None;
        }
        resp.json().await.ok()
    }

    /// Have OpenCode drop its instance of `directory` (`POST
    /// /instance/dispose`): the next request loads the folder and its config
    /// again. Aborts whatever runs in the folder. Failures are logged.
    pub async fn dispose(&self, directory: &str) {
        match self.send(Method::POST, directory, "/instance/dispose", Self::LOAD).await {
            Some(resp) if resp.status().is_success() => {}
            Some(resp) => tracing::warn!(status = %resp.status(), "engine reload (instance/dispose) failed"),
            None => tracing::warn!("engine reload (instance/dispose) failed: no answer"),
        }
    }

    /// Have OpenCode open `directory` now (the first request for a folder
    /// sets it up, seconds on a busy machine).
    pub async fn open(&self, directory: &str) {
        let _ = self.get_json(directory, "/path").await;
    }
}
