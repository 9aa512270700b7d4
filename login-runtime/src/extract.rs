//! Extractors: [`CurrentUser`], [`MaybeUser`] and [`LoginSession`].

use std::future::{Future, IntoFuture};
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::config::Refusal;
use crate::context::{ErasedHandle, LoginContext, LoginError, LoginOptions, Source};
use crate::guard::RouteOptions;
use crate::middleware::missing_middleware;
use crate::redirect::is_safe_next;
use crate::user::{AnonymousUser, LoaderError, LocalBoxFuture, UserLoader};

fn context<U: UserLoader>(req: &HttpRequest, what: &str) -> Result<Rc<LoginContext<U>>, actix_web::Error> {
    let handle = req.extensions().get::<ErasedHandle>().cloned();
    handle
        .and_then(|ErasedHandle(ctx)| ctx.into_any().downcast::<LoginContext<U>>().ok())
        .ok_or_else(|| missing_middleware(what))
}

/// The logged-in user (Flask-Login's `current_user`, when logged in). Extracting it from an
/// anonymous request answers with the manager's unauthorized response, so a handler that takes
/// it is implicitly login-required.
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
pub struct CurrentUser<U>(Rc<U>);

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

impl<U: UserLoader> FromRequest for CurrentUser<U> {
    type Error = actix_web::Error;
    type Future = CurrentUserFuture<U>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        CurrentUserFuture(Lookup::new(req, "`CurrentUser`"))
    }
}

/// The future of [`CurrentUser`]'s extraction.
pub struct CurrentUserFuture<U: UserLoader>(Lookup<U>);

impl<U: UserLoader> std::fmt::Debug for CurrentUserFuture<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CurrentUserFuture")
    }
}

impl<U: UserLoader> Future for CurrentUserFuture<U> {
    type Output = Result<CurrentUser<U>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll(cx).map(|found| {
            let Found { ctx, req, user } = found?;
            match user {
                Some(user) => Ok(CurrentUser(user)),
                None => Err(ctx.refusal(&req, Refusal::Unauthorized, &RouteOptions::LOGIN_REQUIRED)),
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
pub struct MaybeUser<U>(Option<Rc<U>>);

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
}

impl<U: UserLoader> FromRequest for MaybeUser<U> {
    type Error = actix_web::Error;
    type Future = MaybeUserFuture<U>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        MaybeUserFuture(Lookup::new(req, "`MaybeUser`"))
    }
}

/// The future of [`MaybeUser`]'s extraction.
pub struct MaybeUserFuture<U: UserLoader>(Lookup<U>);

impl<U: UserLoader> std::fmt::Debug for MaybeUserFuture<U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MaybeUserFuture")
    }
}

impl<U: UserLoader> Future for MaybeUserFuture<U> {
    type Output = Result<MaybeUser<U>, actix_web::Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.poll(cx).map(|found| Ok(MaybeUser(found?.user)))
    }
}

/// What a [`Lookup`] found: the authenticated user, with the context and the request (a
/// refusal needs both).
struct Found<U: UserLoader> {
    ctx: Rc<LoginContext<U>>,
    req: HttpRequest,
    user: Option<Rc<U>>,
}

/// Finds the authenticated user of a request for [`CurrentUser`] and [`MaybeUser`].
///
/// Behind a guard (the common case) the guard has already run the load chain when the
/// extractor is first polled, so the user is read straight from the context with no boxed
/// future. Otherwise the chain is run in a boxed future, as before.
enum Lookup<U: UserLoader> {
    /// Not polled yet.
    Start {
        req: HttpRequest,
        /// The extractor's name, for the "middleware missing" error.
        what: &'static str,
    },
    /// Waiting for the load chain.
    Loading(LocalBoxFuture<'static, Result<Found<U>, actix_web::Error>>),
    /// The result was handed out.
    Finished,
}

impl<U: UserLoader> Lookup<U> {
    fn new(req: &HttpRequest, what: &'static str) -> Self {
        Lookup::Start {
            req: req.clone(),
            what,
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<Found<U>, actix_web::Error>> {
        let mut loading = match std::mem::replace(self, Lookup::Finished) {
            Lookup::Start { req, what } => {
                let ctx = context::<U>(&req, what)?;
                if let Some(user) = ctx.loaded_user() {
                    return Poll::Ready(Ok(Found { ctx, req, user }));
                }
                let loading: LocalBoxFuture<'static, _> = Box::pin(async move {
                    let user = ctx.authenticated_user(&req).await?;
                    Ok(Found { ctx, req, user })
                });
                loading
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

/// Logs users in and out, and answers questions about the current login: Flask-Login's
/// `login_user`, `logout_user`, `confirm_login`, `login_fresh` and `login_remembered`.
///
/// Changes take effect on the response: the middleware writes the session and remember cookies.
///
/// ```
/// use actix_web::{HttpResponse, web};
/// use login_runtime::{LoginSession, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn login(login: LoginSession<User>) -> actix_web::Result<HttpResponse> {
///     let user = User { id: "leafstorm".into() }; // after checking the password
///     login.login_user(&user).remember(true).await?;
///     let next = login.safe_next(None).unwrap_or_else(|| "/protected".to_owned());
///     Ok(HttpResponse::SeeOther().insert_header(("Location", next)).finish())
/// }
///
/// async fn logout(login: LoginSession<User>) -> &'static str {
///     login.logout_user().await;
///     "Logged out"
/// }
/// ```
pub struct LoginSession<U: UserLoader> {
    req: HttpRequest,
    ctx: Rc<LoginContext<U>>,
}

impl<U: UserLoader> FromRequest for LoginSession<U> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(context::<U>(req, "`LoginSession`").map(|ctx| LoginSession {
            req: req.clone(),
            ctx,
        }))
    }
}

impl<U: UserLoader> LoginSession<U> {
    /// Starts logging `user` in; configure with the builder methods, then `.await` it.
    /// Fresh, not remembered, and refused for inactive users unless forced, by default.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// use actix_web::HttpResponse;
    /// use login_runtime::{LoginManager, LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    ///
    /// async fn login(login: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    ///     let user = User { id: "ann".into() }; // after checking the password
    ///     login.login_user(&user).remember(true).await?;
    ///     Ok(HttpResponse::SeeOther().insert_header(("Location", "/")).finish())
    /// }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let app = test::init_service(App::new().wrap(manager).route("/login", web::post().to(login))).await;
    /// let res = test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    /// let cookies: Vec<_> = res.response().cookies().map(|c| c.name().to_owned()).collect();
    /// assert_eq!(cookies, ["session", "remember_token"]);
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn login_user(&self, user: &U) -> LoginUser<'_, U>
    where
        U: Clone,
    {
        LoginUser {
            session: self,
            user: user.clone(),
            options: LoginOptions {
                remember: false,
                duration: None,
                fresh: true,
                force: false,
            },
        }
    }

    /// Logs the current user out and deletes the remember cookie. Always succeeds.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn logout(login: LoginSession<User>) -> HttpResponse {
    ///     login.logout_user().await;
    ///     HttpResponse::SeeOther().insert_header(("Location", "/")).finish()
    /// }
    /// ```
    pub async fn logout_user(&self) {
        self.ctx.logout(&self.req).await;
    }

    /// The logged-in user, if any (loading it if needed).
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn greeting(login: LoginSession<User>) -> actix_web::Result<String> {
    ///     Ok(match login.current_user().await? {
    ///         Some(user) => format!("Hello, {}!", user.id),
    ///         None => "Hello, stranger!".to_owned(),
    ///     })
    /// }
    /// ```
    pub async fn current_user(&self) -> Result<Option<Rc<U>>, LoaderError> {
        self.ctx.authenticated_user(&self.req).await
    }

    /// Makes the current login fresh again after the user re-entered their password
    /// (Flask-Login's `confirm_login`). Returns `false` when nobody is logged in by session.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn reauthenticate(login: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    ///     // ... after checking the password again:
    ///     if !login.confirm_login().await? {
    ///         return Ok(HttpResponse::SeeOther().insert_header(("Location", "/login")).finish());
    ///     }
    ///     let next = login.safe_next(None).unwrap_or_else(|| "/".to_owned());
    ///     Ok(HttpResponse::SeeOther().insert_header(("Location", next)).finish())
    /// }
    /// ```
    pub async fn confirm_login(&self) -> Result<bool, LoaderError> {
        self.ctx.confirm(&self.req).await
    }

    /// Whether the current login is fresh (Flask-Login's `login_fresh`): made with credentials
    /// in this session, not restored from the remember cookie or demoted by session protection.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// use actix_web::HttpResponse;
    /// use login_runtime::{LoginManager, LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    ///
    /// async fn change_email(login: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    ///     if !login.login_fresh().await? {
    ///         return Ok(HttpResponse::SeeOther().insert_header(("Location", "/reauthenticate")).finish());
    ///     }
    ///     Ok(HttpResponse::Ok().body("Email changed."))
    /// }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let app = App::new().wrap(manager.clone()).route("/email", web::post().to(change_email));
    /// # let app = test::init_service(app).await;
    /// let remembered = manager.test_login(&User { id: "ann".into() }).fresh(false);
    /// let req = remembered.apply(test::TestRequest::post().uri("/email"));
    /// assert_eq!(test::call_service(&app, req.to_request()).await.status(), 303);
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub async fn login_fresh(&self) -> Result<bool, LoaderError> {
        self.ctx.load(&self.req).await?;
        Ok(self.ctx.is_fresh(None))
    }

    /// Whether the current login is backed by a valid remember cookie for the same user
    /// (Flask-Login's `login_remembered`).
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn security(login: LoginSession<User>) -> actix_web::Result<&'static str> {
    ///     Ok(if login.login_remembered().await? {
    ///         "This device stays logged in. <a href=\"/logout\">Forget it</a>"
    ///     } else {
    ///         "You will be logged out when you close the browser."
    ///     })
    /// }
    /// ```
    pub async fn login_remembered(&self) -> Result<bool, LoaderError> {
        self.ctx.load(&self.req).await?;
        Ok(self.ctx.is_remembered(&self.req))
    }

    /// Whether the current user was restored from the remember cookie in this request.
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn dashboard(login: LoginSession<User>) -> actix_web::Result<String> {
    ///     let welcome = if login.restored_from_cookie().await? { "Welcome back! " } else { "" };
    ///     Ok(format!("{welcome}Here is your dashboard."))
    /// }
    /// ```
    pub async fn restored_from_cookie(&self) -> Result<bool, LoaderError> {
        self.ctx.load(&self.req).await?;
        Ok(self.ctx.source() == Source::Remember)
    }

    /// Keeps this login valid after the user changed their own password (Django's
    /// `update_session_auth_hash`): pass the user as it is now, with the new auth hash. Every
    /// other session and remember cookie of the user stops working; this one is re-signed.
    /// Returns `false` when `user` is not the user logged in by this session.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::{CurrentUser, LoginSession, UserMixin, user_loader};
    ///
    /// #[derive(Clone, UserMixin)]
    /// struct User { id: String, #[user(auth_hash)] password_hash: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// # fn hash(password: &str) -> String { password.chars().rev().collect() }
    ///
    /// async fn change_password(
    ///     user: CurrentUser<User>,
    ///     login: LoginSession<User>,
    /// ) -> actix_web::Result<HttpResponse> {
    ///     let mut user = User::clone(&user);
    ///     user.password_hash = hash("the new password"); // and save it
    ///     login.update_auth_hash(&user).await?;
    ///     Ok(HttpResponse::Ok().body("Password changed: your other devices are logged out."))
    /// }
    /// ```
    pub async fn update_auth_hash(&self, user: &U) -> Result<bool, LoaderError>
    where
        U: Clone,
    {
        self.ctx.update_auth_hash(&self.req, user.clone()).await
    }

    /// Whether `url` is a safe redirect target: a local path, or an absolute URL on one of the
    /// manager's allowed hosts.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use actix_web::{HttpResponse, web};
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn cancel(
    ///     login: LoginSession<User>,
    ///     query: web::Query<HashMap<String, String>>,
    /// ) -> HttpResponse {
    ///     let back = query.get("back").filter(|url| login.is_safe_next(url));
    ///     HttpResponse::SeeOther().insert_header(("Location", back.map_or("/", String::as_str))).finish()
    /// }
    /// ```
    pub fn is_safe_next(&self, url: &str) -> bool {
        is_safe_next(url, &self.ctx.config().allowed_redirect_hosts)
    }

    /// Where to go after a login: `candidate` (a form field), else the `next` query parameter,
    /// else the `next` kept in the session; only if it is safe.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// use login_runtime::{LoginManager, LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    ///
    /// async fn after_login(login: LoginSession<User>) -> String {
    ///     login.safe_next(None).unwrap_or_else(|| "/".to_owned())
    /// }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let app = App::new().wrap(manager).route("/after", web::get().to(after_login));
    /// # let app = test::init_service(app).await;
    /// # let get = |uri| test::TestRequest::get().uri(uri).to_request();
    /// assert_eq!(test::call_and_read_body(&app, get("/after?next=%2Fsettings")).await, "/settings");
    /// assert_eq!(test::call_and_read_body(&app, get("/after?next=%2F%2Fevil.example")).await, "/");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn safe_next(&self, candidate: Option<&str>) -> Option<String> {
        let field = &self.ctx.config().next_field;
        let from_query = || {
            form_urlencoded::parse(self.req.query_string().as_bytes())
                .find(|(k, _)| k == field.as_str())
                .map(|(_, v)| v.into_owned())
        };
        let next = candidate
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .or_else(from_query)
            .or_else(|| self.ctx.take_session_next(&self.req))?;
        self.is_safe_next(&next).then_some(next)
    }
}

/// A pending `login_user` call; `.await` it to log in.
///
/// ```
/// use std::time::Duration;
/// use login_runtime::{LoginSession, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn login(login: LoginSession<User>) -> actix_web::Result<&'static str> {
///     let user = User { id: "ann".into() }; // after checking the password
///     login.login_user(&user)
///         .remember(true)
///         .duration(Duration::from_secs(14 * 86_400))
///         .await?;
///     Ok("Logged in")
/// }
/// ```
#[must_use = "a login does nothing until it is awaited"]
pub struct LoginUser<'a, U: UserLoader> {
    session: &'a LoginSession<U>,
    user: U,
    options: LoginOptions,
}

impl<U: UserLoader> LoginUser<'_, U> {
    /// Also set the remember cookie, so the login survives a browser restart.
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn login(login: LoginSession<User>) -> actix_web::Result<&'static str> {
    ///     let remember_me = true; // the "Remember me" checkbox of the login form
    ///     login.login_user(&User { id: "ann".into() }).remember(remember_me).await?;
    ///     Ok("Logged in")
    /// }
    /// ```
    pub fn remember(mut self, remember: bool) -> Self {
        self.options.remember = remember;
        self
    }
    /// How long the remember cookie of this login lives (instead of the manager's duration).
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, parse_duration, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn login_on_shared_computer(login: LoginSession<User>) -> actix_web::Result<&'static str> {
    ///     let day = parse_duration("1d").expect("a valid duration");
    ///     login.login_user(&User { id: "ann".into() }).remember(true).duration(day).await?;
    ///     Ok("Logged in for a day")
    /// }
    /// ```
    pub fn duration(mut self, duration: Duration) -> Self {
        self.options.duration = Some(duration);
        self
    }
    /// Whether the login counts as fresh (`true` by default).
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn magic_link(login: LoginSession<User>) -> actix_web::Result<&'static str> {
    ///     // No password was typed: `#[fresh_login_required]` routes will ask for one.
    ///     login.login_user(&User { id: "ann".into() }).fresh(false).await?;
    ///     Ok("Logged in")
    /// }
    /// ```
    pub fn fresh(mut self, fresh: bool) -> Self {
        self.options.fresh = fresh;
        self
    }
    /// Log the user in even if they are inactive.
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    ///
    /// #[derive(Clone, UserMixin)]
    /// struct User { id: String, #[user(active)] enabled: bool }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn impersonate(login: LoginSession<User>) -> actix_web::Result<&'static str> {
    ///     // A support agent looks into a disabled account:
    ///     let user = User { id: "ann".into(), enabled: false };
    ///     login.login_user(&user).force(true).await?;
    ///     Ok("Logged in as ann")
    /// }
    /// ```
    pub fn force(mut self, force: bool) -> Self {
        self.options.force = force;
        self
    }
}

impl<'a, U: UserLoader> IntoFuture for LoginUser<'a, U> {
    type Output = Result<(), LoginError>;
    type IntoFuture = std::future::Ready<Result<(), LoginError>>;

    fn into_future(self) -> Self::IntoFuture {
        let LoginUser {
            session,
            user,
            options,
        } = self;
        std::future::ready(session.ctx.login(&session.req, user, options))
    }
}
