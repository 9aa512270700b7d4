//! Extractors: [`CurrentUser`] and [`MaybeUser`] here, [`LoginSession`] (and the
//! [`LoginUser`] builder) in `login_session.rs`.

mod authorized;
mod deferred;
mod loaded_from;
mod login_session;
mod user_view;

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::context::{Begun, LoginContext};
use crate::error::missing_middleware;
use crate::guard::{GuardHandle, RouteOptions};
use crate::loader::LocalBoxFuture;
use crate::refusal::Refusal;
use crate::user::AnonymousUser;
use crate::user::UserMixin;

use deferred::DeferredRefusal;

pub use authorized::{Authorized, Permissions};
pub use loaded_from::LoadedFrom;
pub use login_session::{LoginSession, LoginUser, LogoutUser};
pub use user_view::CurrentUserView;

/// The request's login context for user type `U`, or the "middleware missing" error.
fn context<U: UserMixin>(req: &HttpRequest, what: &str) -> Result<Rc<LoginContext<U>>, actix_web::Error> {
    let handle = req.extensions().get::<GuardHandle>().cloned();
    handle
        .and_then(|GuardHandle(ctx)| ctx.into_any().downcast::<LoginContext<U>>().ok())
        .ok_or_else(|| missing_middleware(what))
}

/// The logged-in user (Flask-Login's `current_user`, when logged in). Extracting it from an
/// anonymous request answers with the manager's unauthorized response, so a handler that takes
/// it is implicitly login-required.
///
/// `Option<CurrentUser<U>>` (actix's blanket `Option` extractor) works as a habit from
/// actix-identity suggests: `None` for an anonymous visitor, with none of the refusal's side
/// effects (no `Unauthorized` event, no flashed message, no `next` kept), since the refusal is
/// only made when it is answered. A login that cannot be loaded (the user loader or the session
/// store fails) is not `None`: the failure is answered (500 or 503) instead of the handler's
/// page, so an outage never looks like a logout. [`MaybeUser`] says the same without the
/// `Option`.
///
/// ```
/// use login_runtime::{CurrentUser, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn profile(user: CurrentUser<User>) -> String {
///     format!("Logged in as: {}", user.id)
/// }
/// ```
pub struct CurrentUser<U>(Rc<U>, LoadedFrom);

impl<U> CurrentUser<U> {
    /// The shared user value.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use login_runtime::{CurrentUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn report(user: CurrentUser<User>) -> String {
    ///     let user: Rc<User> = user.into_inner(); // to move into a spawned local task, say
    ///     format!("report for {}", user.id)
    /// }
    /// ```
    pub fn into_inner(self) -> Rc<U> {
        self.0
    }

    /// How the user was found: the session, the remember cookie, the request loader, or a
    /// login in this request.
    ///
    /// ```
    /// use login_runtime::{CurrentUser, LoadedFrom, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn export(user: CurrentUser<User>) -> String {
    ///     if user.loaded_from() == LoadedFrom::Request {
    ///         return "exports are not available to API keys".to_owned();
    ///     }
    ///     format!("export for {}", user.id)
    /// }
    /// ```
    pub fn loaded_from(&self) -> LoadedFrom {
        self.1
    }
}

impl<U> Deref for CurrentUser<U> {
    type Target = U;
    fn deref(&self) -> &U {
        &self.0
    }
}

impl<U: std::fmt::Debug> std::fmt::Debug for CurrentUser<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CurrentUser").field(&self.0).finish()
    }
}

impl<U: UserMixin> FromRequest for CurrentUser<U> {
    type Error = actix_web::Error;
    type Future = CurrentUserFuture<U>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        CurrentUserFuture(Lookup::new(req, "`CurrentUser`"))
    }
}

/// The future of [`CurrentUser`]'s extraction.
pub struct CurrentUserFuture<U: UserMixin>(Lookup<U>);

impl<U: UserMixin> Drop for CurrentUserFuture<U> {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

impl<U: UserMixin> std::fmt::Debug for CurrentUserFuture<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CurrentUserFuture")
    }
}

impl<U: UserMixin> Future for CurrentUserFuture<U> {
    type Output = Result<CurrentUser<U>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll(cx).map(|found| {
            let Found { ctx, req, user } = found?;
            match user {
                Some(user) => Ok(CurrentUser(
                    user,
                    LoadedFrom::of(ctx.source()).unwrap_or(LoadedFrom::Session),
                )),
                // Made only if answered: wrapped in `Option<CurrentUser<U>>`, an anonymous
                // request is served without the refusal's event, message or kept `next`.
                None => {
                    Err(
                        DeferredRefusal::new(ctx, req, Refusal::Unauthorized, RouteOptions::LOGIN_REQUIRED)
                            .into(),
                    )
                }
            }
        })
    }
}

/// The user if somebody is logged in, for handlers that serve both (Flask-Login's
/// `current_user` with `is_authenticated` checks in the template).
///
/// ```
/// use login_runtime::{MaybeUser, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn index(user: MaybeUser<User>) -> String {
///     match user.get() {
///         Some(user) => format!("Logged in as: {}", user.id),
///         None => "<a href=\"/login\">Log in</a>".to_owned(),
///     }
/// }
/// ```
pub struct MaybeUser<U>(Option<Rc<U>>, Option<LoadedFrom>);

impl<U> MaybeUser<U> {
    /// The logged-in user, if any.
    ///
    /// ```
    /// use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn nav(user: MaybeUser<User>) -> String {
    ///     user.get().map_or_else(|| "Log in".to_owned(), |user| format!("Account ({})", user.id))
    /// }
    /// ```
    pub fn get(&self) -> Option<&U> {
        self.0.as_deref()
    }
    /// Whether somebody is logged in.
    ///
    /// ```
    /// use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn pricing(user: MaybeUser<User>) -> &'static str {
    ///     if user.is_authenticated() { "Upgrade your plan" } else { "Start a free trial" }
    /// }
    /// ```
    pub fn is_authenticated(&self) -> bool {
        self.0.is_some()
    }
    /// Whether nobody is logged in.
    ///
    /// ```
    /// use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn home(user: MaybeUser<User>) -> &'static str {
    ///     if user.is_anonymous() { "Welcome! Sign up today." } else { "Welcome back!" }
    /// }
    /// ```
    pub fn is_anonymous(&self) -> bool {
        self.0.is_none()
    }
    /// The anonymous-user value when nobody is logged in, for templates written against
    /// Flask-Login's `AnonymousUserMixin`.
    ///
    /// ```
    /// use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn whoami(user: MaybeUser<User>) -> String {
    ///     match user.anonymous() {
    ///         Some(anon) => format!("anonymous (authenticated: {})", anon.is_authenticated()),
    ///         None => "logged in".to_owned(),
    ///     }
    /// }
    /// ```
    pub fn anonymous(&self) -> Option<AnonymousUser> {
        self.0.is_none().then_some(AnonymousUser)
    }
    /// The shared user value, if any.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use login_runtime::{MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn audit(user: MaybeUser<User>) -> String {
    ///     let user: Option<Rc<User>> = user.into_inner();
    ///     format!("request by {}", user.as_ref().map_or("nobody", |u| u.id.as_str()))
    /// }
    /// ```
    pub fn into_inner(self) -> Option<Rc<U>> {
        self.0
    }

    /// How the user was found, if somebody is logged in.
    ///
    /// ```
    /// use login_runtime::{LoadedFrom, MaybeUser, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn banner(user: MaybeUser<User>) -> &'static str {
    ///     match user.loaded_from() {
    ///         Some(LoadedFrom::RememberCookie) => "Welcome back",
    ///         Some(_) => "Hello",
    ///         None => "Log in",
    ///     }
    /// }
    /// ```
    pub fn loaded_from(&self) -> Option<LoadedFrom> {
        self.1
    }
}

impl<U: UserMixin> FromRequest for MaybeUser<U> {
    type Error = actix_web::Error;
    type Future = MaybeUserFuture<U>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        MaybeUserFuture(Lookup::new(req, "`MaybeUser`"))
    }
}

/// The future of [`MaybeUser`]'s extraction.
pub struct MaybeUserFuture<U: UserMixin>(Lookup<U>);

impl<U: UserMixin> Drop for MaybeUserFuture<U> {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

impl<U: UserMixin> std::fmt::Debug for MaybeUserFuture<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaybeUserFuture")
    }
}

impl<U: UserMixin> Future for MaybeUserFuture<U> {
    type Output = Result<MaybeUser<U>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll(cx).map(|found| {
            let Found { ctx, user, .. } = found?;
            let from = user.as_ref().and_then(|_| LoadedFrom::of(ctx.source()));
            Ok(MaybeUser(user, from))
        })
    }
}

/// What a [`Lookup`] found: the authenticated user, with the context and the request (a
/// refusal needs both).
struct Found<U: UserMixin> {
    ctx: Rc<LoginContext<U>>,
    req: HttpRequest,
    user: Option<Rc<U>>,
}

/// Finds the authenticated user of a request for [`CurrentUser`] and [`MaybeUser`].
///
/// Behind a guard (the common case) the guard has already run the load chain when the
/// extractor is first polled, so the user is read straight from the context. Otherwise the
/// extractor drives the load in place (`context/quick.rs`) and boxes nothing on the cookie
/// store; where that does not apply, the chain runs in a boxed future, as before.
enum Lookup<U: UserMixin> {
    /// Not polled yet.
    Start {
        req: HttpRequest,
        /// The extractor's name, for the "middleware missing" error.
        what: &'static str,
    },
    /// Driving the request's load in place, which is pending.
    Driving {
        ctx: Rc<LoginContext<U>>,
        req: HttpRequest,
    },
    /// Waiting for the load chain.
    Loading(LocalBoxFuture<'static, Result<Found<U>, actix_web::Error>>),
    /// The result was handed out.
    Finished,
}

impl<U: UserMixin> Lookup<U> {
    fn new(req: &HttpRequest, what: &'static str) -> Self {
        Lookup::Start {
            req: req.clone(),
            what,
        }
    }

    /// Called when the extractor's future is dropped: a load it drives is abandoned.
    fn abandon(&mut self) {
        if let Lookup::Driving { ctx, .. } = self {
            ctx.abandon_quick();
        }
    }

    /// What a settled load found: the user, or the failure's answer.
    fn found(
        ctx: Rc<LoginContext<U>>,
        req: HttpRequest,
        loaded: Result<(), crate::LoaderError>,
    ) -> Result<Found<U>, actix_web::Error> {
        match loaded {
            Ok(()) => {
                let user = ctx.loaded_user().flatten();
                Ok(Found { ctx, req, user })
            }
            Err(err) => Err(ctx.load_failure(&req, &RouteOptions::LOGIN_REQUIRED, err)),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<Found<U>, actix_web::Error>> {
        let mut loading = match std::mem::replace(self, Lookup::Finished) {
            Lookup::Start { req, what } => {
                let ctx = context::<U>(&req, what)?;
                if let Some(user) = ctx.loaded_user() {
                    return Poll::Ready(Ok(Found { ctx, req, user }));
                }
                match ctx.begin_quick(&req, cx) {
                    Begun::Ready(loaded) => return Poll::Ready(Self::found(ctx, req, loaded)),
                    Begun::Driving => {
                        *self = Lookup::Driving { ctx, req };
                        return Poll::Pending;
                    }
                    Begun::Unavailable => {}
                }
                let loading: LocalBoxFuture<'static, _> = Box::pin(async move {
                    let loaded = ctx.load(&req).await;
                    Self::found(ctx, req, loaded)
                });
                loading
            }
            Lookup::Driving { ctx, req } => {
                return match ctx.poll_quick(&req, cx) {
                    Poll::Ready(loaded) => Poll::Ready(Self::found(ctx, req, loaded)),
                    Poll::Pending => {
                        *self = Lookup::Driving { ctx, req };
                        Poll::Pending
                    }
                };
            }
            Lookup::Loading(loading) => loading,
            Lookup::Finished => {
                // Polled after it completed: a bug in the caller, answered without a panic.
                return Poll::Ready(Err(actix_web::error::ErrorInternalServerError(
                    "login extractor polled after completion",
                )));
            }
        };
        match loading.as_mut().poll(cx) {
            Poll::Pending => {
                *self = Lookup::Loading(loading);
                Poll::Pending
            }
            ready => ready,
        }
    }
}
