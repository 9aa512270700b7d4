//! Regression tests for the bugs found in the review of `login-runtime/src/`. Each test failed
//! before its fix. The fixtures are defined here, independent of the shared ones.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, test, web};
use login_runtime::{
    CurrentUser, LoaderError, LoginManager, LoginScope, LoginSession, MaybeUser, UserMixin,
    fresh_login_required, request_loader, user_loader,
};

const KEY: &str = "the review regression key, long enough to sign";

#[derive(Clone, Debug, UserMixin)]
struct Reviewer {
    id: String,
}

#[user_loader]
async fn load_reviewer(id: String) -> Option<Reviewer> {
    (id == "ada").then_some(Reviewer { id })
}

/// A request loader that, by mistake, asks for the current user while the user is being
/// loaded (through `LoginSession`, which runs the load chain it is part of).
#[request_loader]
async fn asks_for_itself(
    req: HttpRequest,
    session: LoginSession<Reviewer>,
) -> Result<Option<Reviewer>, LoaderError> {
    if req.headers().get("x-api-key").is_none() {
        return Ok(None);
    }
    Ok(session.current_user().await?.map(|u| (*u).clone()))
}

async fn whoami(user: MaybeUser<Reviewer>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

async fn login_stale(session: LoginSession<Reviewer>) -> HttpResponse {
    let user = Reviewer { id: "ada".into() };
    session.login_user(&user).fresh(false).await.unwrap();
    HttpResponse::Ok().finish()
}

#[fresh_login_required]
async fn fresh_page(user: CurrentUser<Reviewer>) -> String {
    format!("fresh {}", user.id)
}

fn cookies_of<B>(res: &ServiceResponse<B>) -> Vec<Cookie<'static>> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .map(|v| Cookie::parse_encoded(v.to_str().unwrap().to_owned()).unwrap())
        .collect()
}

fn session_of<B>(res: &ServiceResponse<B>) -> Option<Cookie<'static>> {
    cookies_of(res).into_iter().find(|c| c.name() == "session")
}

/// Finding 1: a loader that asks for the current user used to wait on itself forever (the
/// request hung); now the request fails at once with a 500 and a log line naming the mistake.
#[actix_rt::test]
async fn a_loader_that_asks_for_the_current_user_fails_instead_of_hanging() {
    let manager = LoginManager::<Reviewer>::builder(KEY)
        .request_loader(asks_for_itself)
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/whoami", web::get().to(whoami))).await;
    let req = test::TestRequest::get()
        .uri("/whoami")
        .insert_header(("x-api-key", "k"))
        .to_request();
    let res = actix_rt::time::timeout(Duration::from_secs(5), test::call_service(&app, req))
        .await
        .expect("the request must not hang");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // Without the mistake's trigger (no API key), the same app answers normally.
    let req = test::TestRequest::get().uri("/whoami").to_request();
    let body = test::call_and_read_body(&app, req).await;
    assert_eq!(body, "anonymous");
}

/// Finding 2: with `use_session_for_next`, a long URL on a fresh-only route was copied into the
/// session cookie, which then exceeded the cookie size limit and was refused on the next
/// request: following a crafted link logged the user out. A `next` too long to ever be
/// accepted by `safe_next` is no longer stored.
#[actix_rt::test]
async fn a_long_url_kept_as_session_next_does_not_log_the_user_out() {
    let manager = LoginManager::<Reviewer>::builder(KEY)
        .secure_cookies(false)
        .use_session_for_next(true)
        .login_view("/login")
        .refresh_view("/reauth")
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager)
            .route("/login-stale", web::get().to(login_stale))
            .route("/whoami", web::get().to(whoami))
            .route("/fresh", web::get().to(fresh_page)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/login-stale").to_request()).await;
    let session = session_of(&res).expect("login sets the session cookie");

    let long = format!("/fresh?q={}", "x".repeat(3000));
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&long)
            .cookie(session.clone())
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let session = session_of(&res).unwrap_or(session);
    assert!(
        session.value().len() <= 4096,
        "the session cookie grew to {} bytes",
        session.value().len()
    );

    let req = test::TestRequest::get()
        .uri("/whoami")
        .cookie(session)
        .to_request();
    assert_eq!(test::call_and_read_body(&app, req).await, "ada");
}

/// A short `next` is still kept in the session (the fix above only drops oversized ones).
#[actix_rt::test]
async fn a_normal_session_next_is_still_kept() {
    let manager = LoginManager::<Reviewer>::builder(KEY)
        .secure_cookies(false)
        .use_session_for_next(true)
        .login_view("/login")
        .build()
        .unwrap();
    let app = test::init_service(
        App::new()
            .wrap(manager)
            .route("/fresh", web::get().to(fresh_page))
            .route(
                "/next",
                web::get()
                    .to(|s: LoginSession<Reviewer>| async move { s.safe_next(None).unwrap_or_default() }),
            ),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/fresh?q=1").to_request()).await;
    assert_eq!(res.headers().get(header::LOCATION).unwrap(), "/login");
    let session = session_of(&res).expect("next is kept in the session");
    let req = test::TestRequest::get().uri("/next").cookie(session).to_request();
    assert_eq!(test::call_and_read_body(&app, req).await, "/fresh?q=1");
}

/// Finding 3: `LoginScope` held an `Rc`, so it could not be built once and moved into the
/// `HttpServer::new` factory (which must be `Send`), unlike `LoginManager`. This test only has
/// to compile.
#[::core::prelude::v1::test]
fn a_login_scope_can_be_built_outside_the_server_factory() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    let scope = LoginScope::new().login_view("/admin/login").json();
    assert_send_sync(&scope);
    let manager = LoginManager::<Reviewer>::builder(KEY).build().unwrap();
    let _server = move || {
        let (scope, manager) = (scope.clone(), manager.clone());
        HttpServer::new(move || {
            App::new()
                .wrap(manager.clone())
                .service(web::scope("/admin").wrap(scope.clone()))
        })
    };
}

/// Finding 4: `force_host_for_redirects` was not validated, so a value that cannot be part of a
/// `Location` header turned every refusal into a 500, and a value with `/` or `@` redirected
/// elsewhere than intended. It is now checked by `build()`, like the views.
#[actix_rt::test]
async fn a_bad_forced_host_is_a_start_up_error_not_a_500_on_every_refusal() {
    for bad in [
        "good.com\r\nSet-Cookie: x=y",
        "good.com/path",
        "user@good.com",
        "",
        "good com",
    ] {
        let built = LoginManager::<Reviewer>::builder(KEY)
            .login_view("/login")
            .force_host_for_redirects(bad)
            .build();
        let err = built.expect_err(bad).to_string();
        assert!(err.contains("force_host_for_redirects"), "{bad:?}: {err}");
    }
    for good in [
        "good.com",
        "good.com:8443",
        "127.0.0.1:8080",
        "[::1]:8080",
        "my_host.internal",
    ] {
        let manager = LoginManager::<Reviewer>::builder(KEY)
            .login_view("/login")
            .force_host_for_redirects(good)
            .build()
            .expect(good);
        let app = test::init_service(
            App::new()
                .wrap(manager)
                .route("/fresh", web::get().to(fresh_page)),
        )
        .await;
        let res = test::call_service(&app, test::TestRequest::get().uri("/fresh").to_request()).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{good}");
        assert_eq!(
            res.headers().get(header::LOCATION).unwrap(),
            &format!("//{good}/login?next=%2Ffresh")
        );
    }
}

/// Finding 5: a cookie `Path` or `Domain` with a control character or `;` was accepted; the
/// `Set-Cookie` header could then not be built and was silently dropped (logins that never
/// stick, logouts that never delete), or carried extra attributes. `build()` now refuses them.
#[::core::prelude::v1::test]
fn cookie_paths_and_domains_that_cannot_be_written_are_start_up_errors() {
    let bad_paths = ["/app\n", "/app; Domain=evil.example", "/a\u{7f}"];
    for bad in bad_paths {
        let built = LoginManager::<Reviewer>::builder(KEY)
            .session_cookie(|c| c.path = bad.to_owned())
            .build();
        assert!(built.is_err(), "path {bad:?} must be refused");
    }
    for bad in [
        "example.com\r\n",
        "example.com; Secure",
        "",
        "exa mple.com",
        "évil.example",
    ] {
        let built = LoginManager::<Reviewer>::builder(KEY)
            .remember_cookie(|c| c.domain = Some(bad.to_owned()))
            .build();
        assert!(built.is_err(), "domain {bad:?} must be refused");
    }
    let ok = LoginManager::<Reviewer>::builder(KEY)
        .session_cookie(|c| {
            c.path = "/app".to_owned();
            c.domain = Some(".example.com".to_owned());
        })
        .remember_cookie(|c| c.domain = Some("app.example.com".to_owned()))
        .build();
    assert!(ok.is_ok(), "{ok:?}");
}

/// A scope nested in another keeps the outer scope's settings it does not override.
#[actix_rt::test]
async fn nested_login_scopes_merge_their_rules() {
    let manager = LoginManager::<Reviewer>::builder([9u8; 32])
        .secure_cookies(false)
        .build()
        .expect("valid configuration");
    let app = test::init_service(
        App::new().wrap(manager).service(
            web::scope("/admin")
                .wrap(LoginScope::new().login_view("/admin/login"))
                .route(
                    "/page",
                    web::get().to(|_: CurrentUser<Reviewer>| async { "page" }),
                )
                .service(
                    web::scope("/api")
                        .wrap(LoginScope::new().refresh_view("/admin/reauth"))
                        .route("/x", web::get().to(|_: CurrentUser<Reviewer>| async { "x" })),
                ),
        ),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/admin/api/x").to_request()).await;
    assert_eq!(res.status(), actix_web::http::StatusCode::FOUND);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/admin/login?next=%2Fadmin%2Fapi%2Fx"),
        "the inner scope keeps the outer scope's login view"
    );
}
