//! The request's cookies, read from its `Cookie` headers: one reading for the server's security
//! layers, the language, and the settings page's one-time cookies.

use axum::http::header::COOKIE;
use axum::http::HeaderMap;

/// The value of cookie `name` in the request's `Cookie` headers (the first, if it is sent twice).
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    cookies(headers, name).next()
}

/// Every value sent for cookie `name` in the request's `Cookie` headers, in order.
pub fn cookies<'h: 'i, 'n: 'i, 'i>(
    headers: &'h HeaderMap,
    name: &'n str,
) -> impl Iterator<Item = &'h str> + 'i {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut h = HeaderMap::new();
        assert_eq!(cookie(&h, "vip_session"), None);
        h.append(COOKIE, HeaderValue::from_static("vip_session_x=1; a=b"));
        assert_eq!(cookie(&h, "vip_session"), None);
        h.append(
            COOKIE,
            HeaderValue::from_static("theme=dark;vip_session=s1d"),
        );
        assert_eq!(cookie(&h, "vip_session"), Some("s1d"));
        assert_eq!(cookies(&h, "a").collect::<Vec<_>>(), ["b"]);
    }
}
