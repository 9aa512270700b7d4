//! The load chain, run once per request: the session (after session protection and the
//! timeouts), then the remember cookie, then the request loader, each falling through to the
//! next on a miss. With a server-side store, `server.rs` opens the session from the store and
//! records what the policies changed.

use std::rc::Rc;

use actix_web::HttpRequest;

use crate::clock::now_secs;
use crate::config::SessionProtection;
use crate::context::incoming::Incoming;
use crate::context::{LoginContext, RememberOp, Source};
use crate::events::LoginEvent;
use crate::loader::LoaderError;
use crate::policy::{self, Protection, Timeout, Timeouts};
use crate::remember::RememberToken;
use crate::user::UserMixin;

impl<U: UserMixin> LoginContext<U> {
    /// Whether `login_user` or `logout_user` already decided who this request is (it may run
    /// while a loader or the store is awaited); the chain must then change nothing.
    pub(super) fn decided(&self) -> bool {
        self.state.borrow().user.is_some()
    }

    pub(super) async fn load_chain(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        let incoming = self.incoming(req);
        if self.decided() {
            return Ok(());
        }
        self.config.emit(req, LoginEvent::Accessed);
        let server = self.config.server.is_some();
        if server {
            // Boxed, so the cookie path's future does not carry the store steps' state.
            Box::pin(self.open_server_session(incoming)).await?;
            if self.decided() {
                return Ok(());
            }
        }
        self.apply_session_protection(req, incoming);
        self.apply_timeouts();
        self.rekey_session(req, incoming);
        if server {
            Box::pin(self.record_policy_changes(incoming)).await?;
            if self.decided() {
                return Ok(());
            }
        }

        let mut user = None;
        let mut source = Source::Nobody;

        // 1. The session. Parse the id and copy the digest under a short borrow, without
        // cloning the whole session state.
        let from_session = {
            let state = self.state.borrow();
            state.session.as_ref().and_then(|s| {
                s.user_id
                    .as_deref()
                    .map(|id| (id.parse::<U::Id>().ok(), s.auth_digest))
            })
        };
        if let Some((id, stored_digest)) = from_session {
            let loaded = match id {
                Some(id) => (self.config.load_user)(id, req).await?,
                None => None,
            };
            if self.decided() {
                return Ok(());
            }
            match loaded.and_then(|u| Some((self.auth_matches(&u, stored_digest.as_ref())?, u))) {
                Some((matched, u)) => {
                    if self.rekey_auth_digest(&u, matched) && server {
                        Box::pin(self.record_policy_changes(incoming)).await?;
                        if self.decided() {
                            return Ok(());
                        }
                    }
                    user = Some(u);
                    source = Source::Session;
                }
                // The user is gone or their credentials changed: end this login for good
                // (Flask-Login keeps the stale id and re-queries it forever, #363).
                None => {
                    self.clear_login(incoming);
                    if server {
                        Box::pin(self.end_server_login()).await?;
                    }
                }
            }
        }

        // 2. The remember cookie.
        let remember_allowed = !matches!(self.state.borrow().remember, RememberOp::Delete);
        if user.is_none() && remember_allowed {
            let restored = match (&incoming.remember, incoming.remember_ref) {
                (Some(token), _) => self.restore_stateless(req, token).await?,
                (None, Some(login)) => Box::pin(self.restore_server(req, login)).await?,
                (None, None) => None,
            };
            if self.decided() {
                return Ok(());
            }
            if let Some(u) = restored {
                self.config.emit(req, LoginEvent::LoadedFromCookie(&u));
                user = Some(u);
                source = Source::Remember;
            }
        }
        if incoming.had_remember_cookie && !incoming.has_remember() {
            // Tampered, expired or signed with an unknown key: remove it, whoever is logged in
            // (unless a login made during the chain already decided the remember cookie).
            let mut state = self.state.borrow_mut();
            if matches!(state.remember, RememberOp::Keep) {
                state.remember = RememberOp::Delete;
            }
        }

        // 3. The request loader: reached even when a remember cookie was invalid (#901).
        if user.is_none()
            && let Some(loader) = &self.config.request_loader
            && let Some(u) = match loader.load_from_request(req).await {
                // A parameter the request does not satisfy (no such header): no credentials.
                Err(e) if e.is_client_error() => {
                    tracing::debug!(target: "login_runtime", error = %e, "request loader not applicable");
                    None
                }
                found => found?,
            }
        {
            self.config.emit(req, LoginEvent::LoadedFromRequest(&u));
            user = Some(u);
            source = Source::Request;
        }

        if let Some(u) = &user {
            self.rekey_remember(u, source, incoming);
        }
        let mut state = self.state.borrow_mut();
        if state.user.is_none() {
            state.user = Some(user.map(Rc::new));
            state.source = source;
        }
        Ok(())
    }

    /// A user restored from a valid stateless remember token, with a new non-fresh session;
    /// `None` (and the cookie deleted) when the token's user is gone, inactive or changed
    /// their credentials.
    async fn restore_stateless(
        &self,
        req: &HttpRequest,
        token: &RememberToken,
    ) -> Result<Option<U>, LoaderError> {
        let loaded = match token.user_id.parse::<U::Id>() {
            Ok(id) => (self.config.load_user)(id, req).await?,
            Err(_) => None,
        };
        if self.decided() {
            return Ok(None);
        }
        match loaded {
            Some(u)
                if u.is_authenticated() && self.auth_matches(&u, token.auth_digest.as_ref()).is_some() =>
            {
                // Bound to this client right away, so strong protection does not log it out on
                // the next request (Flask-Login #685, P5).
                let session = self.new_session(req, &u, false, now_secs());
                let mut state = self.state.borrow_mut();
                state.session = Some(session);
                state.session_dirty = true;
                Ok(Some(u))
            }
            _ => {
                self.state.borrow_mut().remember = RememberOp::Delete;
                Ok(None)
            }
        }
    }

    fn apply_session_protection(&self, req: &HttpRequest, incoming: &Incoming) {
        let mode = self.config.protection;
        if mode == SessionProtection::Off {
            return;
        }
        let mut state = self.state.borrow_mut();
        // Only a logged-in session is protected: an anonymous one never trips it (#569).
        let Some(session) = state.session.as_mut().filter(|s| s.user_id.is_some()) else {
            return;
        };
        let verdict = policy::protection(mode, session.fingerprint.as_ref(), |bound| {
            self.is_this_client(req, bound)
        });
        match verdict {
            Protection::Keep => return,
            Protection::Bind => session.fingerprint = Some(self.fingerprint(req)),
            Protection::Demote => {
                session.fresh = false;
                session.fingerprint = Some(self.fingerprint(req));
            }
            Protection::End => {
                state.session = None;
                if incoming.had_remember_cookie {
                    state.remember = RememberOp::Delete;
                }
            }
        }
        state.session_dirty = true;
        drop(state);
        if verdict != Protection::Bind {
            self.config.emit(req, LoginEvent::SessionProtected);
        }
    }

    /// The timeouts of session logins, with how often `last_seen` is refreshed: a tenth of the
    /// idle timeout; with a server-side store also a tenth of the record's lifetime, so the
    /// record's expiry moves with use.
    fn timeouts(&self) -> Timeouts {
        let t = &self.config.timeouts;
        let idle = t.idle.map(|d| d.as_secs());
        let touch_every = match &self.config.server {
            Some(server) => Some(server.touch_every()),
            None => idle.map(|i| (i / 10).max(1)),
        };
        Timeouts {
            idle,
            absolute: t.absolute.map(|d| d.as_secs()),
            touch_every,
        }
    }

    /// Ends a session login past its idle or absolute deadline, and keeps `last_seen` current.
    fn apply_timeouts(&self) {
        let timeouts = self.timeouts();
        if timeouts == Timeouts::default() {
            return;
        }
        let mut state = self.state.borrow_mut();
        let Some(session) = state.session.as_mut().filter(|s| s.user_id.is_some()) else {
            return;
        };
        let now = now_secs();
        match policy::timeout(timeouts, now, session.logged_in_at, session.last_seen) {
            Timeout::Live => return,
            Timeout::Touch => session.last_seen = now,
            // The remember cookie may still restore the user; only the session login ends.
            Timeout::Expired => state.session = None,
        }
        state.session_dirty = true;
    }

    /// Ends the login held in the session (and the remember cookie that could bring it back).
    pub(super) fn clear_login(&self, incoming: &Incoming) {
        let mut state = self.state.borrow_mut();
        state.session = None;
        state.session_dirty = true;
        if incoming.had_remember_cookie {
            state.remember = RememberOp::Delete;
        }
    }
}
