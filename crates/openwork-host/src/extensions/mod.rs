//! Workspace extensions managed through the host: skills, plugins, MCP
//! servers, commands and config (routes under `/workspace/:id/...`).
use axum::Router;

use crate::server::AppState;

/// State shared by the extension routes.
#[derive(Debug, Default)]
pub struct ExtensionsState {}

impl ExtensionsState {
    /// State for a host with these options.
    pub fn new(_options: &crate::server::ServerOptions) -> Self {
        Self {}
    }
}

/// Routes of the extension API, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
}
