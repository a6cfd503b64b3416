//! The size of the release WASM bundle, as `scripts/bundle-size.sh` reports it (raw, gzip -9,
//! brotli 11): the main module, and the largest first load of a page (the main module plus the
//! chunks of that page's islands). The bundle is whatever the last `cargo leptos build --release
//! --split` left; this benchmark does not build it.

use std::path::Path;
use std::process::Command;

use crate::options::Options;
use crate::report::{Report, Verdict};

const BROTLI_TARGET_KB: f64 = 250.0;
const BUNDLE: &str = "vip-manager.wasm";

pub fn run(options: &Options, report: &mut Report) {
    // The script fails when a page is over the budget; its table is read all the same.
    let output = Command::new(&options.bundle_size_script)
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    let sizes = parse(&output);
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
    if let Some((page, largest)) = largest_page(&output) {
        report.row(
            "wasm",
            "–",
            "largest first load of a page (main module + its islands' chunks), brotli",
            "≤ 250 KB",
            format!("{largest:.1} KB ({page})"),
            Verdict::of(largest <= BROTLI_TARGET_KB),
        );
    }
}

/// The page rows of the script's table (`  name (N chunks)  raw  gzip  brotli`): the page whose
/// first load is largest, with its brotli size.
fn largest_page(text: &str) -> Option<(String, f64)> {
    text.lines()
        .filter(|l| l.starts_with("  ") && l.contains(" chunks)"))
        .filter_map(|l| {
            let (name, sizes) = l.trim_start().split_once(" (")?;
            let brotli: f64 = sizes
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .next_back()?;
            Some((name.to_owned(), brotli))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
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

    #[test]
    fn finds_the_largest_first_load_of_a_page() {
        let text =
            "first load of a page: vip-manager.wasm + its islands' chunks (39 chunks in all)\n\
                    \x20 home (26 chunks)      560.5 KB   234.0 KB   196.1 KB\n\
                    \x20 settings (25 chunks)  343.0 KB   144.5 KB   119.3 KB\n\
                    \x20 account (0 chunks)    201.1 KB    78.1 KB    62.9 KB\n\
                    all chunks (without main)  481.6 KB   211.4 KB   180.9 KB\n";
        assert_eq!(largest_page(text), Some(("home".to_owned(), 196.1)));
        assert_eq!(largest_page("no bundle"), None);
    }
}
