//! Flask-Login's nine signals (§1.7) as `LoginEvent`s passed to the hooks registered with
//! `on_event`: which event each request sends, in which order, and that every hook sees every
//! event. (The same signals as `tracing` events: `tracing_events.rs`.)
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use login_runtime::SessionProtection;
use login_tests::{Events, Store, builder, client};

#[actix_rt::test]
async fn test_static_loads_without_accessing_session__flask_2_1_items_1_2() {
    // A route that never touches login state (a static file, in Flask) loads nobody.
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    events.clear();
    let r = c.get("/").await;
    assert_eq!(r.body, "Welcome!");
    assert!(events.all().is_empty(), "{:?}", events.all());
    assert_eq!(
        store.loads(),
        0,
        "the login request set the user; nothing loaded since"
    );
}

#[actix_rt::test]
async fn test_requests_without_accessing_session__flask_2_6_item_72_p31() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    events.clear();
    c.get("/").await;
    assert_eq!(events.count("accessed"), 0);
    // `/state` asks for the user four times: one load, one `accessed`.
    let before = store.loads();
    c.get("/state").await;
    assert_eq!(events.count("accessed"), 1);
    assert_eq!(store.loads() - before, 1);
}

#[actix_rt::test]
async fn test_accessed_not_fired_after_login_user_in_same_request__flask_1_7() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(events.all(), vec!["logged_in:notch".to_owned()]);
}

#[actix_rt::test]
async fn test_logout_loads_then_fires_logged_out__flask_p31() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    events.clear();
    c.get("/logout").await;
    assert_eq!(
        events.all(),
        vec!["accessed".to_owned(), "logged_out:notch".to_owned()]
    );
}

#[actix_rt::test]
async fn test_user_loaded_from_cookie_fired__flask_2_4_item_45() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    events.clear();
    c.get("/username").await;
    assert_eq!(
        events.all(),
        vec!["accessed".to_owned(), "loaded_from_cookie:notch".to_owned()]
    );
    c.get("/username").await;
    assert_eq!(
        events.count("loaded_from_cookie:notch"),
        1,
        "the next request uses the session"
    );
}

#[actix_rt::test]
async fn test_user_loaded_from_request_fired__flask_2_4_item_46() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/username?user_id=steve").await;
    assert_eq!(
        events.all(),
        vec!["accessed".to_owned(), "loaded_from_request:steve".to_owned()]
    );
}

#[actix_rt::test]
async fn test_needs_refresh_fires_needs_refresh_signal__flask_2_5_item_50() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(
        events.attach(builder()).refresh_view("/reauth").build().unwrap(),
        store
    );
    c.get("/login/notch?fresh=false").await;
    events.clear();
    c.get("/fresh").await;
    assert_eq!(events.count("needs_refresh"), 1);
    assert_eq!(events.count("unauthorized"), 0);
}

#[actix_rt::test]
async fn test_user_login_confirmed_signal_fired__flask_2_5_item_57() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch?fresh=false").await;
    c.get("/confirm").await;
    assert_eq!(events.count("login_confirmed"), 1);
}

#[actix_rt::test]
async fn test_unauthorized_and_session_protected_signals__flask_1_7() {
    let store = Store::new();
    let events = Events::new();
    let manager = events
        .attach(builder())
        .session_protection(SessionProtection::Basic)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/secret").await;
    assert_eq!(events.count("unauthorized"), 1);
    c.get("/login/notch").await;
    c.user_agent = "other".into();
    c.get("/username").await;
    assert_eq!(events.count("session_protected"), 1);
}

#[actix_rt::test]
async fn every_registered_hook_sees_every_event() {
    let store = Store::new();
    let a = Events::new();
    let b = Events::new();
    let mut c = client!(b.attach(a.attach(builder())).build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(a.all(), b.all());
    assert_eq!(a.count("logged_in:notch"), 1);
}
