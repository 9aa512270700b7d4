//! `LoginScope`, the per-scope settings that stand in for Flask-Login's blueprint login views: a
//! scope can be built once outside the `HttpServer` factory, like the manager; a scope nested in
//! another keeps the outer scope's settings it does not override; and a scope with an invalid
//! login view (scheme-relative, a bare name, `javascript:`) answers 401 instead of redirecting.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::{App, HttpServer, test, web};
use login_runtime::{CurrentUser, LoginManager, LoginScope, UserMixin, user_loader};

const KEY: &str = "the login scope test key, long enough to sign";

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

/// A `LoginScope` is `Send + Sync + Clone`, so it can be built once and moved into the
/// `HttpServer::new` factory (which must be `Send`), like `LoginManager`. This test only has to
/// compile.
#[::core::prelude::v1::test]
fn a_login_scope_can_be_built_outside_the_server_factory() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    let scope = LoginScope::new().login_view("/admin/login").json();
    assert_send_sync(&scope);
    let manager = LoginManager::<Member>::builder(KEY).build().unwrap();
    let _server = move || {
        let (scope, manager) = (scope.clone(), manager.clone());
        HttpServer::new(move || {
            App::new()
                .wrap(manager.clone())
                .service(web::scope("/admin").wrap(scope.clone()))
        })
    };
}

/// A scope nested in another keeps the outer scope's settings it does not override.
#[actix_rt::test]
async fn nested_login_scopes_merge_their_rules() {
    let manager = LoginManager::<Member>::builder([9u8; 32])
        .secure_cookies(false)
        .build()
        .expect("valid configuration");
    let app = test::init_service(
        App::new().wrap(manager).service(
            web::scope("/admin")
                .wrap(LoginScope::new().login_view("/admin/login"))
                .route("/page", web::get().to(|_: CurrentUser<Member>| async { "page" }))
                .service(
                    web::scope("/api")
                        .wrap(LoginScope::new().refresh_view("/admin/reauth"))
                        .route("/x", web::get().to(|_: CurrentUser<Member>| async { "x" })),
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

#[actix_rt::test]
async fn a_login_scope_with_an_invalid_view_answers_401_not_a_redirect() {
    for bad in ["//other.example/login", "login", "javascript:alert(1)"] {
        let app = test::init_service(
            App::new().wrap(manager()).service(
                web::scope("/admin")
                    .wrap(LoginScope::new().login_view(bad))
                    .route("/page", web::get().to(|_: CurrentUser<Member>| async { "page" })),
            ),
        )
        .await;
        let res = test::call_service(&app, test::TestRequest::get().uri("/admin/page").to_request()).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{bad}");
        assert!(res.headers().get("location").is_none(), "{bad}");
    }
}
