//! Starts the VIP manager: reads configuration, sets up logging, serves until SIGTERM or Ctrl-C.

/// mimalloc rather than glibc's allocator: rendering a page allocates and frees many small values
/// on both runtime threads, and glibc's arenas spent a fifth to a third of the server's time there
/// (BENCHMARKS.md, "reads on the calling thread, mimalloc, statements planned once").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `--demo`: run against the bundled simulated Twitch even when credentials are configured.
    let demo = std::env::args().skip(1).any(|a| a == "--demo");
    let config = server::config::Config::from_env_asking_demo(demo)?;
    server::telemetry::init(config.log_format);
    if let Err(e) = serve(config).await {
        // Logged once, as an entry Error Reporting picks up, rather than printed by `main`.
        tracing::error!(error = %format!("{e:#}"), "the server stopped on an error");
        std::process::exit(1);
    }
    Ok(())
}

async fn serve(config: server::config::Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    server::run(config, listener, server::shutdown::signal()).await
}
