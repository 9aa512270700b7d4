//! The errors: start-up ([`ConfigError`]), login ([`LoginError`]), session store
//! ([`StoreError`]). Each message says what is wrong and how to fix it. [`LoaderError`]
//! (a loader failed) lives with the loaders.
//!
//! [`LoaderError`]: crate::LoaderError

use std::fmt;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{Error, HttpResponse};

/// A start-up error in the login configuration. Its message says what is wrong and how to fix
/// it.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// let err = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("login")
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("give a path starting with `/`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A configuration error as an [`std::io::Error`] of kind
/// [`InvalidInput`](std::io::ErrorKind::InvalidInput), with the `ConfigError` as its source
/// and the same message, so that `build()?` works in an
/// `async fn main() -> std::io::Result<()>`, where `HttpServer::bind` and `run` also
/// return `io::Error`s.
///
/// ```
/// # use login_runtime::{ConfigError, LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// fn start() -> std::io::Result<()> {
///     let _manager = LoginManager::<User>::builder("too short").build()?;
///     Ok(())
/// }
///
/// let err = start().unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("at least 32 bytes"));
/// assert!(err.get_ref().is_some_and(|inner| inner.is::<ConfigError>()));
/// ```
impl From<ConfigError> for std::io::Error {
    fn from(err: ConfigError) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, err)
    }
}

/// Why `login_user` refused.
///
/// ```
/// use actix_web::HttpResponse;
/// use login_runtime::{LoginError, LoginSession, UserMixin, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String, #[user(active)] enabled: bool }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
///
/// async fn login(login: LoginSession<User>) -> HttpResponse {
///     let user = User { id: "ann".into(), enabled: false }; // after checking the password
///     match login.login_user(&user).await {
///         Ok(()) => HttpResponse::SeeOther().insert_header(("Location", "/")).finish(),
///         Err(LoginError::Inactive) => HttpResponse::Forbidden().body("This account is disabled."),
///         Err(other) => actix_web::ResponseError::error_response(&other),
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginError {
    /// The user is not active (`is_active` is false) and the login was not forced.
    Inactive,
    /// The server-side session store could not record the login; nobody was logged in.
    Store(StoreError),
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginError::Inactive => f.write_str(
                "this account is inactive and cannot log in (use `.force(true)` to log in an inactive user on purpose)",
            ),
            LoginError::Store(err) => write!(f, "the login could not be recorded: {err}"),
        }
    }
}

impl std::error::Error for LoginError {}

impl actix_web::ResponseError for LoginError {
    fn status_code(&self) -> StatusCode {
        match self {
            LoginError::Inactive => StatusCode::FORBIDDEN,
            LoginError::Store(err) => err.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            LoginError::Inactive => plain(StatusCode::FORBIDDEN, &self.to_string()),
            LoginError::Store(err) => err.error_response(),
        }
    }
}

impl From<StoreError> for LoginError {
    fn from(err: StoreError) -> Self {
        LoginError::Store(err)
    }
}

/// A session store call failed: the store is down, too slow, or cannot do what was asked.
///
/// With a server-side store, a request that needs the login state while the store fails is
/// answered with this error's response (503 with `Retry-After`), never as if nobody were logged
/// in; [`store_unavailable_handler`](crate::LoginManagerBuilder::store_unavailable_handler)
/// chooses another answer. A backend returns it from every [`SessionStore`] call that fails.
///
/// [`SessionStore`]: crate::store::SessionStore
///
/// ```
/// use std::time::Duration;
/// use actix_web::ResponseError;
/// use login_runtime::StoreError;
///
/// let down = StoreError::unavailable("connection refused (127.0.0.1:6379)");
/// assert_eq!(down.status_code(), 503);
/// assert!(down.to_string().contains("connection refused"));
/// let slow = StoreError::timeout(Duration::from_millis(800));
/// assert!(slow.to_string().contains("800 ms"));
/// assert_eq!(StoreError::unsupported("listing sessions").status_code(), 501);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
}

/// What kind of failure a [`StoreError`] is.
///
/// ```
/// use login_runtime::{StoreError, StoreErrorKind};
/// assert_eq!(StoreError::unavailable("refused").kind(), StoreErrorKind::Unavailable);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store could not be reached or answered with an error.
    Unavailable,
    /// The store did not answer within the store timeout.
    Timeout,
    /// The store answered with a record it cannot have written (corrupt or foreign data).
    Corrupt,
    /// The configured store cannot do this (listing sessions with the stateless cookie).
    Unsupported,
}

impl StoreError {
    /// The store cannot be reached or failed; `detail` goes into the message (for the log).
    pub fn unavailable(detail: impl fmt::Display) -> Self {
        StoreError {
            kind: StoreErrorKind::Unavailable,
            message: format!("the session store is unavailable: {detail}"),
        }
    }

    /// The store did not answer within `after`.
    pub fn timeout(after: Duration) -> Self {
        StoreError {
            kind: StoreErrorKind::Timeout,
            message: format!(
                "the session store did not answer within {} ms: check that it is running and reachable, or raise `store_timeout`",
                after.as_millis()
            ),
        }
    }

    /// The store returned data it cannot have written.
    pub fn corrupt(detail: impl fmt::Display) -> Self {
        StoreError {
            kind: StoreErrorKind::Corrupt,
            message: format!("the session store returned a record that is not a login: {detail}"),
        }
    }

    /// The configured store cannot do `what`.
    pub fn unsupported(what: impl fmt::Display) -> Self {
        StoreError {
            kind: StoreErrorKind::Unsupported,
            message: format!(
                "{what} needs a server-side session store: configure one with `LoginManagerBuilder::session_store` (the stateless cookie store keeps nothing on the server)"
            ),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl actix_web::ResponseError for StoreError {
    fn status_code(&self) -> StatusCode {
        match self.kind {
            StoreErrorKind::Unsupported => StatusCode::NOT_IMPLEMENTED,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!(target: "login_runtime", error = %self, "session store call failed");
            let mut res = plain(
                status,
                "503 Service Unavailable: logins cannot be checked right now; try again in a moment.",
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return res;
        }
        plain(status, &format!("{status}: {self}"))
    }
}

/// A plain-text answer.
pub(crate) fn plain(status: StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(text.to_owned())
}

/// The error returned when a login extractor or guard runs without the middleware.
/// The answer when a route names a user type that the request's login manager does not
/// manage (a configuration mistake, found on the first request to the route).
pub(crate) fn wrong_user_type<U>(what: &str) -> Error {
    let message = format!(
        "{what} checks the permissions of `{}`, but the login middleware of this request manages another user type: name the manager's user type (`user = ..` in the macro, or `CurrentUser<..>`)",
        std::any::type_name::<U>()
    );
    tracing::error!(target: "login_runtime", "{message}");
    actix_web::error::InternalError::from_response(
        "wrong user type",
        plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("500 Internal Server Error: {message}"),
        ),
    )
    .into()
}

pub(crate) fn missing_middleware(what: &str) -> Error {
    let message = format!(
        "{what} needs the login middleware for its user type: register it with `App::new().wrap(LoginManager::<User>::builder(key).build()?)`, with the same user type as the extractor"
    );
    tracing::error!(target: "login_runtime", "{message}");
    actix_web::error::InternalError::from_response(
        "login middleware missing",
        plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("500 Internal Server Error: {message}"),
        ),
    )
    .into()
}
