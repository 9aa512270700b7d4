//! A complete web application built on `login-runtime`, the way Flask-Login tutorials build
//! theirs: registration, login with "remember me", logout, a profile page, a settings page that
//! asks for a fresh login, re-authentication, an "Active sessions" page that lists the user's
//! logins on every device and logs any of them out, flashed messages, CSRF-protected forms, and
//! a JSON API authenticated by bearer tokens, and an administrators' page guarded by a
//! permission. Users live in SQLite (sqlx), passwords are hashed with Argon2id, pages are
//! minijinja templates.
//!
//! Logins are kept server-side, in the same SQLite database (table `login_sessions`), by
//! [`session_store::SqliteSessionStore`]: an implementation of `login-runtime`'s public
//! `SessionStore` trait written in this app, the way you would write one for your own database.
//! The `session` cookie holds only a signed random id, so logging out, changing the password or
//! revoking a device ends that login on the server at once. With a database file
//! (`DATABASE_URL=sqlite://app.db`) and a fixed `SECRET_KEY`, logins survive a restart.
//!
//! Run it with `cargo run -p login-example-app` and open <http://127.0.0.1:8000/>.
//!
//! Administrators see `GET /admin`, the list of accounts; everyone else who is logged in gets a
//! 403 page there. Nobody is an administrator until the operator says so on the command line,
//! `login-example-app grant-admin NAME` with `DATABASE_URL` set to the server's database file
//! (never from the web, nor by being the first to register: see [`permissions`]).
//!
//! The modules are meant to be copied:
//!
//! | module | what it does |
//! |---|---|
//! | `main.rs` | reads the environment, starts the server |
//! | [`db`] | the pool, the migrations, the `User` model and its queries |
//! | [`session_store`] | the server-side logins in SQLite, behind `login-runtime`'s `SessionStore` |
//! | [`auth`] | the user and request loaders, Argon2 hashing, input rules, API tokens |
//! | [`permissions`] | the `Perm` enum and the permission loader, reading the database |
//! | [`admin`] | the admin page and the 403 page |
//! | [`cli`] | the command line: `grant-admin`, `revoke-admin`, `admins` |
//! | [`csrf`] | the signed double-submit CSRF token |
//! | [`flash`] | flashed messages: `actix-web-flash-messages` in a signed cookie, and its cookie's flags |
//! | [`render`] | the templates and the `Page` extractor |
//! | [`devices`] | how the "Active sessions" page names a device and shows its times |
//! | [`routes`] | the handlers |

pub mod admin;
pub mod auth;
pub mod cli;
pub mod csrf;
pub mod db;
pub mod devices;
pub mod flash;
pub mod permissions;
pub mod render;
pub mod routes;
pub mod session_store;

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use hmac::{Hmac, Mac};
use login_runtime::{BodyDeadline, LoginManager};
use sha2::Sha256;

use crate::csrf::CsrfConfig;
use crate::db::{Db, User};
use crate::flash::FlashCookie;
use crate::render::Templates;
use crate::session_store::SqliteSessionStore;

/// Where the app listens and what it connects to.
#[derive(Clone)]
pub struct Config {
    /// The SQLite database: `sqlite::memory:` (the default; gone when the app stops) or a file
    /// such as `sqlite://app.db`.
    pub database_url: String,
    /// The key that signs cookies and CSRF tokens; at least 32 bytes.
    pub secret_key: Vec<u8>,
    /// Whether cookies get the `Secure` flag (sent over HTTPS only). Keep it on in production;
    /// it must be off to log in over plain `http://`, as on a development machine.
    pub secure_cookies: bool,
    /// The address to listen on.
    pub host: String,
    /// The port to listen on; 0 picks a free one.
    pub port: u16,
    /// Worker threads; `None` for one per CPU core.
    pub workers: Option<usize>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_url)
            .field("secret_key", &"<hidden>")
            .field("secure_cookies", &self.secure_cookies)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("workers", &self.workers)
            .finish()
    }
}

impl Config {
    /// Reads `DATABASE_URL`, `SECRET_KEY`, `SECURE_COOKIES`, `HOST` and `PORT` through `var`
    /// (the process environment in `main`, a closure in tests). Returns the configuration and
    /// warnings to print.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<(Config, Vec<String>), String> {
        let mut warnings = Vec::new();
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            warnings.push(
                "DATABASE_URL is not set: using an in-memory database, emptied at exit \
                 (set DATABASE_URL=sqlite://app.db to keep the data)"
                    .to_owned(),
            );
            "sqlite::memory:".to_owned()
        });
        let secret_key = match var("SECRET_KEY") {
            Some(key) => key.into_bytes(),
            None => {
                let mut key = vec![0; 32];
                getrandom::fill(&mut key).map_err(|e| format!("could not generate a SECRET_KEY: {e}"))?;
                warnings.push(
                    "SECRET_KEY is not set: using a random key, so logins end when the app restarts"
                        .to_owned(),
                );
                key
            }
        };
        let host = var("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
        let port = match var("PORT") {
            Some(p) => p
                .parse()
                .map_err(|_| format!("PORT `{p}` is not a port number: use a number from 0 to 65535"))?,
            None => 8000,
        };
        // Browsers ignore `Secure` cookies on plain http, so a login over http://127.0.0.1 would
        // never stick. Default to `Secure` everywhere except loopback, where the app serves plain
        // http for development; behind HTTPS in production, it is on.
        let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1");
        let secure_cookies = match var("SECURE_COOKIES").as_deref().map(str::trim) {
            None | Some("") if !loopback => {
                warnings.push(format!(
                    "HOST is `{host}` and SECURE_COOKIES is not set, so cookies are `Secure`: \
                     browsers keep them only over HTTPS, and forms sent over plain http will \
                     be refused. Serve the app behind HTTPS, or set SECURE_COOKIES=false to \
                     try it over http"
                ));
                true
            }
            None | Some("") => false,
            Some("1" | "true" | "on" | "yes") => true,
            Some("0" | "false" | "off" | "no") => false,
            Some(other) => return Err(format!("SECURE_COOKIES `{other}` is not `true` or `false`")),
        };
        Ok((
            Config {
                database_url,
                secret_key,
                secure_cookies,
                host,
                port,
                workers: None,
            },
            warnings,
        ))
    }
}

/// Serves `HEAD` like `GET`, as Flask does (health checks and uptime monitors send `HEAD`).
/// actix-web routes `#[get]` handlers for `GET` only; the HTTP/1 codec already knows the request
/// was `HEAD` and sends the headers without the body.
async fn head_as_get(
    mut req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

/// Why the app could not start.
#[derive(Debug)]
pub struct StartError(String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Everything the app shares between workers, built once at start-up.
#[derive(Clone)]
pub struct Shared {
    manager: LoginManager<User>,
    db: web::Data<Db>,
    templates: web::Data<Templates>,
    csrf: web::Data<CsrfConfig>,
    flash: actix_web_flash_messages::FlashMessagesFramework,
    flash_cookie: web::Data<FlashCookie>,
    dummy_hash: web::Data<routes::DummyHash>,
    body_timeout: Duration,
}

/// How long a request body may take to arrive once its head has, unless
/// [`Shared::with_body_timeout`] says otherwise. The app's forms are a few hundred bytes, so
/// ten seconds is generous; a client still sending after that gets 408 and is disconnected.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

impl Shared {
    /// The database, for tests and tools that run beside the app.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Bounds how long a request body may take to arrive ([`DEFAULT_BODY_TIMEOUT`] unless set):
    /// past it, the request is answered `408 Request Timeout` and its connection closed.
    pub fn with_body_timeout(mut self, limit: Duration) -> Shared {
        self.body_timeout = limit;
        self
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("manager", &self.manager)
            .finish_non_exhaustive()
    }
}

/// A key for one purpose, derived from the secret key, so the CSRF and flash signatures can
/// never be confused with each other or with the login cookies.
fn derive_key(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(b"login-example-app\0");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The flash cookie's key: `cookie::Key` takes 64 bytes (signing and encryption halves), both
/// derived from the secret key for this purpose alone.
fn flash_key(secret: &[u8]) -> [u8; 64] {
    let mut key = [0; 64];
    key[..32].copy_from_slice(&derive_key(secret, "flash-signing"));
    key[32..].copy_from_slice(&derive_key(secret, "flash-encryption"));
    key
}

/// The login manager of the app, keeping its logins in `db` (table `login_sessions`).
pub fn login_manager(config: &Config, db: &Db) -> Result<LoginManager<User>, login_runtime::ConfigError> {
    LoginManager::<User>::builder(&config.secret_key)
        .session_store(SqliteSessionStore::new(db.pool().clone()))
        .login_view("/login")
        .refresh_view("/reauth")
        // Off only for plain http (see `Config::secure_cookies`).
        .secure_cookies(config.secure_cookies)
        .request_loader(auth::bearer_token)
        .www_authenticate(r#"Bearer realm="login-example-app""#)
        .login_message(Some("Please log in to access this page."), "info")
        .refresh_message(Some("Please confirm your password to continue."), "info")
        // The two messages above arrive as flashes (level `info`), like the app's own.
        .flash_messages()
        // A logged-in user without a route's permission: the app's 403 page, whose header
        // needs the user the guard refused.
        .forbidden_handler(admin::forbidden)
        .on_event(admin::keep_refused_user)
        .build()
}

/// Connects to the database, applies the migrations, compiles the templates and builds the
/// login manager.
pub async fn prepare(config: &Config) -> Result<Shared, StartError> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| StartError(format!("DATABASE_URL `{}`: {e}", config.database_url)))?;
    let manager = login_manager(config, &db).map_err(|e| StartError(format!("SECRET_KEY: {e}")))?;
    let templates = Templates::new().map_err(|e| StartError(format!("templates: {e}")))?;
    let dummy_hash = auth::hash_password("not a real password".to_owned())
        .await
        .map_err(|e| StartError(e.to_string()))?;
    Ok(Shared {
        manager,
        db: web::Data::new(db),
        templates: web::Data::new(templates),
        csrf: web::Data::new(CsrfConfig::new(
            derive_key(&config.secret_key, "csrf"),
            config.secure_cookies,
        )),
        flash: flash::framework(flash_key(&config.secret_key)),
        flash_cookie: web::Data::new(FlashCookie {
            secure: config.secure_cookies,
        }),
        dummy_hash: web::Data::new(routes::DummyHash(dummy_hash)),
        body_timeout: DEFAULT_BODY_TIMEOUT,
    })
}

/// The application: middleware, shared data and routes. Used by [`build`] and by tests that
/// drive it in-process.
pub fn app(
    shared: Shared,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_timeout = shared.body_timeout;
    App::new()
        .app_data(shared.db)
        .app_data(shared.templates)
        .app_data(shared.csrf)
        .app_data(shared.flash_cookie)
        .app_data(shared.dummy_hash)
        .app_data(routes::form_config())
        .wrap(shared.manager)
        // Every page is about the logged-in user (and one shows a new API token): never keep
        // one in a browser or proxy cache, where Back after logout would show it again.
        .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
        // Outside the manager, whose login and refresh messages it carries.
        .wrap(shared.flash)
        .wrap(from_fn(flash::tidy_cookie))
        .wrap(from_fn(csrf::middleware))
        .wrap(from_fn(head_as_get))
        // Outermost: the body's clock starts before the CSRF check or a handler reads it.
        // actix-web bounds the request head (5 s) but not the body.
        .wrap(BodyDeadline::new(body_timeout))
        .configure(routes::configure)
}

/// A server bound to its address, not yet running: `.await` (or spawn) `server`.
pub struct Running {
    /// The server future; it also gives a handle to stop it.
    pub server: Server,
    /// The address it listens on (with the real port when 0 was asked).
    pub addr: SocketAddr,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Prepares the app and binds the server to `config.host:config.port`.
pub async fn build(config: Config) -> Result<Running, StartError> {
    let shared = prepare(&config).await?;
    serve(&config, shared)
}

/// Binds the server for an app already prepared (by [`prepare`], perhaps adjusted) to
/// `config.host:config.port`.
pub fn serve(config: &Config, shared: Shared) -> Result<Running, StartError> {
    let mut server = HttpServer::new(move || app(shared.clone()));
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    let server = server
        .bind((config.host.as_str(), config.port))
        .map_err(|e| StartError(format!("cannot listen on {}:{}: {e}", config.host, config.port)))?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| StartError(format!("{}:{} resolved to no address", config.host, config.port)))?;
    Ok(Running {
        server: server.run(),
        addr,
    })
}
