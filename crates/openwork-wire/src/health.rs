//! `GET /health`: the open endpoint a client uses to recognise an OpenWork host.
use serde::{Deserialize, Serialize};

/// Body of `GET /health`.
///
/// A client decides "this is an OpenWork host" when the body parses into this
/// type with `ok` and `healthy` present (see [`Health::looks_like_openwork`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Always `true` when the host answers.
    pub ok: bool,
    /// `true` when the host can serve requests (the engine may still be restarting).
    pub healthy: bool,
    /// OpenWork version of the host.
    pub version: String,
    /// Milliseconds since the host started.
    pub uptime_ms: u64,
}

impl Health {
    /// Whether a JSON value has the fields an OpenWork `/health` must have.
    pub fn looks_like_openwork(value: &serde_json::Value) -> bool {
        value.get("ok").is_some_and(|v| v.is_boolean())
            && value.get("healthy").is_some_and(|v| v.is_boolean())
            && value.get("version").is_some_and(|v| v.is_string())
    }
}
