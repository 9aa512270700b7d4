//! The per-request login state: parsed lazily, loaded at most once, written back on the
//! response only when it changed.
//!
//! The middleware puts one [`LoginContext`] into the request extensions. Nothing is parsed until
//! an extractor or a guard asks; then the chain runs once: session cookie (after session
//! protection), then the remember cookie, then the request loader, each falling through to the
//! next on a miss.

use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::cookie::Cookie;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use subtle::ConstantTimeEq;

use crate::config::{
    Config, CookieSettings, LoginMessage, MessageKind, Refusal, SessionProtection, localized,
};
use crate::events::LoginEvent;
use crate::guard::{Flavour, RouteOptions, ScopeRules};
use crate::keys::TAG_LEN;
use crate::redirect::{MAX_NEXT_LEN, login_url, make_next_param};
use crate::remember::RememberToken;
use crate::session::{FINGERPRINT_LEN, SessionState};
use crate::user::{LoaderError, LocalBoxFuture, UserLoader};
use crate::wire::MAX_COOKIE_LEN;

/// Unix seconds now (0 if the clock is before 1970, which only a broken clock gives).
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the request brought.
struct Incoming {
    had_session_cookie: bool,
    had_remember_cookie: bool,
    remember: Option<RememberToken>,
}

/// What happens to the remember cookie on the response.
#[derive(Default)]
enum RememberOp {
    #[default]
    Keep,
    Set(RememberToken),
    Delete,
}

/// Where the current user came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Source {
    #[default]
    Nobody,
    Session,
    Remember,
    Request,
    Login,
}

struct State<U> {
    session: Option<SessionState>,
    session_dirty: bool,
    remember: RememberOp,
    /// `None` until loaded; then the user, if any.
    user: Option<Option<Rc<U>>>,
    source: Source,
}

/// Options of one `login_user` call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoginOptions {
    pub(crate) remember: bool,
    pub(crate) duration: Option<Duration>,
    pub(crate) fresh: bool,
    pub(crate) force: bool,
}

/// Why `login_user` refused.
///
/// ```
/// use actix_web::HttpResponse;
/// use login_runtime::{LoginError, LoginSession, UserMixin, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String, #[user(active)] enabled: bool }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn login(login: LoginSession<User>) -> HttpResponse {
///     let user = User { id: "ann".into(), enabled: false }; // after checking the password
///     match login.login_user(&user).await {
///         Ok(()) => HttpResponse::SeeOther().insert_header(("Location", "/")).finish(),
///         Err(LoginError::Inactive) => HttpResponse::Forbidden().body("This account is disabled."),
///         Err(other) => HttpResponse::Forbidden().body(other.to_string()),
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginError {
    /// The user is not active (`is_active` is false) and the login was not forced.
    Inactive,
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginError::Inactive => f.write_str(
                "this account is inactive and cannot log in (use `.force(true)` to log in an inactive user on purpose)",
            ),
        }
    }
}

impl std::error::Error for LoginError {}

impl actix_web::ResponseError for LoginError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::FORBIDDEN
    }
}

/// The login state of one request.
pub(crate) struct LoginContext<U: UserLoader> {
    config: Arc<Config<U>>,
    incoming: OnceCell<Incoming>,
    fingerprint: OnceCell<[u8; FINGERPRINT_LEN]>,
    /// Where the load chain stands. A plain cell, not a tokio `OnceCell`: the context never
    /// leaves its worker thread, so the semaphore behind tokio's cell is pure overhead.
    load_state: Cell<LoadState>,
    /// Tasks waiting for a chain that another future of the same request is running (rare:
    /// two extractors polled together while the loader is pending).
    load_waiters: RefCell<Vec<Waker>>,
    /// Set while the load chain is being polled: a loader that asks for the current user would
    /// otherwise wait on its own chain forever.
    in_chain: Cell<bool>,
    state: RefCell<State<U>>,
    /// The `next` the session held before `login_user` replaced it, still readable through
    /// `safe_next` in the same request but never carried into the new session.
    replaced_next: RefCell<Option<String>>,
}

impl<U: UserLoader> LoginContext<U> {
    pub(crate) fn new(config: Arc<Config<U>>) -> Self {
        LoginContext {
            config,
            incoming: OnceCell::new(),
            fingerprint: OnceCell::new(),
            load_state: Cell::new(LoadState::Idle),
            load_waiters: RefCell::new(Vec::new()),
            in_chain: Cell::new(false),
            replaced_next: RefCell::new(None),
            state: RefCell::new(State {
                session: None,
                session_dirty: false,
                remember: RememberOp::Keep,
                user: None,
                source: Source::Nobody,
            }),
        }
    }

    pub(crate) fn config(&self) -> &Config<U> {
        &self.config
    }

    /// Parses the cookies on first use.
    fn incoming(&self, req: &HttpRequest) -> &Incoming {
        self.incoming.get_or_init(|| {
            let config = &*self.config;
            let mut incoming = Incoming {
                had_session_cookie: false,
                had_remember_cookie: false,
                remember: None,
            };
            let mut session = None;
            // Scan the `Cookie` headers in place for our two names: no cookie jar, no copy of
            // any cookie. The scan works on bytes, so a non-UTF-8 byte in somebody else's
            // cookie cannot hide ours; only our own values must be UTF-8 (they are base64url,
            // compared as sent, without percent-decoding). The first cookie of a name wins, as
            // browsers send the most specific first.
            for header in req.headers().get_all(header::COOKIE) {
                for pair in header.as_bytes().split(|&b| b == b';') {
                    let Some(eq) = pair.iter().position(|&b| b == b'=') else {
                        continue;
                    };
                    let name = pair[..eq].trim_ascii();
                    let value = pair[eq + 1..].trim_ascii();
                    let value = value
                        .strip_prefix(b"\"")
                        .and_then(|v| v.strip_suffix(b"\""))
                        .unwrap_or(value);
                    // A value of ours that is not UTF-8 is a bad cookie: present, never valid.
                    let value = std::str::from_utf8(value).ok();
                    if name == config.session_cookie.name.as_bytes() && !incoming.had_session_cookie {
                        incoming.had_session_cookie = true;
                        session = value.and_then(|v| config.session_codec.open(v));
                    } else if name == config.remember_cookie.name.as_bytes() && !incoming.had_remember_cookie
                    {
                        incoming.had_remember_cookie = true;
                        // The clock is read only when a remember cookie is there to check.
                        incoming.remember = value.and_then(|v| config.remember_codec.open(v, now_secs()));
                    }
                }
            }
            self.state.borrow_mut().session = session;
            incoming
        })
    }

    fn fingerprint(&self, req: &HttpRequest) -> [u8; FINGERPRINT_LEN] {
        *self
            .fingerprint
            .get_or_init(|| self.config.session_codec.fingerprint_keys().current(req))
    }

    /// Whether `bound` is the fingerprint of this request's client: under the primary key, or
    /// under a fallback key for a login bound before a key rotation.
    fn is_this_client(&self, req: &HttpRequest, bound: &[u8; FINGERPRINT_LEN]) -> bool {
        *bound == self.fingerprint(req)
            || self
                .config
                .session_codec
                .fingerprint_keys()
                .matches_fallback(req, bound)
    }

    fn auth_digest(&self, user: &U) -> Option<[u8; TAG_LEN]> {
        user.auth_hash().map(|h| self.config.auth_keys.digest(h))
    }

    /// Whether the digest stored with a login still matches the user's current auth hash.
    fn auth_matches(&self, user: &U, stored: Option<&[u8; TAG_LEN]>) -> bool {
        match (user.auth_hash(), stored) {
            (None, None) => true,
            (Some(hash), Some(stored)) => self
                .config
                .auth_keys
                .digests(hash)
                .any(|d| bool::from(d.ct_eq(stored))),
            _ => false,
        }
    }

    /// Runs the load chain once per request.
    pub(crate) async fn load(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        if self.in_chain.get() {
            // Called from inside a loader (an extractor parameter, a `LoginSession` call):
            // waiting for the chain would wait for ourselves.
            return Err(LoaderError::new(
                "a loader asked for the current user while that user was being loaded: a `#[user_loader]` or `#[request_loader]` must not take `CurrentUser`/`MaybeUser` or call `LoginSession` methods that load the user",
            ));
        }
        loop {
            match self.load_state.get() {
                LoadState::Done => return Ok(()),
                LoadState::Running => LoadSettled(self).await,
                LoadState::Idle => return self.run_chain(req).await,
            }
        }
    }

    /// Runs the chain, marking it as running so that other futures of this request wait for
    /// it. On an error (or if this future is dropped mid-way) the chain goes back to idle, so
    /// the next caller runs it again, as a failed `OnceCell` initialisation would.
    async fn run_chain(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        self.load_state.set(LoadState::Running);
        let settle = SettleOnDrop(self);
        let result = MarkWhilePolled {
            flag: &self.in_chain,
            inner: self.load_chain(req),
        }
        .await;
        if result.is_ok() {
            self.load_state.set(LoadState::Done);
        }
        drop(settle);
        result
    }

    /// The authenticated user, if the load chain has already run in this request; `None` when
    /// it has not (the caller must then run [`LoginContext::authenticated_user`]).
    pub(crate) fn loaded_user(&self) -> Option<Option<Rc<U>>> {
        (self.load_state.get() == LoadState::Done).then(|| self.current_authenticated())
    }

    /// The loaded user, if active. Only meaningful once the chain has run.
    fn current_authenticated(&self) -> Option<Rc<U>> {
        self.state
            .borrow()
            .user
            .clone()
            .flatten()
            .filter(|u| u.is_authenticated())
    }

    /// Whether `login_user` already decided who this request is (it may run while a loader is
    /// awaited, for example from inside the loader); the chain must then change nothing.
    fn decided(&self) -> bool {
        self.state.borrow().user.is_some()
    }

    async fn load_chain(&self, req: &HttpRequest) -> Result<(), LoaderError> {
        let incoming = self.incoming(req);
        if self.state.borrow().user.is_some() {
            // `login_user` or `logout_user` already decided who this request is.
            return Ok(());
        }
        self.config.emit(req, LoginEvent::Accessed);
        self.apply_session_protection(req, incoming);
        self.apply_timeouts();

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
                Some(id) => U::load_user(id, req).await?,
                None => None,
            };
            if self.decided() {
                return Ok(());
            }
            match loaded {
                Some(u) if self.auth_matches(&u, stored_digest.as_ref()) => {
                    user = Some(u);
                    source = Source::Session;
                }
                // The user is gone or their credentials changed: end this login for good
                // (Flask-Login keeps the stale id and re-queries it forever, #363).
                _ => self.clear_login(incoming),
            }
        }

        // 2. The remember cookie.
        let remember_allowed = !matches!(self.state.borrow().remember, RememberOp::Delete);
        if user.is_none()
            && remember_allowed
            && let Some(token) = &incoming.remember
        {
            let loaded = match token.user_id.parse::<U::Id>() {
                Ok(id) => U::load_user(id, req).await?,
                Err(_) => None,
            };
            if self.decided() {
                return Ok(());
            }
            match loaded {
                Some(u) if u.is_authenticated() && self.auth_matches(&u, token.auth_digest.as_ref()) => {
                    self.restore_from_remember(req, &u, token);
                    self.config.emit(req, LoginEvent::LoadedFromCookie(&u));
                    user = Some(u);
                    source = Source::Remember;
                }
                _ => self.state.borrow_mut().remember = RememberOp::Delete,
            }
        }
        if incoming.had_remember_cookie && incoming.remember.is_none() {
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

        let mut state = self.state.borrow_mut();
        if state.user.is_none() {
            state.user = Some(user.map(Rc::new));
            state.source = source;
        }
        Ok(())
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
        let current = self.fingerprint(req);
        match session.fingerprint {
            Some(bound) if self.is_this_client(req, &bound) => {}
            None => {
                session.fingerprint = Some(current);
                state.session_dirty = true;
            }
            Some(_) => {
                match mode {
                    SessionProtection::Basic => {
                        session.fresh = false;
                        session.fingerprint = Some(current);
                        state.session_dirty = true;
                    }
                    SessionProtection::Strong | SessionProtection::Off => {
                        state.session = None;
                        state.session_dirty = true;
                        if incoming.had_remember_cookie {
                            state.remember = RememberOp::Delete;
                        }
                    }
                }
                drop(state);
                self.config.emit(req, LoginEvent::SessionProtected);
            }
        }
    }

    /// Ends a session login past its idle or absolute deadline, and keeps `last_seen` current
    /// when an idle timeout is set.
    fn apply_timeouts(&self) {
        let (idle, absolute) = (self.config.idle_timeout, self.config.absolute_timeout);
        if idle.is_none() && absolute.is_none() {
            return;
        }
        let now = now_secs();
        let expired = {
            let state = self.state.borrow();
            let Some(session) = state.session.as_ref().filter(|s| s.user_id.is_some()) else {
                return;
            };
            let idle_expired = idle.is_some_and(|t| now.saturating_sub(session.last_seen) > t.as_secs());
            let absolute_expired =
                absolute.is_some_and(|t| now.saturating_sub(session.logged_in_at) > t.as_secs());
            idle_expired || absolute_expired
        };
        if expired {
            // The remember cookie may still restore the user; only the session login ends.
            let mut state = self.state.borrow_mut();
            state.session = None;
            state.session_dirty = true;
            return;
        }
        if let Some(idle) = idle {
            let mut state = self.state.borrow_mut();
            // Rewrite the cookie only when `last_seen` drifted by a tenth of the timeout (at
            // least a second), not on every request.
            let slack = (idle.as_secs() / 10).max(1);
            if let Some(session) = state.session.as_mut()
                && now.saturating_sub(session.last_seen) >= slack
            {
                session.last_seen = now;
                state.session_dirty = true;
            }
        }
    }

    /// Ends the login held in the session (and the remember cookie that could bring it back).
    fn clear_login(&self, incoming: &Incoming) {
        let mut state = self.state.borrow_mut();
        state.session = None;
        state.session_dirty = true;
        if incoming.had_remember_cookie {
            state.remember = RememberOp::Delete;
        }
    }

    fn restore_from_remember(&self, req: &HttpRequest, user: &U, _token: &RememberToken) {
        let now = now_secs();
        let session = SessionState {
            user_id: Some(user.get_id().to_string()),
            fresh: false,
            // Bind the restored login to this client right away, so strong protection does not
            // log it out on the next request (Flask-Login #685, P5).
            fingerprint: Some(self.fingerprint(req)),
            auth_digest: self.auth_digest(user),
            logged_in_at: now,
            authenticated_at: 0,
            last_seen: now,
            next: None,
        };
        let mut state = self.state.borrow_mut();
        state.session = Some(session);
        state.session_dirty = true;
    }

    /// The logged-in user, loading it if needed. Inactive users count as anonymous.
    pub(crate) async fn authenticated_user(&self, req: &HttpRequest) -> Result<Option<Rc<U>>, LoaderError> {
        self.load(req).await?;
        Ok(self.current_authenticated())
    }

    /// Where the current user came from (after loading).
    pub(crate) fn source(&self) -> Source {
        self.state.borrow().source
    }

    /// Logs `user` in: replaces the whole login state.
    pub(crate) fn login(&self, req: &HttpRequest, user: U, opts: LoginOptions) -> Result<(), LoginError> {
        if !opts.force && !user.is_active() {
            return Err(LoginError::Inactive);
        }
        let incoming = self.incoming(req);
        let now = now_secs();
        let auth_digest = self.auth_digest(&user);
        let user_id = user.get_id().to_string();
        let session = SessionState {
            user_id: Some(user_id.clone()),
            fresh: opts.fresh,
            fingerprint: Some(self.fingerprint(req)),
            auth_digest,
            logged_in_at: now,
            authenticated_at: if opts.fresh { now } else { 0 },
            last_seen: now,
            // A new login inherits nothing from before, not even `next`.
            next: None,
        };
        let remember = if opts.remember {
            let lifetime = opts
                .duration
                .unwrap_or(self.config.remember_duration)
                .as_secs()
                .max(1);
            RememberOp::Set(RememberToken {
                user_id,
                issued_at: now,
                expires_at: now.saturating_add(lifetime),
                auth_digest,
            })
        } else if incoming.had_remember_cookie {
            // Never let an earlier user's remember cookie outlive this login (Flask-Login P24).
            RememberOp::Delete
        } else {
            RememberOp::Keep
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
        }
        self.config.emit(req, LoginEvent::LoggedIn(&user));
        Ok(())
    }

    /// Logs the current user out and deletes the remember cookie.
    pub(crate) async fn logout(&self, req: &HttpRequest) {
        // Load first so the event carries the user; a loader failure does not stop a logout.
        if let Err(err) = self.load(req).await {
            tracing::warn!(target: "login_runtime", error = %err, "loading the user before logout failed");
        }
        let incoming = self.incoming(req);
        let previous = {
            let mut state = self.state.borrow_mut();
            state.session = None;
            state.session_dirty = true;
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
        self.config.emit(req, LoginEvent::LoggedOut(previous.as_deref()));
    }

    /// Marks the current login fresh again and binds it to this client.
    pub(crate) async fn confirm(&self, req: &HttpRequest) -> Result<bool, LoaderError> {
        self.load(req).await?;
        let now = now_secs();
        let fp = self.fingerprint(req);
        let confirmed = {
            let mut state = self.state.borrow_mut();
            match state.session.as_mut().filter(|s| s.user_id.is_some()) {
                Some(session) => {
                    session.fresh = true;
                    session.authenticated_at = now;
                    session.fingerprint = Some(fp);
                    state.session_dirty = true;
                    true
                }
                None => false,
            }
        };
        if confirmed {
            self.config.emit(req, LoginEvent::LoginConfirmed);
        }
        Ok(confirmed)
    }

    /// Whether the session login is fresh, and, with `max_age`, proved within that many seconds.
    pub(crate) fn is_fresh(&self, max_age: Option<u64>) -> bool {
        let state = self.state.borrow();
        state.session.as_ref().is_some_and(|s| {
            s.user_id.is_some()
                && s.fresh
                && max_age.is_none_or(|max| now_secs().saturating_sub(s.authenticated_at) <= max)
        })
    }

    /// Whether the current login is backed by a valid remember cookie for the same user.
    pub(crate) fn is_remembered(&self, req: &HttpRequest) -> bool {
        let incoming = self.incoming(req);
        let state = self.state.borrow();
        let session_user = state.session.as_ref().and_then(|s| s.user_id.as_deref());
        match &state.remember {
            RememberOp::Set(token) => session_user == Some(token.user_id.as_str()),
            RememberOp::Delete => false,
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
    /// digest of the new auth hash in the session, and re-signs the remember cookie (same
    /// deadline) when the login is remembered. Every other session and remember cookie of the
    /// user stops working. Returns `false` when `user` is not the one logged in by session.
    pub(crate) async fn update_auth_hash(&self, req: &HttpRequest, user: U) -> Result<bool, LoaderError> {
        self.load(req).await?;
        let remembered = self.is_remembered(req);
        let incoming = self.incoming(req);
        let digest = self.auth_digest(&user);
        let user_id = user.get_id().to_string();
        let mut state = self.state.borrow_mut();
        let Some(session) = state
            .session
            .as_mut()
            .filter(|s| s.user_id.as_deref() == Some(&user_id))
        else {
            return Ok(false);
        };
        let old_digest = std::mem::replace(&mut session.auth_digest, digest);
        state.session_dirty = true;
        if remembered {
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

    /// Runs a route guard: Ok when the request may reach the handler.
    pub(crate) async fn check(&self, req: &HttpRequest, opts: &RouteOptions) -> Result<(), actix_web::Error> {
        if self.config.exempt_methods.contains(req.method()) {
            // Answered here, without loading the user and without running the handler:
            // `web::resource(..).to(handler)` matches every method, so letting an exempt
            // `OPTIONS` through would run a guarded handler's body for anyone.
            let answer = HttpResponse::Ok().finish();
            return Err(actix_web::error::InternalError::from_response("exempt method", answer).into());
        }
        if self.authenticated_user(req).await?.is_none() {
            return Err(self.refusal(req, Refusal::Unauthorized, opts));
        }
        if opts.fresh && !self.is_fresh(opts.max_age_secs) {
            return Err(self.refusal(req, Refusal::NeedsRefresh, opts));
        }
        Ok(())
    }

    /// Builds the refusal answer as an actix error carrying the response.
    pub(crate) fn refusal(
        &self,
        req: &HttpRequest,
        refusal: Refusal,
        opts: &RouteOptions,
    ) -> actix_web::Error {
        let response = self.refusal_response(req, refusal, opts);
        actix_web::error::InternalError::from_response(refusal_name(refusal), response).into()
    }

    fn refusal_response(&self, req: &HttpRequest, refusal: Refusal, opts: &RouteOptions) -> HttpResponse {
        let config = &*self.config;
        config.emit(
            req,
            match refusal {
                Refusal::Unauthorized => LoginEvent::Unauthorized,
                Refusal::NeedsRefresh => LoginEvent::NeedsRefresh,
            },
        );
        let handler = match refusal {
            Refusal::Unauthorized => &config.unauthorized_handler,
            Refusal::NeedsRefresh => &config.needs_refresh_handler,
        };
        if let Some(handler) = handler {
            return handler(req, refusal);
        }
        let scope = req.extensions().get::<ScopeRules>().cloned();
        let flavour = match (opts.flavour, scope.as_ref().map(|s| s.flavour)) {
            (Flavour::Inherit, Some(f)) if f != Flavour::Inherit => f,
            (Flavour::Inherit, _) if config.json_by_default => Flavour::Json,
            (f, _) => f,
        };
        let (message, kind) = match refusal {
            Refusal::Unauthorized => (&config.login_message, MessageKind::Login),
            Refusal::NeedsRefresh => (&config.refresh_message, MessageKind::Refresh),
        };
        if flavour == Flavour::Json {
            return json_refusal(
                config.www_authenticate.as_str(),
                refusal,
                message.as_ref().map(|m| m.0.as_str()),
            );
        }
        let view = match refusal {
            Refusal::Unauthorized => opts
                .login_view
                .map(str::to_owned)
                .or_else(|| scope.as_ref().and_then(|s| s.login_view.clone()))
                .or_else(|| config.login_view.clone())
                // `""`: a scope view that failed its check (see `LoginScope::login_view`).
                .filter(|v| !v.is_empty()),
            Refusal::NeedsRefresh => opts
                .refresh_view
                .map(str::to_owned)
                .or_else(|| scope.as_ref().and_then(|s| s.refresh_view.clone()))
                .or_else(|| config.refresh_view.clone())
                .filter(|v| !v.is_empty()),
        };
        let Some(view) = view else {
            let text = match refusal {
                Refusal::Unauthorized => "401 Unauthorized: log in to access this page.",
                Refusal::NeedsRefresh => "401 Unauthorized: log in again to access this page.",
            };
            return HttpResponse::Unauthorized()
                .content_type("text/plain; charset=utf-8")
                .body(text);
        };
        let current = current_url(req);
        let location = if config.use_session_for_next {
            self.incoming(req);
            let next = make_next_param(&view, &current);
            // A `next` longer than `safe_next` accepts would only bloat the cookie past the
            // browser's limit (and ours), which would end the login it is stored with.
            if next.len() <= MAX_NEXT_LEN {
                let mut state = self.state.borrow_mut();
                state.session.get_or_insert_with(SessionState::default).next = Some(next);
                state.session_dirty = true;
            }
            login_url(&view, None, &config.next_field, None)
        } else {
            login_url(
                &view,
                Some(&current),
                &config.next_field,
                config.force_host_for_redirects.as_deref(),
            )
        };
        let Ok(location) = HeaderValue::from_str(&location) else {
            // Every view is checked before it gets here (the manager's and the macros' at build
            // time, a scope's when the scope is made); should one still not fit in a header,
            // refuse plainly instead of a 500.
            tracing::error!(target: "login_runtime", view = %view, "the login view is not a valid URL; answering 401");
            return HttpResponse::Unauthorized()
                .content_type("text/plain; charset=utf-8")
                .body("401 Unauthorized: log in to access this page.");
        };
        let mut response = HttpResponse::Found()
            .insert_header((header::LOCATION, location))
            .finish();
        if let Some((text, category)) = message {
            let message = LoginMessage {
                kind,
                text: localized(&config.localize, text).into_owned(),
                category: category.clone(),
            };
            for hook in &config.on_message {
                hook(req, &message, &mut response);
            }
        }
        response
    }

    /// Writes the cookies that changed onto the response. Does nothing if the login state was
    /// never touched.
    /// The session cookie's value. A value longer than browsers keep (and than we read back)
    /// would end the login it carries, so a `next` kept in the session is dropped first; if
    /// the login alone is still too long (a user id of kilobytes), that is logged.
    fn seal_session(&self, session: &SessionState) -> String {
        let codec = &self.config.session_codec;
        let value = codec.seal(session);
        if value.len() <= MAX_COOKIE_LEN {
            return value;
        }
        let value = match &session.next {
            Some(_) => codec.seal(&SessionState {
                next: None,
                ..session.clone()
            }),
            None => value,
        };
        if value.len() > MAX_COOKIE_LEN {
            tracing::error!(
                target: "login_runtime",
                bytes = value.len(),
                limit = MAX_COOKIE_LEN,
                "the session cookie is too long for browsers to keep, so this login will not last: use shorter user ids"
            );
        }
        value
    }

    /// Whether this request read or changed the login state (else `finish` writes nothing).
    pub(crate) fn touched(&self) -> bool {
        self.incoming.get().is_some()
    }

    pub(crate) fn finish(&self, res: &mut HttpResponse<impl Sized>) {
        let Some(incoming) = self.incoming.get() else {
            return;
        };
        let config = &*self.config;
        let state = self.state.borrow();
        // A user authenticated by the request itself (an API key, Basic) never gets a login
        // cookie: the client did not ask for a session. The clean-ups the load chain decided
        // (a stale session, a bad remember cookie) are still sent.
        let request_user = state.source == Source::Request;
        if state.session_dirty {
            match state.session.as_ref().filter(|s| !s.is_empty()) {
                Some(session) if request_user && session.user_id.is_some() => {}
                Some(session) => add_cookie(
                    res,
                    make_cookie(&config.session_cookie, self.seal_session(session), None),
                ),
                None if incoming.had_session_cookie => {
                    add_cookie(res, removal_cookie(&config.session_cookie))
                }
                None => {}
            }
        }
        match &state.remember {
            RememberOp::Set(_) if request_user => {}
            RememberOp::Set(token) => {
                let max_age = token.expires_at.saturating_sub(now_secs());
                add_cookie(
                    res,
                    make_cookie(
                        &config.remember_cookie,
                        config.remember_codec.seal(token),
                        Some(max_age),
                    ),
                );
            }
            RememberOp::Delete => add_cookie(res, removal_cookie(&config.remember_cookie)),
            RememberOp::Keep => {
                // Refresh only a cookie the client already has, for the user it names (#824).
                let logged_in_as = state.session.as_ref().and_then(|s| s.user_id.as_deref());
                if let (true, Some(token)) = (config.remember_refresh_each_request, &incoming.remember) {
                    let same_user = logged_in_as == Some(token.user_id.as_str());
                    if same_user && matches!(state.source, Source::Session | Source::Remember) {
                        let now = now_secs();
                        let lifetime = token.expires_at.saturating_sub(token.issued_at).max(1);
                        let renewed = RememberToken {
                            issued_at: now,
                            expires_at: now.saturating_add(lifetime),
                            ..token.clone()
                        };
                        add_cookie(
                            res,
                            make_cookie(
                                &config.remember_cookie,
                                config.remember_codec.seal(&renewed),
                                Some(lifetime),
                            ),
                        );
                    }
                }
            }
        }
        // The answer depended on the cookies: shared caches must not serve it to someone else.
        let headers = res.headers_mut();
        let has_vary_cookie = headers.get_all(header::VARY).any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("cookie"))
        });
        if !has_vary_cookie {
            headers.append(header::VARY, HeaderValue::from_static("Cookie"));
        }
    }
}

fn refusal_name(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::Unauthorized => "unauthorized",
        Refusal::NeedsRefresh => "needs refresh",
    }
}

/// `scheme://host/path?query` of the request, as the client addressed it.
fn current_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let path = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    format!("{}://{}{}", info.scheme(), info.host(), path)
}

fn json_refusal(www_authenticate: &str, refusal: Refusal, message: Option<&str>) -> HttpResponse {
    let (error, default_message) = match refusal {
        Refusal::Unauthorized => ("unauthorized", "Authentication required."),
        Refusal::NeedsRefresh => ("needs_refresh", "Please reauthenticate."),
    };
    let body = format!(
        "{{\"error\":\"{error}\",\"message\":\"{}\"}}",
        json_escape(message.unwrap_or(default_message))
    );
    let mut response = HttpResponse::Unauthorized();
    if let Ok(value) = HeaderValue::from_str(www_authenticate) {
        response.insert_header((header::WWW_AUTHENTICATE, value));
    }
    response.content_type("application/json").body(body)
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn make_cookie(settings: &CookieSettings, value: String, max_age_secs: Option<u64>) -> Cookie<'static> {
    let mut cookie = Cookie::build(settings.name.clone(), value)
        .path(settings.path.clone())
        .secure(settings.secure)
        .http_only(settings.http_only)
        .same_site(settings.same_site)
        .finish();
    if let Some(domain) = &settings.domain {
        cookie.set_domain(domain.clone());
    }
    if let Some(secs) = max_age_secs {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX / 2);
        cookie.set_max_age(CookieDuration::seconds(secs));
        if let Some(at) = OffsetDateTime::now_utc().checked_add(CookieDuration::seconds(secs)) {
            cookie.set_expires(at);
        }
    }
    cookie
}

/// A cookie that deletes `settings`' cookie: the same Path, Domain, Secure, HttpOnly and
/// SameSite as when it was set (Flask-Login #683), `Max-Age=0` and an `Expires` in the past.
fn removal_cookie(settings: &CookieSettings) -> Cookie<'static> {
    let mut cookie = make_cookie(settings, String::new(), None);
    cookie.set_max_age(CookieDuration::ZERO);
    cookie.set_expires(OffsetDateTime::UNIX_EPOCH);
    cookie
}

fn add_cookie(res: &mut HttpResponse<impl Sized>, cookie: Cookie<'static>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

pin_project_lite::pin_project! {
    /// Sets `flag` while `inner` is polled, so code running inside that poll can tell.
    struct MarkWhilePolled<'a, F> {
        flag: &'a Cell<bool>,
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for MarkWhilePolled<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let outer = this.flag.replace(true);
        let out = this.inner.poll(cx);
        this.flag.set(outer);
        out
    }
}

/// Where the load chain of a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LoadState {
    /// Not run yet, or the last run failed (a loader error): the next caller runs it.
    Idle,
    /// A future of this request is running it; others wait for it to settle.
    Running,
    /// It ran and decided who the request is.
    Done,
}

/// Resolves when the chain another future is running settles (done, failed or dropped).
struct LoadSettled<'a, U: UserLoader>(&'a LoginContext<U>);

impl<U: UserLoader> Future for LoadSettled<'_, U> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let ctx = self.0;
        if ctx.load_state.get() != LoadState::Running {
            return Poll::Ready(());
        }
        let mut waiters = ctx.load_waiters.borrow_mut();
        if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
            waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Held while a future runs the chain: when it finishes or is dropped, a chain still marked
/// as running goes back to idle, and every waiting task is woken.
struct SettleOnDrop<'a, U: UserLoader>(&'a LoginContext<U>);

impl<U: UserLoader> Drop for SettleOnDrop<'_, U> {
    fn drop(&mut self) {
        let ctx = self.0;
        if ctx.load_state.get() == LoadState::Running {
            ctx.load_state.set(LoadState::Idle);
        }
        let waiters = std::mem::take(&mut *ctx.load_waiters.borrow_mut());
        for waker in waiters {
            waker.wake();
        }
    }
}

/// The type-erased face of a [`LoginContext`], for guards that do not name the user type.
pub(crate) trait ErasedContext {
    /// The context as `Any`, for extractors that know the user type.
    fn into_any(self: Rc<Self>) -> Rc<dyn std::any::Any>;

    /// Runs a guard; the future owns what it needs, so the guard returns it as is.
    fn check_owned(
        self: Rc<Self>,
        req: HttpRequest,
        opts: RouteOptions,
    ) -> LocalBoxFuture<'static, Result<(), actix_web::Error>>;
}

impl<U: UserLoader> ErasedContext for LoginContext<U> {
    fn into_any(self: Rc<Self>) -> Rc<dyn std::any::Any> {
        self
    }

    fn check_owned(
        self: Rc<Self>,
        req: HttpRequest,
        opts: RouteOptions,
    ) -> LocalBoxFuture<'static, Result<(), actix_web::Error>> {
        Box::pin(async move { self.check(&req, &opts).await })
    }
}

/// The request-extension entry through which guards reach the context.
#[derive(Clone)]
pub(crate) struct ErasedHandle(pub(crate) Rc<dyn ErasedContext>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LoginManager;
    use crate::user::UserMixin;
    use actix_web::test::TestRequest;

    #[derive(Clone, Debug)]
    struct Member {
        id: String,
    }

    impl UserMixin for Member {
        type Id = String;
        fn get_id(&self) -> &String {
            &self.id
        }
    }

    /// Yields once, like a loader waiting for its database.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                Poll::Ready(())
            } else {
                self.0 = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    /// `gone` no longer exists; everybody else does.
    impl UserLoader for Member {
        fn load_user(
            id: String,
            _req: &HttpRequest,
        ) -> LocalBoxFuture<'_, Result<Option<Self>, LoaderError>> {
            Box::pin(async move {
                YieldOnce(false).await;
                Ok((id != "gone").then_some(Member { id }))
            })
        }
    }

    const OPTIONS: LoginOptions = LoginOptions {
        remember: true,
        duration: None,
        fresh: true,
        force: false,
    };

    #[test]
    fn a_login_made_while_the_chain_awaits_its_loader_is_not_undone_by_the_chain() {
        let manager = LoginManager::<Member>::builder([7u8; 32])
            .build()
            .expect("valid configuration");
        let gone = Member { id: "gone".into() };
        let req = manager
            .test_login(&gone)
            .apply(TestRequest::default())
            .to_http_request();
        let ctx = LoginContext::new(Arc::clone(&manager.config));
        let mut load = Box::pin(ctx.load(&req));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(load.as_mut().poll(&mut cx).is_pending(), "the loader is awaited");
        // Something else in the request logs `ada` in while the loader is pending.
        ctx.login(&req, Member { id: "ada".into() }, OPTIONS)
            .expect("an active user logs in");
        assert!(matches!(load.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
        drop(load);
        let state = ctx.state.borrow();
        assert_eq!(
            state.session.as_ref().and_then(|s| s.user_id.as_deref()),
            Some("ada"),
            "the stale session's cleanup must not erase the new login"
        );
        assert!(matches!(&state.remember, RememberOp::Set(t) if t.user_id == "ada"));
        assert_eq!(state.source, Source::Login);
    }

    /// Records whether it was woken.
    struct Flag(std::sync::atomic::AtomicBool);

    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    /// A request carrying ada's session cookie, and a fresh context for it.
    fn ada_logged_in() -> (HttpRequest, LoginContext<Member>) {
        let manager = LoginManager::<Member>::builder([7u8; 32])
            .build()
            .expect("valid configuration");
        let req = manager
            .test_login(&Member { id: "ada".into() })
            .apply(TestRequest::default())
            .to_http_request();
        (req, LoginContext::new(Arc::clone(&manager.config)))
    }

    #[test]
    fn a_second_load_waits_for_the_running_chain_and_is_woken_when_it_settles() {
        let (req, ctx) = ada_logged_in();
        let mut first = Box::pin(ctx.load(&req));
        let mut second = Box::pin(ctx.load(&req));
        let noop = &mut Context::from_waker(std::task::Waker::noop());
        let flag = Arc::new(Flag(std::sync::atomic::AtomicBool::new(false)));
        let waker = std::task::Waker::from(Arc::clone(&flag));
        assert!(first.as_mut().poll(noop).is_pending(), "the loader is awaited");
        assert!(
            second
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert!(ctx.loaded_user().is_none(), "not loaded while the chain runs");
        assert!(matches!(first.as_mut().poll(noop), Poll::Ready(Ok(()))));
        assert!(
            flag.0.load(std::sync::atomic::Ordering::SeqCst),
            "the waiter is woken"
        );
        assert!(matches!(second.as_mut().poll(noop), Poll::Ready(Ok(()))));
        let user = ctx.loaded_user().flatten().map(|u| u.id.clone());
        assert_eq!(user.as_deref(), Some("ada"));
    }

    #[test]
    fn a_chain_dropped_while_running_is_run_again_by_the_next_load() {
        let (req, ctx) = ada_logged_in();
        let noop = &mut Context::from_waker(std::task::Waker::noop());
        let mut abandoned = Box::pin(ctx.load(&req));
        assert!(abandoned.as_mut().poll(noop).is_pending());
        drop(abandoned);
        let mut next = Box::pin(ctx.load(&req));
        assert!(next.as_mut().poll(noop).is_pending(), "it runs the chain itself");
        assert!(matches!(next.as_mut().poll(noop), Poll::Ready(Ok(()))));
        let user = ctx.loaded_user().flatten().map(|u| u.id.clone());
        assert_eq!(user.as_deref(), Some("ada"));
    }
}
