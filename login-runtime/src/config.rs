//! [`LoginManager`] and its builder: every setting, typed and validated once at start-up.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use actix_web::cookie::SameSite;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};

use crate::events::{EventHook, LoginEvent};
use crate::keys::{KeyRing, Purpose};
use crate::remember::RememberCodec;
use crate::session::SessionCodec;
use crate::user::{RequestLoader, UserLoader};

/// The shortest secret key accepted, in bytes.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use login_runtime::MIN_KEY_LEN;
///
/// assert!(LoginManager::<User>::builder([7u8; MIN_KEY_LEN]).build().is_ok());
/// assert!(LoginManager::<User>::builder([7u8; MIN_KEY_LEN - 1]).build().is_err());
/// ```
pub const MIN_KEY_LEN: usize = 32;

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
const DEFAULT_SESSION_COOKIE: &str = "session";
/// The remember cookie's default name (Flask-Login's).
const DEFAULT_REMEMBER_COOKIE: &str = "remember_token";

impl CookieSettings {
    fn named(name: &str) -> Self {
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

/// Parses a duration written as a number followed by `s`, `m`, `h`, `d` or `w` (`30s`, `15m`,
/// `7h`, `30d`, `2w`); a bare number means seconds.
///
/// ```
/// use std::time::Duration;
/// use login_runtime::parse_duration;
/// assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
/// assert_eq!(parse_duration("365d"), Ok(Duration::from_secs(365 * 86400)));
/// assert!(parse_duration("soon").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, ConfigError> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit_secs: u64 = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => 0,
    };
    let n: Option<u64> = digits.parse().ok();
    match (n, unit_secs) {
        (Some(n), u) if u > 0 && n > 0 => n.checked_mul(u).map(Duration::from_secs).ok_or_else(|| {
            ConfigError::new(format!(
                "duration `{text}` is too large to count in seconds: use a smaller number, for example `365d`"
            ))
        }),
        _ => Err(ConfigError::new(format!(
            "`{text}` is not a duration: write a positive number of seconds, optionally followed by s, m, h, d or w, for example `30d`"
        ))),
    }
}

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
///     })
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
/// let text = LOGIN_MESSAGE.to_owned();
/// let message = LoginMessage { kind: MessageKind::Login, text, category: "message".to_owned() };
/// assert_eq!(alert(&message), format!("<div class=\"alert alert-info\">{LOGIN_MESSAGE}</div>"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginMessage {
    /// Which answer produced the message.
    pub kind: MessageKind,
    /// The text, already passed through the localize hook.
    pub text: String,
    /// The category (Flask-Login's `login_message_category`), `message` by default.
    pub category: String,
}

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
///     }
/// }
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .unauthorized_handler(refuse)
///     .needs_refresh_handler(refuse)
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nobody is logged in (`unauthorized`).
    Unauthorized,
    /// Somebody is logged in, but not freshly enough (`needs_refresh`).
    NeedsRefresh,
}

pub(crate) type Handler = Arc<dyn Fn(&HttpRequest, Refusal) -> HttpResponse + Send + Sync>;
pub(crate) type MessageHook = Arc<dyn Fn(&HttpRequest, &LoginMessage, &mut HttpResponse) + Send + Sync>;
pub(crate) type Localizer = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// The validated configuration shared by every worker.
pub(crate) struct Config<U: UserLoader> {
    pub(crate) session_codec: SessionCodec,
    pub(crate) remember_codec: RememberCodec,
    pub(crate) auth_keys: KeyRing,
    pub(crate) session_cookie: CookieSettings,
    pub(crate) remember_cookie: CookieSettings,
    pub(crate) remember_duration: Duration,
    pub(crate) remember_refresh_each_request: bool,
    pub(crate) protection: SessionProtection,
    pub(crate) login_view: Option<String>,
    pub(crate) refresh_view: Option<String>,
    pub(crate) next_field: String,
    pub(crate) use_session_for_next: bool,
    pub(crate) force_host_for_redirects: Option<String>,
    pub(crate) allowed_redirect_hosts: Vec<String>,
    pub(crate) login_message: Option<(String, String)>,
    pub(crate) refresh_message: Option<(String, String)>,
    pub(crate) localize: Option<Localizer>,
    pub(crate) on_message: Vec<MessageHook>,
    pub(crate) unauthorized_handler: Option<Handler>,
    pub(crate) needs_refresh_handler: Option<Handler>,
    pub(crate) request_loader: Option<Arc<dyn RequestLoader<User = U>>>,
    pub(crate) events: Vec<EventHook<U>>,
    pub(crate) exempt_methods: Vec<Method>,
    pub(crate) www_authenticate: String,
    pub(crate) json_by_default: bool,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) absolute_timeout: Option<Duration>,
}

impl<U: UserLoader> Config<U> {
    pub(crate) fn emit(&self, req: &HttpRequest, event: LoginEvent<'_, U>) {
        crate::events::trace(&event);
        for hook in &self.events {
            hook(req, &event);
        }
    }
}

/// The login middleware: Flask-Login's `LoginManager`, registered with `App::wrap`.
///
/// Build it once with [`LoginManager::builder`], before `HttpServer::new`; it is cheap to clone
/// into each worker.
///
/// ```
/// use actix_web::{App, web};
/// use login_runtime::{LoginManager, UserMixin, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String }
///
/// #[user_loader]
/// async fn load_user(id: String) -> Option<User> { Some(User { id }) }
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes!")
///     .login_view("/login")
///     .build()
///     .expect("valid login configuration");
/// let app = App::new().wrap(manager.clone()).route("/", web::get().to(|| async { "hi" }));
/// ```
pub struct LoginManager<U: UserLoader> {
    pub(crate) config: Arc<Config<U>>,
}

impl<U: UserLoader> Clone for LoginManager<U> {
    fn clone(&self) -> Self {
        LoginManager {
            config: Arc::clone(&self.config),
        }
    }
}

impl<U: UserLoader> fmt::Debug for LoginManager<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginManager")
            .field("session_cookie", &self.config.session_cookie.name)
            .field("remember_cookie", &self.config.remember_cookie.name)
            .field("protection", &self.config.protection)
            .field("login_view", &self.config.login_view)
            .finish_non_exhaustive()
    }
}

impl<U: UserLoader> LoginManager<U> {
    /// Starts a configuration signed with `secret_key` (at least 32 bytes).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// // A string, or raw bytes from a secret store:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes").build()?;
    /// let manager = LoginManager::<User>::builder(vec![0x5a_u8; 32]).build()?;
    /// assert!(LoginManager::<User>::builder("too short").build().is_err());
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn builder(secret_key: impl AsRef<[u8]>) -> LoginManagerBuilder<U> {
        LoginManagerBuilder::new(secret_key.as_ref().to_vec())
    }
}

/// Builds a [`LoginManager`]; [`build`](LoginManagerBuilder::build) validates every setting.
///
/// ```
/// # use login_runtime::{LoginManager, UserMixin, user_loader};
/// # #[derive(Clone, UserMixin)] struct User { id: String }
/// # #[user_loader] async fn load(id: String) -> Option<User> { None }
/// use std::time::Duration;
/// use login_runtime::SessionProtection;
///
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("/login")
///     .session_protection(SessionProtection::Strong)
///     .remember_duration(Duration::from_secs(30 * 86_400))
///     .idle_timeout(Duration::from_secs(30 * 60))
///     .build()?;
/// # Ok::<(), login_runtime::ConfigError>(())
/// ```
pub struct LoginManagerBuilder<U: UserLoader> {
    secret_key: Vec<u8>,
    fallback_keys: Vec<Vec<u8>>,
    session_cookie: CookieSettings,
    remember_cookie: CookieSettings,
    remember_duration: Duration,
    remember_refresh_each_request: bool,
    protection: SessionProtection,
    login_view: Option<String>,
    refresh_view: Option<String>,
    next_field: String,
    use_session_for_next: bool,
    force_host_for_redirects: Option<String>,
    allowed_redirect_hosts: Vec<String>,
    login_message: Option<(String, String)>,
    refresh_message: Option<(String, String)>,
    localize: Option<Localizer>,
    on_message: Vec<MessageHook>,
    unauthorized_handler: Option<Handler>,
    needs_refresh_handler: Option<Handler>,
    request_loader: Option<Arc<dyn RequestLoader<User = U>>>,
    events: Vec<EventHook<U>>,
    exempt_methods: Vec<Method>,
    www_authenticate: String,
    json_by_default: bool,
    idle_timeout: Option<Duration>,
    absolute_timeout: Option<Duration>,
}

impl<U: UserLoader> LoginManagerBuilder<U> {
    fn new(secret_key: Vec<u8>) -> Self {
        LoginManagerBuilder {
            secret_key,
            fallback_keys: Vec::new(),
            session_cookie: CookieSettings::named(DEFAULT_SESSION_COOKIE),
            remember_cookie: CookieSettings::named(DEFAULT_REMEMBER_COOKIE),
            remember_duration: Duration::from_secs(365 * 86_400),
            remember_refresh_each_request: false,
            protection: SessionProtection::Basic,
            login_view: None,
            refresh_view: None,
            next_field: "next".to_owned(),
            use_session_for_next: false,
            force_host_for_redirects: None,
            allowed_redirect_hosts: Vec::new(),
            login_message: Some(("Please log in to access this page.".into(), "message".into())),
            refresh_message: Some((
                "Please reauthenticate to access this page.".into(),
                "message".into(),
            )),
            localize: None,
            on_message: Vec::new(),
            unauthorized_handler: None,
            needs_refresh_handler: None,
            request_loader: None,
            events: Vec::new(),
            exempt_methods: vec![Method::OPTIONS],
            www_authenticate: "Session".to_owned(),
            json_by_default: false,
            idle_timeout: None,
            absolute_timeout: None,
        }
    }

    /// Older secret keys, accepted when verifying cookies and never used to sign (key rotation;
    /// Flask's `SECRET_KEY_FALLBACKS`). Each must be at least 32 bytes.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let old = LoginManager::<User>::builder("the old secret key of at least thirty-two bytes").build()?;
    /// let new = LoginManager::<User>::builder("the new secret key of at least thirty-two bytes")
    ///     .fallback_keys(["the old secret key of at least thirty-two bytes"])
    ///     .build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(new).route("/me", web::get().to(me))).await;
    /// // A login signed with the old key is still accepted after the rotation.
    /// let req = old.test_login(&User { id: "ann".into() }).apply(test::TestRequest::get().uri("/me"));
    /// assert_eq!(test::call_and_read_body(&app, req.to_request()).await, "ann");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn fallback_keys<K: AsRef<[u8]>>(mut self, keys: impl IntoIterator<Item = K>) -> Self {
        self.fallback_keys = keys.into_iter().map(|k| k.as_ref().to_vec()).collect();
        self
    }

    /// Where anonymous requests to guarded routes are redirected (Flask-Login's `login_view`):
    /// a path such as `/login` or an absolute `http(s)://` URL. Without one they get 401.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.status(), 302);
    /// assert_eq!(res.headers().get("location").unwrap(), "/login?next=%2Fsettings");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn login_view(mut self, url: impl Into<String>) -> Self {
        self.login_view = Some(url.into());
        self
    }

    /// Where non-fresh logins are sent by `#[fresh_login_required]` (Flask-Login's
    /// `refresh_view`). Without one they get 401.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, FreshLoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .refresh_view("/reauthenticate")
    ///     .build()?;
    /// # let billing = |_: Guard<FreshLoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager.clone()).route("/billing", web::get().to(billing));
    /// # let app = test::init_service(app).await;
    /// let stale = manager.test_login(&User { id: "ann".into() }).fresh(false);
    /// let req = stale.apply(test::TestRequest::get().uri("/billing"));
    /// let res = test::call_service(&app, req.to_request()).await;
    /// assert_eq!(res.headers().get("location").unwrap(), "/reauthenticate?next=%2Fbilling");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn refresh_view(mut self, url: impl Into<String>) -> Self {
        self.refresh_view = Some(url.into());
        self
    }

    /// The query parameter carrying the original URL, `next` by default.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .next_field("return_to")
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.headers().get("location").unwrap(), "/login?return_to=%2Fsettings");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn next_field(mut self, name: impl Into<String>) -> Self {
        self.next_field = name.into();
        self
    }

    /// Keep `next` in the session cookie instead of the query (Flask-Login's
    /// `USE_SESSION_FOR_NEXT`).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .use_session_for_next(true)
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// // A clean login URL; `LoginSession::safe_next` reads `next` back from the session.
    /// assert_eq!(res.headers().get("location").unwrap(), "/login");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn use_session_for_next(mut self, on: bool) -> Self {
        self.use_session_for_next = on;
        self
    }

    /// Always redirect to this host (Flask-Login's `FORCE_HOST_FOR_REDIRECTS`): a host name or
    /// address with an optional port, such as `example.com:8443`; anything else is refused by
    /// [`build`](Self::build).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .force_host_for_redirects("accounts.example.com")
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.headers().get("location").unwrap(), "//accounts.example.com/login?next=%2Fsettings");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn force_host_for_redirects(mut self, host: impl Into<String>) -> Self {
        self.force_host_for_redirects = Some(host.into());
        self
    }

    /// Extra hosts that `next` may point to with an absolute `http(s)` URL. By default only
    /// relative paths on this site are accepted.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// # actix_web::rt::System::new().block_on(async {
    /// use login_runtime::LoginSession;
    ///
    /// async fn after_login(login: LoginSession<User>) -> String {
    ///     login.safe_next(None).unwrap_or_else(|| "/".to_owned())
    /// }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .allowed_redirect_hosts(["shop.example.com"])
    ///     .build()?;
    /// # let app = App::new().wrap(manager).route("/after", web::get().to(after_login));
    /// # let app = test::init_service(app).await;
    /// # let get = |uri| test::TestRequest::get().uri(uri).to_request();
    /// let shop = get("/after?next=https://shop.example.com/cart");
    /// assert_eq!(test::call_and_read_body(&app, shop).await, "https://shop.example.com/cart");
    /// let evil = get("/after?next=https://evil.example/");
    /// assert_eq!(test::call_and_read_body(&app, evil).await, "/");
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn allowed_redirect_hosts<H: Into<String>>(mut self, hosts: impl IntoIterator<Item = H>) -> Self {
        self.allowed_redirect_hosts = hosts.into_iter().map(|h| h.into().to_ascii_lowercase()).collect();
        self
    }

    /// Session protection mode, [`SessionProtection::Basic`] by default.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::SessionProtection;
    ///
    /// let mode = match std::env::var("SESSION_PROTECTION") {
    ///     Ok(text) => text.parse()?, // `basic`, `strong` or `off`
    ///     Err(_) => SessionProtection::Strong,
    /// };
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_protection(mode)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn session_protection(mut self, mode: SessionProtection) -> Self {
        self.protection = mode;
        self
    }

    /// Changes the session cookie's attributes (name `session`, Path `/`, Secure, HttpOnly,
    /// SameSite=Lax by default).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use actix_web::cookie::SameSite;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_cookie(|c| {
    ///         c.name = "myapp_session".to_owned();
    ///         c.same_site = SameSite::Strict;
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn session_cookie(mut self, edit: impl FnOnce(&mut CookieSettings)) -> Self {
        edit(&mut self.session_cookie);
        self
    }

    /// Changes the remember cookie's attributes (name `remember_token`, Path `/`, Secure,
    /// HttpOnly, SameSite=Lax by default).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .remember_cookie(|c| {
    ///         c.name = "remember_me".to_owned();
    ///         c.domain = Some("example.com".to_owned()); // shared with the subdomains
    ///     })
    ///     .build()?;
    /// // The two cookies must have different names:
    /// let clash = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .remember_cookie(|c| c.name = "session".to_owned())
    ///     .build();
    /// assert!(clash.unwrap_err().to_string().contains("different names"));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn remember_cookie(mut self, edit: impl FnOnce(&mut CookieSettings)) -> Self {
        edit(&mut self.remember_cookie);
        self
    }

    /// Sets `Secure` on both cookies. Leave it on in production; turn it off only for plain
    /// `http` on loopback.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// // Debug builds are served over plain `http://127.0.0.1`, where browsers drop Secure cookies.
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .secure_cookies(!cfg!(debug_assertions))
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.session_cookie.secure = secure;
        self.remember_cookie.secure = secure;
        self
    }

    /// How long a remember cookie lives unless a login says otherwise (365 days by default).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use std::time::Duration;
    /// use login_runtime::parse_duration;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .remember_duration(Duration::from_secs(30 * 86_400))
    ///     .build()?;
    /// // Or from configuration text:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .remember_duration(parse_duration("30d")?)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn remember_duration(mut self, duration: Duration) -> Self {
        self.remember_duration = duration;
        self
    }

    /// Re-issue the remember cookie with a new expiry on each request that uses the login, but
    /// only to clients that already have one (Flask-Login #824).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::parse_duration;
    ///
    /// // A sliding window: "remember me" lasts two weeks after the last visit.
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .remember_duration(parse_duration("14d")?)
    ///     .remember_refresh_each_request(true)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn remember_refresh_each_request(mut self, on: bool) -> Self {
        self.remember_refresh_each_request = on;
        self
    }

    /// The message handed to [`on_message`](Self::on_message) hooks when a client is sent to the
    /// login view, and its category; `None` for no message.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .login_message(Some("Sign in to see this page."), "warning")
    ///     .build()?;
    /// // No message at all:
    /// let quiet = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_message(None, "message")
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn login_message(mut self, message: Option<&str>, category: &str) -> Self {
        self.login_message = message.map(|m| (m.to_owned(), category.to_owned()));
        self
    }

    /// The message handed over when a client is sent to the refresh view; `None` for none.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .refresh_view("/reauthenticate")
    ///     .refresh_message(Some("Confirm your password to continue."), "info")
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn refresh_message(mut self, message: Option<&str>, category: &str) -> Self {
        self.refresh_message = message.map(|m| (m.to_owned(), category.to_owned()));
        self
    }

    /// Translates messages before they are handed over (Flask-Login's `localize_callback`).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::{LOGIN_MESSAGE, REFRESH_MESSAGE};
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .localize(|text| match text {
    ///         LOGIN_MESSAGE => "Veuillez vous connecter pour accéder à cette page.".to_owned(),
    ///         REFRESH_MESSAGE => "Veuillez vous identifier à nouveau.".to_owned(),
    ///         other => other.to_owned(),
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn localize(mut self, f: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.localize = Some(Arc::new(f));
        self
    }

    /// Receives the login and refresh messages with the redirect response, so the application
    /// can flash them (set a flash cookie, call a flash crate).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::http::header::{HeaderName, HeaderValue};
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .login_view("/login")
    ///     .on_message(|_req, message, response| {
    ///         // Hand the text to a flash-message crate; here, a header the front end shows.
    ///         if let Ok(value) = HeaderValue::from_str(&message.text) {
    ///             response.headers_mut().insert(HeaderName::from_static("x-flash"), value);
    ///         }
    ///     })
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.headers().get("x-flash").unwrap(), login_runtime::LOGIN_MESSAGE);
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn on_message(
        mut self,
        f: impl Fn(&HttpRequest, &LoginMessage, &mut HttpResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_message.push(Arc::new(f));
        self
    }

    /// Replaces the default unauthorized answer (Flask-Login's `unauthorized_handler`).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// use actix_web::HttpResponse;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .unauthorized_handler(|_req, _refusal| {
    ///         HttpResponse::Forbidden()
    ///             .content_type("text/html; charset=utf-8")
    ///             .body("<p>Members only. <a href=\"/signup\">Join us</a>.</p>")
    ///     })
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.status(), 403);
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn unauthorized_handler(
        mut self,
        f: impl Fn(&HttpRequest, Refusal) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.unauthorized_handler = Some(Arc::new(f));
        self
    }

    /// Replaces the default needs-refresh answer (Flask-Login's `needs_refresh_handler`).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use actix_web::HttpResponse;
    /// use login_runtime::login_url;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .needs_refresh_handler(|req, _refusal| {
    ///         let location = login_url("/reauthenticate", Some(req.path()), "next", None);
    ///         HttpResponse::SeeOther().insert_header(("Location", location)).finish()
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn needs_refresh_handler(
        mut self,
        f: impl Fn(&HttpRequest, Refusal) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.needs_refresh_handler = Some(Arc::new(f));
        self
    }

    /// Registers the request loader (a type generated by `#[request_loader]`), consulted when
    /// neither the session nor the remember cookie yields a user.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use actix_web::HttpRequest;
    /// use login_runtime::request_loader;
    ///
    /// #[request_loader]
    /// async fn bearer_token(req: HttpRequest) -> Option<User> {
    ///     let token = req.headers().get("authorization")?.to_str().ok()?.strip_prefix("Bearer ")?;
    ///     (token == "token-of-ann").then(|| User { id: "ann".to_owned() }) // look it up instead
    /// }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .request_loader(bearer_token)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn request_loader<R: RequestLoader<User = U>>(mut self, loader: R) -> Self {
        self.request_loader = Some(Arc::new(loader));
        self
    }

    /// Adds a hook called for each of Flask-Login's nine signals (see [`LoginEvent`]).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::LoginEvent;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .on_event(|req, event| {
    ///         if matches!(event, LoginEvent::SessionProtected) {
    ///             eprintln!("session protection triggered for {:?}", req.peer_addr());
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn on_event(mut self, f: impl Fn(&HttpRequest, &LoginEvent<'_, U>) + Send + Sync + 'static) -> Self {
        self.events.push(Arc::new(f));
        self
    }

    /// Methods that login guards answer themselves with an empty 200, without loading the user
    /// and without running the handler (`OPTIONS` by default; Flask-Login's `EXEMPT_METHODS`).
    /// Unlike Flask-Login, the handler body does not run for them: actix's
    /// `web::resource(..).to(..)` matches every method, so it would run for anyone.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// // Guard every method, CORS preflight requests (`OPTIONS`) included:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .exempt_methods([])
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn exempt_methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.exempt_methods = methods.into_iter().collect();
        self
    }

    /// The `WWW-Authenticate` value of JSON 401 answers (`Session` by default), for example
    /// `Basic realm="api"`.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .json_by_default(true)
    ///     .www_authenticate(r#"Bearer realm="api""#)
    ///     .build()?;
    /// let bad = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .www_authenticate("Bearer\nrealm=api")
    ///     .build();
    /// assert!(bad.unwrap_err().to_string().contains("not a valid WWW-Authenticate"));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn www_authenticate(mut self, value: impl Into<String>) -> Self {
        self.www_authenticate = value.into();
        self
    }

    /// Answer every refusal with a JSON 401 instead of a redirect, unless a route or scope says
    /// otherwise (for API-only applications).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::guard::{Guard, LoginRequired};
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .json_by_default(true)
    ///     .build()?;
    /// # let settings = |_: Guard<LoginRequired>| async { "" };
    /// # let app = App::new().wrap(manager).route("/settings", web::get().to(settings));
    /// # let app = test::init_service(app).await;
    /// let anonymous = test::TestRequest::get().uri("/settings").to_request();
    /// let res = test::call_service(&app, anonymous).await;
    /// assert_eq!(res.status(), 401);
    /// assert_eq!(res.headers().get("www-authenticate").unwrap(), "Session");
    /// let body = test::read_body(res).await;
    /// assert!(body.starts_with(br#"{"error":"unauthorized""#));
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// # })?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn json_by_default(mut self, on: bool) -> Self {
        self.json_by_default = on;
        self
    }

    /// Ends a session login after this long without a request (a visit deadline; off by
    /// default). A valid remember cookie still restores the user afterwards, as a non-fresh login.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use std::time::Duration;
    ///
    /// // Log out after 30 minutes without a request:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .idle_timeout(Duration::from_secs(30 * 60))
    ///     .build()?;
    /// // Zero is refused: leave the timeout unset to turn it off.
    /// let zero = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .idle_timeout(Duration::ZERO)
    ///     .build();
    /// assert!(zero.is_err());
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// Ends a session login this long after it was established, however active the client is
    /// (a login deadline; off by default).
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::parse_duration;
    ///
    /// // Ask for the password again 12 hours after each login, however active the user is:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .absolute_timeout(parse_duration("12h")?)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn absolute_timeout(mut self, timeout: Duration) -> Self {
        self.absolute_timeout = Some(timeout);
        self
    }

    /// Validates the settings and builds the middleware.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let err = LoginManager::<User>::builder("short").build().unwrap_err();
    /// assert!(err.to_string().contains("at least 32 bytes"));
    /// ```
    pub fn build(self) -> Result<LoginManager<U>, ConfigError> {
        check_key("the secret key", &self.secret_key)?;
        for (i, key) in self.fallback_keys.iter().enumerate() {
            check_key(&format!("fallback key #{}", i + 1), key)?;
        }
        for (what, view) in [
            ("login_view", &self.login_view),
            ("refresh_view", &self.refresh_view),
        ] {
            if let Some(v) = view {
                check_view(what, v)?;
            }
        }
        if let Some(host) = &self.force_host_for_redirects {
            check_host(host)?;
        }
        check_cookie("session", DEFAULT_SESSION_COOKIE, &self.session_cookie)?;
        check_cookie("remember", DEFAULT_REMEMBER_COOKIE, &self.remember_cookie)?;
        if self.session_cookie.name == self.remember_cookie.name {
            return Err(ConfigError::new(format!(
                "the session cookie and the remember cookie are both named `{}`: give them different names",
                self.session_cookie.name
            )));
        }
        if self.remember_duration.as_secs() == 0 {
            return Err(ConfigError::new(
                "the remember duration must be at least one second, for example `remember_duration(Duration::from_secs(30 * 86400))`",
            ));
        }
        if self.next_field.is_empty() {
            return Err(ConfigError::new(
                "the next field name is empty: use for example `next`",
            ));
        }
        if http::header::HeaderValue::from_str(&self.www_authenticate).is_err() {
            return Err(ConfigError::new(format!(
                "`{}` is not a valid WWW-Authenticate header value: use visible ASCII without line breaks, for example `Bearer realm=\"api\"`",
                self.www_authenticate.escape_debug()
            )));
        }
        for (what, timeout) in [
            ("idle_timeout", self.idle_timeout),
            ("absolute_timeout", self.absolute_timeout),
        ] {
            if timeout.is_some_and(|t| t.as_secs() == 0) {
                return Err(ConfigError::new(format!(
                    "{what} must be at least one second; leave it unset to turn it off"
                )));
            }
        }
        let key = |purpose| KeyRing::new(&self.secret_key, &self.fallback_keys, purpose);
        let config = Config {
            session_codec: SessionCodec::new(key(Purpose::Session)),
            remember_codec: RememberCodec::new(key(Purpose::Remember)),
            auth_keys: key(Purpose::AuthHash),
            session_cookie: self.session_cookie,
            remember_cookie: self.remember_cookie,
            remember_duration: self.remember_duration,
            remember_refresh_each_request: self.remember_refresh_each_request,
            protection: self.protection,
            login_view: self.login_view,
            refresh_view: self.refresh_view,
            next_field: self.next_field,
            use_session_for_next: self.use_session_for_next,
            force_host_for_redirects: self.force_host_for_redirects,
            allowed_redirect_hosts: self.allowed_redirect_hosts,
            login_message: self.login_message,
            refresh_message: self.refresh_message,
            localize: self.localize,
            on_message: self.on_message,
            unauthorized_handler: self.unauthorized_handler,
            needs_refresh_handler: self.needs_refresh_handler,
            request_loader: self.request_loader,
            events: self.events,
            exempt_methods: self.exempt_methods,
            www_authenticate: self.www_authenticate,
            json_by_default: self.json_by_default,
            idle_timeout: self.idle_timeout,
            absolute_timeout: self.absolute_timeout,
        };
        Ok(LoginManager {
            config: Arc::new(config),
        })
    }
}

use actix_web::http;

fn check_key(what: &str, key: &[u8]) -> Result<(), ConfigError> {
    if key.len() < MIN_KEY_LEN {
        return Err(ConfigError::new(format!(
            "{what} is {} bytes long; it must be at least {MIN_KEY_LEN} bytes: generate one with `openssl rand -hex 32`",
            key.len()
        )));
    }
    Ok(())
}

pub(crate) fn check_view(what: &str, view: &str) -> Result<(), ConfigError> {
    let ok = (view.starts_with('/') && !view.starts_with("//"))
        || view.starts_with("http://")
        || view.starts_with("https://");
    if view.trim().is_empty() || !ok {
        return Err(ConfigError::new(format!(
            "{what} `{}` is not a URL: give a path starting with `/` (for example `/login`) or an absolute http(s) URL",
            view.escape_debug()
        )));
    }
    if let Some(bad) = view
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return Err(ConfigError::new(format!(
            "{what} `{}` contains {:?}, which a URL cannot hold as is: remove it or percent-encode it (a space is `%20`)",
            view.escape_debug(),
            bad
        )));
    }
    if !view.is_ascii() {
        // It goes into a `Location` header, which must be ASCII.
        return Err(ConfigError::new(format!(
            "{what} `{view}` has non-ASCII characters, which a `Location` header cannot carry: percent-encode them (for example `/登录` as `/%E7%99%BB%E5%BD%95`)"
        )));
    }
    Ok(())
}

/// A host for `force_host_for_redirects`: a name or address with an optional port, nothing that
/// could end the authority (`/`, `?`, `#`, `@`) or the `Location` header.
fn check_host(host: &str) -> Result<(), ConfigError> {
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
    if !valid {
        return Err(ConfigError::new(format!(
            "force_host_for_redirects `{}` is not a host: give a host name with an optional port, for example `example.com` or `example.com:8443`",
            host.escape_debug()
        )));
    }
    Ok(())
}

/// Checks one cookie's settings; `role` (`session` or `remember`) says which cookie in messages,
/// and its default name is the example of a valid one.
fn check_cookie(role: &str, default_name: &str, c: &CookieSettings) -> Result<(), ConfigError> {
    let valid_name = !c.name.is_empty()
        && c.name
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
    if !valid_name {
        return Err(ConfigError::new(format!(
            "the {role} cookie name `{}` is not a valid cookie name: use letters, digits, `-` and `_`, for example `{}`",
            c.name.escape_debug(),
            default_name
        )));
    }
    // Written as-is into `Set-Cookie`: a control character would make the header unwritable
    // (the cookie silently never set) and a `;` would add attributes.
    if !c.path.starts_with('/') || !c.path.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b';') {
        return Err(ConfigError::new(format!(
            "cookie `{}` has path `{}`: a cookie path must start with `/` and hold only printable ASCII without `;`, for example `/` or `/app`",
            c.name,
            c.path.escape_debug()
        )));
    }
    if let Some(domain) = &c.domain {
        let host = domain.strip_prefix('.').unwrap_or(domain);
        let valid = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !valid {
            return Err(ConfigError::new(format!(
                "cookie `{}` has domain `{}`: give a host name such as `example.com` (ASCII letters, digits, `-` and `.`; punycode for other names), or no domain for a host-only cookie",
                c.name,
                domain.escape_debug()
            )));
        }
    }
    if c.same_site == SameSite::None && !c.secure {
        return Err(ConfigError::new(format!(
            "cookie `{}` has SameSite=None without Secure, which browsers reject: turn Secure on or use SameSite=Lax",
            c.name
        )));
    }
    // Browsers drop prefixed cookies whose attributes break the prefix's rules, so the login
    // would silently never stick.
    if c.name.starts_with("__Host-") && (!c.secure || c.path != "/" || c.domain.is_some()) {
        return Err(ConfigError::new(format!(
            "cookie `{}` has the `__Host-` prefix, which browsers only accept with Secure, `Path=/` and no domain: keep those defaults or drop the prefix",
            c.name
        )));
    }
    if c.name.starts_with("__Secure-") && !c.secure {
        return Err(ConfigError::new(format!(
            "cookie `{}` has the `__Secure-` prefix, which browsers only accept with Secure: turn Secure on or drop the prefix",
            c.name
        )));
    }
    Ok(())
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

pub(crate) fn localized<'a>(localize: &Option<Localizer>, text: &'a str) -> Cow<'a, str> {
    match localize {
        Some(f) => Cow::Owned(f(text)),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_documented_form() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7h"), Ok(Duration::from_secs(7 * 3600)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86400)));
        assert_eq!(parse_duration("172800"), Ok(Duration::from_secs(172800)));
        for bad in [
            "",
            "d",
            "0d",
            "-1d",
            "1y",
            "1.5h",
            "99999999999999999999d",
            "123 days",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn protection_modes_parse_and_unknown_ones_are_errors() {
        assert_eq!("basic".parse(), Ok(SessionProtection::Basic));
        assert_eq!("STRONG".parse(), Ok(SessionProtection::Strong));
        assert_eq!("off".parse(), Ok(SessionProtection::Off));
        let err = "weird".parse::<SessionProtection>().unwrap_err();
        assert!(err.to_string().contains("use `basic`, `strong` or `off`"));
    }
}
