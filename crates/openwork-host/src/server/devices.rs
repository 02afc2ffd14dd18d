//! `/tokens` (device tokens) and `/pairing` (one-time codes a device
//! exchanges for its own token), over [`crate::devices`].
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use openwork_wire::api::{IssuedToken, NewToken, OkResponse, Pairing, PairingExchange, PairingRequest, TokenList, TokenScope};
use openwork_wire::{ErrorBody, ErrorCode};

use super::auth::HostOrOwner;
use super::error::ApiError;
use super::ext::parse_json;
use super::public_url::public_base;
use super::AppState;

/// Largest `POST /pairing/exchange` body.
const MAX_EXCHANGE_BODY: usize = 4096;

fn scope_of(raw: Option<&str>, default: TokenScope) -> Result<TokenScope, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => TokenScope::parse(s.trim()).ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, "token scope must be owner, collaborator, or viewer")
                .details(serde_json::json!({ "reason": "invalid_scope" }))
        }),
    }
}

/// `GET /tokens` (host token or owner): the device tokens, without secrets.
#[utoipa::path(get, path = "/tokens", operation_id = "tokens_list", tag = "tokens", security(("hostToken" = []), ("clientToken" = [])),
    responses((status = 200, description = "Device tokens, newest first (the client token as `client`)", body = TokenList)))]
pub async fn list(_: HostOrOwner, State(state): State<AppState>) -> Json<TokenList> {
    Json(TokenList { items: state.devices.list() })
}

/// `POST /tokens` (host token or owner) with `{scope, label?}` → 201 with
/// the token (shown this once).
#[utoipa::path(post, path = "/tokens", operation_id = "tokens_create", tag = "tokens", security(("hostToken" = []), ("clientToken" = [])),
    request_body = NewToken,
    responses((status = 201, description = "The new token (shown only here)", body = IssuedToken),
        (status = 507, description = "`storage_full`: the host's disk is full; no token was made", body = ErrorBody)))]
pub async fn create(
    _: HostOrOwner,
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    let req: NewToken = parse_json(&body)?;
    let scope = scope_of(Some(&req.scope), TokenScope::Viewer)?;
    Ok((StatusCode::CREATED, Json(state.devices.issue(scope, req.label.as_deref())?)))
}

/// `DELETE /tokens/:id` (host token or owner): the token stops working at
/// once, its open streams end, and the changes it asked for that wait for
/// approval are denied.
#[utoipa::path(delete, path = "/tokens/{id}", operation_id = "tokens_revoke", tag = "tokens", security(("hostToken" = []), ("clientToken" = [])),
    params(("id" = String, Path, description = "Token id (`tok_<16 hex>`)")),
    responses((status = 200, description = "Revoked", body = OkResponse),
        (status = 404, description = "`not_found`: no such token", body = ErrorBody)))]
pub async fn revoke(_: HostOrOwner, State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<OkResponse>, ApiError> {
    let fingerprint = state.devices.revoke(&id)?;
    let denied = state.extensions.approvals.deny_all_from(&fingerprint);
    if denied > 0 {
        tracing::info!(%id, denied, "denied the revoked token's pending changes");
    }
    Ok(Json(OkResponse::YES))
}

/// `POST /pairing` (host token or owner) with `{scope?, label?}`: a
/// one-time code and the link a device opens with it (scope `collaborator`
/// unless asked otherwise).
#[utoipa::path(post, path = "/pairing", operation_id = "pairing_create", tag = "tokens", security(("hostToken" = []), ("clientToken" = [])),
    request_body = PairingRequest,
    responses((status = 200, description = "The code and the pairing link", body = Pairing)))]
pub async fn pair(
    _: HostOrOwner,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Pairing>, ApiError> {
    let req: PairingRequest = if body.is_empty() { PairingRequest::default() } else { parse_json(&body)? };
    let scope = scope_of(req.scope.as_deref(), TokenScope::Collaborator)?;
    let (code, ttl) = state.pairings.create(scope, req.label.as_deref());
    let base = public_base(&headers, state.options.connect_host.as_deref());
    Ok(Json(Pairing {
        url: format!("{base}/?pair={code}"),
        code,
        expires_at: crate::stamp::now_ms() + ttl.as_millis() as u64,
        scope,
    }))
}

/// `POST /pairing/exchange` (open: the code is the credential) with
/// `{code, label?}` → a device token of the pairing's scope, once.
#[utoipa::path(post, path = "/pairing/exchange", operation_id = "pairing_exchange", tag = "tokens", security(()),
    request_body = PairingExchange,
    responses((status = 201, description = "The device's own token (shown only here)", body = IssuedToken),
        (status = 401, description = "`unauthorized`: the code is unknown, used or expired", body = ErrorBody),
        (status = 429, description = "`too_many_requests`: too many wrong codes from this network", body = ErrorBody)))]
pub async fn exchange(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<IssuedToken>), ApiError> {
    // The one open route with a body: read no more than a code needs.
    let body = axum::body::to_bytes(body, MAX_EXCHANGE_BODY).await.map_err(|_| {
        ApiError::new(ErrorCode::PayloadTooLarge, format!("a pairing exchange is at most {MAX_EXCHANGE_BODY} bytes"))
    })?;
    let req: PairingExchange = parse_json(&body)?;
    let Some(redeemed) = state.pairings.redeem(&req.code) else {
        // Codes are guessed like tokens: counted the same way.
        let refused = ApiError::unauthorized("this pairing code is unknown, used or expired; make a new one (`openwork pair`)");
        return Err(super::auth::failed_attempt(&extensions, &state, refused).await);
    };
    let label = redeemed.label.clone().or(req.label);
    match state.devices.issue(redeemed.scope, label.as_deref()) {
        Ok(issued) => Ok((StatusCode::CREATED, Json(issued))),
        Err(e) => {
            // No token made (a full disk): the code still works.
            state.pairings.give_back(&req.code, redeemed);
            Err(e)
        }
    }
}
