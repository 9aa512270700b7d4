//! Idle and absolute timeouts: a session login ends after `idle_timeout` without a request, and
//! after `absolute_timeout` however active it is (a remember cookie then starts a new login); a
//! zero timeout is a start-up error.

use std::time::Duration;

use actix_web::test;
use login_runtime::LoginManager;

use crate::support::member_app::{Jar, Member, app, body, manager, set_password};

#[actix_rt::test]
async fn idle_timeout_ends_a_session_login_after_inactivity() {
    set_password("idle", "pw");
    let app = app!(manager(|b| b.idle_timeout(Duration::from_secs(1))));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/idle/false").to_request()).await;
    jar.absorb(&res);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    jar.absorb(&res);
    assert_eq!(body(res).await, "idle");
    actix_rt::time::sleep(Duration::from_millis(2500)).await;
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "anonymous", "an idle session must end");
}

#[actix_rt::test]
async fn absolute_timeout_ends_a_login_even_when_active_but_remember_me_restores_it() {
    set_password("abs", "pw");
    let app = app!(manager(|b| b.absolute_timeout(Duration::from_secs(1))));
    let jar = Jar::default();
    let res = test::call_service(&app, jar.request("/login/abs/true").to_request()).await;
    jar.absorb(&res);
    let session_before = jar.0.borrow().get("session").cloned();
    for _ in 0..5 {
        actix_rt::time::sleep(Duration::from_millis(500)).await;
        let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
        jar.absorb(&res);
    }
    // Without the remember cookie, the old session is refused past its deadline.
    let remember = jar.forget("remember_token").expect("remember cookie was set");
    jar.put("session", session_before.expect("session cookie was set"));
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(
        body(res).await,
        "anonymous",
        "past the login deadline the session ends"
    );
    // With it, the user comes back (as a new, non-fresh login).
    jar.put("remember_token", remember);
    let res = test::call_service(&app, jar.request("/whoami").to_request()).await;
    assert_eq!(body(res).await, "abs");
}

#[actix_rt::test]
async fn zero_timeouts_are_start_up_errors() {
    let err = LoginManager::<Member>::builder([1u8; 32])
        .idle_timeout(Duration::ZERO)
        .build()
        .expect_err("a zero idle timeout is refused");
    assert!(
        err.to_string()
            .contains("idle_timeout must be at least one second")
    );
}
