//! [`LoginScope`]: per-scope login views and answers (Flask-Login's `blueprint_login_views`).

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpMessage};

use crate::config::validate::check_view;
use crate::guard::Flavour;

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
}

impl<S, B> Transform<S, ServiceRequest> for LoginScope
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = LoginScopeMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(LoginScopeMiddleware {
            service,
            rules: Arc::clone(&self.rules),
        }))
    }
}

/// The service [`LoginScope`] wraps around a scope. Not used directly.
pub struct LoginScopeMiddleware<S> {
    service: S,
    rules: Arc<ScopeRules>,
}

impl<S, B> Service<ServiceRequest> for LoginScopeMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = S::Future;

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
        self.service.call(req)
    }
}

/// Per-scope answers, set by [`LoginScope`](crate::LoginScope): Flask-Login's
/// `blueprint_login_views`, plus the JSON flavour for API scopes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScopeRules {
    pub(crate) login_view: ScopeView,
    pub(crate) refresh_view: ScopeView,
    pub(crate) flavour: Flavour,
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
        }
    }
}
