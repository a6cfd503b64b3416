//! Error Reporting for the JSON logs. Per Google Cloud's "Format errors in logs", Error Reporting
//! picks up a log entry whose `severity` is ERROR and whose `@type` is
//! [`REPORTED_ERROR_EVENT`] (or that holds a stack trace). Without a stack trace,
//! `context.reportLocation` must say where the error was logged; `serviceContext` names the
//! service and version the error belongs to; `message` is the text shown.
//!
//! [`ErrorReporting`] wraps the writer of the tracing-stackdriver layer: an ERROR event's JSON line
//! is buffered and written with those fields added. Other lines pass through untouched.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// The `@type` that marks a log entry as an error event for Error Reporting.
pub const REPORTED_ERROR_EVENT: &str =
    "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent";

/// The service (and version) Error Reporting groups errors under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceContext {
    /// The service's name.
    pub service: String,
    /// The running version.
    pub version: String,
}

impl ServiceContext {
    /// The service name outside Cloud Run.
    pub const DEFAULT_SERVICE: &'static str = "vip-manager";

    /// From the variables Cloud Run sets: `K_SERVICE` names the service and `K_REVISION` the
    /// version. Elsewhere [`Self::DEFAULT_SERVICE`] and the crate's version.
    pub fn from_env() -> Self {
        Self::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// As [`Self::from_env`], reading variables through `env`.
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            service: env("K_SERVICE").unwrap_or_else(|| Self::DEFAULT_SERVICE.to_owned()),
            version: env("K_REVISION").unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_owned()),
        }
    }
}

/// A [`MakeWriter`] that adds the Error Reporting fields to ERROR entries written through `W`.
#[derive(Debug)]
pub struct ErrorReporting<W> {
    service: ServiceContext,
    inner: W,
}

impl<W> ErrorReporting<W> {
    /// Wraps `inner`; errors are reported as belonging to `service`.
    pub fn new(service: ServiceContext, inner: W) -> Self {
        Self { service, inner }
    }
}

impl<'a, W: MakeWriter<'a>> MakeWriter<'a> for ErrorReporting<W> {
    type Writer = EntryWriter<'a, W::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EntryWriter {
            inner: self.inner.make_writer(),
            error: None,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        let error = (*meta.level() == Level::ERROR).then(|| PendingError {
            service: &self.service,
            location: report_location(meta),
            buffer: Vec::new(),
        });
        EntryWriter {
            inner: self.inner.make_writer_for(meta),
            error,
        }
    }
}

/// The writer for one event: passes bytes through or, for an ERROR, rewrites each JSON line
/// (flushing writes what is buffered as one entry).
pub struct EntryWriter<'a, W: Write> {
    inner: W,
    error: Option<PendingError<'a>>,
}

struct PendingError<'a> {
    service: &'a ServiceContext,
    location: Value,
    buffer: Vec<u8>,
}

impl PendingError<'_> {
    fn entry(&self, line: &[u8]) -> Vec<u8> {
        let mut out = with_error_fields(line, self.service, &self.location);
        out.push(b'\n');
        out
    }
}

impl<W: Write> Write for EntryWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Self { inner, error } = self;
        let Some(error) = error else {
            return inner.write(buf);
        };
        error.buffer.extend_from_slice(buf);
        while let Some(end) = error.buffer.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = error.buffer.drain(..=end).collect();
            inner.write_all(&error.entry(&line[..end]))?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let Self { inner, error } = self;
        if let Some(error) = error.as_mut().filter(|e| !e.buffer.is_empty()) {
            let rest = std::mem::take(&mut error.buffer);
            inner.write_all(&error.entry(&rest))?;
        }
        inner.flush()
    }
}

impl<W: Write> Drop for EntryWriter<'_, W> {
    fn drop(&mut self) {
        // Only an ERROR entry without its newline can still be buffered here; there is nowhere
        // to report a failure to write it.
        if self.error.is_some() {
            let _ = self.flush();
        }
    }
}

/// Error Reporting's `SourceLocation` of an event: file, line and module.
fn report_location(meta: &Metadata<'_>) -> Value {
    let mut location = Map::new();
    if let Some(file) = meta.file() {
        location.insert("filePath".into(), file.into());
    }
    if let Some(line) = meta.line() {
        location.insert("lineNumber".into(), line.into());
    }
    let function = meta.module_path().unwrap_or_else(|| meta.target());
    location.insert("functionName".into(), function.into());
    Value::Object(location)
}

/// One JSON log line with `@type`, `serviceContext`, `context.reportLocation` and a non-empty
/// `message` added (existing fields are kept). A line that is not a JSON object is left as is.
fn with_error_fields(line: &[u8], service: &ServiceContext, location: &Value) -> Vec<u8> {
    let Ok(Value::Object(mut entry)) = serde_json::from_slice::<Value>(line) else {
        return line.to_vec();
    };
    entry.insert("@type".into(), REPORTED_ERROR_EVENT.into());
    entry.insert("serviceContext".into(), json_of(service));
    let context = entry
        .entry("context")
        .or_insert_with(|| Value::Object(Map::new()));
    if !context.is_object() {
        // An event field that happens to be called `context`: kept under another name.
        let field = std::mem::replace(context, Value::Object(Map::new()));
        entry.insert("contextField".into(), field);
    }
    if let Some(Value::Object(context)) = entry.get_mut("context") {
        context
            .entry("reportLocation")
            .or_insert_with(|| location.clone());
    }
    let has_message = entry
        .get("message")
        .and_then(Value::as_str)
        .is_some_and(|m| !m.trim().is_empty());
    if !has_message {
        let fallback = match entry.get("error") {
            Some(Value::String(error)) => error.clone(),
            _ => format!(
                "error logged in {}",
                location["functionName"]
                    .as_str()
                    .unwrap_or("an unknown module")
            ),
        };
        entry.insert("message".into(), fallback.into());
    }
    serde_json::to_vec(&entry).unwrap_or_else(|_| line.to_vec())
}

fn json_of(service: &ServiceContext) -> Value {
    serde_json::to_value(service).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn service() -> ServiceContext {
        ServiceContext {
            service: "svc".into(),
            version: "7".into(),
        }
    }

    fn location() -> Value {
        json!({ "filePath": "src/x.rs", "lineNumber": 12, "functionName": "server::x" })
    }

    fn rewrite(line: Value) -> Value {
        let bytes = serde_json::to_vec(&line).unwrap();
        serde_json::from_slice(&with_error_fields(&bytes, &service(), &location())).unwrap()
    }

    #[test]
    fn adds_the_fields_and_keeps_the_rest() {
        let out = rewrite(json!({ "severity": "ERROR", "message": "cannot x", "error": "boom" }));
        assert_eq!(out["@type"], REPORTED_ERROR_EVENT);
        assert_eq!(
            out["serviceContext"],
            json!({ "service": "svc", "version": "7" })
        );
        assert_eq!(out["context"]["reportLocation"], location());
        assert_eq!(out["message"], "cannot x");
        assert_eq!(out["error"], "boom");
        assert_eq!(out["severity"], "ERROR");
    }

    #[test]
    fn a_missing_message_is_filled_in() {
        assert_eq!(rewrite(json!({ "error": "boom" }))["message"], "boom");
        let out = rewrite(json!({ "severity": "ERROR" }));
        assert_eq!(out["message"], "error logged in server::x");
    }

    #[test]
    fn a_context_field_is_kept_aside() {
        let out = rewrite(json!({ "message": "m", "context": "a field" }));
        assert_eq!(out["contextField"], "a field");
        assert_eq!(out["context"]["reportLocation"], location());
        let out = rewrite(json!({ "message": "m", "context": { "user": "u" } }));
        assert_eq!(out["context"]["user"], "u");
        assert_eq!(out["context"]["reportLocation"], location());
    }

    #[test]
    fn other_lines_are_left_alone() {
        for line in [&b"not json"[..], b"[1,2]", b""] {
            assert_eq!(with_error_fields(line, &service(), &location()), line);
        }
    }

    #[test]
    fn service_from_cloud_run_variables_or_defaults() {
        let cloud_run = ServiceContext::from_lookup(|key| match key {
            "K_SERVICE" => Some("vip".into()),
            "K_REVISION" => Some("vip-00042".into()),
            _ => None,
        });
        assert_eq!(cloud_run.service, "vip");
        assert_eq!(cloud_run.version, "vip-00042");
        let local = ServiceContext::from_lookup(|_| None);
        assert_eq!(local.service, ServiceContext::DEFAULT_SERVICE);
        assert_eq!(local.version, env!("CARGO_PKG_VERSION"));
    }
}
