//! One request in, a [`Decision`] (what to forward, and what to check on
//! the way) or a [`Refusal`] out. Pure: the checks that need OpenCode
//! (whose is this session?) are named in the decision and made by the
//! forwarder.
use http::Method;
use openwork_wire::{ErrorBody, ErrorCode};
use serde_json::json;

pub use crate::refusal::Refusal;

use crate::path;
use crate::pin;
use crate::routes::{self, Class, Kind, Route};

/// What to forward, and the checks still to make.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The route it matched.
    pub route: &'static Route,
    /// The path to forward (canonically encoded, decided on).
    pub path: String,
    /// The decoded path, for messages and approvals.
    pub decoded: String,
    /// `{sessionID}`, for [`Kind::SessionScoped`] routes.
    pub session: Option<String>,
    /// `{projectID}`, for [`Kind::ProjectScoped`] routes.
    pub project: Option<String>,
}

impl Decision {
    /// The route's class.
    pub fn class(&self) -> Class {
        self.route.class
    }
}

/// Decide on one request to the proxy.
///
/// `raw_path` is the path after the proxy prefix, as received (`/` when
/// empty), `raw_query` the query string. Location inputs (query, headers)
/// are checked here; the query to forward is built by [`pin::query`] once
/// the project is known.
pub fn decide(
    method: &Method,
    raw_path: &str,
    raw_query: Option<&str>,
    headers: &http::HeaderMap,
    directory: &str,
) -> Result<Decision, Refusal> {
    let segments = path::decode(raw_path).map_err(|e| Refusal::invalid(e.to_string()))?;
    let decoded = format!("/{}", segments.join("/"));
    let Some((route, params)) = routes::find(method, &segments) else {
        return Err(Refusal::forbidden(
            format!("{method} {decoded} is not an OpenCode route this host forwards"),
            json!({ "method": method.as_str(), "path": decoded, "reason": "unlisted" }),
        ));
    };
    if route.class == Class::Machine {
        return Err(Refusal::forbidden(
            format!("{method} {decoded} acts on the whole machine ({}); it is not available to remote clients", Class::Machine.describe()),
            json!({ "method": method.as_str(), "path": decoded, "class": "machine" }),
        ));
    }
    pin::check_headers(headers, directory)?;
    pin::query(raw_query, route, directory, None)?;
    let param = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let session = matches!(route.kind, Kind::SessionScoped).then(|| param("sessionID")).flatten();
    let project = matches!(route.kind, Kind::ProjectScoped).then(|| param("projectID")).flatten();
    Ok(Decision { route, path: path::encode(&segments), decoded, session, project })
}

/// How the host is run, as far as the proxy is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Modes {
    /// `--read-only`: only [`Class::Read`] is forwarded.
    pub read_only: bool,
    /// `--approval manual`: [`Class::Config`] and [`Class::Credentials`]
    /// wait for the host's approval.
    pub approval_manual: bool,
    /// [`Class::Credentials`] may be forwarded (the host, to owners; not the
    /// app's proxy to a plain OpenCode).
    pub credentials: bool,
}

/// What to do with a decided request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Forward it.
    Forward,
    /// Forward it once the host approves (audited either way).
    Approve,
    /// Refuse it.
    Refuse(Refusal),
}

/// What `modes` allow for `class`.
pub fn action(class: Class, modes: Modes) -> Action {
    match class {
        Class::Machine => Action::Refuse(Refusal::forbidden("machine-wide routes are not forwarded", json!({ "class": "machine" }))),
        Class::Read => Action::Forward,
        Class::Credentials if !modes.credentials => {
            Action::Refuse(Refusal::forbidden("provider credentials are not forwarded here", json!({ "class": "credentials" })))
        }
        _ if modes.read_only => Action::Refuse(Refusal(
            ErrorBody::new(ErrorCode::ReadOnly, format!("this host is read-only (--read-only): {} is refused", class.describe()))
                .with_details(json!({ "class": class.name() })),
        )),
        Class::Config | Class::Credentials if modes.approval_manual => Action::Approve,
        _ => Action::Forward,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(method: Method, p: &str) -> Result<Decision, Refusal> {
        decide(&method, p, None, &http::HeaderMap::new(), "/ws")
    }

    #[test]
    fn the_attacks_of_the_report_are_refused() {
        // Provider credentials are their own class: an owner's, never the
        // app's proxy, and only an API key (`pin::check_api_key`).
        let creds = d(Method::PUT, "/%61uth/openai").unwrap();
        assert_eq!(creds.class(), Class::Credentials);
        assert!(matches!(action(Class::Credentials, Modes::default()), Action::Refuse(_)));
        for (m, p) in [
            (Method::PATCH, "/global/%63onfig"),
            (Method::POST, "/global/%64ispose"),
            (Method::DELETE, "/api/%63redential/openai"),
            (Method::POST, "/provider/openai/%6fauth/authorize"),
            (Method::DELETE, "/mcp/x/auth"),
            (Method::POST, "/global/upgrade"),
            (Method::GET, "/global/config"),
            (Method::GET, "/experimental/worktree"),
            (Method::POST, "/sync/steal"),
            (Method::POST, "/experimental/workspace/warp"),
        ] {
            let r = d(m.clone(), p).unwrap_err();
            assert_eq!(r.status(), 403, "{m} {p}: {r:?}");
        }
        assert_eq!(d(Method::GET, "/session/%2e%2e/global").unwrap_err().status(), 400);
        assert_eq!(d(Method::GET, "/").unwrap_err().status(), 403, "unlisted");
    }

    #[test]
    fn decisions_carry_what_is_left_to_check() {
        let ok = d(Method::PATCH, "/session/ses_a%62c").unwrap();
        assert_eq!(ok.session.as_deref(), Some("ses_abc"));
        assert_eq!(ok.path, "/session/ses_abc");
        assert_eq!(ok.class(), Class::Work);
        let ok = d(Method::PATCH, "/project/p1").unwrap();
        assert_eq!(ok.project.as_deref(), Some("p1"));
        assert_eq!(ok.class(), Class::Config);
        let mut h = http::HeaderMap::new();
        h.insert(pin::DIRECTORY_HEADER, "%2Fetc".parse().unwrap());
        assert_eq!(decide(&Method::GET, "/session", None, &h, "/ws").unwrap_err().status(), 403);
        assert_eq!(decide(&Method::GET, "/session", Some("directory=/etc"), &http::HeaderMap::new(), "/ws").unwrap_err().status(), 403);
    }

    #[test]
    fn modes() {
        let ro = Modes { read_only: true, approval_manual: true, credentials: true };
        assert_eq!(action(Class::Read, ro), Action::Forward);
        for c in [Class::Work, Class::Exec, Class::Config, Class::Credentials, Class::Machine] {
            assert!(matches!(action(c, ro), Action::Refuse(_)), "{c:?}");
        }
        assert_eq!(action(Class::Credentials, Modes { credentials: true, ..Modes::default() }), Action::Forward);
        let manual = Modes { read_only: false, approval_manual: true, credentials: true };
        assert_eq!(action(Class::Config, manual), Action::Approve);
        assert_eq!(action(Class::Exec, manual), Action::Forward);
        assert_eq!(action(Class::Config, Modes::default()), Action::Forward);
    }
}
