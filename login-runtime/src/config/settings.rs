//! The settings of a [`LoginManager`](crate::LoginManager), grouped by what they shape, with
//! their defaults written once ([`Settings::new`]). The builder holds a `Settings` and its
//! setters write straight into it; `build()` validates it (`validate.rs`) and keeps it.

use std::sync::Arc;
use std::time::Duration;

use actix_web::cookie::SameSite;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};

use crate::client::ClientSettings;
use crate::crypto::envelope::CookieContent;
use crate::error::{ConfigError, StoreError};
use crate::events::EventHook;
use crate::loader::{LoadUser, RequestLoader};
use crate::messages::{LOGIN_MESSAGE, Localizer, LoginMessage, REFRESH_MESSAGE};
use crate::refusal::RefusalContext;
use crate::store::SessionStore;
use crate::user::UserMixin;

/// A custom refusal answer (`unauthorized_handler`, `needs_refresh_handler`).
pub(crate) type Handler = Arc<dyn Fn(&HttpRequest, &RefusalContext) -> HttpResponse + Send + Sync>;
/// A custom answer when the session store cannot be reached.
pub(crate) type StoreErrorHandler = Arc<dyn Fn(&HttpRequest, &StoreError) -> HttpResponse + Send + Sync>;
/// A hook that sees each message for the user with the redirect it goes with.
pub(crate) type MessageHook = Arc<dyn Fn(&HttpRequest, &LoginMessage, &mut HttpResponse) + Send + Sync>;

/// What session protection does when a logged-in client's fingerprint (address and User-Agent)
/// changes: Flask-Login's `SESSION_PROTECTION`.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::SessionProtection;
///
/// // Read from a configuration file or an environment variable:
/// let mode: SessionProtection = "strong".parse()?;
/// assert_eq!(mode, SessionProtection::Strong);
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_protection(mode)
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionProtection {
    /// No check.
    Off,
    /// The login stays, but is no longer fresh (the default, as in Flask-Login).
    #[default]
    Basic,
    /// The client is logged out and its remember cookie deleted.
    Strong,
}

impl std::str::FromStr for SessionProtection {
    type Err = ConfigError;

    /// Parses `basic`, `strong` or `off` (also `none`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "basic" => Ok(SessionProtection::Basic),
            "strong" => Ok(SessionProtection::Strong),
            "off" | "none" => Ok(SessionProtection::Off),
            _ => Err(ConfigError::new(format!(
                "session protection `{s}` is not a mode: use `basic`, `strong` or `off`"
            ))),
        }
    }
}

/// The attributes of one cookie, used both to set it and to delete it, so a deletion always
/// matches what was set (Flask-Login #683).
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use actix_web::cookie::SameSite;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .session_cookie(|c| {
///         assert_eq!((c.name.as_str(), c.path.as_str(), c.secure), ("session", "/", true));
///         c.name = "__Host-session".to_owned();
///         c.same_site = SameSite::Strict;
///     })
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieSettings {
    /// The cookie name.
    pub name: String,
    /// `Path`, `/` by default.
    pub path: String,
    /// `Domain`, none by default (host-only cookie).
    pub domain: Option<String>,
    /// `Secure`, on by default: the cookie is only sent over HTTPS.
    pub secure: bool,
    /// `HttpOnly`, on by default: scripts cannot read the cookie.
    pub http_only: bool,
    /// `SameSite`, `Lax` by default.
    pub same_site: SameSite,
}

/// The session cookie's default name (Flask's).
pub(crate) const DEFAULT_SESSION_COOKIE: &str = "session";
/// The remember cookie's default name (Flask-Login's).
pub(crate) const DEFAULT_REMEMBER_COOKIE: &str = "remember_token";

impl CookieSettings {
    pub(crate) fn named(name: &str) -> Self {
        CookieSettings {
            name: name.to_owned(),
            path: "/".to_owned(),
            domain: None,
            secure: true,
            http_only: true,
            same_site: SameSite::Lax,
        }
    }
}

/// The two cookies.
pub(crate) struct Cookies {
    pub(crate) session: CookieSettings,
    pub(crate) remember: CookieSettings,
    /// Signed (readable) or private (encrypted) values, for both cookies.
    pub(crate) content: CookieContent,
}

/// "Remember me".
pub(crate) struct Remember {
    /// How long a remember cookie lives unless `login_user(..).duration(..)` says otherwise.
    pub(crate) duration: Duration,
    /// Re-issue the remember cookie with a new deadline on every request.
    pub(crate) refresh_each_request: bool,
}

/// Where refused requests are sent, and which `next` targets are followed.
pub(crate) struct Redirects {
    pub(crate) login_view: Option<String>,
    pub(crate) refresh_view: Option<String>,
    /// Where `#[anonymous_required]` sends a logged-in user.
    pub(crate) logged_in_view: String,
    pub(crate) next_field: String,
    pub(crate) use_session_for_next: bool,
    pub(crate) force_host: Option<String>,
    pub(crate) allowed_hosts: Vec<String>,
}

/// The messages for the user, as (text, category).
pub(crate) struct Messages {
    pub(crate) login: Option<(String, String)>,
    pub(crate) refresh: Option<(String, String)>,
    pub(crate) localize: Option<Localizer>,
    pub(crate) hooks: Vec<MessageHook>,
}

/// How refusals and failures are answered.
pub(crate) struct Answers {
    pub(crate) unauthorized: Option<Handler>,
    pub(crate) needs_refresh: Option<Handler>,
    pub(crate) forbidden: Option<Handler>,
    pub(crate) store_unavailable: Option<StoreErrorHandler>,
    pub(crate) exempt_methods: Vec<Method>,
    pub(crate) www_authenticate: String,
    pub(crate) json_by_default: bool,
}

/// When a session login ends by itself.
pub(crate) struct Timeouts {
    pub(crate) idle: Option<Duration>,
    pub(crate) absolute: Option<Duration>,
}

/// Where logins live.
pub(crate) struct Storage {
    /// `None`: the stateless signed cookie. `Some`: a server-side store.
    pub(crate) store: Option<Arc<dyn SessionStore>>,
    /// The longest any one store call may take before it counts as a failure.
    pub(crate) call_timeout: Duration,
    /// How long a server-side login without "remember me" and without timeouts lives.
    pub(crate) session_lifetime: Duration,
}

/// Every setting of a login manager.
pub(crate) struct Settings<U: UserMixin> {
    pub(crate) cookies: Cookies,
    pub(crate) remember: Remember,
    pub(crate) protection: SessionProtection,
    /// What session protection binds, and where the client address comes from.
    pub(crate) client: ClientSettings,
    pub(crate) redirects: Redirects,
    pub(crate) messages: Messages,
    pub(crate) answers: Answers,
    pub(crate) timeouts: Timeouts,
    pub(crate) storage: Storage,
    pub(crate) request_loader: Option<Arc<dyn RequestLoader<User = U>>>,
    pub(crate) events: Vec<EventHook<U>>,
    /// `U`'s `#[user_loader]`, taken where the builder is made.
    pub(crate) load_user: LoadUser<U>,
}

/// The default store call timeout: an outage is answered within about a second.
pub(crate) const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_millis(800);
/// The default lifetime of a server-side login without "remember me" or timeouts.
pub(crate) const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(24 * 3600);

impl<U: UserMixin> Settings<U> {
    /// The defaults, Flask-Login's where it has one.
    pub(crate) fn new(load_user: LoadUser<U>) -> Self {
        Settings {
            load_user,
            cookies: Cookies {
                session: CookieSettings::named(DEFAULT_SESSION_COOKIE),
                remember: CookieSettings::named(DEFAULT_REMEMBER_COOKIE),
                content: CookieContent::Signed,
            },
            remember: Remember {
                duration: Duration::from_secs(365 * 86_400),
                refresh_each_request: false,
            },
            protection: SessionProtection::Basic,
            client: ClientSettings::default(),
            redirects: Redirects {
                login_view: None,
                refresh_view: None,
                logged_in_view: "/".to_owned(),
                next_field: "next".to_owned(),
                use_session_for_next: false,
                force_host: None,
                allowed_hosts: Vec::new(),
            },
            messages: Messages {
                login: Some((LOGIN_MESSAGE.to_owned(), "message".to_owned())),
                refresh: Some((REFRESH_MESSAGE.to_owned(), "message".to_owned())),
                localize: None,
                hooks: Vec::new(),
            },
            answers: Answers {
                unauthorized: None,
                needs_refresh: None,
                forbidden: None,
                store_unavailable: None,
                exempt_methods: vec![Method::OPTIONS],
                www_authenticate: "Session".to_owned(),
                json_by_default: false,
            },
            timeouts: Timeouts {
                idle: None,
                absolute: None,
            },
            storage: Storage {
                store: None,
                call_timeout: DEFAULT_STORE_TIMEOUT,
                session_lifetime: DEFAULT_SESSION_LIFETIME,
            },
            request_loader: None,
            events: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_modes_parse_and_unknown_ones_are_errors() {
        assert_eq!("basic".parse(), Ok(SessionProtection::Basic));
        assert_eq!("STRONG".parse(), Ok(SessionProtection::Strong));
        assert_eq!("off".parse(), Ok(SessionProtection::Off));
        let err = "weird".parse::<SessionProtection>().unwrap_err();
        assert!(err.to_string().contains("use `basic`, `strong` or `off`"));
    }
}
