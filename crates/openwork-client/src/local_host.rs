//! The OpenWork host running on this machine, as its owner sees it (`openwork
//! status`, `token rotate|add|list|revoke`, `pair`, `engine restart`, `workspace switch`,
//! `approvals`, and the app's host mode).
//!
//! It is found through its runtime file (`<data dir>/host.json`, naming a
//! live pid) and the token file (`<config dir>/tokens.json`), with
//! `OPENWORK_TOKEN` / `OPENWORK_HOST_TOKEN` winning over the stored tokens;
//! then it is asked with the client token (engine status) or the host token
//! (everything else).
use std::time::Duration;

use openwork_wire::runtime::{
    config_dir, data_dir, host_runtime_file, token_file, NoHomeDir, RuntimeInfo, CLIENT_TOKEN_ENV, HOST_TOKEN_ENV,
};
use openwork_wire::api::{IssuedToken, NewToken, OkResponse, Pairing, PairingRequest, TokenList};
use openwork_wire::{EngineStatus, Workspace, HOST_TOKEN_HEADER};
use reqwest::Method;
use serde_json::Value;

use crate::call::{self, segment, CallError};
use crate::extensions::{ApprovalReply, RotatedToken, SwitchRequest};
use crate::runtime::{self, RuntimeFileError};

/// Why the local host could not be looked for.
#[derive(Debug, thiserror::Error)]
pub enum LocalHostError {
    /// No data or config directory.
    #[error(transparent)]
    NoHomeDir(#[from] NoHomeDir),
    /// The runtime or token file could not be read.
    #[error(transparent)]
    File(#[from] RuntimeFileError),
    /// No HTTP client could be made.
    #[error("could not set up HTTP: {0}")]
    Http(#[source] reqwest::Error),
}

/// Which token a request carries.
#[derive(Debug, Clone, Copy)]
enum Token {
    Client,
    Host,
}

/// A host running on this machine, with the tokens to talk to it.
pub struct LocalHost {
    /// What it wrote about itself.
    pub info: RuntimeInfo,
    client_token: String,
    host_token: String,
    http: reqwest::Client,
    timeout: Duration,
}

impl std::fmt::Debug for LocalHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalHost").field("info", &self.info).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl LocalHost {
    /// Bound on each request of [`LocalHost::find`]'s host.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The running host, if any, asked with a client of its own
    /// ([`LocalHost::DEFAULT_TIMEOUT`] a request, no proxy).
    pub fn find() -> Result<Option<Self>, LocalHostError> {
        let Some(found) = locate()? else { return Ok(None) };
        let http = reqwest::Client::builder().no_proxy().build().map_err(LocalHostError::Http)?;
        Ok(Some(found.with(http, Self::DEFAULT_TIMEOUT)))
    }

    /// The running host, if any, asked through `http` with `timeout` a request.
    pub fn find_using(http: &reqwest::Client, timeout: Duration) -> Result<Option<Self>, LocalHostError> {
        Ok(locate()?.map(|found| found.with(http.clone(), timeout)))
    }

    /// The client token (the environment's, else the stored one).
    pub fn client_token(&self) -> &str {
        &self.client_token
    }

    /// `GET /engine`.
    pub async fn engine(&self) -> Result<EngineStatus, CallError> {
        call::json(self.request(Method::GET, "/engine", Token::Client)).await
    }

    /// `POST /tokens/rotate`: the new client token (the old one stops working).
    pub async fn rotate_client_token(&self) -> Result<String, CallError> {
        let rotated: RotatedToken = call::json(self.request(Method::POST, "/tokens/rotate", Token::Host)).await?;
        Ok(rotated.client_token)
    }

    /// `POST /engine/restart` → `{ok: true}`.
    pub async fn restart_engine(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::POST, "/engine/restart", Token::Host)).await
    }

    /// `POST /workspaces/active`: expose the folder `path` instead.
    pub async fn switch_workspace(&self, path: &str) -> Result<Workspace, CallError> {
        let body = SwitchRequest { path: path.to_string() };
        call::json(self.request(Method::POST, "/workspaces/active", Token::Host).json(&body)).await
    }

    /// `GET /approvals`: writes waiting for the host's decision, each with the change.
    pub async fn approvals(&self) -> Result<Value, CallError> {
        call::json(self.request(Method::GET, "/approvals", Token::Host)).await
    }

    /// `POST /approvals/{id}`: allow or deny a waiting write.
    pub async fn reply_approval(&self, id: &str, reply: &ApprovalReply) -> Result<Value, CallError> {
        let path = format!("/approvals/{}", segment(id));
        call::json(self.request(Method::POST, &path, Token::Host).json(reply)).await
    }

    /// `GET /tokens`: the device tokens (no secrets).
    pub async fn tokens(&self) -> Result<TokenList, CallError> {
        call::json(self.request(Method::GET, "/tokens", Token::Host)).await
    }

    /// `POST /tokens`: a new device token (its secret is only in this answer).
    pub async fn add_token(&self, req: &NewToken) -> Result<IssuedToken, CallError> {
        call::json(self.request(Method::POST, "/tokens", Token::Host).json(req)).await
    }

    /// `DELETE /tokens/{id}`: the token stops working at once.
    pub async fn revoke_token(&self, id: &str) -> Result<OkResponse, CallError> {
        call::json(self.request(Method::DELETE, &format!("/tokens/{}", segment(id)), Token::Host)).await
    }

    /// `POST /pairing`: a one-time code and the link a device opens with it.
    /// The link names the host as its pairing URL does (the address remote
    /// devices use), not the loopback one.
    pub async fn pair(&self, req: &PairingRequest) -> Result<Pairing, CallError> {
        let mut p: Pairing = call::json(self.request(Method::POST, "/pairing", Token::Host).json(req)).await?;
        p.url = format!("{}/?pair={}", self.info.pairing_url.trim_end_matches('/'), p.code);
        Ok(p)
    }

    fn request(&self, method: Method, path: &str, token: Token) -> reqwest::RequestBuilder {
        let req = self.http.request(method, format!("{}{path}", self.info.local_url)).timeout(self.timeout);
        match token {
            Token::Client => req.bearer_auth(&self.client_token),
            Token::Host => req.header(HOST_TOKEN_HEADER, &self.host_token),
        }
    }
}

/// A live host's runtime file and the tokens for it.
struct Found {
    info: RuntimeInfo,
    client_token: String,
    host_token: String,
}

impl Found {
    fn with(self, http: reqwest::Client, timeout: Duration) -> LocalHost {
        LocalHost { info: self.info, client_token: self.client_token, host_token: self.host_token, http, timeout }
    }
}

fn locate() -> Result<Option<Found>, LocalHostError> {
    let Some(info) = runtime::read_live::<RuntimeInfo>(&host_runtime_file(&data_dir()?))? else {
        return Ok(None);
    };
    let (client, host) = runtime::read_tokens(&token_file(&config_dir()?))?
        .map(|t| (t.client_token, t.host_token))
        .unwrap_or_default();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Ok(Some(Found {
        info,
        client_token: env(CLIENT_TOKEN_ENV).unwrap_or(client),
        host_token: env(HOST_TOKEN_ENV).unwrap_or(host),
    }))
}
