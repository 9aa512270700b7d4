//! A key rotation logs nobody out who comes back before the old key is dropped: a cookie
//! accepted through a fallback key is re-sealed with the primary key on that response (with
//! the fingerprint and auth digest inside it), so after one visit a manager that knows only
//! the new key still accepts it. For the session and the remember cookie, signed and private,
//! with the cookie store and a server-side store; a cookie opened with the primary key is not
//! rewritten.
//!
//! Every case: log in under key A; rotate to primary B with fallback A and visit once; then a
//! manager with only key B reads the cookies the visit left.
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use login_runtime::store::MemoryStore;
use login_runtime::{CookieContent, LoginManager, SessionProtection};
use login_tests::{Store, TestUser, client};

const KEY_A: &str = "key rotation: the old secret key, at least 32 bytes";
const KEY_B: &str = "key rotation: the new secret key, at least 32 bytes";

/// One configuration a case runs under.
#[derive(Clone, Copy, Debug)]
struct Case {
    content: CookieContent,
    server: bool,
    protection: SessionProtection,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for content in [CookieContent::Signed, CookieContent::Private] {
        for server in [false, true] {
            for protection in [SessionProtection::Basic, SessionProtection::Strong] {
                out.push(Case {
                    content,
                    server,
                    protection,
                });
            }
        }
    }
    out
}

fn manager(case: Case, key: &str, fallbacks: &[&str], store: &MemoryStore) -> LoginManager<TestUser> {
    let builder = LoginManager::<TestUser>::builder(key)
        .fallback_keys(fallbacks)
        .session_protection(case.protection)
        .cookie_content(case.content);
    if case.server {
        builder.session_store(store.clone())
    } else {
        builder
    }
    .build()
    .unwrap()
}

/// The manager before the rotation, during it, and after the fallback is dropped.
fn managers(case: Case, store: &MemoryStore) -> [LoginManager<TestUser>; 3] {
    [
        manager(case, KEY_A, &[], store),
        manager(case, KEY_B, &[KEY_A], store),
        manager(case, KEY_B, &[], store),
    ]
}

#[actix_rt::test]
async fn a_remembered_user_from_before_a_rotation_survives_dropping_the_fallback_after_one_visit() {
    for case in cases() {
        let store = Store::new();
        let memory = MemoryStore::new();
        let [before, during, after] = managers(case, &memory);
        let mut old = client!(before, store);
        old.get("/login/notch?remember=true").await;
        let old_remember = old.cookie("remember_token").unwrap();

        // The control: without a visit during the rotation, the new key alone refuses it.
        let mut unvisited = client!(after.clone(), store);
        unvisited.set_cookie("remember_token", &old_remember);
        assert_eq!(unvisited.get("/username").await.body, "Anonymous", "{case:?}");

        // One visit with only the remember cookie (a new browser session): restored, and the
        // remember cookie re-sealed with the primary key, keeping its expiry.
        let mut visit = client!(during, store);
        visit.set_cookie("remember_token", &old_remember);
        let r = visit.get("/username").await;
        assert_eq!(r.body, "notch", "{case:?}");
        let resealed = r
            .set_cookie("remember_token")
            .expect("the remember cookie is re-sealed");
        assert_ne!(resealed.value(), old_remember, "{case:?}");
        assert!(
            resealed.max_age().is_some_and(|a| a.whole_days() >= 364),
            "{case:?}: {resealed}"
        );

        // After the fallback is dropped: the remember cookie alone restores the user.
        let mut later = client!(after.clone(), store);
        later.set_cookie("remember_token", resealed.value());
        assert_eq!(
            later.get("/state").await.body,
            "user=notch fresh=false remembered=true restored=true",
            "{case:?}"
        );
    }
}

#[actix_rt::test]
async fn a_remember_cookie_next_to_a_live_session_is_re_sealed_too() {
    for case in cases() {
        let store = Store::new();
        let memory = MemoryStore::new();
        let [before, during, after] = managers(case, &memory);
        let mut c = client!(before, store);
        c.get("/login/notch?remember=true").await;
        let mut visit = client!(during, store);
        visit.set_cookie("session", &c.cookie("session").unwrap());
        visit.set_cookie("remember_token", &c.cookie("remember_token").unwrap());
        let r = visit.get("/username").await;
        assert_eq!(r.body, "notch", "{case:?}");
        assert!(
            r.set_cookie("session").is_some(),
            "{case:?}: the session is re-sealed"
        );
        assert!(
            r.set_cookie("remember_token").is_some(),
            "{case:?}: the remember cookie too"
        );

        let mut later = client!(after.clone(), store);
        later.set_cookie("session", &visit.cookie("session").unwrap());
        later.set_cookie("remember_token", &visit.cookie("remember_token").unwrap());
        assert_eq!(later.get("/username").await.body, "notch", "{case:?}");
        // The browser closes: the session cookie goes, the remember cookie stays. (Copied in
        // by value above, both are session cookies in this jar, so a restart would drop both.)
        later.delete_cookie("session");
        assert_eq!(later.get("/username").await.body, "notch", "{case:?}: restored");
    }
}

#[actix_rt::test]
async fn a_session_from_before_a_rotation_stays_logged_in_and_fresh_after_one_visit() {
    for case in cases() {
        let store = Store::new();
        let memory = MemoryStore::new();
        let [before, during, after] = managers(case, &memory);
        let mut c = client!(before, store);
        c.get("/login/notch").await;
        let old_session = c.cookie("session").unwrap();

        let mut unvisited = client!(after.clone(), store);
        unvisited.set_cookie("session", &old_session);
        assert_eq!(unvisited.get("/username").await.body, "Anonymous", "{case:?}");

        let mut visit = client!(during, store);
        visit.set_cookie("session", &old_session);
        let r = visit.get("/fresh").await;
        assert_eq!(r.body, "Fresh: notch", "{case:?}");
        let resealed = r.set_cookie("session").expect("the session cookie is re-sealed");
        assert_ne!(resealed.value(), old_session, "{case:?}");

        // The fingerprint and the auth digest inside were re-made with the new key too: the
        // login is still fresh under session protection, and not ended as "credentials changed".
        let mut later = client!(after.clone(), store);
        later.set_cookie("session", resealed.value());
        assert_eq!(later.get("/fresh").await.body, "Fresh: notch", "{case:?}");
        assert_eq!(later.get("/username").await.body, "notch", "{case:?}");
    }
}

#[actix_rt::test]
async fn a_cookie_opened_with_the_primary_key_is_not_rewritten() {
    for case in cases() {
        let store = Store::new();
        let memory = MemoryStore::new();
        let [_, during, _] = managers(case, &memory);
        let mut c = client!(during, store);
        c.get("/login/notch?remember=true").await;
        let r = c.get("/username").await;
        assert_eq!(r.body, "notch", "{case:?}");
        assert!(r.set_cookies().is_empty(), "{case:?}: {:?}", r.set_cookies());
    }
}

#[actix_rt::test]
async fn a_password_change_still_ends_a_login_opened_with_a_fallback_key() {
    for case in cases() {
        let store = Store::new();
        let memory = MemoryStore::new();
        let [before, during, _] = managers(case, &memory);
        let mut c = client!(before, store);
        c.get("/login/notch?remember=true").await;
        store.set_password("notch", "changed");
        let mut visit = client!(during, store);
        visit.set_cookie("session", &c.cookie("session").unwrap());
        visit.set_cookie("remember_token", &c.cookie("remember_token").unwrap());
        let r = visit.get("/username").await;
        assert_eq!(
            r.body, "Anonymous",
            "{case:?}: the re-seal launders no stale login"
        );
        visit.restart_browser();
        assert_eq!(visit.get("/username").await.body, "Anonymous", "{case:?}");
    }
}
