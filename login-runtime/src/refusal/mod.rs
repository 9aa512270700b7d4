//! Refusals and their answers: the one home of "how a refusal is answered", used by the guard,
//! the extractors and the store-error answer alike. [`Refusal`] (why) is here; the answers
//! (`answer.rs`) read the configuration.

mod answer;
mod context;
mod deferred;

use actix_web::http::StatusCode;

use crate::events::LoginEvent;
use crate::messages::MessageKind;
use crate::user::UserMixin;

pub(crate) use answer::{refuse, store_unavailable};
pub use context::RefusalContext;
pub(crate) use deferred::{LoadFailure, SwallowedAnswer};

/// Why a request was refused; custom handlers read it from
/// [`RefusalContext::refusal`].
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use actix_web::{HttpRequest, HttpResponse};
/// use login_runtime::{Refusal, RefusalContext};
///
/// fn refuse(_req: &HttpRequest, why: &RefusalContext) -> HttpResponse {
///     match why.refusal() {
///         Refusal::Unauthorized => HttpResponse::Unauthorized().body("Log in first."),
///         Refusal::NeedsRefresh => HttpResponse::Unauthorized().body("Enter your password again."),
///         Refusal::Forbidden => HttpResponse::Forbidden().body("Ask an administrator for access."),
///         _ => why.default_answer(),
///     }
/// }
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .unauthorized_handler(refuse)
///     .needs_refresh_handler(refuse)
///     .forbidden_handler(refuse)
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// Nobody is logged in (`unauthorized`).
    Unauthorized,
    /// Somebody is logged in, but not freshly enough (`needs_refresh`).
    NeedsRefresh,
    /// Somebody is logged in, but lacks the route's permission or fails its check: a 403,
    /// never a redirect to the login view (which would loop) and never a logout.
    Forbidden,
}

impl Refusal {
    /// The short name used in logs and as the actix error's cause.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "unauthorized",
            Refusal::NeedsRefresh => "needs refresh",
            Refusal::Forbidden => "forbidden",
        }
    }

    /// The event it fires without a user (a 403's event names the user and is fired where the
    /// user is at hand, `guard/authorize.rs`).
    pub(crate) fn event<U: UserMixin>(self) -> Option<LoginEvent<'static, U>> {
        match self {
            Refusal::Unauthorized => Some(LoginEvent::Unauthorized),
            Refusal::NeedsRefresh => Some(LoginEvent::NeedsRefresh),
            Refusal::Forbidden => None,
        }
    }

    /// The `error` member of the JSON answer, and its message when none is configured.
    pub(crate) fn json_error(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Unauthorized => ("unauthorized", "Authentication required."),
            Refusal::NeedsRefresh => ("needs_refresh", "Please reauthenticate."),
            Refusal::Forbidden => ("forbidden", "You do not have permission to access this resource."),
        }
    }

    /// The plain-text answer when there is no view to redirect to.
    pub(crate) fn plain_text(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "401 Unauthorized: log in to access this page.",
            Refusal::NeedsRefresh => "401 Unauthorized: log in again to access this page.",
            Refusal::Forbidden => "403 Forbidden: you do not have permission to access this page.",
        }
    }

    /// The status of the default answer.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Refusal::Unauthorized | Refusal::NeedsRefresh => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
        }
    }

    /// The kind of the flashed message of a redirect (a 403 flashes nothing).
    pub(crate) fn message_kind(self) -> Option<MessageKind> {
        match self {
            Refusal::Unauthorized => Some(MessageKind::Login),
            Refusal::NeedsRefresh => Some(MessageKind::Refresh),
            Refusal::Forbidden => None,
        }
    }
}
