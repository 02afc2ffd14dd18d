//! What stops `openwork host`, `openwork app` and `openwork-server`: Ctrl-C
//! (SIGINT) or SIGTERM.
use anyhow::{Context, Result};
use tokio::signal::unix::{signal, Signal, SignalKind};

/// SIGINT and SIGTERM, listened for from [`StopSignal::install`] on: a
/// signal that comes before [`StopSignal::recv`] is not lost.
pub struct StopSignal {
    int: Signal,
    term: Signal,
}

impl StopSignal {
    /// Start listening.
    pub fn install() -> Result<Self> {
        Ok(Self {
            int: signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        })
    }

    /// Wait for the next Ctrl-C or SIGTERM.
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}
