//! The actix-web middleware: [`LoginManager`] as a `Transform`, and [`LoginScope`].

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::config::LoginManager;
use crate::context::{ErasedHandle, LoginContext};
use crate::guard::{Flavour, ScopeRules};
use crate::user::UserLoader;

impl<S, B, U> Transform<S, ServiceRequest> for LoginManager<U>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    U: UserLoader,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = LoginMiddleware<S, U>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(LoginMiddleware {
            service,
            manager: self.clone(),
        }))
    }
}

/// The service [`LoginManager`] wraps around an app. Not used directly.
pub struct LoginMiddleware<S, U: UserLoader> {
    service: S,
    manager: LoginManager<U>,
}

impl<S, B, U> Service<ServiceRequest> for LoginMiddleware<S, U>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    U: UserLoader,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LoginFuture<S::Future, U>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let ctx = Rc::new(LoginContext::new(self.manager.config.clone()));
        // One extension entry: guards use it type-erased, extractors downcast it.
        req.extensions_mut().insert(ErasedHandle(ctx.clone()));
        LoginFuture {
            inner: self.service.call(req),
            ctx,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`LoginMiddleware`]: writes the cookies that changed.
    pub struct LoginFuture<F, U: UserLoader> {
        #[pin]
        inner: F,
        ctx: Rc<LoginContext<U>>,
    }
}

impl<F, B, U> Future for LoginFuture<F, U>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    U: UserLoader,
{
    type Output = Result<ServiceResponse<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Ready(Ok(mut res)) => {
                this.ctx.finish(res.response_mut());
                Poll::Ready(Ok(res))
            }
            // An inner service answered with an error after the login state changed (a logout,
            // a deleted stale cookie): the error's response must carry the cookies too.
            Poll::Ready(Err(err)) if this.ctx.touched() => {
                let mut res = err.error_response();
                this.ctx.finish(&mut res);
                Poll::Ready(Err(
                    actix_web::error::InternalError::from_response(err, res).into()
                ))
            }
            other => other,
        }
    }
}

/// The error returned when a login extractor or guard runs without the middleware.
pub(crate) fn missing_middleware(what: &str) -> Error {
    let message = format!(
        "{what} needs the login middleware for its user type: register it with `App::new().wrap(LoginManager::<User>::builder(key).build()?)`, with the same user type as the extractor"
    );
    tracing::error!(target: "login_runtime", "{message}");
    actix_web::error::InternalError::from_response(
        "login middleware missing",
        HttpResponse::InternalServerError()
            .content_type("text/plain; charset=utf-8")
            .body(format!("500 Internal Server Error: {message}")),
    )
    .into()
}

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
/// Like [`LoginManager`], it is `Send` and cheap to clone, so it can be built once, before
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
        let url = checked_scope_view("LoginScope::login_view", url.into());
        self.edit(|r| r.login_view = Some(url))
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
        let url = checked_scope_view("LoginScope::refresh_view", url.into());
        self.edit(|r| r.refresh_view = Some(url))
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

/// A scope view the manager's builder would refuse is logged and replaced by `""`, which the
/// refusal answers with a plain 401 (never a redirect to a broken or foreign URL).
fn checked_scope_view(what: &str, url: String) -> String {
    match crate::config::check_view(what, &url) {
        Ok(()) => url,
        Err(e) => {
            tracing::error!(target: "login_runtime", "{e}; refusals in this scope answer 401 until it is fixed");
            String::new()
        }
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
            rules: (*self.rules).clone(),
        }))
    }
}

/// The service [`LoginScope`] wraps around a scope. Not used directly.
pub struct LoginScopeMiddleware<S> {
    service: S,
    rules: ScopeRules,
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
        let merged = match req.extensions().get::<ScopeRules>() {
            Some(outer) => self.rules.over(outer),
            None => self.rules.clone(),
        };
        req.extensions_mut().insert(merged);
        self.service.call(req)
    }
}
