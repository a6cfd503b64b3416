//! The text keys: one struct per area of the interface, one field per text. Every language in
//! `locales/` fills every field, so a text missing in any language is a compile error (and
//! `cargo test -p app` does not build). A field that takes values is a function of them.

/// Every text of the interface in one language.
pub struct Texts {
    pub common: Common,
    pub header: Header,
    pub home: Home,
    pub errors: Errors,
    pub dashboard: Dashboard,
    pub public: Public,
    pub chat: ChatDefaults,
}

/// Words many pages use.
pub struct Common {
    pub app_name: &'static str,
    pub loading: &'static str,
    /// The units of a duration picker.
    pub minutes: &'static str,
    pub hours: &'static str,
    pub days: &'static str,
}

/// The top bar and the language switcher.
pub struct Header {
    pub demo_banner: &'static str,
    pub main_nav: &'static str,
    pub dashboard: &'static str,
    pub activity: &'static str,
    pub analytics: &'static str,
    pub settings: &'static str,
    pub account: &'static str,
    pub log_out: &'static str,
    pub log_in: &'static str,
    /// The switcher's label (read by screen readers, and its summary's title).
    pub language: &'static str,
}

/// The start page and the 404 page.
pub struct Home {
    pub title: &'static str,
    pub kicker: &'static str,
    pub headline: &'static str,
    pub pitch: &'static str,
    pub moderator_link: &'static str,
    pub moderator_note: &'static str,
    pub not_found_title: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_text: &'static str,
    pub not_found_back: &'static str,
}

/// What a page shows when it cannot show itself.
pub struct Errors {
    /// The heading of the login prompt, with what the page shows once logged in (e.g. "your
    /// channel", from the page's own texts).
    pub log_in_to_see: fn(&str) -> String,
    pub streamer_only: &'static str,
    /// What each page's login prompt names.
    pub what_account: &'static str,
    pub what_activity: &'static str,
    pub what_analytics: &'static str,
    pub what_settings: &'static str,
    pub what_vip_list: &'static str,
}

/// The dashboard: VIPs, grant form, banners.
pub struct Dashboard {
    pub title: &'static str,
    /// What the login prompt says is behind it ("Log in to see …").
    pub what: &'static str,
    pub pitch: &'static str,
    pub reauth_before: &'static str,
    pub reauth_link: &'static str,
    pub reauth_after: &'static str,
    pub scopes_before: &'static str,
    /// Closes the list of missing scopes: "). ".
    pub scopes_middle_open: &'static str,
    pub scopes_reauth: &'static str,
    pub scopes_middle: &'static str,
    pub scopes_account: &'static str,
    pub scopes_after: &'static str,
    pub vips_heading: &'static str,
    pub no_vips: &'static str,
    pub source_channel_points: &'static str,
    pub source_manual: &'static str,
    pub source_subscription: &'static str,
    pub source_bits: &'static str,
    pub source_external: &'static str,
    /// "{source} · by {who}".
    pub granted_by: fn(&str, &str) -> String,
    /// A moderator who granted, "{login} (mod)".
    pub by_moderator: fn(&str) -> String,
    /// A viewer who redeemed, "{login} (redeemed)".
    pub by_viewer: fn(&str) -> String,
    pub by_app: &'static str,
    pub time_left: &'static str,
    pub until_stream_ends: &'static str,
    pub permanent: &'static str,
    pub grant_heading: &'static str,
    pub viewer: &'static str,
    pub viewer_placeholder: &'static str,
    pub duration_for: &'static str,
    pub unit: &'static str,
    pub until_stream_end_option: &'static str,
    pub grant_button: &'static str,
    pub extend_button: &'static str,
    pub revoke_button: &'static str,
}

/// The public VIP page of a channel (`/c/{login}`).
pub struct Public {
    pub not_public_title: &'static str,
    pub not_public_heading: &'static str,
    /// After the channel's login: "… has not made their VIP list public, …".
    pub not_public_text: &'static str,
    /// The page title, with the channel's name.
    pub title: fn(&str) -> String,
    pub nobody: &'static str,
    pub list_label: &'static str,
    pub no_end: &'static str,
    pub kicker: &'static str,
    /// How many VIPs there are (at least one).
    pub count: fn(usize) -> String,
}

/// The chat and Discord templates a new channel starts with, in its language. Placeholders:
/// `{viewer}`, `{duration}`, `{reason}`.
pub struct ChatDefaults {
    pub granted: &'static str,
    pub extended: &'static str,
    pub expired: &'static str,
    pub refunded: &'static str,
    pub warning: &'static str,
}
