//! JSON logs as Cloud Logging's Error Reporting reads them: an ERROR event is one entry with
//! `severity` ERROR, the `ReportedErrorEvent` `@type`, `serviceContext` and where it was logged,
//! with its own fields and span kept as context; entries of other levels are left plain.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use server::telemetry::error_reporting::REPORTED_ERROR_EVENT;
use server::telemetry::{json_layer, ServiceContext};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// Everything written, shared between the layer and the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn service() -> ServiceContext {
    ServiceContext {
        service: "vip-test".into(),
        version: "1.2.3".into(),
    }
}

/// The JSON entries `log` writes through the production layer.
fn entries(log: impl FnOnce()) -> Vec<Value> {
    let out = Captured::default();
    let subscriber = tracing_subscriber::registry().with(json_layer(service(), out.clone()));
    tracing::subscriber::with_default(subscriber, log);
    let bytes = out.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn assert_reported(entry: &Value) {
    assert_eq!(entry["severity"], "ERROR", "{entry}");
    assert_eq!(entry["@type"], REPORTED_ERROR_EVENT, "{entry}");
    let location = &entry["context"]["reportLocation"];
    assert!(location["filePath"].as_str().is_some(), "{entry}");
    assert!(location["lineNumber"].as_u64().is_some(), "{entry}");
    assert!(location["functionName"].as_str().is_some(), "{entry}");
    let message = entry["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty(),
        "Error Reporting shows the message: {entry}"
    );
}

#[test]
fn an_error_event_is_one_reported_entry_with_its_context() {
    let mut error_line = 0;
    let logged = entries(|| {
        let span = tracing::info_span!("expiry_pass", channel = "1337");
        let _entered = span.enter();
        tracing::info!("pass started");
        error_line = line!() + 1;
        tracing::error!(session = "s-1", error = %"store unavailable", "expiring a session failed");
        tracing::warn!("pass slower than usual");
    });
    assert_eq!(logged.len(), 3, "{logged:#?}");
    let errors: Vec<&Value> = logged.iter().filter(|e| e["severity"] == "ERROR").collect();
    assert_eq!(errors.len(), 1, "logged once: {logged:#?}");
    let error = errors[0];
    assert_reported(error);
    assert_eq!(
        error["serviceContext"],
        json!({ "service": "vip-test", "version": "1.2.3" })
    );
    let location = &error["context"]["reportLocation"];
    assert!(location["filePath"]
        .as_str()
        .unwrap()
        .ends_with("error_reporting.rs"));
    assert_eq!(location["lineNumber"], error_line);
    assert_eq!(location["functionName"], module_path!());
    assert_eq!(error["message"], "expiring a session failed");
    assert_eq!(error["error"], "store unavailable");
    assert_eq!(error["session"], "s-1");
    assert_eq!(error["span"]["name"], "expiry_pass");
    assert_eq!(error["span"]["channel"], "1337");

    for other in logged.iter().filter(|e| e["severity"] != "ERROR") {
        for field in ["@type", "serviceContext", "context"] {
            assert!(other.get(field).is_none(), "{field} on {other}");
        }
    }
    let severities: Vec<&str> = logged
        .iter()
        .map(|e| e["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["INFO", "ERROR", "WARNING"]);
}

#[test]
fn an_error_without_a_message_still_has_one() {
    let logged = entries(|| tracing::error!(error = %"disk full"));
    assert_eq!(logged.len(), 1);
    assert_reported(&logged[0]);
    assert_eq!(logged[0]["message"], "disk full");
}

/// The built binary whose database cannot be opened (its directory is a file) stops with one
/// reportable ERROR entry on stdout, naming the cause, instead of a plain-text message.
#[test]
fn the_binary_reports_a_fatal_error_once() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, "").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("K_SERVICE", "vip-process-test")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/vip.db", blocker.display()),
        )
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (exited, wait) = mpsc::channel();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let mut out = String::new();
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
        let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
        let _ = exited.send((out, err));
    });
    let outcome = wait.recv_timeout(Duration::from_secs(120));
    let _ = child.kill();
    let status = child.wait().unwrap();
    let (stdout, stderr) = outcome.expect("the server stops within the time limit");
    assert!(!status.success(), "exit status {status}");
    let entries: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let errors: Vec<&Value> = entries
        .iter()
        .filter(|e| e["severity"] == "ERROR")
        .collect();
    assert_eq!(errors.len(), 1, "logged once: {stdout}");
    let error = errors[0];
    assert_reported(error);
    assert_eq!(error["serviceContext"]["service"], "vip-process-test");
    assert_eq!(
        error["serviceContext"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(error["context"]["reportLocation"]["functionName"], "server");
    let cause = error["error"].as_str().unwrap_or_default();
    assert!(cause.contains("not-a-directory"), "the cause: {error}");
    assert!(
        !stderr.contains("not-a-directory"),
        "not printed a second time: {stderr}"
    );
}
