//! The example app driven in-process (no browser): bad input, CSRF, `next`, the API token,
//! re-authentication, password changes, and the "Active sessions" page over the app's SQLite
//! session store. Each test starts the app on its own in-memory database (but the one that
//! restarts the app on a database file).

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};
use login_example_app::{Config, app, prepare};

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

/// A browser-like client: keeps cookies, reads the CSRF token off the last page.
struct Browser {
    cookies: HashMap<String, String>,
    csrf: String,
    user_agent: Option<&'static str>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            cookies: HashMap::new(),
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
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.insert_header((header::COOKIE, jar.join("; ")));
        }
        if let Some(agent) = self.user_agent {
            req = req.insert_header((header::USER_AGENT, agent));
        }
        let res = test::call_service(app, req.to_request()).await;
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let cache_control = res
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut set_cookies = Vec::new();
        for cookie in res.response().cookies() {
            set_cookies.push(cookie.name().to_owned());
            let removed = cookie.max_age().is_some_and(|age| age.is_zero()) || cookie.value().is_empty();
            if removed {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let body = String::from_utf8_lossy(&test::read_body(res).await).into_owned();
        if let Some(token) = body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        {
            self.csrf = token.to_owned();
        }
        Reply {
            status,
            location,
            cache_control,
            set_cookies,
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
    browser.cookies.remove("session");
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

#[actix_web::test]
async fn bad_registrations_get_a_message_on_the_page_and_no_server_error() {
    let app = start!();
    let mut b = Browser::new();
    assert_eq!(
        b.register(&app, "alice", PASSWORD).await.location.as_deref(),
        Some("/login")
    );

    let cases: &[(Fields<'_>, StatusCode, &str)] = &[
        (&[], StatusCode::UNPROCESSABLE_ENTITY, "Choose a username."),
        (
            &[("username", "bob")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a password.",
        ),
        (
            &[("username", "bob"), ("password", "short"), ("confirm", "short")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least 8 characters",
        ),
        (
            &[
                ("username", "bob"),
                ("password", PASSWORD),
                ("confirm", "something else"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "do not match",
        ),
        (
            &[
                ("username", "<script>"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "may contain only",
        ),
        (
            &[
                ("username", "ALICE"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
            StatusCode::CONFLICT,
            "already taken",
        ),
    ];
    for (fields, status, message) in cases {
        b.get(&app, "/register").await;
        let reply = b.post(&app, "/register", fields).await;
        assert_eq!(reply.status, *status, "{fields:?}: {}", reply.body);
        assert!(reply.body.contains(message), "{fields:?} should say {message:?}");
        assert!(
            reply.body.contains("Create an account"),
            "the form is shown again"
        );
    }
    // The rejected username is shown back escaped, never as markup.
    b.get(&app, "/register").await;
    let reply = b
        .post(&app, "/register", &[("username", "<script>"), ("password", "x")])
        .await;
    assert!(!reply.body.contains("<script>") && reply.body.contains("&lt;script&gt;"));
}

#[actix_web::test]
async fn bad_logins_get_a_message_on_the_page() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;

    let reply = b.login(&app, "alice", "wrong password", false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Wrong username or password."));
    assert!(!reply.set_cookies.contains(&"session".to_owned()), "no login");

    let reply = b.login(&app, "nobody", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply.body.contains("Wrong username or password."),
        "unknown users look the same"
    );

    let reply = b.login(&app, "alice", "", false).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Enter your username and your password."));

    // A body that is not a form at all is a 400, not a 500.
    let reply = b
        .send(
            &app,
            TestRequest::post()
                .uri("/login")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{}"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("The form could not be read"),
        "{}",
        reply.body
    );

    let reply = b.get(&app, "/no/such/page").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("Page not found"));

    // The right password works, and usernames are case-insensitive.
    let reply = b.login(&app, "Alice", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/profile"));
}

#[actix_web::test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, false).await;
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    let good = b.csrf.clone();

    let routes = [
        "/register",
        "/login",
        "/logout",
        "/profile/token",
        "/profile/token/revoke",
        "/reauth",
        "/settings/password",
        "/account/sessions/revoke",
        "/account/sessions/revoke-others",
    ];
    for route in routes {
        for token in ["", "forged", &good[..good.len() - 1]] {
            let reply = b
                .send(
                    &app,
                    TestRequest::post().uri(route).set_form([
                        ("csrf_token", token),
                        ("username", "mallory"),
                        ("password", PASSWORD),
                        ("confirm", PASSWORD),
                    ]),
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{route} with token {token:?}"
            );
            assert!(reply.body.contains("This form has expired"));
        }
    }
    // The right token, but from a browser without the CSRF cookie (another site's form).
    let mut other = Browser::new();
    other.csrf = good.clone();
    let reply = other
        .post(
            &app,
            "/register",
            &[
                ("username", "mallory"),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Nothing happened: still logged in, and mallory does not exist.
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    let reply = Browser::new().login(&app, "mallory", PASSWORD, false).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn next_brings_the_user_back_but_only_within_the_site() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;

    let reply = b.get(&app, "/profile").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let to_login = reply.location.expect("redirected to the login page");
    assert!(to_login.starts_with("/login?next="), "{to_login}");
    let page = b.get(&app, &to_login).await;
    assert!(
        page.body.contains("Please log in to access this page."),
        "flashed"
    );
    // minijinja escapes `/` as `&#x2f;`; the browser reads it back as `/`.
    assert!(
        page.body.contains("name=\"next\" value=\"&#x2f;profile\""),
        "{}",
        page.body
    );
    let reply = b
        .login_next(&app, "alice", PASSWORD, false, Some("/profile"))
        .await;
    assert_eq!(reply.location.as_deref(), Some("/profile"));

    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ] {
        let mut b = Browser::new();
        let reply = b.login_next(&app, "alice", PASSWORD, false, Some(evil)).await;
        assert_eq!(
            reply.location.as_deref(),
            Some("/profile"),
            "{evil} is not followed"
        );
    }
}

#[actix_web::test]
async fn the_api_accepts_the_bearer_token_from_the_profile_page() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, false).await;
    b.get(&app, "/profile").await;
    let page = b.post(&app, "/profile/token", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = page
        .body
        .split("id=\"api-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new token is shown")
        .to_owned();
    assert!(token.len() >= 40, "{token}");
    // The page that shows the token says to copy it, and neither it nor a later page is cached.
    assert!(page.body.contains("Copy it now: it is shown only once."));
    assert_eq!(page.cache_control.as_deref(), Some("no-store"));
    let later = b.get(&app, "/profile").await;
    assert!(!later.body.contains("Copy it now"), "no stale message");
    assert!(!later.body.contains(&token), "the token is shown once");

    let api = |auth: String| {
        TestRequest::get()
            .uri("/api/me")
            .insert_header((header::AUTHORIZATION, auth))
    };
    let mut script = Browser::new();
    let reply = script.send(&app, api(format!("Bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let me: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(me["username"], "alice");
    // No cookie at all, not even the CSRF seed: a script never sees a form.
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
    let health = script.send(&app, TestRequest::get().uri("/healthz")).await;
    assert!(health.set_cookies.is_empty(), "{:?}", health.set_cookies);

    let reply = script.send(&app, api(format!("Bearer {token}x"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let err: serde_json::Value = serde_json::from_str(&reply.body).expect("a JSON error, not a redirect");
    assert_eq!(err["error"], "unauthorized");
    let reply = script.send(&app, TestRequest::get().uri("/api/me")).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // Deleting the token locks the script out.
    b.get(&app, "/profile").await;
    assert_eq!(
        b.post(&app, "/profile/token/revoke", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let reply = script.send(&app, api(format!("Bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_remembered_login_must_reauthenticate_for_settings() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    b.login(&app, "alice", PASSWORD, true).await;
    assert_eq!(b.get(&app, "/settings").await.status, StatusCode::OK, "fresh");
    assert!(b.cookies.contains_key("remember_token"));

    // The browser closes: its session cookies go, the remember cookie stays.
    b.cookies.remove("session");
    let profile = b.get(&app, "/profile").await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(
        profile.body.contains("signed in automatically"),
        "restored from the cookie"
    );
    let reply = b.get(&app, "/settings").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let to_reauth = reply.location.expect("sent to re-authenticate");
    assert!(to_reauth.starts_with("/reauth?next="), "{to_reauth}");
    let page = b.get(&app, &to_reauth).await;
    assert!(page.body.contains("Please confirm your password to continue."));

    let reply = b
        .post(
            &app,
            "/reauth",
            &[("password", "wrong password"), ("next", "/settings")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(reply.body.contains("Wrong password."));
    let reply = b
        .post(&app, "/reauth", &[("password", PASSWORD), ("next", "/settings")])
        .await;
    assert_eq!(reply.location.as_deref(), Some("/settings"));
    assert_eq!(b.get(&app, "/settings").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn changing_the_password_logs_out_every_other_browser() {
    let app = start!();
    let mut here = Browser::new();
    here.register(&app, "alice", PASSWORD).await;
    here.login(&app, "alice", PASSWORD, true).await;
    let mut elsewhere = Browser::new();
    elsewhere.login(&app, "alice", PASSWORD, true).await;
    assert_eq!(elsewhere.get(&app, "/profile").await.status, StatusCode::OK);

    here.get(&app, "/settings").await;
    let reply = here
        .post(
            &app,
            "/settings/password",
            &[("password", "tiny"), ("confirm", "tiny")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new_password = "a brand new passphrase";
    let reply = here
        .post(
            &app,
            "/settings/password",
            &[("password", new_password), ("confirm", new_password)],
        )
        .await;
    assert_eq!(reply.location.as_deref(), Some("/settings"));
    let page = here.get(&app, "/settings").await;
    assert_eq!(page.status, StatusCode::OK, "this browser stays logged in");
    assert!(page.body.contains("Password changed."));

    // The other browser's session and remember cookie both stopped working.
    let reply = elsewhere.get(&app, "/profile").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    elsewhere.cookies.remove("session");
    assert_eq!(elsewhere.get(&app, "/profile").await.status, StatusCode::FOUND);

    // Logging out ends this one too, remember cookie included.
    here.get(&app, "/profile").await;
    let reply = here.post(&app, "/logout", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/"));
    assert!(!here.cookies.contains_key("remember_token") && !here.cookies.contains_key("session"));
    assert_eq!(here.get(&app, "/profile").await.status, StatusCode::FOUND);
    assert_eq!(
        Browser::new().login(&app, "alice", PASSWORD, false).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new()
            .login(&app, "alice", new_password, false)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_repeated_next_still_gets_the_login_page() {
    let app = start!();
    let mut b = Browser::new();
    let page = b.get(&app, "/login?next=%2Fprofile&next=%2Fsettings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"next\" value=\"&#x2f;profile\""),
        "the first `next` wins: {}",
        page.body
    );
}

#[actix_web::test]
async fn a_refused_post_comes_back_to_its_page_not_to_a_404() {
    let app = start!();
    let mut b = Browser::new();
    b.register(&app, "alice", PASSWORD).await;
    // Logged out, the token form's POST is sent to log in with `next` = its path.
    b.get(&app, "/login").await;
    let reply = b.post(&app, "/profile/token", &[]).await;
    let to_login = reply.location.expect("redirected to log in");
    assert_eq!(to_login, "/login?next=%2Fprofile%2Ftoken");
    let reply = b
        .login_next(&app, "alice", PASSWORD, true, Some("/profile/token"))
        .await;
    let landed = b.get(&app, reply.location.as_deref().unwrap()).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    assert_eq!(landed.location.as_deref(), Some("/profile"));

    // Remembered but not fresh, the password form's POST goes through re-authentication.
    b.cookies.remove("session");
    b.get(&app, "/profile").await;
    let reply = b
        .post(&app, "/settings/password", &[("password", "x"), ("confirm", "x")])
        .await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/reauth?next=%2Fsettings%2Fpassword")
    );
    b.get(&app, "/reauth?next=%2Fsettings%2Fpassword").await;
    let reply = b
        .post(
            &app,
            "/reauth",
            &[("password", PASSWORD), ("next", "/settings/password")],
        )
        .await;
    let landed = b.get(&app, reply.location.as_deref().unwrap()).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    assert_eq!(landed.location.as_deref(), Some("/settings"));
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

#[actix_web::test]
async fn the_sessions_page_lists_each_device_and_logs_out_the_one_chosen() {
    let app = start!();
    let mut laptop = Browser::with_agent(LAPTOP);
    laptop.register(&app, "alice", PASSWORD).await;
    laptop.login(&app, "alice", PASSWORD, true).await;
    let mut phone = Browser::with_agent(PHONE);
    phone.login(&app, "alice", PASSWORD, false).await;

    // Anonymous browsers are sent to log in first.
    let reply = Browser::new().get(&app, "/account/sessions").await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/login?next=%2Faccount%2Fsessions")
    );
    // The profile links to the page.
    assert!(
        laptop
            .get(&app, "/profile")
            .await
            .body
            .contains("href=\"/account/sessions\"")
    );

    let page = laptop.get(&app, "/account/sessions").await;
    assert!(page.body.contains("Firefox on Linux") && page.body.contains("Safari on iPhone"));
    assert!(page.body.contains("this device") && page.body.contains("Log out all other devices"));
    let seen_by_laptop = devices(&page.body);
    assert_eq!(seen_by_laptop.len(), 2, "{seen_by_laptop:?}");
    let here = seen_by_laptop
        .iter()
        .find(|d| d.current)
        .expect("one row is this device");
    assert_eq!((here.user_agent.as_str(), here.remembered), (LAPTOP, true));
    let there = seen_by_laptop
        .iter()
        .find(|d| !d.current)
        .expect("the other device");
    assert_eq!((there.user_agent.as_str(), there.remembered), (PHONE, false));
    assert!(
        there.handle.len() == 32 && there.handle != here.handle,
        "{seen_by_laptop:?}"
    );
    // The phone sees the same two logins, with itself as the current one.
    let seen_by_phone = sessions_of(&mut phone, &app).await;
    assert_eq!(other_handle(&seen_by_phone), here.handle);

    // The laptop logs the phone out.
    laptop.get(&app, "/account/sessions").await;
    let reply = laptop
        .post(&app, "/account/sessions/revoke", &[("handle", &there.handle)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = laptop.get(&app, "/account/sessions").await;
    assert!(page.body.contains("Logged out Safari on iPhone"), "{}", page.body);
    assert!(page.body.contains("You are not logged in on any other device."));
    assert_eq!(devices(&page.body).len(), 1);

    // The phone's next page is refused, though it still sends its cookie.
    assert!(phone.cookies.contains_key("session"));
    assert_logged_out(&mut phone, &app, "the phone").await;
    // It can log in again: a new login, listed again.
    phone.login(&app, "alice", PASSWORD, false).await;
    assert_eq!(phone.get(&app, "/profile").await.status, StatusCode::OK);
    assert_eq!(sessions_of(&mut laptop, &app).await.len(), 2);

    // Logging out this device logs this browser out, remember cookie included: even a copy
    // of its cookies taken before is refused.
    let copied = laptop.cookies.clone();
    let reply = laptop
        .post(&app, "/account/sessions/revoke", &[("handle", &here.handle)])
        .await;
    assert_eq!(reply.location.as_deref(), Some("/"));
    assert!(!laptop.cookies.contains_key("session") && !laptop.cookies.contains_key("remember_token"));
    let home = laptop.get(&app, "/").await;
    assert!(home.body.contains("You have been logged out on this device."));
    assert_eq!(laptop.get(&app, "/profile").await.status, StatusCode::FOUND);
    let mut thief = Browser::with_agent(LAPTOP);
    thief.cookies = copied;
    assert_logged_out(&mut thief, &app, "a copy of the laptop's cookies").await;
    assert_eq!(
        phone.get(&app, "/profile").await.status,
        StatusCode::OK,
        "the phone stays"
    );
}

#[actix_web::test]
async fn logging_out_the_other_devices_keeps_this_one() {
    let app = start!();
    let mut here = Browser::with_agent(LAPTOP);
    here.register(&app, "alice", PASSWORD).await;
    here.login(&app, "alice", PASSWORD, false).await;
    let mut remembered = Browser::with_agent(PHONE);
    remembered.login(&app, "alice", PASSWORD, true).await;
    let mut third = Browser::new();
    third.login(&app, "alice", PASSWORD, false).await;
    let mut bob = Browser::new();
    bob.register(&app, "bob", PASSWORD).await;
    bob.login(&app, "bob", PASSWORD, false).await;
    assert_eq!(sessions_of(&mut here, &app).await.len(), 3);
    assert_eq!(
        sessions_of(&mut bob, &app).await.len(),
        1,
        "bob sees only his own"
    );

    // A forged form does nothing.
    let good = here.csrf.clone();
    here.csrf = "forged".to_owned();
    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    here.csrf = good;
    assert_eq!(sessions_of(&mut here, &app).await.len(), 3);

    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = here.get(&app, "/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK, "this browser stays logged in");
    assert!(page.body.contains("Logged out 2 other devices."), "{}", page.body);
    let left = devices(&page.body);
    assert_eq!(left.len(), 1);
    assert!(left[0].current);

    assert_logged_out(&mut third, &app, "the third browser").await;
    assert_logged_out(&mut remembered, &app, "the remembered browser").await;
    assert_eq!(
        bob.get(&app, "/profile").await.status,
        StatusCode::OK,
        "other users keep theirs"
    );

    // With nobody else logged in, the page says so and the button is gone.
    assert!(!page.body.contains("Log out all other devices"));
    let reply = here.post(&app, "/account/sessions/revoke-others", &[]).await;
    assert_eq!(reply.location.as_deref(), Some("/account/sessions"));
    let page = here.get(&app, "/account/sessions").await;
    assert!(page.body.contains("You were not logged in on any other device."));
}

#[actix_web::test]
async fn a_handle_that_is_not_one_of_the_users_logins_revokes_nothing() {
    let app = start!();
    let mut alice = Browser::new();
    alice.register(&app, "alice", PASSWORD).await;
    alice.login(&app, "alice", PASSWORD, false).await;
    let mut bob = Browser::new();
    bob.register(&app, "bob", PASSWORD).await;
    bob.login(&app, "bob", PASSWORD, true).await;
    let bobs = sessions_of(&mut bob, &app).await;
    let bobs_handle = bobs[0].handle.clone();

    alice.get(&app, "/account/sessions").await;
    for handle in [
        bobs_handle.clone(),
        bobs_handle.to_uppercase(),
        "00000000000000000000000000000000".to_owned(),
        "not a handle".to_owned(),
        String::new(),
    ] {
        let reply = alice
            .post(&app, "/account/sessions/revoke", &[("handle", &handle)])
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{handle:?}");
        assert!(
            reply
                .body
                .contains("That device is not logged in to your account"),
            "{handle:?}: {}",
            reply.body
        );
        assert_eq!(devices(&reply.body).len(), 1, "alice's page, with her login");
    }
    assert_eq!(
        sessions_of(&mut bob, &app).await,
        bobs,
        "nothing of bob's was revoked"
    );
    assert_eq!(sessions_of(&mut alice, &app).await.len(), 1);

    // Logged out, the form is sent to log in first; landing on its path goes to the page.
    let mut anonymous = Browser::new();
    anonymous.get(&app, "/login").await;
    let reply = anonymous
        .post(&app, "/account/sessions/revoke", &[("handle", &bobs_handle)])
        .await;
    assert_eq!(
        reply.location.as_deref(),
        Some("/login?next=%2Faccount%2Fsessions%2Frevoke")
    );
    assert_eq!(sessions_of(&mut bob, &app).await, bobs);
    for path in ["/account/sessions/revoke", "/account/sessions/revoke-others"] {
        let reply = alice.get(&app, path).await;
        assert_eq!(reply.location.as_deref(), Some("/account/sessions"), "{path}");
    }
}

#[actix_web::test]
async fn logins_live_in_the_apps_sqlite_database_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let on_file = Config {
        database_url: url.clone(),
        ..config()
    };
    let count = || async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("the database opens");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_sessions")
            .fetch_one(&pool)
            .await
            .expect("the table exists");
        pool.close().await;
        n
    };

    let mut b = Browser::new();
    {
        let app = start!(on_file.clone());
        b.register(&app, "alice", PASSWORD).await;
        assert_eq!(count().await, 0);
        b.login(&app, "alice", PASSWORD, false).await;
        assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
        assert_eq!(count().await, 1, "one row per login");
    }
    // A new process on the same database and key: the login is still there.
    let app = start!(on_file);
    assert_eq!(b.get(&app, "/profile").await.status, StatusCode::OK);
    assert_eq!(sessions_of(&mut b, &app).await.len(), 1);
    b.post(&app, "/logout", &[]).await;
    assert_eq!(count().await, 0, "logging out deletes the row");
}
