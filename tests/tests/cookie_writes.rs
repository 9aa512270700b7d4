//! Cookies are written only when the login state changes: a route that never reads it gets no
//! `Set-Cookie` and no `Vary: Cookie`, whatever cookies the request carries (Flask-Login §2.5
//! item 58, P32), and a route that reads it does not rewrite unchanged cookies. When the state
//! does change, the cookies are written even if an inner middleware turns the answer into an
//! error.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use actix_web::dev::{Service, ServiceRequest};
use actix_web::http::StatusCode;
use actix_web::http::header::COOKIE;
use actix_web::middleware::{Next, from_fn};
use actix_web::test::TestRequest;
use actix_web::{App, test, web};
use login_runtime::{CurrentUser, LoginManager, LoginSession, SessionProtection, UserMixin, user_loader};
use login_tests::{Store, builder, client, cookie_header};

/// The user of the inner-error test, which builds its own app.
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

#[actix_rt::test]
async fn test_session_not_modified__flask_2_5_item_58_p32() {
    let store = Store::new();
    let mut c = client!(
        builder()
            .session_protection(SessionProtection::Basic)
            .build()
            .unwrap(),
        store
    );
    // Anonymous and logged in, a route that never touches login state: no Set-Cookie, no Vary.
    for _ in 0..2 {
        let r = c.get("/").await;
        assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
        assert!(r.header("vary").is_none(), "{:?}", r.header("vary"));
        c.get("/login/notch?remember=true").await;
    }
    // A route that reads the login state varies on Cookie but does not rewrite unchanged cookies.
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
    assert!(
        r.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("cookie"))
    );
}

#[actix_rt::test]
async fn test_garbage_cookies_on_untouched_routes_are_ignored() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let req = TestRequest::get().uri("/").insert_header((
        COOKIE,
        cookie_header(&[("session", "garbage"), ("remember_token", "junk")]),
    ));
    let r = c.send_raw(req).await;
    assert_eq!(r.status, 200);
    assert!(r.set_cookies().is_empty());
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
