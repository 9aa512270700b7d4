//! The guard macros `#[login_required]` and `#[fresh_login_required]` (Flask-Login's decorators,
//! §2.7 and §2.1 item 6) on actix-web handlers, in every registration style: they refuse anonymous
//! and non-fresh requests, load the user at most once, and answer the exempt methods (OPTIONS by
//! default, not HEAD: P11) themselves, without running the handler.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use actix_web::{App, HttpResponse, get, route, test, web};
use login_runtime::{
    CurrentUser, LoginManager, UserMixin, fresh_login_required, login_required, user_loader,
};
use login_tests::{Client, Events, Store, TestUser, builder};

#[route("/both", method = "GET", method = "OPTIONS", method = "HEAD")]
#[login_required]
#[fresh_login_required]
async fn both() -> HttpResponse {
    HttpResponse::Ok().body("both")
}

#[get("/get-above")]
#[login_required]
async fn get_above(user: CurrentUser<TestUser>) -> String {
    format!("above: {}", user.id)
}

#[login_required]
#[get("/get-below")]
async fn get_below(user: CurrentUser<TestUser>) -> String {
    format!("below: {}", user.id)
}

#[login_required]
async fn manual(user: CurrentUser<TestUser>) -> String {
    format!("manual: {}", user.id)
}

#[fresh_login_required]
async fn manual_fresh() -> &'static str {
    "manual fresh"
}

#[get("/async")]
#[login_required]
async fn really_async(user: CurrentUser<TestUser>) -> String {
    actix_rt::time::sleep(std::time::Duration::from_millis(1)).await;
    let id = async { user.id.clone() }.await;
    format!("async: {id}")
}

/// A guarded handler that extracts something else first: the guard runs before the body either way.
#[get("/with-path/{n}")]
#[login_required]
async fn with_path(n: web::Path<u32>) -> String {
    format!("n={n}")
}

async fn app_with(
    manager: login_runtime::LoginManager<TestUser>,
    store: &web::Data<login_tests::Store>,
) -> Client<
    impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
> {
    Client::new(
        test::init_service(
            App::new()
                .wrap(manager)
                .app_data(store.clone())
                .configure(login_tests::routes)
                .service(both)
                .service(get_above)
                .service(get_below)
                .service(really_async)
                .service(with_path)
                .route("/manual", web::get().to(manual))
                .service(web::resource("/manual-fresh").route(web::get().to(manual_fresh))),
        )
        .await,
    )
}

#[actix_rt::test]
async fn test_options_call_exempt__flask_2_1_item_6() {
    let store = Store::new();
    let events = Events::new();
    let c = app_with(
        events.attach(builder()).login_view("/login").build().unwrap(),
        &store,
    )
    .await;
    let r = c
        .send_raw(TestRequest::default().method(Method::OPTIONS).uri("/both"))
        .await;
    assert_eq!(r.status, 200);
    // The guard answers the exempt method itself: the handler body never runs for it, since a
    // handler registered with `web::resource(..).to(..)` matches every method.
    assert_eq!(r.body, "", "the handler body did not run");
    assert_eq!(store.loads() + store.request_loads(), 0, "the user is not loaded");
    assert_eq!(events.count("accessed"), 0);
    assert!(r.set_cookies().is_empty());
}

#[actix_rt::test]
async fn test_head_is_not_exempt__flask_p11() {
    let store = Store::new();
    let c = app_with(builder().build().unwrap(), &store).await;
    let r = c
        .send_raw(TestRequest::default().method(Method::HEAD).uri("/both"))
        .await;
    assert_eq!(r.status, 401);
}

#[actix_rt::test]
async fn test_exempt_methods_are_configurable() {
    let store = Store::new();
    let c = app_with(builder().exempt_methods([Method::HEAD]).build().unwrap(), &store).await;
    let r = c
        .send_raw(TestRequest::default().method(Method::HEAD).uri("/both"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "", "answered by the guard, not the handler");
    let r = c
        .send_raw(TestRequest::default().method(Method::OPTIONS).uri("/both"))
        .await;
    assert_eq!(r.status, 401, "OPTIONS is no longer exempt");
}

#[actix_rt::test]
async fn test_login_required_decorator__flask_2_7_item_73() {
    let store = Store::new();
    let mut c = app_with(builder().build().unwrap(), &store).await;
    for uri in ["/get-above", "/get-below", "/manual", "/with-path/3"] {
        assert_eq!(c.get(uri).await.status, 401, "{uri}");
    }
    c.get("/login/notch").await;
    assert_eq!(c.get("/get-above").await.body, "above: notch");
    assert_eq!(c.get("/get-below").await.body, "below: notch");
    assert_eq!(c.get("/manual").await.body, "manual: notch");
    assert_eq!(c.get("/with-path/3").await.body, "n=3");
}

#[actix_rt::test]
async fn test_login_required_decorator_with_async__flask_2_7_item_74() {
    let store = Store::new();
    let mut c = app_with(builder().build().unwrap(), &store).await;
    assert_eq!(c.get("/async").await.status, 401);
    c.get("/login/notch").await;
    assert_eq!(c.get("/async").await.body, "async: notch");
}

#[actix_rt::test]
async fn test_fresh_login_required_on_manual_route__flask_2_7_item_75() {
    let store = Store::new();
    let mut c = app_with(builder().build().unwrap(), &store).await;
    assert_eq!(c.get("/manual-fresh").await.status, 401);
    c.get("/login/notch?fresh=false").await;
    assert_eq!(c.get("/manual-fresh").await.status, 401);
    c.get("/login/notch").await;
    assert_eq!(c.get("/manual-fresh").await.body, "manual fresh");
}

#[actix_rt::test]
async fn test_guard_loads_user_at_most_once_per_request__flask_2_6_item_72() {
    // The guard and the `CurrentUser` extractor share one load.
    let store = Store::new();
    let mut c = app_with(builder().build().unwrap(), &store).await;
    c.get("/login/notch").await;
    let before = store.loads();
    assert_eq!(c.get("/get-above").await.status, 200);
    assert_eq!(store.loads() - before, 1);
}

#[actix_rt::test]
async fn test_guard_without_middleware_is_a_clear_500() {
    // A programming error, not user input: the message says how to fix it.
    let app = test::init_service(App::new().service(get_above)).await;
    let r = login_tests::Resp::read(
        test::call_service(&app, TestRequest::get().uri("/get-above").to_request()).await,
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("needs the login middleware"), "{}", r.body);
}

// ---- An exempt method on a handler registered for every method ---------------------------------

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    Some(Member { id })
}

fn manager() -> LoginManager<Member> {
    LoginManager::<Member>::builder([5u8; 32])
        .secure_cookies(false)
        .build()
        .unwrap()
}

thread_local! {
    static WIPES: Cell<u32> = const { Cell::new(0) };
}

/// A guarded handler with a side effect, counted in `WIPES`.
#[login_required]
async fn wipe() -> HttpResponse {
    WIPES.with(|w| w.set(w.get() + 1));
    HttpResponse::Ok().body("wiped")
}

#[actix_rt::test]
async fn an_exempt_options_request_never_runs_a_guarded_handler_registered_for_every_method() {
    // `web::resource(..).to(..)` matches every method, OPTIONS included.
    let app = test::init_service(
        App::new()
            .wrap(manager())
            .service(web::resource("/admin/wipe").to(wipe)),
    )
    .await;
    let req = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/admin/wipe")
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK, "exempt, as in Flask-Login");
    assert!(test::read_body(res).await.is_empty());
    assert_eq!(WIPES.with(Cell::get), 0, "the handler body did not run");
    let res = test::call_service(&app, test::TestRequest::post().uri("/admin/wipe").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(WIPES.with(Cell::get), 0);
}
