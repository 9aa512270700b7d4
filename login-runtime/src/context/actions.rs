//! What handlers do to the login state: log in, log out, confirm, update the auth hash, and the
//! questions about it (fresh, remembered, the kept `next`).

use std::rc::Rc;

use actix_web::HttpRequest;

use crate::clock::now_secs;
use crate::context::{LoginContext, LoginOptions, RememberOp, ServerLogin, Source};
use crate::error::LoginError;
use crate::events::LoginEvent;
use crate::loader::LoaderError;
use crate::remember::RememberToken;
use crate::store::RecordKey;
use crate::store::record::secret_digest;
use crate::store::server::{LoginRef, random_secret};
use crate::user::UserMixin;

impl<U: UserMixin> LoginContext<U> {
    /// Logs `user` in: replaces the whole login state. With a server-side store the new
    /// login is recorded first (a failure leaves the request as it was), under a new id, and
    /// the login this request held before is ended.
    pub(crate) async fn login(
        &self,
        req: &HttpRequest,
        user: U,
        opts: LoginOptions,
    ) -> Result<(), LoginError> {
        if !opts.force && !user.is_active() {
            return Err(LoginError::Inactive);
        }
        let incoming = self.incoming(req);
        let now = now_secs();
        let session = self.new_session(req, &user, opts.fresh, now);
        let lifetime = opts
            .duration
            .unwrap_or(self.config.remember.duration)
            .as_secs()
            .max(1);
        let expires_at = now.saturating_add(lifetime);
        let mut server_login = None;
        let remember = match &self.config.server {
            None if opts.remember => RememberOp::Set(RememberToken {
                user_id: user.get_id().to_string(),
                issued_at: now,
                expires_at,
                auth_digest: session.auth_digest,
            }),
            None => RememberOp::Keep,
            Some(server) => {
                let login = LoginRef::generate()?;
                let validator = if opts.remember {
                    Some(random_secret()?)
                } else {
                    None
                };
                let record = self.new_record(req, &session, &login, validator.map(|v| (v, expires_at)))?;
                let previous = self.named_logins(incoming);
                server.save(&login.login_id, &record, now).await?;
                for key in previous {
                    if let Err(err) = server.delete(&key).await {
                        tracing::warn!(target: "login_runtime", error = %err, "the login replaced by a new one could not be ended on the server; it expires on its own");
                    }
                }
                server_login = Some(Box::new(ServerLogin {
                    login_id: login.login_id,
                    record,
                    new_secret: Some(login.secret),
                }));
                match validator {
                    Some(validator) => RememberOp::SetServer {
                        login_id: login.login_id,
                        validator,
                        expires_at,
                    },
                    None => RememberOp::Keep,
                }
            }
        };
        // Never let an earlier user's remember cookie outlive this login (Flask-Login P24).
        let remember = match remember {
            RememberOp::Keep if incoming.had_remember_cookie => RememberOp::Delete,
            op => op,
        };
        let user = Rc::new(user);
        {
            let mut state = self.state.borrow_mut();
            let previous_next = state.session.as_mut().and_then(|s| s.next.take());
            if previous_next.is_some() {
                *self.replaced_next.borrow_mut() = previous_next;
            }
            state.session = Some(session);
            state.session_dirty = true;
            state.remember = remember;
            state.user = Some(Some(Rc::clone(&user)));
            state.source = Source::Login;
            state.server = server_login;
        }
        self.config.emit(req, LoginEvent::LoggedIn(&user));
        Ok(())
    }

    /// Logs the current user out and deletes the remember cookie. With a server-side store the
    /// login's record is deleted too, so its cookies are worthless even if copied.
    pub(crate) async fn logout(&self, req: &HttpRequest) {
        // Load first so the event carries the user; a loader failure does not stop a logout.
        if let Err(err) = self.load(req).await {
            tracing::warn!(target: "login_runtime", error = %err, "loading the user before logout failed");
        }
        let incoming = self.incoming(req);
        let ended = match &self.config.server {
            Some(_) => self.named_logins(incoming),
            None => Vec::new(),
        };
        let previous = {
            let mut state = self.state.borrow_mut();
            state.session = None;
            state.session_dirty = true;
            state.server = None;
            // Only a cookie the request carried is deleted, so a cookieless logout answers
            // with no `Set-Cookie` (see SECURITY.md on narrowing the cookies' `Path`).
            state.remember = if incoming.had_remember_cookie {
                RememberOp::Delete
            } else {
                RememberOp::Keep
            };
            state.source = Source::Nobody;
            state.user.replace(None).flatten()
        };
        if let Some(server) = &self.config.server {
            for key in ended {
                if let Err(err) = server.delete(&key).await {
                    tracing::error!(target: "login_runtime", error = %err, "the login could not be ended on the server: the browser is logged out, but a copy of its cookies stays valid until the record expires");
                }
            }
        }
        self.config.emit(req, LoginEvent::LoggedOut(previous.as_deref()));
    }

    /// Marks the current login fresh again and binds it to this client; with a server-side
    /// store it also gets a new session id.
    pub(crate) async fn confirm(&self, req: &HttpRequest) -> Result<bool, LoaderError> {
        self.load(req).await?;
        let now = now_secs();
        let fp = self.fingerprint(req);
        let mut confirmed = match self.state.borrow().session.as_ref() {
            Some(session) if session.user_id.is_some() => session.clone(),
            _ => return Ok(false),
        };
        confirmed.fresh = true;
        confirmed.authenticated_at = now;
        confirmed.fingerprint = Some(fp);
        let renewed = self.save_server_session(&confirmed, true, now).await?;
        {
            let mut state = self.state.borrow_mut();
            state.session = Some(confirmed);
            state.session_dirty = true;
            if let (Some(login), Some(secret)) = (state.server.as_mut(), renewed) {
                login.new_secret = Some(secret);
            }
        }
        self.config.emit(req, LoginEvent::LoginConfirmed);
        Ok(true)
    }

    /// With a server-side store, saves `session` as the state of the login this request holds
    /// (with a new session secret when `renew`, returned). Nothing to do for the cookie store.
    async fn save_server_session(
        &self,
        session: &crate::store::state::SessionState,
        renew: bool,
        now: u64,
    ) -> Result<Option<crate::store::record::Secret>, LoaderError> {
        let Some(server) = &self.config.server else {
            return Ok(None);
        };
        let Some((login_id, mut record)) = self
            .state
            .borrow()
            .server
            .as_ref()
            .map(|l| (l.login_id, l.record.clone()))
        else {
            return Ok(None);
        };
        let secret = if renew { Some(random_secret()?) } else { None };
        if let Some(secret) = &secret {
            record.session_digest = secret_digest(secret);
        }
        record.state = session.clone();
        server.save(&login_id, &record, now).await?;
        if let Some(login) = self.state.borrow_mut().server.as_mut() {
            login.record = record;
        }
        Ok(secret)
    }

    /// Whether the session login is backed by a valid remember cookie for the same user.
    pub(crate) fn is_remembered(&self, req: &HttpRequest) -> bool {
        let incoming = self.incoming(req);
        let state = self.state.borrow();
        if let Some(login) = &state.server {
            return match &state.remember {
                RememberOp::SetServer { .. } => true,
                RememberOp::Delete => false,
                _ => {
                    login.record.remember.is_some()
                        && incoming
                            .remember_ref
                            .is_some_and(|r| r.login_id == login.login_id)
                }
            };
        }
        let session_user = state.session.as_ref().and_then(|s| s.user_id.as_deref());
        match &state.remember {
            RememberOp::Set(token) => session_user == Some(token.user_id.as_str()),
            RememberOp::Delete | RememberOp::SetServer { .. } => false,
            RememberOp::Keep => incoming
                .remember
                .as_ref()
                .is_some_and(|t| session_user == Some(t.user_id.as_str())),
        }
    }

    /// Takes the `next` stored in the session, if any.
    pub(crate) fn take_session_next(&self, req: &HttpRequest) -> Option<String> {
        self.incoming(req);
        if let Some(next) = self.replaced_next.borrow_mut().take() {
            return Some(next);
        }
        let mut state = self.state.borrow_mut();
        let next = state.session.as_mut().and_then(|s| s.next.take());
        if next.is_some() {
            state.session_dirty = true;
        }
        next
    }

    /// Keeps the current login valid after `user` changed their own credentials: stores the
    /// digest of the new auth hash with the login, and re-signs the remember cookie (same
    /// deadline) when the login is remembered. Every other login of the user stops working.
    /// Returns `false` when `user` is not the one logged in by session.
    pub(crate) async fn update_auth_hash(&self, req: &HttpRequest, user: U) -> Result<bool, LoaderError> {
        self.load(req).await?;
        let remembered = self.is_remembered(req);
        let incoming = self.incoming(req);
        let digest = self.auth_digest(&user);
        let user_id = user.get_id().to_string();
        let mut updated = match self.state.borrow().session.as_ref() {
            Some(session) if session.user_id.as_deref() == Some(&user_id) => session.clone(),
            _ => return Ok(false),
        };
        let old_digest = std::mem::replace(&mut updated.auth_digest, digest);
        self.save_server_session(&updated, false, now_secs()).await?;
        let mut state = self.state.borrow_mut();
        state.session = Some(updated);
        state.session_dirty = true;
        if remembered && state.server.is_none() {
            let current = match &state.remember {
                RememberOp::Set(token) => Some(token.clone()),
                _ => incoming.remember.clone(),
            };
            // Only a remember cookie that was valid for this login is carried over: one made
            // under an older password (planted in this browser, say) is removed, not revived.
            state.remember = match current {
                Some(token) if token.auth_digest == old_digest => RememberOp::Set(RememberToken {
                    auth_digest: digest,
                    ..token
                }),
                _ => RememberOp::Delete,
            };
        }
        state.user = Some(Some(Rc::new(user)));
        Ok(true)
    }

    /// The store key of the login this request holds (server-side stores only).
    pub(crate) fn current_login_key(&self) -> Option<RecordKey> {
        self.state
            .borrow()
            .server
            .as_ref()
            .map(|l| RecordKey::of_login(&l.login_id))
    }

    /// Forgets the login this request holds, as a logout does, without a store call (its
    /// record was just deleted): the cookies are deleted on the response.
    pub(crate) fn forget_login(&self, req: &HttpRequest) {
        let incoming = self.incoming(req);
        let mut state = self.state.borrow_mut();
        state.session = None;
        state.session_dirty = true;
        state.server = None;
        if incoming.had_remember_cookie {
            state.remember = RememberOp::Delete;
        }
        state.user = Some(None);
        state.source = Source::Nobody;
    }
}
