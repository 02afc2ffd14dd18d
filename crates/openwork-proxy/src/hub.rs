//! [`EventHub`]: one upstream OpenCode event stream per engine, stream and
//! folder, shared by every subscriber (`GET /opencode/event`,
//! `/opencode/global/event`, `/opencode/api/event`).
//!
//! Without it each proxied subscriber costs an upstream connection (a reqwest
//! connection with its buffers and task on the host, a connection in
//! OpenCode). With it:
//! - the first subscriber for an (engine endpoint, directory) pair opens the
//!   upstream stream; the upstream is closed when the last subscriber leaves;
//! - the stream is split into raw SSE frames (bytes up to and including the
//!   blank line), broadcast unchanged to every subscriber; for the streams
//!   that carry every folder's events ([`Stream::Global`], [`Stream::Api`])
//!   only the frames of the target's folder ([`crate::filter::keep_frame`]);
//! - the first frame with data (OpenCode's `server.connected`) is kept and
//!   replayed as the first message of every later subscriber;
//! - when the upstream ends (engine restart, error) every downstream stream
//!   ends too, so clients reconnect as they do with the plain proxy;
//! - a subscriber more than [`EventHub::CAPACITY`] frames behind is
//!   disconnected (nothing is buffered per subscriber beyond that);
//! - when the upstream cannot be opened or does not answer 2xx with
//!   `text/event-stream`, [`EventHub::subscribe`] returns `None` and the
//!   caller uses the plain proxy path (which reports the error faithfully).
//!
//! - [`EventHub::end_other_folders`] ends every stream of a folder that is
//!   no longer the active one (after a switch: clients reconnect and get the
//!   new folder's stream).
//!
//! The hub knows nothing of auth or request checks: the forwarder
//! ([`crate::forward`]) decides and builds the [`UpstreamTarget`].
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, Weak};

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};

use crate::filter::{has_data, keep_frame, SseFrames};
use crate::routes::Stream;

/// Where and how to open one upstream event stream.
#[derive(Clone)]
pub struct UpstreamTarget {
    /// Full URL, e.g. `http://127.0.0.1:4096/event?directory=%2Fws`.
    pub url: String,
    /// Headers to send (directory header, `accept`).
    pub headers: reqwest::header::HeaderMap,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Which stream, and the folder its frames are for.
    pub stream: Stream,
    /// The folder.
    pub directory: String,
}

impl UpstreamTarget {
    /// Subscribers share an upstream only when everything that is sent
    /// upstream is identical (an engine restart changes the password).
    fn key(&self) -> String {
        let mut k = format!("{}\n{}\n{}\n{:?}\n{}", self.url, self.username, self.password, self.stream, self.directory);
        for (n, v) in self.headers.iter() {
            k.push('\n');
            k.push_str(n.as_str());
            k.push(':');
            k.push_str(&String::from_utf8_lossy(v.as_bytes()));
        }
        k
    }
}

/// Shared upstream `/event` streams.
pub struct EventHub {
    client: reqwest::Client,
    upstreams: Mutex<HashMap<String, Weak<Upstream>>>,
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub").field("upstreams", &self.upstream_count()).finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Connecting,
    Open,
    Failed,
    Ended,
}

#[derive(Default)]
struct Frames {
    /// First frame with data (`server.connected`), replayed to late subscribers.
    first: Option<Bytes>,
    /// Live frames; `None` once the upstream ended.
    tx: Option<broadcast::Sender<Bytes>>,
}

/// State shared between subscribers and the upstream task.
struct Core {
    frames: Mutex<Frames>,
    phase: watch::Sender<Phase>,
    /// Upstream response headers to send downstream (set once open).
    headers: Mutex<http::HeaderMap>,
}

/// One upstream stream; alive while a subscriber holds it.
struct Upstream {
    key: String,
    directory: String,
    core: Arc<Core>,
    task: tokio::task::AbortHandle,
    hub: Weak<EventHub>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        // Last subscriber gone: close the upstream connection.
        self.task.abort();
        if let Some(hub) = self.hub.upgrade() {
            let mut map = hub.upstreams.lock().unwrap_or_else(|e| e.into_inner());
            if map.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
                map.remove(&self.key);
            }
        }
    }
}

/// A downstream subscription: the upstream's response headers and a stream
/// of raw SSE frames (the cached first frame, then live frames).
pub struct Subscription {
    /// Headers of the upstream response (hop-by-hop headers not removed).
    pub headers: http::HeaderMap,
    upstream: Arc<Upstream>,
    first: Option<Bytes>,
    rx: broadcast::Receiver<Bytes>,
}

impl Subscription {
    /// The frames, ending when the upstream ends or this subscriber lags.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
        let Subscription { upstream, first, rx, .. } = self;
        let head = futures_util::stream::iter(first.map(Ok));
        let live = futures_util::stream::unfold((rx, upstream), |(mut rx, upstream)| async move {
            match rx.recv().await {
                Ok(frame) => Some((Ok(frame), (rx, upstream))),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::debug!(missed = n, "event subscriber too slow; disconnecting it");
                    None
                }
                Err(broadcast::error::RecvError::Closed) => None,
            }
        });
        head.chain(live)
    }
}

impl EventHub {
    /// Frames a subscriber may fall behind before it is disconnected.
    pub const CAPACITY: usize = 512;
    /// Largest SSE frame accepted from upstream; a larger one ends the stream.
    pub const MAX_FRAME: usize = 64 * 1024 * 1024;

    /// A hub opening upstream streams with `client` (no overall timeout).
    pub fn new(client: reqwest::Client) -> Arc<Self> {
        Arc::new(Self { client, upstreams: Mutex::new(HashMap::new()) })
    }

    /// Upstream streams currently open or opening.
    pub fn upstream_count(&self) -> usize {
        self.upstreams.lock().unwrap_or_else(|e| e.into_inner()).values().filter(|w| w.strong_count() > 0).count()
    }

    /// Subscribe to the shared stream for `target`, opening it if needed.
    /// `None`: the upstream could not be opened as an event stream (use the
    /// plain proxy path).
    pub async fn subscribe(self: &Arc<Self>, target: &UpstreamTarget) -> Option<Subscription> {
        let key = target.key();
        let upstream = {
            let mut map = self.upstreams.lock().unwrap_or_else(|e| e.into_inner());
            match map.get(&key).and_then(Weak::upgrade) {
                Some(u) => u,
                None => {
                    let u = self.start(key.clone(), target.clone());
                    map.insert(key, Arc::downgrade(&u));
                    u
                }
            }
        };
        let mut phase = upstream.core.phase.subscribe();
        let now = *phase.wait_for(|p| *p != Phase::Connecting).await.ok()?;
        if now != Phase::Open {
            return None;
        }
        let headers = upstream.core.headers.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (first, rx) = {
            let frames = upstream.core.frames.lock().unwrap_or_else(|e| e.into_inner());
            // Ended between "open" and now: let the client reconnect.
            let tx = frames.tx.as_ref()?;
            (frames.first.clone(), tx.subscribe())
        };
        Some(Subscription { headers, upstream, first, rx })
    }

    fn start(self: &Arc<Self>, key: String, target: UpstreamTarget) -> Arc<Upstream> {
        let (tx, _) = broadcast::channel(Self::CAPACITY);
        let core = Arc::new(Core {
            frames: Mutex::new(Frames { first: None, tx: Some(tx) }),
            phase: watch::channel(Phase::Connecting).0,
            headers: Mutex::new(http::HeaderMap::new()),
        });
        let directory = target.directory.clone();
        let task = tokio::spawn(run_upstream(self.client.clone(), target, core.clone(), Arc::downgrade(self), key.clone()));
        Arc::new(Upstream { key, directory, core, task: task.abort_handle(), hub: Arc::downgrade(self) })
    }

    /// End every stream that is not for `directory` (its subscribers'
    /// streams end; they reconnect to the active folder's).
    pub fn end_other_folders(&self, directory: &str) {
        let ended: Vec<Arc<Upstream>> = self
            .upstreams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter_map(Weak::upgrade)
            .filter(|u| !crate::path::same_dir(&u.directory, directory))
            .collect();
        for u in ended {
            u.task.abort();
            u.core.frames.lock().unwrap_or_else(|e| e.into_inner()).tx = None;
            u.core.phase.send_replace(Phase::Ended);
            self.forget(&u.key, &u.core);
        }
    }

    /// Forget `key` if it still maps to an upstream of `core` (it ended).
    fn forget(&self, key: &str, core: &Arc<Core>) {
        let mut map = self.upstreams.lock().unwrap_or_else(|e| e.into_inner());
        let stale = match map.get(key).and_then(Weak::upgrade) {
            Some(u) => Arc::ptr_eq(&u.core, core),
            None => true,
        };
        if stale {
            map.remove(key);
        }
    }
}

async fn run_upstream(client: reqwest::Client, target: UpstreamTarget, core: Arc<Core>, hub: Weak<EventHub>, key: String) {
    let finish = |phase: Phase| {
        // Dropping the sender ends every subscriber's stream.
        core.frames.lock().unwrap_or_else(|e| e.into_inner()).tx = None;
        core.phase.send_replace(phase);
        if let Some(hub) = hub.upgrade() {
            hub.forget(&key, &core);
        }
    };
    let resp = client
        .get(&target.url)
        .headers(target.headers.clone())
        .basic_auth(&target.username, Some(&target.password))
        .send()
        .await;
    let resp = match resp {
        Ok(r)
            if r.status().is_success()
                && r.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) =>
        {
            r
        }
        Ok(r) => {
            tracing::debug!(status = %r.status(), "shared event stream: upstream refused; using the plain proxy");
            return finish(Phase::Failed);
        }
        Err(e) => {
            tracing::debug!("shared event stream: upstream failed: {e}");
            return finish(Phase::Failed);
        }
    };
    *core.headers.lock().unwrap_or_else(|e| e.into_inner()) = resp.headers().clone();
    core.phase.send_replace(Phase::Open);
    tracing::debug!(url = %target.url.split('?').next().unwrap_or(""), "shared event stream opened");
    let mut body = resp.bytes_stream();
    let mut frames = SseFrames::default();
    while let Some(Ok(chunk)) = body.next().await {
        for frame in frames.push(&chunk) {
            if !keep_frame(target.stream, &frame, &target.directory) {
                continue;
            }
            let frame = Bytes::from(frame);
            let mut out = core.frames.lock().unwrap_or_else(|e| e.into_inner());
            if out.first.is_none() && has_data(&frame) {
                out.first = Some(frame.clone());
            }
            if let Some(tx) = &out.tx {
                let _ = tx.send(frame);
            }
        }
        if frames.pending() > EventHub::MAX_FRAME {
            tracing::warn!("shared event stream: frame larger than {} bytes; closing", EventHub::MAX_FRAME);
            break;
        }
    }
    tracing::debug!("shared event stream ended");
    finish(Phase::Ended);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A fake OpenCode `/event`: counts connections, sends `server.connected`,
    /// then whatever is sent on the returned channel; `None` closes every stream.
    async fn fake_upstream() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>, broadcast::Sender<Option<String>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let (tx, _) = broadcast::channel::<Option<String>>(4096);
        let (a, o, t) = (accepted.clone(), open.clone(), tx.clone());
        tokio::spawn(async move {
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                a.fetch_add(1, Ordering::SeqCst);
                let mut rx = t.subscribe();
                let o = o.clone();
                tokio::spawn(async move {
                    let mut req = vec![0u8; 4096];
                    let _ = sock.read(&mut req).await;
                    o.fetch_add(1, Ordering::SeqCst);
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                    let chunk = |s: &str| format!("{:x}\r\n{s}\r\n", s.len());
                    let hello = "data: {\"type\":\"server.connected\",\"properties\":{}}\n\n";
                    if sock.write_all(format!("{head}{}", chunk(hello)).as_bytes()).await.is_err() {
                        o.fetch_sub(1, Ordering::SeqCst);
                        return;
                    }
                    let mut probe = [0u8; 1];
                    loop {
                        tokio::select! {
                            msg = rx.recv() => match msg {
                                Ok(Some(s)) => {
                                    if sock.write_all(chunk(&s).as_bytes()).await.is_err() { break; }
                                }
                                _ => { let _ = sock.write_all(b"0\r\n\r\n").await; break; }
                            },
                            // The client closed the connection.
                            n = sock.read(&mut probe) => if matches!(n, Ok(0) | Err(_)) { break; },
                        }
                    }
                    o.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        (format!("http://{addr}/event"), accepted, open, tx)
    }

    fn target(url: &str) -> UpstreamTarget {
        UpstreamTarget {
            url: url.into(),
            headers: Default::default(),
            username: "opencode".into(),
            password: "pw".into(),
            stream: Stream::Folder,
            directory: "/ws".into(),
        }
    }

    async fn next_text(s: &mut (impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Unpin)) -> Option<String> {
        let item = tokio::time::timeout(Duration::from_secs(30), s.next()).await.expect("frame in time");
        item.map(|r| String::from_utf8(r.unwrap().to_vec()).unwrap())
    }

    #[tokio::test]
    async fn one_upstream_fans_out_and_replays_the_first_frame() {
        let (url, accepted, open, tx) = fake_upstream().await;
        let hub = EventHub::new(reqwest::Client::new());
        let mut streams = Vec::new();
        for _ in 0..20 {
            let sub = hub.subscribe(&target(&url)).await.expect("subscribed");
            streams.push(Box::pin(sub.into_stream()));
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "one upstream connection for 20 subscribers");
        assert_eq!(hub.upstream_count(), 1);
        for s in streams.iter_mut() {
            assert!(next_text(s).await.unwrap().contains("server.connected"));
        }
        // Split across chunks, several frames per chunk: frames arrive whole.
        tx.send(Some("data: {\"type\":\"a\"}\n".into())).unwrap();
        tx.send(Some("\ndata: {\"type\":\"b\"}\n\ndata: {\"type\":\"c\"}\n\n".into())).unwrap();
        for s in streams.iter_mut() {
            assert_eq!(next_text(s).await.unwrap(), "data: {\"type\":\"a\"}\n\n");
            assert_eq!(next_text(s).await.unwrap(), "data: {\"type\":\"b\"}\n\n");
            assert_eq!(next_text(s).await.unwrap(), "data: {\"type\":\"c\"}\n\n");
        }
        // Last subscriber gone: the upstream connection is closed.
        drop(streams);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while open.load(Ordering::SeqCst) > 0 || hub.upstream_count() > 0 {
            assert!(tokio::time::Instant::now() < deadline, "upstream still open");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The next subscriber opens a new upstream and still gets server.connected.
        let mut s = Box::pin(hub.subscribe(&target(&url)).await.unwrap().into_stream());
        assert!(next_text(&mut s).await.unwrap().contains("server.connected"));
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn upstream_end_ends_every_subscriber() {
        let (url, _, _, tx) = fake_upstream().await;
        let hub = EventHub::new(reqwest::Client::new());
        let mut a = Box::pin(hub.subscribe(&target(&url)).await.unwrap().into_stream());
        let mut b = Box::pin(hub.subscribe(&target(&url)).await.unwrap().into_stream());
        next_text(&mut a).await.unwrap();
        next_text(&mut b).await.unwrap();
        tx.send(None).unwrap();
        assert_eq!(next_text(&mut a).await, None);
        assert_eq!(next_text(&mut b).await, None);
        assert_eq!(hub.upstream_count(), 0);
    }

    #[tokio::test]
    async fn a_lagging_subscriber_is_disconnected() {
        let (url, _, _, tx) = fake_upstream().await;
        let hub = EventHub::new(reqwest::Client::new());
        let mut slow = Box::pin(hub.subscribe(&target(&url)).await.unwrap().into_stream());
        let mut fast = Box::pin(hub.subscribe(&target(&url)).await.unwrap().into_stream());
        next_text(&mut slow).await.unwrap();
        next_text(&mut fast).await.unwrap();
        let n = EventHub::CAPACITY + 10;
        let received = Arc::new(AtomicUsize::new(0));
        let counter = received.clone();
        let reader = tokio::spawn(async move {
            let mut got = 0;
            while let Some(frame) = next_text(&mut fast).await {
                assert_eq!(frame, format!("data: {got}\n\n"));
                got += 1;
                counter.store(got, Ordering::SeqCst);
                if got == n {
                    break;
                }
            }
            got
        });
        // The fast subscriber is never allowed to fall far behind (the sender
        // waits for it, however busy the machine); the slow one never reads.
        for i in 0..n {
            tx.send(Some(format!("data: {i}\n\n"))).unwrap();
            if i % 32 == 31 {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                while received.load(Ordering::SeqCst) + 32 < i {
                    assert!(tokio::time::Instant::now() < deadline, "the fast subscriber stalled at {}", received.load(Ordering::SeqCst));
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
        }
        assert_eq!(reader.await.unwrap(), n, "the fast subscriber gets everything");
        // The slow one gets what is still buffered, then its stream ends.
        let mut count = 0;
        while next_text(&mut slow).await.is_some() {
            count += 1;
        }
        assert!(count <= EventHub::CAPACITY, "{count}");
    }

    #[tokio::test]
    async fn global_streams_carry_only_the_folder_and_end_on_a_switch() {
        let (url, _, _, tx) = fake_upstream().await;
        let hub = EventHub::new(reqwest::Client::new());
        let t = UpstreamTarget { stream: Stream::Global, ..target(&url) };
        let mut s = Box::pin(hub.subscribe(&t).await.unwrap().into_stream());
        // (The fake's first frame is a folder stream's `server.connected`,
        // without `payload`: not a global frame, dropped.)
        tx.send(Some("data: {\"payload\":{\"type\":\"server.heartbeat\"}}\n\n".into())).unwrap();
        assert!(next_text(&mut s).await.unwrap().contains("server.heartbeat"), "folder-less server events pass");
        tx.send(Some("data: {\"directory\":\"/other\",\"payload\":{\"type\":\"session.created\"}}\n\n".into())).unwrap();
        tx.send(Some("data: {\"directory\":\"/ws\",\"payload\":{\"type\":\"session.created\"}}\n\n".into())).unwrap();
        assert!(next_text(&mut s).await.unwrap().contains("\"/ws\""), "the other folder's frame was dropped");
        hub.end_other_folders("/ws");
        assert_eq!(hub.upstream_count(), 1, "the active folder's stream stays");
        hub.end_other_folders("/elsewhere");
        assert_eq!(next_text(&mut s).await, None, "a switch ends the old folder's streams");
        assert_eq!(hub.upstream_count(), 0);
    }

    #[tokio::test]
    async fn refused_upstream_means_plain_proxy() {
        let hub = EventHub::new(reqwest::Client::new());
        // Bound, not listening: refused, and the port stays ours.
        let reserved = tokio::net::TcpSocket::new_v4().unwrap();
        reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = format!("http://{}/event", reserved.local_addr().unwrap());
        assert!(hub.subscribe(&target(&url)).await.is_none());
        assert_eq!(hub.upstream_count(), 0);
    }

}
