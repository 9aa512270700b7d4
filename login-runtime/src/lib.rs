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

#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod clock;
mod config;
mod context;
mod crypto;
mod error;
mod events;
mod extract;
#[cfg(feature = "flash")]
mod flash;
pub mod guard;
mod loader;
mod messages;
mod middleware;
mod permission;
mod policy;
mod redirect;
mod refusal;
mod remember;
mod sessions;
pub mod store;
pub mod test;
mod user;

/// Items the macros' generated code uses. Not public API: may change in any release.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{ClientBinding, ForwardedHeader};
pub use config::{
    CookieContent, CookieSettings, LoginManagerBuilder, MIN_KEY_LEN, SessionProtection, parse_duration,
};
pub use error::{ConfigError, LoginError, StoreError, StoreErrorKind};
pub use events::LoginEvent;
pub use extract::{
    Authorized, CurrentUser, CurrentUserFuture, CurrentUserView, LoadedFrom, LoginSession, LoginUser,
    LogoutUser, MaybeUser, MaybeUserFuture, Permissions,
};
pub use loader::{LoaderError, LocalBoxFuture, RequestLoader, UserLoader};
pub use messages::{LOGIN_MESSAGE, LoginMessage, MessageKind, REFRESH_MESSAGE};
pub use middleware::{
    BodyDeadline, BodyDeadlineFuture, BodyDeadlineMiddleware, LoginFuture, LoginManager, LoginMiddleware,
    LoginScope, LoginScopeFuture, LoginScopeMiddleware,
};
pub use permission::{
    AsyncCheck, OwnPermissions, PermissionField, PermissionLoader, PermissionSet, SyncCheck, UserCheck,
    permissions_of,
};
pub use redirect::{is_safe_next, login_url, make_next_param};
pub use refusal::{Refusal, RefusalContext};
pub use sessions::{InvalidSessionHandle, LiveSession, SessionHandle};
pub use user::{AnonymousUser, UserMixin};

#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/user_mixin.md")]
pub use login_macros::UserMixin;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/anonymous_required.md")]
pub use login_macros::anonymous_required;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/fresh_login_required.md")]
pub use login_macros::fresh_login_required;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/login_required.md")]
pub use login_macros::login_required;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/permission_loader.md")]
pub use login_macros::permission_loader;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/request_loader.md")]
pub use login_macros::request_loader;
#[cfg(feature = "macros")]
#[doc = include_str!("../docs/macros/user_loader.md")]
pub use login_macros::user_loader;
