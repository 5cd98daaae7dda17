//! Who is on the other end of a request: the client's address (the connection's peer, or what a
//! trusted reverse proxy says in `X-Forwarded-For`) and whether the browser used HTTPS (what a
//! trusted proxy says in `X-Forwarded-Proto`). Headers from anyone else are ignored.

use super::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// What the page knows of the client of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The client's address; `None` when the server did not record the peer.
    pub ip: Option<IpAddr>,
    /// A trusted proxy said the browser spoke HTTPS.
    pub https: bool,
}

impl Client {
    /// The client of a request, believing forwarding headers only from `trusted` peers.
    pub fn of(parts: &Parts, trusted: &[IpAddr]) -> Client {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        from_headers(peer, &parts.headers, trusted)
    }

    /// The address as the login throttle and the audit log name it: an IPv6 client by its /64
    /// (one host usually holds a whole /64, so single addresses would not hold it back).
    pub fn key(&self) -> String {
        match self.ip {
            None => "unknown".to_string(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        }
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Client, Infallible> {
        Ok(Client::of(parts, &state.limits.trusted_proxies))
    }
}

/// The client behind `peer` given the request's headers.
pub fn from_headers(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Client {
    let Some(peer) = peer.map(canonical) else {
        return Client {
            ip: None,
            https: false,
        };
    };
    if !trusted.iter().any(|t| canonical(*t) == peer) {
        return Client {
            ip: Some(peer),
            https: false,
        };
    }
    // Walk X-Forwarded-For from the right: each trusted hop vouches for the one before it; the
    // first address that is not a trusted proxy is the client.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut ip = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>().map(canonical) {
            Ok(addr) => {
                ip = addr;
                if !trusted.iter().any(|t| canonical(*t) == addr) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address a trusted hop vouched for.
            Err(_) => break,
        }
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    Client {
        ip: Some(ip),
        https,
    }
}

/// IPv4-mapped IPv6 addresses as IPv4, so one client has one key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let c = from_headers(Some(proxy), &h, &[proxy]);
        assert_eq!(c.ip, Some("203.0.113.9".parse().unwrap()));
        assert!(c.https);
        // Not trusted: the peer is the client, whatever the headers say.
        let c = from_headers(Some(proxy), &h, &[]);
        assert_eq!((c.ip, c.https), (Some(proxy), false));
        // A chain through two trusted proxies; garbage stops the walk.
        let inner: IpAddr = "10.0.0.2".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "junk, 203.0.113.9, 10.0.0.2")]);
        let c = from_headers(Some(proxy), &h, &[proxy, inner]);
        assert_eq!(c.ip, Some("203.0.113.9".parse().unwrap()));
        let h = headers(&[("x-forwarded-for", "203.0.113.9, junk")]);
        assert_eq!(from_headers(Some(proxy), &h, &[proxy]).ip, Some(proxy));
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(from_headers(Some(mapped), &h, &[]).key(), "127.0.0.1");
        assert_eq!(from_headers(None, &h, &[proxy]).key(), "unknown");
        let v6: IpAddr = "2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap();
        assert_eq!(from_headers(Some(v6), &h, &[]).key(), "2001:db8:1:2::/64");
    }
}
