//! The auth hash (`#[user(auth_hash)]`, here the password): a password change ends every login
//! of the user, sessions and remember cookies alike, on every device; `update_auth_hash` keeps
//! the login that made the change (and re-signs its remember cookie) but never revives a remember
//! cookie from before an earlier change.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use login_runtime::test::TestClient;
use login_tests::{Store, builder, client};

use crate::support::member_app::{app, manager, set_password};

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
    let mut jar = TestClient::new();
    jar.get(&app, "/login/victim/true").await;
    assert_eq!(jar.get(&app, "/whoami").await.text(), "victim");

    set_password("victim", "new"); // changed on another device
    assert_eq!(
        jar.get(&app, "/whoami").await.text(),
        "anonymous",
        "the session must end"
    );
    assert_eq!(
        jar.cookie("remember_token"),
        None,
        "the remember cookie must be deleted"
    );
}

#[actix_rt::test]
async fn a_stolen_remember_cookie_dies_with_the_password_change() {
    set_password("stolen", "old");
    let app = app!(manager(|b| b));
    let mut jar = TestClient::new();
    jar.get(&app, "/login/stolen/true").await;
    let remember = jar.cookie("remember_token").expect("remember cookie");
    set_password("stolen", "new");
    let mut thief = TestClient::new();
    thief.set_cookie("remember_token", &remember);
    assert_eq!(thief.get(&app, "/whoami").await.text(), "anonymous");
}

#[actix_rt::test]
async fn update_auth_hash_keeps_the_current_login_and_its_remember_cookie() {
    set_password("keeper", "old");
    let app = app!(manager(|b| b));
    let mut me = TestClient::new();
    let mut other_device = TestClient::new();
    for jar in [&mut me, &mut other_device] {
        jar.get(&app, "/login/keeper/true").await;
    }
    let res = me.get(&app, "/password/new").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), "kept=true");

    assert_eq!(
        me.get(&app, "/whoami").await.text(),
        "keeper",
        "this session survives its own password change"
    );
    me.remove_cookie("session");
    assert_eq!(
        me.get(&app, "/whoami").await.text(),
        "keeper",
        "and so does its re-signed remember cookie"
    );

    assert_eq!(
        other_device.get(&app, "/whoami").await.text(),
        "anonymous",
        "the other device is logged out"
    );
}

#[actix_rt::test]
async fn update_auth_hash_never_revives_a_remember_cookie_from_before_an_earlier_change() {
    set_password("reviver", "first");
    let app = app!(manager(|b| b));
    let mut me = TestClient::new();
    me.get(&app, "/login/reviver/true").await;
    let stale = me.cookie("remember_token").expect("remember cookie");
    assert_eq!(me.get(&app, "/password/second").await.text(), "kept=true");

    // The remember cookie from before the first change is planted back into this browser,
    // and the password changes again: the stale cookie must not be re-signed.
    me.set_cookie("remember_token", &stale);
    let res = me.get(&app, "/password/third").await;
    let removed = res
        .set_cookie("remember_token")
        .is_some_and(|c| c.max_age().is_some_and(|a| a.is_zero()));
    assert_eq!(res.text(), "kept=true", "the session itself is kept");
    assert!(removed, "the stale remember cookie is removed, not re-signed");
    me.remove_cookie("session");
    assert_eq!(me.get(&app, "/whoami").await.text(), "anonymous");
}
