//! The example app driven in-process (no browser): bad input, CSRF, `next`, the API token,
//! re-authentication, password changes, the "Active sessions" page over the app's SQLite
//! session store, and the administrators' page with its 403 and the command line that names
//! administrators. Each test starts the app on its own in-memory database (but those that need
//! a database file: a restart, the command line).
//!
//! This file holds the client and the helpers; the tests are in `http/`, one file per part of
//! the app.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};
use login_example_app::{Config, app, prepare};
use login_runtime::test::TestClient;

const PASSWORD: &str = "correct horse battery";

/// Form fields of one request.
type Fields<'a> = &'a [(&'a str, &'a str)];

fn config() -> Config {
    Config {
        database_url: "sqlite::memory:".to_owned(),
        secret_key: b"a test key that is at least thirty-two bytes".to_vec(),
        // The in-process test speaks plain http, like a browser on 127.0.0.1.
        secure_cookies: false,
        host: "127.0.0.1".to_owned(),
        port: 0,
        workers: Some(1),
    }
}

/// What one response looked like.
struct Reply {
    status: StatusCode,
    location: Option<String>,
    cache_control: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

/// A browser-like client: keeps cookies (in the library's `TestClient`, an RFC 6265 jar),
/// reads the CSRF token off the last page.
struct Browser {
    jar: TestClient,
    csrf: String,
    user_agent: Option<&'static str>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            jar: TestClient::new(),
            csrf: String::new(),
            user_agent: None,
        }
    }

    /// A browser that sends this `User-Agent`.
    fn with_agent(user_agent: &'static str) -> Self {
        Browser {
            user_agent: Some(user_agent),
            ..Browser::new()
        }
    }

    async fn send<S, B>(&mut self, app: &S, req: TestRequest) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let mut req = req;
        if let Some(agent) = self.user_agent {
            req = req.insert_header((header::USER_AGENT, agent));
        }
        let res = self.jar.send(app, req).await;
        let body = res.text();
        if let Some(token) = body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        {
            self.csrf = token.to_owned();
        }
        Reply {
            status: res.status(),
            location: res.location().map(str::to_owned),
            cache_control: res.header("cache-control").map(str::to_owned),
            set_cookies: res.set_cookies().iter().map(|c| c.name().to_owned()).collect(),
            body,
        }
    }

    async fn get<S, B>(&mut self, app: &S, uri: &str) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.send(app, TestRequest::get().uri(uri)).await
    }

    /// Posts `fields` plus this browser's CSRF token.
    async fn post<S, B>(&mut self, app: &S, uri: &str, fields: &[(&str, &str)]) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let mut all = vec![("csrf_token", self.csrf.clone())];
        all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.send(app, TestRequest::post().uri(uri).set_form(all)).await
    }

    async fn register<S, B>(&mut self, app: &S, username: &str, password: &str) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.get(app, "/register").await;
        self.post(
            app,
            "/register",
            &[
                ("username", username),
                ("password", password),
                ("confirm", password),
            ],
        )
        .await
    }

    async fn login<S, B>(&mut self, app: &S, username: &str, password: &str, remember: bool) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.login_next(app, username, password, remember, None).await
    }

    /// Logs in from the login page, posting `next` when given.
    async fn login_next<S, B>(
        &mut self,
        app: &S,
        username: &str,
        password: &str,
        remember: bool,
        next: Option<&str>,
    ) -> Reply
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.get(app, "/login").await;
        let mut fields = vec![("username", username), ("password", password)];
        if remember {
            fields.push(("remember", "on"));
        }
        if let Some(next) = next {
            fields.push(("next", next));
        }
        self.post(app, "/login", &fields).await
    }
}

macro_rules! start {
    () => {
        start!(config())
    };
    ($config:expr) => {{
        let shared = prepare(&$config).await.expect("the app starts");
        test::init_service(app(shared)).await
    }};
}

#[path = "http/account.rs"]
mod account;
#[path = "http/admin.rs"]
mod admin;
#[path = "http/flash_cookie.rs"]
mod flash_cookie;
#[path = "http/forms.rs"]
mod forms;
#[path = "http/sessions.rs"]
mod sessions;
#[path = "http/slow_bodies.rs"]
mod slow_bodies;

const LAPTOP: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                     (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// One row of the "Active sessions" page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Device {
    handle: String,
    current: bool,
    remembered: bool,
    user_agent: String,
}

/// The rows of an "Active sessions" page.
fn devices(body: &str) -> Vec<Device> {
    body.split("<tr class=\"session")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or_default();
            let between = |start: &str, end: &str| {
                row.split(start)
                    .nth(1)
                    .and_then(|rest| rest.split(end).next())
                    .unwrap_or_default()
                    // minijinja escapes `/` (and `&`, `"`, ...); these pages need only `/` back.
                    .replace("&#x2f;", "/")
            };
            Device {
                handle: between("data-handle=\"", "\""),
                current: row.starts_with(" current\""),
                remembered: row.contains("badge stale remembered"),
                user_agent: between("<div class=\"muted ua\">", "</div>"),
            }
        })
        .collect()
}

/// The rows of this browser's "Active sessions" page, which must answer 200.
async fn sessions_of<S, B>(browser: &mut Browser, app: &S) -> Vec<Device>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let page = browser.get(app, "/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    devices(&page.body)
}

/// Checks that `browser` is logged out for good: its cookies are refused, and so is its
/// remember cookie alone, as after a browser restart.
async fn assert_logged_out<S, B>(browser: &mut Browser, app: &S, who: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = browser.get(app, "/profile").await;
    assert_eq!(reply.status, StatusCode::FOUND, "{who}");
    assert_eq!(reply.location.as_deref(), Some("/login?next=%2Fprofile"), "{who}");
    browser.jar.remove_cookie("session");
    let reply = browser.get(app, "/profile").await;
    assert_eq!(
        reply.status,
        StatusCode::FOUND,
        "{who}: the remember cookie is refused too"
    );
}

/// The handle of the row that is not `current`.
fn other_handle(list: &[Device]) -> String {
    let others: Vec<&Device> = list.iter().filter(|d| !d.current).collect();
    assert_eq!(others.len(), 1, "{list:?}");
    others[0].handle.clone()
}

#[test]
fn a_public_host_without_secure_cookies_set_warns_that_http_forms_will_fail() {
    let vars = |host: &'static str| {
        move |name: &str| match name {
            "HOST" => Some(host.to_owned()),
            "SECRET_KEY" => Some("k".repeat(32)),
            "DATABASE_URL" => Some("sqlite::memory:".to_owned()),
            _ => None,
        }
    };
    let (config, warnings) = Config::from_vars(vars("0.0.0.0")).unwrap();
    assert!(config.secure_cookies);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("SECURE_COOKIES is not set") && w.contains("SECURE_COOKIES=false")),
        "{warnings:?}"
    );
    let (config, warnings) = Config::from_vars(vars("127.0.0.1")).unwrap();
    assert!(!config.secure_cookies);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[actix_web::test]
async fn head_is_served_like_get() {
    let app = start!();
    let mut b = Browser::new();
    for path in ["/", "/healthz", "/login"] {
        let reply = b
            .send(
                &app,
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(path),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "HEAD {path}");
    }
    // A protected page answers HEAD as it answers GET: a redirect to log in.
    let reply = b
        .send(
            &app,
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri("/profile"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
}
