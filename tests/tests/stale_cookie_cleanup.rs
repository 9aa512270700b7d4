//! Stale and foreign cookies: a bad remember cookie or a stale session is removed whoever
//! ends up authenticating the request, and nobody else's cookie can hide ours. Each test
//! failed before its fix (found in the second review of `login-runtime/src/`).
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::header::{self, HeaderValue};
use actix_web::test::TestRequest;
use login_tests::{Store, builder, client, is_removal};

#[actix_rt::test]
async fn a_non_utf8_byte_in_another_cookie_does_not_hide_the_session() {
    let store = Store::new();
    let c = {
        let mut c = client!(builder().build().unwrap(), store);
        c.get("/login/notch").await;
        c
    };
    let mut line = b"tracker=\xff\xfe; session=".to_vec();
    line.extend_from_slice(c.cookie("session").unwrap().as_bytes());
    line.extend_from_slice(b"; other=\xe9t\xe9");
    let r = c
        .send_raw(
            TestRequest::get()
                .uri("/username")
                .insert_header((header::USER_AGENT, login_tests::DEFAULT_UA))
                .insert_header((header::COOKIE, HeaderValue::from_bytes(&line).unwrap())),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "notch", "the session is read past a non-UTF-8 neighbour");
}

#[actix_rt::test]
async fn a_non_utf8_session_value_counts_as_no_session() {
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let r = c
        .send_raw(TestRequest::get().uri("/username").insert_header((
            header::COOKIE,
            HeaderValue::from_bytes(b"session=\xff\xff\xff").unwrap(),
        )))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "Anonymous");
}

#[actix_rt::test]
async fn a_bad_remember_cookie_is_removed_even_while_the_session_is_valid() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch").await;
    c.set_cookie("remember_token", "garbage.garbage");
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    let removal = r
        .set_cookie("remember_token")
        .expect("the bad remember cookie is removed");
    assert!(is_removal(&removal), "{removal}");
    assert_eq!(c.get("/username").await.body, "notch", "the session is untouched");
}

#[actix_rt::test]
async fn a_good_remember_cookie_next_to_a_valid_session_is_kept() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    let r = c.get("/username").await;
    assert_eq!(r.body, "notch");
    assert!(r.set_cookie("remember_token").is_none(), "{:?}", r.set_cookies());
}

#[actix_rt::test]
async fn a_request_loaded_user_still_gets_the_stale_session_removed() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store.clone());
    c.get("/login/notch").await;
    store.remove("notch");
    let r = c.get("/username?user_id=steve").await;
    assert_eq!(r.body, "steve", "the request loader authenticates");
    let removal = r.set_cookie("session").expect("the stale session is removed");
    assert!(is_removal(&removal), "{removal}");
    assert!(r.set_cookie("remember_token").is_none());
}

#[actix_rt::test]
async fn a_request_loaded_user_still_gets_a_bad_remember_cookie_removed() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.set_cookie("remember_token", "garbage.garbage");
    let r = c.get("/username?user_id=steve").await;
    assert_eq!(r.body, "steve");
    let removal = r
        .set_cookie("remember_token")
        .expect("the bad remember cookie is removed");
    assert!(is_removal(&removal), "{removal}");
    assert!(
        r.set_cookie("session").is_none(),
        "no login cookie for a request-loaded user"
    );
}

#[actix_rt::test]
async fn a_request_loaded_user_on_a_cookieless_client_gets_no_cookie() {
    // Nothing to clean up: a request-loaded user on a cookie-less client gets no cookie at all.
    let store = Store::new();
    let c = client!(builder().build().unwrap(), store);
    let r = c
        .send_raw(TestRequest::get().uri("/username?user_id=steve"))
        .await;
    assert_eq!(r.body, "steve");
    assert!(r.set_cookies().is_empty(), "{:?}", r.set_cookies());
}

#[test]
fn a_non_ascii_login_view_is_a_startup_error_that_says_to_percent_encode() {
    let err = builder().login_view("/登录").build().unwrap_err().to_string();
    assert!(
        err.contains("non-ASCII") && err.contains("percent-encode"),
        "{err}"
    );
    assert!(builder().login_view("/%E7%99%BB%E5%BD%95").build().is_ok());
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

#[actix_rt::test]
async fn a_next_too_long_to_fit_next_to_the_login_is_dropped_not_the_login() {
    // `next` kept in the session (USE_SESSION_FOR_NEXT) next to a long user id: together they
    // would pass the 4 KiB browsers keep, which would silently end the login.
    let long_id = "u".repeat(1500);
    let store = Store::new();
    store.insert(login_tests::TestUser::new(&long_id));
    let manager = builder()
        .refresh_view("/reauth")
        .use_session_for_next(true)
        .build()
        .unwrap();
    let mut c = client!(manager, store);
    c.get(&format!("/login/{long_id}?fresh=false")).await;
    assert_eq!(c.get("/username").await.body, long_id);
    let r = c.get(&format!("/fresh?pad={}", "p".repeat(1900))).await;
    assert_eq!(r.status, 302, "not fresh: sent to re-authenticate");
    let session = c.cookie("session").unwrap();
    assert!(session.len() <= 4096, "{} bytes", session.len());
    assert_eq!(c.get("/username").await.body, long_id, "still logged in");
}
