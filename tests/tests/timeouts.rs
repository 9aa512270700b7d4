//! Idle and absolute timeouts: a session login ends after `idle_timeout` without a request, and
//! after `absolute_timeout` however active it is (a remember cookie then starts a new login); a
//! zero timeout is a start-up error.

use std::time::Duration;

use login_runtime::LoginManager;
use login_runtime::test::TestClient;

use crate::support::member_app::{Member, app, manager, set_password};

#[actix_rt::test]
async fn idle_timeout_ends_a_session_login_after_inactivity() {
    set_password("idle", "pw");
    let app = app!(manager(|b| b.idle_timeout(Duration::from_secs(1))));
    let mut jar = TestClient::new();
    jar.get(&app, "/login/idle/false").await;
    assert_eq!(jar.get(&app, "/whoami").await.text(), "idle");
    actix_rt::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        jar.get(&app, "/whoami").await.text(),
        "anonymous",
        "an idle session must end"
    );
}

#[actix_rt::test]
async fn absolute_timeout_ends_a_login_even_when_active_but_remember_me_restores_it() {
    set_password("abs", "pw");
    let app = app!(manager(|b| b.absolute_timeout(Duration::from_secs(1))));
    let mut jar = TestClient::new();
    jar.get(&app, "/login/abs/true").await;
    let session_before = jar.cookie("session");
    for _ in 0..5 {
        actix_rt::time::sleep(Duration::from_millis(500)).await;
        jar.get(&app, "/whoami").await;
    }
    // Without the remember cookie, the old session is refused past its deadline.
    let remember = jar
        .remove_cookie("remember_token")
        .expect("remember cookie was set");
    jar.set_cookie("session", &session_before.expect("session cookie was set"));
    assert_eq!(
        jar.get(&app, "/whoami").await.text(),
        "anonymous",
        "past the login deadline the session ends"
    );
    // With it, the user comes back (as a new, non-fresh login).
    jar.set_cookie("remember_token", &remember);
    assert_eq!(jar.get(&app, "/whoami").await.text(), "abs");
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
