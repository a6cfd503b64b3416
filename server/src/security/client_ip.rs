//! Which client a request comes from, for per-address limits.
//!
//! By default the client is the TCP peer and `X-Forwarded-For` is ignored: anyone can write that
//! header. Behind proxies that append the address they saw (Cloud Run's front end does), the
//! configured number of trusted hops says which entry, counted from the right, the last trusted
//! proxy wrote; entries further left were written by the client and are never used.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;

/// The client's address: the peer, or the `hops`-th `X-Forwarded-For` entry from the right.
/// `None` when the peer is unknown, or a trusted proxy's entry is missing or malformed.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    parse(entry)
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The key an address is limited under: IPv4 as is, IPv6 by its /64 (one subscriber's network,
/// whose host half a client can change at will).
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(network))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let peer = Some(ip("10.0.0.7"));
        assert_eq!(client_ip(peer, &forwarded(&["203.0.113.9"]), 0), peer);
        assert_eq!(client_ip(None, &forwarded(&["203.0.113.9"]), 0), None);
    }

    #[test]
    fn trusted_hops_count_from_the_right_and_ignore_what_the_client_wrote() {
        let peer = Some(ip("10.0.0.7"));
        let h = forwarded(&["6.6.6.6, 198.51.100.4", "203.0.113.9"]);
        assert_eq!(client_ip(peer, &h, 1), Some(ip("203.0.113.9")));
        assert_eq!(client_ip(peer, &h, 2), Some(ip("198.51.100.4")));
        assert_eq!(client_ip(peer, &h, 4), None, "fewer entries than proxies");
        assert_eq!(client_ip(peer, &HeaderMap::new(), 1), None);
        let h = forwarded(&["[2001:db8::1]:443", "198.51.100.4:5000"]);
        assert_eq!(client_ip(peer, &h, 1), Some(ip("198.51.100.4")));
        assert_eq!(client_ip(peer, &h, 2), Some(ip("2001:db8::1")));
        assert_eq!(client_ip(peer, &forwarded(&["unknown"]), 1), None);
    }

    #[test]
    fn ipv6_clients_share_their_network_s_budget() {
        assert_eq!(bucket(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            bucket(ip("2001:db8:1:2:bbbb::9")),
            bucket(ip("2001:db8:1:2:aaaa::1"))
        );
        assert_ne!(bucket(ip("2001:db8:1:3::1")), bucket(ip("2001:db8:1:2::1")));
        assert_eq!(bucket(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(bucket(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
