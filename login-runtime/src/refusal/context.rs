//! [`RefusalContext`]: what a custom refusal handler is told, so that it never has to rebuild
//! what the library already decided.

use std::cell::RefCell;

use actix_web::HttpResponse;

use crate::guard::Flavour;
use crate::messages::LoginMessage;
use crate::refusal::Refusal;

/// Everything the library decided about a refusal, handed to the manager's
/// `unauthorized_handler`, `needs_refresh_handler` and `forbidden_handler`: why, the flavour
/// that applies (the route's, else the scope's, else the manager's), the redirect location with
/// `next` as the library would send it, the configured message, and the default answer itself
/// to return as is or adjust.
///
/// ```
/// use actix_web::HttpResponse;
/// use login_runtime::guard::Flavour;
/// use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("/login")
///     .unauthorized_handler(|_req, refusal| {
///         match (refusal.flavour(), refusal.location()) {
///             // Browsers: the library's redirect, with a header of ours.
///             (Flavour::Html, Some(_)) => {
///                 let mut answer = refusal.default_answer();
///                 answer.headers_mut().insert(
///                     actix_web::http::header::CACHE_CONTROL,
///                     actix_web::http::header::HeaderValue::from_static("no-store"),
///                 );
///                 answer
///             }
///             // APIs: our own JSON, with the configured message.
///             _ => HttpResponse::Unauthorized().json(serde_json::json!({
///                 "error": "login_required",
///                 "message": refusal.message().map(|m| m.text.as_str()),
///             })),
///         }
///     })
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct RefusalContext {
    pub(crate) refusal: Refusal,
    pub(crate) flavour: Flavour,
    pub(crate) location: Option<String>,
    pub(crate) message: Option<LoginMessage>,
    pub(crate) default: RefCell<Option<HttpResponse>>,
}

impl RefusalContext {
    /// Why the request was refused.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::{Refusal, RefusalContext};
    ///
    /// fn answer(refusal: &RefusalContext) -> HttpResponse {
    ///     match refusal.refusal() {
    ///         Refusal::Forbidden => HttpResponse::Forbidden().body("Ask an administrator."),
    ///         _ => refusal.default_answer(),
    ///     }
    /// }
    /// ```
    pub fn refusal(&self) -> Refusal {
        self.refusal
    }

    /// The flavour that applies to this request, resolved: [`Flavour::Html`] or
    /// [`Flavour::Json`] (the route's option, else its [`LoginScope`](crate::LoginScope)'s,
    /// else the manager's `json_by_default`).
    ///
    /// ```
    /// use login_runtime::RefusalContext;
    /// use login_runtime::guard::Flavour;
    ///
    /// fn is_api(refusal: &RefusalContext) -> bool {
    ///     refusal.flavour() == Flavour::Json
    /// }
    /// ```
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    /// Where the default answer redirects: the login (or refresh) view with `next` as the
    /// library builds it (forced host and `use_session_for_next` applied). `None` for a JSON
    /// answer, a 403, or when no view is configured.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::RefusalContext;
    ///
    /// fn see_other(refusal: &RefusalContext) -> HttpResponse {
    ///     match refusal.location() {
    ///         Some(to) => HttpResponse::SeeOther().insert_header(("Location", to)).finish(),
    ///         None => refusal.default_answer(),
    ///     }
    /// }
    /// ```
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The configured message (`login_message`, `refresh_message`), localized, with its
    /// category; `None` when it is turned off, and for a 403.
    ///
    /// ```
    /// use login_runtime::RefusalContext;
    ///
    /// fn flash_text(refusal: &RefusalContext) -> String {
    ///     refusal.message().map(|m| format!("[{}] {}", m.category, m.text)).unwrap_or_default()
    /// }
    /// ```
    pub fn message(&self) -> Option<&LoginMessage> {
        self.message.as_ref()
    }

    /// The answer the library would have given (its message hooks already run on it), to
    /// return as is or adjust. Asked for twice, the second answer is a plain one with the same
    /// status.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use login_runtime::RefusalContext;
    ///
    /// fn with_header(refusal: &RefusalContext) -> HttpResponse {
    ///     let mut answer = refusal.default_answer();
    ///     answer.headers_mut().insert(
    ///         actix_web::http::header::HeaderName::from_static("x-login"),
    ///         actix_web::http::header::HeaderValue::from_static("required"),
    ///     );
    ///     answer
    /// }
    /// ```
    pub fn default_answer(&self) -> HttpResponse {
        self.default
            .borrow_mut()
            .take()
            .unwrap_or_else(|| crate::error::plain(self.refusal.status(), self.refusal.plain_text()))
    }
}
