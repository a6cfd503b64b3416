//! What chat commands answer, as text. Pure: sessions and outcomes in, a message out. Every
//! reply starts with the chatter's mention and fits one chat message.

use chrono::{DateTime, Utc};

use crate::i18n::chat_words::ChatWords;
use crate::i18n::Lang;
use crate::model::{RefundReason, VipDuration, VipSession, MAX_CHAT_CHARS};
use crate::ssr::refund_words::refund_reason_in;

/// Time left in relative words: `3 h 12 min`, `45 s`, `a moment` once due. From a minute on it
/// is rounded up to whole minutes, so a VIP granted for 2 h reads "2 h" a second later.
pub fn time_left(until: DateTime<Utc>, now: DateTime<Utc>, w: &ChatWords) -> String {
    let secs = u64::try_from((until - now).num_seconds()).unwrap_or(0);
    let secs = if secs >= 60 {
        secs.div_ceil(60) * 60
    } else {
        secs
    };
    VipDuration::from_secs(secs.min(VipDuration::MAX_SECS))
        .map_or_else(|_| w.moment.to_owned(), |d| d.to_string())
}

/// `!vip`: the chatter's own VIP.
pub fn check(session: Option<&VipSession>, now: DateTime<Utc>, w: &ChatWords) -> String {
    match session {
        Some(VipSession {
            expires_at: Some(until),
            ..
        }) => (w.ends_in)(&time_left(*until, now, w)),
        Some(_) => w.no_end_date.to_owned(),
        None => w.not_timed_self.to_owned(),
    }
}

/// `!vips list`: each VIP with the time left, in one message cut at Twitch's 500 characters.
/// `mention` is the reply's start, counted in the limit.
pub fn list(mention: &str, sessions: &[VipSession], now: DateTime<Utc>, w: &ChatWords) -> String {
    if sessions.is_empty() {
        return format!("{mention} {}", w.none_now);
    }
    let mut sorted: Vec<&VipSession> = sessions.iter().collect();
    // Soonest end first; VIPs without an end last.
    sorted.sort_by_key(|s| (s.expires_at.is_none(), s.expires_at, s.viewer.login.clone()));
    let items: Vec<String> = sorted
        .iter()
        .map(|s| match s.expires_at {
            Some(until) => format!("{} {}", s.viewer.display_name, time_left(until, now, w)),
            None => (w.no_end_item)(&s.viewer.display_name),
        })
        .collect();
    let head = format!("{mention} {}", (w.list_head)(items.len()));
    cut(&head, &items, ", ", MAX_CHAT_CHARS)
}

/// `head` followed by as many `items` (joined by `sep`) as fit in `max` characters, then
/// ` … +N` naming how many were left out. Each item is added only when the note for those after
/// it still fits, so the note always does.
pub fn cut(head: &str, items: &[String], sep: &str, max: usize) -> String {
    let len = |s: &str| s.chars().count();
    let note = |left: usize| format!(" … +{left}");
    let mut out = head.to_owned();
    for (i, item) in items.iter().enumerate() {
        let piece = if i == 0 {
            item.clone()
        } else {
            format!("{sep}{item}")
        };
        let after = items.len() - i - 1;
        let reserve = if after > 0 { len(&note(after)) } else { 0 };
        if len(&out) + len(&piece) + reserve > max {
            out.push_str(&note(items.len() - i));
            return out;
        }
        out.push_str(&piece);
    }
    out
}

/// Why a grant from chat was refused, in the channel's language.
pub fn refused(login: &str, reason: RefundReason, lang: Option<Lang>) -> String {
    let w = crate::i18n::chat_words::chat_words(lang);
    match reason {
        RefundReason::IsModerator => (w.refused_moderator)(login),
        RefundReason::AlreadyVip => (w.refused_permanent)(login),
        RefundReason::SlotsFull | RefundReason::WaitlistTimedOut => (w.refused_full)(login),
        other => (w.refused_other)(login, refund_reason_in(other, lang)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::i18n::chat_words::chat_words;
    use crate::model::{Actor, ChannelId, SessionState, Viewer, VipSource};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn session(login: &str, expires: Option<i64>) -> VipSession {
        VipSession {
            id: login.into(),
            channel_id: ChannelId("1".into()),
            viewer: Viewer {
                id: login.into(),
                login: login.into(),
                display_name: login.into(),
            },
            source: VipSource::Manual,
            granted_by: Actor::System,
            granted_at: at(0),
            expires_at: expires.map(at),
            state: SessionState::Active,
            ended_at: None,
            redemption_id: None,
            metadata: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_time_left_reads_in_relative_words() {
        let s = session("alice", Some(3 * 3_600 + 12 * 60 + 5));
        assert_eq!(
            check(Some(&s), at(0), chat_words(None)),
            "your VIP ends in 3 h 13 min"
        );
        assert_eq!(
            check(Some(&s), at(5), chat_words(None)),
            "your VIP ends in 3 h 12 min"
        );
        assert_eq!(
            check(Some(&s), at(3 * 3_600 + 11 * 60 + 50), chat_words(None)),
            "your VIP ends in 15 s"
        );
        assert_eq!(
            check(Some(&s), at(3 * 3_600 + 12 * 60 + 5), chat_words(None)),
            "your VIP ends in a moment"
        );
        assert!(
            check(Some(&session("bob", None)), at(0), chat_words(None)).contains("not a timed VIP")
        );
        assert_eq!(
            check(None, at(0), chat_words(None)),
            "you are not a timed VIP"
        );
    }

    #[test]
    fn the_list_names_each_vip_soonest_first() {
        let list = list(
            "@mod",
            &[
                session("bob", Some(7_200)),
                session("perm", None),
                session("alice", Some(60)),
            ],
            at(0),
            chat_words(None),
        );
        assert_eq!(list, "@mod VIPs (3): alice 1 min, bob 2 h, perm (no end)");
        assert_eq!(
            super::list("@mod", &[], at(0), chat_words(None)),
            "@mod no VIPs right now"
        );
    }

    #[test]
    fn answers_are_in_the_channels_language() {
        let de = chat_words(Some(Lang::De));
        let s = session("alice", Some(3 * 3_600 + 12 * 60));
        assert_eq!(check(Some(&s), at(0), de), "dein VIP endet in 3 h 12 min");
        assert_eq!(
            super::list("@mod", &[session("perm", None)], at(0), de),
            "@mod VIPs (1): perm (ohne Ende)"
        );
        assert_eq!(
            refused("alice", RefundReason::UserBlocked, Some(Lang::Fr)),
            "alice n’a pas été ajouté : la chaîne a bloqué ce spectateur"
        );
        assert_eq!(
            refused("alice", RefundReason::SlotsFull, None),
            "all VIP slots are taken; alice was not added"
        );
    }

    #[test]
    fn a_long_list_is_cut_at_500_characters_saying_how_many_are_left_out() {
        let many: Vec<VipSession> = (0..100)
            .map(|i| session(&format!("viewer_number_{i:03}"), Some(3_600 + i)))
            .collect();
        let text = list("@a_moderator_login", &many, at(0), chat_words(None));
        assert!(
            text.chars().count() <= MAX_CHAT_CHARS,
            "{}",
            text.chars().count()
        );
        assert!(text.contains("viewer_number_000"));
        let shown = text.matches("viewer_number_").count();
        assert!(text.ends_with(&format!(" … +{}", 100 - shown)), "{text}");
    }
}
