//! [`Refusal`]: why the proxy does not forward a request, as the JSON error
//! the client gets.
use openwork_wire::{ErrorBody, ErrorCode};
use serde_json::{json, Value};

/// Why a request is not forwarded: a JSON error for the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal(pub ErrorBody);

impl Refusal {
    /// A refusal with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(ErrorBody::new(code, message))
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 403 `forbidden` with details.
    pub fn forbidden(message: impl Into<String>, details: Value) -> Self {
        Self(ErrorBody::new(ErrorCode::Forbidden, message).with_details(details))
    }

    /// 403: a location input names another folder.
    pub fn other_folder(asked: &str, active: &str) -> Self {
        Self::forbidden(
            format!("this host only exposes its active workspace {active}"),
            json!({ "directory": asked, "active": active }),
        )
    }

    /// 404: a session or project id that is not the active folder's.
    pub fn not_here(what: &str, id: &str) -> Self {
        Self(ErrorBody::new(ErrorCode::NotFound, format!("no {what} `{id}` in this workspace")).with_details(json!({ "id": id })))
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.0.code.status()
    }
}
