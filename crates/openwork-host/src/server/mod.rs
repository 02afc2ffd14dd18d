//! The OpenWork HTTP API: the layer over the host's parts (engine,
//! workspace, extensions, events), which it reaches through [`AppState`].
//!
//! Open routes (`GET /health`) are separated from authenticated ones;
//! authentication is an extractor ([`auth::ClientAuth`], [`auth::HostAuth`],
//! the caller of a write [`auth`]'s `Actor`). Every error is JSON
//! ([`error::ApiError`]). Routes: [`routes`] (host), [`events`] (`GET
//! /events`), [`ext`] (workspace extensions, approvals), [`proxy`]
//! (`/opencode/*`); [`openapi`] documents them all.

pub mod auth;
pub mod devices;
pub mod error;
pub mod events;
pub mod ext;
pub mod limiter;
pub mod openapi;
pub mod proxy;
pub mod public_url;
pub mod routes;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use openwork_wire::ErrorCode;

use crate::active::Active;
use crate::engine::{EngineClient, EngineHandle};
use crate::events::EventBus;
use crate::extensions::{ApprovalMode, Extensions, ExtensionsOptions};
use crate::tokens::TokenSet;
use crate::workspace::ActiveWorkspace;
use error::ApiError;

/// Options of the API server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Writes answer 403 `read_only`; capabilities say `write: false`.
    pub read_only: bool,
    /// Host (and optional scheme) clients should use in URLs we hand out,
    /// instead of the `Host` header of each request.
    pub connect_host: Option<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Origins allowed by CORS (none by default).
    pub cors_origins: Vec<String>,
    /// Time a client gets to send a request head before the connection is
    /// closed (slow-loris protection).
    pub header_timeout: Duration,
    /// Whether writes to workspace extensions wait for the host's approval.
    pub approval: ApprovalMode,
    /// How long a write waits for approval before it is denied.
    pub approval_timeout: Duration,
    /// Where the audit log of writes lives (`None`: not recorded).
    pub audit_dir: Option<std::path::PathBuf>,
    /// The engine as `/workspaces` shows it to owners, when the sidecar
    /// contract asks for it (`openwork-server`: the orchestrator checks that
    /// `opencode.baseUrl`, `username` and `password` are what it passed).
    /// `None`: everyone gets the `/opencode` proxy with their own token.
    pub engine_for_owners: Option<EngineDirect>,
}

/// OpenCode as an owner of an `openwork-server` sidecar reaches it directly.
#[derive(Clone)]
pub struct EngineDirect {
    /// The base URL the orchestrator passed (`--opencode-base-url`).
    pub base_url: String,
    /// Its Basic-auth user.
    pub username: String,
    /// Its Basic-auth password.
    pub password: String,
}

impl std::fmt::Debug for EngineDirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineDirect").field("base_url", &self.base_url).field("username", &self.username).finish_non_exhaustive()
    }
}

impl Default for ServerOptions {
    fn default() -> Self {
        let ext = ExtensionsOptions::default();
        Self {
            read_only: ext.read_only,
            connect_host: None,
            max_body_bytes: ext.max_body_bytes,
            cors_origins: Vec::new(),
            header_timeout: Duration::from_secs(30),
            approval: ext.approval,
            approval_timeout: ext.approval_timeout,
            audit_dir: ext.audit_dir,
            engine_for_owners: None,
        }
    }
}

impl ServerOptions {
    /// What these options mean for writes to the workspace extensions.
    pub fn extensions(&self) -> ExtensionsOptions {
        ExtensionsOptions {
            read_only: self.read_only,
            approval: self.approval,
            approval_timeout: self.approval_timeout,
            max_body_bytes: self.max_body_bytes,
            audit_dir: self.audit_dir.clone(),
        }
    }
}

/// What every handler can reach: the host's parts (data only; the logic
/// lives with each part).
#[derive(Clone)]
pub struct AppState {
    /// Client and host tokens.
    pub tokens: Arc<TokenSet>,
    /// The supervised engine.
    pub engine: EngineHandle,
    /// The active workspace, and switching it.
    pub active: Arc<Active>,
    /// Options.
    pub options: Arc<ServerOptions>,
    /// When the host started.
    pub started: Instant,
    /// Failed-authentication rate limiting.
    pub auth_limiter: Arc<limiter::AuthLimiter>,
    /// Host events (`GET /events`).
    pub events: Arc<EventBus>,
    /// The `/opencode` forwarder (sessions' folders, shared event streams).
    pub proxy: Arc<openwork_proxy::Forwarder>,
    /// The workspace extensions.
    pub extensions: Arc<Extensions>,
    /// Device tokens (the client token is the owner token `client`).
    pub devices: Arc<crate::devices::DeviceTokens>,
    /// One-time pairing codes.
    pub pairings: Arc<crate::devices::Pairings>,
}

impl AppState {
    /// The parts of a host serving `workspace` with `engine` (the workspace
    /// remembered nowhere and not watched; see [`AppState::with_active`]).
    pub fn new(
        tokens: Arc<TokenSet>,
        engine: EngineHandle,
        workspace: ActiveWorkspace,
        options: ServerOptions,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .pool_idle_timeout(Duration::from_secs(30))
            .no_proxy()
            .build()?;
        let events = Arc::new(EventBus::new());
        let client = EngineClient::new(engine.clone(), http.clone());
        let extensions = Arc::new(Extensions::new(options.extensions(), client, events.clone()));
        Ok(Self {
            tokens,
            engine,
            active: Arc::new(Active::new(workspace)),
            proxy: Arc::new(openwork_proxy::Forwarder::new(http, options.max_body_bytes)),
            events,
            auth_limiter: Arc::default(),
            extensions,
            devices: Arc::new(crate::devices::DeviceTokens::in_memory()),
            pairings: Arc::default(),
            options: Arc::new(options),
            started: Instant::now(),
        })
    }

    /// The same parts with `devices` as the device tokens.
    pub fn with_devices(mut self, devices: crate::devices::DeviceTokens) -> Self {
        self.devices = Arc::new(devices);
        self
    }

    /// The same parts with `active` as the active workspace.
    pub fn with_active(mut self, active: Active) -> Self {
        self.active = Arc::new(active);
        self
    }

    /// The active workspace at this moment (a request keeps the one it started with).
    pub fn active_workspace(&self) -> Arc<ActiveWorkspace> {
        self.active.current()
    }
}

/// The full router.
pub fn router(state: AppState) -> Router {
    let max_body = state.options.max_body_bytes;
    let cors = cors_layer(&state.options.cors_origins);
    // Routes and their OpenAPI documentation come from one place (`openapi::api_router`).
    let (api, _) = openapi::api_router().split_for_parts();
    let api = api
        .route("/opencode", any(proxy::forward))
        .route("/opencode/", any(proxy::forward))
        .route("/opencode/{*rest}", any(proxy::forward))
        .fallback(ui_or_not_found)
        .layer(middleware::from_fn(cut_revoked_streams))
        .layer(middleware::from_fn(no_empty_segments))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), reject_large_bodies))
        .layer(middleware::from_fn(json_errors));
    let api = match cors {
        Some(cors) => api.layer(cors),
        None => api,
    };
    api.with_state(state)
}

/// Unmatched routes: the embedded web UI for GET/HEAD of `/` and its asset
/// files (public: the UI asks for the token), JSON 404 otherwise.
async fn ui_or_not_found(req: Request) -> Response {
    match openwork_webui::response_for(req.method(), req.uri().path()) {
        Some(resp) => resp,
        None => error::not_found().await.into_response(),
    }
}

/// A path with an empty segment (`/approvals/`, `/workspace//config`,
/// `/workspace/ws_x/mcp//enable`) names no route: 404 `not_found`, whatever
/// the router would match (it matches an empty parameter in the middle of
/// a path, not at its end). The proxy decides about its own paths.
async fn no_empty_segments(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let proxied = path == "/opencode" || path.starts_with("/opencode/");
    if !proxied && path.len() > 1 && (path.contains("//") || path.ends_with('/')) {
        return error::not_found().await.into_response();
    }
    next.run(req).await
}

/// A streamed answer (an event stream, a proxied body without a length)
/// ends when the token that opened it stops working: authentication leaves
/// the token's revocation signal in the request ([`auth::StreamCut`]).
/// A 401 under `/opencode` names Basic as a way in (OpenCode's own
/// clients), except to a browser's page (it would ask for a password and
/// remember it for every page).
async fn cut_revoked_streams(mut req: Request, next: Next) -> Response {
    use futures_util::StreamExt;
    let cut = auth::StreamCut::default();
    req.extensions_mut().insert(cut.clone());
    let challenge = auth::is_proxied(req.uri().path()) && !auth::from_a_page(req.headers());
    let mut resp = next.run(req).await;
    if challenge && resp.status() == http::StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Basic realm=\"OpenWork\""));
    }
    let Some(mut revoked) = cut.take() else { return resp };
    let streamed = resp.headers().get(http::header::CONTENT_LENGTH).is_none();
    if !streamed {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let ended = async move {
        let _ = revoked.wait_for(|r| *r).await;
    };
    Response::from_parts(parts, axum::body::Body::from_stream(body.into_data_stream().take_until(ended)))
}

/// 413 `payload_too_large` for a declared length over the limit (streamed
/// bodies are counted by the proxy and the JSON extractors).
async fn reject_large_bodies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.options.max_body_bytes as u64) {
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("request body is larger than {} bytes", state.options.max_body_bytes),
        )
        .into_response();
    }
    next.run(req).await
}

/// Errors axum answers by itself (extractor rejections of path segments,
/// query strings and bodies, 405) are plain text: answer them as JSON
/// `{code, message}` like every other error, with the same status and
/// headers. Proxied responses (`/opencode/*`) are OpenCode's and kept as sent.
async fn json_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let proxied = path == "/opencode" || path.starts_with("/opencode/");
    let resp = next.run(req).await;
    let status = resp.status();
    if proxied || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let json = resp
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).trim().to_string());
    let code = match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        413 => ErrorCode::PayloadTooLarge,
        429 => ErrorCode::TooManyRequests,
        400..=499 => ErrorCode::InvalidRequest,
        502 => ErrorCode::BadGateway,
        503 => ErrorCode::EngineUnavailable,
        _ => ErrorCode::InternalError,
    };
    let message = match text {
        Ok(t) if !t.is_empty() => t,
        _ => status.canonical_reason().unwrap_or("error").to_string(),
    };
    let mut out = (status, axum::Json(openwork_wire::ErrorBody::new(code, message))).into_response();
    for (name, value) in &parts.headers {
        if name != http::header::CONTENT_TYPE && name != http::header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

fn cors_layer(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<&str> = origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).collect();
    if origins.is_empty() {
        return None;
    }
    // `*` allows any origin (bearer tokens, no cookies, so no credentials mode).
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        let values: Vec<http::HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        if values.is_empty() {
            return None;
        }
        AllowOrigin::list(values)
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods(tower_http::cors::Any)
            .allow_headers(tower_http::cors::Any)
            .max_age(Duration::from_secs(600)),
    )
}

/// Serve `router` on an already-bound listener until `shutdown` resolves.
///
/// A plain HTTP/1.1 serve loop (hyper's `http1` connection, not axum's
/// HTTP/1+2 auto-detecting one): the API is HTTP/1.1 only, and every open SSE
/// subscriber is one idle connection, so the smaller per-connection state
/// matters with a thousand of them. The peer address reaches handlers as
/// `ConnectInfo<SocketAddr>`. On shutdown the listener closes and open
/// connections are asked to finish (as `axum::serve` does).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::TokioIo;
    use tower::ServiceExt;
    let header_timeout = state.options.header_timeout;
    let app = router(state);
    // Each connection holds a receiver: on shutdown it is asked to finish,
    // and the loop waits until every receiver is gone (hyper-util's
    // `GracefulShutdown` does not take connections that can upgrade).
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: wait instead of spinning (as axum does).
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        // A client gets `header_timeout` to send its request head (no slow-loris).
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service)
            // OpenCode's terminal through the proxy is a WebSocket.
            .with_upgrades();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let ended = tokio::select! {
                r = conn.as_mut() => Some(r),
                _ = stopping.wait_for(|s| *s) => None,
            };
            let result = match ended {
                Some(r) => r,
                None => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::trace!("connection ended: {e}");
            }
        });
    }
    drop(listener);
    drop(stopping);
    let _ = stop.send(true);
    stop.closed().await;
    Ok(())
}
