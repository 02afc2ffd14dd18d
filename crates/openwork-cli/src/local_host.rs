//! Finding and calling the host running on this machine (runtime file +
//! token file), for `status`, `token rotate`, `engine restart`.
use anyhow::{Context, Result};
use openwork_host::runtime::{self, RuntimeInfo};
use openwork_host::{paths, tokens};
use openwork_wire::HOST_TOKEN_HEADER;

/// A host running on this machine, with the tokens to talk to it.
pub struct LocalHost {
    /// What it wrote about itself.
    pub info: RuntimeInfo,
    client_token: String,
    host_token: String,
    http: reqwest::Client,
}

impl LocalHost {
    /// The running host, if any. Env overrides (`OPENWORK_TOKEN`,
    /// `OPENWORK_HOST_TOKEN`) win over the stored tokens.
    pub fn find() -> Result<Option<Self>> {
        let Some(info) = runtime::read_live(&paths::data_dir()?)? else {
            return Ok(None);
        };
        let stored = tokens::read_stored(&tokens::token_file(&paths::config_dir()?))?;
        let (stored_client, stored_host) = stored.unwrap_or_default();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .no_proxy()
            .build()?;
        Ok(Some(Self {
            info,
            client_token: env("OPENWORK_TOKEN").unwrap_or(stored_client),
            host_token: env("OPENWORK_HOST_TOKEN").unwrap_or(stored_host),
            http,
        }))
    }

    /// `GET path` with the client token, as JSON.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value> {
        let url = format!("{}{path}", self.info.local_url);
        let resp = self
            .http
            .get(&url)
            .bearer_auth(&self.client_token)
            .send()
            .await
            .with_context(|| format!("could not reach the host at {url}"))?;
        json_or_error(resp).await
    }

    /// `POST path` with the host token, as JSON.
    pub async fn post_host(&self, path: &str) -> Result<serde_json::Value> {
        self.post_host_json(path, &serde_json::json!({})).await
    }

    /// `POST path` with the host token and a JSON body, as JSON.
    pub async fn post_host_json(&self, path: &str, body: &serde_json::Value) -> Result<serde_json::Value> {
        let url = format!("{}{path}", self.info.local_url);
        let resp = self
            .http
            .post(&url)
            .header(HOST_TOKEN_HEADER, &self.host_token)
            .json(body)
            .send()
            .await
            .with_context(|| format!("could not reach the host at {url}"))?;
        json_or_error(resp).await
    }
}

impl LocalHost {
    /// `GET path` with the host token, as JSON.
    pub async fn get_host(&self, path: &str) -> Result<serde_json::Value> {
        let url = format!("{}{path}", self.info.local_url);
        let resp = self
            .http
            .get(&url)
            .header(HOST_TOKEN_HEADER, &self.host_token)
            .send()
            .await
            .with_context(|| format!("could not reach the host at {url}"))?;
        json_or_error(resp).await
    }
}

async fn json_or_error(resp: reqwest::Response) -> Result<serde_json::Value> {
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.context("the host answered with invalid JSON")?;
    if !status.is_success() {
        let msg = body.get("message").and_then(|m| m.as_str()).unwrap_or("no message");
        anyhow::bail!("the host answered {status}: {msg}");
    }
    Ok(body)
}
