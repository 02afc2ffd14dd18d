//! [`HostEvents`]: a resilient subscription to a host's `GET /events`.
//!
//! Reconnects on its own with exponential backoff and jitter, resumes with
//! `Last-Event-ID` so nothing the host still buffers is lost, treats 45 s of
//! silence (the host sends keep-alives every 15 s) as a dead connection, and
//! stops only on an authentication failure.
use std::pin::Pin;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use rand::Rng;
use serde::Deserialize;

use crate::url::{join, normalize_url};

/// One host event (the `data:` of an SSE message from `/events`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HostEvent {
    /// Position in the host's log.
    pub id: u64,
    /// `workspace.switched`, `engine.state`, `config.changed`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Payload.
    #[serde(default)]
    pub properties: serde_json::Value,
    /// Unix time (ms) on the host.
    #[serde(default)]
    pub time: u64,
}

/// What [`HostEvents::next`] yields.
#[derive(Debug, Clone, PartialEq)]
pub enum EventItem {
    /// The stream is (again) connected.
    Connected,
    /// An event.
    Event(HostEvent),
    /// The connection dropped; the next attempt is after `delay`.
    Reconnecting {
        /// Attempts so far since the last successful connection.
        attempt: u32,
        /// Wait before the next attempt.
        delay: Duration,
        /// What went wrong.
        error: String,
    },
}

/// The subscription ended for good.
#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    /// The URL is not usable.
    #[error("invalid host URL: {0}")]
    Url(String),
    /// The host refused the token (401/403): retrying will not help.
    #[error("the host refused the token for /events (HTTP {0}); check the client token")]
    Auth(u16),
}

type ByteStream = Pin<Box<dyn Stream<Item = Result<eventsource_stream::Event, String>> + Send>>;

/// A subscription to `/events` that survives dropped connections.
pub struct HostEvents {
    url: String,
    token: String,
    client: reqwest::Client,
    last_id: Option<u64>,
    stream: Option<ByteStream>,
    attempt: u32,
    /// Silence after which the connection is considered dead.
    pub idle_timeout: Duration,
    /// First reconnect delay (doubles up to `max_delay`, ±25 % jitter).
    pub initial_delay: Duration,
    /// Largest reconnect delay.
    pub max_delay: Duration,
}

impl HostEvents {
    /// Subscribe to `host_url`'s events with the client `token`, starting
    /// after `last_id` (`None`: only new events).
    pub fn new(host_url: &str, token: &str, last_id: Option<u64>) -> Result<Self, EventsError> {
        let base = normalize_url(host_url).map_err(|e| EventsError::Url(e.to_string()))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .no_proxy()
            .build()
            .map_err(|e| EventsError::Url(e.to_string()))?;
        Ok(Self {
            url: join(&base, "/events"),
            token: token.to_string(),
            client,
            last_id,
            stream: None,
            attempt: 0,
            idle_timeout: Duration::from_secs(45),
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        })
    }

    /// Id of the last event delivered (what a resume starts after).
    pub fn last_event_id(&self) -> Option<u64> {
        self.last_id
    }

    /// Drop the current connection (the next call reconnects and resumes).
    pub fn disconnect(&mut self) {
        self.stream = None;
    }

    /// The next item; reconnects as needed. Ends only with an error that
    /// retrying cannot fix.
    pub async fn next(&mut self) -> Result<EventItem, EventsError> {
        loop {
            let Some(stream) = self.stream.as_mut() else {
                match self.open().await {
                    Ok(s) => {
                        self.stream = Some(s);
                        self.attempt = 0;
                        return Ok(EventItem::Connected);
                    }
                    Err(Failure::Auth(code)) => return Err(EventsError::Auth(code)),
                    Err(Failure::Retry(error)) => return Ok(self.backoff(error).await),
                }
            };
            match tokio::time::timeout(self.idle_timeout, stream.next()).await {
                Ok(Some(Ok(ev))) => {
                    let Ok(event) = serde_json::from_str::<HostEvent>(&ev.data) else { continue };
                    if self.last_id.is_some_and(|last| event.id <= last) {
                        continue; // already delivered before a reconnect
                    }
                    self.last_id = Some(event.id);
                    return Ok(EventItem::Event(event));
                }
                Ok(Some(Err(e))) => {
                    self.stream = None;
                    return Ok(self.backoff(e).await);
                }
                Ok(None) => {
                    self.stream = None;
                    return Ok(self.backoff("the host closed the event stream".into()).await);
                }
                Err(_) => {
                    self.stream = None;
                    return Ok(self.backoff(format!("no data for {:?}", self.idle_timeout)).await);
                }
            }
        }
    }

    async fn backoff(&mut self, error: String) -> EventItem {
        self.attempt += 1;
        let exp = self.attempt.saturating_sub(1).min(16);
        let base = self.initial_delay.saturating_mul(1 << exp).min(self.max_delay);
        let jitter = rand::thread_rng().gen_range(0.75..1.25);
        let delay = base.mul_f64(jitter);
        tokio::time::sleep(delay).await;
        EventItem::Reconnecting { attempt: self.attempt, delay, error }
    }

    async fn open(&self) -> Result<ByteStream, Failure> {
        let mut req = self.client.get(&self.url).bearer_auth(&self.token).header("accept", "text/event-stream");
        if let Some(id) = self.last_id {
            req = req.header("last-event-id", id.to_string());
        }
        let resp = req.send().await.map_err(|e| Failure::Retry(e.to_string()))?;
        let status = resp.status().as_u16();
        if status == 401 || status == 403 {
            return Err(Failure::Auth(status));
        }
        if status != 200 {
            return Err(Failure::Retry(format!("HTTP {status} from /events")));
        }
        Ok(Box::pin(resp.bytes_stream().eventsource().map(|r| r.map_err(|e| e.to_string()))))
    }
}

enum Failure {
    Auth(u16),
    Retry(String),
}
