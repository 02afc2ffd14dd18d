//! [`EventBus`]: the host's event log (served as `GET /events` by
//! `server::events`).
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
