//! User session management for actix-web, the way Flask-Login does it: log users in and out,
//! remember them across browser restarts, protect routes, ask for fresh logins, and load users
//! from API keys or `Authorization` headers, with compile-time checks on the loaders.
//!
//! ```
//! use actix_web::{App, HttpResponse, get, web};
//! use login_runtime::{CurrentUser, LoginManager, LoginSession, UserMixin, login_required, user_loader};
//!
//! #[derive(Clone, UserMixin)]
//! struct User {
//!     id: String,
//! }
//!
//! #[user_loader]
//! async fn load_user(id: String) -> Option<User> {
//!     (id == "leafstorm").then(|| User { id })
//! }
//!
//! #[get("/protected")]
//! #[login_required]
//! async fn protected(user: CurrentUser<User>) -> String {
//!     format!("Logged in as: {}", user.id)
//! }
//!
//! async fn logout(login: LoginSession<User>) -> HttpResponse {
//!     login.logout_user().await;
//!     HttpResponse::Ok().body("Logged out")
//! }
//!
//! let manager = LoginManager::<User>::builder("change me: a secret of 32 bytes or more")
//!     .login_view("/login")
//!     .build()?;
//! let app = App::new()
//!     .wrap(manager)
//!     .service(protected)
//!     .route("/logout", web::get().to(logout));
//! # Ok::<(), login_runtime::ConfigError>(())
//! ```
//!
//! See the README for the feature list and `ARCHITECTURE.md` for how a request flows through
//! the middleware.

mod config;
mod context;
mod events;
mod extract;
mod fingerprint;
pub mod guard;
mod keys;
mod middleware;
mod redirect;
mod remember;
mod session;
pub mod test;
mod user;
mod wire;

pub use config::{
    ConfigError, CookieSettings, LOGIN_MESSAGE, LoginManager, LoginManagerBuilder, LoginMessage, MIN_KEY_LEN,
    MessageKind, REFRESH_MESSAGE, Refusal, SessionProtection, parse_duration,
};
pub use context::LoginError;
pub use events::LoginEvent;
pub use extract::{CurrentUser, LoginSession, LoginUser, MaybeUser};
pub use middleware::{LoginFuture, LoginMiddleware, LoginScope, LoginScopeMiddleware};
pub use redirect::{is_safe_next, login_url, make_next_param};
pub use user::{AnonymousUser, LoaderError, LocalBoxFuture, RequestLoader, UserLoader, UserMixin};

#[cfg(feature = "macros")]
pub use login_macros::{UserMixin, fresh_login_required, login_required, request_loader, user_loader};

/// Items the macros' generated code uses. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::guard::{Flavour, FreshLoginRequired, Guard, LoginRequired, RouteOptions, RouteRule};
    pub use crate::user::IntoLoadResult;
    pub use actix_web::dev::Payload;
    pub use actix_web::{FromRequest, HttpRequest};
    pub use core::option::Option::{self, None, Some};
    pub use core::result::Result::{self, Err, Ok};
    pub use std::boxed::Box;

    /// Extracts one extra loader argument (`web::Data<T>` and friends) from the request.
    pub async fn extract<T: FromRequest>(req: &HttpRequest) -> Result<T, crate::LoaderError> {
        T::from_request(req, &mut Payload::None).await.map_err(|e| {
            crate::LoaderError::new(format_args!(
                "a loader argument could not be extracted: {}",
                e.into()
            ))
        })
    }

    /// Checks, at compile time, that a loader's id parameter has the user's id type.
    pub const fn assert_id_type<U: crate::UserMixin<Id = I>, I>() {}
}
