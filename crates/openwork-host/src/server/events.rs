//! `GET /events`: the host's [`crate::events::EventBus`] as server-sent events.
use crate::events::HostEvent;

/// `GET /events` (client token): SSE of host events. Each SSE message has
/// `id: <event id>` and `data: {"id","type","properties","time"}`. A client
/// reconnecting with `Last-Event-ID` (header, or `?lastEventId=`) first gets
/// every buffered event after that id. A keep-alive comment goes out every
/// 15 s. A subscriber that falls further behind than the replay buffer
/// reaches is disconnected, and resumes from its last id on reconnect.
/// Only owners see what a change held for approval would write (its
/// `change`: config diffs can hold credentials): others get the request
/// without it.
#[utoipa::path(get, path = "/events", tag = "events",
    security(("clientToken" = [])),
    params(
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id"),
        ("lastEventId" = Option<String>, Query, description = "Same as `Last-Event-ID`, for clients that cannot set headers"),
    ),
    responses((status = 200, description = "SSE: `id: <n>` and `data: {id, type, properties, time}` per event; \
keep-alive comments every 15 s", content_type = "text/event-stream", body = String)))]
pub async fn stream(
    super::auth::ClientAuth(grant): super::auth::ClientAuth,
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
    let owner = grant.scope == openwork_wire::api::TokenScope::Owner;
    let to_sse = move |e: &HostEvent| {
        let data = if !owner && e.kind.starts_with("approval.") && e.properties.get("change").is_some() {
            let mut shown = e.clone();
            if let Some(p) = shown.properties.as_object_mut() {
                p.remove("change");
            }
            serde_json::to_string(&shown)
        } else {
            serde_json::to_string(e)
        };
        Event::default().id(e.id.to_string()).data(data.unwrap_or_default())
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
