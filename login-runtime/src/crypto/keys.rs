//! Signing keys: one derived key per purpose, signing with the primary key, verifying with all.
//!
//! The raw secret is never used as an HMAC key directly. Each purpose (the session cookie, the
//! remember token, the auth-hash digest) gets its own key, derived as
//! `HMAC-SHA256(secret, "login-runtime/v1/<purpose>")`, so a signature made for one purpose can
//! never be replayed as another. The encryption keys of private cookies are derived the same
//! way under labels of their own (`"login-runtime/v1/<purpose>/private"`, see
//! [`private_key`]), so no secret is ever both an HMAC key and an AEAD key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The length of every signature tag, in bytes (a full HMAC-SHA256 output).
pub(crate) const TAG_LEN: usize = 32;

/// What a derived key is used for. Keys of different purposes never verify each other's tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The `session` cookie.
    Session,
    /// The `remember_token` cookie.
    Remember,
    /// The keyed digest of a user's auth hash stored inside both cookies.
    AuthHash,
    /// The `session` cookie of a server-side store: a random session id, signed.
    SessionId,
    /// The `remember_token` cookie of a server-side store: a selector and a validator, signed.
    RememberId,
}

impl Purpose {
    /// The label of the purpose's encryption key (private cookies): distinct from every
    /// signing label, so the two keys of a purpose are independent.
    fn private_label(self) -> &'static [u8] {
        match self {
            Purpose::Session => b"login-runtime/v1/session/private",
            Purpose::Remember => b"login-runtime/v1/remember/private",
            Purpose::AuthHash => b"login-runtime/v1/auth-hash/private",
            Purpose::SessionId => b"login-runtime/v1/session-id/private",
            Purpose::RememberId => b"login-runtime/v1/remember-id/private",
        }
    }

    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Session => b"login-runtime/v1/session",
            Purpose::Remember => b"login-runtime/v1/remember",
            Purpose::AuthHash => b"login-runtime/v1/auth-hash",
            Purpose::SessionId => b"login-runtime/v1/session-id",
            Purpose::RememberId => b"login-runtime/v1/remember-id",
        }
    }
}

/// The 32-byte encryption key of `purpose` for private cookies:
/// `HMAC-SHA256(secret, "login-runtime/v1/<purpose>/private")`.
pub(crate) fn private_key(secret: &[u8], purpose: Purpose) -> [u8; TAG_LEN] {
    let mut kdf = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
    kdf.update(purpose.private_label());
    kdf.finalize().into_bytes().into()
}

/// Which key of a ring accepted a value: the primary, or the fallback at this index (in the
/// order they were configured). A value accepted by a fallback is re-sealed with the primary
/// key on the same response, so it survives the fallback being dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyMatch {
    /// The primary key.
    Primary,
    /// The fallback key at this index.
    Fallback(usize),
}

impl KeyMatch {
    /// The match of the key at `index` of "primary, then the fallbacks".
    pub(crate) fn at(index: usize) -> Self {
        match index {
            0 => KeyMatch::Primary,
            i => KeyMatch::Fallback(i - 1),
        }
    }

    /// Whether a fallback key (not the primary) accepted the value.
    pub(crate) fn is_fallback(self) -> bool {
        matches!(self, KeyMatch::Fallback(_))
    }
}

/// A derived key, ready to sign. Keeps the initialised HMAC state so each signature only hashes
/// the message.
#[derive(Clone)]
struct DerivedKey(HmacSha256);

impl DerivedKey {
    fn derive(secret: &[u8], purpose: Purpose) -> Self {
        let mut kdf = HmacSha256::new_from_slice(secret).expect("HMAC accepts keys of any length");
        kdf.update(purpose.label());
        let key = kdf.finalize().into_bytes();
        DerivedKey(HmacSha256::new_from_slice(&key).expect("HMAC accepts keys of any length"))
    }

    fn tag(&self, message: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.0.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        let Ok(tag) = <&[u8; TAG_LEN]>::try_from(tag) else {
            return false;
        };
        tags_equal(&self.tag(message), tag)
    }
}

/// Whether two tags (or digests) are equal, in constant time: the one compare of secrets in
/// the crate. The tags are compared as four 64-bit words
/// with `subtle` (no data-dependent branch), which costs 4 optimisation barriers instead of the
/// 32 of a byte-wise `subtle` comparison.
pub(crate) fn tags_equal(a: &[u8; TAG_LEN], b: &[u8; TAG_LEN]) -> bool {
    use subtle::ConstantTimeEq;
    fn words(tag: &[u8; TAG_LEN]) -> [u64; TAG_LEN / 8] {
        let mut out = [0; TAG_LEN / 8];
        for (word, chunk) in out.iter_mut().zip(tag.chunks_exact(8)) {
            // `chunks_exact(8)` yields 8-byte chunks only, so the conversion cannot fail.
            *word = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        }
        out
    }
    bool::from(words(a)[..].ct_eq(&words(b)[..]))
}

/// The keys of one purpose: the primary key signs, the primary and every fallback verify.
#[derive(Clone)]
pub(crate) struct KeyRing {
    primary: DerivedKey,
    fallbacks: Vec<DerivedKey>,
}

impl KeyRing {
    /// Derives the keys of `purpose` from the primary secret and the fallback secrets.
    pub(crate) fn new(primary: &[u8], fallbacks: &[Vec<u8>], purpose: Purpose) -> Self {
        KeyRing {
            primary: DerivedKey::derive(primary, purpose),
            fallbacks: fallbacks
                .iter()
                .map(|secret| DerivedKey::derive(secret, purpose))
                .collect(),
        }
    }

    /// Signs `message` with the primary key.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; TAG_LEN] {
        self.primary.tag(message)
    }

    /// Which key signed `message` with `tag`: the primary key (tried first) or a fallback;
    /// `None` when no key did.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> Option<KeyMatch> {
        if tag.len() != TAG_LEN {
            return None;
        }
        std::iter::once(&self.primary)
            .chain(self.fallbacks.iter())
            .position(|k| k.verify(message, tag))
            .map(KeyMatch::at)
    }

    /// A keyed digest of `data` with the primary key (used for the auth-hash digest, which must
    /// be comparable across requests, so it is computed with the primary key only).
    pub(crate) fn digest(&self, data: &[u8]) -> [u8; TAG_LEN] {
        self.primary.tag(data)
    }

    /// Derives a 16-byte key from the primary key and one from each fallback (primary first)
    /// for a secondary use within this purpose: `HMAC(purpose key, label)`, truncated. The same
    /// construction as the purpose keys, one level down, so the result is independent of every
    /// tag the purpose key makes.
    pub(crate) fn subkeys(&self, label: &[u8]) -> ([u8; 16], Vec<[u8; 16]>) {
        let derive = |key: &DerivedKey| {
            let mut out = [0; 16];
            out.copy_from_slice(&key.tag(label)[..16]);
            out
        };
        (derive(&self.primary), self.fallbacks.iter().map(derive).collect())
    }

    /// Keyed digests of `data` under every key, primary first (a digest stored under an older key
    /// still matches after a rotation).
    pub(crate) fn digests<'a>(&'a self, data: &'a [u8]) -> impl Iterator<Item = [u8; TAG_LEN]> + 'a {
        std::iter::once(&self.primary)
            .chain(self.fallbacks.iter())
            .map(move |k| k.tag(data))
    }
}

/// An unkeyed SHA-256 digest of `data` under a domain `label`: the store keys of server-side
/// logins and the digests of their secrets. The inputs are 128-bit random values, so the
/// digest cannot be inverted, and it does not change when the secret key is rotated.
pub(crate) fn digest(label: &[u8], data: &[u8]) -> [u8; TAG_LEN] {
    use sha2::Digest as _;
    let mut hasher = Sha256::new();
    hasher.update(label);
    hasher.update([0]);
    hasher.update(data);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_verifies_with_the_same_key_and_purpose_only() {
        let ring = KeyRing::new(b"k".repeat(32).as_slice(), &[], Purpose::Session);
        let tag = ring.sign(b"hello");
        assert_eq!(ring.verify(b"hello", &tag), Some(KeyMatch::Primary));
        assert_eq!(ring.verify(b"hellp", &tag), None);
        let other_purpose = KeyRing::new(b"k".repeat(32).as_slice(), &[], Purpose::Remember);
        assert_eq!(other_purpose.verify(b"hello", &tag), None);
        let other_key = KeyRing::new(b"j".repeat(32).as_slice(), &[], Purpose::Session);
        assert_eq!(other_key.verify(b"hello", &tag), None);
    }

    #[test]
    fn fallback_keys_verify_but_never_sign() {
        let old = b"o".repeat(32);
        let new = b"n".repeat(32);
        let before = KeyRing::new(&old, &[], Purpose::Session);
        let after = KeyRing::new(&new, &[b"x".repeat(32), old.clone()], Purpose::Session);
        let old_tag = before.sign(b"m");
        assert_eq!(
            after.verify(b"m", &old_tag),
            Some(KeyMatch::Fallback(1)),
            "which fallback matched"
        );
        assert_ne!(after.sign(b"m"), old_tag, "signing must use the primary key");
        assert_eq!(after.verify(b"m", &after.sign(b"m")), Some(KeyMatch::Primary));
        assert_eq!(before.verify(b"m", &after.sign(b"m")), None);
    }

    #[test]
    fn encryption_keys_differ_from_signing_keys_and_across_purposes() {
        let secret = b"k".repeat(32);
        let session = private_key(&secret, Purpose::Session);
        assert_ne!(session, private_key(&secret, Purpose::Remember));
        // The session signing key is HMAC(secret, "login-runtime/v1/session"): another input.
        let mut kdf = HmacSha256::new_from_slice(&secret).expect("HMAC accepts keys of any length");
        kdf.update(Purpose::Session.label());
        let signing: [u8; TAG_LEN] = kdf.finalize().into_bytes().into();
        assert_ne!(session, signing);
    }

    #[test]
    fn a_tag_differing_in_any_single_byte_is_rejected() {
        let ring = KeyRing::new(b"k".repeat(32).as_slice(), &[], Purpose::Session);
        let tag = ring.sign(b"m");
        for i in 0..TAG_LEN {
            let mut bad = tag;
            bad[i] ^= 0x01;
            assert_eq!(ring.verify(b"m", &bad), None, "byte {i}");
        }
        assert_eq!(ring.verify(b"m", &tag), Some(KeyMatch::Primary));
    }

    #[test]
    fn truncated_tags_are_rejected() {
        let ring = KeyRing::new(b"k".repeat(32).as_slice(), &[], Purpose::Session);
        let tag = ring.sign(b"m");
        assert_eq!(ring.verify(b"m", &tag[..16]), None);
        assert_eq!(ring.verify(b"m", &[]), None);
    }
}
