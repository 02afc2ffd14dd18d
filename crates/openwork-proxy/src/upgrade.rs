//! WebSocket upgrades through the proxy: OpenCode's terminal
//! (`/pty/:id/connect`, `/api/pty/:id/connect`, [`crate::routes::Kind::PtyConnect`]).
//!
//! The route is decided and pinned like any other (a terminal belongs to
//! the folder's OpenCode instance: asked for with the active folder,
//! another folder's terminal is not found). The handshake goes to OpenCode
//! with an allowlist of headers (the WebSocket ones, the pinned folder,
//! OpenCode's own credentials); on OpenCode's `101` the client's connection
//! and OpenCode's are joined byte for byte until either side closes, or
//! until [`Upgrade::until`] resolves (the token was revoked, the engine
//! stopped): then both are dropped.
use std::future::Future;
use std::pin::Pin;

use axum::body::Body;
use axum::response::Response;
use http::header::{CONNECTION, UPGRADE};
use http::{HeaderMap, HeaderValue, StatusCode};
use hyper::upgrade::OnUpgrade;

/// Handshake headers of the client passed to OpenCode.
const REQUEST_HEADERS: [&str; 4] =
    ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"];
/// Handshake headers of OpenCode's `101` passed to the client.
const RESPONSE_HEADERS: [&str; 3] = ["sec-websocket-accept", "sec-websocket-protocol", "sec-websocket-extensions"];

/// A client's WebSocket upgrade, to be joined to OpenCode's.
pub struct Upgrade {
    /// The client's connection, once the `101` is sent (from the request's
    /// extensions).
    pub on_upgrade: OnUpgrade,
    /// Ends the joined connection when it resolves.
    pub until: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Upgrade {
    /// The upgrade a request asks for, if it is a WebSocket handshake and
    /// the server lets it upgrade (taken out of its extensions), ending when
    /// `until` resolves.
    pub fn of(parts: &mut http::request::Parts, until: impl Future<Output = ()> + Send + 'static) -> Option<Upgrade> {
        if !is_websocket(&parts.headers) {
            return None;
        }
        let on_upgrade = parts.extensions.remove::<OnUpgrade>()?;
        Some(Upgrade { on_upgrade, until: Box::pin(until) })
    }
}

impl std::fmt::Debug for Upgrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upgrade").finish_non_exhaustive()
    }
}

/// Whether `headers` ask for a WebSocket (`Connection: upgrade` among its
/// tokens and `Upgrade: websocket`, in any case).
pub fn is_websocket(headers: &HeaderMap) -> bool {
    let upgrade = headers.get_all(UPGRADE).iter().any(|v| {
        v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("websocket")))
    });
    let connection = headers.get_all(CONNECTION).iter().any(|v| {
        v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("upgrade")))
    });
    upgrade && connection
}

/// `req` (already carrying the pinned folder and OpenCode's credentials)
/// as a WebSocket handshake with the client's handshake headers.
pub(crate) fn handshake(mut req: reqwest::RequestBuilder, client: &HeaderMap) -> reqwest::RequestBuilder {
    for name in REQUEST_HEADERS {
        for v in client.get_all(name) {
            req = req.header(name, v.clone());
        }
    }
    req.header(CONNECTION, "upgrade").header(UPGRADE, "websocket")
}

/// OpenCode switched protocols: answer the client's handshake and join
/// both connections in a task of their own.
pub(crate) fn join(resp: reqwest::Response, upgrade: Upgrade) -> Response {
    let mut out = Response::new(Body::empty());
    *out.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = out.headers_mut();
    headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    for name in RESPONSE_HEADERS {
        for v in resp.headers().get_all(name) {
            headers.append(name, v.clone());
        }
    }
    let Upgrade { on_upgrade, until } = upgrade;
    tokio::spawn(async move {
        let joined = async move {
            let (client, upstream) = tokio::try_join!(
                async { on_upgrade.await.map_err(std::io::Error::other) },
                async { resp.upgrade().await.map_err(std::io::Error::other) },
            )?;
            let mut client = hyper_util::rt::TokioIo::new(client);
            let mut upstream = upstream;
            tokio::io::copy_bidirectional(&mut client, &mut upstream).await
        };
        tokio::select! {
            r = joined => match r {
                Ok((up, down)) => tracing::debug!("terminal closed ({up} bytes to OpenCode, {down} back)"),
                Err(e) => tracing::debug!("terminal ended: {e}"),
            },
            () = until => tracing::debug!("terminal cut (token revoked or engine stopped)"),
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_websocket_handshake_is_recognised_in_any_spelling() {
        assert!(is_websocket(&headers(&[("connection", "Upgrade"), ("upgrade", "websocket")])));
        assert!(is_websocket(&headers(&[("connection", "keep-alive, UPGRADE"), ("upgrade", "WebSocket")])));
        assert!(!is_websocket(&headers(&[("upgrade", "websocket")])));
        assert!(!is_websocket(&headers(&[("connection", "upgrade"), ("upgrade", "h2c")])));
        assert!(!is_websocket(&headers(&[])));
    }
}
