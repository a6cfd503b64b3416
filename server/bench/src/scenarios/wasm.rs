//! The size of the release WASM bundle, as `scripts/bundle-size.sh` reports it (raw, gzip -9,
//! brotli 11). The bundle is whatever the last `cargo leptos build --release` left; this benchmark
//! does not build it.

use std::path::Path;
use std::process::Command;

use crate::options::Options;
use crate::report::{Report, Verdict};

const BROTLI_TARGET_KB: f64 = 250.0;
const BUNDLE: &str = "vip-manager.wasm";

pub fn run(options: &Options, report: &mut Report) {
    let output = Command::new(&options.bundle_size_script).output();
    let sizes = match &output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => None,
    };
    let Some([raw, gzip, brotli]) = sizes else {
        report.row(
            "wasm",
            "–",
            "WASM bundle raw / gzip / brotli",
            "brotli ≤ 250 KB",
            "not built",
            Verdict::Info,
        );
        return;
    };
    report.row(
        "wasm",
        "–",
        format!("WASM bundle raw / gzip / brotli{}", built_at(options)),
        "brotli ≤ 250 KB",
        format!("{raw:.1} KB / {gzip:.1} KB / {brotli:.1} KB"),
        Verdict::of(brotli <= BROTLI_TARGET_KB),
    );
}

/// When the bundle was built, from its file's time (the bundle may be older than the sources).
fn built_at(options: &Options) -> String {
    let script_dir = options
        .bundle_size_script
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    let file = script_dir.join("target/site/pkg").join(BUNDLE);
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .map(|t| {
            let t: chrono::DateTime<chrono::Utc> = t.into();
            format!(" (built {})", t.format("%Y-%m-%d %H:%M UTC"))
        })
        .unwrap_or_default()
}

/// The WASM line of the script's table: three sizes in KB.
fn parse(text: &str) -> Option<[f64; 3]> {
    let line = text.lines().find(|l| l.trim_start().starts_with(BUNDLE))?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match numbers[..] {
        [raw, gzip, brotli] => Some([raw, gzip, brotli]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_wasm_line_of_the_bundle_size_table() {
        let text = "file                          raw       gzip     brotli\n\
                    vip-manager.wasm      1523.4 KB   520.1 KB   441.0 KB\n\
                    vip-manager.js          40.0 KB    10.0 KB     9.0 KB\n";
        assert_eq!(parse(text), Some([1523.4, 520.1, 441.0]));
        assert_eq!(parse("no bundle"), None);
    }
}
