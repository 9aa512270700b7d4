//! Logging in and out (Flask-Login §2.2, `login_user` and `logout_user`, and §2.4 items 29-31):
//! who is current in the same request and the next, inactive and forced logins, the signals, and
//! a login that ends when its user is gone. (A password change: `auth_hash.rs`.)
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use login_tests::{Events, Store, builder, client};

#[actix_rt::test]
async fn test_defaults_anonymous__flask_2_2_item_8() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username").await.body, "Anonymous");
    assert_eq!(
        c.get("/state").await.body,
        "user=Anonymous fresh=false remembered=false restored=false"
    );
}

#[actix_rt::test]
async fn test_test_request_context_users_are_anonymous__flask_2_2_item_7() {
    // A request with no cookies at all (Flask's bare request context) is anonymous, and a guard
    // refuses it.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/secret").await.status, 401);
}

#[actix_rt::test]
async fn test_login_user__flask_2_2_item_9() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/notch").await;
    assert_eq!(r.status, 200);
    // The user is current in the same request, and the login is fresh.
    assert_eq!(
        r.body,
        "logged in; user=notch fresh=true remembered=false restored=false"
    );
}

#[actix_rt::test]
async fn test_login_user_not_fresh__flask_2_2_item_10() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/notch?fresh=false").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("user=notch fresh=false"), "{}", r.body);
    assert!(c.get("/state").await.body.starts_with("user=notch fresh=false"));
}

#[actix_rt::test]
async fn test_login_user_emits_signal__flask_2_2_item_11() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(events.count("logged_in:notch"), 1);
    assert_eq!(
        events.all().iter().filter(|e| e.starts_with("logged_in")).count(),
        1
    );
}

#[actix_rt::test]
async fn test_login_inactive_user__flask_2_2_item_12() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    let r = c.get("/login/creeper").await;
    assert_eq!(r.status, 403);
    assert!(
        r.body
            .ends_with("user=Anonymous fresh=false remembered=false restored=false"),
        "{}",
        r.body
    );
    assert!(
        r.set_cookie("session").is_none(),
        "a refused login writes no session"
    );
    assert_eq!(events.count("logged_in:creeper"), 0);
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_login_inactive_user_forced__flask_2_2_item_13() {
    // Forced in, but an inactive user is not authenticated (UserMixin.is_authenticated returns
    // is_active), so guards still refuse it, as Flask-Login's `login_required` does.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/creeper?force=true").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.set_cookie("session").is_some(), "the forced login is written");
    assert_eq!(c.get("/secret").await.status, 401);
}

#[actix_rt::test]
async fn test_login_user_with_request__flask_2_2_item_14() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username?user_id=steve").await.body, "steve");
}

#[actix_rt::test]
async fn test_login_invalid_user_with_request__flask_2_2_item_15() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/username?user_id=nobody").await.body, "Anonymous");
    assert_eq!(c.get("/secret?user_id=nobody").await.status, 401);
}

#[actix_rt::test]
async fn test_logout_logs_out_current_user__flask_2_2_item_16() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    let r = c.get("/logout").await;
    assert_eq!(
        r.body,
        "logged out; user=Anonymous fresh=false remembered=false restored=false"
    );
}

#[actix_rt::test]
async fn test_logout_emits_signal__flask_2_2_item_17() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    c.get("/login/notch").await;
    events.clear();
    c.get("/logout").await;
    assert_eq!(events.count("logged_out:notch"), 1);
    assert_eq!(
        events
            .all()
            .iter()
            .filter(|e| e.starts_with("logged_out"))
            .count(),
        1
    );
}

#[actix_rt::test]
async fn test_logout_without_current_user__flask_2_2_item_18_and_p25() {
    // Logging out while anonymous still succeeds and sends `logged_out` once, without a user.
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(events.attach(builder()).build().unwrap(), store);
    let r = c.get("/logout").await;
    assert_eq!(r.status, 200);
    assert_eq!(events.count("logged_out:-"), 1);
    assert!(
        r.set_cookies().is_empty(),
        "nothing to delete: {:?}",
        r.set_cookies()
    );
}

#[actix_rt::test]
async fn test_login_persists__flask_2_4_item_29() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(c.get("/username").await.body, "notch");
    assert_eq!(c.get("/secret").await.body, "Secret: notch");
}

#[actix_rt::test]
async fn test_logout_persists__flask_2_4_item_30() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    c.get("/logout").await;
    assert_eq!(c.cookie("session"), None, "the session cookie was deleted");
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_incorrect_id_logs_out__flask_2_4_item_31_and_p8() {
    // Flask-Login keeps the stale id and asks the loader again on every request (P8, #363); we
    // end the login for good: the session cookie is deleted and the loader is not asked again.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    store.remove("notch");
    let r = c.get("/username").await;
    assert_eq!(r.body, "Anonymous");
    assert!(
        r.set_cookie("session")
            .is_some_and(|s| login_tests::is_removal(&s))
    );
    let loads = store.loads();
    assert_eq!(c.get("/username").await.body, "Anonymous");
    assert_eq!(store.loads(), loads, "no second lookup of a gone user");
}

#[actix_rt::test]
async fn test_login_user_keeps_no_stale_state__flask_p18() {
    // Flask-Login's `login_user` keeps every other session key, including a stale `next` (P18).
    // Ours replaces the login state: a `next` kept in the session before the login is gone.
    let store = Store::new();
    let mut c = client!(
        builder()
            .login_view("/login")
            .use_session_for_next(true)
            .build()
            .unwrap(),
        store
    );
    assert_eq!(c.get("/secret").await.status, 302);
    c.get("/login/notch").await;
    assert_eq!(c.get("/next").await.body, "none");
}
