//! The quickstart: Flask-Login's basic example, ported to actix-web and grown just enough to
//! show every capability of `login-runtime`. Its routes, fields, cookies and environment are a
//! contract, summarised in the README ("What the quickstart serves") and checked line by line by
//! `tests/tests/quickstart_contract.rs`.
//!
//! Run it with `cargo run --release --example quickstart`, then open <http://127.0.0.1:8080/>
//! and log in as `leafstorm` / `secret`.
//!
//! The integration tests include this file as a module and drive [`app`] and [`manager`] over
//! actix's test server, so every route below is checked against the contract.

use std::fmt::Write as _;
use std::sync::LazyLock;
use std::time::Duration;

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, post, web};
use base64::Engine as _;
use login_runtime::store::{MemoryStore, RedisStore, SessionStore};
use login_runtime::{
    BodyDeadline, CurrentUser, LoaderError, LoginManager, LoginManagerBuilder, LoginSession, MaybeUser,
    RefusalContext, SessionHandle, SessionProtection, StoreErrorKind, UserMixin, fresh_login_required,
    login_required, parse_duration, request_loader, user_loader,
};
use serde::Deserialize;
use subtle::ConstantTimeEq;

/// A user of the demo. The password is plain text because this is demo data; a real
/// application stores a hash (see the `auth_hash` note below).
#[derive(Clone, Debug, UserMixin)]
pub struct User {
    /// The login name, used as the user id.
    pub id: String,
    /// Inactive users cannot log in.
    #[user(active)]
    pub active: bool,
    /// Changing it ends every session and remember cookie of the user.
    #[user(auth_hash)]
    pub password: String,
    /// What the user may do beyond logging in (`admin` opens `/admin`), checked by
    /// `#[login_required(permission = "admin")]`.
    #[user(permissions)]
    pub permissions: &'static [&'static str],
}

/// The three users of the contract.
pub static USERS: LazyLock<Vec<User>> = LazyLock::new(|| {
    const ADMIN: &[&str] = &["admin"];
    [
        ("leafstorm", true, ADMIN),
        ("佐藤", true, &[][..]),
        ("creeper", false, &[][..]),
    ]
    .into_iter()
    .map(|(id, active, permissions)| User {
        id: id.to_owned(),
        active,
        password: "secret".to_owned(),
        permissions,
    })
    .collect()
});

fn find_user(id: &str) -> Option<User> {
    USERS.iter().find(|u| u.id == id).cloned()
}

/// Checks a password in constant time.
fn password_matches(user: &User, password: &str) -> bool {
    user.password.as_bytes().ct_eq(password.as_bytes()).into()
}

/// Loads a user from the id kept in the session or the remember cookie.
#[user_loader]
async fn load_user(id: String) -> Option<User> {
    find_user(&id)
}

/// Loads a user from HTTP Basic credentials (`Authorization: Basic base64(login:password)`).
#[request_loader]
async fn basic_auth(req: HttpRequest) -> Option<User> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (name, password) = decoded.split_once(':')?;
    let user = find_user(name)?;
    (user.active && password_matches(&user, password)).then_some(user)
}

/// The settings read from the environment.
#[derive(Debug)]
pub struct Settings {
    /// `HOST`.
    pub host: String,
    /// `PORT`.
    pub port: u16,
    /// `SECRET_KEY`, or a random key.
    pub secret_key: Vec<u8>,
    /// Whether the key was generated because `SECRET_KEY` was not set.
    pub random_key: bool,
    /// `SECRET_KEY_FALLBACKS`.
    pub fallback_keys: Vec<String>,
    /// `SESSION_PROTECTION`.
    pub protection: SessionProtection,
    /// `REMEMBER_COOKIE_DURATION`.
    pub remember_duration: Duration,
    /// `SESSION_STORE`.
    pub store: StoreChoice,
    /// `BODY_TIMEOUT`: how long a request body may take to arrive (10 s by default).
    pub body_timeout: Duration,
}

/// How long a request body may take to arrive once its head has (`BODY_TIMEOUT`'s default):
/// a login form is a few hundred bytes, so ten seconds is generous even on a poor link.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Where logins live (`SESSION_STORE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreChoice {
    /// `cookie`: stateless signed cookies, nothing on the server.
    Cookie,
    /// `memory`: server-side, in this process.
    Memory,
    /// `redis://host:port[/db]`: server-side, in Redis, shared by every process with the URL.
    Redis(String),
}

impl std::str::FromStr for StoreChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "cookie" => Ok(StoreChoice::Cookie),
            "memory" => Ok(StoreChoice::Memory),
            url if url.starts_with("redis://") => Ok(StoreChoice::Redis(url.to_owned())),
            other => Err(format!(
                "SESSION_STORE `{}` is not a store: use `cookie` (the default), `memory`, or a `redis://host:port[/db]` URL",
                other.escape_debug()
            )),
        }
    }
}

impl Settings {
    /// Reads the settings through `var` ([`env_var`] in `main`, a map in tests); an error from
    /// `var` ends the reading.
    pub fn from_vars(var: impl Fn(&str) -> Result<Option<String>, String>) -> Result<Settings, String> {
        let host = var("HOST")?.unwrap_or_else(|| "127.0.0.1".to_owned());
        let port = match var("PORT")? {
            Some(p) => p.parse().map_err(|_| {
                format!(
                    "PORT `{p}` is not a port number: use a number from 1 to 65535 (or 0 for any free port)"
                )
            })?,
            None => 8080,
        };
        let (secret_key, random_key) = match var("SECRET_KEY")? {
            Some(key) => (key.into_bytes(), false),
            None => {
                let mut key = vec![0; 32];
                getrandom::fill(&mut key)
                    .map_err(|e| format!("could not generate a random SECRET_KEY: {e}"))?;
                (key, true)
            }
        };
        let fallback_keys = var("SECRET_KEY_FALLBACKS")?
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let protection = match var("SESSION_PROTECTION")? {
            Some(mode) => mode.parse().map_err(|e| format!("SESSION_PROTECTION: {e}"))?,
            None => SessionProtection::Basic,
        };
        let remember_duration = match var("REMEMBER_COOKIE_DURATION")? {
            Some(d) => parse_duration(&d).map_err(|e| format!("REMEMBER_COOKIE_DURATION: {e}"))?,
            None => Duration::from_secs(365 * 86_400),
        };
        let store = match var("SESSION_STORE")? {
            Some(text) => text.parse()?,
            None => StoreChoice::Cookie,
        };
        let body_timeout = match var("BODY_TIMEOUT")? {
            Some(d) => match parse_duration(&d).map_err(|e| format!("BODY_TIMEOUT: {e}"))? {
                Duration::ZERO => {
                    return Err(
                        "BODY_TIMEOUT is 0, which would refuse every request body: give a duration such as `10s`"
                            .to_owned(),
                    );
                }
                d => d,
            },
            None => DEFAULT_BODY_TIMEOUT,
        };
        Ok(Settings {
            host,
            port,
            secret_key,
            random_key,
            fallback_keys,
            protection,
            remember_duration,
            store,
            body_timeout,
        })
    }
}

/// Reads one environment variable. A variable that is set but not UTF-8 is an error, not
/// "unset": read as unset, a mistyped `SECRET_KEY` would silently become a random key.
pub fn env_var(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(value)) => Err(format!(
            "{name} is set to {value:?}, which is not valid UTF-8: write it in UTF-8 or unset it"
        )),
    }
}

/// The login manager the quickstart runs with, on the store `SESSION_STORE` names.
pub fn manager(settings: &Settings) -> Result<LoginManager<User>, String> {
    match &settings.store {
        StoreChoice::Cookie => configure(LoginManager::<User>::builder(&settings.secret_key), settings),
        StoreChoice::Memory => manager_on(settings, MemoryStore::new()),
        StoreChoice::Redis(url) => {
            let store = RedisStore::new(url).map_err(|e| format!("SESSION_STORE: {e}"))?;
            manager_on(settings, store)
        }
    }
}

/// The quickstart's login manager on a given server-side store (the tests share one store
/// between several app servers, as several processes share one Redis).
pub fn manager_on(settings: &Settings, store: impl SessionStore) -> Result<LoginManager<User>, String> {
    configure(
        LoginManager::<User>::builder(&settings.secret_key).session_store(store),
        settings,
    )
}

/// The quickstart's settings on `builder`.
fn configure(builder: LoginManagerBuilder<User>, settings: &Settings) -> Result<LoginManager<User>, String> {
    builder
        .fallback_keys(&settings.fallback_keys)
        .login_view("/login")
        .refresh_view("/reauth")
        .session_protection(settings.protection)
        .remember_duration(settings.remember_duration)
        // Plain http on loopback: browsers drop Secure cookies there. Keep it on in production.
        .secure_cookies(false)
        .request_loader(basic_auth)
        .www_authenticate(r#"Basic realm="quickstart""#)
        .forbidden_handler(forbidden)
        .build()
        .map_err(|e| {
            if e.to_string().starts_with("the secret key") {
                format!("SECRET_KEY: {e}")
            } else if e.to_string().starts_with("fallback key") {
                format!("SECRET_KEY_FALLBACKS: {e}")
            } else {
                e.to_string()
            }
        })
}

/// Registers the quickstart's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(login_form)
        .service(login)
        .service(protected)
        .service(fresh)
        .service(reauth_form)
        .service(reauth)
        .service(logout)
        .service(api_me)
        .service(admin)
        .service(api_admin)
        .service(sessions)
        .service(revoke_sessions);
}

/// The quickstart application, as the tests build it: [`app_with_body_timeout`] with the
/// default deadline.
pub fn app(
    manager: LoginManager<User>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    app_with_body_timeout(manager, DEFAULT_BODY_TIMEOUT)
}

/// The quickstart application, as `main` builds it: a request body that has not arrived within
/// `body_timeout` of its head is answered 408 and its connection closed (actix-web itself
/// bounds only the head, with `client_request_timeout`), so slow clients cannot hold
/// connections open.
pub fn app_with_body_timeout(
    manager: LoginManager<User>,
    body_timeout: Duration,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(manager)
        // Last, so outermost: the body's clock starts before anything reads it.
        .wrap(BodyDeadline::new(body_timeout))
        .configure(routes)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A raw NUL or other control character is an HTML parse error.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n{body}\n</body></html>\n"
    )
}

fn html(status: actix_web::http::StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page(title, body))
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

#[get("/")]
async fn index(user: MaybeUser<User>) -> HttpResponse {
    let body = match user.get() {
        Some(user) => format!(
            "<p>Logged in as: {}</p>\n<p><a href=\"/protected\">Protected</a> · <a href=\"/fresh\">Fresh</a> · <a href=\"/logout\">Log out</a></p>",
            escape(&user.id)
        ),
        None => "<p>You are not logged in. <a href=\"/login\">Log in</a></p>".to_owned(),
    };
    html(actix_web::http::StatusCode::OK, "Quickstart", &body)
}

/// The first `next` of a query string; a repeated or malformed `next` still shows the form.
fn next_param(query: &web::Query<Vec<(String, String)>>) -> &str {
    query
        .iter()
        .find(|(name, _)| name == "next")
        .map_or("", |(_, value)| value.as_str())
}

fn login_page(status: actix_web::http::StatusCode, next: &str, error: Option<&str>) -> HttpResponse {
    let mut body = String::new();
    if let Some(error) = error {
        let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(error));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/login\">\n\
         <label>Login <input name=\"email\" autocomplete=\"username\"></label>\n\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         <label><input name=\"remember\" type=\"checkbox\"> Remember me</label>\n\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\n\
         <button type=\"submit\">Log in</button>\n</form>",
        escape(next)
    );
    html(status, "Log in", &body)
}

#[get("/login")]
async fn login_form(query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    login_page(actix_web::http::StatusCode::OK, next_param(&query), None)
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    remember: Option<String>,
    next: Option<String>,
}

#[post("/login")]
async fn login(form: web::Form<LoginForm>, session: LoginSession<User>) -> actix_web::Result<HttpResponse> {
    let next = form.next.as_deref().unwrap_or("");
    let Some(user) = find_user(&form.email).filter(|u| password_matches(u, &form.password)) else {
        return Ok(login_page(
            actix_web::http::StatusCode::UNAUTHORIZED,
            next,
            Some("Wrong login or password."),
        ));
    };
    if !user.active {
        return Ok(login_page(
            actix_web::http::StatusCode::FORBIDDEN,
            next,
            Some("This account is inactive."),
        ));
    }
    let remember = form.remember.as_deref() == Some("on");
    session.login_user(&user).remember(remember).await?;
    let target = session
        .safe_next(Some(next))
        .unwrap_or_else(|| "/protected".to_owned());
    Ok(redirect(&target))
}

#[get("/protected")]
#[login_required]
async fn protected(user: CurrentUser<User>) -> HttpResponse {
    let body = format!(
        "<p>Logged in as: {}</p>\n<p><a href=\"/logout\">Log out</a></p>",
        escape(&user.id)
    );
    html(actix_web::http::StatusCode::OK, "Protected", &body)
}

#[get("/fresh")]
#[fresh_login_required]
async fn fresh(user: CurrentUser<User>) -> HttpResponse {
    let body = format!("<p>Fresh login: {}</p>", escape(&user.id));
    html(actix_web::http::StatusCode::OK, "Fresh", &body)
}

fn reauth_page(status: actix_web::http::StatusCode, next: &str, error: Option<&str>) -> HttpResponse {
    let mut body = String::new();
    if let Some(error) = error {
        let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(error));
    }
    let _ = write!(
        body,
        "<p>Please confirm your password to continue.</p>\n\
         <form method=\"post\" action=\"/reauth\">\n\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\n\
         <input type=\"hidden\" name=\"next\" value=\"{}\">\n\
         <button type=\"submit\">Confirm</button>\n</form>",
        escape(next)
    );
    html(status, "Confirm your password", &body)
}

#[get("/reauth")]
#[login_required]
async fn reauth_form(query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    reauth_page(actix_web::http::StatusCode::OK, next_param(&query), None)
}

#[derive(Deserialize)]
struct ReauthForm {
    password: String,
    next: Option<String>,
}

#[post("/reauth")]
#[login_required]
async fn reauth(
    form: web::Form<ReauthForm>,
    user: CurrentUser<User>,
    session: LoginSession<User>,
) -> actix_web::Result<HttpResponse> {
    let next = form.next.as_deref().unwrap_or("");
    if !password_matches(&user, &form.password) {
        return Ok(reauth_page(
            actix_web::http::StatusCode::UNAUTHORIZED,
            next,
            Some("Wrong password."),
        ));
    }
    session.confirm_login().await?;
    let target = session
        .safe_next(Some(next))
        .unwrap_or_else(|| "/protected".to_owned());
    Ok(redirect(&target))
}

#[get("/logout")]
async fn logout(session: LoginSession<User>) -> HttpResponse {
    session.logout_user().await;
    html(
        actix_web::http::StatusCode::OK,
        "Logged out",
        "<p>Logged out. <a href=\"/login\">Log in again</a></p>",
    )
}

#[derive(serde::Serialize)]
struct Me<'a> {
    id: &'a str,
}

#[get("/api/me")]
#[login_required(json)]
async fn api_me(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().json(Me { id: &user.id })
}

/// The 403 of a logged-in user without the permission: JSON on JSON routes (the library's own
/// answer), an HTML page elsewhere. Never a redirect to the login page, and the user stays
/// logged in.
fn forbidden(_req: &HttpRequest, refusal: &RefusalContext) -> HttpResponse {
    if refusal.flavour() == login_runtime::guard::Flavour::Json {
        return json_error(
            actix_web::http::StatusCode::FORBIDDEN,
            "forbidden",
            "This needs the admin permission.",
        );
    }
    html(
        actix_web::http::StatusCode::FORBIDDEN,
        "Forbidden",
        "<p>You do not have the <code>admin</code> permission.</p>",
    )
}

#[get("/admin")]
#[login_required(permission = "admin")]
async fn admin(user: CurrentUser<User>) -> HttpResponse {
    let body = format!("<p>Admin: {}</p>", escape(&user.id));
    html(actix_web::http::StatusCode::OK, "Admin", &body)
}

/// A JSON error answer: `{"error": "<code>", "message": "<text>"}`.
fn json_error(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "error": code, "message": message }))
}

#[get("/api/admin")]
#[login_required(json, permission = "admin")]
async fn api_admin(user: CurrentUser<User>) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "id": user.id, "admin": true }))
}

/// The answer to a failed session-list call: 501 without a server-side store, else the
/// error's own answer (503 while the store is down).
fn sessions_error(err: LoaderError) -> HttpResponse {
    match err.store_error().map(|e| e.kind()) {
        Some(StoreErrorKind::Unsupported) => json_error(
            actix_web::http::StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            "Listing and revoking sessions needs a server-side store: start with SESSION_STORE=memory or SESSION_STORE=redis://...",
        ),
        Some(_) => json_error(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "Logins cannot be checked right now; try again in a moment.",
        ),
        None => actix_web::ResponseError::error_response(&err),
    }
}

#[get("/sessions")]
#[login_required(json)]
async fn sessions(session: LoginSession<User>) -> HttpResponse {
    match session.live_sessions().await {
        Ok(list) => {
            let list: Vec<_> = list
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.handle.to_string(),
                        "current": s.current,
                        "created_at": s.created_at,
                        "last_seen": s.last_seen,
                        "user_agent": s.user_agent,
                        "remembered": s.remembered,
                    })
                })
                .collect();
            HttpResponse::Ok().json(serde_json::json!({ "sessions": list }))
        }
        Err(err) => sessions_error(err),
    }
}

#[derive(Deserialize)]
struct RevokeForm {
    id: String,
}

#[post("/sessions/revoke")]
#[login_required(json)]
async fn revoke_sessions(form: web::Form<RevokeForm>, session: LoginSession<User>) -> HttpResponse {
    let revoked = if form.id == "others" {
        session.revoke_other_sessions().await
    } else {
        let Ok(handle) = form.id.parse::<SessionHandle>() else {
            return json_error(
                actix_web::http::StatusCode::NOT_FOUND,
                "not_found",
                "No such session: `id` is a handle from GET /sessions, or `others`.",
            );
        };
        session.revoke_session(&handle).await.map(usize::from)
    };
    match revoked {
        Ok(0) if form.id != "others" => json_error(
            actix_web::http::StatusCode::NOT_FOUND,
            "not_found",
            "No such session among your live logins.",
        ),
        Ok(n) => HttpResponse::Ok().json(serde_json::json!({ "revoked": n })),
        Err(err) => sessions_error(err),
    }
}

/// A warning when the Redis server of `url` does not accept a connection right now: the
/// quickstart still starts and serves as soon as Redis answers (requests that need the login
/// state answer 503 until then).
fn redis_unreachable(url: &str) -> Option<String> {
    use std::net::ToSocketAddrs as _;
    let store = RedisStore::new(url).ok()?;
    let address = store.address();
    let reachable = address
        .to_socket_addrs()
        .ok()
        .into_iter()
        .flatten()
        .any(|addr| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok());
    (!reachable).then(|| {
        format!(
            "Redis at {address} is not reachable yet; serving anyway, and logins work as soon as it answers (until then, pages that need the login state answer 503)"
        )
    })
}

#[allow(dead_code)]
#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let settings = match Settings::from_vars(env_var) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("quickstart: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let manager = match manager(&settings) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("quickstart: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if settings.random_key {
        eprintln!(
            "quickstart: warning: SECRET_KEY is not set; using a random key, so sessions will not survive a restart"
        );
    }
    if let StoreChoice::Redis(url) = &settings.store
        && let Some(warning) = redis_unreachable(url)
    {
        eprintln!("quickstart: warning: {warning}");
    }
    let body_timeout = settings.body_timeout;
    let server = match HttpServer::new(move || app_with_body_timeout(manager.clone(), body_timeout))
        .bind((settings.host.as_str(), settings.port))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "quickstart: cannot listen on {}:{}: {e}",
                settings.host, settings.port
            );
            return std::process::ExitCode::from(2);
        }
    };
    let host = if settings.host.contains(':') {
        format!("[{}]", settings.host)
    } else {
        settings.host.clone()
    };
    // With `PORT=0` the system picks a free port: print the one actually bound.
    let port = server.addrs().first().map_or(settings.port, |a| a.port());
    println!("quickstart: serving on http://{host}:{port}/");
    match server.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart: server error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
