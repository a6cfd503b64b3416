//! `vip-bench`: benchmarks of the release server binary, run as a separate process against the
//! Twitch simulator served by this process on loopback. Prints a Markdown results table with the
//! targets beside the results. Not part of CI; `scripts/bench.sh` builds and runs it.
#![allow(clippy::print_stdout)] // its output is the report

mod backend;
mod fleet;
mod floor;
mod floor_sse;
mod machine;
mod options;
mod report;
mod scenarios;
mod server_process;
mod stats;
mod work;

use options::{Backend, Options};

fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some(floor_sse::ARG) {
        return floor_sse::serve_child();
    }
    let mut options = Options::parse(std::env::args().skip(1))?;
    if options.help {
        print!("{}", options::USAGE);
        return Ok(());
    }
    // The server runs in a scratch folder: its path must not depend on this one.
    options.server_bin = std::fs::canonicalize(&options.server_bin).map_err(|e| {
        anyhow::anyhow!(
            "no server binary at {} ({e}); build it with `cargo build --release -p server`",
            options.server_bin.display()
        )
    })?;
    // Started before any thread exists: its address goes into this process's environment once,
    // where the Firestore client looks for it.
    let _emulator = if options.backends.contains(&Backend::Firestore) {
        let emulator = backend::Emulator::start()?;
        std::env::set_var("FIRESTORE_EMULATOR_HOST", &emulator.host);
        Some(emulator)
    } else {
        None
    };
    let started = chrono::Utc::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(scenarios::run_all(&options));
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    let run = format!(
        "{}, {} sizes, {}",
        started.format("%Y-%m-%d %H:%M UTC"),
        if options.quick { "quick" } else { "full" },
        commit()
    );
    print!("{}", report.markdown(&machine::describe(), &run));
    Ok(())
}

/// The checked-out commit (and whether the tree had changes), for the record.
fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(rev) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            format!(
                "commit {rev}{}",
                if dirty { " with local changes" } else { "" }
            )
        }
        None => "commit unknown".into(),
    }
}
