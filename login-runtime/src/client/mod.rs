//! Who the client is, for session protection: its address, taken from the socket's peer or,
//! behind trusted proxies, from the forwarding header they write ([`forwarded`]), and whether
//! the address is bound at all ([`ClientBinding`]).
//!
//! Forwarding headers are read only when the peer is a trusted proxy, and from the right: the
//! client address is the first hop, going leftwards from the peer, that is not a trusted proxy.
//! A client can prepend whatever it likes; the hops a trusted proxy appended are to the right of
//! it, so it is never reached.

mod forwarded;

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::{IpNet, Ipv4Net};

use crate::error::ConfigError;
use forwarded::Hop;

/// What session protection binds a login to (with [`SessionProtection`](crate::SessionProtection)
/// `basic` or `strong`).
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::ClientBinding;
///
/// // Phones change address between networks: bind the User-Agent only.
/// let binding: ClientBinding = "user-agent".parse()?;
/// assert_eq!(binding, ClientBinding::UserAgent);
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_protection_binds(binding)
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientBinding {
    /// The client's address and its `User-Agent` (the default, as in Flask-Login). The address
    /// is the peer's, or the one trusted proxies forwarded
    /// ([`trusted_proxies`](crate::LoginManagerBuilder::trusted_proxies)).
    #[default]
    AddressAndUserAgent,
    /// The `User-Agent` only: a login survives the client changing address (mobile networks,
    /// Flask-Login #101 and #192), and a thief with the same browser is not noticed.
    UserAgent,
}

impl std::str::FromStr for ClientBinding {
    type Err = ConfigError;

    /// Parses `address-and-user-agent` or `user-agent`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "address-and-user-agent" => Ok(ClientBinding::AddressAndUserAgent),
            "user-agent" => Ok(ClientBinding::UserAgent),
            _ => Err(ConfigError::new(format!(
                "session protection binding `{}` is not one: use `address-and-user-agent` (the default) or `user-agent`",
                s.escape_debug()
            ))),
        }
    }
}

/// The header trusted proxies write the client address into: one, named, because a proxy
/// that writes one header passes the other through from the client untouched.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::ForwardedHeader;
///
/// let header: ForwardedHeader = "forwarded".parse()?;
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .trusted_proxies(["10.0.0.0/8"])
///     .forwarded_header(header)
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx's `$proxy_add_x_forwarded_for`,
    /// HAProxy's `option forwardfor`, most load balancers). The default.
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for=proxy1` (RFC 7239); only the `for` parameters are read.
    Forwarded,
}

impl std::str::FromStr for ForwardedHeader {
    type Err = ConfigError;

    /// Parses `x-forwarded-for` or `forwarded`, case-insensitively.
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(ForwardedHeader::XForwardedFor),
            "forwarded" => Ok(ForwardedHeader::Forwarded),
            _ => Err(ConfigError::new(format!(
                "forwarded header `{}` is not one this library reads: use `x-forwarded-for` or `forwarded`",
                s.escape_debug()
            ))),
        }
    }
}

/// The client settings as the builder collected them, checked by [`ClientSource::new`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientSettings {
    pub(crate) binding: ClientBinding,
    pub(crate) trusted_proxies: Vec<String>,
    pub(crate) header: Option<ForwardedHeader>,
}

/// Finds the address session protection binds, as configured.
#[derive(Clone, Debug)]
pub(crate) struct ClientSource {
    binding: ClientBinding,
    proxies: Vec<IpNet>,
    header: ForwardedHeader,
}

impl ClientSource {
    /// Checks the settings: every trusted proxy is an address or a CIDR range, none trusts
    /// every address, and nothing is set that would have no effect.
    pub(crate) fn new(settings: &ClientSettings) -> Result<Self, ConfigError> {
        let proxies = settings
            .trusted_proxies
            .iter()
            .map(|entry| parse_proxy(entry))
            .collect::<Result<Vec<_>, _>>()?;
        if settings.header.is_some() && proxies.is_empty() {
            return Err(ConfigError::new(
                "forwarded_header is set but trusted_proxies is empty, so the header would never be read: name the proxies' addresses or ranges with trusted_proxies, or drop forwarded_header",
            ));
        }
        if settings.binding == ClientBinding::UserAgent && !proxies.is_empty() {
            return Err(ConfigError::new(
                "trusted_proxies is set but session protection binds the User-Agent only, so no address is ever read: drop trusted_proxies, or bind ClientBinding::AddressAndUserAgent",
            ));
        }
        Ok(ClientSource {
            binding: settings.binding,
            proxies,
            header: settings.header.unwrap_or_default(),
        })
    }

    /// The address session protection binds for `req`: none with [`ClientBinding::UserAgent`];
    /// else the peer's, or, when the peer is a trusted proxy, the forwarded client's.
    pub(crate) fn address(&self, req: &HttpRequest) -> Option<IpAddr> {
        if self.binding == ClientBinding::UserAgent {
            return None;
        }
        let peer = req.peer_addr().map(|a| a.ip().to_canonical())?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let name = match self.header {
            ForwardedHeader::XForwardedFor => "x-forwarded-for",
            ForwardedHeader::Forwarded => "forwarded",
        };
        let values: Vec<&[u8]> = req.headers().get_all(name).map(|v| v.as_bytes()).collect();
        // Walk left from the peer while the hops are trusted proxies. A hop that names no
        // address stops the walk at the last trusted one: it was written by a trusted proxy,
        // and what lies beyond it cannot be told from client input.
        let mut client = peer;
        let visit = |hop: Hop| match hop {
            Hop::Address(ip) => {
                client = ip.to_canonical();
                self.trusts(client)
            }
            Hop::Opaque => false,
        };
        match self.header {
            ForwardedHeader::XForwardedFor => forwarded::x_forwarded_for(&values, visit),
            ForwardedHeader::Forwarded => forwarded::forwarded(&values, visit),
        }
        Some(client)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.proxies.iter().any(|net| net.contains(&ip))
    }
}

/// One `trusted_proxies` entry: `10.0.0.7`, `2001:db8::7`, `10.0.0.0/8` or `2001:db8::/32`.
fn parse_proxy(entry: &str) -> Result<IpNet, ConfigError> {
    let text = entry.trim();
    let net = match text.parse::<IpNet>() {
        Ok(net) => net,
        Err(_) => match text.parse::<IpAddr>() {
            Ok(ip) => IpNet::from(ip.to_canonical()),
            Err(_) => {
                return Err(ConfigError::new(format!(
                    "trusted proxy `{}` is not an IP address or a CIDR range: write an address such as `10.0.0.7` or `2001:db8::7`, or a range such as `10.0.0.0/8` or `2001:db8::/32`",
                    entry.escape_debug()
                )));
            }
        },
    };
    if net.addr() != net.network() {
        return Err(ConfigError::new(format!(
            "trusted proxy range `{}` has bits set after its /{} prefix: write `{}` for the range, or the address alone for one proxy",
            entry.escape_debug(),
            net.prefix_len(),
            net.trunc()
        )));
    }
    if net.prefix_len() == 0 {
        return Err(ConfigError::new(format!(
            "trusted proxy range `{}` trusts every address, so any client could choose the address it is bound to: name your proxies' addresses or their private range (such as `10.0.0.0/8`)",
            entry.escape_debug()
        )));
    }
    // An IPv4-mapped range (`::ffff:10.0.0.0/104`) would match nothing: peers are compared in
    // their canonical form, so it becomes the IPv4 range it maps.
    if let IpNet::V6(v6) = net
        && let Some(v4) = v6.addr().to_ipv4_mapped()
        && let Some(prefix) = v6.prefix_len().checked_sub(96)
        && let Ok(mapped) = Ipv4Net::new(v4, prefix)
    {
        return Ok(IpNet::V4(mapped));
    }
    Ok(net)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn source(proxies: &[&str], header: Option<ForwardedHeader>) -> Result<ClientSource, ConfigError> {
        ClientSource::new(&ClientSettings {
            binding: ClientBinding::AddressAndUserAgent,
            trusted_proxies: proxies.iter().map(|p| (*p).to_owned()).collect(),
            header,
        })
    }

    fn address(source: &ClientSource, peer: &str, headers: &[(&str, &str)]) -> Option<IpAddr> {
        let mut req = TestRequest::default().peer_addr(peer.parse().expect("a test socket address"));
        for header in headers {
            req = req.append_header(*header);
        }
        source.address(&req.to_http_request())
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("a test address"))
    }

    #[test]
    fn proxies_parse_as_addresses_or_ranges_and_mistakes_are_explained() {
        assert!(source(&["10.0.0.7", "10.0.0.0/8", " 2001:db8::/32 ", "::1"], None).is_ok());
        let err = |p| {
            source(&[p], None)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("10.0.0.0/33").contains("not an IP address or a CIDR range"));
        assert!(err("proxy.internal").contains("such as `10.0.0.7`"));
        assert!(err("10.0.0.1/8").contains("write `10.0.0.0/8`"));
        assert!(err("0.0.0.0/0").contains("trusts every address"));
        assert!(err("::/0").contains("trusts every address"));
    }

    #[test]
    fn an_ipv4_mapped_proxy_entry_matches_its_ipv4_peers() {
        let s = source(&["::ffff:10.0.0.0/104", "::ffff:192.0.2.7"], None).expect("mapped entries");
        let xff = [("x-forwarded-for", "1.1.1.1")];
        assert_eq!(address(&s, "10.9.9.9:1", &xff), ip("1.1.1.1"));
        assert_eq!(address(&s, "192.0.2.7:1", &xff), ip("1.1.1.1"));
        assert_eq!(address(&s, "192.0.2.8:1", &xff), ip("192.0.2.8"));
    }

    #[test]
    fn settings_that_would_have_no_effect_are_refused() {
        let err = source(&[], Some(ForwardedHeader::Forwarded))
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("trusted_proxies is empty"));
        let ua_only = ClientSource::new(&ClientSettings {
            binding: ClientBinding::UserAgent,
            trusted_proxies: vec!["10.0.0.1".into()],
            header: None,
        });
        assert!(
            ua_only
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("User-Agent only")
        );
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let none = source(&[], None).expect("no proxies");
        assert_eq!(
            address(&none, "10.0.0.1:1", &[("x-forwarded-for", "1.1.1.1")]),
            ip("10.0.0.1")
        );
        let some = source(&["10.0.0.0/8"], None).expect("a range");
        assert_eq!(
            address(&some, "192.0.2.9:1", &[("x-forwarded-for", "1.1.1.1")]),
            ip("192.0.2.9")
        );
        assert_eq!(
            address(&some, "10.0.0.1:1", &[("x-forwarded-for", "1.1.1.1")]),
            ip("1.1.1.1")
        );
        assert_eq!(
            address(&some, "10.0.0.1:1", &[]),
            ip("10.0.0.1"),
            "no header: the proxy itself"
        );
        assert_eq!(
            address(&some, "[::ffff:10.0.0.1]:1", &[("x-forwarded-for", "1.1.1.1")]),
            ip("1.1.1.1"),
            "a mapped peer is its IPv4 address"
        );
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right_and_prepended_ones_never_read() {
        let s = source(&["10.0.0.0/8"], None).expect("a range");
        let chain = [("x-forwarded-for", "6.6.6.6, 203.0.113.5, 10.0.0.3")];
        assert_eq!(address(&s, "10.0.0.1:1", &chain), ip("203.0.113.5"));
        let all_trusted = [("x-forwarded-for", "10.0.0.9, 10.0.0.3")];
        assert_eq!(address(&s, "10.0.0.1:1", &all_trusted), ip("10.0.0.9"));
        let opaque = [("x-forwarded-for", "6.6.6.6, unknown, 10.0.0.3")];
        assert_eq!(
            address(&s, "10.0.0.1:1", &opaque),
            ip("10.0.0.3"),
            "stops at the last trusted hop"
        );
        let only_other = [("forwarded", "for=6.6.6.6")];
        assert_eq!(
            address(&s, "10.0.0.1:1", &only_other),
            ip("10.0.0.1"),
            "the other header is not read"
        );
    }

    #[test]
    fn forwarded_is_read_when_named() {
        let s = source(&["10.0.0.0/8"], Some(ForwardedHeader::Forwarded)).expect("a range");
        let headers = [
            (
                "forwarded",
                r#"for="[2001:db8::5]:4711";proto=https, for=10.0.0.3"#,
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ];
        assert_eq!(address(&s, "10.0.0.1:1", &headers), ip("2001:db8::5"));
    }
}
