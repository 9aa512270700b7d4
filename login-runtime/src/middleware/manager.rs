//! [`LoginManager`]: the middleware registered with `App::wrap`. It puts one login context
//! into each request and, on the way out, writes the cookies that changed.

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpMessage};

use crate::config::{Config, WorkerConfig};
use crate::context::LoginContext;
use crate::guard::GuardHandle;
use crate::user::UserMixin;

/// The login middleware: Flask-Login's `LoginManager`, registered with `App::wrap`.
///
/// Build it once with [`LoginManager::builder`], before `HttpServer::new`; it is cheap to clone
/// into each worker.
///
/// ```
/// use actix_web::{App, web};
/// use login_runtime::{LoginManager, UserMixin, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String }
///
/// #[user_loader]
/// async fn load_user(id: String) -> Option<User> { Some(User { id }) }
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes!")
///     .login_view("/login")
///     .build()
///     .expect("valid login configuration");
/// let app = App::new().wrap(manager.clone()).route("/", web::get().to(|| async { "hi" }));
/// ```
pub struct LoginManager<U: UserMixin> {
    pub(crate) config: Arc<Config<U>>,
}

impl<U: UserMixin> Clone for LoginManager<U> {
    fn clone(&self) -> Self {
        LoginManager {
            config: Arc::clone(&self.config),
        }
    }
}

impl<U: UserMixin> fmt::Debug for LoginManager<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginManager")
            .field("session_cookie", &self.config.cookies.session.name)
            .field("remember_cookie", &self.config.cookies.remember.name)
            .field("protection", &self.config.protection)
            .field("login_view", &self.config.redirects.login_view)
            .field("server_side_store", &self.config.server.is_some())
            .finish_non_exhaustive()
    }
}

impl<U: UserMixin> LoginManager<U> {
    pub(crate) fn from_config(config: Arc<Config<U>>) -> Self {
        LoginManager { config }
    }
}

impl<S, B, U> Transform<S, ServiceRequest> for LoginManager<U>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    U: UserMixin,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = LoginMiddleware<S, U>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(LoginMiddleware {
            service,
            config: Rc::new(Arc::clone(&self.config)),
        }))
    }
}

/// The service [`LoginManager`] wraps around an app. Not used directly.
pub struct LoginMiddleware<S, U: UserMixin> {
    service: S,
    /// The manager's settings, shared by this worker's requests without atomic counting.
    config: WorkerConfig<U>,
}

impl<S, B, U> Service<ServiceRequest> for LoginMiddleware<S, U>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    U: UserMixin,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LoginFuture<S::Future, U>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let ctx = Rc::new(LoginContext::new(Rc::clone(&self.config)));
        // One extension entry: guards use it type-erased, extractors downcast it.
        req.extensions_mut().insert(GuardHandle(ctx.clone()));
        LoginFuture {
            inner: self.service.call(req),
            ctx,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`LoginMiddleware`]: writes the cookies that changed.
    pub struct LoginFuture<F, U: UserMixin> {
        #[pin]
        inner: F,
        ctx: Rc<LoginContext<U>>,
    }
}

impl<F, B, U> Future for LoginFuture<F, U>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    U: UserMixin,
{
    type Output = Result<ServiceResponse<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.inner.poll(cx) {
            Poll::Ready(Ok(mut res)) => {
                // A failed load that the handler swallowed (`Option<CurrentUser<U>>`) is
                // answered instead of a page rendered as if nobody were logged in.
                if let Some(mut answer) = this.ctx.take_swallowed() {
                    this.ctx.finish(&mut answer);
                    return Poll::Ready(Err(actix_web::error::InternalError::from_response(
                        "the login state could not be loaded",
                        answer,
                    )
                    .into()));
                }
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
