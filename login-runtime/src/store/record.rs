//! The record a server-side store keeps for one login, and its versioned encoding.
//!
//! One login, one record: the login state ([`SessionState`]) plus what only the server knows
//! (the listing handle, the device, digests of the cookies' secrets). The store never sees a
//! secret: the session cookie's secret and the remember cookie's validator are kept as SHA-256
//! digests and compared in constant time.

use crate::crypto::keys::{TAG_LEN, digest, tags_equal};
use crate::crypto::wire::{Reader, Writer};
use crate::store::state::SessionState;

/// Format version, first byte of every record.
const VERSION: u8 = 1;

/// The longest `User-Agent` kept in a record, in bytes (longer ones are cut at a character
/// boundary).
pub(crate) const MAX_USER_AGENT_LEN: usize = 256;

/// A 128-bit random value from the operating system's CSPRNG.
pub(crate) type Secret = [u8; 16];

/// The digest of a cookie secret, as stored.
pub(crate) fn secret_digest(secret: &Secret) -> [u8; TAG_LEN] {
    digest(b"login-runtime/v1/secret", secret)
}

/// What "remember me" adds to a login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RememberPart {
    /// The digest of the remember cookie's validator.
    pub(crate) validator_digest: [u8; TAG_LEN],
    /// Unix seconds after which the remember cookie no longer restores the login.
    pub(crate) expires_at: u64,
}

/// One login, as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoginRecord {
    /// The opaque handle that lists and revokes this login (never a cookie value or key).
    pub(crate) handle: Secret,
    /// Unix seconds when the login was made.
    pub(crate) created_at: u64,
    /// The `User-Agent` of the login request, cut to [`MAX_USER_AGENT_LEN`].
    pub(crate) user_agent: String,
    /// The digest of the current session cookie's secret.
    pub(crate) session_digest: [u8; TAG_LEN],
    /// Present when the login is remembered.
    pub(crate) remember: Option<RememberPart>,
    /// The login state itself (never holds `next`).
    pub(crate) state: SessionState,
}

impl LoginRecord {
    /// Whether `secret` is the current session cookie's secret.
    pub(crate) fn session_is(&self, secret: &Secret) -> bool {
        tags_equal(&self.session_digest, &secret_digest(secret))
    }

    /// Whether `validator` is this login's remember validator, still valid at `now`.
    pub(crate) fn remembers(&self, validator: &Secret, now: u64) -> bool {
        self.remember
            .as_ref()
            .is_some_and(|r| now < r.expires_at && tags_equal(&r.validator_digest, &secret_digest(validator)))
    }

    /// The user id the login belongs to (a record always has one).
    pub(crate) fn user_id(&self) -> &str {
        self.state.user_id.as_deref().unwrap_or_default()
    }

    /// The versioned encoding.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(192 + self.user_agent.len());
        w.u8(VERSION)
            .fixed(&self.handle)
            .u64(self.created_at)
            .bytes(self.user_agent.as_bytes())
            .fixed(&self.session_digest);
        match &self.remember {
            Some(r) => w.u8(1).fixed(&r.validator_digest).u64(r.expires_at),
            None => w.u8(0),
        };
        self.state.write(&mut w);
        w.finish()
    }

    /// Reads an encoding written by [`LoginRecord::encode`]; `None` for anything else.
    pub(crate) fn decode(data: &[u8]) -> Option<Self> {
        let mut r = Reader::new(data);
        if r.u8()? != VERSION {
            return None;
        }
        let handle = r.fixed()?;
        let created_at = r.u64()?;
        let user_agent = r.string()?;
        let session_digest = r.fixed()?;
        let remember = match r.u8()? {
            0 => None,
            1 => Some(RememberPart {
                validator_digest: r.fixed()?,
                expires_at: r.u64()?,
            }),
            _ => return None,
        };
        let state = SessionState::read(&mut r)?;
        r.end()?;
        state.user_id.as_ref()?;
        Some(LoginRecord {
            handle,
            created_at,
            user_agent,
            session_digest,
            remember,
            state,
        })
    }
}

/// `user_agent` cut to at most [`MAX_USER_AGENT_LEN`] bytes, at a character boundary.
pub(crate) fn cut_user_agent(user_agent: &str) -> String {
    let mut end = user_agent.len().min(MAX_USER_AGENT_LEN);
    while !user_agent.is_char_boundary(end) {
        end -= 1;
    }
    user_agent[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> LoginRecord {
        LoginRecord {
            handle: [1; 16],
            created_at: 10,
            user_agent: "Firefox/130".into(),
            session_digest: secret_digest(&[2; 16]),
            remember: Some(RememberPart {
                validator_digest: secret_digest(&[3; 16]),
                expires_at: 100,
            }),
            state: SessionState {
                user_id: Some("佐藤".into()),
                fresh: true,
                logged_in_at: 10,
                last_seen: 10,
                ..SessionState::default()
            },
        }
    }

    #[test]
    fn a_record_round_trips_and_garbage_is_refused() {
        let r = record();
        assert_eq!(LoginRecord::decode(&r.encode()), Some(r.clone()));
        let plain = LoginRecord { remember: None, ..r };
        assert_eq!(LoginRecord::decode(&plain.encode()), Some(plain.clone()));
        let bytes = plain.encode();
        for cut in 0..bytes.len() {
            assert_eq!(LoginRecord::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(LoginRecord::decode(&longer), None);
    }

    #[test]
    fn secrets_match_only_themselves_and_validators_expire() {
        let r = record();
        assert!(r.session_is(&[2; 16]) && !r.session_is(&[3; 16]));
        assert!(r.remembers(&[3; 16], 99));
        assert!(!r.remembers(&[3; 16], 100), "expired at its deadline");
        assert!(!r.remembers(&[2; 16], 0));
    }

    #[test]
    fn long_user_agents_are_cut_at_a_character_boundary() {
        let long = "é".repeat(200);
        let cut = cut_user_agent(&long);
        assert!(cut.len() <= MAX_USER_AGENT_LEN && long.starts_with(&cut));
    }
}
