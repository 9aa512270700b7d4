//! Messages for the user: Flask-Login's `login_message` and `needs_refresh_message`, handed to
//! the application's hooks instead of flashed.

use std::borrow::Cow;
use std::sync::Arc;

/// Translates message texts (`LoginManagerBuilder::localize`).
pub(crate) type Localizer = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Which of the two redirecting answers a message belongs to.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::MessageKind;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("/login")
///     .refresh_view("/reauthenticate")
///     .on_message(|req, message, _response| match message.kind {
///         MessageKind::Login => println!("{}: login required", req.path()),
///         MessageKind::Refresh => println!("{}: fresh login required", req.path()),
///         _ => {}
///     })
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageKind {
    /// The client must log in (Flask-Login's `login_message`).
    Login,
    /// The client must re-authenticate (Flask-Login's `needs_refresh_message`).
    Refresh,
}

/// A message for the user that the library hands to the application instead of flashing it
/// itself, so any flash-message crate (or none) can show it.
///
/// ```
/// use login_runtime::{LOGIN_MESSAGE, LoginMessage, MessageKind};
///
/// // Renders a message as a Bootstrap alert.
/// fn alert(message: &LoginMessage) -> String {
///     let class = if message.category == "message" { "info" } else { &message.category };
///     format!("<div class=\"alert alert-{class}\">{}</div>", message.text)
/// }
/// let message = LoginMessage::new(MessageKind::Login, LOGIN_MESSAGE, "message");
/// assert_eq!(alert(&message), format!("<div class=\"alert alert-info\">{LOGIN_MESSAGE}</div>"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginMessage {
    /// Which answer produced the message.
    pub kind: MessageKind,
    /// The text, already passed through the localize hook.
    pub text: String,
    /// The category (Flask-Login's `login_message_category`), `message` by default.
    pub category: String,
}

impl LoginMessage {
    /// A message of `kind` with its text and category.
    ///
    /// ```
    /// use login_runtime::{LoginMessage, MessageKind};
    ///
    /// let message = LoginMessage::new(MessageKind::Refresh, "Enter your password again.", "warning");
    /// assert_eq!((message.kind, message.category.as_str()), (MessageKind::Refresh, "warning"));
    /// ```
    pub fn new(kind: MessageKind, text: impl Into<String>, category: impl Into<String>) -> Self {
        LoginMessage {
            kind,
            text: text.into(),
            category: category.into(),
        }
    }
}

/// Flask-Login's default message texts, for applications that want to reuse them.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::LOGIN_MESSAGE;
///
/// // The default text, in another category:
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("/login")
///     .login_message(Some(LOGIN_MESSAGE), "info")
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
pub const LOGIN_MESSAGE: &str = "Please log in to access this page.";
/// Flask-Login's default refresh message.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::REFRESH_MESSAGE;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .refresh_view("/reauthenticate")
///     .refresh_message(Some(REFRESH_MESSAGE), "warning")
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
pub const REFRESH_MESSAGE: &str = "Please reauthenticate to access this page.";

/// `text` through the localize hook, if there is one.
pub(crate) fn localized<'a>(localize: &Option<Localizer>, text: &'a str) -> Cow<'a, str> {
    match localize {
        Some(f) => Cow::Owned(f(text)),
        None => Cow::Borrowed(text),
    }
}
