//! `GET /workspace/:id/audit`, `GET /approvals`, `POST /approvals/:id`.
use axum::extract::{Path, Query, State};
use axum::Json;
use openwork_wire::api::{ApprovalList, ApprovalReplied, ApprovalReply, AuditList};
use openwork_wire::ErrorBody;
use serde::Deserialize;

use super::Ws;
use crate::server::auth::{HostAuth, Owner};
use crate::server::error::ApiError;
use crate::server::AppState;

/// `?limit=` of the audit listing.
#[derive(Deserialize)]
pub struct AuditQuery {
    limit: Option<usize>,
}

/// `GET /workspace/:id/audit?limit=N` → `{items: [AuditEntry]}` (oldest first, last N, default 100).
#[utoipa::path(get, path = "/workspace/{id}/audit", tag = "extensions", security(("clientToken" = [])),
    params(("id" = String, Path, description = "Workspace id (`ws_<12 hex>`, see `GET /workspaces`)"),
        ("limit" = Option<usize>, Query, description = "Last N entries (default 100, 1-10000)")),
    responses((status = 200, description = "Audit entries", body = AuditList)))]
pub async fn audit_list(
    _: Owner,
    State(state): State<AppState>,
    Ws(ws): Ws,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditList>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    Ok(Json(state.extensions.audit_entries(&ws.id, limit).await?))
}

/// `GET /approvals` (host token) → `{items: [ApprovalRequest]}`.
#[utoipa::path(get, path = "/approvals", tag = "approvals", security(("hostToken" = [])),
    responses((status = 200, description = "Pending approvals", body = ApprovalList)))]
pub async fn approvals_list(_: HostAuth, State(state): State<AppState>) -> Json<ApprovalList> {
    Json(state.extensions.pending_approvals())
}

/// `POST /approvals/:id` (host token) with `{reply: "allow"|"deny"}` → `{ok, allowed}`.
#[utoipa::path(post, path = "/approvals/{id}", tag = "approvals", security(("hostToken" = [])),
    params(("id" = String, Path, description = "Approval id (`apr_<16 hex>`)")),
    request_body = ApprovalReply,
    responses((status = 200, description = "Answered", body = ApprovalReplied),
        (status = 404, description = "`not_found`: no pending approval of that id", body = ErrorBody)))]
pub async fn approvals_reply(
    _: HostAuth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<ApprovalReplied>, ApiError> {
    let ApprovalReply { reply } = super::parse_json(&body)?;
    Ok(Json(state.extensions.answer_approval(&id, &reply)?))
}
