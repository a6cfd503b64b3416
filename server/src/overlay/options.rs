//! The overlay's query options, validated: a wrong name or value is answered `400` with a
//! sentence naming it (an OBS user sees it in the source's preview).
//!
//! | option | values | default |
//! |---|---|---|
//! | `corner` | `top-left`, `top-right`, `bottom-left`, `bottom-right` | `top-right` |
//! | `size` | `s`, `m`, `l` | `m` |
//! | `show` | `alert`, `list` or `alert,list` | `alert,list` |
//! | `accent` | a colour as 6 hex digits (`9146ff`, or `%239146ff`) | `9146ff` |
//! | `text` | a colour as 6 hex digits | `ffffff` |

use std::collections::HashMap;

use app::i18n::Lang;

/// Where on the canvas the overlay sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

/// How large it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Small,
    Medium,
    Large,
}

/// What the overlay shows and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayOptions {
    pub corner: Corner,
    pub size: Size,
    /// The animated "new VIP" alert.
    pub alert: bool,
    /// The list of current VIPs with their countdowns.
    pub list: bool,
    /// `#rrggbb`
    pub accent: String,
    /// `#rrggbb`
    pub text: String,
    /// The language of its words; without it, the browser source's `Accept-Language`.
    pub lang: Option<Lang>,
}

impl Default for OverlayOptions {
    fn default() -> Self {
        Self {
            corner: Corner::TopRight,
            size: Size::Medium,
            alert: true,
            list: true,
            accent: "#9146ff".into(),
            text: "#ffffff".into(),
            lang: None,
        }
    }
}

const NAMES: [&str; 6] = ["corner", "size", "show", "accent", "text", "lang"];

impl Corner {
    pub fn class(self) -> &'static str {
        match self {
            Self::TopLeft => "top-left",
            Self::TopRight => "top-right",
            Self::BottomLeft => "bottom-left",
            Self::BottomRight => "bottom-right",
        }
    }
}

impl Size {
    pub fn class(self) -> &'static str {
        match self {
            Self::Small => "s",
            Self::Medium => "m",
            Self::Large => "l",
        }
    }
}

/// `rrggbb` or `#rrggbb` (any case) as `#rrggbb`.
fn colour(name: &str, value: &str) -> Result<String, String> {
    let hex = value.strip_prefix('#').unwrap_or(value);
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err(format!(
            "`{name}` must be a colour as 6 hex digits, such as 9146ff (got `{value}`)"
        ))
    }
}

impl OverlayOptions {
    /// The options in a query string's pairs.
    ///
    /// # Errors
    /// A sentence naming the first unknown option or bad value.
    pub fn parse(query: &HashMap<String, String>) -> Result<Self, String> {
        let mut options = Self::default();
        let mut names: Vec<&String> = query.keys().collect();
        names.sort();
        if let Some(unknown) = names.iter().find(|n| !NAMES.contains(&n.as_str())) {
            return Err(format!(
                "unknown option `{unknown}`; the options are {}",
                NAMES.join(", ")
            ));
        }
        if let Some(v) = query.get("corner") {
            options.corner = match v.as_str() {
                "top-left" => Corner::TopLeft,
                "top-right" => Corner::TopRight,
                "bottom-left" => Corner::BottomLeft,
                "bottom-right" => Corner::BottomRight,
                _ => {
                    return Err(format!(
                    "`corner` must be top-left, top-right, bottom-left or bottom-right (got `{v}`)"
                ))
                }
            };
        }
        if let Some(v) = query.get("size") {
            options.size = match v.as_str() {
                "s" => Size::Small,
                "m" => Size::Medium,
                "l" => Size::Large,
                _ => return Err(format!("`size` must be s, m or l (got `{v}`)")),
            };
        }
        if let Some(v) = query.get("show") {
            let (mut alert, mut list) = (false, false);
            for part in v.split(',') {
                match part.trim() {
                    "alert" => alert = true,
                    "list" => list = true,
                    _ => {
                        return Err(format!(
                            "`show` must be alert, list or alert,list (got `{v}`)"
                        ))
                    }
                }
            }
            (options.alert, options.list) = (alert, list);
        }
        if let Some(v) = query.get("accent") {
            options.accent = colour("accent", v)?;
        }
        if let Some(v) = query.get("text") {
            options.text = colour("text", v)?;
        }
        if let Some(v) = query.get("lang") {
            let Some(lang) = Lang::from_tag(v) else {
                let tags: Vec<&str> = Lang::ALL.iter().map(|l| l.tag()).collect();
                return Err(format!(
                    "`lang` must be one of {} (got `{v}`)",
                    tags.join(", ")
                ));
            };
            options.lang = Some(lang);
        }
        Ok(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn no_options_are_the_defaults() {
        assert_eq!(
            OverlayOptions::parse(&query(&[])),
            Ok(OverlayOptions::default())
        );
    }

    #[test]
    fn every_option_is_read() {
        let o = OverlayOptions::parse(&query(&[
            ("corner", "bottom-left"),
            ("size", "l"),
            ("show", "list"),
            ("accent", "#FF0000"),
            ("text", "00ff00"),
            ("lang", "pt-BR"),
        ]))
        .unwrap();
        assert_eq!(o.corner, Corner::BottomLeft);
        assert_eq!(o.size, Size::Large);
        assert!(!o.alert && o.list);
        assert_eq!(o.accent, "#ff0000");
        assert_eq!(o.text, "#00ff00");
        assert_eq!(o.lang, Some(Lang::PtBr));
    }

    #[test]
    fn bad_names_and_values_are_named() {
        for (pairs, needle) in [
            (vec![("corner", "middle")], "`corner`"),
            (vec![("size", "xl")], "`size`"),
            (vec![("show", "alert,chat")], "`show`"),
            (vec![("show", "")], "`show`"),
            (vec![("accent", "red")], "`accent`"),
            (vec![("text", "#12345")], "`text`"),
            (vec![("lang", "xx")], "`lang` must be one of en, de"),
            (vec![("colour", "fff")], "unknown option `colour`"),
        ] {
            let err = OverlayOptions::parse(&query(&pairs)).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
