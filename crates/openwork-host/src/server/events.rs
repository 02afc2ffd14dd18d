//! [`EventBus`]: the host's event log behind `GET /events`.
//!
//! Every event gets a monotonically increasing id. The last
//! [`EventBus::CAPACITY`] events are kept so a client reconnecting with
//! `Last-Event-ID` gets what it missed; a subscription taken with
//! [`EventBus::subscribe_after`] never has a gap between backlog and live
//! events (both are taken under one lock).
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::sync::broadcast;

/// One event.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HostEvent {
    /// Position in the log (SSE `id:`).
    pub id: u64,
    /// `workspace.switched`, `engine.state`, `approval.requested`,
    /// `approval.resolved`, `config.changed`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Event payload.
    pub properties: serde_json::Value,
    /// Unix time in ms.
    pub time: u64,
}

#[derive(Debug)]
struct Log {
    next_id: u64,
    recent: VecDeque<Arc<HostEvent>>,
}

/// Publish/subscribe with a bounded replay buffer.
#[derive(Debug)]
pub struct EventBus {
    log: Mutex<Log>,
    live: broadcast::Sender<Arc<HostEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// Events kept for replay.
    pub const CAPACITY: usize = 1024;

    /// An empty bus.
    pub fn new() -> Self {
        let (live, _) = broadcast::channel(Self::CAPACITY);
        Self { log: Mutex::new(Log { next_id: 1, recent: VecDeque::new() }), live }
    }

    /// Publish an event; returns its id.
    pub fn publish(&self, kind: &str, properties: serde_json::Value) -> u64 {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let id = log.next_id;
        log.next_id += 1;
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let event = Arc::new(HostEvent { id, kind: kind.to_string(), properties, time });
        if log.recent.len() == Self::CAPACITY {
            log.recent.pop_front();
        }
        log.recent.push_back(event.clone());
        let _ = self.live.send(event);
        id
    }

    /// Events after `last_seen` still in the buffer, plus a live receiver
    /// continuing right after them. `None` means "only new events".
    pub fn subscribe_after(
        &self,
        last_seen: Option<u64>,
    ) -> (Vec<Arc<HostEvent>>, broadcast::Receiver<Arc<HostEvent>>) {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let backlog = match last_seen {
            Some(after) => log.recent.iter().filter(|e| e.id > after).cloned().collect(),
            None => Vec::new(),
        };
        (backlog, self.live.subscribe())
    }
}

/// `GET /events` (client token): SSE of host events. Each SSE message has
/// `id: <event id>` and `data: {"id","type","properties","time"}`. A client
/// reconnecting with `Last-Event-ID` (header, or `?lastEventId=`) first gets
/// every buffered event after that id. A keep-alive comment goes out every
/// 15 s. A subscriber that falls more than [`EventBus::CAPACITY`] events
/// behind is disconnected, and resumes from its last id on reconnect.
#[utoipa::path(get, path = "/events", tag = "events",
    security(("clientToken" = [])),
    params(
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id"),
        ("lastEventId" = Option<String>, Query, description = "Same as `Last-Event-ID`, for clients that cannot set headers"),
    ),
    responses((status = 200, description = "SSE: `id: <n>` and `data: {id, type, properties, time}` per event; \
keep-alive comments every 15 s", content_type = "text/event-stream", body = String)))]
pub async fn stream(
    _: super::auth::ClientAuth,
    axum::extract::State(state): axum::extract::State<super::AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use axum::response::IntoResponse;
    use futures_util::StreamExt;
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .or(q.get("lastEventId").map(|s| s.as_str()))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (backlog, rx) = state.events.subscribe_after(last);
    let to_sse = |e: &HostEvent| {
        Event::default().id(e.id.to_string()).data(serde_json::to_string(e).unwrap_or_default())
    };
    let backlog_stream = futures_util::stream::iter(
        backlog.iter().map(|e| Ok::<_, std::convert::Infallible>(to_sse(e))).collect::<Vec<_>>(),
    );
    let live = futures_util::stream::unfold(rx, move |mut rx| async move {
        match rx.recv().await {
            Ok(e) => Some((Ok(to_sse(&e)), rx)),
            // Lagged: end the stream; the client resumes with Last-Event-ID.
            Err(_) => None,
        }
    });
    let mut resp = Sse::new(backlog_stream.chain(live))
        .keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
        .into_response();
    resp.headers_mut().insert("x-accel-buffering", http::HeaderValue::from_static("no"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn resume_has_no_gap() {
        let bus = EventBus::new();
        for i in 0..5 {
            bus.publish("t", json!({ "i": i }));
        }
        let (backlog, mut rx) = bus.subscribe_after(Some(2));
        assert_eq!(backlog.iter().map(|e| e.id).collect::<Vec<_>>(), vec![3, 4, 5]);
        bus.publish("t", json!({}));
        assert_eq!(rx.recv().await.unwrap().id, 6);
    }

    #[test]
    fn buffer_is_bounded() {
        let bus = EventBus::new();
        for _ in 0..(EventBus::CAPACITY + 10) {
            bus.publish("t", json!({}));
        }
        let (backlog, _) = bus.subscribe_after(Some(0));
        assert_eq!(backlog.len(), EventBus::CAPACITY);
        assert_eq!(backlog[0].id, 11);
    }
}
