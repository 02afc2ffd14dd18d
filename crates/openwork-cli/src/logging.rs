//! Logging setup: human-readable or JSON lines on stderr, `RUST_LOG` wins.
use tracing_subscriber::EnvFilter;

/// Log format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Install the global subscriber (idempotent enough for one call per process).
pub fn init(format: LogFormat, verbose: bool) {
    let default = if verbose { "openwork=debug,openwork_host=debug,info" } else { "openwork_host=info,warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Pretty => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
