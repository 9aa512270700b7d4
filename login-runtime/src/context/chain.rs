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
use crate::crypto::keys::TAG_LEN;
use crate::events::LoginEvent;
use crate::loader::LoaderError;
use crate::policy::{self, Protection, Timeout, Timeouts};
use crate::remember::RememberToken;
use crate::user::UserMixin;

/// The login a session names: its user id, if it parses, and the auth digest stored with it.
pub(super) type SessionLogin<Id> = (Option<Id>, Option<[u8; TAG_LEN]>);

/// What the session step made of the user its loader returned.
pub(super) enum SessionUser<U> {
    /// Still the user the login was made for; `rekeyed` when its auth digest was re-sealed
    /// with the primary key (a server-side store must then record it).
    Accepted { user: U, rekeyed: bool },
    /// Gone, or their credentials changed since the login.
    Rejected,
}

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
        let server = self.config.server.is_some();
        if server {
            self.config.emit(req, LoginEvent::Accessed);
            // Boxed, so the cookie path's future does not carry the store steps' state.
            Box::pin(self.open_server_session(incoming)).await?;
            if self.decided() {
                return Ok(());
            }
            self.apply_policies(req, incoming);
            Box::pin(self.record_policy_changes(incoming)).await?;
            if self.decided() {
                return Ok(());
            }
        } else {
            self.open_cookie_session(req, incoming);
        }

        // 1. The session.
        let mut user = None;
        if let Some((id, stored_digest)) = self.session_login() {
            let loaded = match id {
                Some(id) => (self.config.load_user)(id, req).await?,
                None => None,
            };
            if self.decided() {
                return Ok(());
            }
            match self.accept_session_user(loaded, stored_digest.as_ref()) {
                SessionUser::Accepted { user: u, rekeyed } => {
                    if rekeyed && server {
                        Box::pin(self.record_policy_changes(incoming)).await?;
                        if self.decided() {
                            return Ok(());
                        }
                    }
                    user = Some(u);
                }
                SessionUser::Rejected => {
                    self.clear_login(incoming);
                    if server {
                        Box::pin(self.end_server_login()).await?;
                    }
                }
            }
        }
        match user {
            Some(u) => {
                self.settle_chain(incoming, Some(u), Source::Session);
                Ok(())
            }
            None => self.fall_through(req, incoming).await,
        }
    }

    /// The cookie store's first steps, all synchronous: the `Accessed` event, then session
    /// protection, the timeouts and re-keying applied to the session the cookie carried.
    pub(super) fn open_cookie_session(&self, req: &HttpRequest, incoming: &Incoming) {
        self.config.emit(req, LoginEvent::Accessed);
        self.apply_policies(req, incoming);
    }

    fn apply_policies(&self, req: &HttpRequest, incoming: &Incoming) {
        self.apply_session_protection(req, incoming);
        self.apply_timeouts();
        self.rekey_session(req, incoming);
    }

    /// The login the session names after the policies: its id (`None` when it does not parse
    /// as the user's id type) and the auth digest stored with it. Read under a short borrow,
    /// without cloning the session state.
    pub(super) fn session_login(&self) -> Option<SessionLogin<U::Id>> {
        let state = self.state.borrow();
        state.session.as_ref().and_then(|s| {
            s.user_id
                .as_deref()
                .map(|id| (id.parse::<U::Id>().ok(), s.auth_digest))
        })
    }

    /// What the session step makes of the user its loader returned: kept when it still
    /// matches the digest stored with the login (re-keyed if a fallback key matched).
    pub(super) fn accept_session_user(
        &self,
        loaded: Option<U>,
        stored_digest: Option<&[u8; TAG_LEN]>,
    ) -> SessionUser<U> {
        match loaded.and_then(|u| Some((self.auth_matches(&u, stored_digest)?, u))) {
            Some((matched, user)) => SessionUser::Accepted {
                rekeyed: self.rekey_auth_digest(&user, matched),
                user,
            },
            // The user is gone or their credentials changed: the caller ends this login for
            // good (Flask-Login keeps the stale id and re-queries it forever, #363).
            None => SessionUser::Rejected,
        }
    }

    /// Whether a request the session did not log in has nothing else to try: no remember
    /// cookie that may be valid, and no request loader. The chain can then settle at once.
    pub(super) fn nothing_to_fall_through_to(&self, incoming: &Incoming) -> bool {
        !incoming.has_remember() && self.config.request_loader.is_none()
    }

    /// Steps 2 and 3, for a request the session did not log in: the remember cookie, then the
    /// request loader; then the chain settles.
    pub(super) async fn fall_through(
        &self,
        req: &HttpRequest,
        incoming: &Incoming,
    ) -> Result<(), LoaderError> {
        let mut user = None;
        let mut source = Source::Nobody;

        // 2. The remember cookie.
        let remember_allowed = !matches!(self.state.borrow().remember, RememberOp::Delete);
        if remember_allowed {
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
        self.settle_chain(incoming, user, source);
        Ok(())
    }

    /// The chain's last, synchronous step: a remember cookie that was there but is not valid is
    /// deleted, what a fallback key accepted is re-sealed, and the user is recorded (unless a
    /// login or logout during the chain already decided who the request is).
    pub(super) fn settle_chain(&self, incoming: &Incoming, user: Option<U>, source: Source) {
        if incoming.had_remember_cookie && !incoming.has_remember() {
            // Tampered, expired or signed with an unknown key: remove it, whoever is logged in
            // (unless a login made during the chain already decided the remember cookie).
            let mut state = self.state.borrow_mut();
            if matches!(state.remember, RememberOp::Keep) {
                state.remember = RememberOp::Delete;
            }
        }
        if let Some(u) = &user {
            self.rekey_remember(u, source, incoming);
        }
        let mut state = self.state.borrow_mut();
        if state.user.is_none() {
            state.user = Some(user.map(Rc::new));
            state.source = source;
        }
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
