//! Compact durations as typed in chat: one token such as `90s`, `45m`, `1h30m`, `2d` or `1w`, read
//! into the dashboard's [`VipDuration`] (the same limits: 1 second to 365 days).

use super::{DurationError, VipDuration};

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
        let mut rest = self.as_secs();
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
