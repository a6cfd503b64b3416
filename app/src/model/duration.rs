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

/// The units of a compact duration, largest first, with their seconds.
const TOKEN_UNITS: [(char, u64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

impl VipDuration {
    /// A duration written as one token of amounts and units, largest unit first, each unit at most
    /// once: `90s`, `45m`, `1h30m`, `2d`, `1w`, `1w2d3h4m5s` (units `w d h m s`, any case).
    ///
    /// # Errors
    /// [`DurationError::Malformed`] when the token does not read as one; otherwise as
    /// [`Self::from_secs`] (zero, or longer than a year).
    pub fn parse_token(token: &str) -> Result<Self, DurationError> {
        let malformed = || DurationError::Malformed(token.chars().take(32).collect());
        let mut total: u64 = 0;
        let mut amount: Option<u64> = None;
        let mut next_unit = 0;
        let mut over = false;
        for c in token.chars() {
            if let Some(digit) = c.to_digit(10) {
                let so_far = amount.unwrap_or(0);
                amount = Some(
                    match so_far
                        .checked_mul(10)
                        .and_then(|a| a.checked_add(u64::from(digit)))
                    {
                        Some(a) => a,
                        None => {
                            over = true;
                            u64::MAX
                        }
                    },
                );
                continue;
            }
            let unit = c.to_ascii_lowercase();
            let position = TOKEN_UNITS[next_unit..]
                .iter()
                .position(|(u, _)| *u == unit)
                .ok_or_else(malformed)?;
            let seconds = TOKEN_UNITS[next_unit + position].1;
            next_unit += position + 1;
            let n = amount.take().ok_or_else(malformed)?;
            match n.checked_mul(seconds).and_then(|s| total.checked_add(s)) {
                Some(t) => total = t,
                None => over = true,
            }
        }
        if amount.is_some() || next_unit == 0 {
            return Err(malformed());
        }
        if over {
            return Err(DurationError::TooLong);
        }
        Self::from_secs(total)
    }

    /// The shortest token [`Self::parse_token`] reads back as this duration, e.g. `1h30m`.
    pub fn token(self) -> String {
        let mut rest = self.0;
        let mut out = String::new();
        for (unit, seconds) in TOKEN_UNITS {
            if rest >= seconds {
                out.push_str(&(rest / seconds).to_string());
                out.push(unit);
                rest %= seconds;
            }
        }
        out
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
    fn tokens_read_amounts_and_units() {
        let secs = |t| VipDuration::parse_token(t).map(VipDuration::as_secs);
        assert_eq!(secs("90s"), Ok(90));
        assert_eq!(secs("45m"), Ok(2_700));
        assert_eq!(secs("1h30m"), Ok(5_400));
        assert_eq!(secs("2D"), Ok(172_800));
        assert_eq!(secs("1w"), Ok(604_800));
        assert_eq!(secs("1w2d3h4m5s"), Ok(788_645));
        assert_eq!(secs("0m"), Err(DurationError::Zero));
        assert_eq!(secs("53w"), Err(DurationError::TooLong));
        assert_eq!(
            secs("99999999999999999999999h"),
            Err(DurationError::TooLong)
        );
        for bad in [
            "", "90", "h", "1h2", "30m1h", "1h1h", "1.5h", "1 h", "-1h", "1x", "1hh",
        ] {
            assert!(
                matches!(
                    VipDuration::parse_token(bad),
                    Err(DurationError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }

    /// A small deterministic generator (no dependency): the same cases on every run.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    #[test]
    fn every_duration_reads_back_from_its_token() {
        let mut rng = Lcg(7);
        for _ in 0..20_000 {
            let secs = rng.next() % VipDuration::MAX_SECS + 1;
            let d = VipDuration::from_secs(secs).unwrap();
            assert_eq!(VipDuration::parse_token(&d.token()), Ok(d), "{secs}");
            assert_eq!(
                VipDuration::parse_token(&d.token().to_uppercase()),
                Ok(d),
                "{secs}"
            );
        }
    }

    #[test]
    fn random_text_never_panics_and_valid_results_are_in_range() {
        const ALPHABET: &[char] = &[
            '0', '1', '5', '9', 'w', 'd', 'h', 'm', 's', 'W', 'H', 'x', ' ', '.', '-', 'é', '🙂',
        ];
        let mut rng = Lcg(11);
        for _ in 0..50_000 {
            let len = (rng.next() % 12) as usize;
            let token: String = (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Ok(d) = VipDuration::parse_token(&token) {
                assert!(
                    (1..=VipDuration::MAX_SECS).contains(&d.as_secs()),
                    "{token}"
                );
                assert!(token.chars().all(|c| c.is_ascii_alphanumeric()), "{token}");
            }
        }
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
