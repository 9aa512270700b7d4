//! `LoginManager::test_login` and `login_runtime::test::TestClient`, the counterparts of
//! Flask-Login's `FlaskLoginClient` (§2.12 items 110-113): cookies that log a user into a test
//! request, fresh or not, under every session protection mode (which Flask-Login's helper gets
//! wrong, #586), a remember cookie that restores its user, and a client whose jar keeps a login
//! across requests with real cookie rules (Path, Secure, expiry, deletion), follows redirects,
//! and logs in with `login_as` on every store.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use actix_web::{App, HttpResponse, test, web};
use login_runtime::store::{MemoryStore, RedisStore};
use login_runtime::test::TestClient;
use login_runtime::{LoginManagerBuilder, SessionProtection};
use login_tests::{Client, Resp, Store, TestUser, builder, client};

use crate::redis_server::RedisServer;

#[actix_rt::test]
async fn test_no_args_to_test_client__flask_2_12_item_110() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_user_arg_to_test_client__flask_2_12_items_111_112_113_586() {
    // Flask-Login's FlaskLoginClient writes no `_id`: under `basic` the login is never fresh,
    // under `strong` the user is anonymous (#586). Ours binds on first use, so the `fresh` flag
    // holds in every mode.
    for mode in [
        SessionProtection::Off,
        SessionProtection::Basic,
        SessionProtection::Strong,
    ] {
        for fresh in [true, false] {
            let store = Store::new();
            let manager = builder().session_protection(mode).build().unwrap();
            let app = test::init_service(
                App::new()
                    .wrap(manager.clone())
                    .app_data(store.clone())
                    .configure(login_tests::routes),
            )
            .await;
            let notch = store.get("notch");
            let req = manager
                .test_login(&notch)
                .fresh(fresh)
                .apply(TestRequest::get().uri("/state"));
            let r = Resp::read(test::call_service(&app, req.to_request()).await).await;
            assert_eq!(
                r.body,
                format!("user=notch fresh={fresh} remembered=false restored=false"),
                "{mode:?}"
            );
            // And the bound cookie keeps working for the same client.
            let mut c = Client::new(app);
            c.set_cookie(
                "session",
                manager.test_login(&notch).fresh(fresh).session_cookie().value(),
            );
            c.get("/state").await;
            let r = c.get("/fresh").await;
            assert_eq!(r.status, if fresh { 200 } else { 401 }, "{mode:?} fresh={fresh}");
        }
    }
}

#[actix_rt::test]
async fn a_test_login_remember_cookie_restores_its_user_under_strong_protection() {
    let store = Store::new();
    let manager = builder()
        .session_protection(SessionProtection::Strong)
        .build()
        .unwrap();
    let mut c = client!(manager.clone(), store);
    let cookie = manager
        .test_login(&store.get("steve"))
        .remember_cookie(std::time::Duration::from_secs(60));
    c.set_cookie(cookie.name(), cookie.value());
    assert_eq!(
        c.get("/state").await.body,
        "user=steve fresh=false remembered=true restored=true"
    );
    assert_eq!(c.get("/username").await.body, "steve");
}

/// The fixture app around `$manager`, with the fixture store `$store`.
macro_rules! fixture {
    ($manager:expr, $store:expr) => {
        test::init_service(
            App::new()
                .wrap($manager)
                .app_data($store.clone())
                .configure(login_tests::routes),
        )
        .await
    };
}

/// `login_as` under strong protection on `builder`'s store: the login holds for the same client
/// request after request, is fresh or not as asked, and is refused to another User-Agent.
async fn login_as_holds_under_strong_protection(builder: LoginManagerBuilder<TestUser>, what: &str) {
    let store = Store::new();
    let manager = builder
        .session_protection(SessionProtection::Strong)
        .build()
        .unwrap();
    let app = fixture!(manager.clone(), store);
    let mut laptop = TestClient::new().user_agent("laptop");
    laptop.login_as(&manager, &store.get("notch")).await.unwrap();
    for _ in 0..3 {
        let res = laptop.get(&app, "/state").await;
        assert_eq!(
            res.text(),
            "user=notch fresh=true remembered=false restored=false",
            "{what}"
        );
    }
    assert_eq!(
        laptop.get(&app, "/fresh").await.status(),
        StatusCode::OK,
        "{what}"
    );

    let mut stale = TestClient::new().user_agent("laptop");
    let login = manager.test_login(&store.get("steve")).fresh(false);
    stale.login(&login).await.unwrap();
    assert_eq!(stale.get(&app, "/username").await.text(), "steve", "{what}");
    assert_eq!(
        stale.get(&app, "/fresh").await.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: not fresh"
    );

    // The same cookie from another browser is another client: strong protection logs it out.
    let mut thief = TestClient::new().user_agent("thief");
    thief.set_cookie("session", &laptop.cookie("session").unwrap());
    assert_eq!(thief.get(&app, "/username").await.text(), "Anonymous", "{what}");
}

#[actix_rt::test]
async fn login_as_holds_on_the_cookie_store() {
    login_as_holds_under_strong_protection(builder(), "cookie store").await;
}

#[actix_rt::test]
async fn login_as_holds_on_the_memory_store() {
    login_as_holds_under_strong_protection(builder().session_store(MemoryStore::new()), "memory store").await;
}

#[actix_rt::test]
async fn login_as_holds_on_the_redis_store() {
    let Some(server) = RedisServer::start() else {
        eprintln!("redis-server is not installed: login_as on Redis is not tested");
        return;
    };
    let redis = RedisStore::new(&server.url()).unwrap();
    login_as_holds_under_strong_protection(builder().session_store(redis), "redis store").await;
}

#[actix_rt::test]
async fn the_client_logs_in_through_the_app_follows_redirects_and_stays_logged_in() {
    let store = Store::new();
    let app = fixture!(builder().login_view("/login/notch").build().unwrap(), store);
    let mut browser = TestClient::new().follow_redirects(true);
    // `/secret` sends the anonymous browser to the login view, which logs it in.
    let res = browser.get(&app, "/secret").await;
    assert_eq!(res.redirects(), ["/login/notch?next=%2Fsecret"]);
    assert_eq!(browser.get(&app, "/username").await.text(), "notch");
    assert!(browser.cookie("session").is_some());
    // Logging out deletes the session cookie from the jar (Max-Age=0).
    browser.get(&app, "/logout").await;
    assert_eq!(browser.cookie("session"), None);
    assert_eq!(browser.get(&app, "/username").await.text(), "Anonymous");
}

#[actix_rt::test]
async fn the_jar_keeps_path_secure_and_expiry_rules() {
    let set = |cookie: Cookie<'static>| {
        move || {
            let cookie = cookie.clone();
            async move { HttpResponse::Ok().cookie(cookie).finish() }
        }
    };
    let echo = |req: actix_web::HttpRequest| async move {
        req.headers()
            .get("cookie")
            .map_or(String::new(), |v| v.to_str().unwrap().to_owned())
    };
    let app = test::init_service(
        App::new()
            .route(
                "/admin/set",
                web::get().to(set(Cookie::build("scoped", "1").path("/admin").finish())),
            )
            .route(
                "/set-secure",
                web::get().to(set(Cookie::build("tls", "1").path("/").secure(true).finish())),
            )
            .route(
                "/set-expired",
                web::get().to(set(Cookie::build("scoped", "")
                    .path("/admin")
                    .max_age(actix_web::cookie::time::Duration::ZERO)
                    .finish())),
            )
            .route("/admin/echo", web::get().to(echo))
            .route("/echo", web::get().to(echo)),
    )
    .await;

    let mut browser = TestClient::new().origin("http://app.test").unwrap();
    browser.get(&app, "/admin/set").await;
    browser.get(&app, "/set-secure").await;
    assert_eq!(
        browser.get(&app, "/admin/echo").await.text(),
        "scoped=1",
        "Secure is not sent over http"
    );
    assert_eq!(
        browser.get(&app, "/echo").await.text(),
        "",
        "Path=/admin stays under /admin"
    );
    // A deletion (Max-Age=0, the same Path) removes it.
    browser.get(&app, "/set-expired").await;
    assert_eq!(
        browser.get(&app, "/admin/echo").await.text(),
        "",
        "Max-Age=0 deletes it"
    );

    let mut tls = TestClient::new();
    tls.get(&app, "/set-secure").await;
    assert_eq!(
        tls.get(&app, "/echo").await.text(),
        "tls=1",
        "Secure is sent over https"
    );
}
