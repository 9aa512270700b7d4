//! The remember-me token carried by the `remember_token` cookie.
//!
//! Flask-Login's token is `id|HMAC(id)`: valid forever unless the secret key changes. Ours signs
//! the user id together with its own expiry and the digest of the user's auth hash, so a copied
//! cookie stops working at its deadline even if the client ignores `Expires`, and every remember
//! cookie of a user stops working when that user's auth hash (their password) changes.

use crate::crypto::envelope::Envelope;
use crate::crypto::keys::{KeyMatch, TAG_LEN};
use crate::crypto::wire::{Reader, Writer};

const VERSION: u8 = 1;

/// The signed content of a remember cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RememberToken {
    /// The remembered user's id.
    pub(crate) user_id: String,
    /// Unix seconds when the token was issued (its lifetime is `expires_at - issued_at`).
    pub(crate) issued_at: u64,
    /// Unix seconds after which the token is refused.
    pub(crate) expires_at: u64,
    /// Keyed digest of the user's auth hash when the token was issued.
    pub(crate) auth_digest: Option<[u8; TAG_LEN]>,
}

/// Seals and opens remember tokens (signed or private, as the envelope is).
#[derive(Clone)]
pub(crate) struct RememberCodec {
    keys: Envelope,
}

impl RememberCodec {
    pub(crate) fn new(keys: Envelope) -> Self {
        RememberCodec { keys }
    }

    /// The cookie value for `token`.
    pub(crate) fn seal(&self, token: &RememberToken) -> String {
        let mut w = Writer::with_capacity(64);
        w.u8(VERSION)
            .bytes(token.user_id.as_bytes())
            .u64(token.issued_at)
            .u64(token.expires_at);
        match &token.auth_digest {
            Some(d) => w.u8(1).fixed(d),
            None => w.u8(0),
        };
        self.keys.seal(&w.finish())
    }

    /// The token in `value` and the key that opened it, if we sealed it and it has not expired
    /// at `now` (unix seconds).
    pub(crate) fn open(&self, value: &str, now: u64) -> Option<(RememberToken, KeyMatch)> {
        self.keys.open(value, |payload| decode(payload, now))
    }
}

/// Reads a remember token's payload; `None` when malformed or expired at `now`.
fn decode(payload: &[u8], now: u64) -> Option<RememberToken> {
    let mut r = Reader::new(payload);
    if r.u8()? != VERSION {
        return None;
    }
    let user_id = r.string()?;
    let issued_at = r.u64()?;
    let expires_at = r.u64()?;
    let auth_digest = match r.u8()? {
        0 => None,
        1 => Some(r.fixed()?),
        _ => return None,
    };
    r.end()?;
    (now < expires_at).then_some(RememberToken {
        user_id,
        issued_at,
        expires_at,
        auth_digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::envelope::CookieContent;
    use crate::crypto::keys::Purpose;

    fn envelope(purpose: Purpose) -> Envelope {
        Envelope::new(&[5; 32], &[], purpose, CookieContent::Signed)
    }

    fn codec() -> RememberCodec {
        RememberCodec::new(envelope(Purpose::Remember))
    }

    fn token() -> RememberToken {
        RememberToken {
            user_id: "a|b".into(),
            issued_at: 10,
            expires_at: 1000,
            auth_digest: Some([4; TAG_LEN]),
        }
    }

    #[test]
    fn a_token_round_trips_until_it_expires() {
        let sealed = codec().seal(&token());
        assert_eq!(codec().open(&sealed, 999), Some((token(), KeyMatch::Primary)));
        assert_eq!(codec().open(&sealed, 1000), None, "expired at its deadline");
    }

    #[test]
    fn a_session_cookie_is_never_a_remember_token() {
        let forged = envelope(Purpose::Session)
            .seal(b"\x01\x00\x01a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\xe8\x00");
        assert_eq!(codec().open(&forged, 0), None);
    }
}
