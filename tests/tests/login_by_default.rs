//! Login by default for a scope (Django's `LoginRequiredMiddleware` with
//! `@login_not_required`): every route in a `LoginScope::login_by_default()` scope needs a
//! login, with the scope's views and flavour, unless its path is declared public; a route
//! added later is closed; a public route with its own guard keeps the guard.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, test, web};
use login_runtime::{
    LoginManager, LoginScope, LoginSession, UserMixin, fresh_login_required, login_required, user_loader,
};

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    Some(Member { id })
}

async fn login(session: LoginSession<Member>) -> HttpResponse {
    session
        .login_user(&Member { id: "ann".to_owned() })
        .fresh(false)
        .await
        .unwrap();
    HttpResponse::Ok().finish()
}

/// Guarded although public: the guard applies.
#[fresh_login_required]
async fn public_but_fresh() -> &'static str {
    "fresh"
}

fn app() -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let manager = LoginManager::<Member>::builder(*b"login-by-default-key-of-32-bytes")
        .login_view("/login")
        .build()
        .unwrap();
    App::new()
        .wrap(manager)
        .route("/login", web::post().to(login))
        .service(
            web::scope("/members")
                .wrap(
                    LoginScope::new()
                        .login_view("/members/login")
                        .login_by_default()
                        .public("/login")
                        .public("/reset/{token}")
                        .public("/static/*")
                        .public("/fresh")
                        .public("no-slash"),
                )
                .route("/login", web::get().to(|| async { "members' login form" }))
                .route("/reset/{token}", web::get().to(|| async { "reset form" }))
                .route("/static/{file:.*}", web::get().to(|| async { "static file" }))
                .route("/orders", web::get().to(|| async { "orders" }))
                .route(
                    "/added-later",
                    web::to(|| async { "a route nobody thought about" }),
                )
                .route("/fresh", web::get().to(public_but_fresh)),
        )
        .service(
            web::scope("/api")
                .wrap(LoginScope::new().json().login_by_default().public("/health"))
                .route("/health", web::get().to(|| async { "ok" }))
                .route("/orders", web::get().to(|| async { "[]" })),
        )
        .route("/outside", web::get().to(|| async { "not in a scope" }))
}

async fn get<S, B>(
    app: &S,
    uri: &str,
    cookie: Option<&actix_web::cookie::Cookie<'static>>,
) -> (StatusCode, Option<String>, String)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let f = crate::support::fetch::fetch_get(app, uri, cookie).await;
    (f.status, f.location, f.body)
}

#[actix_web::test]
async fn every_route_of_the_scope_needs_a_login_even_one_added_later() {
    let app = test::init_service(app()).await;
    for path in [
        "/members/orders",
        "/members/added-later",
        "/members/login/extra",
        "/members/static-ish",
    ] {
        let (status, location, _) = get(&app, path, None).await;
        assert_eq!(status, StatusCode::FOUND, "{path}");
        let location = location.unwrap();
        assert!(
            location.starts_with("/members/login?next="),
            "{path}: the scope's login view: {location}"
        );
    }
    let (status, _, body) = get(&app, "/api/orders", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body.contains("\"error\":\"unauthorized\""),
        "the scope's JSON flavour: {body}"
    );
}

#[actix_web::test]
async fn public_paths_stay_open_and_nothing_outside_the_scope_changes() {
    let app = test::init_service(app()).await;
    for (path, body) in [
        ("/members/login", "members' login form"),
        ("/members/reset/abc123", "reset form"),
        ("/members/static/css/site.css", "static file"),
        ("/api/health", "ok"),
        ("/outside", "not in a scope"),
    ] {
        let (status, _, got) = get(&app, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(got, body, "{path}");
    }
}

#[actix_web::test]
async fn logged_in_users_reach_every_route_and_a_public_route_keeps_its_own_guard() {
    let app = test::init_service(app()).await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    assert_eq!(get(&app, "/members/orders", Some(&session)).await.2, "orders");
    assert_eq!(get(&app, "/api/orders", Some(&session)).await.2, "[]");
    // `/fresh` is public, but its handler asks for a fresh login and this one is not.
    let (status, _, _) = get(&app, "/members/fresh", Some(&session)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the guard still applies (no refresh view: 401)"
    );
    let (status, _, _) = get(&app, "/members/fresh", None).await;
    assert_eq!(status, StatusCode::FOUND, "and refuses anonymous visitors");
}

/// A rule type of its own (options make one), so that no other test reports it first.
#[login_required(html)]
async fn guarded_and_public() -> &'static str {
    "guarded"
}

#[actix_web::test]
async fn a_public_route_with_a_guard_is_reported_once_as_a_mistake() {
    let (capture, _guard) = crate::tracing_events::Capture::install();
    let manager = LoginManager::<Member>::builder(*b"login-by-default-key-of-32-bytes")
        .build()
        .unwrap();
    let app = test::init_service(
        App::new().wrap(manager).service(
            web::scope("/s")
                .wrap(LoginScope::new().login_by_default().public("/both"))
                .route("/both", web::get().to(guarded_and_public)),
        ),
    )
    .await;
    assert_eq!(
        get(&app, "/s/both", None).await.0,
        StatusCode::UNAUTHORIZED,
        "the guard applies"
    );
    get(&app, "/s/both", None).await;
    let reported: Vec<_> = capture
        .runtime_events()
        .into_iter()
        .filter(|e| e.message.contains("declared public in its LoginScope"))
        .collect();
    assert_eq!(reported.len(), 1, "{reported:#?}");
    assert_eq!(reported[0].level, tracing::Level::ERROR);
    assert!(
        reported[0]
            .message
            .contains("remove the guard or the `public` pattern")
    );
}

#[actix_web::test]
async fn an_exempt_method_never_runs_a_closed_route() {
    let app = test::init_service(app()).await;
    let req = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/members/added-later")
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(test::read_body(res).await.is_empty(), "the handler did not run");
}
