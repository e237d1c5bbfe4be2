//! Who is on the other end: the client's address as throttling and the
//! audit see it. Behind a reverse proxy every connection comes from the
//! proxy, so `X-Forwarded-For` is read — but only when the connection
//! comes from an address the configuration trusts, since anyone else can
//! send that header with any address in it (docs/operations.md, "Behind
//! a reverse proxy").

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the connection's peer, or, when that peer is a
/// trusted proxy, the last address in `X-Forwarded-For` that is not one.
pub struct ClientAddr(pub IpAddr);

/// Reads the chain right to left: each trusted proxy appended the address
/// it received from, so the first untrusted address from the right is the
/// one no trusted party vouches beyond. A header that cannot be read is
/// ignored (the peer is the client).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(text) = value.to_str() else {
            return client;
        };
        for part in text.rsplit(',') {
            let Ok(addr) = part.trim().parse::<IpAddr>() else {
                return client;
            };
            client = addr;
            if !is_trusted(&addr) {
                return client;
            }
        }
    }
    client
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // Without connection info (a router served in a test without it)
        // the address is unknown; the loopback stands for it.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
        Ok(ClientAddr(client_address(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let spoofed = headers(&["1.2.3.4"]);
        // An untrusted peer's header is its own claim: ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &spoofed, &trusted),
            ip("203.0.113.9")
        );
        // The proxy vouches for the address it received from.
        assert_eq!(
            client_address(ip("10.0.0.2"), &spoofed, &trusted),
            ip("1.2.3.4")
        );
        // A client that prepends its own guess does not get past the proxy's entry.
        let chain = headers(&["6.6.6.6, 198.51.100.7"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &chain, &trusted),
            ip("198.51.100.7")
        );
        // Two proxies in a row, each trusted; several header lines.
        let two = headers(&["198.51.100.7", "10.0.0.5"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &two, &trusted),
            ip("198.51.100.7")
        );
        // Garbage stops the walk at the last address vouched for.
        let garbage = headers(&["nonsense"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &garbage, &trusted),
            ip("10.0.0.2")
        );
        // No proxies configured: the peer, always.
        assert_eq!(
            client_address(ip("10.0.0.2"), &spoofed, &[]),
            ip("10.0.0.2")
        );
    }
}
