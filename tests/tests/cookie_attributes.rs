//! The attributes of the login cookies: the defaults (Secure, HttpOnly, SameSite=Lax, Path=/, a
//! session cookie that lasts for the browser session; Flask-Login P1), insecure cookies only when
//! asked, deletion with exactly the attributes a cookie was set with (Flask-Login #683, P2, P34),
//! and `__Host-`/`__Secure-` names, which must keep their prefix's rules.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::test::TestRequest;
use login_runtime::SessionProtection;
use login_tests::{Resp, Store, assert_lifetime, builder, client, cookie_header, is_removal};

const YEAR: i64 = 365 * 86_400;

/// `GET uri` with the login cookies `login` set, sent by hand: a browser would not send a
/// `Path=/app` or `Domain=example.com` cookie to `/` on this host, and these tests look at
/// what the server answers to them anyway.
fn with_login_cookies(uri: &str, login: &Resp) -> TestRequest {
    let values: Vec<(&str, String)> = ["remember_token", "session"]
        .into_iter()
        .map(|name| (name, login.set_cookie(name).unwrap().value().to_owned()))
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    TestRequest::get()
        .uri(uri)
        .insert_header((header::COOKIE, cookie_header(&pairs)))
}

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
    let logout = c.send_raw(with_login_cookies("/logout", &login)).await;
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
async fn test_strong_protection_deletes_with_same_attributes__flask_p34() {
    let store = Store::new();
    let manager = builder()
        .session_protection(SessionProtection::Strong)
        .remember_cookie(|c| c.path = "/app".into())
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    let login = c.get("/login/notch?remember=true").await;
    let other = with_login_cookies("/username", &login).insert_header((header::USER_AGENT, "other"));
    let r = c.send_raw(other).await;
    let deleted = r.set_cookie("remember_token").unwrap();
    assert!(is_removal(&deleted));
    assert_eq!(
        attributes(&deleted),
        attributes(&login.set_cookie("remember_token").unwrap())
    );
}

#[test]
fn host_prefixed_cookie_names_must_keep_the_prefix_rules() {
    let err = builder()
        .session_cookie(|c| c.name = "__Host-session".into())
        .secure_cookies(false)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`__Host-session`") && err.contains("Secure"),
        "{err}"
    );
    let err = builder()
        .remember_cookie(|c| {
            c.name = "__Host-remember".into();
            c.domain = Some("example.com".into());
        })
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("no domain"), "{err}");
    let err = builder()
        .session_cookie(|c| c.name = "__Secure-session".into())
        .secure_cookies(false)
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("`__Secure-` prefix"), "{err}");
}

#[actix_rt::test]
async fn host_prefixed_cookie_names_log_in_and_remember() {
    let manager = builder()
        .session_cookie(|c| c.name = "__Host-session".into())
        .remember_cookie(|c| c.name = "__Host-remember_token".into())
        .build()
        .unwrap();
    let store = Store::new();
    let mut c = client!(manager, store);
    c.get("/login/notch?remember=true").await;
    assert_eq!(c.get("/username").await.body, "notch");
    c.delete_cookie("__Host-session");
    assert_eq!(
        c.get("/username").await.body,
        "notch",
        "restored from the remember cookie"
    );
    let names = c.cookie_names();
    assert!(names.contains(&"__Host-session".to_owned()), "{names:?}");
}
