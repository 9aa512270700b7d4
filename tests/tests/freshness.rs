//! Fresh logins (Flask-Login §2.4 item 32, §2.5, §2.7 item 75): a login is fresh until it is
//! restored from the remember cookie; `#[fresh_login_required]` refuses a non-fresh login with the
//! `needs_refresh` handler, a redirect to the refresh view (with its message) or a 401;
//! `confirm_login` makes the login fresh again; `max_age` bounds how old a fresh login may be.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::HttpResponse;
use login_runtime::{MessageKind, Refusal};
use login_tests::{Store, builder, client};

#[actix_rt::test]
async fn test_authentication_is_fresh__flask_2_4_item_32() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(
        c.get("/state").await.body,
        "user=notch fresh=true remembered=false restored=false"
    );
}

#[actix_rt::test]
async fn test_needs_refresh_uses_handler__flask_2_5_item_49() {
    let store = Store::new();
    let manager = builder()
        .refresh_view("/reauth")
        .needs_refresh_handler(|_, refusal| {
            assert_eq!(refusal.refusal(), Refusal::NeedsRefresh);
            HttpResponse::Forbidden().body("Needs refresh!")
        })
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch?fresh=false").await;
    let r = c.get("/fresh").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body, "Needs refresh!");
}

#[actix_rt::test]
async fn test_needs_refresh_fires_flash_when_redirect_to_refresh_view__flask_2_5_items_51_52() {
    let store = Store::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let manager = builder()
        .refresh_view("/reauth")
        .refresh_message(Some("Please reauthenticate to access this page."), "info")
        .localize(|t| t.to_uppercase())
        .on_message(move |_, m, _| {
            log.lock()
                .unwrap()
                .push((m.kind, m.text.clone(), m.category.clone()))
        })
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch?fresh=false").await;
    assert_eq!(c.get("/fresh").await.status, 302);
    assert_eq!(
        *seen.lock().unwrap(),
        vec![(
            MessageKind::Refresh,
            "PLEASE REAUTHENTICATE TO ACCESS THIS PAGE.".to_owned(),
            "info".to_owned()
        )]
    );
}

#[actix_rt::test]
async fn test_needs_refresh_aborts_401__flask_2_5_item_53_p14() {
    let store = Store::new();
    let mut c = client!(builder().login_view("/login").build().unwrap(), store);
    c.get("/login/notch?fresh=false").await;
    let r = c.get("/fresh").await;
    assert_eq!(r.status, 401, "no refresh view: 401, not the login view");
    assert_eq!(r.location(), None);
}

#[actix_rt::test]
async fn test_redirects_to_refresh_view__flask_2_5_item_54() {
    let store = Store::new();
    let mut c = client!(
        builder()
            .login_view("/login")
            .refresh_view("/refresh-view")
            .build()
            .unwrap(),
        store
    );
    c.get("/login/notch?fresh=false").await;
    let r = c.get("/fresh").await;
    assert_eq!(r.status, 302);
    assert_eq!(r.location(), Some("/refresh-view?next=%2Ffresh"));
    // Anonymous clients still go to the login view.
    c.get("/logout").await;
    assert_eq!(c.get("/fresh").await.location(), Some("/login?next=%2Ffresh"));
}

#[actix_rt::test]
async fn test_refresh_with_next_in_session__flask_2_5_item_55_p28() {
    let store = Store::new();
    let manager = builder()
        .refresh_view("/refresh-view")
        .use_session_for_next(true)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch?fresh=false").await;
    let r = c.get("/fresh?q=1").await;
    assert_eq!(r.location(), Some("/refresh-view"));
    assert_eq!(c.get("/next").await.body, "/fresh?q=1");
    assert_eq!(
        c.get("/username").await.body,
        "notch",
        "keeping next kept the login"
    );
}

#[actix_rt::test]
async fn test_confirm_login__flask_2_5_item_56() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    assert_eq!(c.get("/fresh").await.status, 401, "restored: not fresh");
    let r = c.get("/confirm").await;
    assert_eq!(
        r.body,
        "confirmed=true; user=notch fresh=true remembered=true restored=false"
    );
    assert_eq!(c.get("/fresh").await.body, "Fresh: notch");
    assert!(c.get("/state").await.body.contains("remembered=true"));
}

#[actix_rt::test]
async fn test_confirm_login_when_anonymous_confirms_nothing() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/confirm").await;
    assert!(r.body.starts_with("confirmed=false"), "{}", r.body);
    assert!(r.set_cookies().is_empty());
}

#[actix_rt::test]
async fn test_fresh_login_required_decorator__flask_2_7_item_75() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    assert_eq!(c.get("/fresh").await.status, 401, "anonymous");
    c.get("/login/notch?remember=true").await;
    assert_eq!(c.get("/fresh").await.body, "Fresh: notch", "fresh login");
    c.restart_browser();
    assert_eq!(c.get("/fresh").await.status, 401, "restored, no refresh view");
    c.get("/confirm").await;
    assert_eq!(c.get("/fresh").await.status, 200, "confirmed");
}

#[actix_rt::test]
async fn test_fresh_login_max_age__beyond_flask_4_7() {
    let store = Store::new();
    let mut c = client!(builder().refresh_view("/reauth").build().unwrap(), store);
    c.get("/login/notch").await;
    assert_eq!(c.get("/fresh-1s").await.status, 200);
    actix_rt::time::sleep(Duration::from_millis(2100)).await;
    let r = c.get("/fresh-1s").await;
    assert_eq!(
        r.location(),
        Some("/reauth?next=%2Ffresh-1s"),
        "too old for max_age"
    );
    assert_eq!(c.get("/fresh").await.status, 200, "still fresh without max_age");
    c.get("/confirm").await;
    assert_eq!(
        c.get("/fresh-1s").await.status,
        200,
        "confirm_login renews the proof"
    );
}
