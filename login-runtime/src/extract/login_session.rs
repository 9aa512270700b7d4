//! [`LoginSession`]: Flask-Login's `login_user`, `logout_user`, `confirm_login` and friends,
//! plus the server-side session list; and the [`LoginUser`] builder.

use std::future::IntoFuture;
use std::rc::Rc;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::context::{LoginContext, LoginOptions, Source};
use crate::error::LoginError;
use crate::extract::context;
use crate::loader::{LoaderError, LocalBoxFuture};
use crate::redirect::is_safe_next;
use crate::sessions::{LiveSession, SessionHandle};
use crate::user::UserMixin;

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
pub struct LoginSession<U: UserMixin> {
    req: HttpRequest,
    ctx: Rc<LoginContext<U>>,
}

impl<U: UserMixin> FromRequest for LoginSession<U> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(context::<U>(req, "`LoginSession`").map(|ctx| LoginSession {
            req: req.clone(),
            ctx,
        }))
    }
}

impl<U: UserMixin> LoginSession<U> {
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
        U: crate::__private::CloneUser,
    {
        LoginUser {
            session: self,
            user: user.clone(),
            options: LoginOptions::DEFAULT,
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
    pub fn logout_user(&self) -> LogoutUser<'_, U> {
        LogoutUser { session: self }
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

    /// Every live login of the current user, on every device, newest first: what an
    /// "Active sessions" page lists. Needs a server-side store (else a
    /// [`StoreErrorKind::Unsupported`](crate::StoreErrorKind::Unsupported) error, answered 501);
    /// anonymous requests get an empty list.
    ///
    /// ```
    /// use actix_web::{HttpResponse, web};
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn devices(login: LoginSession<User>) -> actix_web::Result<String> {
    ///     let mut page = String::new();
    ///     for s in login.live_sessions().await? {
    ///         let here = if s.current { " (this device)" } else { "" };
    ///         page += &format!("{} last seen {}{here}\n", s.user_agent, s.last_seen);
    ///     }
    ///     Ok(page)
    /// }
    /// ```
    pub async fn live_sessions(&self) -> Result<Vec<LiveSession>, LoaderError> {
        let Some(user) = self.current_user().await? else {
            return Ok(Vec::new());
        };
        let server = crate::sessions::server_of(self.ctx.config())?;
        let current = self.ctx.current_login_key();
        let id = crate::user::UserMixin::get_id(&*user).to_string();
        Ok(crate::sessions::list(server, &id, current.as_ref()).await?)
    }

    /// Ends one login of the current user, on whatever device holds it: its session and its
    /// remember token stop working on their next request. `Ok(false)` when `handle` is not one
    /// of this user's live logins (another user's handle is never revoked). Revoking the
    /// current login logs this request out too.
    ///
    /// ```
    /// use actix_web::{HttpResponse, web};
    /// use login_runtime::{LoginSession, SessionHandle, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn revoke(login: LoginSession<User>, handle: web::Path<String>) -> actix_web::Result<HttpResponse> {
    ///     let Ok(handle) = handle.parse::<SessionHandle>() else {
    ///         return Ok(HttpResponse::NotFound().finish());
    ///     };
    ///     Ok(match login.revoke_session(&handle).await? {
    ///         true => HttpResponse::Ok().body("Logged out on that device."),
    ///         false => HttpResponse::NotFound().finish(),
    ///     })
    /// }
    /// ```
    pub async fn revoke_session(&self, handle: &SessionHandle) -> Result<bool, LoaderError> {
        let Some(user) = self.current_user().await? else {
            return Ok(false);
        };
        let server = crate::sessions::server_of(self.ctx.config())?;
        let id = crate::user::UserMixin::get_id(&*user).to_string();
        let Some(key) = crate::sessions::revoke(server, &id, handle).await? else {
            return Ok(false);
        };
        if self.ctx.current_login_key() == Some(key) {
            self.ctx.forget_login(&self.req);
        }
        Ok(true)
    }

    /// Ends every login of the current user except this request's ("log out my other
    /// devices"); returns how many were ended.
    ///
    /// ```
    /// use login_runtime::{LoginSession, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    ///
    /// async fn log_out_elsewhere(login: LoginSession<User>) -> actix_web::Result<String> {
    ///     let n = login.revoke_other_sessions().await?;
    ///     Ok(format!("Logged out on {n} other devices."))
    /// }
    /// ```
    pub async fn revoke_other_sessions(&self) -> Result<usize, LoaderError> {
        let Some(user) = self.current_user().await? else {
            return Ok(0);
        };
        let server = crate::sessions::server_of(self.ctx.config())?;
        let current = self.ctx.current_login_key();
        let id = crate::user::UserMixin::get_id(&*user).to_string();
        Ok(crate::sessions::revoke_all(server, &id, current.as_ref()).await?)
    }

    /// Whether `url` is a safe redirect target: a local path, or an absolute URL on one of the
    /// manager's allowed hosts, or on the host of
    /// [`force_host_for_redirects`](crate::LoginManagerBuilder::force_host_for_redirects) (the
    /// site's own canonical host; the request's `Host` header is never trusted for this, since
    /// the client writes it).
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
        let redirects = &self.ctx.config().redirects;
        is_safe_next(url, &redirects.allowed_hosts)
            || redirects
                .force_host
                .as_ref()
                .is_some_and(|own| is_safe_next(url, std::slice::from_ref(own)))
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
        let field = &self.ctx.config().redirects.next_field;
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
///
/// A forgotten `.await` is the `unused_must_use` warning with the note "`login_user(..)` does
/// nothing until it is awaited"; rustc adds its own "use `let _ = ...` to ignore the resulting
/// value", which is not the fix (that would skip the login): add `.await?`.
#[must_use = "`login_user(..)` does nothing until it is awaited: write `.await?` after it (the login can fail with a server-side store)"]
pub struct LoginUser<'a, U: UserMixin> {
    session: &'a LoginSession<U>,
    user: U,
    options: LoginOptions,
}

impl<U: UserMixin> LoginUser<'_, U> {
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

impl<'a, U: UserMixin> IntoFuture for LoginUser<'a, U> {
    type Output = Result<(), LoginError>;
    type IntoFuture = LocalBoxFuture<'a, Result<(), LoginError>>;

    fn into_future(self) -> Self::IntoFuture {
        let LoginUser {
            session,
            user,
            options,
        } = self;
        Box::pin(async move { session.ctx.login(&session.req, user, options).await })
    }
}

/// A logout, returned by [`LoginSession::logout_user`]: nothing happens until it is awaited,
/// and forgetting the `.await` is a warning in our words (`#[must_use]`), not the generic one
/// about an unused future.
///
/// ```
/// use login_runtime::{LoginSession, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn logout(login: LoginSession<User>) -> &'static str {
///     login.logout_user().await;
///     "Logged out"
/// }
/// ```
#[must_use = "`logout_user()` does nothing until it is awaited: write `.logout_user().await`"]
pub struct LogoutUser<'a, U: UserMixin> {
    session: &'a LoginSession<U>,
}

impl<'a, U: UserMixin> IntoFuture for LogoutUser<'a, U> {
    type Output = ();
    type IntoFuture = LocalBoxFuture<'a, ()>;

    fn into_future(self) -> Self::IntoFuture {
        let session = self.session;
        Box::pin(async move { session.ctx.logout(&session.req).await })
    }
}
