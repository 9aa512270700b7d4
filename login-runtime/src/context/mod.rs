//! The per-request login state: read lazily, loaded at most once, written back on the
//! response only when it changed.
//!
//! The middleware puts one [`LoginContext`] into the request extensions. Nothing is read until
//! an extractor or a guard asks; then, in the order a request meets them:
//!
//! - `incoming.rs` finds our two cookies in the `Cookie` header and checks their signatures
//!   (no store call, no user load);
//! - `once.rs` makes sure the load chain runs once per request, however many extractors ask;
//! - `chain.rs` runs it: the session (with session protection and timeouts, `policy.rs`), then
//!   the remember cookie, then the request loader; `server.rs` does the session-store part of
//!   each step when the manager has a server-side store;
//! - `actions.rs` is what handlers do: log in, log out, confirm, update the auth hash;
//! - `rekey.rs` re-seals, with the primary key, what a fallback key accepted (cookies, and the
//!   keyed fingerprint and auth digest inside them), so a login outlives a key rotation;
//! - `outgoing.rs` writes what changed onto the response (cookies, `Vary`).

mod actions;
mod chain;
mod incoming;
mod once;
mod outgoing;
mod quick;
mod rekey;
mod server;

#[cfg(feature = "test-client")]
pub(crate) use outgoing::make_cookie as session_cookie;

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::clock::now_secs;
use crate::config::{Config, WorkerConfig};
use crate::crypto::fingerprint::{Client, FINGERPRINT_LEN};
use crate::crypto::keys::{KeyMatch, TAG_LEN, tags_equal};
use crate::guard::{ErasedContext, GuardStep, RouteOptions};
use crate::loader::LocalBoxFuture;
use crate::refusal::{LoadFailure, Refusal, SwallowedAnswer, refuse, store_unavailable};
use crate::remember::RememberToken;
use crate::store::record::{LoginRecord, Secret};
use crate::store::state::SessionState;
use crate::user::UserMixin;

use incoming::Incoming;
use once::LoadState;
pub(crate) use quick::Begun;

/// What happens to the remember cookie on the response.
#[derive(Default)]
enum RememberOp {
    #[default]
    Keep,
    /// Set a stateless remember cookie.
    Set(RememberToken),
    /// Set the remember cookie of a server-side login: its id and validator.
    SetServer {
        login_id: Secret,
        validator: Secret,
        expires_at: u64,
    },
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

/// The server-side login this request holds (server-side stores only).
struct ServerLogin {
    login_id: Secret,
    /// The record as loaded or made; its `state` is kept in [`State::session`] meanwhile.
    record: LoginRecord,
    /// The session secret to send in the session cookie: a new one (login, restore, confirm),
    /// or the current one re-sealed with the primary key after a key rotation.
    new_secret: Option<Secret>,
}

struct State<U> {
    session: Option<SessionState>,
    session_dirty: bool,
    remember: RememberOp,
    /// `None` until loaded; then the user, if any.
    user: Option<Option<Rc<U>>>,
    source: Source,
    /// Boxed: the cookie store never fills it, and a request's context stays small.
    server: Option<Box<ServerLogin>>,
}

/// Options of one `login_user` call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoginOptions {
    pub(crate) remember: bool,
    pub(crate) duration: Option<Duration>,
    pub(crate) fresh: bool,
    pub(crate) force: bool,
}

impl LoginOptions {
    /// `login_user`'s defaults: fresh, not remembered, not forced.
    pub(crate) const DEFAULT: LoginOptions = LoginOptions {
        remember: false,
        duration: None,
        fresh: true,
        force: false,
    };
}

/// The login state of one request.
pub(crate) struct LoginContext<U: UserMixin> {
    /// The manager's settings, through the worker's own handle: cloning it per request is a
    /// plain count, not an atomic one.
    config: WorkerConfig<U>,
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
    /// The future a quick load waits for (`quick.rs`), while it waits.
    quick: RefCell<Option<quick::Quick<U>>>,
    state: RefCell<State<U>>,
    /// The `next` the session held before `login_user` replaced it, still readable through
    /// `safe_next` in the same request but never carried into the new session.
    replaced_next: RefCell<Option<String>>,
    /// The answer of a failed load that a handler swallowed (`refusal/deferred.rs`); made only
    /// when a load fails, so a request pays nothing for it otherwise.
    swallowed: OnceCell<SwallowedAnswer>,
}

impl<U: UserMixin> LoginContext<U> {
    pub(crate) fn new(config: WorkerConfig<U>) -> Self {
        LoginContext {
            config,
            incoming: OnceCell::new(),
            fingerprint: OnceCell::new(),
            load_state: Cell::new(LoadState::Idle),
            load_waiters: RefCell::new(Vec::new()),
            in_chain: Cell::new(false),
            quick: RefCell::new(None),
            replaced_next: RefCell::new(None),
            swallowed: OnceCell::new(),
            state: RefCell::new(State {
                session: None,
                session_dirty: false,
                remember: RememberOp::Keep,
                user: None,
                source: Source::Nobody,
                server: None,
            }),
        }
    }

    pub(crate) fn config(&self) -> &Config<U> {
        &self.config
    }

    fn fingerprint(&self, req: &HttpRequest) -> [u8; FINGERPRINT_LEN] {
        *self
            .fingerprint
            .get_or_init(|| self.config.keys.fingerprint.current(self.client(req)))
    }

    /// Whether `bound` is the fingerprint of this request's client: under the primary key, or
    /// under a fallback key for a login bound before a key rotation.
    fn is_this_client(&self, req: &HttpRequest, bound: &[u8; FINGERPRINT_LEN]) -> bool {
        *bound == self.fingerprint(req)
            || self
                .config
                .keys
                .fingerprint
                .matches_fallback(self.client(req), bound)
    }

    /// What session protection binds of the client making `req`: its address as configured
    /// (peer, trusted proxies, or none) and its User-Agent.
    fn client<'r>(&self, req: &'r HttpRequest) -> Client<'r> {
        Client {
            address: self.config.client_source.address(req),
            user_agent: req.headers().get(header::USER_AGENT).map(|v| v.as_bytes()),
        }
    }

    fn auth_digest(&self, user: &U) -> Option<[u8; TAG_LEN]> {
        user.auth_hash().map(|h| self.config.keys.auth.digest(h))
    }

    /// Whether the digest stored with a login still matches the user's current auth hash, and
    /// under which key (a digest made before a key rotation matches a fallback key); `None`
    /// when it does not match. A user without an auth hash matches a login without a digest,
    /// as under the primary key.
    fn auth_matches(&self, user: &U, stored: Option<&[u8; TAG_LEN]>) -> Option<KeyMatch> {
        match (user.auth_hash(), stored) {
            (None, None) => Some(KeyMatch::Primary),
            (Some(hash), Some(stored)) => self
                .config
                .keys
                .auth
                .digests(hash)
                .position(|d| tags_equal(&d, stored))
                .map(KeyMatch::at),
            _ => None,
        }
    }

    /// A new login's session state, bound to this client.
    fn new_session(&self, req: &HttpRequest, user: &U, fresh: bool, now: u64) -> SessionState {
        SessionState {
            user_id: Some(compact_str::ToCompactString::to_compact_string(user.get_id())),
            fresh,
            fingerprint: Some(self.fingerprint(req)),
            auth_digest: self.auth_digest(user),
            logged_in_at: now,
            authenticated_at: if fresh { now } else { 0 },
            last_seen: now,
            // A new login inherits nothing from before, not even `next`.
            next: None,
        }
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

    /// The logged-in user, loading it if needed. Inactive users count as anonymous.
    pub(crate) async fn authenticated_user(
        &self,
        req: &HttpRequest,
    ) -> Result<Option<Rc<U>>, crate::LoaderError> {
        self.load(req).await?;
        Ok(self.current_authenticated())
    }

    /// Where the current user came from (after loading).
    pub(crate) fn source(&self) -> Source {
        self.state.borrow().source
    }

    /// Runs a route guard: Ok when the request may reach the handler.
    pub(crate) async fn check(&self, req: &HttpRequest, opts: &RouteOptions) -> Result<(), actix_web::Error> {
        if let Some(answer) = self.exempt_method(req) {
            return Err(answer);
        }
        let loaded = self.load(req).await;
        self.decide(req, opts, loaded)
    }

    /// An exempt method (`OPTIONS` by default) is answered by the guard itself, without loading
    /// the user and without running the handler: `web::resource(..).to(handler)` matches every
    /// method, so letting an exempt `OPTIONS` through would run a guarded handler's body for
    /// anyone.
    fn exempt_method(&self, req: &HttpRequest) -> Option<actix_web::Error> {
        self.config
            .answers
            .exempt_methods
            .contains(req.method())
            .then(|| {
                let answer = actix_web::HttpResponse::Ok().finish();
                actix_web::error::InternalError::from_response("exempt method", answer).into()
            })
    }

    /// A guard's answer once the load chain ran (`loaded` is how it ended).
    fn decide(
        &self,
        req: &HttpRequest,
        opts: &RouteOptions,
        loaded: Result<(), crate::LoaderError>,
    ) -> Result<(), actix_web::Error> {
        if let Err(err) = loaded {
            return Err(self.load_failure(req, opts, err));
        }
        let logged_in = self
            .state
            .borrow()
            .user
            .as_ref()
            .is_some_and(|u| u.as_ref().is_some_and(|u| u.is_authenticated()));
        if opts.anonymous_only {
            return if logged_in {
                Err(self.logged_in_redirect(opts))
            } else {
                Ok(())
            };
        }
        if !logged_in {
            return Err(self.refusal(req, Refusal::Unauthorized, opts));
        }
        if opts.fresh && !self.is_fresh(opts.max_age_secs) {
            return Err(self.refusal(req, Refusal::NeedsRefresh, opts));
        }
        Ok(())
    }

    /// Sends a logged-in user away from a page for anonymous visitors: a redirect to the
    /// route's view, else the manager's `logged_in_view`. Not a refusal: no event, no message.
    fn logged_in_redirect(&self, opts: &RouteOptions) -> actix_web::Error {
        let view = opts
            .logged_in_view
            .unwrap_or(&self.config.redirects.logged_in_view);
        let answer = actix_web::HttpResponse::Found()
            .insert_header((actix_web::http::header::LOCATION, view))
            .finish();
        actix_web::error::InternalError::from_response("already logged in", answer).into()
    }

    /// Builds the refusal answer as an actix error carrying the response.
    pub(crate) fn refusal(
        &self,
        req: &HttpRequest,
        refusal: Refusal,
        opts: &RouteOptions,
    ) -> actix_web::Error {
        refuse(&self.config, req, refusal, opts, |next| {
            self.incoming(req);
            let mut state = self.state.borrow_mut();
            state.session.get_or_insert_with(SessionState::default).next = Some(next);
            state.session_dirty = true;
        })
    }

    /// The answer to a failed load chain: a store outage is answered by the store policy
    /// (503 by default, JSON in JSON routes), a loader failure by the loader error.
    pub(crate) fn load_failure(
        &self,
        req: &HttpRequest,
        opts: &RouteOptions,
        err: crate::LoaderError,
    ) -> actix_web::Error {
        let answer = match err.store_error() {
            Some(store) => store_unavailable(&self.config, req, opts, store),
            None => err.into(),
        };
        let swallowed = std::rc::Rc::clone(self.swallowed.get_or_init(SwallowedAnswer::default));
        LoadFailure::new(answer.error_response(), swallowed).into()
    }

    /// The answer of a failed load that the handler swallowed, if any: the middleware answers
    /// it instead of the handler's response.
    pub(crate) fn take_swallowed(&self) -> Option<actix_web::HttpResponse> {
        self.swallowed.get()?.borrow_mut().take()
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
}

impl<U: UserMixin> ErasedContext for LoginContext<U> {
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

    fn begin_guard(
        self: Rc<Self>,
        req: &HttpRequest,
        opts: &RouteOptions,
        cx: &mut Context<'_>,
    ) -> GuardStep {
        if let Some(answer) = self.exempt_method(req) {
            return GuardStep::Ready(Err(answer));
        }
        match self.begin_quick(req, cx) {
            Begun::Ready(loaded) => GuardStep::Ready(self.decide(req, opts, loaded)),
            Begun::Driving => GuardStep::Driving,
            Begun::Unavailable => GuardStep::Boxed(self.check_owned(req.clone(), *opts)),
        }
    }

    fn poll_guard(
        self: Rc<Self>,
        req: &HttpRequest,
        opts: &RouteOptions,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), actix_web::Error>> {
        self.poll_quick(req, cx)
            .map(|loaded| self.decide(req, opts, loaded))
    }

    fn abandon_guard(&self) {
        self.abandon_quick();
    }
}
