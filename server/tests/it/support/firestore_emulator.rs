//! The Firestore emulator for tests: one per test process, shared by its tests, which keep
//! apart by using a fresh project id each.
//!
//! With `FIRESTORE_EMULATOR_HOST` set, that emulator is used. Otherwise Google's emulator
//! (`$FIRESTORE_EMULATOR_BIN`, or the path the `google-cloud-cli-firestore-emulator` package
//! installs) is started on a free port under a small `sh` watchdog that leads its own process
//! group: when the test process is gone (however it ended) or the emulator died, the watchdog
//! signals the whole group (the emulator's wrapper script and its java child, and itself),
//! first TERM, then KILL. No emulator outlives the tests.
//!
//! A missing emulator fails the tests with a message saying what to install; there is no skip.

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const DEFAULT_BIN: &str =
    "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator";
const READY_LINE: &str = "Dev App Server is now running";
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// `$0` = emulator, `$1` = port, `$2` = pid of the test process, `$3` = log file. TERM is
/// ignored by the watchdog only after the emulator started (ignored signals are inherited), so
/// that it survives its own group TERM, removes the log and follows up with KILL.
const WATCHDOG: &str = r#"
"$0" start --host=127.0.0.1 --port="$1" &
emulator=$!
trap '' TERM
while kill -0 "$2" 2>/dev/null && kill -0 "$emulator" 2>/dev/null; do sleep 0.5; done
kill -s TERM 0
sleep 3
rm -f "$3"
kill -s KILL 0
"#;

static HOST: OnceLock<String> = OnceLock::new();

/// The emulator's `host:port`, starting it on first use, with `FIRESTORE_EMULATOR_HOST` set for
/// the `firestore` crate.
pub fn host() -> &'static str {
    HOST.get_or_init(|| match std::env::var("FIRESTORE_EMULATOR_HOST") {
        Ok(host) if !host.trim().is_empty() => host,
        _ => {
            let host = start();
            // Set once, before any client is built; the crate reads it when connecting.
            std::env::set_var("FIRESTORE_EMULATOR_HOST", &host);
            host
        }
    })
}

/// A project id no other test uses: the emulator keeps projects' data apart.
pub fn fresh_project_id() -> String {
    format!(
        "contract-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    )
}

fn start() -> String {
    let bin = std::env::var_os("FIRESTORE_EMULATOR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BIN));
    assert!(
        bin.is_file(),
        "the Firestore emulator is missing: {} does not exist. Install the \
         `google-cloud-cli-firestore-emulator` package (and Java 17+), or set \
         FIRESTORE_EMULATOR_BIN to its `cloud_firestore_emulator` script, or set \
         FIRESTORE_EMULATOR_HOST to a running emulator's host:port",
        bin.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port();
    let log_path = std::env::temp_dir().join(format!(
        "firestore-emulator-{}-{port}.log",
        std::process::id()
    ));
    let log = std::fs::File::create(&log_path).expect("create the emulator log");
    let mut watchdog = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg(&bin)
        .arg(port.to_string())
        .arg(std::process::id().to_string())
        .arg(&log_path)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the Firestore emulator via sh: {e}"));

    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let mut output = String::new();
        if let Ok(mut f) = std::fs::File::open(&log_path) {
            let _ = f.read_to_string(&mut output);
        }
        if output.contains(READY_LINE) {
            // Reap the watchdog should it exit while the tests still run (the emulator died).
            std::thread::spawn(move || watchdog.wait());
            return format!("127.0.0.1:{port}");
        }
        if let Ok(Some(status)) = watchdog.try_wait() {
            panic!("the Firestore emulator exited ({status}) before it was ready:\n{output}");
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-s", "TERM", "--", &format!("-{}", watchdog.id())])
                .status();
            let _ = watchdog.wait();
            panic!(
                "the Firestore emulator was not ready within {READY_TIMEOUT:?} (log: {}):\n{output}",
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
