//! The stateless backend: the whole login state in one signed `session` cookie.
//!
//! The default, with nothing to install or run: any number of workers and machines serve the
//! same users with nothing shared but the key. It cannot revoke a copied cookie before it
//! expires; a server-side store ([`crate::store::SessionStore`]) can.

use crate::crypto::keys::KeyRing;
use crate::crypto::wire;
use crate::store::state::SessionState;

/// Signs and verifies session cookie values.
#[derive(Clone)]
pub(crate) struct SessionCodec {
    keys: KeyRing,
}

impl SessionCodec {
    pub(crate) fn new(keys: KeyRing) -> Self {
        SessionCodec { keys }
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
    use crate::crypto::fingerprint::FINGERPRINT_LEN;
    use crate::crypto::keys::Purpose;
    use crate::crypto::keys::TAG_LEN;

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
        for payload in [&[][..], &[1], &[2, 0], &[1, 0xff], &[1, 0, 0]] {
            let value = wire::seal(&keys, payload);
            assert_eq!(codec().open(&value), None, "{payload:?}");
        }
    }
}
