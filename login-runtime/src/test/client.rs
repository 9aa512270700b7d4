//! [`TestClient`]: a browser-like client over `actix_web::test::init_service`, with a real
//! cookie jar (RFC 6265 Path, Domain, Secure, expiry and deletion, from the `cookie_store`
//! crate), optional redirect following and `login_as`.

use std::net::SocketAddr;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use cookie_store::CookieStore;
use url::Url;

use super::{TestLogin, TestResponse};
use crate::error::StoreError;
use crate::loader::UserLoader;
use crate::middleware::LoginManager;

/// How many redirects one request follows at most (a loop ends there, with the last answer).
const MAX_REDIRECTS: usize = 10;

/// A test client that behaves like one browser: it keeps the cookies the app sets (and
/// deletes, and lets expire) and sends them back where a browser would, from the same peer
/// address and `User-Agent` on every request, so strong session protection sees one client.
///
/// The app is passed to each call, as to [`actix_web::test::call_service`], so several clients
/// (two browsers, a thief replaying a cookie) can talk to one app. The client's origin is
/// `https://localhost` (Secure cookies are sent, as the library's defaults want); see
/// [`TestClient::origin`].
///
/// Requires the `test-client` feature (a dev-dependency feature, typically:
/// `login-runtime = { version = "..", features = ["test-client"] }` under
/// `[dev-dependencies]`).
///
/// ```
/// use actix_web::http::StatusCode;
/// use actix_web::{App, HttpResponse, test, web};
/// use login_runtime::test::TestClient;
/// use login_runtime::{CurrentUser, LoginManager, LoginSession, UserMixin, login_required, user_loader};
///
/// #[derive(Clone, UserMixin)]
/// struct User { id: String }
///
/// #[user_loader]
/// async fn load(id: String) -> Option<User> { Some(User { id }) }
///
/// async fn login(session: LoginSession<User>) -> actix_web::Result<HttpResponse> {
///     session.login_user(&User { id: "ann".into() }).await?;
///     Ok(HttpResponse::SeeOther().insert_header(("location", "/me")).finish())
/// }
///
/// #[login_required]
/// async fn me(user: CurrentUser<User>) -> String { format!("hello {}", user.id) }
///
/// # actix_web::rt::System::new().block_on(async {
/// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
///     .login_view("/login")
///     .build()?;
/// let app = test::init_service(
///     App::new()
///         .wrap(manager.clone())
///         .route("/login", web::post().to(login))
///         .route("/me", web::get().to(me)),
/// )
/// .await;
///
/// // Log in through the app, follow its redirect, and stay logged in.
/// let mut browser = TestClient::new().follow_redirects(true);
/// let res = browser.post_form(&app, "/login", &[]).await;
/// assert_eq!(res.text(), "hello ann");
/// assert_eq!(browser.get(&app, "/me").await.text(), "hello ann");
///
/// // Or skip the form: `login_as` makes the login a real one would have made.
/// let mut other = TestClient::new();
/// assert_eq!(other.get(&app, "/me").await.status(), StatusCode::FOUND);
/// other.login_as(&manager, &User { id: "bob".into() }).await?;
/// assert_eq!(other.get(&app, "/me").await.text(), "hello bob");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct TestClient {
    jar: CookieStore,
    origin: Url,
    follow_redirects: bool,
    peer_addr: Option<SocketAddr>,
    user_agent: Option<HeaderValue>,
}

impl Default for TestClient {
    fn default() -> Self {
        TestClient::new()
    }
}

impl TestClient {
    /// A client with an empty jar, origin `https://localhost`, no peer address and no
    /// `User-Agent` (so every request looks the same to session protection), and redirects
    /// not followed.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let client = TestClient::new();
    /// assert_eq!(client.cookie("session"), None);
    /// ```
    pub fn new() -> Self {
        TestClient {
            jar: CookieStore::default(),
            origin: Url::parse("https://localhost/").expect("a valid URL"),
            follow_redirects: false,
            peer_addr: None,
            user_agent: None,
        }
    }

    /// Sets the origin the jar believes it talks to: its scheme decides whether `Secure`
    /// cookies are sent (not over `http`, except to `localhost` and loopback addresses, which
    /// count as secure as in browsers), its host which `Domain` cookies are kept.
    ///
    /// # Errors
    ///
    /// [`InvalidOrigin`] when `origin` is not an absolute `http` or `https` URL.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// // A browser on plain http: cookies set with `Secure` are not sent back.
    /// let client = TestClient::new().origin("http://app.example")?;
    /// assert!(TestClient::new().origin("/relative").is_err());
    /// # Ok::<(), login_runtime::test::InvalidOrigin>(())
    /// ```
    pub fn origin(mut self, origin: &str) -> Result<Self, InvalidOrigin> {
        let url = Url::parse(origin)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        self.origin = url.ok_or_else(|| InvalidOrigin(origin.to_owned()))?;
        Ok(self)
    }

    /// Whether to follow redirects (`301`, `302`, `303` as a `GET`; `307` and `308` of a
    /// `GET` or `HEAD`), up to ten, storing every answer's cookies on the way. Off by default.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let browser = TestClient::new().follow_redirects(true);
    /// # drop(browser);
    /// ```
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.follow_redirects = follow;
        self
    }

    /// The `User-Agent` sent with every request (none by default). Characters a header value
    /// cannot hold (control characters, non-ASCII) are left out.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let phone = TestClient::new().user_agent("Mozilla/5.0 (iPhone)");
    /// # drop(phone);
    /// ```
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        let visible: String = user_agent
            .chars()
            .filter(|c| *c == '\t' || (' '..='~').contains(c))
            .collect();
        self.user_agent = HeaderValue::from_str(&visible).ok();
        self
    }

    /// The peer address every request comes from. None by default: then a request that sets
    /// its own (a test of a client that moved) keeps it.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let elsewhere = TestClient::new().peer_addr("203.0.113.9:5000".parse().unwrap());
    /// # drop(elsewhere);
    /// ```
    pub fn peer_addr(mut self, addr: SocketAddr) -> Self {
        self.peer_addr = Some(addr);
        self
    }

    /// `GET uri`.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let app = test::init_service(App::new().route("/", web::get().to(|| async { "ok" }))).await;
    /// assert_eq!(TestClient::new().get(&app, "/").await.text(), "ok");
    /// # });
    /// ```
    pub async fn get<S, B>(&mut self, app: &S, uri: &str) -> TestResponse
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.send(app, TestRequest::get().uri(uri)).await
    }

    /// `POST uri` with `fields` as an `application/x-www-form-urlencoded` body.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let echo = |body: String| async move { body };
    /// # let app = test::init_service(App::new().route("/", web::post().to(echo))).await;
    /// let res = TestClient::new().post_form(&app, "/", &[("email", "ann"), ("next", "/a b")]).await;
    /// assert_eq!(res.text(), "email=ann&next=%2Fa+b");
    /// # });
    /// ```
    pub async fn post_form<S, B>(&mut self, app: &S, uri: &str, fields: &[(&str, &str)]) -> TestResponse
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = TestRequest::post()
            .uri(uri)
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .set_payload(body);
        self.send(app, req).await
    }

    /// Sends any test request: the jar's cookies for its URL are added to the cookies it
    /// already carries, the client's peer address and `User-Agent` (unless the request sets
    /// its own) are set, and the answer's cookies are stored.
    ///
    /// ```
    /// # use actix_web::{App, HttpRequest, test, web};
    /// # use login_runtime::test::TestClient;
    /// # actix_web::rt::System::new().block_on(async {
    /// # let accept = |req: HttpRequest| async move { format!("{:?}", req.headers().get("accept")) };
    /// # let app = test::init_service(App::new().route("/", web::get().to(accept))).await;
    /// let req = test::TestRequest::get().uri("/").insert_header(("accept", "application/json"));
    /// let res = TestClient::new().send(&app, req).await;
    /// assert_eq!(res.text(), "Some(\"application/json\")");
    /// # });
    /// ```
    pub async fn send<S, B>(&mut self, app: &S, req: TestRequest) -> TestResponse
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let mut req = match self.peer_addr {
            // Without one set here, a request's own peer address (if any) is kept.
            Some(addr) => req.peer_addr(addr),
            None => req,
        }
        .to_request();
        let peer = req.peer_addr();
        let mut redirects = Vec::new();
        loop {
            let url = self.url_of(&req);
            let method = req.method().clone();
            self.prepare(&mut req, &url);
            let res = test::call_service(app, req).await;
            let status = res.status();
            let headers = res.headers().clone();
            let set_cookies: Vec<_> = res.response().cookies().map(|c| c.into_owned()).collect();
            for value in headers.get_all(header::SET_COOKIE) {
                if let Ok(text) = value.to_str() {
                    // An error is a cookie a browser would ignore too (such as the deletion
                    // of a cookie the jar does not hold).
                    let _ = self.jar.parse(text, &url);
                }
            }
            let body = test::read_body(res).await;
            let next = self.redirect_target(status, &method, &headers, &url);
            match next {
                Some(target) if redirects.len() < MAX_REDIRECTS => {
                    let location = headers.get(header::LOCATION).and_then(|v| v.to_str().ok());
                    redirects.push(location.unwrap_or_default().to_owned());
                    let follow_method = if matches!(status.as_u16(), 307 | 308) {
                        method
                    } else {
                        Method::GET
                    };
                    let next = TestRequest::default()
                        .method(follow_method)
                        .uri(&relative(&target));
                    req = match peer {
                        Some(addr) => next.peer_addr(addr),
                        None => next,
                    }
                    .to_request();
                }
                _ => {
                    return TestResponse {
                        status,
                        headers,
                        body,
                        set_cookies,
                        redirects,
                    };
                }
            }
        }
    }

    /// Logs this client in as `user` without a login form, fresh: the jar gets the session
    /// cookie a real login would have set, in the manager's store (with a server-side store,
    /// such as `MemoryStore` or `RedisStore`, the login is recorded there first). The login
    /// binds to this client on its first request, so it works under every session-protection
    /// mode.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the server-side store cannot record the login.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, SessionProtection, UserMixin, user_loader};
    /// # use login_runtime::{store::MemoryStore, test::TestClient};
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// # actix_web::rt::System::new().block_on(async {
    /// let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    ///     .session_store(MemoryStore::new())
    ///     .session_protection(SessionProtection::Strong)
    ///     .build()?;
    /// # let me = |user: CurrentUser<User>| async move { user.id.clone() };
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/me", web::get().to(me))).await;
    /// let mut client = TestClient::new();
    /// client.login_as(&manager, &User { id: "ann".into() }).await?;
    /// assert_eq!(client.get(&app, "/me").await.text(), "ann");
    /// assert_eq!(client.get(&app, "/me").await.text(), "ann");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn login_as<U: UserLoader>(
        &mut self,
        manager: &LoginManager<U>,
        user: &U,
    ) -> Result<(), StoreError> {
        self.login(&manager.test_login(user)).await
    }

    /// Logs this client in with a prepared [`TestLogin`], for a login that is not fresh
    /// (`manager.test_login(&user).fresh(false)`), as if restored from a remember cookie.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the server-side store cannot record the login.
    ///
    /// ```
    /// # use actix_web::{App, test, web};
    /// # use login_runtime::{CurrentUser, LoginManager, UserMixin, fresh_login_required, user_loader};
    /// # use login_runtime::test::TestClient;
    /// # #[derive(Clone, UserMixin)] struct User { id: String }
    /// # #[user_loader] async fn load(id: String) -> Option<User> { Some(User { id }) }
    /// #[fresh_login_required]
    /// async fn settings(user: CurrentUser<User>) -> String { user.id.clone() }
    /// # actix_web::rt::System::new().block_on(async {
    /// # let manager = LoginManager::<User>::builder("a secret key of at least thirty-two bytes")
    /// #     .login_view("/login").refresh_view("/reauth").build()?;
    /// # let app = test::init_service(App::new().wrap(manager.clone()).route("/settings", web::get().to(settings))).await;
    /// let mut client = TestClient::new();
    /// client.login(&manager.test_login(&User { id: "ann".into() }).fresh(false)).await?;
    /// let res = client.get(&app, "/settings").await;
    /// assert_eq!(res.location(), Some("/reauth?next=%2Fsettings"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub async fn login<U: UserLoader>(&mut self, login: &TestLogin<'_, U>) -> Result<(), StoreError> {
        let agent = self
            .user_agent
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let cookie = login.store_session(agent).await?;
        let url = self.origin.clone();
        // The manager's own cookie attributes: a `Domain` or `Secure` the origin does not
        // satisfy is refused here as a browser would refuse it.
        let _ = self.jar.parse(&cookie.to_string(), &url);
        Ok(())
    }

    /// The value of the cookie `name` the jar holds (unexpired, any path), if any.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// assert_eq!(TestClient::new().cookie("remember_token"), None);
    /// ```
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar
            .iter_unexpired()
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
    }

    /// Every unexpired cookie in the jar, as `(name, value)`, sorted by name.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let mut client = TestClient::new();
    /// client.set_cookie("b", "2");
    /// client.set_cookie("a", "1");
    /// assert_eq!(client.cookies(), [("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned())]);
    /// ```
    pub fn cookies(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self
            .jar
            .iter_unexpired()
            .map(|c| (c.name().to_owned(), c.value().to_owned()))
            .collect();
        all.sort();
        all
    }

    /// Puts cookie `name=value` into the jar for the whole origin (`Path=/`), replacing one of
    /// that name: to replay a stolen or stale value.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let mut client = TestClient::new();
    /// client.set_cookie("session", "a value copied from another client");
    /// assert_eq!(client.cookie("session").as_deref(), Some("a value copied from another client"));
    /// ```
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.remove_cookie(name);
        let url = self.origin.clone();
        let _ = self.jar.parse(&format!("{name}={value}; Path=/"), &url);
    }

    /// Removes every cookie named `name` from the jar, returning the value of one of them.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let mut client = TestClient::new();
    /// client.set_cookie("session", "x");
    /// assert_eq!(client.remove_cookie("session").as_deref(), Some("x"));
    /// assert_eq!(client.cookie("session"), None);
    /// ```
    pub fn remove_cookie(&mut self, name: &str) -> Option<String> {
        let keys: Vec<(String, String)> = self
            .jar
            .iter_any()
            .filter(|c| c.name() == name)
            .map(|c| (String::from(&c.domain), String::from(&c.path)))
            .collect();
        let mut value = None;
        for (domain, path) in keys {
            if let Some(c) = self.jar.remove(&domain, &path, name) {
                value.get_or_insert_with(|| c.value().to_owned());
            }
        }
        value
    }

    /// Closes the browser: the cookies without an expiry (the session cookie) are dropped,
    /// the persistent ones (the remember cookie) stay.
    ///
    /// ```
    /// use login_runtime::test::TestClient;
    ///
    /// let mut client = TestClient::new();
    /// client.set_cookie("session", "x");
    /// client.restart();
    /// assert_eq!(client.cookie("session"), None);
    /// ```
    pub fn restart(&mut self) {
        let session_only: Vec<(String, String, String)> = self
            .jar
            .iter_any()
            .filter(|c| !c.is_persistent() || c.is_expired())
            .map(|c| {
                (
                    String::from(&c.domain),
                    String::from(&c.path),
                    c.name().to_owned(),
                )
            })
            .collect();
        for (domain, path, name) in session_only {
            self.jar.remove(&domain, &path, &name);
        }
    }

    /// The URL the jar matches cookies against for `req`.
    fn url_of(&self, req: &Request) -> Url {
        let uri = req.uri();
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        match uri.authority() {
            Some(authority) => {
                let scheme = uri.scheme_str().unwrap_or(self.origin.scheme());
                Url::parse(&format!("{scheme}://{authority}{path}")).unwrap_or_else(|_| self.origin.clone())
            }
            None => self.origin.join(path).unwrap_or_else(|_| self.origin.clone()),
        }
    }

    /// Adds the jar's cookies for `url` and the `User-Agent` to `req`.
    fn prepare(&self, req: &mut Request, url: &Url) {
        let mut pairs: Vec<String> = self
            .jar
            .get_request_values(url)
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let headers = req.headers_mut();
        if !pairs.is_empty() {
            if let Some(own) = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
                pairs.insert(0, own.to_owned());
            }
            if let Ok(value) = HeaderValue::from_str(&pairs.join("; ")) {
                headers.insert(header::COOKIE, value);
            }
        }
        if let Some(agent) = &self.user_agent
            && !headers.contains_key(header::USER_AGENT)
        {
            headers.insert(HeaderName::from_static("user-agent"), agent.clone());
        }
    }

    /// Where a redirect answer sends this client, when it is to be followed.
    fn redirect_target(
        &self,
        status: StatusCode,
        method: &Method,
        headers: &header::HeaderMap,
        url: &Url,
    ) -> Option<Url> {
        if !self.follow_redirects {
            return None;
        }
        let keeps_method = matches!(status.as_u16(), 307 | 308);
        let follows = matches!(status.as_u16(), 301..=303)
            || (keeps_method && (method == Method::GET || method == Method::HEAD));
        if !follows {
            return None;
        }
        let location = headers.get(header::LOCATION)?.to_str().ok()?;
        let target = url.join(location).ok()?;
        // Another site is not this app: the redirect is returned, not followed.
        (target.host_str() == url.host_str()).then_some(target)
    }
}

/// The path and query of `url`, as a test request's URI.
fn relative(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// The error of [`TestClient::origin`]: the text is not an absolute `http` or `https` URL.
///
/// ```
/// use login_runtime::test::TestClient;
///
/// let err = TestClient::new().origin("localhost").unwrap_err();
/// assert!(err.to_string().contains("absolute http(s) URL"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidOrigin(String);

impl std::fmt::Display for InvalidOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TestClient::origin needs an absolute http(s) URL such as \"http://localhost\", not {:?}",
            self.0
        )
    }
}

impl std::error::Error for InvalidOrigin {}
