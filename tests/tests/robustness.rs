//! Hostile cookies never cause a 5xx: tampered, truncated, garbage, oversized, non-UTF-8, signed
//! with another key or for another purpose. And routes that never touch login state get no
//! Set-Cookie and no `Vary: Cookie` (Flask-Login §2.5 item 58, P32).
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::test::TestRequest;
use login_runtime::{LoginManager, SessionProtection};
use login_tests::{Store, TestUser, builder, client};

/// Cookie values every decoder must survive.
fn hostile_values(valid: &str) -> Vec<String> {
    let (payload, tag) = valid.split_once('.').unwrap();
    let mut flipped = valid.as_bytes().to_vec();
    flipped[1] ^= 1;
    vec![
        String::new(),
        "garbage".into(),
        ".".into(),
        "a.b".into(),
        "AAAA.AAAA".into(),
        "%FF%FE.%00".into(),
        "\u{1F600}.x".into(),
        valid[..valid.len() / 2].into(),
        valid[..valid.len() - 1].into(),
        String::from_utf8_lossy(&flipped).into_owned(),
        format!("{payload}.{}", &tag[..tag.len() - 2]),
        format!("{payload}{payload}.{tag}"),
        format!("{tag}.{payload}"),
        format!("{valid}.{valid}"),
        "A".repeat(5000),
        format!("{payload}.{}", "A".repeat(8000)),
        "x".repeat(64 * 1024),
    ]
}

fn cookie_header(pairs: &[(&str, &str)]) -> HeaderValue {
    let line = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    HeaderValue::from_str(&line).unwrap_or_else(|_| HeaderValue::from_bytes(line.as_bytes()).unwrap())
}

fn managers() -> Vec<LoginManager<TestUser>> {
    [
        SessionProtection::Off,
        SessionProtection::Basic,
        SessionProtection::Strong,
    ]
    .into_iter()
    .map(|m| {
        builder()
            .login_view("/login")
            .session_protection(m)
            .build()
            .unwrap()
    })
    .collect()
}

#[actix_rt::test]
async fn test_hostile_session_and_remember_cookies_are_anonymous__flask_2_5_item_59() {
    for manager in managers() {
        let store = Store::new();
        let mut c = client!(manager.clone(), store);
        c.get("/login/notch?remember=true").await;
        let session = c.cookie("session").unwrap();
        let remember = c.cookie("remember_token").unwrap();
        let values: Vec<String> = hostile_values(&session)
            .into_iter()
            .chain(hostile_values(&remember))
            .collect();
        for value in &values {
            for name in ["session", "remember_token"] {
                for uri in [
                    "/username",
                    "/secret",
                    "/fresh",
                    "/state",
                    "/logout",
                    "/api/secret",
                ] {
                    let req = TestRequest::get()
                        .uri(uri)
                        .insert_header((COOKIE, cookie_header(&[(name, value)])));
                    let r = c.send_raw(req).await;
                    assert!(
                        r.status.as_u16() < 500,
                        "{uri} with {name}={value:.40}: {}",
                        r.status
                    );
                    if uri == "/username" {
                        assert_eq!(r.body, "Anonymous", "{name}={value:.40}");
                    }
                }
            }
        }
    }
}

#[actix_rt::test]
async fn test_cookie_of_one_purpose_is_not_accepted_as_the_other() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    let session = c.cookie("session").unwrap();
    let remember = c.cookie("remember_token").unwrap();
    let swapped = [
        ("session", remember.as_str()),
        ("remember_token", session.as_str()),
    ];
    let r = c
        .send_raw(
            TestRequest::get()
                .uri("/username")
                .insert_header((COOKIE, cookie_header(&swapped))),
        )
        .await;
    assert_eq!(r.body, "Anonymous");
}

#[actix_rt::test]
async fn test_cookie_signed_with_another_key_is_refused() {
    let store = Store::new();
    let other = LoginManager::<TestUser>::builder("another key, also long enough for the check")
        .build()
        .unwrap();
    let notch = store.get("notch");
    let forged = other.test_login(&notch);
    let mut c = client!(builder().build().unwrap(), store);
    c.set_cookie("session", forged.session_cookie().value());
    assert_eq!(c.get("/username").await.body, "Anonymous");
    c.delete_cookie("session");
    c.set_cookie(
        "remember_token",
        forged.remember_cookie(std::time::Duration::from_secs(60)).value(),
    );
    assert_eq!(c.get("/username").await.body, "Anonymous");
}

#[actix_rt::test]
async fn test_non_utf8_and_malformed_cookie_headers_never_5xx() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let raw: Vec<&[u8]> = vec![
        b"session=\xff\xfe\xfd",
        b"remember_token=\xc3\x28; session=\x80",
        b"session",
        b"=",
        b";;;;",
        b"session=a; session=b; session=c",
        b"remember_token=\"quoted\"",
        b"session=%",
    ];
    for bytes in raw {
        let req = TestRequest::get()
            .uri("/username")
            .insert_header((COOKIE, HeaderValue::from_bytes(bytes).unwrap()));
        let r = c.send_raw(req).await;
        assert_eq!(r.status, 200, "{:?}", String::from_utf8_lossy(bytes));
        assert_eq!(r.body, "Anonymous");
    }
}

#[actix_rt::test]
async fn test_session_not_modified__flask_2_5_item_58_p32() {
    let store = Store::new();
    let mut c = client!(
        builder()
            .session_protection(SessionProtection::Basic)
            .build()
            .unwrap(),
        store
    );
    // Anonymous and logged in, a route that never touches login state: no Set-Cookie, no Vary.
    for _ in 0..2 {
        let r = c.get("/").await;
        assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
        assert!(r.header("vary").is_none(), "{:?}", r.header("vary"));
        c.get("/login/notch?remember=true").await;
    }
    // A route that reads the login state varies on Cookie but does not rewrite unchanged cookies.
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
    assert!(
        r.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("cookie"))
    );
}

#[actix_rt::test]
async fn test_garbage_cookies_on_untouched_routes_are_ignored() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let req = TestRequest::get().uri("/").insert_header((
        COOKIE,
        cookie_header(&[("session", "garbage"), ("remember_token", "junk")]),
    ));
    let r = c.send_raw(req).await;
    assert_eq!(r.status, 200);
    assert!(r.set_cookies().is_empty());
}
