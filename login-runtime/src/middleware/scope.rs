//! [`LoginScope`]: per-scope login views and answers (Flask-Login's `blueprint_login_views`).

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpMessage};

use crate::config::validate::check_view;
use crate::error::missing_middleware;
use crate::guard::{DeclaredPublic, Flavour, GuardHandle, RouteOptions};
use crate::loader::LocalBoxFuture;
use crate::middleware::public_paths::PublicPath;

/// Per-scope login answers: Flask-Login's `blueprint_login_views`, and JSON 401s for API
/// scopes. Wrap an actix `Scope` with it; routes inside use its views unless the route's own
/// macro options say otherwise.
///
/// ```
/// use actix_web::{App, web};
/// use login_runtime::LoginScope;
///
/// let app = App::new()
///     .service(web::scope("/admin").wrap(LoginScope::new().login_view("/admin/login")))
///     .service(web::scope("/api").wrap(LoginScope::new().json()));
/// ```
///
/// Like [`LoginManager`](crate::LoginManager), it is `Send` and cheap to clone, so it can be built once, before
/// `HttpServer::new`, and cloned into each worker.
#[derive(Clone, Debug, Default)]
pub struct LoginScope {
    rules: Arc<ScopeRules>,
}

impl LoginScope {
    /// A scope that inherits everything from the manager.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// // Only groups the routes: everything comes from the manager.
    /// let app = App::new().service(web::scope("/members").wrap(LoginScope::new()));
    /// ```
    pub fn new() -> Self {
        LoginScope::default()
    }

    fn edit(mut self, f: impl FnOnce(&mut ScopeRules)) -> Self {
        f(Arc::make_mut(&mut self.rules));
        self
    }

    /// The login view for routes in this scope.
    ///
    /// It is checked like the manager's views. `Scope::wrap` cannot fail, so a bad view (not a
    /// path or an http(s) URL, or not ASCII) is logged as an error when the scope is built, at
    /// start-up, and the scope's refusals answer a plain 401 instead of a broken redirect.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// let admin = LoginScope::new().login_view("/admin/login");
    /// let app = App::new().service(web::scope("/admin").wrap(admin));
    /// ```
    pub fn login_view(self, url: impl Into<String>) -> Self {
        let view = ScopeView::checked("LoginScope::login_view", url.into());
        self.edit(|r| r.login_view = view)
    }

    /// The refresh view for routes in this scope, checked like [`LoginScope::login_view`].
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// let admin = LoginScope::new().login_view("/admin/login").refresh_view("/admin/confirm");
    /// let app = App::new().service(web::scope("/admin").wrap(admin));
    /// ```
    pub fn refresh_view(self, url: impl Into<String>) -> Self {
        let view = ScopeView::checked("LoginScope::refresh_view", url.into());
        self.edit(|r| r.refresh_view = view)
    }

    /// Refuse with a JSON 401 and `WWW-Authenticate` instead of a redirect.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// let app = App::new().service(web::scope("/api").wrap(LoginScope::new().json()));
    /// ```
    pub fn json(self) -> Self {
        self.edit(|r| r.flavour = Flavour::Json)
    }

    /// Refuse with a redirect (or a plain 401), even when the manager defaults to JSON.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// // An API-only manager (`json_by_default(true)`) with a few browser pages:
    /// let app = App::new().service(web::scope("/account").wrap(LoginScope::new().html()));
    /// ```
    pub fn html(self) -> Self {
        self.edit(|r| r.flavour = Flavour::Html)
    }

    /// Login by default (Django's `LoginRequiredMiddleware`): every route in the scope needs a
    /// login, answered like `#[login_required]` with the scope's views and flavour, unless its
    /// path is declared [`public`](LoginScope::public). A route added to the scope later is
    /// closed until someone opens it. Routes with their own guard (`#[fresh_login_required]`,
    /// a permission) still apply it after this check.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// let members = LoginScope::new()
    ///     .login_by_default()
    ///     .public("/login")
    ///     .public("/reset/{token}");
    /// let app = App::new().service(
    ///     web::scope("/members")
    ///         .wrap(members)
    ///         .route("/login", web::get().to(|| async { "the login form" }))
    ///         .route("/reset/{token}", web::get().to(|| async { "choose a new password" }))
    ///         .route("/orders", web::get().to(|| async { "closed to anonymous visitors" })),
    /// );
    /// ```
    pub fn login_by_default(self) -> Self {
        self.edit(|r| r.login_by_default = true)
    }

    /// Leaves the routes whose path (below the scope) matches `pattern` open in a
    /// [`login_by_default`](LoginScope::login_by_default) scope: Django's
    /// `@login_not_required`, declared next to the scope's other rules so that a reader of the
    /// routing sees every exemption in one place. `pattern` is `/login` (that path only),
    /// `/reset/{token}` (a placeholder matches one segment) or `/static/*` (a final `*` matches
    /// the rest).
    ///
    /// A route that is public and also carries a guard macro keeps its guard: an exemption
    /// never removes a check someone wrote. `Scope::wrap` cannot fail, so a malformed pattern
    /// is logged as an error at start-up and opens nothing.
    ///
    /// ```
    /// use actix_web::{App, web};
    /// use login_runtime::LoginScope;
    ///
    /// let site = LoginScope::new().login_by_default().public("/").public("/static/*");
    /// let app = App::new().service(web::scope("").wrap(site));
    /// ```
    pub fn public(self, pattern: impl AsRef<str>) -> Self {
        match PublicPath::parse(pattern.as_ref()) {
            Ok(path) => self.edit(|r| r.public.push(path)),
            Err(e) => {
                tracing::error!(target: "login_runtime", "{e}; it opens no route until it is fixed");
                self
            }
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for LoginScope
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = LoginScopeMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(LoginScopeMiddleware {
            service: Rc::new(service),
            rules: Arc::clone(&self.rules),
        }))
    }
}

/// The service [`LoginScope`] wraps around a scope. Not used directly.
pub struct LoginScopeMiddleware<S> {
    service: Rc<S>,
    rules: Arc<ScopeRules>,
}

impl<S, B> Service<ServiceRequest> for LoginScopeMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LoginScopeFuture<S::Future, B>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // A scope nested in another keeps what the outer scope set and overrides only what it
        // sets itself (the outer scope's middleware has already run).
        // The rules are shared, not copied: only a nested scope builds merged rules.
        let merged = match req.extensions().get::<Arc<ScopeRules>>() {
            Some(outer) => Arc::new(self.rules.over(outer)),
            None => Arc::clone(&self.rules),
        };
        req.extensions_mut().insert(merged);
        if !self.rules.login_by_default {
            return LoginScopeFuture::inner(self.service.call(req));
        }
        if self.rules.is_public(req.match_info().unprocessed()) {
            req.extensions_mut().insert(DeclaredPublic);
            return LoginScopeFuture::inner(self.service.call(req));
        }
        let service = Rc::clone(&self.service);
        let handle = req.extensions().get::<GuardHandle>().cloned();
        let checked = Box::pin(async move {
            let check = match handle {
                Some(GuardHandle(ctx)) => {
                    ctx.check_owned(req.request().clone(), RouteOptions::LOGIN_REQUIRED)
                        .await
                }
                None => Err(missing_middleware("a `LoginScope::login_by_default` scope")),
            };
            match check {
                Ok(()) => Ok(service.call(req).await?.map_into_left_body()),
                Err(refusal) => Ok(req.error_response(refusal).map_into_right_body()),
            }
        });
        LoginScopeFuture::checked(checked)
    }
}

pin_project_lite::pin_project! {
    /// The future of [`LoginScopeMiddleware`]: the scope's own future when nothing is checked
    /// before it (no allocation), else the login check followed by the scope.
    pub struct LoginScopeFuture<F, B> {
        #[pin]
        state: ScopeState<F, B>,
    }
}

impl<F, B> LoginScopeFuture<F, B> {
    fn inner(inner: F) -> Self {
        LoginScopeFuture {
            state: ScopeState::Inner { inner },
        }
    }

    fn checked(checked: LocalBoxFuture<'static, Result<ServiceResponse<EitherBody<B>>, Error>>) -> Self {
        LoginScopeFuture {
            state: ScopeState::Checked { checked },
        }
    }
}

pin_project_lite::pin_project! {
    #[project = ScopeStateProj]
    enum ScopeState<F, B> {
        // Passed straight to the scope.
        Inner { #[pin] inner: F },
        // A login-by-default check, then the scope.
        Checked { checked: LocalBoxFuture<'static, Result<ServiceResponse<EitherBody<B>>, Error>> },
    }
}

impl<F, B> Future for LoginScopeFuture<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            ScopeStateProj::Inner { inner } => inner
                .poll(cx)
                .map(|res| res.map(ServiceResponse::map_into_left_body)),
            ScopeStateProj::Checked { checked } => checked.as_mut().poll(cx),
        }
    }
}

impl<F, B> std::fmt::Debug for LoginScopeFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginScopeFuture")
    }
}

/// Per-scope answers, set by [`LoginScope`](crate::LoginScope): Flask-Login's
/// `blueprint_login_views`, plus the JSON flavour for API scopes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScopeRules {
    pub(crate) login_view: ScopeView,
    pub(crate) refresh_view: ScopeView,
    pub(crate) flavour: Flavour,
    /// Every route needs a login unless its path is public.
    pub(crate) login_by_default: bool,
    pub(crate) public: Vec<PublicPath>,
}

/// A scope's login or refresh view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum ScopeView {
    /// The scope does not set it: the manager's (or an outer scope's) applies.
    #[default]
    Inherit,
    /// This view.
    View(String),
    /// The view given failed its check (logged at start-up): refusals answer a plain 401,
    /// never a redirect to a broken or foreign URL.
    Invalid,
}

impl ScopeView {
    /// `url` if the manager's builder would accept it; else logged, and `Invalid`.
    fn checked(what: &str, url: String) -> Self {
        match check_view(what, &url) {
            Ok(()) => ScopeView::View(url),
            Err(e) => {
                tracing::error!(target: "login_runtime", "{e}; refusals in this scope answer 401 until it is fixed");
                ScopeView::Invalid
            }
        }
    }

    fn or(&self, outer: &ScopeView) -> ScopeView {
        match self {
            ScopeView::Inherit => outer.clone(),
            own => own.clone(),
        }
    }
}

impl ScopeRules {
    /// These rules, with the gaps filled from `outer`.
    pub(crate) fn over(&self, outer: &ScopeRules) -> ScopeRules {
        ScopeRules {
            login_view: self.login_view.or(&outer.login_view),
            refresh_view: self.refresh_view.or(&outer.refresh_view),
            flavour: match self.flavour {
                Flavour::Inherit => outer.flavour,
                own => own,
            },
            // Checked by each scope's own middleware, against paths below that scope.
            login_by_default: self.login_by_default,
            public: self.public.clone(),
        }
    }

    /// Whether `path` (below the scope) is declared public.
    fn is_public(&self, path: &str) -> bool {
        self.public.iter().any(|p| p.matches(path))
    }
}
