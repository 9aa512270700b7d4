//! Flask-Login's nine signals as one typed event, delivered to hooks registered with
//! `LoginManagerBuilder::on_event` and logged as `tracing` events (target `login_runtime`).

use std::sync::Arc;

use actix_web::HttpRequest;

use crate::user::UserMixin;

/// Something that happened to the login state of a request.
///
/// ```
/// use login_runtime::{LoginEvent, LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// let manager = LoginManager::<User>::builder([7u8; 32])
///     .on_event(|_req, event| {
///         if let LoginEvent::LoggedIn(user) = event {
///             println!("welcome {}", user.id);
///         }
///     })
///     .build();
/// assert!(manager.is_ok());
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginEvent<'a, U> {
    /// `login_user` succeeded (`user_logged_in`).
    LoggedIn(&'a U),
    /// `logout_user` ran; carries the user that was logged in, if any (`user_logged_out`).
    LoggedOut(Option<&'a U>),
    /// The user was restored from the remember cookie (`user_loaded_from_cookie`).
    LoadedFromCookie(&'a U),
    /// The request loader returned a user (`user_loaded_from_request`).
    LoadedFromRequest(&'a U),
    /// `confirm_login` made the login fresh again (`user_login_confirmed`).
    LoginConfirmed,
    /// A guard refused an anonymous request (`user_unauthorized`).
    Unauthorized,
    /// A fresh-login guard refused a non-fresh login (`user_needs_refresh`).
    NeedsRefresh,
    /// The login state of the request was read for the first time (`user_accessed`).
    Accessed,
    /// Session protection saw a different client fingerprint (`session_protected`).
    SessionProtected,
    /// A logged-in user lacked a route's permission or failed its check (no Flask-Login
    /// signal: Flask-Principal's `PermissionDenied`). The user stays logged in.
    Forbidden(&'a U),
}

pub(crate) type EventHook<U> = Arc<dyn Fn(&HttpRequest, &LoginEvent<'_, U>) + Send + Sync>;

pub(crate) fn trace<U: UserMixin>(event: &LoginEvent<'_, U>) {
    use tracing::{debug, info};
    match event {
        LoginEvent::LoggedIn(u) => info!(target: "login_runtime", user = %u.get_id(), "user logged in"),
        LoginEvent::LoggedOut(u) => {
            info!(target: "login_runtime", user = ?u.map(|u| u.get_id().to_string()), "user logged out")
        }
        LoginEvent::LoadedFromCookie(u) => {
            debug!(target: "login_runtime", user = %u.get_id(), "user restored from remember cookie")
        }
        LoginEvent::LoadedFromRequest(u) => {
            debug!(target: "login_runtime", user = %u.get_id(), "user loaded from request")
        }
        LoginEvent::LoginConfirmed => debug!(target: "login_runtime", "login confirmed"),
        LoginEvent::Unauthorized => debug!(target: "login_runtime", "unauthorized"),
        LoginEvent::NeedsRefresh => debug!(target: "login_runtime", "needs refresh"),
        LoginEvent::Accessed => tracing::trace!(target: "login_runtime", "login state accessed"),
        LoginEvent::SessionProtected => info!(target: "login_runtime", "session protection triggered"),
        LoginEvent::Forbidden(u) => info!(target: "login_runtime", user = %u.get_id(), "forbidden"),
    }
}
