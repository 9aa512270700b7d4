//! Stale cookies are removed whoever ends up authenticating the request: a bad remember cookie
//! next to a valid session, and a stale session or a bad remember cookie on a request the request
//! loader authenticates (which itself never gets a login cookie). A good remember cookie is left
//! alone, and a cookieless client gets no cookie at all.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::test::TestRequest;
use login_tests::{Store, builder, client, is_removal};

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
