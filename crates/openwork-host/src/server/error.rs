//! Errors as HTTP answers: [`ApiError`] (the host's [`crate::error::Error`])
//! with the status of its code and a JSON `{code, message, details?}` body.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use openwork_wire::ErrorCode;

pub use crate::error::Error as ApiError;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}

/// Fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such route")
}
