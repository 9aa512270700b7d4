//! Cookie hygiene: deletion with the attributes the cookie was set with (Flask-Login #683, P2),
//! and no stale remember cookie after a user switch (P24).
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::{Cookie, SameSite};
use login_runtime::SessionProtection;
use login_tests::{Store, builder, client, is_removal};

/// Path, Domain, SameSite, Secure, HttpOnly.
type Attributes = (
    Option<String>,
    Option<String>,
    Option<SameSite>,
    Option<bool>,
    Option<bool>,
);

fn attributes(c: &Cookie<'_>) -> Attributes {
    (
        c.path().map(str::to_owned),
        c.domain().map(str::to_owned),
        c.same_site(),
        c.secure(),
        c.http_only(),
    )
}

#[actix_rt::test]
async fn test_logout_deletes_remember_cookie_with_same_attributes__flask_p2_683() {
    let store = Store::new();
    let manager = builder()
        .remember_cookie(|c| {
            c.path = "/app".into();
            c.domain = Some("example.com".into());
            c.same_site = SameSite::Strict;
        })
        .session_cookie(|c| c.same_site = SameSite::Strict)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let login = c.get("/login/notch?remember=true").await;
    let logout = c.get("/logout").await;
    for name in ["remember_token", "session"] {
        let set = login.set_cookie(name).unwrap();
        let deleted = logout.set_cookie(name).unwrap();
        assert!(is_removal(&deleted), "{name}: {deleted}");
        assert_eq!(deleted.value(), "");
        assert_eq!(attributes(&deleted), attributes(&set), "{name}");
        let raw = logout.raw_set_cookie(name).unwrap();
        assert!(raw.contains("Max-Age=0"), "{raw}");
    }
    let deleted = logout.set_cookie("remember_token").unwrap();
    assert_eq!(
        attributes(&deleted),
        (
            Some("/app".into()),
            Some("example.com".into()),
            Some(SameSite::Strict),
            Some(true),
            Some(true)
        )
    );
}

#[actix_rt::test]
async fn test_login_as_other_user_without_logout_never_restores_first__flask_p24() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/steve?remember=true").await;
    let r = c.get("/login/notch").await;
    assert!(
        r.set_cookie("remember_token").is_some_and(|c| is_removal(&c)),
        "{:?}",
        r.set_cookies()
    );
    c.restart_browser();
    assert_eq!(
        c.get("/username").await.body,
        "Anonymous",
        "steve must not come back"
    );

    // Switching with remember on both sides replaces the cookie.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/steve?remember=true").await;
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "notch");
}

#[actix_rt::test]
async fn test_user_switch_with_refresh_each_request_does_not_rewrite_old_cookie__flask_p24() {
    // With REFRESH_EACH_REQUEST, Flask-Login rewrites the old cookie to the new user, so a login
    // without remember becomes remembered (P24).
    let store = Store::new();
    let mut c = client!(
        builder().remember_refresh_each_request(true).build().unwrap(),
        store
    );
    c.get("/login/steve?remember=true").await;
    c.get("/login/notch").await;
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(r.set_cookie("remember_token").is_none(), "{:?}", r.set_cookies());
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_strong_protection_deletes_with_same_attributes__flask_p34() {
    let store = Store::new();
    let manager = builder()
        .session_protection(SessionProtection::Strong)
        .remember_cookie(|c| c.path = "/app".into())
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let login = c.get("/login/notch?remember=true").await;
    c.user_agent = "other".into();
    let r = c.get("/username").await;
    let deleted = r.set_cookie("remember_token").unwrap();
    assert!(is_removal(&deleted));
    assert_eq!(
        attributes(&deleted),
        attributes(&login.set_cookie("remember_token").unwrap())
    );
}

#[actix_rt::test]
async fn test_insecure_cookies_only_when_asked() {
    let store = Store::new();
    let mut c = client!(builder().secure_cookies(false).build().unwrap(), store);
    let r = c.get("/login/notch?remember=true").await;
    assert_eq!(r.set_cookie("session").unwrap().secure(), None);
    assert_eq!(r.set_cookie("remember_token").unwrap().secure(), None);
    let err = builder()
        .remember_cookie(|c| {
            c.same_site = SameSite::None;
            c.secure = false;
        })
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("SameSite=None without Secure"), "{err}");
}
