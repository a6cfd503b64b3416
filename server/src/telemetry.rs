//! Logging: readable lines locally, Cloud Logging JSON (with `severity`) in production. In JSON,
//! ERROR events also carry what Error Reporting needs to pick them up ([`error_reporting`]).

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

pub mod error_reporting;

pub use error_reporting::{ErrorReporting, ServiceContext};

/// The default filter. tower-sessions opens an INFO span for every request and every session
/// read, with nothing logged in them at INFO: a span each, formatted and dropped, on every page
/// (its errors are ERROR events, which `warn` keeps).
const DEFAULT_FILTER: &str =
    "info,server=info,app=info,tower_http=warn,tower_sessions=warn,tower_sessions_core=warn";

/// Installs the global subscriber. `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Text => registry.with(tracing_subscriber::fmt::layer()).try_init(),
        LogFormat::Json => registry
            .with(json_layer(ServiceContext::from_env(), std::io::stdout))
            .try_init(),
    };
    if result.is_err() {
        // Already installed (tests start several servers in one process).
        tracing::debug!("tracing subscriber already installed");
    }
}

/// The JSON layer: one Cloud Logging entry per line (tracing-stackdriver's format) written to
/// `make_writer`, ERROR entries with the Error Reporting fields added.
pub fn json_layer<S, W>(service: ServiceContext, make_writer: W) -> impl Layer<S>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + 'static,
{
    tracing_stackdriver::layer().with_writer(ErrorReporting::new(service, make_writer))
}
