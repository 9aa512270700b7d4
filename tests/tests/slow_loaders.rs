//! A user loader that waits (a database round trip): the guard that starts the load holds the
//! loader's future in the request's login context while it waits, so a request abandoned in the
//! meantime (the client went away) must free it, and the next request must load again; a request
//! that waits to the end is answered with the user, loaded once.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::dev::Service;
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, test, web};
use login_runtime::{CurrentUser, LoginManager, MaybeUser, UserMixin, login_required, user_loader};

#[derive(Clone, Debug, UserMixin)]
struct Patient {
    id: String,
}

thread_local! {
    static GATE_OPEN: Cell<bool> = const { Cell::new(false) };
    static LOADS: Cell<u32> = const { Cell::new(0) };
    static LOADS_FREED: Cell<u32> = const { Cell::new(0) };
}

/// Pending until the test opens the gate (the test polls by hand, so no waker is needed).
struct Gate;

impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if GATE_OPEN.with(Cell::get) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// Lives as long as one run of the loader's future.
struct LoadInFlight;

impl Drop for LoadInFlight {
    fn drop(&mut self) {
        LOADS_FREED.with(|n| n.set(n.get() + 1));
    }
}

/// Takes the request, so its future owns a clone of it: while the future waits in the login
/// context, request -> context -> future -> request is a cycle that only dropping the future
/// breaks.
#[user_loader]
async fn load_patient(id: String, _req: HttpRequest) -> Option<Patient> {
    LOADS.with(|n| n.set(n.get() + 1));
    let _in_flight = LoadInFlight;
    Gate.await;
    Some(Patient { id })
}

#[login_required]
async fn chart(user: CurrentUser<Patient>) -> String {
    format!("chart of {}", user.id)
}

async fn lobby(user: MaybeUser<Patient>) -> String {
    user.get()
        .map_or_else(|| "lobby".to_owned(), |u| format!("lobby, {}", u.id))
}

fn manager() -> LoginManager<Patient> {
    LoginManager::<Patient>::builder([9u8; 32])
        .build()
        .expect("a valid configuration")
}

fn reset() {
    GATE_OPEN.with(|g| g.set(false));
    LOADS.with(|n| n.set(0));
    LOADS_FREED.with(|n| n.set(0));
}

/// Polls `fut` once with a waker that does nothing.
fn poll_once<F: Future + ?Sized>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(std::task::Waker::noop()))
}

#[actix_web::test]
async fn a_request_dropped_while_its_loader_waits_frees_the_loader_and_the_next_one_loads_again() {
    reset();
    let manager = manager();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .route("/chart", web::get().to(chart))
            .route("/lobby", web::get().to(lobby)),
    )
    .await;
    let login = manager.test_login(&Patient { id: "ann".to_owned() });
    for path in ["/chart", "/lobby"] {
        reset();
        let mut pending = Box::pin(app.call(login.apply(test::TestRequest::get().uri(path)).to_request()));
        assert!(
            poll_once(pending.as_mut()).is_pending(),
            "{path}: the loader waits"
        );
        assert_eq!(LOADS.with(Cell::get), 1, "{path}");
        assert_eq!(
            LOADS_FREED.with(Cell::get),
            0,
            "{path}: the context holds the loader's future"
        );
        drop(pending);
        assert_eq!(
            LOADS_FREED.with(Cell::get),
            1,
            "{path}: the abandoned request frees the loader's future (no reference cycle through the request)"
        );

        GATE_OPEN.with(|g| g.set(true));
        let res =
            test::call_service(&app, login.apply(test::TestRequest::get().uri(path)).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body = test::read_body(res).await;
        assert!(body.ends_with(b"ann"), "{path}: {body:?}");
        assert_eq!(LOADS.with(Cell::get), 2, "{path}: the next request loads again");
    }
}

#[actix_web::test]
async fn a_request_that_waits_for_its_loader_is_answered_with_the_user_loaded_once() {
    reset();
    let manager = manager();
    let app = test::init_service(
        App::new()
            .wrap(manager.clone())
            .route("/chart", web::get().to(chart)),
    )
    .await;
    let login = manager.test_login(&Patient { id: "bob".to_owned() });
    let mut waiting = Box::pin(app.call(login.apply(test::TestRequest::get().uri("/chart")).to_request()));
    assert!(poll_once(waiting.as_mut()).is_pending());
    assert!(
        poll_once(waiting.as_mut()).is_pending(),
        "still waiting, polled again"
    );
    GATE_OPEN.with(|g| g.set(true));
    let Poll::Ready(res) = poll_once(waiting.as_mut()) else {
        panic!("the open gate lets the guard and `CurrentUser` finish in the same poll");
    };
    let res = res.expect("a response");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(test::read_body(res).await, "chart of bob");
    assert_eq!(
        LOADS.with(Cell::get),
        1,
        "the guard and `CurrentUser` share one load"
    );
    assert_eq!(LOADS_FREED.with(Cell::get), 1);
}
