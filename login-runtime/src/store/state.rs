//! The login state of a session: who is logged in, how fresh the login is, and what binds it.
//!
//! A plain struct ([`SessionState`]) with a versioned binary encoding. The cookie backend
//! (`store/cookie.rs`) signs the encoding into the `session` cookie; server-side stores keep
//! it inside their login record (`store/record.rs`).

use compact_str::CompactString;

use crate::crypto::fingerprint::FINGERPRINT_LEN;
use crate::crypto::keys::TAG_LEN;
use crate::crypto::wire::{Reader, Writer};

/// Format version written as the first payload byte; unknown versions decode as anonymous.
const VERSION: u8 = 1;

const HAS_USER: u8 = 1 << 0;
const FRESH: u8 = 1 << 1;
const HAS_FINGERPRINT: u8 = 1 << 2;
const HAS_AUTH: u8 = 1 << 3;
const HAS_NEXT: u8 = 1 << 4;

/// The login state carried by the session cookie.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SessionState {
    /// The logged-in user's id, as `UserMixin::Id` displays it. `None` for an anonymous session
    /// that only carries `next`. Kept inline up to 24 bytes (numbers, names, most keys), so
    /// reading a session allocates nothing for it.
    pub(crate) user_id: Option<CompactString>,
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

    /// The versioned binary encoding.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::with_capacity(96);
        self.write(&mut w);
        w.finish()
    }

    /// Writes the versioned binary encoding into `w`.
    pub(crate) fn write(&self, w: &mut Writer) {
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
    }

    /// Reads an encoding written by [`SessionState::encode`]; `None` when malformed.
    pub(crate) fn decode(data: &[u8]) -> Option<Self> {
        let mut r = Reader::new(data);
        let state = Self::read(&mut r)?;
        r.end()?;
        Some(state)
    }

    /// Reads one encoded state from `r`, leaving what follows it.
    pub(crate) fn read(r: &mut Reader<'_>) -> Option<Self> {
        if r.u8()? != VERSION {
            return None;
        }
        let flags = r.u8()?;
        if flags & !(HAS_USER | FRESH | HAS_FINGERPRINT | HAS_AUTH | HAS_NEXT) != 0 {
            return None;
        }
        let user_id = if flags & HAS_USER != 0 {
            Some(CompactString::from_utf8(r.bytes()?).ok()?)
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
