//! The zone every time on a page is written in: the server puts the viewer's [`ZoneTable`] into
//! the render's context (`crate::ssr::zone`) and into the page's `<meta name="vip-zone">`
//! ([`ZoneMeta`]); hydration reads the same table back from that tag ([`provide_zone`]), so the
//! server and the browser write the same text and the browser needs no time-zone database.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::{Precision, ZoneTable};

const META_NAME: &str = "vip-zone";

/// The table the server rendered with, read from the page (UTC when there is none).
fn from_page() -> ZoneTable {
    if cfg!(feature = "ssr") {
        return ZoneTable::utc();
    }
    document()
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .and_then(|text| ZoneTable::decode(&text))
        .unwrap_or_default()
}

/// Makes the viewer's zone available to every component (call once, in `App`).
pub fn provide_zone() {
    if use_context::<ZoneTable>().is_none() {
        provide_context(from_page());
    }
}

/// The viewer's zone (in an island, which has no parent to take it from, read from the page).
pub fn use_zone() -> ZoneTable {
    use_context::<ZoneTable>().unwrap_or_else(|| {
        let zone = from_page();
        provide_context(zone.clone());
        zone
    })
}

/// `at` in the viewer's zone, to the second, with the zone's abbreviation.
pub fn local_time(at: DateTime<Utc>) -> String {
    use_zone().text(at, Precision::Seconds)
}

/// `at` in the viewer's zone, to the minute.
pub fn local_minute(at: DateTime<Utc>) -> String {
    use_zone().text(at, Precision::Minutes)
}

/// The server's table, for hydration to read back (rendered in the document's `<head>`).
#[component]
pub fn ZoneMeta() -> impl IntoView {
    let zone = use_context::<ZoneTable>().unwrap_or_default();
    view! { <meta name=META_NAME content=zone.encode() /> }
}
