//! The `session` cookie: who is logged in, how fresh the login is, and what binds it.
//!
//! Stateless by design: the whole login state lives in one signed cookie, so any number of
//! workers and machines serve the same users with nothing shared but the key. The state is a
//! plain struct ([`SessionState`]); [`SessionCodec`] turns it into a cookie value and back. A
//! server-side store can later implement the same two operations behind a session id.

use crate::fingerprint::FingerprintKeys;
use crate::keys::{KeyRing, TAG_LEN};
use crate::wire::{self, Reader, Writer};

/// Format version written as the first payload byte; unknown versions decode as anonymous.
const VERSION: u8 = 1;

const HAS_USER: u8 = 1 << 0;
const FRESH: u8 = 1 << 1;
const HAS_FINGERPRINT: u8 = 1 << 2;
const HAS_AUTH: u8 = 1 << 3;
const HAS_NEXT: u8 = 1 << 4;

/// The length of a client fingerprint (a keyed 128-bit SipHash of address and User-Agent).
pub(crate) const FINGERPRINT_LEN: usize = 16;

/// The login state carried by the session cookie.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionState {
    /// The logged-in user's id, as `UserMixin::Id` displays it. `None` for an anonymous session
    /// that only carries `next`.
    pub(crate) user_id: Option<String>,
    /// Whether the login was made with credentials (Flask-Login's `_fresh`).
    pub(crate) fresh: bool,
    /// The client the login is bound to (Flask-Login's `_id`), for session protection.
    pub(crate) fingerprint: Option<[u8; FINGERPRINT_LEN]>,
    /// Keyed digest of the user's auth hash when the login was made.
    pub(crate) auth_digest: Option<[u8; TAG_LEN]>,
    /// Unix seconds when the login was established (login, or restore from the remember cookie).
    pub(crate) logged_in_at: u64,
    /// Unix seconds when the user last proved their credentials (0 when never: a restore).
    pub(crate) authenticated_at: u64,
    /// Unix seconds of the last request that refreshed this cookie (idle timeout).
    pub(crate) last_seen: u64,
    /// Where to go after logging in, when `next` is kept in the session.
    pub(crate) next: Option<String>,
}

impl SessionState {
    /// Whether the state is worth a cookie at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.user_id.is_none() && self.next.is_none()
    }

    fn encode(&self) -> Vec<u8> {
        let mut flags = 0;
        for (on, bit) in [
            (self.user_id.is_some(), HAS_USER),
            (self.fresh, FRESH),
            (self.fingerprint.is_some(), HAS_FINGERPRINT),
            (self.auth_digest.is_some(), HAS_AUTH),
            (self.next.is_some(), HAS_NEXT),
        ] {
            if on {
                flags |= bit;
            }
        }
        let mut w = Writer::with_capacity(96);
        w.u8(VERSION).u8(flags);
        if let Some(id) = &self.user_id {
            w.bytes(id.as_bytes());
        }
        if let Some(fp) = &self.fingerprint {
            w.fixed(fp);
        }
        if let Some(digest) = &self.auth_digest {
            w.fixed(digest);
        }
        w.u64(self.logged_in_at)
            .u64(self.authenticated_at)
            .u64(self.last_seen);
        if let Some(next) = &self.next {
            w.bytes(next.as_bytes());
        }
        w.finish()
    }

    fn decode(data: &[u8]) -> Option<Self> {
        let mut r = Reader::new(data);
        if r.u8()? != VERSION {
            return None;
        }
        let flags = r.u8()?;
        if flags & !(HAS_USER | FRESH | HAS_FINGERPRINT | HAS_AUTH | HAS_NEXT) != 0 {
            return None;
        }
        let user_id = if flags & HAS_USER != 0 {
            Some(r.string()?)
        } else {
            None
        };
        let fingerprint = if flags & HAS_FINGERPRINT != 0 {
            Some(r.fixed()?)
        } else {
            None
        };
        let auth_digest = if flags & HAS_AUTH != 0 {
            Some(r.fixed()?)
        } else {
            None
        };
        let logged_in_at = r.u64()?;
        let authenticated_at = r.u64()?;
        let last_seen = r.u64()?;
        let next = if flags & HAS_NEXT != 0 {
            Some(r.string()?)
        } else {
            None
        };
        r.end()?;
        Some(SessionState {
            user_id,
            fresh: flags & FRESH != 0,
            fingerprint,
            auth_digest,
            logged_in_at,
            authenticated_at,
            last_seen,
            next,
        })
    }
}

/// Signs and verifies session cookie values, and holds the keys of the client fingerprint
/// stored in them.
#[derive(Clone)]
pub(crate) struct SessionCodec {
    keys: KeyRing,
    fingerprint_keys: FingerprintKeys,
}

impl SessionCodec {
    pub(crate) fn new(keys: KeyRing) -> Self {
        SessionCodec {
            fingerprint_keys: FingerprintKeys::new(&keys),
            keys,
        }
    }

    /// The keys of the client fingerprint, derived from the session keys.
    pub(crate) fn fingerprint_keys(&self) -> &FingerprintKeys {
        &self.fingerprint_keys
    }

    /// The cookie value for `state`.
    pub(crate) fn seal(&self, state: &SessionState) -> String {
        wire::seal(&self.keys, &state.encode())
    }

    /// The state in a cookie value, or `None` when the value is not one we signed.
    pub(crate) fn open(&self, value: &str) -> Option<SessionState> {
        wire::open(&self.keys, value, SessionState::decode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Purpose;

    fn codec() -> SessionCodec {
        SessionCodec::new(KeyRing::new(&[1; 32], &[], Purpose::Session))
    }

    fn full_state() -> SessionState {
        SessionState {
            user_id: Some("佐藤|x".into()),
            fresh: true,
            fingerprint: Some([9; FINGERPRINT_LEN]),
            auth_digest: Some([3; TAG_LEN]),
            logged_in_at: 1_700_000_000,
            authenticated_at: 1_700_000_001,
            last_seen: 1_700_000_002,
            next: Some("/p?x=1".into()),
        }
    }

    #[test]
    fn every_field_round_trips() {
        let state = full_state();
        assert_eq!(codec().open(&codec().seal(&state)), Some(state));
        let minimal = SessionState::default();
        assert_eq!(codec().open(&codec().seal(&minimal)), Some(minimal));
    }

    #[test]
    fn a_valid_signature_over_a_malformed_payload_is_still_rejected() {
        let keys = KeyRing::new(&[1; 32], &[], Purpose::Session);
        for payload in [&[][..], &[VERSION], &[2, 0], &[VERSION, 0xff], &[VERSION, 0, 0]] {
            let value = wire::seal(&keys, payload);
            assert_eq!(codec().open(&value), None, "{payload:?}");
        }
    }
}
