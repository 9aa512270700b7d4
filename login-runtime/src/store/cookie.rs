//! The stateless backend: the whole login state in one signed `session` cookie.
//!
//! The default, with nothing to install or run: any number of workers and machines serve the
//! same users with nothing shared but the key. It cannot revoke a copied cookie before it
//! expires; a server-side store ([`crate::store::SessionStore`]) can.

use crate::crypto::envelope::Envelope;
use crate::crypto::keys::KeyMatch;
use crate::store::state::SessionState;

/// Seals and opens session cookie values (signed or private, as the envelope is).
#[derive(Clone)]
pub(crate) struct SessionCodec {
    keys: Envelope,
}

impl SessionCodec {
    pub(crate) fn new(keys: Envelope) -> Self {
        SessionCodec { keys }
    }

    /// The cookie value for `state`.
    pub(crate) fn seal(&self, state: &SessionState) -> String {
        self.keys.seal(&state.encode())
    }

    /// The state in a cookie value and the key that opened it, or `None` when the value is
    /// not one we sealed.
    pub(crate) fn open(&self, value: &str) -> Option<(SessionState, KeyMatch)> {
        self.keys.open(value, SessionState::decode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::envelope::CookieContent;
    use crate::crypto::fingerprint::FINGERPRINT_LEN;
    use crate::crypto::keys::{Purpose, TAG_LEN};

    fn envelope(content: CookieContent) -> Envelope {
        Envelope::new(&[1; 32], &[], Purpose::Session, content)
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
        for content in [CookieContent::Signed, CookieContent::Private] {
            let codec = SessionCodec::new(envelope(content));
            let state = full_state();
            assert_eq!(codec.open(&codec.seal(&state)), Some((state, KeyMatch::Primary)));
            let minimal = SessionState::default();
            assert_eq!(
                codec.open(&codec.seal(&minimal)),
                Some((minimal, KeyMatch::Primary))
            );
        }
    }

    #[test]
    fn a_valid_signature_over_a_malformed_payload_is_still_rejected() {
        for content in [CookieContent::Signed, CookieContent::Private] {
            let keys = envelope(content);
            let codec = SessionCodec::new(keys.clone());
            for payload in [&[][..], &[1], &[2, 0], &[1, 0xff], &[1, 0, 0]] {
                let value = keys.seal(payload);
                assert_eq!(codec.open(&value), None, "{content:?} {payload:?}");
            }
        }
    }
}
