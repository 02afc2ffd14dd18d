#![warn(missing_docs)]
//! `openwork app`: a local app backend for the web UI.
//!
//! It listens on `127.0.0.1` only, serves the embedded UI
//! ([`openwork_webui`]) and a same-origin client API under `/app/api/` for
//! what a browser cannot do cross-origin: the handshake with fallback
//! ([`openwork_client::connect`]), the stored workspaces
//! ([`openwork_client::Store`], secrets never sent to the page), a streaming
//! proxy to the active remote with its stored credentials, and control of an
//! OpenWork host running on this machine ("host mode").
//!
//! - [`error`]: [`AppError`], every error answer: `{code, message}` over
//!   [`openwork_wire::ErrorCode`], like the host's.
//! - [`auth`]: one-time sign-in codes (a minute, once) exchanged for an
//!   HttpOnly, SameSite=Strict cookie, `Host` check against DNS rebinding,
//!   and a required `x-openwork-app` header on every API call.
//! - [`browser`]: opens the browser on a 0600 page holding the code, never
//!   on a command line; [`runtime`]: `app.json`, how a second `openwork app`
//!   asks the running one for a new code.
//! - [`workspaces`]: `GET /app/api/workspaces`, `POST /app/api/connect`,
//!   `POST /app/api/workspaces/:id/activate`, `DELETE /app/api/workspaces/:id`,
//!   `GET /app/api/status`.
//! - [`remote`]: `/app/api/remote/*` → the active remote.
//! - [`local_host`]: `/app/api/local-host[...]` (pairing URL, client token,
//!   engine status, rotate, restart, approvals, start hosting a folder).
//!
//! Client-side access (connecting and saving, the saved remote's address and
//! credentials, the local host) is `openwork-client`'s; this crate serves it.

pub mod auth;
pub mod browser;
pub mod error;
pub mod local_host;
pub mod remote;
pub mod runtime;
pub mod workspaces;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Json, Router};
use openwork_client::Store;
use openwork_wire::ErrorCode;
use serde_json::json;

pub use error::{AppError, AppResult};

/// Largest request body forwarded to a remote.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Header every `/app/api` request must carry (cross-site requests can't set it without CORS).
pub const APP_HEADER: &str = "x-openwork-app";

/// How to run the app backend.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Where the workspace store lives (default: the client's data dir).
    pub store_dir: Option<std::path::PathBuf>,
}

/// State shared by the handlers.
#[derive(Clone)]
pub struct AppState {
    /// Sign-in codes, session and control secrets.
    pub auth: Arc<auth::AppAuth>,
    /// The client's workspace store.
    pub store: Store,
    /// Client for remotes (no overall timeout: SSE).
    pub http: reqwest::Client,
    /// A host started by this app ("Host a local folder").
    pub hosted: Arc<local_host::Hosted>,
    /// The `/opencode` policy and forwarder for direct OpenCode remotes.
    pub proxy: Arc<openwork_proxy::Forwarder>,
}

/// A running app backend.
pub struct RunningApp {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Where the runtime file and sign-in pages live (the data directory).
    pub data_dir: std::path::PathBuf,
    state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningApp {
    /// A new link that signs a browser in once, within
    /// [`auth::CODE_TTL`]: `http://127.0.0.1:PORT/signin?code=...`.
    pub fn sign_in_url(&self) -> String {
        sign_in_url(&self.url, &self.state.auth)
    }

    /// Bind 127.0.0.1:`port` and serve.
    pub async fn start(opts: AppOptions) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], opts.port))).await?;
        let port = listener.local_addr()?.port();
        let store = match opts.store_dir {
            Some(dir) => Store::at(dir),
            None => Store::open_default()?,
        };
        let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).no_proxy().build()?;
        let auth = Arc::new(auth::AppAuth::new(port));
        let url = format!("http://127.0.0.1:{port}");
        let data_dir = store.dir().to_path_buf();
        runtime::write(&data_dir, &runtime::AppRuntime { pid: std::process::id(), url: url.clone(), control: auth.control_secret().to_string() })?;
        let proxy = Arc::new(openwork_proxy::Forwarder::new(http.clone(), MAX_BODY_BYTES));
        let state = AppState { auth, store, http, hosted: Arc::new(local_host::Hosted::default()), proxy };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        Ok(Self { url, data_dir, state, stop: Some(tx), task })
    }

    /// Stop serving, and stop a host this app started.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        self.state.hosted.stop().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.task).await;
        runtime::remove_if_ours(&self.data_dir, std::process::id());
    }
}

/// The app router: UI (public) + `/app/api` (authenticated).
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/app/api/info", get(info))
        .route("/app/api/workspaces", get(workspaces::list))
        .route("/app/api/workspaces/{id}", delete(workspaces::remove))
        .route("/app/api/workspaces/{id}/activate", post(workspaces::activate))
        .route("/app/api/connect", post(workspaces::connect))
        .route("/app/api/status", get(workspaces::status))
        .route("/app/api/follow", post(workspaces::follow))
        .route("/app/api/remote/{*rest}", any(remote::forward))
        .route("/app/api/local-host", get(local_host::info))
        .route("/app/api/local-host/rotate", post(local_host::rotate))
        .route("/app/api/local-host/restart", post(local_host::restart))
        .route("/app/api/local-host/pair", post(local_host::pair))
        .route("/app/api/local-host/tokens", get(local_host::tokens))
        .route("/app/api/local-host/tokens/{id}", delete(local_host::revoke_token))
        .route("/app/api/local-host/start", post(local_host::start))
        .route("/app/api/local-host/approvals", get(local_host::approvals))
        .route("/app/api/local-host/approvals/{id}", post(local_host::reply_approval))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::require));
    Router::new()
        .merge(api)
        .route("/signin", get(sign_in_get).post(sign_in_post))
        .route("/app/control/sign-in", post(control_sign_in))
        .fallback(ui_or_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::check_host))
        .with_state(state)
}

/// `GET /app/api/info`: tells the UI it runs against the app backend.
async fn info() -> Json<serde_json::Value> {
    Json(json!({ "mode": "app", "version": env!("CARGO_PKG_VERSION") }))
}

fn sign_in_url(base: &str, auth: &auth::AppAuth) -> String {
    format!("{base}/signin?code={}", auth.new_code())
}

/// `GET /signin?code=…` (the printed link): see [`auth::AppAuth::sign_in`].
async fn sign_in_get(State(state): State<AppState>, req: Request) -> Response {
    state.auth.sign_in(req.uri().query().and_then(auth::code_field).as_deref())
}

/// `POST /signin` with a form field `code` (the page the browser is opened on).
async fn sign_in_post(State(state): State<AppState>, body: String) -> Response {
    state.auth.sign_in(auth::code_field(&body).as_deref())
}

/// `POST /app/control/sign-in` (control secret from the runtime file): a new
/// sign-in link, for `openwork app` run again while this one runs.
async fn control_sign_in(State(state): State<AppState>, headers: http::HeaderMap) -> Response {
    if !state.auth.is_control(&headers) {
        return AppError::new(ErrorCode::Unauthorized, "control secret required").into_response();
    }
    let base = format!("http://127.0.0.1:{}", state.auth.port());
    let mut resp = Json(json!({ "url": sign_in_url(&base, &state.auth) })).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// UI assets; JSON 404 for the rest.
async fn ui_or_not_found(req: Request) -> Response {
    match openwork_webui::response_for(req.method(), req.uri().path()) {
        Some(resp) => resp,
        None => AppError::new(ErrorCode::NotFound, "no such route").into_response(),
    }
}
