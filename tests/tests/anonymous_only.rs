//! `#[anonymous_required]`: pages for logged-out visitors only (a login or sign-up form). A
//! logged-in user is redirected to the route's `redirect`, else the manager's
//! `logged_in_view`; an anonymous visitor reaches the page; `OPTIONS` never runs the body.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, test, web};
use login_runtime::{LoginManager, LoginSession, UserMixin, anonymous_required, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Visitor {
    id: String,
}

#[user_loader]
async fn load_visitor(id: String) -> Option<Visitor> {
    Some(Visitor { id })
}

#[anonymous_required]
async fn login_form() -> &'static str {
    "the login form"
}

#[anonymous_required(redirect = "/account")]
async fn signup_form() -> &'static str {
    "the sign-up form"
}

async fn login(session: LoginSession<Visitor>) -> HttpResponse {
    session
        .login_user(&Visitor { id: "ann".to_owned() })
        .await
        .unwrap();
    HttpResponse::Ok().finish()
}

fn app_with(
    manager: LoginManager<Visitor>,
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
        .route("/do-login", web::post().to(login))
        .route("/login", web::get().to(login_form))
        .route("/signup", web::to(signup_form))
}

#[actix_web::test]
async fn anonymous_visitors_reach_the_page() {
    let app = test::init_service(app_with(
        LoginManager::builder(*b"anonymous-only-key-of-32-bytes!!")
            .build()
            .unwrap(),
    ))
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/login").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(test::read_body(res).await, "the login form");
}

#[actix_web::test]
async fn logged_in_users_are_sent_to_the_routes_redirect_else_the_managers_view() {
    let manager = LoginManager::builder(*b"anonymous-only-key-of-32-bytes!!")
        .logged_in_view("/dashboard")
        .build()
        .unwrap();
    let app = test::init_service(app_with(manager)).await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/do-login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/login")
            .cookie(session.clone())
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers().get("location").unwrap(), "/dashboard");
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/signup")
            .cookie(session.clone())
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers().get("location").unwrap(), "/account");
    // The redirect does not log the user out.
    let cleared = res.response().cookies().any(|c| c.name() == "session");
    assert!(!cleared, "no session cookie is written by the redirect");
}

#[actix_web::test]
async fn the_default_logged_in_view_is_the_site_root() {
    let app = test::init_service(app_with(
        LoginManager::builder(*b"anonymous-only-key-of-32-bytes!!")
            .build()
            .unwrap(),
    ))
    .await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/do-login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/login")
            .cookie(session)
            .to_request(),
    )
    .await;
    assert_eq!(res.headers().get("location").unwrap(), "/");
}

#[actix_web::test]
async fn an_exempt_method_is_answered_without_running_the_page() {
    let app = test::init_service(app_with(
        LoginManager::builder(*b"anonymous-only-key-of-32-bytes!!")
            .build()
            .unwrap(),
    ))
    .await;
    let req = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/signup")
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(test::read_body(res).await.is_empty());
}

#[::core::prelude::v1::test]
fn a_bad_logged_in_view_is_refused_at_start_up() {
    let err = LoginManager::<Visitor>::builder(*b"anonymous-only-key-of-32-bytes!!")
        .logged_in_view("dashboard")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("logged_in_view"), "{err}");
}
