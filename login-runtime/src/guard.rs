//! Route guards: what `#[login_required]` and `#[fresh_login_required]` expand to.
//!
//! The macros add one parameter to the handler, `_: Guard<Rule>`, where `Rule` names the route's
//! options. `Guard` is an extractor: it runs before the handler body and refuses the request
//! with the manager's unauthorized or needs-refresh answer. It never names the user type; it
//! reaches the request's login context through a type-erased handle.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::context::ErasedHandle;
use crate::middleware::missing_middleware;
use crate::user::LocalBoxFuture;

/// How a refusal is answered.
///
/// ```
/// use login_runtime::guard::{Flavour, Guard, RouteOptions, RouteRule};
///
/// // What `#[login_required(json)]` writes:
/// enum ApiRule {}
/// impl RouteRule for ApiRule {
///     const OPTIONS: RouteOptions = RouteOptions {
///         flavour: Flavour::Json,
///         ..RouteOptions::LOGIN_REQUIRED
///     };
/// }
/// async fn api_orders(_: Guard<ApiRule>) -> &'static str {
///     "[]"
/// }
/// assert_eq!(Flavour::default(), Flavour::Inherit);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavour {
    /// As the scope or the manager says (a redirect to the login view, or 401).
    #[default]
    Inherit,
    /// A redirect to the login view (or a plain 401 without one).
    Html,
    /// A JSON 401 with `WWW-Authenticate`, never a redirect (for APIs).
    Json,
}

/// The options of one guarded route, as written in the macro's arguments.
///
/// ```
/// use login_runtime::guard::{Flavour, RouteOptions};
///
/// let billing = RouteOptions {
///     max_age_secs: Some(600), // a password typed in the last ten minutes
///     refresh_view: Some("/billing/confirm"),
///     ..RouteOptions::FRESH_LOGIN_REQUIRED
/// };
/// assert!(billing.fresh);
/// assert_eq!(billing.flavour, Flavour::Inherit);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteOptions {
    /// Whether the login must be fresh (`#[fresh_login_required]`).
    pub fresh: bool,
    /// With `fresh`: the login must have been proved within this many seconds.
    pub max_age_secs: Option<u64>,
    /// This route's login view, overriding the scope's and the manager's.
    pub login_view: Option<&'static str>,
    /// This route's refresh view.
    pub refresh_view: Option<&'static str>,
    /// Redirect or JSON.
    pub flavour: Flavour,
}

impl RouteOptions {
    /// The options of a plain `#[login_required]`.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert!(!RouteOptions::LOGIN_REQUIRED.fresh);
    /// assert_eq!(RouteOptions::LOGIN_REQUIRED, RouteOptions::default());
    /// ```
    pub const LOGIN_REQUIRED: RouteOptions = RouteOptions {
        fresh: false,
        max_age_secs: None,
        login_view: None,
        refresh_view: None,
        flavour: Flavour::Inherit,
    };
    /// The options of a plain `#[fresh_login_required]`.
    ///
    /// ```
    /// use login_runtime::guard::RouteOptions;
    /// assert!(RouteOptions::FRESH_LOGIN_REQUIRED.fresh);
    /// assert_eq!(RouteOptions::FRESH_LOGIN_REQUIRED.max_age_secs, None);
    /// ```
    pub const FRESH_LOGIN_REQUIRED: RouteOptions = RouteOptions {
        fresh: true,
        ..RouteOptions::LOGIN_REQUIRED
    };
}

/// Names the options of a guarded route. The macros implement it on a hidden type per route.
///
/// ```
/// use login_runtime::guard::{Guard, RouteOptions, RouteRule};
///
/// /// Billing needs a login proved in the last ten minutes.
/// enum RecentLogin {}
/// impl RouteRule for RecentLogin {
///     const OPTIONS: RouteOptions = RouteOptions {
///         max_age_secs: Some(600),
///         ..RouteOptions::FRESH_LOGIN_REQUIRED
///     };
/// }
/// async fn billing(_: Guard<RecentLogin>) -> &'static str {
///     "Card ending in 4242"
/// }
/// ```
pub trait RouteRule: 'static {
    /// The route's options.
    const OPTIONS: RouteOptions;
}

/// The rule of a plain `#[login_required]`.
///
/// ```
/// use actix_web::web;
/// use login_runtime::guard::{Guard, LoginRequired};
///
/// async fn inbox(_: Guard<LoginRequired>) -> &'static str {
///     "No new messages"
/// }
/// let route = web::resource("/inbox").to(inbox);
/// ```
#[derive(Debug)]
pub enum LoginRequired {}
impl RouteRule for LoginRequired {
    const OPTIONS: RouteOptions = RouteOptions::LOGIN_REQUIRED;
}

/// The rule of a plain `#[fresh_login_required]`.
///
/// ```
/// use actix_web::web;
/// use login_runtime::guard::{FreshLoginRequired, Guard};
///
/// async fn delete_account(_: Guard<FreshLoginRequired>) -> &'static str {
///     "Account deleted"
/// }
/// let route = web::resource("/account/delete").post(delete_account);
/// ```
#[derive(Debug)]
pub enum FreshLoginRequired {}
impl RouteRule for FreshLoginRequired {
    const OPTIONS: RouteOptions = RouteOptions::FRESH_LOGIN_REQUIRED;
}

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
        let handle = req.extensions().get::<ErasedHandle>().cloned();
        let check = match handle {
            Some(ErasedHandle(ctx)) => ctx.check_owned(req.clone(), R::OPTIONS),
            None => Box::pin(std::future::ready(Err(missing_middleware(
                "a `#[login_required]` route",
            )))),
        };
        GuardFuture {
            check,
            rule: PhantomData,
        }
    }
}

/// The future of [`Guard`]'s extraction: the context's check, with no second allocation.
pub struct GuardFuture<R> {
    check: LocalBoxFuture<'static, Result<(), actix_web::Error>>,
    rule: PhantomData<fn() -> R>,
}

impl<R> std::fmt::Debug for GuardFuture<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuardFuture")
    }
}

impl<R: RouteRule> Future for GuardFuture<R> {
    type Output = Result<Guard<R>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.check
            .as_mut()
            .poll(cx)
            .map(|r| r.map(|()| Guard(PhantomData)))
    }
}

/// Per-scope answers, set by [`LoginScope`](crate::LoginScope): Flask-Login's
/// `blueprint_login_views`, plus the JSON flavour for API scopes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScopeRules {
    pub(crate) login_view: Option<String>,
    pub(crate) refresh_view: Option<String>,
    pub(crate) flavour: Flavour,
}

impl ScopeRules {
    /// These rules, with the gaps filled from `outer`.
    pub(crate) fn over(&self, outer: &ScopeRules) -> ScopeRules {
        ScopeRules {
            login_view: self.login_view.clone().or_else(|| outer.login_view.clone()),
            refresh_view: self.refresh_view.clone().or_else(|| outer.refresh_view.clone()),
            flavour: match self.flavour {
                Flavour::Inherit => outer.flavour,
                own => own,
            },
        }
    }
}
