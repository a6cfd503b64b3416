//! Starts the VIP manager: reads configuration, sets up logging, serves until SIGTERM or Ctrl-C.
#![forbid(unsafe_code)]

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut config = server::config::Config::from_env()?;
    // `--demo`: run against the bundled simulated Twitch even when credentials are configured.
    if std::env::args().skip(1).any(|a| a == "--demo") {
        config.twitch.credentials = None;
    }
    server::telemetry::init(config.log_format);
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    server::run(config, listener, server::shutdown::signal()).await
}
