//! [`Forwarder`]: sends a decided request to OpenCode and the answer back,
//! making on the way the checks that need OpenCode (whose is this session,
//! which is the folder's project) and cutting machine-wide answers down to
//! the folder.
//!
//! - Session-scoped routes: the session's folder is looked up once
//!   (`GET /session/:id`) and remembered ([`Sessions`]); listings and
//!   creations teach it too. Another folder's session → 404.
//! - Bodies stream both ways, up to the body limit (413), except session
//!   creation bodies (small; checked) and filtered answers (buffered).
//! - Event streams go through the [`EventHub`] (one upstream per folder).
//! - Failures of OpenCode itself are [`ForwardError::Upstream`], for the
//!   caller to explain (engine state).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures_util::TryStreamExt;
use http::{HeaderName, Method, StatusCode};
use openwork_wire::ErrorCode;
use serde_json::Value;

use crate::decide::{Decision, Refusal};
use crate::filter;
use crate::hub::{EventHub, UpstreamTarget};
use crate::path::{encode_component, same_dir};
use crate::pin;
use crate::routes::{BodyCheck, Kind, Listing};
use crate::upgrade::{self, Upgrade};

/// Where OpenCode is and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base_url: String,
    /// Basic-auth user name.
    pub username: String,
    /// Basic-auth password; `None`: OpenCode has none.
    pub password: Option<String>,
}

impl Upstream {
    /// A request to OpenCode's `path` for `directory`: the folder goes in
    /// the `directory` query parameter and the `x-opencode-directory` header
    /// (both percent-encoded like `encodeURIComponent`, as OpenCode's own
    /// clients send it), with OpenCode's Basic auth. The one way requests
    /// to OpenCode for a folder are built (the proxy's lookups, the host's
    /// engine client).
    pub fn request(&self, http: &reqwest::Client, method: Method, path: &str, directory: &str) -> reqwest::RequestBuilder {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{}{path}{sep}directory={}", self.base_url, encode_component(directory));
        let req = http.request(method, url).header(pin::DIRECTORY_HEADER, encode_component(directory));
        match &self.password {
            Some(p) => req.basic_auth(&self.username, Some(p)),
            None => req,
        }
    }
}

/// Why a request could not be forwarded.
#[derive(Debug)]
pub enum ForwardError {
    /// Refused by the policy (or a check that needed OpenCode).
    Refused(Refusal),
    /// The request body passed the limit.
    BodyTooLarge,
    /// OpenCode did not answer (connection, timeout).
    Upstream(reqwest::Error),
}

impl From<Refusal> for ForwardError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

/// Sessions' folders, learned from OpenCode and remembered for
/// [`Sessions::TTL`] (a session never moves through the proxy: the routes
/// that move one are machine-wide; but an id can be deleted and created
/// again elsewhere, so nothing is remembered for long, and a deletion
/// through the proxy forgets at once).
#[derive(Debug, Default)]
pub struct Sessions {
    folders: Mutex<HashMap<String, (String, std::time::Instant)>>,
}

impl Sessions {
    /// Remembered at most; the map is emptied when it is full.
    const MAX: usize = 20_000;
    /// How long a session's folder is trusted before it is asked again.
    pub const TTL: Duration = Duration::from_secs(10);

    fn get(&self, id: &str) -> Option<String> {
        let map = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id).filter(|(_, at)| at.elapsed() < Self::TTL).map(|(d, _)| d.clone())
    }

    /// Remember that session `id` is in `directory`.
    pub fn learn(&self, id: &str, directory: &str) {
        let mut map = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(id.to_string(), (directory.to_string(), std::time::Instant::now()));
    }

    /// Forget session `id` (deleted).
    pub fn forget(&self, id: &str) {
        self.folders.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}

/// OpenCode's project of every folder that is not in a git repository.
const GLOBAL_PROJECT: &str = "global";

/// Largest answer the proxy reads whole to filter it.
const MAX_FILTERED: usize = 64 * 1024 * 1024;
/// Largest session creation body.
const MAX_CREATE_BODY: usize = 1024 * 1024;
/// Timeout of the proxy's own lookups (a session's folder, the project).
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Hop-by-hop and credential headers of OpenCode's answers, not passed on.
const DROP_RESPONSE_HEADERS: &[&str] = &[
    "connection",
    "keep-alive",
    "transfer-encoding",
    "trailer",
    "upgrade",
    "proxy-connection",
    "www-authenticate",
    "set-cookie",
    "content-length",
];

/// The forwarding half of the proxy, shared by every request.
pub struct Forwarder {
    http: reqwest::Client,
    /// Sessions' folders.
    pub sessions: Sessions,
    /// Shared event streams.
    pub hub: Arc<EventHub>,
    max_body: u64,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder").field("hub", &self.hub).field("max_body", &self.max_body).finish()
    }
}

/// One request to forward: what was decided, and the pieces of the original.
pub struct Outgoing<'a> {
    /// The decision.
    pub decision: &'a Decision,
    /// The client's query string, as received.
    pub query: Option<&'a str>,
    /// The client's headers.
    pub headers: &'a http::HeaderMap,
    /// The body.
    pub body: Body,
    /// The client's WebSocket upgrade ([`Kind::PtyConnect`] needs one).
    pub upgrade: Option<Upgrade>,
}

impl Forwarder {
    /// A forwarder using `http` (pooled, no overall timeout: streams),
    /// refusing request bodies over `max_body` bytes.
    pub fn new(http: reqwest::Client, max_body: usize) -> Self {
        Self { hub: EventHub::new(http.clone()), http, sessions: Sessions::default(), max_body: max_body as u64 }
    }

    fn request(&self, up: &Upstream, method: Method, url: String) -> reqwest::RequestBuilder {
        let req = self.http.request(method, url);
        match &up.password {
            Some(p) => req.basic_auth(&up.username, Some(p)),
            None => req,
        }
    }

    /// `GET` a route of OpenCode for `directory` (the proxy's own lookups).
    async fn lookup(&self, up: &Upstream, directory: &str, path: &str) -> Result<(StatusCode, Value), ForwardError> {
        let resp = up
            .request(&self.http, Method::GET, path, directory)
            .timeout(LOOKUP_TIMEOUT)
            .send()
            .await
            .map_err(ForwardError::Upstream)?;
        let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let value = resp.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// The folder of session `id`, from memory or OpenCode; `None`: no such
    /// session.
    async fn session_folder(&self, up: &Upstream, directory: &str, id: &str) -> Result<Option<String>, ForwardError> {
        if let Some(d) = self.sessions.get(id) {
            return Ok(Some(d));
        }
        if id.is_empty() || id.contains(['/', '?', '#']) {
            return Ok(None);
        }
        let (status, body) = self.lookup(up, directory, &format!("/session/{}", encode_component(id))).await?;
        if !status.is_success() {
            return Ok(None);
        }
        let folder = filter::session_directory(filter::single_session(&body)).map(str::to_string);
        if let Some(d) = &folder {
            self.sessions.learn(id, d);
        }
        Ok(folder)
    }

    /// Session `id` is one of `directory`'s, else 404.
    pub async fn check_session(&self, up: &Upstream, directory: &str, id: &str) -> Result<(), ForwardError> {
        match self.session_folder(up, directory, id).await? {
            Some(d) if same_dir(&d, directory) => Ok(()),
            _ => Err(Refusal::not_here("session", id).into()),
        }
    }

    /// The terminal a `…/pty/:id/connect` handshake names is `directory`'s,
    /// else 404. (Terminals belong to a folder's OpenCode instance: the
    /// pinned handshake alone would find no other folder's either, but
    /// OpenCode 1.18.33 leaves a handshake for a missing terminal
    /// unanswered when it is the first request for that folder.)
    async fn check_terminal(&self, up: &Upstream, directory: &str, decision: &Decision) -> Result<(), ForwardError> {
        let terminal = decision.path.strip_suffix("/connect").unwrap_or(&decision.path);
        let path = if decision.route.v2() {
            format!("{terminal}?location%5Bdirectory%5D={}", encode_component(directory))
        } else {
            terminal.to_string()
        };
        let (status, _) = self.lookup(up, directory, &path).await?;
        if status.is_success() {
            return Ok(());
        }
        let id = decision.decoded.rsplit('/').nth(1).unwrap_or_default();
        Err(Refusal::not_here("terminal", id).into())
    }

    /// The id of `directory`'s project, refusing OpenCode's `global` project
    /// (every folder without git shares it: acting on it acts on them all).
    async fn own_project_of(&self, up: &Upstream, directory: &str) -> Result<String, ForwardError> {
        let id = self.project_of(up, directory).await?;
        if id == GLOBAL_PROJECT {
            return Err(Refusal::forbidden(
                "this folder has no project of its own (OpenCode's `global` project is shared by every folder without git)",
                serde_json::json!({ "project": GLOBAL_PROJECT }),
            )
            .into());
        }
        Ok(id)
    }

    /// The id of `directory`'s OpenCode project.
    pub async fn project_of(&self, up: &Upstream, directory: &str) -> Result<String, ForwardError> {
        let (status, body) = self.lookup(up, directory, "/project/current").await?;
        match body.get("id").and_then(Value::as_str) {
            Some(id) if status.is_success() => Ok(id.to_string()),
            _ => Err(Refusal::new(ErrorCode::BadGateway, format!("OpenCode did not say which project this folder is ({status})")).into()),
        }
    }

    /// Forward `out` to `up`, pinned to `directory`.
    pub async fn forward(&self, up: &Upstream, directory: &str, out: Outgoing<'_>) -> Result<Response, ForwardError> {
        let decision = out.decision;
        let route = decision.route;
        // Checks that need OpenCode.
        if let Some(id) = &decision.session {
            self.check_session(up, directory, id).await?;
        }
        let mut project = None;
        if let Some(asked) = &decision.project {
            let active = self.own_project_of(up, directory).await?;
            if *asked != active {
                return Err(Refusal::not_here("project", asked).into());
            }
        }
        match route.kind {
            Kind::ProjectQuery => project = Some(self.own_project_of(up, directory).await?),
            Kind::ProjectList => project = Some(self.project_of(up, directory).await?),
            _ => {}
        }
        let query_project = if route.kind == Kind::ProjectQuery { project.as_deref() } else { None };
        let query = pin::query(out.query, route, directory, query_project)?;
        let headers = pin::forwarded_headers(out.headers, directory);
        if let Kind::Events(stream) = route.kind {
            if let Some(resp) = self.shared_stream(up, directory, stream, decision).await {
                return Ok(resp);
            }
        }
        let url = format!("{}{}?{}", up.base_url, decision.path, query);
        let mut req = self.request(up, route.method.clone(), url).headers(headers);
        let upgrade = match (route.kind, out.upgrade) {
            (Kind::PtyConnect, Some(u)) => {
                self.check_terminal(up, directory, decision).await?;
                req = upgrade::handshake(req, out.headers);
                Some(u)
            }
            (Kind::PtyConnect, None) => {
                return Err(Refusal::invalid(
                    "a terminal connection is a WebSocket: send `Connection: Upgrade` and `Upgrade: websocket`",
                )
                .into())
            }
            _ => None,
        };
        let method = &route.method;
        if *method != Method::GET && *method != Method::HEAD {
            req = match (route.kind, route.body) {
                (Kind::CreateSession(_), _) => {
                    let body = axum::body::to_bytes(out.body, MAX_CREATE_BODY).await.map_err(|_| ForwardError::BodyTooLarge)?;
                    let asked = pin::check_create_body(&body, directory)?;
                    if let Some(parent) = &asked.parent {
                        self.check_session(up, directory, parent).await?;
                    }
                    if let Some(id) = &asked.id {
                        if self.session_folder(up, directory, id).await?.is_some_and(|d| !same_dir(&d, directory)) {
                            return Err(Refusal::not_here("session", id).into());
                        }
                    }
                    req.body(body)
                }
                (_, BodyCheck::FileRefs) => {
                    let body = axum::body::to_bytes(out.body, self.max_body as usize).await.map_err(|_| ForwardError::BodyTooLarge)?;
                    pin::check_file_refs(&body, directory)?;
                    req.body(body)
                }
                (_, BodyCheck::PermissionReply) => {
                    let body = axum::body::to_bytes(out.body, MAX_CREATE_BODY).await.map_err(|_| ForwardError::BodyTooLarge)?;
                    if pin::is_always_reply(&body)? && self.project_of(up, directory).await? == GLOBAL_PROJECT {
                        return Err(Refusal::forbidden(
                            "`always` would be saved for every folder without git (OpenCode's `global` project); \
                             answer `once`, or make this folder a git repository",
                            serde_json::json!({ "project": GLOBAL_PROJECT }),
                        )
                        .into());
                    }
                    req.body(body)
                }
                (_, BodyCheck::ApiKey) => {
                    let body = axum::body::to_bytes(out.body, MAX_CREATE_BODY).await.map_err(|_| ForwardError::BodyTooLarge)?;
                    pin::check_api_key(&body)?;
                    req.body(body)
                }
                _ => req.body(reqwest::Body::wrap_stream(limited(out.body, self.max_body))),
            };
        }
        let sent = req.send();
        let resp = if upgrade.is_some() {
            // A handshake OpenCode leaves unanswered ends (see `check_terminal`).
            tokio::time::timeout(LOOKUP_TIMEOUT, sent).await.map_err(|_| {
                Refusal::new(ErrorCode::BadGateway, "OpenCode did not answer the terminal's handshake")
            })?
        } else {
            sent.await
        };
        let resp = resp.map_err(|e| if is_body_too_large(&e) { ForwardError::BodyTooLarge } else { ForwardError::Upstream(e) })?;
        let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        if let (StatusCode::SWITCHING_PROTOCOLS, Some(u)) = (status, upgrade) {
            return Ok(upgrade::join(resp, u));
        }
        if *method == Method::DELETE && status.is_success() && route.pattern.ends_with("/session/{sessionID}") {
            if let Some(id) = &decision.session {
                self.sessions.forget(id);
            }
        }
        let mut builder = Response::builder().status(status);
        if let Some(h) = builder.headers_mut() {
            copy_response_headers(resp.headers(), h);
        }
        let filtered = matches!(
            route.kind,
            Kind::SessionList(_) | Kind::ActiveSessions | Kind::ProjectList | Kind::CreateSession(_) | Kind::Secrets
        ) && status.is_success();
        if !filtered {
            return builder
                .body(Body::from_stream(resp.bytes_stream()))
                .map_err(|e| Refusal::new(ErrorCode::InternalError, e.to_string()).into());
        }
        let body = read_limited(resp).await?;
        let body = match route.kind {
            Kind::SessionList(listing) => {
                let (kept, ids) = filter::sessions(listing, &body, directory);
                for id in ids {
                    self.sessions.learn(&id, directory);
                }
                kept
            }
            Kind::ProjectList => filter::projects(&body, project.as_deref().unwrap_or_default()),
            Kind::Secrets => filter::redact_secrets(&body),
            Kind::ActiveSessions => {
                let mut mine = Vec::new();
                for id in filter::active_session_ids(&body) {
                    if self.check_session(up, directory, &id).await.is_ok() {
                        mine.push(id);
                    }
                }
                filter::active_sessions(&body, |id| mine.iter().any(|m| m == id))
            }
            Kind::CreateSession(listing) => {
                let v = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
                let created = if listing == Listing::V2 { filter::single_session(&v) } else { &v };
                let id = created.get("id").and_then(Value::as_str).unwrap_or_default();
                match filter::session_directory(created) {
                    Some(d) if same_dir(d, directory) => self.sessions.learn(id, d),
                    // Never hand out another folder's session, however it came back.
                    _ => return Err(Refusal::not_here("session", id).into()),
                }
                body.to_vec()
            }
            _ => body.to_vec(),
        };
        if let Some(h) = builder.headers_mut() {
            h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
            h.remove(http::header::CONTENT_ENCODING);
        }
        builder.body(Body::from(body)).map_err(|e| Refusal::new(ErrorCode::InternalError, e.to_string()).into())
    }

    /// A subscription to the shared stream; `None` when the upstream could
    /// not be opened as a stream (the caller forwards the request the plain
    /// way, which reports OpenCode's answer faithfully).
    async fn shared_stream(&self, up: &Upstream, directory: &str, stream: crate::routes::Stream, decision: &Decision) -> Option<Response> {
        let pin_query = pin::query(None, decision.route, directory, None).ok()?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(HeaderName::from_static(pin::DIRECTORY_HEADER), encode_component(directory).parse().ok()?);
        headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("text/event-stream"));
        let target = UpstreamTarget {
            url: format!("{}{}?{pin_query}", up.base_url, decision.path),
            headers,
            username: up.username.clone(),
            password: up.password.clone().unwrap_or_default(),
            stream,
            directory: directory.to_string(),
        };
        let sub = self.hub.subscribe(&target).await?;
        let mut builder = Response::builder().status(StatusCode::OK);
        if let Some(h) = builder.headers_mut() {
            copy_response_headers(&sub.headers, h);
            h.insert("x-accel-buffering", http::HeaderValue::from_static("no"));
            h.insert("cache-control", http::HeaderValue::from_static("no-cache"));
        }
        builder.body(Body::from_stream(sub.into_stream())).ok()
    }
}

/// OpenCode's answer headers, less hop-by-hop and credential ones; event
/// streams are marked unbuffered.
fn copy_response_headers(from: &http::HeaderMap, to: &mut http::HeaderMap) {
    for (name, value) in from {
        if !DROP_RESPONSE_HEADERS.contains(&name.as_str()) {
            to.append(name.clone(), value.clone());
        }
    }
    if from.get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) {
        to.insert("x-accel-buffering", http::HeaderValue::from_static("no"));
        to.insert("cache-control", http::HeaderValue::from_static("no-cache"));
    }
}

/// A whole answer (for filtering), up to [`MAX_FILTERED`] bytes.
async fn read_limited(resp: reqwest::Response) -> Result<Bytes, ForwardError> {
    let mut out = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk.map_err(ForwardError::Upstream)?;
        if out.len() + chunk.len() > MAX_FILTERED {
            return Err(Refusal::new(ErrorCode::BadGateway, "OpenCode's answer is too large to filter").into());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}

/// The streamed request body passed the size limit.
#[derive(Debug)]
struct BodyTooLarge;

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body too large")
    }
}

impl std::error::Error for BodyTooLarge {}

/// `body` as a stream that fails once it passed `max` bytes.
fn limited(body: Body, max: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let mut seen: u64 = 0;
    body.into_data_stream().map_err(std::io::Error::other).and_then(move |chunk| {
        seen += chunk.len() as u64;
        std::future::ready(if seen > max { Err(std::io::Error::other(BodyTooLarge)) } else { Ok(chunk) })
    })
}

/// Whether sending failed because the body passed the limit.
fn is_body_too_large(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<BodyTooLarge>()
            || err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()).is_some_and(|inner| inner.is::<BodyTooLarge>())
        {
            return true;
        }
        source = err.source();
    }
    false
}
