//! Test helpers: make an actix test request act as a given user, fresh or not (Flask-Login's
//! `FlaskLoginClient`, Django's `force_login`).
//!
//! The session cookie made here is not yet bound to a client fingerprint; the first request that
//! uses it binds it, so it works under every session-protection mode (`FlaskLoginClient` fails
//! under protection: Flask-Login #586). The cookies are the stateless cookie store's: with a
//! server-side store, log in through a handler (the test client keeps the cookies it sets).
//!
//! ```
//! use actix_web::{App, test, web};
//! use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
//!
//! #[derive(Clone, UserMixin)]
//! struct User { id: String }
//!
//! #[user_loader]
//! async fn load(id: String) -> Option<User> { Some(User { id }) }
//!
//! # actix_rt::System::new().block_on(async {
//! let manager = LoginManager::<User>::builder([1u8; 32]).build().unwrap();
//! let app = test::init_service(App::new().wrap(manager.clone()).route(
//!     "/me",
//!     web::get().to(|user: CurrentUser<User>| async move { user.id.clone() }),
//! ))
//! .await;
//! let user = User { id: "leafstorm".into() };
//! let req = manager.test_login(&user).fresh(false).apply(test::TestRequest::get().uri("/me"));
//! let body = test::call_and_read_body(&app, req.to_request()).await;
//! assert_eq!(body, "leafstorm");
//! # });
//! ```

#[cfg(feature = "test-client")]
mod client;
#[cfg(feature = "test-client")]
mod client_response;

use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::test::TestRequest;

#[cfg(feature = "test-client")]
pub use client::{InvalidOrigin, TestClient};
#[cfg(feature = "test-client")]
pub use client_response::TestResponse;

use crate::clock::now_secs;
use crate::middleware::LoginManager;
use crate::remember::RememberToken;
use crate::store::state::SessionState;
use crate::user::UserMixin;

impl<U: UserMixin> LoginManager<U> {
    /// Starts a test login for `user`.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
    /// # let app = app.await;
    /// let login = manager.test_login(&User { id: "ann".into() });
    /// let req = login.apply(test::TestRequest::get().uri("/me"));
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn test_login(&self, user: &U) -> TestLogin<'_, U> {
        TestLogin {
            manager: self,
            user_id: user.get_id().to_string(),
            auth_digest: user.auth_hash().map(|h| self.config.keys.auth.digest(h)),
            fresh: true,
        }
    }
}

/// A test login: the cookies a real login of the user would have set.
///
/// ```
/// # use actix_web::{App, test, web};
/// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
/// # actix_web::rt::System::new().block_on(async {
/// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
/// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
/// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
/// # let app = app.await;
/// let ann = User { id: "ann".into() };
/// for fresh in [true, false] {
///     let req = manager.test_login(&ann).fresh(fresh).apply(test::TestRequest::get().uri("/me"));
///     assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
/// }
/// # Ok::<(), login_runtime::ConfigError>(())
/// # })?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
pub struct TestLogin<'a, U: UserMixin> {
    manager: &'a LoginManager<U>,
    user_id: String,
    auth_digest: Option<[u8; crate::crypto::keys::TAG_LEN]>,
    fresh: bool,
}

impl<U: UserMixin> TestLogin<'_, U> {
    /// Whether the login is fresh (`true` by default).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
    /// # let app = app.await;
    /// // A login restored from the remember cookie: `#[fresh_login_required]` routes refuse it.
    /// let stale = manager.test_login(&User { id: "ann".into() }).fresh(false);
    /// let req = stale.apply(test::TestRequest::get().uri("/me"));
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn fresh(mut self, fresh: bool) -> Self {
        self.fresh = fresh;
        self
    }

    /// The `session` cookie of this login.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
    /// # let app = app.await;
    /// let cookie = manager.test_login(&User { id: "ann".into() }).session_cookie();
    /// assert_eq!(cookie.name(), "session");
    /// let req = test::TestRequest::get().uri("/me").cookie(cookie);
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn session_cookie(&self) -> Cookie<'static> {
        let config = &self.manager.config;
        Cookie::new(
            config.cookies.session.name.clone(),
            config.keys.session.seal(&self.state()),
        )
    }

    /// The login state a real login would have made, not yet bound to a client.
    fn state(&self) -> SessionState {
        let now = now_secs();
        SessionState {
            user_id: Some(self.user_id.as_str().into()),
            fresh: self.fresh,
            fingerprint: None,
            auth_digest: self.auth_digest,
            logged_in_at: now,
            authenticated_at: if self.fresh { now } else { 0 },
            last_seen: now,
            next: None,
        }
    }

    /// The `Set-Cookie` a login would send for the session, in the manager's store: with a
    /// server-side store the login's record is saved first (as from `user_agent`), and the
    /// cookie holds its signed id.
    #[cfg(feature = "test-client")]
    pub(crate) async fn store_session(&self, user_agent: &str) -> Result<Cookie<'static>, crate::StoreError> {
        use crate::store::record::{LoginRecord, cut_user_agent, secret_digest};
        use crate::store::server::{LoginRef, random_secret};

        let config = &self.manager.config;
        let state = self.state();
        let value = match &config.server {
            None => config.keys.session.seal(&state),
            Some(server) => {
                let login = LoginRef::generate()?;
                let record = LoginRecord {
                    handle: random_secret()?,
                    created_at: state.logged_in_at,
                    user_agent: cut_user_agent(user_agent),
                    session_digest: secret_digest(&login.secret),
                    remember: None,
                    state,
                };
                server.save(&login.login_id, &record, now_secs()).await?;
                login.seal(&config.keys.session_id)
            }
        };
        Ok(crate::context::session_cookie(
            &config.cookies.session,
            value,
            None,
        ))
    }

    /// A `remember_token` cookie for the user, valid for `lifetime`.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
    /// # let app = app.await;
    /// use std::time::Duration;
    ///
    /// // No session, only "remember me": the user is restored from the cookie.
    /// let login = manager.test_login(&User { id: "ann".into() });
    /// let cookie = login.remember_cookie(Duration::from_secs(3600));
    /// let req = test::TestRequest::get().uri("/me").cookie(cookie);
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn remember_cookie(&self, lifetime: Duration) -> Cookie<'static> {
        let config = &self.manager.config;
        let now = now_secs();
        let token = RememberToken {
            user_id: self.user_id.clone(),
            issued_at: now,
            expires_at: now.saturating_add(lifetime.as_secs()),
            auth_digest: self.auth_digest,
        };
        Cookie::new(
            config.cookies.remember.name.clone(),
            config.keys.remember.seal(&token),
        )
    }

    /// Adds the session cookie to a test request.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me)));
    /// # let app = app.await;
    /// let login = manager.test_login(&User { id: "ann".into() });
    /// // Any test request: the session cookie is added to what it already has.
    /// let req = login.apply(test::TestRequest::get().uri("/me").insert_header(("accept", "text/plain")));
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn apply(&self, req: TestRequest) -> TestRequest {
        req.cookie(self.session_cookie())
    }
}
