//! Shared fixtures for the HTTP integration tests.
//!
//! The fixture mirrors Flask-Login's own test suite (`LoginTestCase`): users `notch` and `steve`
//! (active), `creeper` (inactive) and `佐藤` (a non-ASCII id), a `#[user_loader]` over an
//! in-memory [`Store`], a `#[request_loader]` that reads `?user_id=`, and a set of routes that
//! log in, log out and report the login state. [`Client`] plays a browser over the library's
//! `TestClient`: it keeps the cookies the app sets and sends them back, and can lose its session
//! cookie like a closed browser.
//!
//! This crate only exists for tests, so its helpers panic on unexpected input instead of
//! returning errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::test::{self, TestRequest};
use actix_web::{HttpRequest, HttpResponse, get, web};
use login_runtime::test::TestClient;
use login_runtime::{
    CurrentUser, LoginEvent, LoginManager, LoginManagerBuilder, LoginSession, MaybeUser, SessionProtection,
    UserMixin, fresh_login_required, login_required, request_loader, user_loader,
};
use serde::Deserialize;

/// The secret key every fixture manager signs with.
pub const KEY: &str = "a deterministic test key that is long enough";

/// The User-Agent [`Client`] sends unless told otherwise.
pub const DEFAULT_UA: &str = "login-tests/1.0";

/// A user of the fixture, as Flask-Login's tests define them.
#[derive(Clone, Debug, UserMixin)]
pub struct TestUser {
    /// The user id (the login name).
    pub id: String,
    /// Inactive users cannot log in.
    #[user(active)]
    pub active: bool,
    /// Changing it ends every login of the user.
    #[user(auth_hash)]
    pub password: String,
}

impl TestUser {
    /// An active user with password `secret`.
    pub fn new(id: &str) -> TestUser {
        TestUser {
            id: id.to_owned(),
            active: true,
            password: "secret".to_owned(),
        }
    }
}

/// The in-memory user database, registered as app data. Counts the loader calls.
#[derive(Debug, Default)]
pub struct Store {
    users: Mutex<HashMap<String, TestUser>>,
    loads: AtomicUsize,
    request_loads: AtomicUsize,
}

impl Store {
    /// A store with `notch`, `steve`, `creeper` (inactive), `佐藤` and `a|b`.
    pub fn new() -> web::Data<Store> {
        let store = Store::default();
        for id in ["notch", "steve", "佐藤", "a|b"] {
            store.insert(TestUser::new(id));
        }
        store.insert(TestUser {
            active: false,
            ..TestUser::new("creeper")
        });
        web::Data::new(store)
    }

    /// Adds or replaces a user.
    pub fn insert(&self, user: TestUser) {
        self.users.lock().unwrap().insert(user.id.clone(), user);
    }

    /// Removes a user, as if the account were deleted.
    pub fn remove(&self, id: &str) {
        self.users.lock().unwrap().remove(id);
    }

    /// The user with `id`.
    pub fn get(&self, id: &str) -> TestUser {
        self.users
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .expect("a fixture user")
    }

    /// Changes a user's password (their auth hash).
    pub fn set_password(&self, id: &str, password: &str) {
        if let Some(u) = self.users.lock().unwrap().get_mut(id) {
            u.password = password.to_owned();
        }
    }

    /// How many times the `#[user_loader]` ran.
    pub fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }

    /// How many times the `#[request_loader]` ran.
    pub fn request_loads(&self) -> usize {
        self.request_loads.load(Ordering::SeqCst)
    }
}

/// The fixture's user loader.
#[user_loader]
async fn load_user(id: String, store: web::Data<Store>) -> Option<TestUser> {
    store.loads.fetch_add(1, Ordering::SeqCst);
    store.users.lock().unwrap().get(&id).cloned()
}

/// The fixture's request loader: `?user_id=<id>` (Flask-Login's tests do the same).
#[request_loader]
async fn query_loader(req: HttpRequest, store: web::Data<Store>) -> Option<TestUser> {
    store.request_loads.fetch_add(1, Ordering::SeqCst);
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string()).ok()?;
    let id = query.get("user_id")?;
    store.users.lock().unwrap().get(id).cloned()
}

/// The fixture manager's builder: the test key, protection off (as in Flask-Login's
/// `LoginTestCase`), the `?user_id=` request loader.
pub fn builder() -> LoginManagerBuilder<TestUser> {
    LoginManager::<TestUser>::builder(KEY)
        .session_protection(SessionProtection::Off)
        .request_loader(query_loader)
}

/// Records the names of the events a manager emits.
#[derive(Clone, Debug, Default)]
pub struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    /// A new, empty recorder.
    pub fn new() -> Events {
        Events::default()
    }

    /// Registers the recorder on `builder`.
    pub fn attach(&self, builder: LoginManagerBuilder<TestUser>) -> LoginManagerBuilder<TestUser> {
        let log = Arc::clone(&self.0);
        builder.on_event(move |_req, event| log.lock().unwrap().push(event_name(event)))
    }

    /// Every event so far, in order.
    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// How many recorded events are exactly `name`.
    pub fn count(&self, name: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|e| *e == name).count()
    }

    /// Forgets the events so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// A short name for an event: `logged_in:notch`, `logged_out:-`, `accessed`...
pub fn event_name(event: &LoginEvent<'_, TestUser>) -> String {
    match event {
        LoginEvent::LoggedIn(u) => format!("logged_in:{}", u.id),
        LoginEvent::LoggedOut(Some(u)) => format!("logged_out:{}", u.id),
        LoginEvent::LoggedOut(None) => "logged_out:-".to_owned(),
        LoginEvent::LoadedFromCookie(u) => format!("loaded_from_cookie:{}", u.id),
        LoginEvent::LoadedFromRequest(u) => format!("loaded_from_request:{}", u.id),
        LoginEvent::LoginConfirmed => "login_confirmed".to_owned(),
        LoginEvent::Unauthorized => "unauthorized".to_owned(),
        LoginEvent::NeedsRefresh => "needs_refresh".to_owned(),
        LoginEvent::Accessed => "accessed".to_owned(),
        LoginEvent::SessionProtected => "session_protected".to_owned(),
        _ => "other".to_owned(),
    }
}

/// A response, read completely.
#[derive(Debug)]
pub struct Resp {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as (lossy) UTF-8.
    pub body: String,
}

impl Resp {
    /// Reads a service response.
    pub async fn read<B: MessageBody>(res: ServiceResponse<B>) -> Resp {
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await;
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Every `Set-Cookie` of the response, parsed.
    pub fn set_cookies(&self) -> Vec<Cookie<'static>> {
        self.headers
            .get_all(header::SET_COOKIE)
            .map(|v| Cookie::parse_encoded(v.to_str().unwrap().to_owned()).unwrap())
            .collect()
    }

    /// The `Set-Cookie` for `name`, if any (exactly one is expected).
    pub fn set_cookie(&self, name: &str) -> Option<Cookie<'static>> {
        let found: Vec<_> = self
            .set_cookies()
            .into_iter()
            .filter(|c| c.name() == name)
            .collect();
        assert!(found.len() <= 1, "two Set-Cookie headers for `{name}`: {found:?}");
        found.into_iter().next()
    }

    /// The raw `Set-Cookie` header line for `name`, if any.
    pub fn raw_set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The `Location` header.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// Whether a `Set-Cookie` deletes its cookie.
pub fn is_removal(cookie: &Cookie<'_>) -> bool {
    cookie.max_age() == Some(actix_web::cookie::time::Duration::ZERO)
}

/// Asserts that `cookie` lives `secs` seconds: Max-Age and Expires, within 10 seconds.
pub fn assert_lifetime(cookie: &Cookie<'_>, secs: i64) {
    let max_age = cookie.max_age().expect("a Max-Age").whole_seconds();
    assert!((max_age - secs).abs() <= 10, "Max-Age {max_age}, expected {secs}");
    let expires = cookie.expires_datetime().expect("an Expires");
    let expected = OffsetDateTime::now_utc() + CookieDuration::seconds(secs);
    assert!(
        (expires - expected).abs() <= CookieDuration::seconds(10),
        "Expires {expires}"
    );
}

/// A `Cookie` header carrying `pairs` as `name=value; ...`, sent as raw bytes when the values
/// are not valid header text.
pub fn cookie_header(pairs: &[(&str, &str)]) -> HeaderValue {
    let line = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    HeaderValue::from_str(&line).unwrap_or_else(|_| HeaderValue::from_bytes(line.as_bytes()).unwrap())
}

/// A browser over [`login_runtime::test::TestClient`] (its RFC 6265 cookie jar): sends the
/// cookies the app set back, with a User-Agent, and answers in [`Resp`].
pub struct Client<S> {
    app: S,
    browser: TestClient,
    /// The User-Agent header sent with every request.
    pub user_agent: String,
}

impl<S, B> Client<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// A browser with no cookies.
    pub fn new(app: S) -> Client<S> {
        Client {
            app,
            browser: TestClient::new(),
            user_agent: DEFAULT_UA.to_owned(),
        }
    }

    /// GET `uri`.
    pub async fn get(&mut self, uri: &str) -> Resp {
        self.send(TestRequest::get().uri(uri)).await
    }

    /// Sends `req` with the jar's cookies and the User-Agent, and stores the cookies it sets.
    pub async fn send(&mut self, req: TestRequest) -> Resp {
        let req = req.insert_header((header::USER_AGENT, self.user_agent.clone()));
        let res = self.browser.send(&self.app, req).await;
        Resp {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text(),
        }
    }

    /// Sends `req` exactly as given: no jar, no User-Agent (for raw cookie headers).
    pub async fn send_raw(&self, req: TestRequest) -> Resp {
        Resp::read(test::call_service(&self.app, req.to_request()).await).await
    }

    /// The value the jar holds for `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.browser.cookie(name)
    }

    /// Puts a cookie into the jar.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.browser.set_cookie(name, value);
    }

    /// Drops a cookie from the jar (`session` for "the browser was closed").
    pub fn delete_cookie(&mut self, name: &str) {
        self.browser.remove_cookie(name);
    }

    /// A browser restart: the session cookie goes, the remember cookie (persistent) stays.
    pub fn restart_browser(&mut self) {
        self.browser.restart();
    }

    /// The cookie names in the jar.
    pub fn cookie_names(&self) -> Vec<String> {
        self.browser.cookies().into_iter().map(|(name, _)| name).collect()
    }
}

/// Builds the fixture app (routes and store) around `manager` and wraps it in a [`Client`].
#[macro_export]
macro_rules! client {
    ($manager:expr, $store:expr) => {
        $crate::Client::new(
            ::actix_web::test::init_service(
                ::actix_web::App::new()
                    .wrap($manager)
                    .app_data(::std::clone::Clone::clone(&$store))
                    .configure($crate::routes),
            )
            .await,
        )
    };
}

// ---------------------------------------------------------------------------------------------
// The fixture's routes.

/// Options of `/login/{id}`.
#[derive(Deserialize)]
struct LoginQuery {
    remember: Option<bool>,
    fresh: Option<bool>,
    force: Option<bool>,
    duration: Option<u64>,
}

async fn state_line(session: &LoginSession<TestUser>) -> String {
    let user = session.current_user().await.unwrap();
    format!(
        "user={} fresh={} remembered={} restored={}",
        user.as_ref().map_or("Anonymous", |u| u.id.as_str()),
        session.login_fresh().await.unwrap(),
        session.login_remembered().await.unwrap(),
        session.restored_from_cookie().await.unwrap(),
    )
}

/// Touches nothing: Flask-Login's `/` ("Welcome!").
#[get("/")]
async fn index() -> &'static str {
    "Welcome!"
}

/// The current user's id, or `Anonymous`.
#[get("/username")]
async fn username(user: MaybeUser<TestUser>) -> String {
    user.get()
        .map_or_else(|| "Anonymous".to_owned(), |u| u.id.clone())
}

/// The whole login state in one line.
#[get("/state")]
async fn state(session: LoginSession<TestUser>) -> String {
    state_line(&session).await
}

/// Logs `{id}` in; answers with the state of the same request.
#[get("/login/{id}")]
async fn login(
    id: web::Path<String>,
    query: web::Query<LoginQuery>,
    store: web::Data<Store>,
    session: LoginSession<TestUser>,
) -> HttpResponse {
    let user = store.get(&id);
    let mut login = session
        .login_user(&user)
        .remember(query.remember.unwrap_or(false))
        .fresh(query.fresh.unwrap_or(true))
        .force(query.force.unwrap_or(false));
    if let Some(secs) = query.duration {
        login = login.duration(std::time::Duration::from_secs(secs));
    }
    let result = login.await;
    let line = state_line(&session).await;
    match result {
        Ok(()) => HttpResponse::Ok().body(format!("logged in; {line}")),
        Err(e) => HttpResponse::Forbidden().body(format!("refused ({e}); {line}")),
    }
}

/// Logs in with remember, then logs out, in one request (Flask-Login P4).
#[get("/login-then-logout/{id}")]
async fn login_then_logout(
    id: web::Path<String>,
    store: web::Data<Store>,
    session: LoginSession<TestUser>,
) -> String {
    session.login_user(&store.get(&id)).remember(true).await.unwrap();
    session.logout_user().await;
    state_line(&session).await
}

/// Logs out; answers with the state of the same request.
#[get("/logout")]
async fn logout(session: LoginSession<TestUser>) -> String {
    session.logout_user().await;
    format!("logged out; {}", state_line(&session).await)
}

/// `confirm_login`.
#[get("/confirm")]
async fn confirm(session: LoginSession<TestUser>) -> String {
    let confirmed = session.confirm_login().await.unwrap();
    format!("confirmed={confirmed}; {}", state_line(&session).await)
}

/// The safe `next` (query, then session), or `none`.
#[get("/next")]
async fn next(session: LoginSession<TestUser>) -> String {
    session.safe_next(None).unwrap_or_else(|| "none".to_owned())
}

/// `#[login_required]`.
#[get("/secret")]
#[login_required]
async fn secret(user: CurrentUser<TestUser>) -> String {
    format!("Secret: {}", user.id)
}

/// `#[fresh_login_required]`.
#[get("/fresh")]
#[fresh_login_required]
async fn fresh(user: CurrentUser<TestUser>) -> String {
    format!("Fresh: {}", user.id)
}

/// `#[fresh_login_required(max_age = "1s")]`.
#[get("/fresh-1s")]
#[fresh_login_required(max_age = "1s")]
async fn fresh_1s(user: CurrentUser<TestUser>) -> String {
    format!("Fresh: {}", user.id)
}

/// `#[login_required(json)]`.
#[get("/api/secret")]
#[login_required(json)]
async fn api_secret(user: CurrentUser<TestUser>) -> String {
    format!("Secret: {}", user.id)
}

/// `#[login_required(login_view = "/route-login")]`.
#[get("/route-view")]
#[login_required(login_view = "/route-login")]
async fn route_view() -> &'static str {
    "route view"
}

/// A guarded route that does not take the user: the guard alone loads it.
#[get("/guarded")]
#[login_required]
async fn guarded() -> &'static str {
    "guarded"
}

/// Registers the fixture routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(username)
        .service(state)
        .service(login)
        .service(login_then_logout)
        .service(logout)
        .service(confirm)
        .service(next)
        .service(secret)
        .service(fresh)
        .service(fresh_1s)
        .service(api_secret)
        .service(route_view)
        .service(guarded);
}
