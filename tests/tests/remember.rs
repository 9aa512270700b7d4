//! Remember me (Flask-Login §2.4): the remember cookie restores a login after the browser drops
//! its session cookie, for the configured or the per-login duration; it is re-issued only when
//! `remember_refresh_each_request` asks for it, deleted on logout, and never restores the previous
//! user after a user switch (P24). A tampered or expired remember cookie restores nobody, and
//! another user's remember cookie does not make a session login "remembered" (P23).
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use login_runtime::parse_duration;
use login_tests::{Store, assert_lifetime, builder, client, is_removal};

#[actix_rt::test]
async fn test_remember_me__flask_2_4_items_33_44() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/notch?remember=true").await;
    assert!(r.body.contains("remembered=true"), "{}", r.body);
    c.restart_browser();
    let r = c.get("/state").await;
    assert_eq!(r.body, "user=notch fresh=false remembered=true restored=true");
    // The restored login gets a new session cookie; later requests use it.
    assert!(r.set_cookie("session").is_some_and(|s| !is_removal(&s)));
    assert_eq!(
        c.get("/state").await.body,
        "user=notch fresh=false remembered=true restored=false"
    );
}

#[actix_rt::test]
async fn test_remember_me_custom_duration__flask_2_4_item_34() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/notch?remember=true&duration=60").await;
    assert_lifetime(&r.set_cookie("remember_token").unwrap(), 60);
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "notch");
}

#[actix_rt::test]
async fn test_remember_me_uses_custom_cookie_parameters__flask_2_4_item_35() {
    let store = Store::new();
    let manager = builder()
        .remember_cookie(|c| {
            c.name = "remember".into();
            c.domain = Some("localhost.local".into());
            c.path = "/mypath".into();
        })
        .remember_duration(Duration::from_secs(172_800))
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let r = c.get("/login/notch?remember=true").await;
    let cookie = r
        .set_cookie("remember")
        .expect("the remember cookie under its custom name");
    assert_eq!(cookie.domain(), Some("localhost.local"));
    assert_eq!(cookie.path(), Some("/mypath"));
    assert_lifetime(&cookie, 172_800);
    assert!(r.set_cookie("remember_token").is_none());
}

#[actix_rt::test]
async fn test_remember_me_custom_duration_uses_custom_cookie__flask_2_4_item_36() {
    let store = Store::new();
    let manager = builder()
        .remember_duration(Duration::from_secs(172_800))
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let r = c.get("/login/notch?remember=true&duration=25200").await;
    assert_lifetime(&r.set_cookie("remember_token").unwrap(), 7 * 3600);
}

#[actix_rt::test]
async fn test_remember_me_accepts_duration_as_int__flask_2_4_item_37() {
    // `REMEMBER_COOKIE_DURATION = 172800` (seconds): `parse_duration` takes a bare number.
    let secs = parse_duration("172800").unwrap();
    let store = Store::new();
    let mut c = client!(builder().remember_duration(secs).build().unwrap(), store);
    let r = c.get("/login/notch?remember=true").await;
    assert_lifetime(&r.set_cookie("remember_token").unwrap(), 172_800);
}

#[actix_rt::test]
async fn test_remember_me_with_invalid_duration_is_a_startup_error__flask_2_4_items_38_40() {
    // Flask-Login answers the login with a 500; ours refuses to build.
    let err = parse_duration("123 days").unwrap_err().to_string();
    assert!(err.contains("is not a duration"), "{err}");
    let err = builder()
        .remember_duration(Duration::ZERO)
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("remember duration"), "{err}");
}

#[actix_rt::test]
async fn test_remember_me_no_refresh_every_request__flask_2_4_item_42() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    let before = c.cookie("remember_token");
    c.restart_browser();
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(r.set_cookie("remember_token").is_none(), "not re-issued");
    assert!(c.get("/username").await.set_cookie("remember_token").is_none());
    assert_eq!(c.cookie("remember_token"), before);
}

#[actix_rt::test]
async fn test_remember_me_refresh_each_request__flask_2_4_item_43_p10() {
    let store = Store::new();
    let manager = builder()
        .remember_refresh_each_request(true)
        .remember_duration(Duration::from_secs(3600))
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch?remember=true").await;
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert_lifetime(&r.set_cookie("remember_token").expect("re-issued"), 3600);
    c.restart_browser();
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(
        r.set_cookie("remember_token").is_some(),
        "re-issued after a restore too"
    );
}

#[actix_rt::test]
async fn test_refresh_each_request_never_creates_a_remember_cookie__flask_p9_824() {
    let store = Store::new();
    let manager = builder().remember_refresh_each_request(true).build().unwrap();
    let mut c = client!(manager, store);
    let r = c.get("/login/notch").await;
    assert!(r.set_cookie("remember_token").is_none());
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(
        r.set_cookie("remember_token").is_none(),
        "no remember cookie for a login without remember"
    );
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_refresh_each_request_does_not_touch_unrelated_routes() {
    let store = Store::new();
    let manager = builder().remember_refresh_each_request(true).build().unwrap();
    let mut c = client!(manager, store);
    c.get("/login/notch?remember=true").await;
    let r = c.get("/").await;
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
}

#[actix_rt::test]
async fn test_logout_stays_logged_out_with_remember_me__flask_2_4_items_47_48_p3() {
    for uri in [
        "/login/notch?remember=true",
        "/login/notch?remember=true&duration=60",
    ] {
        let store = Store::new();
        let mut c = client!(builder().build().unwrap(), store);
        c.get(uri).await;
        let r = c.get("/logout").await;
        assert!(r.set_cookie("remember_token").is_some_and(|c| is_removal(&c)));
        assert!(r.set_cookie("session").is_some_and(|c| is_removal(&c)));
        assert_eq!(c.get("/username").await.body, "Anonymous");
        c.restart_browser();
        assert_eq!(c.get("/username").await.body, "Anonymous");
    }
}

#[actix_rt::test]
async fn test_login_then_logout_in_one_request_sets_no_remember_cookie__flask_p4() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login-then-logout/notch").await;
    assert_eq!(
        r.body,
        "user=Anonymous fresh=false remembered=false restored=false"
    );
    assert!(r.set_cookie("remember_token").is_none(), "{:?}", r.set_cookies());
    assert!(r.set_cookie("session").is_none(), "{:?}", r.set_cookies());
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
async fn test_invalid_remember_cookie__flask_2_5_item_59_p15() {
    // A garbage or tampered remember cookie gives an anonymous user. Flask-Login leaves the bad
    // cookie in place (P15); we delete it.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.set_cookie("remember_token", "foo");
    let r = c.get("/username").await;
    assert_eq!(r.body, "Anonymous");
    assert!(r.set_cookie("remember_token").is_some_and(|c| is_removal(&c)));
    assert!(r.set_cookie("session").is_none());

    c.get("/login/notch?remember=true").await;
    let good = c.cookie("remember_token").unwrap();
    let (payload, tag) = good.split_once('.').unwrap();
    let mut bytes = payload.as_bytes().to_vec();
    bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{}.{tag}", String::from_utf8(bytes).unwrap());
    c.delete_cookie("session");
    c.set_cookie("remember_token", &tampered);
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_login_remembered_only_for_the_same_user__flask_p23() {
    // Flask-Login says "remembered" for a valid cookie of another user (P23); we do not.
    let store = Store::new();
    let manager = builder().build().unwrap();
    let mut c = client!(manager.clone(), store);
    let notch = manager.test_login(&store.get("notch"));
    let steve = manager.test_login(&store.get("steve"));
    c.set_cookie("session", notch.session_cookie().value());
    c.set_cookie(
        "remember_token",
        steve.remember_cookie(Duration::from_secs(60)).value(),
    );
    assert_eq!(
        c.get("/state").await.body,
        "user=notch fresh=true remembered=false restored=false"
    );
}

#[actix_rt::test]
async fn test_remember_cookie_expiry_is_inside_the_signature__beyond_flask_4_1() {
    // A client that ignores Max-Age/Expires still cannot use the cookie after its deadline.
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true&duration=1").await;
    actix_rt::time::sleep(Duration::from_millis(2100)).await;
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "Anonymous");
}
