//! What a custom refusal handler is told (`RefusalContext`): the refusal, the flavour that
//! applies (the scope's JSON is not lost once a handler is set), the redirect location with
//! `next` as the library builds it, the configured message, and the default answer to return
//! or adjust.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use login_runtime::guard::Flavour;
use login_runtime::{LoginManager, LoginScope, Refusal, UserMixin, login_required, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    Some(Member { id })
}

#[login_required]
async fn page() -> &'static str {
    "page"
}

/// What the handler saw, per request.
type Seen = Arc<Mutex<Vec<(Refusal, Flavour, Option<String>, Option<(String, String)>)>>>;

fn app_with(
    seen: Seen,
    adjust: bool,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let manager = LoginManager::<Member>::builder(*b"refusal-context-test-key-32-byte")
        .login_view("/login")
        .login_message(Some("Members only."), "warning")
        .unauthorized_handler(move |_req, refusal| {
            seen.lock().unwrap().push((
                refusal.refusal(),
                refusal.flavour(),
                refusal.location().map(str::to_owned),
                refusal.message().map(|m| (m.text.clone(), m.category.clone())),
            ));
            if !adjust {
                return refusal.default_answer();
            }
            let mut answer = refusal.default_answer();
            answer.headers_mut().insert(
                actix_web::http::header::HeaderName::from_static("x-adjusted"),
                actix_web::http::header::HeaderValue::from_static("yes"),
            );
            answer
        })
        .build()
        .unwrap();
    App::new()
        .wrap(manager)
        .route("/page", web::get().to(page))
        .service(
            web::scope("/api")
                .wrap(LoginScope::new().json())
                .route("/page", web::get().to(page)),
        )
}

#[actix_web::test]
async fn the_handler_is_told_the_flavour_location_and_message() {
    let seen = Seen::default();
    let app = test::init_service(app_with(Arc::clone(&seen), false)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/page?x=1").to_request()).await;
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "the default answer, returned as is"
    );
    assert_eq!(
        res.headers().get("location").unwrap(),
        "/login?next=%2Fpage%3Fx%3D1"
    );
    let res = test::call_service(&app, test::TestRequest::get().uri("/api/page").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "the scope's JSON answer");
    let body = test::read_body(res).await;
    assert!(
        body.starts_with(b"{\"error\":\"unauthorized\",\"message\":\"Members only.\""),
        "{body:?}"
    );
    let seen = seen.lock().unwrap();
    let members = Some(("Members only.".to_owned(), "warning".to_owned()));
    assert_eq!(
        seen[0],
        (
            Refusal::Unauthorized,
            Flavour::Html,
            Some("/login?next=%2Fpage%3Fx%3D1".to_owned()),
            members.clone()
        )
    );
    assert_eq!(seen[1], (Refusal::Unauthorized, Flavour::Json, None, members));
}

#[actix_web::test]
async fn the_default_answer_can_be_adjusted() {
    let app = test::init_service(app_with(Seen::default(), true)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/page").to_request()).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers().get("x-adjusted").unwrap(), "yes");
    assert_eq!(res.headers().get("location").unwrap(), "/login?next=%2Fpage");
}

#[actix_web::test]
async fn a_handler_that_answers_itself_still_sees_the_message() {
    let manager = LoginManager::<Member>::builder(*b"refusal-context-test-key-32-byte")
        .unauthorized_handler(|_req, refusal| {
            HttpResponse::Unauthorized().body(refusal.message().map_or_else(String::new, |m| m.text.clone()))
        })
        .build()
        .unwrap();
    let app = test::init_service(App::new().wrap(manager).route("/page", web::get().to(page))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/page").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(test::read_body(res).await, login_runtime::LOGIN_MESSAGE);
}
