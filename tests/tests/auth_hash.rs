//! The auth hash (`#[user(auth_hash)]`, here the password): a password change ends every login
//! of the user, sessions and remember cookies alike, on every device; `update_auth_hash` keeps
//! the login that made the change (and re-signs its remember cookie) but never revives a remember
//! cookie from before an earlier change.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::test;
use login_tests::{Store, builder, client};

use crate::support::member_app::{Jar, app, body, manager, set_password};

#[actix_rt::test]
async fn test_password_change_ends_the_login__beyond_flask_auth_hash() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/notch?remember=true").await;
    store.set_password("notch", "changed");
    assert_eq!(c.get("/username").await.body, "Anonymous");
    c.restart_browser();
    assert_eq!(
        c.get("/username").await.body,
        "Anonymous",
        "the remember cookie died too"
    );
}

#[actix_rt::test]
async fn a_password_change_elsewhere_ends_every_session_and_remember_cookie() {
    set_password("victim", "old");
    let app = app!(manager(|b| b));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/victim/true").to_request()).await;
    jar.absorb(&res);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "victim");

    set_password("victim", "new"); // changed on another device
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    jar.absorb(&res);
    assert_eq!(body(res).await, "anonymous", "the session must end");
    assert!(
        !jar.0.borrow().contains_key("remember_token"),
        "the remember cookie must be deleted"
    );
}

#[actix_rt::test]
async fn a_stolen_remember_cookie_dies_with_the_password_change() {
    set_password("stolen", "old");
    let app = app!(manager(|b| b));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/stolen/true").to_request()).await;
    jar.absorb(&res);
    let remember = jar
        .0
        .borrow()
        .get("remember_token")
        .cloned()
        .expect("remember cookie");
    set_password("stolen", "new");
    let thief = Jar::default();
    thief.put("remember_token", remember);
    let res = test::call_service(&app, thief.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous");
}

#[actix_rt::test]
async fn update_auth_hash_keeps_the_current_login_and_its_remember_cookie() {
    set_password("keeper", "old");
    let app = app!(manager(|b| b));
    let me = Jar::default();
    let other_device = Jar::default();
    for jar in [&me, &other_device] {
        let res = test::call_service(&app, jar.request("/login/keeper/true").to_request()).await;
        jar.absorb(&res);
    }
    let res = test::call_service(&app, me.request("/password/new").to_request()).await;
    me.absorb(&res);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body(res).await, "kept=true");

    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    me.absorb(&res);
    assert_eq!(
        body(res).await,
        "keeper",
        "this session survives its own password change"
    );
    me.forget("session");
    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    assert_eq!(
        body(res).await,
        "keeper",
        "and so does its re-signed remember cookie"
    );

    let res = test::call_service(&app, other_device.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous", "the other device is logged out");
}

#[actix_rt::test]
async fn update_auth_hash_never_revives_a_remember_cookie_from_before_an_earlier_change() {
    set_password("reviver", "first");
    let app = app!(manager(|b| b));
    let me = Jar::default();
    let res = test::call_service(&app, me.request("/login/reviver/true").to_request()).await;
    me.absorb(&res);
    let stale = me.0.borrow()["remember_token"].clone();
    let res = test::call_service(&app, me.request("/password/second").to_request()).await;
    me.absorb(&res);
    assert_eq!(body(res).await, "kept=true");

    // The remember cookie from before the first change is planted back into this browser,
    // and the password changes again: the stale cookie must not be re-signed.
    me.put("remember_token", stale);
    let res = test::call_service(&app, me.request("/password/third").to_request()).await;
    let removed = res
        .response()
        .cookies()
        .find(|c| c.name() == "remember_token")
        .is_some_and(|c| c.max_age().is_some_and(|a| a.is_zero()));
    me.absorb(&res);
    assert_eq!(body(res).await, "kept=true", "the session itself is kept");
    assert!(removed, "the stale remember cookie is removed, not re-signed");
    me.forget("session");
    let res = test::call_service(&app, me.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous");
}
