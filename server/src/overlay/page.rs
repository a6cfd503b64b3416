//! The overlay's HTML: complete as served (the current VIPs with their time left), drawn on a
//! transparent background by `overlay.css`, and kept live by `overlay.js`, which reads its words
//! from the page's data attributes (so every word the overlay shows is in [`super::words`]).

use std::fmt::Write;

use app::i18n::Lang;
use app::model::{format_remaining, rfc3339, PublicChannel};

use super::options::OverlayOptions;
use super::words::{words, Words};

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The time left of a VIP as the overlay first shows it (the script counts down from there).
fn left(
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    stream_end: bool,
    now: chrono::DateTime<chrono::Utc>,
    text: &Words,
) -> String {
    match expires_at {
        Some(at) => format_remaining(u64::try_from((at - now).num_seconds()).unwrap_or(0)),
        None if stream_end => text.until_stream_end.to_owned(),
        None => text.no_end.to_owned(),
    }
}

/// The overlay page of `channel` with `options`, in `lang`.
pub fn render(channel: &PublicChannel, options: &OverlayOptions, lang: Lang) -> String {
    let text = words(lang);
    let mut items = String::new();
    for vip in &channel.vips {
        let expires = vip
            .expires_at
            .map(|at| rfc3339(at, true))
            .unwrap_or_default();
        let _ = write!(
            items,
            r#"<li data-expires="{expires}" data-stream-end="{}"><span class="name">{}</span><span class="left">{}</span></li>"#,
            u8::from(vip.until_stream_end),
            escape(&vip.display_name),
            escape(&left(
                vip.expires_at,
                vip.until_stream_end,
                channel.now,
                text
            )),
        );
    }
    let list = if options.list {
        format!(
            r#"<ul id="overlay-vips" class="vips" aria-label="{}">{items}</ul>"#,
            escape(text.list_label)
        )
    } else {
        String::new()
    };
    let alert = if options.alert {
        format!(
            r#"<div id="overlay-alert" class="alert" role="status" hidden><span class="alert-label">{}</span><span class="alert-name"></span></div>"#,
            escape(text.new_vip)
        )
    } else {
        String::new()
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>{title}</title>
<link rel="stylesheet" href="/overlay.css"><script src="/overlay.js" defer></script></head>
<body class="overlay-page"><div id="overlay" class="corner-{corner} size-{size}" style="--accent:{accent};--text:{text}" data-now="{now}" data-connected="0" data-until-stream-end="{until}" data-no-end="{no_end}">{alert}{list}</div></body></html>
"#,
        lang = lang.tag(),
        title = escape(text.title),
        corner = options.corner.class(),
        size = options.size.class(),
        accent = options.accent,
        text = options.text,
        now = rfc3339(channel.now, true),
        until = escape(text.until_stream_end),
        no_end = escape(text.no_end),
    )
}

#[cfg(test)]
mod tests {
    use app::model::PublicVip;
    use chrono::{TimeDelta, TimeZone, Utc};

    use super::*;

    fn channel() -> PublicChannel {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 20, 0, 0).unwrap();
        PublicChannel {
            display_name: "Demo".into(),
            vips: vec![
                PublicVip {
                    display_name: "<b>alice</b>".into(),
                    expires_at: Some(now + TimeDelta::seconds(3_723)),
                    until_stream_end: false,
                },
                PublicVip {
                    display_name: "bob".into(),
                    expires_at: None,
                    until_stream_end: true,
                },
            ],
            now,
        }
    }

    #[test]
    fn the_page_lists_the_vips_escaped_with_their_time_left() {
        let html = render(&channel(), &OverlayOptions::default(), Lang::En);
        assert!(html.contains("&lt;b&gt;alice&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<b>alice"), "{html}");
        assert!(
            html.contains(r#"<span class="left">1:02:03</span>"#),
            "{html}"
        );
        assert!(html.contains("until stream ends"), "{html}");
        assert!(
            html.contains(r#"data-expires="2026-12-04T21:02:03Z""#),
            "{html}"
        );
        assert!(html.contains("corner-top-right size-m"), "{html}");
        assert!(html.contains("--accent:#9146ff"), "{html}");
        assert!(html.contains(r#"id="overlay-alert""#), "{html}");
        assert!(html.contains(r#"<html lang="en">"#), "{html}");
    }

    #[test]
    fn the_page_is_written_in_the_language_asked_for() {
        let html = render(&channel(), &OverlayOptions::default(), Lang::De);
        assert!(html.contains(r#"<html lang="de">"#), "{html}");
        assert!(html.contains(">Neuer VIP<"), "{html}");
        assert!(html.contains("bis der Stream endet"), "{html}");
        assert!(!html.contains("New VIP"), "{html}");
        let html = render(&channel(), &OverlayOptions::default(), Lang::Ja);
        assert!(html.contains(r#"<html lang="ja">"#), "{html}");
        assert!(html.contains("新しい VIP"), "{html}");
    }

    #[test]
    fn parts_left_out_are_not_drawn() {
        let options = OverlayOptions {
            alert: false,
            ..OverlayOptions::default()
        };
        let html = render(&channel(), &options, Lang::En);
        assert!(!html.contains("overlay-alert"), "{html}");
        let options = OverlayOptions {
            list: false,
            ..OverlayOptions::default()
        };
        assert!(!render(&channel(), &options, Lang::En).contains("overlay-vips"));
    }
}
