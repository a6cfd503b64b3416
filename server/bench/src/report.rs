//! The results table: one row per measurement, with its target beside it.

use std::fmt::Write;

/// Whether a result meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// No target, or nothing to compare (a measurement for context).
    Info,
}

impl Verdict {
    /// `Met` when `ok`, else `Missed`.
    pub fn of(ok: bool) -> Self {
        if ok {
            Self::Met
        } else {
            Self::Missed
        }
    }

    fn mark(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "**missed**",
            Self::Info => "",
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub backend: String,
    pub measure: String,
    pub target: String,
    pub result: String,
    pub verdict: Verdict,
}

/// Every row, plus the conditions the run was made under.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Report {
    pub fn row(
        &mut self,
        scenario: &str,
        backend: &str,
        measure: impl Into<String>,
        target: &str,
        result: impl Into<String>,
        verdict: Verdict,
    ) {
        let row = Row {
            scenario: scenario.to_owned(),
            backend: backend.to_owned(),
            measure: measure.into(),
            target: target.to_owned(),
            result: result.into(),
            verdict,
        };
        eprintln!(
            "  {} [{}] {}: {} (target {}) {}",
            row.scenario,
            row.backend,
            row.measure,
            row.result,
            if row.target.is_empty() {
                "–"
            } else {
                &row.target
            },
            row.verdict.mark()
        );
        self.rows.push(row);
    }

    /// A line printed under the table (sizes used, a scenario that could not run).
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        eprintln!("  note: {text}");
        self.notes.push(text);
    }

    /// The Markdown block: what ran where, the table, the notes.
    pub fn markdown(&self, machine: &str, run: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Machine: {machine}.  ");
        let _ = writeln!(out, "Run: {run}.\n");
        out.push_str("| scenario | backend | measure | target | result | |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for r in &self.rows {
            let target = if r.target.is_empty() {
                "–"
            } else {
                &r.target
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&r.scenario),
                cell(&r.backend),
                cell(&r.measure),
                cell(target),
                cell(&r.result),
                r.verdict.mark()
            );
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                let _ = writeln!(out, "- {n}");
            }
        }
        out
    }
}

/// A table cell: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_row_per_measurement_with_its_verdict() {
        let mut report = Report::default();
        report.row(
            "wasm",
            "–",
            "brotli",
            "≤ 250 KB",
            "441 KB",
            Verdict::of(false),
        );
        report.row("sweep", "sqlite", "a | b", "", "1 ms", Verdict::Info);
        report.note("sizes: quick");
        let md = report.markdown("a machine", "now");
        assert!(
            md.contains("| wasm | – | brotli | ≤ 250 KB | 441 KB | **missed** |"),
            "{md}"
        );
        assert!(
            md.contains("| sweep | sqlite | a \\| b | – | 1 ms |  |"),
            "{md}"
        );
        assert!(md.contains("- sizes: quick"), "{md}");
        assert_eq!(report.rows.len(), 2);
    }
}
