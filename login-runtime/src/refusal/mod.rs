//! Refusals and their answers: the one home of "how a refusal is answered", used by the guard,
//! the extractors and the store-error answer alike. [`Refusal`] (why) is here; the answers
//! (`answer.rs`) read the configuration.

mod answer;

use crate::events::LoginEvent;
use crate::messages::MessageKind;
use crate::user::UserMixin;

pub(crate) use answer::{refuse, store_unavailable};

/// Why a request was refused, handed to custom handlers.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use actix_web::{HttpRequest, HttpResponse};
/// use login_runtime::Refusal;
///
/// fn refuse(_req: &HttpRequest, why: Refusal) -> HttpResponse {
///     match why {
///         Refusal::Unauthorized => HttpResponse::Unauthorized().body("Log in first."),
///         Refusal::NeedsRefresh => HttpResponse::Unauthorized().body("Enter your password again."),
///         _ => HttpResponse::Unauthorized().finish(),
///     }
/// }
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .unauthorized_handler(refuse)
///     .needs_refresh_handler(refuse)
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
}

impl Refusal {
    /// The short name used in logs and as the actix error's cause.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "unauthorized",
            Refusal::NeedsRefresh => "needs refresh",
        }
    }

    /// The event it fires.
    pub(crate) fn event<U: UserMixin>(self) -> LoginEvent<'static, U> {
        match self {
            Refusal::Unauthorized => LoginEvent::Unauthorized,
            Refusal::NeedsRefresh => LoginEvent::NeedsRefresh,
        }
    }

    /// The `error` member of the JSON answer, and its message when none is configured.
    pub(crate) fn json_error(self) -> (&'static str, &'static str) {
        match self {
            Refusal::Unauthorized => ("unauthorized", "Authentication required."),
            Refusal::NeedsRefresh => ("needs_refresh", "Please reauthenticate."),
        }
    }

    /// The plain-text answer when there is no view to redirect to.
    pub(crate) fn plain_text(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "401 Unauthorized: log in to access this page.",
            Refusal::NeedsRefresh => "401 Unauthorized: log in again to access this page.",
        }
    }

    pub(crate) fn message_kind(self) -> MessageKind {
        match self {
            Refusal::Unauthorized => MessageKind::Login,
            Refusal::NeedsRefresh => MessageKind::Refresh,
        }
    }
}
