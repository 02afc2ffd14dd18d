//! The host API as an OpenAPI 3.1 document, generated from the code.
//!
//! Routes are registered through `utoipa_axum`'s [`OpenApiRouter`] with
//! `routes!`, so a route and its documentation come from the same
//! `#[utoipa::path]` attribute and cannot drift. This module adds what is
//! common to every operation: the security schemes, the JSON error body of
//! each error status (see [`add_error_responses`]), and the `/opencode/{path}`
//! proxy, documented as one generic operation per method (the proxy itself
//! is an `any` route). `GET /openapi.json` serves [`document`] without a
//! token; `openapi.json` at the repository root is a copy checked by a test
//! (`UPDATE_OPENAPI=1 cargo test -p openwork-host openapi` or
//! `scripts/update-openapi` regenerates it).
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::AppState;

/// Name of the bearer (client token) security scheme.
pub const CLIENT_SCHEME: &str = "clientToken";
/// Name of the `X-OpenWork-Host-Token` security scheme.
pub const HOST_SCHEME: &str = "hostToken";

/// Static parts of the document (info, tags, schemes, proxy operations).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpenWork host API",
        description = "API of `openwork host` (and `openwork-server`): the active workspace, its engine \
(OpenCode), host events, workspace extensions (skills, plugins, MCP servers, commands, config) and the \
`/opencode/*` proxy. Every route but `GET /health` and `GET /openapi.json` needs the client token \
(`Authorization: Bearer`; on `/opencode/*` also HTTP Basic with the token as password) or a device token of \
a scope (`viewer`, `collaborator`, `owner`); host-only operations need the host token \
(`X-OpenWork-Host-Token`) instead. The host token and client tokens are not interchangeable. Errors are JSON \
`{code, message, details?}`.",
        license(name = "MIT"),
    ),
    paths(proxy_get, proxy_post, proxy_put, proxy_patch, proxy_delete),
    components(schemas(openwork_wire::ErrorBody, openwork_wire::ErrorCode)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "host", description = "Health, workspaces, engine, tokens"),
        (name = "events", description = "Server-sent host events"),
        (name = "extensions", description = "Workspace skills, plugins, MCP servers, commands and config"),
        (name = "approvals", description = "Writes waiting for the host (manual approval mode)"),
        (name = "tokens", description = "Device tokens with scopes, and one-time pairing"),
        (name = "opencode", description = "The OpenCode API of the active workspace, proxied"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            CLIENT_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The client token (`openwork token show`)."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            HOST_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-OpenWork-Host-Token",
                "The host token: host-only operations (switching, rotation, approvals, restart).",
            ))),
        );
    }
}

/// Any JSON value (proxied OpenCode bodies).
#[derive(Serialize, ToSchema)]
#[schema(value_type = Object)]
pub struct AnyJson(pub Value);

/// All routes of the API with their documentation (no state yet).
pub fn api_router() -> OpenApiRouter<AppState> {
    use utoipa_axum::routes;

    use super::{events, routes as r};
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(r::health))
        .routes(routes!(serve_document))
        .routes(routes!(r::workspaces))
        .routes(routes!(r::active_workspace, r::switch_workspace))
        .routes(routes!(events::stream))
        .routes(routes!(r::capabilities))
        .routes(routes!(r::engine_status))
        .routes(routes!(r::engine_restart))
        .routes(routes!(r::rotate_client_token))
        .routes(routes!(super::devices::list, super::devices::create))
        .routes(routes!(super::devices::revoke))
        .routes(routes!(super::devices::pair))
        .routes(routes!(super::devices::exchange))
        .merge(super::ext::routes())
}

/// The OpenAPI document of the host API.
pub fn document() -> OpenApiDoc {
    let mut doc = api_router().split_for_parts().1;
    add_error_responses(&mut doc);
    doc
}

/// [`document`] as pretty JSON with a final newline (the committed file).
pub fn document_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("the document serialises");
    text.push('\n');
    text
}

/// `GET /openapi.json` (open): this API as an OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "host",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)),
)]
pub async fn serve_document() -> axum::response::Response {
    use axum::response::IntoResponse;
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(document_json).clone();
    ([(http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Add the JSON error responses every operation can give, by rule:
/// 401/429 when a token is needed, 400/413 when a body is read, 404/422
/// under `/workspace/{id}`, 403 for writes there, 500 everywhere but the
/// open routes. Responses an operation already documents are kept.
pub fn add_error_responses(doc: &mut OpenApiDoc) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops: [(&str, &mut Option<Operation>); 5] = [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op.as_mut() else { continue };
            let open = op.security.as_ref().is_some_and(|s| {
                serde_json::to_value(s).ok().and_then(|v| v.as_array().cloned()).is_some_and(|a| {
                    a.iter().all(|r| r.as_object().is_some_and(Map::is_empty))
                })
            });
            let host = serde_json::to_value(&op.security).ok().is_some_and(|v| v.to_string().contains(HOST_SCHEME));
            let has_body = op.request_body.is_some();
            let workspace = path.starts_with("/workspace/{id}");
            let write = workspace && method != "get";
            let proxy = path.starts_with("/opencode");
            let mut add = |status: &str, text: String| {
                op.responses.responses.entry(status.to_string()).or_insert_with(|| error_response(&text));
            };
            if !open {
                let token = if host { "host token (`X-OpenWork-Host-Token`)" } else { "client token (bearer)" };
                add("401", format!("`unauthorized`: missing or wrong {token}; the other token is refused too"));
                add("429", "`too_many_requests`: too many failed authentication attempts from this address".into());
                add("500", "`internal_error`: a bug or an I/O failure on the host (details in its log)".into());
            }
            if has_body || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add("400", "`invalid_request`: malformed JSON, wrong types or invalid values".into());
            }
            if has_body {
                add("413", "`payload_too_large`: the body is larger than the host's limit".into());
            }
            if workspace {
                add("404", "`workspace_not_found`: `id` is not the active workspace (`details.activeId` is)".into());
                add(
                    "422",
                    if write {
                        "`invalid_config`: a config file on the host cannot be parsed (left untouched), or OpenCode \
                         rejects the config the change would produce (rolled back; OpenCode's `issues` in `details`)"
                    } else {
                        "`invalid_config`: a config file on the host cannot be parsed (left untouched)"
                    }
                    .into(),
                );
            }
            if write {
                add(
                    "403",
                    "`read_only` (host started with `--read-only`), `write_denied` (the host denied the change or \
                     did not approve it in time) or `forbidden` (a symlink or a path outside the workspace)"
                        .into(),
                );
            }
            if proxy {
                add("403", "`forbidden`: another directory, a machine-wide route or a suspicious path".into());
                add("502", "`bad_gateway`: OpenCode answered in a way that could not be forwarded".into());
                add("503", "`engine_unavailable`: the engine is not running (`details.state` says why)".into());
            }
        }
    }
}

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"));
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content("application/json", ContentBuilder::new().schema(Some(schema)).build())
            .build(),
    )
}

// The proxy is one `any` route (`proxy::forward`); these stubs only document it.
macro_rules! proxy_doc {
    ($name:ident, $method:ident $(, $body:expr)?) => {
        #[doc = concat!("`", stringify!($method), " /opencode/{path}`: forwarded to OpenCode (documentation only).")]
        #[utoipa::path(
            $method,
            path = "/opencode/{path}",
            tag = "opencode",
            operation_id = concat!("opencode_", stringify!($method)),
            description = "Forwarded to the engine's OpenCode API for the active workspace, under the policy \
in SECURITY.md: decided on the percent-decoded path (double encodings, encoded slashes, `..` refused: 400), \
only OpenCode's listed routes (anything else, and every machine-wide route: 403), every location input \
pinned to the active folder (another folder: 403; another folder's session or project: 404), machine-wide \
views filtered to it; `--read-only` forwards only reads, `--approval manual` holds config changes. The \
client's credentials never reach OpenCode; bodies stream both ways (SSE unbuffered).",
            params(("path" = String, Path, description = "OpenCode route, e.g. `session` or `event`")),
            $(request_body(content = Option<AnyJson>, description = $body),)?
            security(("clientToken" = [])),
            responses((status = 200, description = "OpenCode's answer, as it sent it", body = AnyJson)),
        )]
        #[allow(dead_code)]
        async fn $name() {}
    };
}

proxy_doc!(proxy_get, get);
proxy_doc!(proxy_post, post, "Any body OpenCode accepts");
proxy_doc!(proxy_put, put, "Any body OpenCode accepts");
proxy_doc!(proxy_patch, patch, "Any body OpenCode accepts");
proxy_doc!(proxy_delete, delete);

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed `openapi.json` is what the code generates.
    #[test]
    fn openapi_document_is_committed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi.json");
        let generated = document_json();
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "openapi.json at the repository root differs from the API the code describes.\n\
             Regenerate it with `scripts/update-openapi` (or `UPDATE_OPENAPI=1 cargo test -p openwork-host openapi`) \
             and commit the result."
        );
    }

    #[test]
    fn document_covers_routes_and_errors() {
        let doc: Value = serde_json::from_str(&document_json()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        for p in ["/health", "/workspaces", "/events", "/workspace/{id}/skills", "/approvals/{id}", "/opencode/{path}"] {
            assert!(paths.contains_key(p), "{p} is not documented");
        }
        assert_eq!(doc["paths"]["/health"]["get"]["security"], serde_json::json!([{}]));
        let add_skill = &doc["paths"]["/workspace/{id}/skills"]["post"];
        for status in ["200", "400", "401", "403", "404", "413"] {
            assert!(add_skill["responses"][status].is_object(), "POST skills lacks {status}");
        }
        assert!(doc["paths"]["/events"]["get"]["responses"]["200"]["content"]["text/event-stream"].is_object());
    }
}
