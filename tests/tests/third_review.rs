//! Regression tests for a third review of the runtime: each failed before its fix.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use actix_web::dev::{Service, ServiceRequest};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpResponse, test, web};
use login_runtime::{
    CurrentUser, LoginManager, LoginScope, LoginSession, UserMixin, login_required, user_loader,
};

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

#[actix_rt::test]
async fn a_logout_answered_with_an_error_by_an_inner_middleware_still_deletes_the_cookies() {
    let failed = Rc::new(Cell::new(false));
    let seen = Rc::clone(&failed);
    let app = test::init_service(
        App::new()
            .wrap(
                // Inside the login middleware: turns the logout's answer into an error.
                from_fn(move |req: ServiceRequest, next: Next<_>| {
                    let seen = Rc::clone(&seen);
                    async move {
                        let logout = req.path() == "/logout";
                        let res = next.call(req).await?;
                        if logout {
                            seen.set(true);
                            return Err(actix_web::error::ErrorForbidden("audit log unavailable"));
                        }
                        Ok(res)
                    }
                }),
            )
            .wrap(manager())
            .route(
                "/login",
                web::get().to(|session: LoginSession<Member>| async move {
                    session
                        .login_user(&Member { id: "ada".into() })
                        .remember(true)
                        .await
                        .unwrap();
                    "in"
                }),
            )
            .route(
                "/logout",
                web::get().to(|session: LoginSession<Member>| async move {
                    session.logout_user().await;
                    "out"
                }),
            )
            .route(
                "/me",
                web::get().to(|user: CurrentUser<Member>| async move { user.id.clone() }),
            ),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/login").to_request()).await;
    let cookies: Vec<_> = res.response().cookies().map(|c| c.into_owned()).collect();
    assert_eq!(cookies.len(), 2, "session and remember cookies");
    let mut req = test::TestRequest::get().uri("/logout");
    for c in &cookies {
        req = req.cookie(c.clone());
    }
    let res = app.call(req.to_request()).await;
    assert!(failed.get());
    let res = match res {
        Ok(res) => res,
        Err(err) => {
            let res = err.error_response();
            test::TestRequest::get().to_srv_response(res)
        }
    };
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the inner error stands");
    let removed: Vec<_> = res
        .response()
        .cookies()
        .filter(|c| c.max_age().is_some_and(|a| a.is_zero()))
        .map(|c| c.name().to_owned())
        .collect();
    assert!(
        removed.contains(&"session".to_owned()) && removed.contains(&"remember_token".to_owned()),
        "both login cookies are deleted on the error answer: {removed:?}"
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
