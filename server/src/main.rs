//! Starts the VIP manager: reads configuration, sets up logging, serves until SIGTERM or Ctrl-C.
#![forbid(unsafe_code)]

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = server::config::Config::from_env()?;
    server::telemetry::init(config.log_format);
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    server::run(config, listener, server::shutdown::signal()).await
}
