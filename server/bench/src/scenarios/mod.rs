//! The scenarios, run in order, each on every chosen backend. A scenario that fails is reported
//! as a note under the table; the others still run.

mod analytics;
mod conduit;
mod dashboard;
mod expiry;
mod intake;
mod latency;
mod relay;
mod sse;
mod sse_floor;
mod ssr;
mod startup;
mod sweep;
mod traffic;
mod wasm;

use crate::options::{Backend, Options, Scenario, Sizes};
use crate::report::Report;

/// One scenario on one backend.
pub struct Run<'a> {
    pub options: &'a Options,
    pub backend: Backend,
    pub report: &'a mut Report,
}

impl Run<'_> {
    pub fn sizes(&self) -> &Sizes {
        self.options.sizes(self.backend)
    }

    /// How many store writes to have in flight while seeding: SQLite has one writer at a time,
    /// the emulator answers each request slowly but many at once.
    pub fn concurrency(&self) -> usize {
        match self.backend {
            Backend::Sqlite => 4,
            Backend::Firestore => 32,
        }
    }
}

pub async fn run_all(options: &Options) -> Report {
    let mut report = Report::default();
    for scenario in &options.scenarios {
        if *scenario == Scenario::Wasm {
            wasm::run(options, &mut report);
            continue;
        }
        for backend in &options.backends {
            eprintln!("== {} on {}", scenario.name(), backend.name());
            let mut run = Run {
                options,
                backend: *backend,
                report: &mut report,
            };
            let result = match scenario {
                Scenario::Latency => latency::run(&mut run).await,
                Scenario::Intake => intake::run(&mut run).await,
                Scenario::Expiry => expiry::run(&mut run).await,
                Scenario::Sse => sse::run(&mut run).await,
                Scenario::Relay => relay::run(&mut run).await,
                Scenario::Conduit => conduit::run(&mut run).await,
                Scenario::Ssr => ssr::run(&mut run).await,
                Scenario::Sweep => sweep::run(&mut run).await,
                Scenario::Startup => startup::run(&mut run).await,
                Scenario::Analytics => analytics::run(&mut run).await,
                Scenario::Wasm => Ok(()),
            };
            if let Err(e) = result {
                report.note(format!(
                    "{} on {} did not complete: {e:#}",
                    scenario.name(),
                    backend.name()
                ));
            }
        }
    }
    report
}
