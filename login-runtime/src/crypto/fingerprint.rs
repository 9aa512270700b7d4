//! The client fingerprint used by session protection: Flask-Login's `_create_identifier`.
//!
//! A keyed hash of the client's IP address and the `User-Agent` header. Which address (the
//! socket's peer, or the one trusted proxies forwarded), or none at all in the User-Agent-only
//! mode, is decided by the caller (`client/mod.rs`): forwarding headers are never read here,
//! since any client can send them (Flask-Login #700).
//!
//! The hash is SipHash-2-4 with its 128-bit output (the `siphasher` crate), keyed with a key derived from the secret
//! (see [`KeyRing::subkeys`](crate::crypto::keys::KeyRing::subkeys)). The key matters: the fingerprint is
//! readable in the cookie, and with an unkeyed hash a thief holding a stolen cookie could search
//! offline for the victim's User-Agent (there are few of them) and then forge a matching client.
//! SipHash is a PRF, so without the key the fingerprint reveals nothing, and it costs a fraction
//! of a SHA-256 block.

use std::net::IpAddr;

use siphasher::sip128::{Hasher128 as _, SipHasher24};
use std::hash::Hasher as _;

use crate::crypto::keys::KeyRing;

/// The length of a client fingerprint (a keyed 128-bit SipHash of address and User-Agent).
pub(crate) const FINGERPRINT_LEN: usize = 16;

/// The length of a fingerprint key (a SipHash key), in bytes.
pub(crate) const FINGERPRINT_KEY_LEN: usize = 16;

/// The label of the fingerprint keys, derived from the session cookie's keys.
const KEY_LABEL: &[u8] = b"login-runtime/v1/session/fingerprint";

/// The fingerprint keys: the primary key's, which binds new logins, and the fallback keys',
/// which still recognise a client bound before a key rotation.
#[derive(Clone)]
pub(crate) struct FingerprintKeys {
    primary: [u8; FINGERPRINT_KEY_LEN],
    fallbacks: Vec<[u8; FINGERPRINT_KEY_LEN]>,
}

impl FingerprintKeys {
    /// Derives the fingerprint keys from the session cookie's key ring.
    pub(crate) fn new(session_keys: &KeyRing) -> Self {
        let (primary, fallbacks) = session_keys.subkeys(KEY_LABEL);
        FingerprintKeys { primary, fallbacks }
    }

    /// The fingerprint of `client` under the primary key.
    pub(crate) fn current(&self, client: Client<'_>) -> [u8; FINGERPRINT_LEN] {
        fingerprint(&self.primary, client)
    }

    /// Whether `bound` is the fingerprint of `client` under a fallback key (a login bound
    /// before the secret was rotated).
    pub(crate) fn matches_fallback(&self, client: Client<'_>, bound: &[u8; FINGERPRINT_LEN]) -> bool {
        self.fallbacks
            .iter()
            .any(|key| fingerprint(key, client) == *bound)
    }
}

/// What a fingerprint binds: the client's address (`None` when unknown or not bound) and its
/// `User-Agent` header as sent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Client<'r> {
    pub(crate) address: Option<IpAddr>,
    pub(crate) user_agent: Option<&'r [u8]>,
}

/// Computes the fingerprint of `client` under `key`.
fn fingerprint(key: &[u8; FINGERPRINT_KEY_LEN], client: Client<'_>) -> [u8; FINGERPRINT_LEN] {
    let mut hasher = SipHasher24::new_with_key(key);
    match client.address {
        Some(std::net::IpAddr::V4(ip)) => hasher.write(&ip.octets()),
        // An IPv4-mapped IPv6 address is the same client as its IPv4 form.
        Some(std::net::IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => hasher.write(&v4.octets()),
            None => hasher.write(&ip.octets()),
        },
        None => {}
    }
    // The separator keeps an address and a User-Agent from shifting into each other (a v4
    // address is 4 bytes, a v6 one 16, and a missing address none).
    hasher.write(b"|");
    if let Some(ua) = client.user_agent {
        hasher.write(ua);
    }
    hasher.finish128().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 16] = [7; 16];

    #[test]
    fn the_hash_is_the_128_bit_siphash_2_4_of_the_reference() {
        // `vectors_sip128[0]` of the reference implementation: key 00..0f, empty message.
        let key: [u8; 16] = std::array::from_fn(|i| i as u8);
        let hasher = SipHasher24::new_with_key(&key);
        assert_eq!(
            hasher.finish128().as_bytes(),
            [
                0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02,
                0x93
            ]
        );
    }

    fn client<'a>(address: Option<&str>, user_agent: Option<&'a str>) -> Client<'a> {
        Client {
            address: address.map(|a| a.parse().expect("a test address")),
            user_agent: user_agent.map(str::as_bytes),
        }
    }

    #[test]
    fn the_user_agent_and_address_change_the_fingerprint() {
        let fp = |address, ua| fingerprint(&KEY, client(address, ua));
        let a = fp(Some("10.1.2.3"), Some("A"));
        assert_eq!(a, fp(Some("10.1.2.3"), Some("A")));
        assert_eq!(
            a,
            fp(Some("::ffff:10.1.2.3"), Some("A")),
            "a mapped address is its IPv4 form"
        );
        assert_ne!(a, fp(Some("10.1.2.4"), Some("A")));
        assert_ne!(a, fp(Some("10.1.2.3"), Some("B")));
        assert_ne!(
            a,
            fp(None, Some("A")),
            "the User-Agent-only fingerprint is another one"
        );
        assert_ne!(fp(None, Some("A")), fp(None, Some("B")));
    }

    #[test]
    fn the_fingerprint_depends_on_the_key() {
        let c = client(Some("10.1.2.3"), Some("A"));
        assert_ne!(fingerprint(&KEY, c), fingerprint(&[8; 16], c));
    }
}
