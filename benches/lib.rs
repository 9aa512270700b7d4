//! Shared fixtures of the benchmarks: a user type with an in-memory loader, the `/bare`,
//! `/guarded`, `/maybe` and `/login` routes, and helpers that log in and read cookies back.
//! For the cost of authorization: a permission loader on that user type, the `/permission` and
//! `/check` routes, and a second user type ([`Member`]) that keeps its permissions in a field.
//! For what the login layer allocates by itself: a third user type ([`Numbered`]) whose loader
//! allocates nothing.
//!
//! The benchmarks (`benches/*.rs`), the load-test server (`examples/load_server.rs`) and the
//! "no cost when untouched" tests (`tests/*.rs`) all build their apps from these pieces, so every
//! figure is measured on the same handlers.

mod numbered;

pub use numbered::{NUMBERED_USER, Numbered, numbered_manager, numbered_routes};

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::test::TestRequest;
use actix_web::{HttpResponse, get, web};
use login_runtime::store::SessionStore;
use login_runtime::{
    CurrentUser, LoginManager, LoginSession, MaybeUser, UserLoader, UserMixin, login_required,
    permission_loader, user_loader,
};

/// The id of the user every benchmark logs in as.
pub const BENCH_USER: &str = "bench";

/// The secret of the benchmark manager (32 bytes, the minimum).
pub const SECRET: &[u8; 32] = b"login-benches: not a real secret";

/// The `User-Agent` every benchmark request sends (session protection binds the login to it).
pub const USER_AGENT: &str = "login-benches";

/// A user as an application would keep one: an id and an active flag.
#[derive(Clone, Debug, UserMixin)]
pub struct User {
    /// The login name, used as the user id.
    pub id: String,
    /// Inactive users count as anonymous.
    #[user(active)]
    pub active: bool,
}

/// The in-memory user table: the benchmark user and a few others.
static USERS: LazyLock<HashMap<String, User>> = LazyLock::new(|| {
    [BENCH_USER, "alice", "bob", "carol"]
        .into_iter()
        .map(|id| {
            let user = User {
                id: id.to_owned(),
                active: true,
            };
            (id.to_owned(), user)
        })
        .collect()
});

thread_local! {
    static LOADS: Cell<u64> = const { Cell::new(0) };
    static PERMISSION_LOADS: Cell<u64> = const { Cell::new(0) };
}

/// Looks a user up in the in-memory table (a clone, as a database row would be a fresh value).
pub fn find_user(id: &str) -> Option<User> {
    USERS.get(id).cloned()
}

/// How many times the user loader ran on this thread. actix test services run on the thread
/// that awaits them, so a test reads the count of its own requests.
pub fn loader_calls() -> u64 {
    LOADS.with(Cell::get)
}

/// The user loader: counts its calls, then reads the in-memory table.
#[user_loader]
async fn load_user(id: String) -> Option<User> {
    LOADS.with(|n| n.set(n.get() + 1));
    find_user(&id)
}

/// How many times the permission loader of [`User`] ran on this thread (as [`loader_calls`]).
pub fn permission_loader_calls() -> u64 {
    PERMISSION_LOADS.with(Cell::get)
}

/// The permissions of the benchmarks: a small enum, as an application would declare them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Perm {
    /// Held by the benchmark user; the permission the `/permission` routes ask for.
    Admin,
    /// Held by the benchmark user.
    Billing,
    /// Held by nobody.
    Audit,
}

/// The permissions of every benchmark user, as a permission loader without a database returns
/// them: a new set of two permissions per call.
fn granted() -> HashSet<Perm> {
    HashSet::from([Perm::Admin, Perm::Billing])
}

/// The permission loader of [`User`]: counts its calls and returns a constant set. Routes that
/// check no permission (`/guarded`, `/maybe`, `/bare`) must never call it.
#[permission_loader]
async fn load_permissions(user: &User) -> HashSet<Perm> {
    PERMISSION_LOADS.with(|n| n.set(n.get() + 1));
    std::hint::black_box(user);
    granted()
}

/// The benchmark manager: defaults everywhere (basic session protection, signed cookies), except
/// that cookies are not `Secure`, so a plain-HTTP client on loopback sends them back.
pub fn manager() -> LoginManager<User> {
    manager_for()
}

/// The benchmark manager's settings for any user type: defaults, the benchmark secret, cookies
/// not `Secure`.
fn manager_for<U: UserLoader>() -> LoginManager<U> {
    LoginManager::<U>::builder(SECRET)
        .secure_cookies(false)
        .build()
        .unwrap_or_else(|e| unreachable!("the benchmark configuration is valid: {e}"))
}

/// The benchmark manager with a server-side session store: the same settings as [`manager`],
/// but the `session` cookie holds a signed random id and the login lives in `store`, so a
/// guarded request costs one store `load` (and, in steady state, no write).
pub fn store_manager(store: impl SessionStore) -> LoginManager<User> {
    LoginManager::<User>::builder(SECRET)
        .secure_cookies(false)
        .session_store(store)
        .build()
        .unwrap_or_else(|e| unreachable!("the benchmark configuration is valid: {e}"))
}

/// The same body on every route, so the routes differ only by what guards them.
fn body(id: &str) -> String {
    format!("hello {id}")
}

/// A route that touches no login state.
#[get("/bare")]
pub(crate) async fn bare() -> String {
    body(BENCH_USER)
}

/// The same route behind `#[login_required]`, reading the current user.
#[get("/guarded")]
#[login_required]
async fn guarded(user: CurrentUser<User>) -> String {
    body(&user.id)
}

/// The same route behind a permission: `Perm::Admin`, from [`User`]'s permission loader.
#[get("/permission")]
#[login_required(permission = Perm::Admin)]
async fn permission(user: CurrentUser<User>) -> String {
    body(&user.id)
}

/// A `check = ..` function: the user is active (always true for the benchmark user; the guard
/// already refused inactive users, so this stands for any cheap test of the user's fields).
fn is_active(user: &User) -> bool {
    user.active
}

/// The same route behind a `check = ..` function instead of a permission.
#[get("/check")]
#[login_required(check = is_active)]
async fn check(user: CurrentUser<User>) -> String {
    body(&user.id)
}

/// The same route for anybody, logged in or not (verifies the cookies without refusing).
#[get("/maybe")]
async fn maybe(user: MaybeUser<User>) -> String {
    body(user.get().map_or("anonymous", |u| u.id.as_str()))
}

/// Logs the benchmark user in (`?remember=1` also sets the remember cookie).
#[get("/login")]
async fn login(
    login: LoginSession<User>,
    query: web::Query<HashMap<String, String>>,
) -> actix_web::Result<HttpResponse> {
    let Some(user) = find_user(BENCH_USER) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let remember = query.get("remember").is_some_and(|v| v == "1");
    login.login_user(&user).remember(remember).await?;
    Ok(HttpResponse::Ok().body("logged in"))
}

/// Registers `/bare`, `/guarded`, `/maybe` and `/login`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bare).service(guarded).service(maybe).service(login);
}

/// Registers `/bare`, `/permission` and `/login`: `/permission` in the place `/guarded` has in
/// [`routes`], so both are reached by the same routing work.
pub fn permission_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bare).service(permission).service(login);
}

/// Registers `/bare`, `/check` and `/login` (`/check` in the place of `/guarded`).
pub fn check_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bare).service(check).service(login);
}

/// A user that keeps its permissions on itself (`#[user(permissions)]`): [`User`]'s fields plus
/// the set, so loading the user brings the permissions with it.
#[derive(Clone, Debug, UserMixin)]
pub struct Member {
    /// The login name, used as the user id.
    pub id: String,
    /// Inactive users count as anonymous.
    #[user(active)]
    pub active: bool,
    /// The permissions, read by `#[login_required(permission = ..)]` without a loader call.
    #[user(permissions)]
    pub permissions: HashSet<Perm>,
}

/// The member table: the same ids as the user table, each with the same two permissions.
static MEMBERS: LazyLock<HashMap<String, Member>> = LazyLock::new(|| {
    USERS
        .keys()
        .map(|id| {
            let member = Member {
                id: id.clone(),
                active: true,
                permissions: granted(),
            };
            (id.clone(), member)
        })
        .collect()
});

/// Looks a member up (a clone of the row, set included, as a database would return it).
pub fn find_member(id: &str) -> Option<Member> {
    MEMBERS.get(id).cloned()
}

/// The user loader of [`Member`].
#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    find_member(&id)
}

/// The benchmark manager for [`Member`]: the same settings as [`manager`].
pub fn member_manager() -> LoginManager<Member> {
    manager_for()
}

/// `/guarded` for a [`Member`]: the login check only, the set in the user row unread.
#[get("/guarded")]
#[login_required]
async fn member_guarded(user: CurrentUser<Member>) -> String {
    body(&user.id)
}

/// `/permission` for a [`Member`]: `Perm::Admin` looked up in the user's own field.
#[get("/permission")]
#[login_required(permission = Perm::Admin)]
async fn member_permission(user: CurrentUser<Member>) -> String {
    body(&user.id)
}

/// Logs the benchmark member in.
#[get("/login")]
async fn member_login(session: LoginSession<Member>) -> actix_web::Result<HttpResponse> {
    let Some(member) = find_member(BENCH_USER) else {
        return Ok(HttpResponse::NotFound().finish());
    };
    session.login_user(&member).await?;
    Ok(HttpResponse::Ok().body("logged in"))
}

/// Registers `/bare`, `/guarded` and `/login` for [`Member`] (the layout of [`routes`]).
pub fn member_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bare).service(member_guarded).service(member_login);
}

/// Registers `/bare`, `/permission` and `/login` for [`Member`] (the layout of [`routes`]).
pub fn member_permission_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(bare).service(member_permission).service(member_login);
}

/// The cookies a response sets, by name and value.
pub fn set_cookies<B>(res: &ServiceResponse<B>) -> Vec<Cookie<'static>> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| Cookie::parse_encoded(v.to_owned()).ok())
        .map(|c| Cookie::new(c.name().to_owned(), c.value().to_owned()))
        .collect()
}

/// The client address of every benchmark request (a real server always knows the peer, and the
/// session fingerprint hashes it).
pub const PEER: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 40_000);

/// A `GET uri` test request from the benchmark client, carrying `cookie` as its `Cookie` header.
pub fn request(uri: &str, cookie: Option<&HeaderValue>) -> TestRequest {
    let req = TestRequest::get()
        .uri(uri)
        .peer_addr(PEER)
        .insert_header((header::USER_AGENT, USER_AGENT));
    match cookie {
        Some(cookie) => req.insert_header((header::COOKIE, cookie.clone())),
        None => req,
    }
}

/// One `Cookie` header value carrying `cookies` (name and value only, as a browser sends them).
pub fn cookie_header(cookies: &[Cookie<'static>]) -> HeaderValue {
    let joined = cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    // Cookie names and values we set are visible ASCII; an empty header is the fallback.
    HeaderValue::from_str(&joined).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Logs in through `/login` on `app` (with or without remember me) and returns the cookies it
/// set: a session cookie already bound to the benchmark client, so later requests that send it
/// change nothing and get no `Set-Cookie` back.
pub async fn log_in<S, B>(app: &S, remember: bool) -> Vec<Cookie<'static>>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let uri = if remember { "/login?remember=1" } else { "/login" };
    match app.call(request(uri, None).to_request()).await {
        Ok(res) => set_cookies(&res),
        Err(_) => Vec::new(),
    }
}
