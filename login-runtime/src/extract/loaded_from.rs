//! [`LoadedFrom`]: how the request's user was found (Flask's `g.login_via_request`, and more).

use crate::context::Source;

/// How the logged-in user of a request was found.
///
/// ```
/// use login_runtime::{CurrentUser, LoadedFrom, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn account(user: CurrentUser<User>) -> String {
///     match user.loaded_from() {
///         LoadedFrom::RememberCookie => "Welcome back! Confirm your password to change settings.".to_owned(),
///         LoadedFrom::Request => "API access".to_owned(),
///         _ => format!("Account of {}", user.id),
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadedFrom {
    /// The session cookie of an earlier login.
    Session,
    /// The remember cookie (the login was restored, so it is not fresh).
    RememberCookie,
    /// The request loader (an API key, HTTP Basic, a bearer token): no session.
    Request,
    /// `login_user` in this very request.
    Login,
}

impl LoadedFrom {
    /// The public face of the context's source; `None` for nobody.
    pub(crate) fn of(source: Source) -> Option<Self> {
        match source {
            Source::Nobody => None,
            Source::Session => Some(LoadedFrom::Session),
            Source::Remember => Some(LoadedFrom::RememberCookie),
            Source::Request => Some(LoadedFrom::Request),
            Source::Login => Some(LoadedFrom::Login),
        }
    }
}
