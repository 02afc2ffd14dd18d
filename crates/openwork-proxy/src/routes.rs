//! The allowlist: every OpenCode route the proxy forwards, with its class.
//!
//! Taken from OpenCode 1.18.33's own API description (`GET /doc`; the
//! list is in `tests/opencode-1.18.33-endpoints.txt`, and a test fails when
//! OpenCode has a route this table does not classify). A request that
//! matches no entry is refused.
use http::Method;

/// What a route can do, from least to most powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Reads of the workspace and its sessions; event streams.
    Read,
    /// Sessions: create, prompt, answer permissions, abort, edit history.
    Work,
    /// Commands without the model: shell, slash commands, terminals, patches.
    Exec,
    /// The workspace's OpenCode config: project config, MCP servers, reloads.
    Config,
    /// API-key provider credentials in the user's OpenCode auth store (an
    /// API key only; OAuth flows are machine-wide).
    Credentials,
    /// The whole machine: provider credentials and OAuth, global config,
    /// upgrade and dispose, the MCP credential store, other projects and
    /// folders. Never forwarded for a client token.
    Machine,
}

impl Class {
    /// Every class, in order.
    pub const ALL: [Class; 6] = [Class::Read, Class::Work, Class::Exec, Class::Config, Class::Credentials, Class::Machine];

    /// Its name (`read`, `work`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Class::Read => "read",
            Class::Work => "work",
            Class::Exec => "exec",
            Class::Config => "config",
            Class::Credentials => "credentials",
            Class::Machine => "machine",
        }
    }

    /// The least token scope that may use it (`None`: nobody, through the proxy).
    pub fn min_scope(self) -> Option<openwork_wire::api::TokenScope> {
        use openwork_wire::api::TokenScope::*;
        match self {
            Class::Read => Some(Viewer),
            Class::Work | Class::Exec => Some(Collaborator),
            Class::Config | Class::Credentials => Some(Owner),
            Class::Machine => None,
        }
    }

    /// One line for people.
    pub fn describe(self) -> &'static str {
        match self {
            Class::Read => "reads of the workspace and its sessions, event streams",
            Class::Work => "sessions: create, prompt, reply to permissions and questions, abort, edit history",
            Class::Exec => "commands without the model: shell, slash commands, terminals (PTY), patches, git init",
            Class::Config => "the workspace's OpenCode config: project config, MCP servers, reloads",
            Class::Credentials => "API-key provider credentials for the engine (the user's OpenCode auth store; an API key only, no OAuth)",
            Class::Machine => {
                "the whole machine: provider OAuth, global config, upgrade, dispose, \
                 the MCP credential store, other projects, folders and workspaces"
            }
        }
    }
}

/// Which event stream (all go through one shared upstream per folder).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stream {
    /// `GET /event`: OpenCode's stream of one folder.
    Folder,
    /// `GET /global/event`: every folder's events (`{directory, payload}`),
    /// filtered to the active folder.
    Global,
    /// `GET /api/event`: every folder's events (`location.directory`),
    /// filtered to the active folder.
    Api,
}

/// The shape of a session listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// `[{id, directory, ...}]`.
    V1,
    /// `{data: [{id, location: {directory}, ...}]}`.
    V2,
}

/// What else the proxy does for a route, besides pinning the folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Nothing else.
    Plain,
    /// `{sessionID}`: OpenCode takes the folder from the session, so the
    /// session must be one of the active folder's (else 404).
    SessionScoped,
    /// `{projectID}`: must be the active folder's project (else 404), and not
    /// OpenCode's `global` project that folders without git share.
    ProjectScoped,
    /// `?projectID=` is set to the active folder's project.
    ProjectQuery,
    /// A session listing, filtered to the active folder.
    SessionList(Listing),
    /// Session creation: a parent session must be the active folder's; a
    /// location in the body must be the active folder; no workspace.
    CreateSession(Listing),
    /// `{data: {sessionID: status}}`, filtered to the active folder's sessions.
    ActiveSessions,
    /// `GET /project`: only the active folder's project.
    ProjectList,
    /// An event stream, shared and filtered.
    Events(Stream),
    /// A terminal's WebSocket.
    PtyConnect,
    /// An answer that can carry credentials (provider keys, config with
    /// `apiKey`, MCP headers and environment): redacted.
    Secrets,
}

/// What is checked in a request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyCheck {
    /// Nothing.
    None,
    /// Files a prompt names (`file:` URLs, `source.path`) must be in the
    /// folder; only `file:` and `data:` URLs (OpenCode would read any file
    /// it is given, and fetch any URL).
    FileRefs,
    /// A permission reply of `always` is refused where it would be saved for
    /// OpenCode's `global` project (every folder without git).
    PermissionReply,
    /// Credentials must be an API key (`{"type": "api", "key": …}`); other
    /// kinds (OAuth tokens) are refused.
    ApiKey,
}

/// One forwarded route.
#[derive(Debug)]
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// OpenCode's path pattern: `{param}` is one segment, a final `*` the rest.
    pub pattern: &'static str,
    /// What it can do.
    pub class: Class,
    /// What else the proxy does.
    pub kind: Kind,
    /// What is checked in the body.
    pub body: BodyCheck,
}

impl Route {
    /// OpenCode's v2 API (`/api/*`) takes the folder from `?location[directory]=`,
    /// the rest from `?directory=`.
    pub fn v2(&self) -> bool {
        self.pattern.starts_with("/api/")
    }

    /// Match decoded `segments`; the values of `{param}`s (and `*`), in order.
    pub fn matches(&self, segments: &[String]) -> Option<Vec<(&'static str, String)>> {
        let mut params = Vec::new();
        let mut n = 0;
        for (i, p) in self.pattern.split('/').skip(1).enumerate() {
            if p == "*" {
                if i >= segments.len() {
                    return None;
                }
                params.push(("*", segments[i..].join("/")));
                return Some(params);
            }
            let seg = segments.get(i)?;
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                params.push((name, seg.clone()));
            } else if p != seg {
                return None;
            }
            n = i + 1;
        }
        (n == segments.len()).then_some(params)
    }
}

const fn route(method: Method, pattern: &'static str, class: Class, kind: Kind) -> Route {
    Route { method, pattern, class, kind, body: BodyCheck::None }
}

const fn checked(method: Method, pattern: &'static str, class: Class, kind: Kind, body: BodyCheck) -> Route {
    Route { method, pattern, class, kind, body }
}

use Class::*;
use Kind::*;

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;

/// Every route forwarded, in OpenCode's order, plus `GET /doc` (the API
/// description itself).
pub static ROUTES: &[Route] = &[
    checked(PUT, "/auth/{providerID}", Credentials, Plain, BodyCheck::ApiKey),
    route(DELETE, "/auth/{providerID}", Credentials, Plain),
    route(POST, "/log", Work, Plain),
    route(POST, "/experimental/control-plane/move-session", Machine, Plain),
    route(GET, "/global/health", Read, Plain),
    route(GET, "/global/event", Read, Events(Stream::Global)),
    route(GET, "/global/config", Machine, Plain),
    route(PATCH, "/global/config", Machine, Plain),
    route(POST, "/global/dispose", Machine, Plain),
    route(POST, "/global/upgrade", Machine, Plain),
    route(GET, "/event", Read, Events(Stream::Folder)),
    route(GET, "/config", Read, Secrets),
    route(PATCH, "/config", Config, Plain),
    route(GET, "/config/providers", Read, Secrets),
    route(GET, "/experimental/capabilities", Read, Plain),
    route(GET, "/experimental/console", Machine, Plain),
    route(GET, "/experimental/console/orgs", Machine, Plain),
    route(POST, "/experimental/console/switch", Machine, Plain),
    route(GET, "/experimental/tool", Read, Plain),
    route(GET, "/experimental/tool/ids", Read, Plain),
    route(GET, "/experimental/worktree", Machine, Plain),
    route(POST, "/experimental/worktree", Machine, Plain),
    route(DELETE, "/experimental/worktree", Machine, Plain),
    route(POST, "/experimental/worktree/reset", Machine, Plain),
    route(GET, "/experimental/session", Read, SessionList(Listing::V1)),
    route(POST, "/experimental/session/{sessionID}/background", Work, SessionScoped),
    route(GET, "/experimental/resource", Read, Plain),
    route(GET, "/find", Read, Plain),
    route(GET, "/find/file", Read, Plain),
    route(GET, "/find/symbol", Read, Plain),
    route(GET, "/file", Read, Plain),
    route(GET, "/file/content", Read, Plain),
    route(GET, "/file/status", Read, Plain),
    route(POST, "/instance/dispose", Config, Plain),
    route(GET, "/path", Read, Plain),
    route(GET, "/vcs", Read, Plain),
    route(GET, "/vcs/status", Read, Plain),
    route(GET, "/vcs/diff", Read, Plain),
    route(GET, "/vcs/diff/raw", Read, Plain),
    route(POST, "/vcs/apply", Exec, Plain),
    route(GET, "/command", Read, Plain),
    route(GET, "/agent", Read, Plain),
    route(GET, "/skill", Read, Plain),
    route(GET, "/lsp", Read, Plain),
    route(GET, "/formatter", Read, Plain),
    route(GET, "/mcp", Read, Plain),
    route(POST, "/mcp", Config, Plain),
    route(POST, "/mcp/{name}/auth", Machine, Plain),
    route(DELETE, "/mcp/{name}/auth", Machine, Plain),
    route(POST, "/mcp/{name}/auth/callback", Machine, Plain),
    route(POST, "/mcp/{name}/auth/authenticate", Machine, Plain),
    route(POST, "/mcp/{name}/connect", Config, Plain),
    route(POST, "/mcp/{name}/disconnect", Config, Plain),
    route(GET, "/project", Read, ProjectList),
    route(GET, "/project/current", Read, Plain),
    route(POST, "/project/git/init", Exec, Plain),
    route(PATCH, "/project/{projectID}", Config, ProjectScoped),
    route(GET, "/project/{projectID}/directories", Read, ProjectScoped),
    route(POST, "/experimental/project/{projectID}/copy/generate-name", Machine, Plain),
    route(GET, "/pty/shells", Read, Plain),
    route(GET, "/pty", Read, Plain),
    route(POST, "/pty", Exec, Plain),
    route(GET, "/pty/{ptyID}", Read, Plain),
    route(PUT, "/pty/{ptyID}", Exec, Plain),
    route(DELETE, "/pty/{ptyID}", Exec, Plain),
    route(POST, "/pty/{ptyID}/connect-token", Exec, Plain),
    route(GET, "/question", Read, Plain),
    route(POST, "/question/{requestID}/reply", Work, Plain),
    route(POST, "/question/{requestID}/reject", Work, Plain),
    route(GET, "/permission", Read, Plain),
    checked(POST, "/permission/{requestID}/reply", Work, Plain, BodyCheck::PermissionReply),
    route(GET, "/provider", Read, Secrets),
    route(GET, "/provider/auth", Read, Secrets),
    route(POST, "/provider/{providerID}/oauth/authorize", Machine, Plain),
    route(POST, "/provider/{providerID}/oauth/callback", Machine, Plain),
    route(GET, "/session", Read, SessionList(Listing::V1)),
    route(POST, "/session", Work, CreateSession(Listing::V1)),
    route(GET, "/session/status", Read, Plain),
    route(GET, "/session/{sessionID}", Read, SessionScoped),
    route(DELETE, "/session/{sessionID}", Work, SessionScoped),
    route(PATCH, "/session/{sessionID}", Work, SessionScoped),
    route(GET, "/session/{sessionID}/children", Read, SessionScoped),
    route(GET, "/session/{sessionID}/todo", Read, SessionScoped),
    route(GET, "/session/{sessionID}/diff", Read, SessionScoped),
    route(GET, "/session/{sessionID}/message", Read, SessionScoped),
    checked(POST, "/session/{sessionID}/message", Work, SessionScoped, BodyCheck::FileRefs),
    route(GET, "/session/{sessionID}/message/{messageID}", Read, SessionScoped),
    route(DELETE, "/session/{sessionID}/message/{messageID}", Work, SessionScoped),
    route(POST, "/session/{sessionID}/fork", Work, SessionScoped),
    route(POST, "/session/{sessionID}/abort", Work, SessionScoped),
    route(POST, "/session/{sessionID}/init", Work, SessionScoped),
    route(POST, "/session/{sessionID}/share", Work, SessionScoped),
    route(DELETE, "/session/{sessionID}/share", Work, SessionScoped),
    route(POST, "/session/{sessionID}/summarize", Work, SessionScoped),
    checked(POST, "/session/{sessionID}/prompt_async", Work, SessionScoped, BodyCheck::FileRefs),
    checked(POST, "/session/{sessionID}/command", Exec, SessionScoped, BodyCheck::FileRefs),
    route(POST, "/session/{sessionID}/shell", Exec, SessionScoped),
    route(POST, "/session/{sessionID}/revert", Work, SessionScoped),
    route(POST, "/session/{sessionID}/unrevert", Work, SessionScoped),
    checked(POST, "/session/{sessionID}/permissions/{permissionID}", Work, SessionScoped, BodyCheck::PermissionReply),
    route(DELETE, "/session/{sessionID}/message/{messageID}/part/{partID}", Work, SessionScoped),
    checked(PATCH, "/session/{sessionID}/message/{messageID}/part/{partID}", Work, SessionScoped, BodyCheck::FileRefs),
    route(POST, "/sync/start", Machine, Plain),
    route(POST, "/sync/replay", Machine, Plain),
    route(POST, "/sync/steal", Machine, Plain),
    route(POST, "/sync/history", Machine, Plain),
    route(POST, "/tui/append-prompt", Work, Plain),
    route(POST, "/tui/open-help", Work, Plain),
    route(POST, "/tui/open-sessions", Work, Plain),
    route(POST, "/tui/open-themes", Work, Plain),
    route(POST, "/tui/open-models", Work, Plain),
    route(POST, "/tui/submit-prompt", Work, Plain),
    route(POST, "/tui/clear-prompt", Work, Plain),
    route(POST, "/tui/execute-command", Work, Plain),
    route(POST, "/tui/show-toast", Work, Plain),
    route(POST, "/tui/publish", Work, Plain),
    route(POST, "/tui/select-session", Work, Plain),
    route(GET, "/tui/control/next", Work, Plain),
    route(POST, "/tui/control/response", Work, Plain),
    route(GET, "/experimental/workspace/adapter", Machine, Plain),
    route(GET, "/experimental/workspace", Machine, Plain),
    route(POST, "/experimental/workspace", Machine, Plain),
    route(POST, "/experimental/workspace/sync-list", Machine, Plain),
    route(GET, "/experimental/workspace/status", Machine, Plain),
    route(DELETE, "/experimental/workspace/{id}", Machine, Plain),
    route(POST, "/experimental/workspace/warp", Machine, Plain),
    route(GET, "/api/health", Read, Plain),
    route(GET, "/api/location", Read, Plain),
    route(GET, "/api/agent", Read, Plain),
    route(GET, "/api/session", Read, SessionList(Listing::V2)),
    route(POST, "/api/session", Work, CreateSession(Listing::V2)),
    route(GET, "/api/session/active", Read, ActiveSessions),
    route(GET, "/api/session/{sessionID}", Read, SessionScoped),
    route(POST, "/api/session/{sessionID}/agent", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/model", Work, SessionScoped),
    checked(POST, "/api/session/{sessionID}/prompt", Work, SessionScoped, BodyCheck::FileRefs),
    route(POST, "/api/session/{sessionID}/compact", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/wait", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/revert/stage", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/revert/clear", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/revert/commit", Work, SessionScoped),
    route(GET, "/api/session/{sessionID}/context", Read, SessionScoped),
    route(GET, "/api/session/{sessionID}/history", Read, SessionScoped),
    route(GET, "/api/session/{sessionID}/event", Read, SessionScoped),
    route(POST, "/api/session/{sessionID}/interrupt", Work, SessionScoped),
    route(GET, "/api/session/{sessionID}/message/{messageID}", Read, SessionScoped),
    route(GET, "/api/session/{sessionID}/message", Read, SessionScoped),
    route(GET, "/api/model", Read, Secrets),
    route(GET, "/api/provider", Read, Secrets),
    route(GET, "/api/provider/{providerID}", Read, Secrets),
    route(GET, "/api/integration", Read, Secrets),
    route(GET, "/api/integration/{integrationID}", Read, Secrets),
    route(POST, "/api/integration/{integrationID}/connect/key", Machine, Plain),
    route(POST, "/api/integration/{integrationID}/connect/oauth", Machine, Plain),
    route(GET, "/api/integration/attempt/{attemptID}", Machine, Plain),
    route(DELETE, "/api/integration/attempt/{attemptID}", Machine, Plain),
    route(POST, "/api/integration/attempt/{attemptID}/complete", Machine, Plain),
    route(PATCH, "/api/credential/{credentialID}", Machine, Plain),
    route(DELETE, "/api/credential/{credentialID}", Machine, Plain),
    route(GET, "/api/permission/request", Read, Plain),
    route(GET, "/api/permission/saved", Read, ProjectQuery),
    route(DELETE, "/api/permission/saved/{id}", Machine, Plain),
    route(POST, "/api/session/{sessionID}/permission", Machine, Plain),
    route(GET, "/api/session/{sessionID}/permission", Read, SessionScoped),
    route(GET, "/api/session/{sessionID}/permission/{requestID}", Read, SessionScoped),
    checked(POST, "/api/session/{sessionID}/permission/{requestID}/reply", Work, SessionScoped, BodyCheck::PermissionReply),
    route(GET, "/api/fs/read/*", Read, Plain),
    route(GET, "/api/fs/list", Read, Plain),
    route(GET, "/api/fs/find", Read, Plain),
    route(GET, "/api/command", Read, Plain),
    route(GET, "/api/skill", Read, Plain),
    route(GET, "/api/event", Read, Events(Stream::Api)),
    route(GET, "/api/pty", Read, Plain),
    route(POST, "/api/pty", Exec, Plain),
    route(GET, "/api/pty/{ptyID}", Read, Plain),
    route(PUT, "/api/pty/{ptyID}", Exec, Plain),
    route(DELETE, "/api/pty/{ptyID}", Exec, Plain),
    route(POST, "/api/pty/{ptyID}/connect-token", Exec, Plain),
    route(GET, "/api/pty/{ptyID}/connect", Exec, PtyConnect),
    route(GET, "/api/question/request", Read, Plain),
    route(GET, "/api/session/{sessionID}/question", Read, SessionScoped),
    route(POST, "/api/session/{sessionID}/question/{requestID}/reply", Work, SessionScoped),
    route(POST, "/api/session/{sessionID}/question/{requestID}/reject", Work, SessionScoped),
    route(GET, "/api/reference", Read, Plain),
    route(POST, "/experimental/project/{projectID}/copy", Machine, Plain),
    route(DELETE, "/experimental/project/{projectID}/copy", Machine, Plain),
    route(POST, "/experimental/project/{projectID}/copy/refresh", Machine, Plain),
    route(GET, "/pty/{ptyID}/connect", Exec, PtyConnect),
    route(GET, "/doc", Read, Plain),
];

/// Whether OpenCode's route `method pattern` (as its API description
/// writes it: `{param}`, a final `*`) has an entry of its own in [`ROUTES`].
pub fn classifies(method: &Method, pattern: &str) -> bool {
    let sample: Vec<String> = pattern
        .split('/')
        .skip(1)
        .flat_map(|s| match s {
            "*" => vec!["a".to_string(), "b".to_string()],
            s if s.starts_with('{') => vec!["p1".to_string()],
            s => vec![s.to_string()],
        })
        .collect();
    find(method, &sample).is_some_and(|(r, _)| r.pattern == pattern)
}

/// The route for `method` and decoded `segments`, with its parameters.
pub fn find(method: &Method, segments: &[String]) -> Option<(&'static Route, Vec<(&'static str, String)>)> {
    ROUTES.iter().find_map(|r| if r.method == *method { r.matches(segments).map(|p| (r, p)) } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        crate::path::decode(p).unwrap()
    }

    #[test]
    fn finds_routes_with_params() {
        let (r, p) = find(&Method::GET, &segs("/session/ses_1/message/msg_2")).unwrap();
        assert_eq!(r.pattern, "/session/{sessionID}/message/{messageID}");
        assert_eq!(p, vec![("sessionID", "ses_1".to_string()), ("messageID", "msg_2".to_string())]);
        let (r, p) = find(&Method::GET, &segs("/api/fs/read/src/a%20b.rs")).unwrap();
        assert_eq!(r.pattern, "/api/fs/read/*");
        assert_eq!(p, vec![("*", "src/a b.rs".to_string())]);
        assert!(find(&Method::GET, &segs("/api/fs/read")).is_none());
        assert!(find(&Method::GET, &segs("/")).is_none(), "OpenCode's web app is not forwarded");
        assert!(find(&Method::HEAD, &segs("/path")).is_none());
        assert!(find(&Method::GET, &segs("/AUTH/x")).is_none());
        assert_eq!(find(&Method::PUT, &segs("/auth/openai")).unwrap().0.class, Credentials);
        assert_eq!(find(&Method::GET, &segs("/global/event")).unwrap().0.kind, Events(Stream::Global));
        assert_eq!(find(&Method::GET, &segs("/config")).unwrap().0.class, Read);
        assert_eq!(find(&Method::PATCH, &segs("/config")).unwrap().0.class, Config);
        assert_eq!(find(&Method::POST, &segs("/session/s/shell")).unwrap().0.class, Exec);
    }

    #[test]
    fn one_entry_per_method_and_pattern() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method.clone(), r.pattern)), "{} {} twice", r.method, r.pattern);
        }
    }
}
