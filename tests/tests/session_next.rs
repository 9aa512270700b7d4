//! A `next` kept in the session cookie (`use_session_for_next`): it is readable by the login
//! request and never carried into a later login, and it never grows the session cookie past the
//! 4 KiB browsers keep (which would silently end the login): a `next` too long to fit is dropped,
//! the login is kept.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::Cookie;
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::{App, HttpResponse, test, web};
use login_runtime::test::TestClient;
use login_runtime::{
    CurrentUser, LoginManager, LoginSession, MaybeUser, UserMixin, fresh_login_required, user_loader,
};
use login_tests::{Store, builder, client};

use crate::support::member_app::{Member, login, manager, set_password};

const KEY: &str = "the session next test key, long enough to sign";

/// A user of the tests below that log in with a non-fresh login by hand.
#[derive(Clone, Debug, UserMixin)]
struct Visitor {
    id: String,
}

#[user_loader]
async fn load_visitor(id: String) -> Option<Visitor> {
    (id == "ada").then_some(Visitor { id })
}

async fn whoami(user: MaybeUser<Visitor>) -> String {
    user.get()
        .map_or_else(|| "anonymous".to_owned(), |u| u.id.clone())
}

async fn login_stale(session: LoginSession<Visitor>) -> HttpResponse {
    let user = Visitor { id: "ada".into() };
    session.login_user(&user).fresh(false).await.unwrap();
    HttpResponse::Ok().finish()
}

#[fresh_login_required]
async fn fresh_page(user: CurrentUser<Visitor>) -> String {
    format!("fresh {}", user.id)
}

fn session_of<B>(res: &ServiceResponse<B>) -> Option<Cookie<'static>> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .map(|v| Cookie::parse_encoded(v.to_str().unwrap().to_owned()).unwrap())
        .find(|c| c.name() == "session")
}

#[actix_rt::test]
async fn next_kept_in_the_session_is_readable_after_login_but_not_inherited() {
    set_password("nexter", "pw");
    let app = test::init_service(
        App::new()
            .wrap(manager(|b| b.use_session_for_next(true)))
            .route("/login/{id}/{remember}", web::get().to(login))
            .route(
                "/secret",
                web::get().to(|u: CurrentUser<Member>| async move { u.id.clone() }),
            ),
    )
    .await;
    let mut jar = TestClient::new();
    let res = jar.get(&app, "/secret?x=1").await;
    assert_eq!(res.location(), Some("/login"));
    let res = jar.get(&app, "/login/nexter/false").await;
    assert_eq!(res.text(), "next=/secret?x=1");
    // A second login in a later request finds no `next`: it was not carried into the session.
    assert_eq!(jar.get(&app, "/login/nexter/false").await.text(), "next=");
}

/// A long URL on a fresh-only route is not copied into the session cookie: the cookie would
/// exceed the size limit and be refused on the next request, so following a crafted link would
/// log the user out. A `next` too long to ever be accepted by `safe_next` is not stored.
#[actix_rt::test]
async fn a_long_url_kept_as_session_next_does_not_log_the_user_out() {
    let manager = LoginManager::<Visitor>::builder(KEY)
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

/// A short `next` is still kept in the session (only oversized ones are dropped).
#[actix_rt::test]
async fn a_normal_session_next_is_still_kept() {
    let manager = LoginManager::<Visitor>::builder(KEY)
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
                    .to(|s: LoginSession<Visitor>| async move { s.safe_next(None).unwrap_or_default() }),
            ),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/fresh?q=1").to_request()).await;
    assert_eq!(res.headers().get(header::LOCATION).unwrap(), "/login");
    let session = session_of(&res).expect("next is kept in the session");
    let req = test::TestRequest::get().uri("/next").cookie(session).to_request();
    assert_eq!(test::call_and_read_body(&app, req).await, "/fresh?q=1");
}

#[actix_rt::test]
async fn a_next_too_long_to_fit_next_to_the_login_is_dropped_not_the_login() {
    // `next` kept in the session (USE_SESSION_FOR_NEXT) next to a long user id: together they
    // would pass the 4 KiB browsers keep, which would silently end the login.
    let long_id = "u".repeat(1500);
    let store = Store::new();
    store.insert(login_tests::TestUser::new(&long_id));
    let manager = builder()
        .refresh_view("/reauth")
        .use_session_for_next(true)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get(&format!("/login/{long_id}?fresh=false")).await;
    assert_eq!(c.get("/username").await.body, long_id);
    let r = c.get(&format!("/fresh?pad={}", "p".repeat(1900))).await;
    assert_eq!(r.status, 302, "not fresh: sent to re-authenticate");
    let session = c.cookie("session").unwrap();
    assert!(session.len() <= 4096, "{} bytes", session.len());
    assert_eq!(c.get("/username").await.body, long_id, "still logged in");
}
