//! [`LoginManagerBuilder`]: setters that write into the grouped settings, and `build()`.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};

use crate::__private::RequestLoaderOf;
use crate::client::{ClientBinding, ClientSource, ForwardedHeader};
use crate::config::settings::{CookieSettings, SessionProtection, Settings};
use crate::config::validate::check_settings;
use crate::config::{Config, Keys};
use crate::crypto::envelope::CookieContent;
use crate::error::{ConfigError, StoreError};
use crate::events::LoginEvent;
use crate::loader::{LoadUser, UserLoader};
use crate::messages::LoginMessage;
use crate::middleware::LoginManager;
use crate::refusal::RefusalContext;
use crate::store::SessionStore;
use crate::user::UserMixin;

impl<U: UserMixin> LoginManager<U> {
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
    ///
    /// This is the one place that needs `U`'s `#[user_loader]`: the builder keeps it, so a
    /// program without a loader gets one error, here, rather than one at every extractor.
    pub fn builder(secret_key: impl AsRef<[u8]>) -> LoginManagerBuilder<U>
    where
        U: UserLoader,
    {
        LoginManagerBuilder::new(secret_key.as_ref().to_vec(), U::load_user)
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
pub struct LoginManagerBuilder<U: UserMixin> {
    secret_key: Vec<u8>,
    fallback_keys: Vec<Vec<u8>>,
    settings: Settings<U>,
}

impl<U: UserMixin> LoginManagerBuilder<U> {
    pub(crate) fn new(secret_key: Vec<u8>, load_user: LoadUser<U>) -> Self {
        LoginManagerBuilder {
            secret_key,
            fallback_keys: Vec::new(),
            settings: Settings::new(load_user),
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

    /// Whether the login cookies are signed (the default: readable, never forgeable) or private
    /// (encrypted: unreadable without the key too). Applies to the session and remember
    /// cookies, with the cookie store and with a server-side store, under the same secret key
    /// and fallbacks; see [`CookieContent`] for the trade-offs.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::CookieContent;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .fallback_keys(["the old secret key of at least thirty-two bytes"])
    ///     .cookie_content(CookieContent::Private)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn cookie_content(mut self, content: CookieContent) -> Self {
        self.settings.cookies.content = content;
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
        self.settings.redirects.login_view = Some(url.into());
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
        self.settings.redirects.refresh_view = Some(url.into());
        self
    }

    /// Where a logged-in user is redirected from pages meant only for anonymous visitors
    /// (`#[anonymous_required]`: a login or sign-up form), `/` by default. Django's
    /// `LOGIN_REDIRECT_URL` with `redirect_authenticated_user`; Flask-Security's
    /// `anonymous_user_required`.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .logged_in_view("/dashboard")
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn logged_in_view(mut self, url: impl Into<String>) -> Self {
        self.settings.redirects.logged_in_view = url.into();
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
        self.settings.redirects.next_field = name.into();
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
        self.settings.redirects.use_session_for_next = on;
        self
    }

    /// Always redirect to this host (Flask-Login's `FORCE_HOST_FOR_REDIRECTS`): a host name or
    /// address with an optional port, such as `example.com:8443`; anything else is refused by
    /// [`build`](Self::build).
    ///
    /// The same host is the site's own for `next`: `LoginSession::safe_next` and `is_safe_next`
    /// accept absolute URLs on it (`https://accounts.example.com/profile`), as they accept the
    /// [`allowed_redirect_hosts`](Self::allowed_redirect_hosts).
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
        self.settings.redirects.force_host = Some(host.into());
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
        self.settings.redirects.allowed_hosts =
            hosts.into_iter().map(|h| h.into().to_ascii_lowercase()).collect();
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
        self.settings.protection = mode;
        self
    }

    /// What session protection binds a login to: the client's address and `User-Agent`
    /// ([`ClientBinding::AddressAndUserAgent`], the default) or the `User-Agent` only
    /// ([`ClientBinding::UserAgent`], for clients whose address changes: phones moving between
    /// networks). SECURITY.md weighs the two.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, SessionProtection, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// use login_runtime::ClientBinding;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_protection(SessionProtection::Strong)
    ///     .session_protection_binds(ClientBinding::UserAgent)
    ///     .build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = App::new().wrap(manager.clone()).route("/me", web::get().to(me));
    /// # let app = test::init_service(app).await;
    /// let login = manager.test_login(&User { id: "ann".into() });
    /// let on_wifi = login.apply(test::TestRequest::get().uri("/me").peer_addr("192.0.2.1:5000".parse()?));
    /// let res = test::call_service(&app, on_wifi.to_request()).await;
    /// let bound = res.response().cookies().next().expect("the session, bound now").value().to_owned();
    /// // The same login from another network, same browser: still logged in.
    /// let on_mobile = test::TestRequest::get()
    ///     .uri("/me")
    ///     .peer_addr("198.51.100.7:6000".parse()?)
    ///     .insert_header(("cookie", format!("session={bound}")));
    /// assert_eq!(test::call_and_read_body(&app, on_mobile.to_request()).await, "ann");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn session_protection_binds(mut self, binding: ClientBinding) -> Self {
        self.settings.client.binding = binding;
        self
    }

    /// The reverse proxies whose forwarding header is believed: IP addresses (`10.0.0.7`,
    /// `2001:db8::7`) and CIDR ranges (`10.0.0.0/8`). None by default: the client address
    /// session protection binds is the socket's peer, and forwarding headers are never read
    /// (any client can send them).
    ///
    /// When the peer is one of these, the header named by
    /// [`forwarded_header`](Self::forwarded_header) (`X-Forwarded-For` by default) is read
    /// from the right, skipping the hops that are trusted proxies too; the first other hop is
    /// the client. A client that sends its own header only adds hops to the left of the ones
    /// the proxies append, so it cannot choose its address. A hop that names no address
    /// (`unknown`, an obfuscated name, garbage) stops the walk at the last trusted proxy.
    /// [`build`](Self::build) refuses an entry that is not an address or a range, a range
    /// with bits set after its prefix (`10.0.0.1/8`), and a range that trusts everyone (`/0`).
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, SessionProtection, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_protection(SessionProtection::Strong)
    ///     .trusted_proxies(["10.0.0.0/8", "2001:db8::/32"])
    ///     .build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = App::new().wrap(manager.clone()).route("/me", web::get().to(me));
    /// # let app = test::init_service(app).await;
    /// let via_proxy = |client: &str| {
    ///     test::TestRequest::get()
    ///         .uri("/me")
    ///         .peer_addr("10.0.0.2:40000".parse().unwrap())
    ///         .insert_header(("x-forwarded-for", client))
    /// };
    /// let login = manager.test_login(&User { id: "ann".into() });
    /// let res = test::call_service(&app, login.apply(via_proxy("203.0.113.5")).to_request()).await;
    /// let bound = res.response().cookies().next().expect("the session, bound now").value().to_owned();
    /// // Another client behind the same proxy, with the stolen cookie: logged out.
    /// let thief = via_proxy("198.51.100.7").insert_header(("cookie", format!("session={bound}")));
    /// assert_eq!(test::call_service(&app, thief.to_request()).await.status(), 401);
    ///
    /// let typo = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .trusted_proxies(["10.0.0.0/33"])
    ///     .build();
    /// assert!(typo.unwrap_err().to_string().contains("not an IP address or a CIDR range"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trusted_proxies<P: AsRef<str>>(mut self, proxies: impl IntoIterator<Item = P>) -> Self {
        self.settings.client.trusted_proxies = proxies.into_iter().map(|p| p.as_ref().to_owned()).collect();
        self
    }

    /// Which header the [`trusted_proxies`](Self::trusted_proxies) write the client address
    /// into: [`ForwardedHeader::XForwardedFor`] (the default) or [`ForwardedHeader::Forwarded`]
    /// (RFC 7239). Only that one is read: a proxy that writes one header passes the other
    /// through from the client as it came. Setting it without trusted proxies is refused by
    /// [`build`](Self::build), since it would never be read.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::ForwardedHeader;
    ///
    /// // Behind a proxy that sends `Forwarded: for=203.0.113.5;proto=https`:
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .trusted_proxies(["192.0.2.10"])
    ///     .forwarded_header(ForwardedHeader::Forwarded)
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn forwarded_header(mut self, header: ForwardedHeader) -> Self {
        self.settings.client.header = Some(header);
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
        edit(&mut self.settings.cookies.session);
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
        edit(&mut self.settings.cookies.remember);
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
        self.settings.cookies.session.secure = secure;
        self.settings.cookies.remember.secure = secure;
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
        self.settings.remember.duration = duration;
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
        self.settings.remember.refresh_each_request = on;
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
        self.settings.messages.login = message.map(|m| (m.to_owned(), category.to_owned()));
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
        self.settings.messages.refresh = message.map(|m| (m.to_owned(), category.to_owned()));
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
        self.settings.messages.localize = Some(Arc::new(f));
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
        self.settings.messages.hooks.push(Arc::new(f));
        self
    }

    /// Replaces the default unauthorized answer (Flask-Login's `unauthorized_handler`). The
    /// handler gets a [`RefusalContext`]: the flavour that applies, the login URL with `next`,
    /// the configured message, and the default answer to return or adjust.
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
        f: impl Fn(&HttpRequest, &RefusalContext) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.settings.answers.unauthorized = Some(Arc::new(f));
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
        f: impl Fn(&HttpRequest, &RefusalContext) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.settings.answers.needs_refresh = Some(Arc::new(f));
        self
    }

    /// Replaces the default forbidden answer: the 403 given to a logged-in user who lacks a
    /// route's permission or fails its check (`#[login_required(permission = ..)]`). The
    /// default is a plain 403 page, or a JSON 403 with an `error` member in JSON routes; it is
    /// never a redirect to the login view, and the user stays logged in.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use actix_web::HttpResponse;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .forbidden_handler(|_req, _refusal| {
    ///         HttpResponse::Forbidden()
    ///             .content_type("text/html; charset=utf-8")
    ///             .body("<p>This page is for administrators. <a href=\"/\">Back home</a>.</p>")
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn forbidden_handler(
        mut self,
        f: impl Fn(&HttpRequest, &RefusalContext) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.settings.answers.forbidden = Some(Arc::new(f));
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
    pub fn request_loader<R: RequestLoaderOf<U>>(mut self, loader: R) -> Self {
        self.settings.request_loader = Some(Arc::new(loader));
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
        self.settings.events.push(Arc::new(f));
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
        self.settings.answers.exempt_methods = methods.into_iter().collect();
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
        self.settings.answers.www_authenticate = value.into();
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
        self.settings.answers.json_by_default = on;
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
        self.settings.timeouts.idle = Some(timeout);
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
        self.settings.timeouts.absolute = Some(timeout);
        self
    }

    /// Keeps logins in a server-side store instead of the stateless signed cookie: the
    /// `session` cookie then holds only a signed random id, logins can be listed and revoked
    /// ([`LoginSession::live_sessions`](crate::LoginSession::live_sessions),
    /// [`LoginManager::log_out_everywhere`](crate::LoginManager::log_out_everywhere)), and a logout ends the login
    /// on the server. See [`SessionStore`] for the backends.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use login_runtime::store::MemoryStore;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn session_store(mut self, store: impl SessionStore) -> Self {
        self.settings.storage.store = Some(Arc::new(store));
        self
    }

    /// The longest one store call may take before it counts as an outage (800 ms by default):
    /// a request that needs the login state is then answered 503 instead of waiting.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use std::time::Duration;
    /// use login_runtime::store::MemoryStore;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .store_timeout(Duration::from_millis(300))
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn store_timeout(mut self, timeout: Duration) -> Self {
        self.settings.storage.call_timeout = timeout;
        self
    }

    /// How long a server-side login without "remember me" lives in the store when neither an
    /// idle nor an absolute timeout is set (24 hours by default). With a timeout, the record
    /// lives as long as the timeout allows; a remembered login lives as long as its remember
    /// cookie.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use std::time::Duration;
    /// use login_runtime::store::MemoryStore;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .session_lifetime(Duration::from_secs(8 * 3600))
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.settings.storage.session_lifetime = lifetime;
        self
    }

    /// Answers requests that need the login state while the session store cannot be reached.
    /// By default they get a 503 (JSON in JSON scopes) with `Retry-After: 1`: never an
    /// anonymous answer, since an outage must not look like a logout.
    ///
    /// ```
    /// # use login_runtime::{LoginManager, UserMixin, user_loader};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { None }
    /// use actix_web::HttpResponse;
    /// use login_runtime::store::MemoryStore;
    ///
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .store_unavailable_handler(|_req, err| {
    ///         HttpResponse::ServiceUnavailable().body(format!("Try again in a moment ({err})."))
    ///     })
    ///     .build()?;
    /// # Ok::<(), login_runtime::ConfigError>(())
    /// ```
    pub fn store_unavailable_handler(
        mut self,
        f: impl Fn(&HttpRequest, &StoreError) -> HttpResponse + Send + Sync + 'static,
    ) -> Self {
        self.settings.answers.store_unavailable = Some(Arc::new(f));
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
        check_settings(&self.secret_key, &self.fallback_keys, &self.settings)?;
        let client_source = ClientSource::new(&self.settings.client)?;
        let keys = Keys::derive(
            &self.secret_key,
            &self.fallback_keys,
            self.settings.cookies.content,
        );
        Ok(LoginManager::from_config(Arc::new(Config::new(
            self.settings,
            keys,
            client_source,
        ))))
    }
}
