//! Flask-Login §2.8 (request loaders) and #901: the chain session → remember cookie → request
//! loader falls through, and a request-loaded user gets no cookies.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use login_tests::{Events, Store, builder, client};

#[actix_rt::test]
async fn test_request_context_users_are_anonymous__flask_2_8_items_78_79() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username").await.body, "Anonymous");
    assert_eq!(c.get("/secret").await.status, 401);
}

#[actix_rt::test]
async fn test_login_via_request__flask_2_8_item_80() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    let r = c.get("/secret?user_id=steve").await;
    assert_eq!(r.body, "Secret: steve");
    assert_eq!(events.count("loaded_from_request:steve"), 1);
}

#[actix_rt::test]
async fn test_session_login_wins_over_request__flask_2_8_item_81() {
    // Flask-Login's request-loader-only fixture has no user loader, so the request loader runs
    // on every request and `?user_id=2` wins over the session. Ours always has a user loader
    // (a compile-time requirement), and the chain is session first: the request loader is only
    // asked when nobody is logged in by cookie.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    let before = store.request_loads();
    assert_eq!(c.get("/username?user_id=steve").await.body, "notch");
    assert_eq!(store.request_loads(), before, "not consulted");
}

#[actix_rt::test]
async fn test_login_invalid_user_with_request__flask_2_8_items_82_83() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/secret?user_id=nobody").await.status, 401);
    assert_eq!(c.get("/username?user_id=").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_login_user_with_request_does_not_modify_session__flask_2_8_item_84() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/username?user_id=steve").await;
    assert_eq!(r.body, "steve");
    assert!(
        r.set_cookies().is_empty(),
        "no session, no remember cookie: {:?}",
        r.set_cookies()
    );
    assert_eq!(c.get("/username").await.body, "Anonymous", "not persisted");
}

#[actix_rt::test]
async fn test_invalid_remember_cookie_does_not_block_request_loader__flask_p17_901() {
    for bad in ["foo", "AAAA.AAAA", "bm90IGEgdG9rZW4.c2lnbmF0dXJl"] {
        let store = Store::new();
        let mut c = client!(builder().build().unwrap(), store);
        c.set_cookie("remember_token", bad);
        let r = c.get("/secret?user_id=steve").await;
        assert_eq!(r.body, "Secret: steve", "with remember cookie {bad:?}");
    }
}

#[actix_rt::test]
async fn test_remember_cookie_of_a_deleted_user_does_not_block_request_loader__flask_901() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    store.remove("notch");
    assert_eq!(c.get("/username?user_id=steve").await.body, "steve");
}

#[actix_rt::test]
async fn test_request_loaded_user_gets_no_cookies_even_with_stale_ones() {
    // A stale session and an invalid remember cookie: the request-loaded user's answer carries
    // no Set-Cookie for either (the request loader path never writes cookies).
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.set_cookie("remember_token", "garbage");
    let r = c.get("/username?user_id=steve").await;
    assert_eq!(r.body, "steve");
    assert!(
        r.set_cookie("session").is_none(),
        "no session cookie for a request-loaded user: {:?}",
        r.set_cookies()
    );
}
