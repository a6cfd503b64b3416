//! How long a VIP grant lasts. One unit end to end: whole seconds.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A validated VIP duration in whole seconds: at least one second, at most [`VipDuration::MAX_SECS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct VipDuration(u64);

/// The units a streamer picks a duration in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DurationError {
    #[error("a VIP duration must be at least one second")]
    Zero,
    #[error("a VIP duration can be at most 365 days")]
    TooLong,
    #[error("“{0}” is not a whole number")]
    NotANumber(String),
    #[error("“{0}” is not a unit: use minutes, hours or days")]
    UnknownUnit(String),
    /// A compact duration ([`VipDuration::parse_token`]) that does not read as one.
    #[error("“{0}” is not a duration: write it like 90s, 45m, 1h30m, 2d or 1w")]
    Malformed(String),
}

impl DurationUnit {
    pub const ALL: [DurationUnit; 3] = [Self::Minutes, Self::Hours, Self::Days];

    pub fn seconds(self) -> u64 {
        match self {
            Self::Minutes => 60,
            Self::Hours => 3_600,
            Self::Days => 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }
}

impl std::str::FromStr for DurationUnit {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "min" | "mins" | "minute" | "minutes" => Ok(Self::Minutes),
            "h" | "hour" | "hours" => Ok(Self::Hours),
            "d" | "day" | "days" => Ok(Self::Days),
            other => Err(DurationError::UnknownUnit(other.to_owned())),
        }
    }
}

impl VipDuration {
    pub const MAX_SECS: u64 = 365 * 86_400;

    /// # Errors
    /// [`DurationError::Zero`] for 0, [`DurationError::TooLong`] above a year.
    pub fn from_secs(secs: u64) -> Result<Self, DurationError> {
        match secs {
            0 => Err(DurationError::Zero),
            s if s > Self::MAX_SECS => Err(DurationError::TooLong),
            s => Ok(Self(s)),
        }
    }

    /// A duration typed by a person: an amount and a unit, e.g. `"2"` and [`DurationUnit::Hours`].
    ///
    /// # Errors
    /// [`DurationError::NotANumber`] when the amount is not a whole number, else as [`Self::from_secs`].
    pub fn from_amount(amount: &str, unit: DurationUnit) -> Result<Self, DurationError> {
        let amount: u64 = amount
            .trim()
            .parse()
            .map_err(|_| DurationError::NotANumber(amount.trim().to_owned()))?;
        Self::from_secs(
            amount
                .checked_mul(unit.seconds())
                .ok_or(DurationError::TooLong)?,
        )
    }

    /// A duration from a form: an amount and a unit name (`"90"`, `"minutes"`).
    ///
    /// # Errors
    /// As [`Self::from_amount`], or [`DurationError::UnknownUnit`].
    pub fn from_form(amount: &str, unit: &str) -> Result<Self, DurationError> {
        Self::from_amount(amount, unit.parse()?)
    }

    pub fn as_secs(self) -> u64 {
        self.0
    }

    pub fn as_chrono(self) -> chrono::Duration {
        // MAX_SECS fits comfortably in an i64.
        chrono::Duration::seconds(self.0 as i64)
    }
}

impl TryFrom<u64> for VipDuration {
    type Error = DurationError;

    fn try_from(secs: u64) -> Result<Self, Self::Error> {
        Self::from_secs(secs)
    }
}

impl From<VipDuration> for u64 {
    fn from(d: VipDuration) -> Self {
        d.0
    }
}

/// Renders the largest two units, e.g. `1 d 2 h`, `2 h 30 min`, `45 s`.
impl fmt::Display for VipDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = [
            (self.0 / 86_400, "d"),
            (self.0 % 86_400 / 3_600, "h"),
            (self.0 % 3_600 / 60, "min"),
            (self.0 % 60, "s"),
        ];
        let first = parts.iter().position(|(n, _)| *n > 0).unwrap_or(3);
        let shown: Vec<String> = parts[first..parts.len().min(first + 2)]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, unit)| format!("{n} {unit}"))
            .collect();
        f.write_str(&shown.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_convert_to_seconds() {
        let two_hours = VipDuration::from_amount("2", DurationUnit::Hours).unwrap();
        assert_eq!(two_hours.as_secs(), 7_200);
        assert_eq!(
            VipDuration::from_amount(" 3 ", DurationUnit::Days)
                .unwrap()
                .as_secs(),
            259_200
        );
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        assert_eq!(
            VipDuration::from_amount("0", DurationUnit::Minutes),
            Err(DurationError::Zero)
        );
        assert_eq!(
            VipDuration::from_amount("1.5", DurationUnit::Hours),
            Err(DurationError::NotANumber("1.5".into()))
        );
        assert_eq!(
            VipDuration::from_amount("366", DurationUnit::Days),
            Err(DurationError::TooLong)
        );
        assert_eq!(
            VipDuration::from_amount("99999999999999999", DurationUnit::Days),
            Err(DurationError::TooLong)
        );
    }

    #[test]
    fn form_values_parse_or_name_the_problem() {
        assert_eq!(
            VipDuration::from_form("90", "minutes").unwrap().as_secs(),
            5_400
        );
        assert_eq!(
            VipDuration::from_form("1", "weeks"),
            Err(DurationError::UnknownUnit("weeks".into()))
        );
    }

    #[test]
    fn units_parse_from_common_spellings() {
        assert_eq!("Hours".parse::<DurationUnit>(), Ok(DurationUnit::Hours));
        assert_eq!("min".parse::<DurationUnit>(), Ok(DurationUnit::Minutes));
        assert!("weeks".parse::<DurationUnit>().is_err());
    }

    #[test]
    fn display_shows_the_two_largest_units() {
        let show = |s| VipDuration::from_secs(s).unwrap().to_string();
        assert_eq!(show(45), "45 s");
        assert_eq!(show(9_000), "2 h 30 min");
        assert_eq!(show(7_200), "2 h");
        assert_eq!(show(93_600 + 61), "1 d 2 h");
        assert_eq!(show(86_400 + 60), "1 d");
    }

    #[test]
    fn serde_rejects_zero() {
        assert!(serde_json::from_str::<VipDuration>("0").is_err());
        assert_eq!(
            serde_json::from_str::<VipDuration>("60").unwrap().as_secs(),
            60
        );
    }
}
