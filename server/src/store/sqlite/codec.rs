//! Conversions between domain values and SQLite column values, and from rusqlite's errors (of the
//! readers and the writer) to [`StoreError`]. Error messages never carry bound parameters or token
//! bytes.

use std::time::Duration;

use app::ssr::StoreError;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Maps a rusqlite error: unique violations become [`StoreError::Conflict`] (SQLite names the
/// table and columns, never the values), decode failures [`StoreError::Corrupt`], everything else
/// [`StoreError::Backend`].
pub(super) fn sql_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi::{SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE};
    match e {
        rusqlite::Error::SqliteFailure(failure, message)
            if matches!(
                failure.extended_code,
                SQLITE_CONSTRAINT_UNIQUE | SQLITE_CONSTRAINT_PRIMARYKEY
            ) =>
        {
            StoreError::Conflict(message.unwrap_or_else(|| failure.to_string()))
        }
        rusqlite::Error::SqliteFailure(failure, message) => StoreError::Backend(format!(
            "sqlite: {}",
            message.unwrap_or_else(|| failure.to_string())
        )),
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::InvalidColumnIndex(_)
        | rusqlite::Error::InvalidColumnName(_)
        | rusqlite::Error::IntegralValueOutOfRange(..) => StoreError::Corrupt(e.to_string()),
        other => StoreError::Backend(format!("sqlite: {other}")),
    }
}

/// Owned copies of a statement's parameter values, to send to the writer.
pub(super) fn owned_values(
    values: &[&(dyn rusqlite::ToSql + Sync)],
) -> Result<Vec<rusqlite::types::Value>, StoreError> {
    use rusqlite::types::{ToSqlOutput, Value, ValueRef};
    values
        .iter()
        .map(|v| match v.to_sql() {
            Ok(ToSqlOutput::Borrowed(value)) => Ok(match value {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::Integer(i),
                ValueRef::Real(f) => Value::Real(f),
                ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
                ValueRef::Blob(blob) => Value::Blob(blob.to_vec()),
            }),
            Ok(ToSqlOutput::Owned(value)) => Ok(value),
            Ok(_) => Err(StoreError::Backend(
                "sqlite: a parameter of an unsupported kind".into(),
            )),
            Err(e) => Err(StoreError::Backend(format!("sqlite: a parameter: {e}"))),
        })
        .collect()
}

/// A time as microseconds since the Unix epoch (the unit of every time column).
pub(super) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(super) fn opt_micros(at: Option<DateTime<Utc>>) -> Option<i64> {
    at.map(micros)
}

/// `now + ttl` in microseconds, saturating instead of overflowing.
pub(super) fn micros_after(now: DateTime<Utc>, ttl: Duration) -> i64 {
    micros(now).saturating_add(i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX))
}

pub(super) fn time(micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .ok_or_else(|| StoreError::Corrupt(format!("time {micros} µs is out of range")))
}

pub(super) fn opt_time(micros: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    micros.map(time).transpose()
}

pub(super) fn to_json<T: Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Backend(format!("cannot encode {what}: {e}")))
}

pub(super) fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// A unit enum as its bare serde name (e.g. `VipSource::ChannelPoints` → `channel_points`).
pub(super) fn to_name<T: Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => Ok(name),
        _ => Err(StoreError::Backend(format!("{what} is not a unit variant"))),
    }
}

pub(super) fn from_name<T: DeserializeOwned>(name: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// An unsigned domain number as an SQLite INTEGER (signed 64-bit).
pub(super) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Backend(format!("{what} does not fit a 64-bit signed integer")))
}

pub(super) fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} is negative")))
}

pub(super) fn to_opt_u32(value: Option<i64>, what: &str) -> Result<Option<u32>, StoreError> {
    value
        .map(|v| {
            u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} is out of range")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_to_the_microsecond() {
        let at = DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap();
        assert_eq!(time(micros(at)).unwrap(), at);
        assert!(time(i64::MAX).is_err());
    }

    #[test]
    fn ttl_addition_saturates() {
        let now = DateTime::from_timestamp_micros(1_000).unwrap();
        assert_eq!(micros_after(now, Duration::from_millis(2)), 3_000);
        assert_eq!(micros_after(now, Duration::MAX), i64::MAX);
    }
}
