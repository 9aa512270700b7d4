//! Route guards: what `#[login_required]` and `#[fresh_login_required]` expand to.
//!
//! The macros add one parameter to the handler, `_: Guard<Rule>`, where `Rule` names the route's
//! options (`rule.rs`). `Guard` is an extractor: it runs before the handler body and refuses the
//! request with the manager's unauthorized or needs-refresh answer. It never names the user
//! type; it reaches the request's login context through a type-erased handle (`GuardHandle`),
//! which the context implements.

mod authorize;
mod rule;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::error::missing_middleware;
use crate::loader::LocalBoxFuture;

pub use authorize::AuthorizeRule;
pub use rule::{AnonymousRequired, Flavour, FreshLoginRequired, LoginRequired, RouteOptions, RouteRule};

/// The type-erased face of a request's login context, for guards that do not name the user
/// type. Implemented by the context (`context/mod.rs`).
pub(crate) trait ErasedContext {
    /// The context as `Any`, for extractors that know the user type.
    fn into_any(self: Rc<Self>) -> Rc<dyn std::any::Any>;

    /// Runs a guard's check as one boxed future that owns what it needs (a scope's
    /// login-by-default check, where no guard future holds the request).
    fn check_owned(
        self: Rc<Self>,
        req: HttpRequest,
        opts: RouteOptions,
    ) -> LocalBoxFuture<'static, Result<(), actix_web::Error>>;

    /// Starts a guard's check in place (`context/quick.rs`): the answer at once, or the load
    /// this guard now drives ([`ErasedContext::poll_guard`] continues it), or, where the quick
    /// path does not apply, the check as one boxed future that owns what it needs.
    fn begin_guard(self: Rc<Self>, req: &HttpRequest, opts: &RouteOptions, cx: &mut Context<'_>)
    -> GuardStep;

    /// Continues the load a guard drives, then decides.
    fn poll_guard(
        self: Rc<Self>,
        req: &HttpRequest,
        opts: &RouteOptions,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), actix_web::Error>>;

    /// The driving guard is dropped before its load settled.
    fn abandon_guard(&self);
}

/// How a guard's check started.
pub(crate) enum GuardStep {
    Ready(Result<(), actix_web::Error>),
    Driving,
    Boxed(LocalBoxFuture<'static, Result<(), actix_web::Error>>),
}

/// Marks a request that a login-by-default [`LoginScope`](crate::LoginScope) let through
/// because its path is declared public.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeclaredPublic;

/// Warns, once per route rule, that a route declared public in its scope also carries a guard:
/// the guard applies (an exemption never removes a check), but one of the two is a mistake.
pub(crate) fn warn_public_and_guarded(req: &HttpRequest, rule: &'static str) {
    static WARNED: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let Ok(mut warned) = WARNED.lock() else { return };
    if warned.contains(&rule) {
        return;
    }
    warned.push(rule);
    tracing::error!(
        target: "login_runtime",
        path = req.path(),
        "this route is declared public in its LoginScope (`public(..)`) and also has a guard macro; the guard applies: remove the guard or the `public` pattern"
    );
}

/// The request-extension entry through which guards and extractors reach the context.
#[derive(Clone)]
pub(crate) struct GuardHandle(pub(crate) Rc<dyn ErasedContext>);

/// The extractor a guard macro adds to a handler. Extracting it succeeds only when the request
/// may reach the handler. Handlers can also take it by hand to guard a route without the macro:
///
/// ```
/// use actix_web::{HttpResponse, web};
/// use login_runtime::guard::{Guard, LoginRequired};
///
/// async fn protected(_: Guard<LoginRequired>) -> HttpResponse {
///     HttpResponse::Ok().body("only for logged-in users")
/// }
/// let route = web::resource("/protected").to(protected);
/// ```
pub struct Guard<R: RouteRule>(PhantomData<R>);

impl<R: RouteRule> std::fmt::Debug for Guard<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Guard").field(&R::OPTIONS).finish()
    }
}

impl<R: RouteRule> FromRequest for Guard<R> {
    type Error = actix_web::Error;
    type Future = GuardFuture<R>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let (handle, public) = {
            let ext = req.extensions();
            (
                ext.get::<GuardHandle>().cloned(),
                ext.get::<DeclaredPublic>().is_some(),
            )
        };
        if public {
            warn_public_and_guarded(req, std::any::type_name::<R>());
        }
        let state = match handle {
            Some(GuardHandle(ctx)) => GuardState::Start {
                ctx,
                req: req.clone(),
            },
            None => GuardState::Failed(Some(missing_middleware("a `#[login_required]` route"))),
        };
        GuardFuture {
            state,
            rule: PhantomData,
        }
    }
}

/// The future of [`Guard`]'s extraction. On the cookie store it boxes nothing: it drives the
/// login load in place (the loader's own future waits in the login context).
pub struct GuardFuture<R> {
    state: GuardState,
    rule: PhantomData<fn() -> R>,
}

enum GuardState {
    /// Not polled yet.
    Start {
        ctx: Rc<dyn ErasedContext>,
        req: HttpRequest,
    },
    /// Driving the request's load, which is pending.
    Driving {
        ctx: Rc<dyn ErasedContext>,
        req: HttpRequest,
    },
    /// The check as a boxed future (a server-side store, a load another future runs).
    Boxed(LocalBoxFuture<'static, Result<(), actix_web::Error>>),
    /// No login middleware: this error.
    Failed(Option<actix_web::Error>),
    /// Answered.
    Done,
}

impl<R> std::fmt::Debug for GuardFuture<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuardFuture")
    }
}

impl<R> Drop for GuardFuture<R> {
    fn drop(&mut self) {
        if let GuardState::Driving { ctx, .. } = &self.state {
            ctx.abandon_guard();
        }
    }
}

impl<R: RouteRule> Future for GuardFuture<R> {
    type Output = Result<Guard<R>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let opts = &R::OPTIONS;
        let answer = loop {
            match &mut self.state {
                GuardState::Start { .. } => {
                    let GuardState::Start { ctx, req } = std::mem::replace(&mut self.state, GuardState::Done)
                    else {
                        continue;
                    };
                    match Rc::clone(&ctx).begin_guard(&req, opts, cx) {
                        GuardStep::Ready(answer) => break answer,
                        // Already polled once inside `begin_guard`.
                        GuardStep::Driving => {
                            self.state = GuardState::Driving { ctx, req };
                            return Poll::Pending;
                        }
                        // Polled by the next turn of the loop.
                        GuardStep::Boxed(check) => self.state = GuardState::Boxed(check),
                    }
                }
                GuardState::Driving { ctx, req } => match Rc::clone(ctx).poll_guard(req, opts, cx) {
                    Poll::Ready(answer) => break answer,
                    Poll::Pending => return Poll::Pending,
                },
                GuardState::Boxed(check) => match check.as_mut().poll(cx) {
                    Poll::Ready(answer) => break answer,
                    Poll::Pending => return Poll::Pending,
                },
                GuardState::Failed(err) => break Err(err.take().unwrap_or_else(polled_again)),
                GuardState::Done => break Err(polled_again()),
            }
        };
        // Settled: a driven load is over, so dropping the future abandons nothing.
        self.state = GuardState::Done;
        Poll::Ready(answer.map(|()| Guard(PhantomData)))
    }
}

/// Polled after it answered: a bug in the caller, answered without a panic.
fn polled_again() -> actix_web::Error {
    actix_web::error::ErrorInternalServerError("login guard polled after completion")
}
