//! How long a grant lasts: a duration, or until the stream ends (`stream_end`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{VipDuration, VipSession};

/// The word the API and the dashboard use for "until the stream ends".
pub const STREAM_END: &str = "stream_end";

/// The session metadata key that marks a VIP lasting until the stream ends.
pub const UNTIL_KEY: &str = "until";

/// How long a grant lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantLength {
    /// A fixed time from the grant.
    For(VipDuration),
    /// Until the stream ends: removed a grace period after `stream.offline` (kept when the stream
    /// comes back within it). Granted while the stream is offline, it lasts through the next stream.
    StreamEnd,
}

impl GrantLength {
    /// The fixed duration, if it is one.
    pub fn duration(self) -> Option<VipDuration> {
        match self {
            Self::For(d) => Some(d),
            Self::StreamEnd => None,
        }
    }

    /// Seconds for a fixed duration; `None` for `stream_end`.
    pub fn secs(self) -> Option<u64> {
        self.duration().map(VipDuration::as_secs)
    }

    /// Reads a form's or a chat command's choice: `stream_end`, or a duration in whole seconds.
    ///
    /// # Errors
    /// As [`VipDuration::from_secs`], or when the text is neither.
    pub fn parse_secs_or_stream_end(text: &str) -> Result<Self, super::DurationError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case(STREAM_END) {
            return Ok(Self::StreamEnd);
        }
        let secs: u64 = text
            .parse()
            .map_err(|_| super::DurationError::NotANumber(text.to_owned()))?;
        Ok(Self::For(VipDuration::from_secs(secs)?))
    }
}

impl GrantLength {
    /// The length as stored in a whole-seconds column: `stream_end` as 0, which no duration is.
    pub fn stored_secs(self) -> u64 {
        self.secs().unwrap_or(0)
    }

    /// Reads an API body's choice: exactly one of `duration_secs` and `"duration": "stream_end"`.
    ///
    /// # Errors
    /// A sentence naming the problem (neither, both, another word, a bad duration).
    pub fn from_fields(secs: Option<u64>, word: Option<&str>) -> Result<Self, String> {
        match (secs, word) {
            (Some(secs), None) => VipDuration::from_secs(secs)
                .map(Self::For)
                .map_err(|e| e.to_string()),
            (None, Some(STREAM_END)) => Ok(Self::StreamEnd),
            (None, Some(other)) => Err(format!(
                "unknown duration `{other}`: use \"stream_end\", or duration_secs"
            )),
            (Some(_), Some(_)) => Err("give duration_secs or duration, not both".into()),
            (None, None) => Err("give duration_secs, or \"duration\": \"stream_end\"".into()),
        }
    }

    /// Reads [`Self::stored_secs`] back.
    ///
    /// # Errors
    /// As [`VipDuration::from_secs`] for a non-zero value out of range.
    pub fn from_stored_secs(secs: u64) -> Result<Self, super::DurationError> {
        match secs {
            0 => Ok(Self::StreamEnd),
            secs => Ok(Self::For(VipDuration::from_secs(secs)?)),
        }
    }
}

/// Serde for a field holding a [`GrantLength`] where a duration in seconds used to be: a number of
/// seconds, or the string `stream_end` (`#[serde(with = "secs_or_stream_end")]`).
pub mod secs_or_stream_end {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{GrantLength, VipDuration, STREAM_END};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Secs(VipDuration),
        Word(String),
    }

    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(length: &GrantLength, s: S) -> Result<S::Ok, S::Error> {
        match length {
            GrantLength::For(d) => Wire::Secs(*d),
            GrantLength::StreamEnd => Wire::Word(STREAM_END.to_owned()),
        }
        .serialize(s)
    }

    /// The same for an optional field (`null` or absent: `None`; use with `#[serde(default)]`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        use super::GrantLength;

        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super")] GrantLength);

        /// # Errors
        /// The serializer's.
        pub fn serialize<S: Serializer>(
            length: &Option<GrantLength>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match length {
                Some(l) => super::serialize(l, s),
                None => s.serialize_none(),
            }
        }

        /// # Errors
        /// As [`super::deserialize`].
        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<GrantLength>, D::Error> {
            Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
        }
    }

    /// # Errors
    /// Neither a valid duration in seconds nor `stream_end`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<GrantLength, D::Error> {
        match Wire::deserialize(d)? {
            Wire::Secs(d) => Ok(GrantLength::For(d)),
            Wire::Word(w) if w == STREAM_END => Ok(GrantLength::StreamEnd),
            Wire::Word(w) => Err(serde::de::Error::custom(format!(
                "expected seconds (1 or more) or \"{STREAM_END}\", not \"{w}\""
            ))),
        }
    }
}

impl From<VipDuration> for GrantLength {
    fn from(d: VipDuration) -> Self {
        Self::For(d)
    }
}

/// A duration as [`VipDuration`] shows it; `stream_end` as "the rest of the stream", which reads
/// well where a duration goes ("VIP for {duration}").
impl fmt::Display for GrantLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::For(d) => d.fmt(f),
            Self::StreamEnd => f.write_str("the rest of the stream"),
        }
    }
}

impl VipSession {
    /// Whether this VIP lasts until the stream ends (its deadline is set when the stream goes
    /// offline, and cleared again when it comes back within the grace period).
    pub fn ends_with_stream(&self) -> bool {
        self.metadata.get(UNTIL_KEY).and_then(|v| v.as_str()) == Some(STREAM_END)
    }

    /// A VIP without a deadline that never gets one: external or permanent. Never removed by the app.
    pub fn is_untimed(&self) -> bool {
        self.expires_at.is_none() && !self.ends_with_stream()
    }

    /// Marks (in its metadata) a session as lasting until the stream ends.
    pub fn mark_stream_end(&mut self) {
        if !self.metadata.is_object() {
            self.metadata = serde_json::Value::Object(serde_json::Map::new());
        }
        self.metadata[UNTIL_KEY] = serde_json::Value::from(STREAM_END);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_end_or_seconds_parse() {
        assert_eq!(
            GrantLength::parse_secs_or_stream_end(" stream_end "),
            Ok(GrantLength::StreamEnd)
        );
        assert_eq!(
            GrantLength::parse_secs_or_stream_end("90").unwrap().secs(),
            Some(90)
        );
        assert!(GrantLength::parse_secs_or_stream_end("0").is_err());
        assert!(GrantLength::parse_secs_or_stream_end("soon").is_err());
    }

    #[test]
    fn seconds_or_stream_end_on_the_wire_and_in_a_column() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Holder {
            #[serde(with = "secs_or_stream_end")]
            duration: GrantLength,
        }
        let read = |j: &str| serde_json::from_str::<Holder>(j).map(|h| h.duration);
        assert_eq!(
            read(r#"{"duration": "stream_end"}"#).unwrap(),
            GrantLength::StreamEnd
        );
        assert_eq!(read(r#"{"duration": 60}"#).unwrap().secs(), Some(60));
        assert!(read(r#"{"duration": 0}"#).is_err());
        assert!(read(r#"{"duration": "soon"}"#).is_err());
        let json = serde_json::to_string(&Holder {
            duration: GrantLength::StreamEnd,
        })
        .unwrap();
        assert_eq!(json, r#"{"duration":"stream_end"}"#);
        assert_eq!(GrantLength::from_stored_secs(0), Ok(GrantLength::StreamEnd));
        assert_eq!(
            GrantLength::from_fields(None, Some(STREAM_END)),
            Ok(GrantLength::StreamEnd)
        );
        assert_eq!(
            GrantLength::from_fields(Some(60), None).unwrap().secs(),
            Some(60)
        );
        for (secs, word) in [
            (None, None),
            (Some(60), Some(STREAM_END)),
            (None, Some("x")),
        ] {
            assert!(GrantLength::from_fields(secs, word).is_err());
        }
        assert!(GrantLength::from_fields(Some(0), None).is_err());
        assert_eq!(GrantLength::StreamEnd.stored_secs(), 0);
        assert_eq!(GrantLength::from_stored_secs(90).unwrap().stored_secs(), 90);
    }

    #[test]
    fn stream_end_reads_where_a_duration_goes() {
        let two_hours = VipDuration::from_secs(7_200).unwrap();
        assert_eq!(GrantLength::from(two_hours).to_string(), "2 h");
        assert_eq!(GrantLength::StreamEnd.to_string(), "the rest of the stream");
    }
}
