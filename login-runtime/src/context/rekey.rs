//! After a key rotation: what a fallback key accepted is redone with the primary key on the
//! same response, so a login made before the rotation outlives the fallback being dropped.
//!
//! Three things in a login are keyed: the cookie's seal (signature or encryption), the
//! session-protection fingerprint and the auth-hash digest. When a fallback key accepted one
//! of them, it is made again with the primary key: with the cookie store the session state is
//! marked changed, so `outgoing.rs` re-seals it; with a server-side store the record is saved
//! with the new fingerprint or digest, and the same session id is re-sealed. A remember cookie
//! opened with a fallback key is re-sealed for the user it restores or who is logged in, with
//! the same expiry. While every cookie opens with the primary key nothing is rewritten, and
//! the checks here cost one comparison of fingerprints.

use actix_web::HttpRequest;

use crate::clock::now_secs;
use crate::config::SessionProtection;
use crate::context::incoming::Incoming;
use crate::context::{LoginContext, RememberOp, Source};
use crate::crypto::keys::KeyMatch;
use crate::remember::RememberToken;
use crate::user::UserMixin;

impl<U: UserMixin> LoginContext<U> {
    /// After session protection and the timeouts, before the session's user is loaded: the
    /// session cookie's seal and the fingerprint it binds.
    pub(super) fn rekey_session(&self, req: &HttpRequest, incoming: &Incoming) {
        let mut guard = self.state.borrow_mut();
        let state = &mut *guard;
        let Some(session) = state.session.as_mut().filter(|s| s.user_id.is_some()) else {
            return;
        };
        // Session protection kept this login, so its fingerprint is this client's: under the
        // primary key, or else under a fallback key. Bind it under the primary key.
        if self.config.protection != SessionProtection::Off
            && let Some(bound) = session.fingerprint
            && bound != self.fingerprint(req)
            && self.is_this_client(req, &bound)
        {
            session.fingerprint = Some(self.fingerprint(req));
            state.session_dirty = true;
        }
        if !incoming.session_by_fallback {
            return;
        }
        match (state.server.as_mut(), incoming.session_ref) {
            // The cookie store: the state is re-sealed on the response.
            (None, _) => state.session_dirty = true,
            // A server-side store: the same session id, sealed with the primary key.
            (Some(login), Some(opened)) if login.login_id == opened.login_id => {
                login.new_secret.get_or_insert(opened.secret);
            }
            (Some(_), _) => {}
        }
    }

    /// Once the session's user is accepted: an auth digest that matched under a fallback key
    /// is made again under the primary key. Returns whether the session changed (a
    /// server-side store must then save the record).
    pub(super) fn rekey_auth_digest(&self, user: &U, matched: KeyMatch) -> bool {
        if !matched.is_fallback() {
            return false;
        }
        let digest = self.auth_digest(user);
        let mut state = self.state.borrow_mut();
        let Some(session) = state.session.as_mut() else {
            return false;
        };
        session.auth_digest = digest;
        state.session_dirty = true;
        true
    }

    /// At the end of the load chain, when a fallback key opened the remember cookie: the
    /// cookie is re-sealed with the primary key for the user it names, if that user is the
    /// one this request is logged in as (from the session or restored by this very cookie)
    /// and the token is still good for them. Its expiry does not change.
    pub(super) fn rekey_remember(&self, user: &U, source: Source, incoming: &Incoming) {
        if !incoming.remember_by_fallback || !matches!(source, Source::Session | Source::Remember) {
            return;
        }
        let mut state = self.state.borrow_mut();
        if !matches!(state.remember, RememberOp::Keep) {
            return;
        }
        if let Some(token) = &incoming.remember {
            if token.user_id != user.get_id().to_string()
                || self.auth_matches(user, token.auth_digest.as_ref()).is_none()
            {
                return;
            }
            state.remember = RememberOp::Set(RememberToken {
                auth_digest: self.auth_digest(user),
                ..token.clone()
            });
        } else if let Some(opened) = incoming.remember_ref {
            let Some(login) = state.server.as_ref().filter(|l| l.login_id == opened.login_id) else {
                return;
            };
            let record = &login.record;
            let Some(part) = record
                .remember
                .as_ref()
                .filter(|_| record.remembers(&opened.secret, now_secs()))
            else {
                return;
            };
            state.remember = RememberOp::SetServer {
                login_id: opened.login_id,
                validator: opened.secret,
                expires_at: part.expires_at,
            };
        }
    }
}
