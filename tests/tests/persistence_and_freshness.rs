//! Flask-Login §2.4 and §2.5: remember me, cookie attributes and expiry, freshness,
//! `confirm_login`, `#[fresh_login_required]` and `max_age`.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::cookie::{Cookie, SameSite};
use login_runtime::{MessageKind, Refusal, parse_duration};
use login_tests::{Store, builder, client, is_removal};

const YEAR: i64 = 365 * 86_400;

/// Asserts that `cookie` lives `secs` seconds: Max-Age and Expires, within 10 seconds.
fn assert_lifetime(cookie: &Cookie<'_>, secs: i64) {
    let max_age = cookie.max_age().expect("a Max-Age").whole_seconds();
    assert!((max_age - secs).abs() <= 10, "Max-Age {max_age}, expected {secs}");
    let expires = cookie.expires_datetime().expect("an Expires");
    let expected = OffsetDateTime::now_utc() + CookieDuration::seconds(secs);
    assert!(
        (expires - expected).abs() <= CookieDuration::seconds(10),
        "Expires {expires}"
    );
}

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
async fn test_default_remember_cookie_attributes__flask_p1() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/notch?remember=true").await;
    let cookie = r.set_cookie("remember_token").unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(
        cookie.secure(),
        Some(true),
        "Secure by default, unlike Flask-Login"
    );
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_eq!(cookie.domain(), None);
    assert_lifetime(&cookie, YEAR);
    let session = r.set_cookie("session").unwrap();
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.secure(), Some(true));
    assert_eq!(session.same_site(), Some(SameSite::Lax));
    assert_eq!(session.path(), Some("/"));
    assert_eq!(
        session.max_age(),
        None,
        "the session cookie lasts for the browser session"
    );
    assert_eq!(session.expires_datetime(), None);
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
async fn test_needs_refresh_uses_handler__flask_2_5_item_49() {
    let store = Store::new();
    let manager = builder()
        .refresh_view("/reauth")
        .needs_refresh_handler(|_, refusal| {
            assert_eq!(refusal, Refusal::NeedsRefresh);
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
async fn test_user_id_with_pipe_round_trips__flask_p16() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/a%7Cb?remember=true").await;
    assert_eq!(c.get("/username").await.body, "a|b");
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "a|b");
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
