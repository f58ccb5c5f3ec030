//! The client's address, as the throttle counts it.
//!
//! It is the connection's peer, unless the peer is a reverse proxy the
//! operator trusts (`--trusted-proxy CIDR`): then `X-Forwarded-For` is read
//! from the right, each trusted proxy's entry skipped, and the first address
//! that is not a trusted proxy's taken. Entries further left were written by
//! the client itself and are never believed. Without trusted proxies (the
//! default) the header is ignored: anyone can send it, and it would let them
//! dodge the throttle.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// A range of addresses, such as `10.0.0.0/8`, `2001:db8::/32` or one
/// address (`192.0.2.1`, as `/32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask_v4(u32::from(ip), self.prefix) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask_v6(u128::from(ip), self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }
}

fn mask_v4(bits: u32, prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        bits & (u32::MAX << (32 - u32::from(prefix)))
    }
}

fn mask_v6(bits: u128, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - u32::from(prefix)))
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let bad = || format!("{text:?} is not an address range such as 10.0.0.0/8 or fd00::/8");
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let ip: IpAddr = address.parse().map_err(|_| bad())?;
        let ip = ip.to_canonical();
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?
            }
            Some(_) => return Err(bad()),
            None => max,
        };
        let network = match ip {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(v4), prefix))),
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(v6), prefix))),
        };
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The client's address of a request, as text ("unknown" when the server
/// does not know the connection's peer, as for requests made in-process).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Self(client_address(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

/// The client's address: `peer`, or, when `peer` is a trusted proxy, the
/// rightmost address of `X-Forwarded-For` that is not a trusted proxy's.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[Cidr]) -> String {
    let Some(peer) = peer.map(|p| p.to_canonical()) else {
        return "unknown".into();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let mut nearest = peer;
    for entry in entries.iter().rev() {
        // An entry a trusted proxy did not write sensibly: stop at the last hop known.
        let Some(ip) = parse_entry(entry) else { break };
        if !is_trusted(ip) {
            return ip.to_string();
        }
        nearest = ip;
    }
    nearest.to_string()
}

/// An address of `X-Forwarded-For`, bare or with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn cidrs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().expect("cidr")).collect()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("value"));
        }
        headers
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("ip"))
    }

    #[test]
    fn ranges_are_parsed_and_matched() {
        let c: Cidr = "10.1.2.3/8".parse().expect("cidr");
        assert_eq!(c.to_string(), "10.0.0.0/8");
        assert!(c.contains("10.200.0.1".parse().expect("ip")));
        assert!(!c.contains("11.0.0.1".parse().expect("ip")));
        assert!(
            c.contains("::ffff:10.0.0.1".parse().expect("ip")),
            "IPv4-mapped"
        );
        let one: Cidr = "192.0.2.1".parse().expect("cidr");
        assert_eq!(one.to_string(), "192.0.2.1/32");
        assert!(one.contains("192.0.2.1".parse().expect("ip")));
        assert!(!one.contains("192.0.2.2".parse().expect("ip")));
        let v6: Cidr = "fd00::/8".parse().expect("cidr");
        assert!(v6.contains("fd12::1".parse().expect("ip")));
        assert!(!v6.contains("fe80::1".parse().expect("ip")));
        assert!(!v6.contains("10.0.0.1".parse().expect("ip")));
        let all: Cidr = "0.0.0.0/0".parse().expect("cidr");
        assert!(all.contains("203.0.113.1".parse().expect("ip")));
        let all6: Cidr = "::/0".parse().expect("cidr");
        assert!(all6.contains("2001:db8::1".parse().expect("ip")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "ten/8",
            "10/8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_trusted() {
        let headers = xff(&["203.0.113.7"]);
        assert_eq!(client_address(ip("192.0.2.1"), &headers, &[]), "192.0.2.1");
        let trusted = cidrs(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("192.0.2.1"), &headers, &trusted),
            "192.0.2.1"
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &headers, &trusted),
            "203.0.113.7"
        );
        assert_eq!(client_address(None, &headers, &trusted), "unknown");
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let trusted = cidrs(&["10.0.0.0/8", "fd00::/8"]);
        let peer = ip("10.0.0.2");
        let spoofed = xff(&["6.6.6.6, 203.0.113.7, 10.1.1.1"]);
        assert_eq!(client_address(peer, &spoofed, &trusted), "203.0.113.7");
        let split = xff(&["6.6.6.6", "[2001:db8::7]:4711, fd00::1"]);
        assert_eq!(client_address(peer, &split, &trusted), "2001:db8::7");
        let ported = xff(&["203.0.113.7:5555"]);
        assert_eq!(client_address(peer, &ported, &trusted), "203.0.113.7");
        let only_proxies = xff(&["10.3.3.3, 10.2.2.2"]);
        assert_eq!(client_address(peer, &only_proxies, &trusted), "10.3.3.3");
        let garbage = xff(&["203.0.113.7, nonsense, 10.2.2.2"]);
        assert_eq!(client_address(peer, &garbage, &trusted), "10.2.2.2");
        assert_eq!(
            client_address(peer, &HeaderMap::new(), &trusted),
            "10.0.0.2"
        );
    }
}
