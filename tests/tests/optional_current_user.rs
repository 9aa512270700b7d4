//! `Option<CurrentUser<U>>`, which actix users write by habit: for an anonymous visitor it is
//! `None` with none of the refusal's side effects (no `Unauthorized` event, no "Please log in"
//! message, no `next` kept in the session); when the login cannot be loaded (the user loader
//! fails) the failure is answered, never a page rendered as if nobody were logged in.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, test, web};
use login_runtime::{CurrentUser, LoginEvent, LoginManager, LoginSession, UserMixin, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Reader {
    id: String,
}

thread_local! {
    static LOADER_DOWN: Cell<bool> = const { Cell::new(false) };
}

#[user_loader]
async fn load_reader(id: String) -> Result<Option<Reader>, String> {
    if LOADER_DOWN.with(Cell::get) {
        return Err("the users table is unreachable".to_owned());
    }
    Ok(Some(Reader { id }))
}

async fn home(user: Option<CurrentUser<Reader>>) -> String {
    match user {
        Some(user) => format!("hello {}", user.id),
        None => "hello stranger".to_owned(),
    }
}

async fn home_result(user: Result<CurrentUser<Reader>, actix_web::Error>) -> String {
    match user {
        Ok(user) => format!("hello {}", user.id),
        Err(_) => "hello stranger".to_owned(),
    }
}

async fn login(session: LoginSession<Reader>) -> HttpResponse {
    session
        .login_user(&Reader { id: "ann".to_owned() })
        .await
        .unwrap();
    HttpResponse::Ok().finish()
}

struct Seen {
    events: Arc<Mutex<Vec<String>>>,
    messages: Arc<Mutex<Vec<String>>>,
}

fn manager(seen: &Seen) -> LoginManager<Reader> {
    let events = Arc::clone(&seen.events);
    let messages = Arc::clone(&seen.messages);
    LoginManager::<Reader>::builder(*b"optional-current-user-key-32-byt")
        .login_view("/login")
        .use_session_for_next(true)
        .on_event(move |_req, event| {
            if matches!(event, LoginEvent::Unauthorized) {
                events.lock().unwrap().push("unauthorized".to_owned());
            }
        })
        .on_message(move |_req, message, _res| messages.lock().unwrap().push(message.text.clone()))
        .build()
        .unwrap()
}

fn seen() -> Seen {
    Seen {
        events: Arc::default(),
        messages: Arc::default(),
    }
}

#[actix_web::test]
async fn an_anonymous_visitor_gets_none_without_the_refusals_side_effects() {
    let seen = seen();
    let app = test::init_service(
        App::new()
            .wrap(manager(&seen))
            .route("/", web::get().to(home))
            .route("/result", web::get().to(home_result)),
    )
    .await;
    for path in ["/", "/result"] {
        let res = test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.response().cookies().next().is_none(),
            "{path}: no `next` kept in a session cookie"
        );
        assert_eq!(test::read_body(res).await, "hello stranger", "{path}");
    }
    assert!(seen.events.lock().unwrap().is_empty(), "no Unauthorized event");
    assert!(seen.messages.lock().unwrap().is_empty(), "no flashed message");
}

#[actix_web::test]
async fn a_logged_in_user_is_some() {
    let seen = seen();
    let app = test::init_service(
        App::new()
            .wrap(manager(&seen))
            .route("/login", web::post().to(login))
            .route("/", web::get().to(home)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/").cookie(session).to_request(),
    )
    .await;
    assert_eq!(test::read_body(res).await, "hello ann");
}

#[actix_web::test]
async fn a_failed_load_is_answered_never_served_as_an_anonymous_page() {
    let seen = seen();
    let app = test::init_service(
        App::new()
            .wrap(manager(&seen))
            .route("/login", web::post().to(login))
            .route("/", web::get().to(home))
            .route("/result", web::get().to(home_result)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::post().uri("/login").to_request()).await;
    let session = res
        .response()
        .cookies()
        .find(|c| c.name() == "session")
        .unwrap()
        .into_owned();
    LOADER_DOWN.with(|d| d.set(true));
    for path in ["/", "/result"] {
        let req = test::TestRequest::get()
            .uri(path)
            .cookie(session.clone())
            .to_request();
        let res = test::try_call_service(&app, req).await;
        let res = match res {
            Ok(res) => res.into_parts().1,
            Err(err) => err.error_response(),
        };
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        let body = actix_web::body::to_bytes(res.into_body()).await.unwrap();
        assert!(!body.starts_with(b"hello stranger"), "{path}: {body:?}");
    }
    LOADER_DOWN.with(|d| d.set(false));
}
