//! Flask-Login §2.6: session protection, with its bugs P5 (#685), P6, P7 (#569) and P27 fixed.
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::test::TestRequest;
use login_runtime::SessionProtection;
use login_tests::{Events, Store, builder, client, is_removal};

fn protected(mode: SessionProtection, events: &Events) -> login_runtime::LoginManager<login_tests::TestUser> {
    events.attach(builder()).session_protection(mode).build().unwrap()
}

#[actix_rt::test]
async fn test_session_protection_basic_passes_successive_requests__flask_2_6_item_60() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Basic, &events), store);
    c.get("/login/notch").await;
    for _ in 0..3 {
        assert_eq!(
            c.get("/state").await.body,
            "user=notch fresh=true remembered=false restored=false"
        );
    }
    assert_eq!(events.count("session_protected"), 0);
}

#[actix_rt::test]
async fn test_session_protection_strong_passes_successive_requests__flask_2_6_item_61() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Strong, &events), store);
    c.get("/login/notch").await;
    for _ in 0..3 {
        assert_eq!(
            c.get("/state").await.body,
            "user=notch fresh=true remembered=false restored=false"
        );
    }
    assert_eq!(events.count("session_protected"), 0);
}

#[actix_rt::test]
async fn test_session_protection_basic_marks_session_unfresh__flask_2_6_items_62_63_p6() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Basic, &events), store);
    c.get("/login/notch").await;
    c.user_agent = "different".into();
    assert_eq!(
        c.get("/state").await.body,
        "user=notch fresh=false remembered=false restored=false"
    );
    assert_eq!(events.count("session_protected"), 1);
    // The session is re-bound to the new client: the signal does not repeat (Flask-Login P6).
    assert_eq!(c.get("/username").await.body, "notch");
    assert_eq!(events.count("session_protected"), 1);
}

#[actix_rt::test]
async fn test_session_protection_basic_skips_when_remember_me__flask_2_6_item_64_p6() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Basic, &events), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    for _ in 0..3 {
        assert_eq!(c.get("/username").await.body, "notch");
    }
    assert_eq!(events.count("session_protected"), 0, "{:?}", events.all());
}

#[actix_rt::test]
async fn test_session_protection_strong_skips_when_remember_me__flask_2_6_item_65_p5_685() {
    // Flask-Login logs the user out on the second request after a restore (P5, #685).
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Strong, &events), store);
    c.get("/login/notch?remember=true").await;
    c.restart_browser();
    for i in 0..3 {
        let r = c.get("/username").await;
        assert_eq!(r.body, "notch", "request {i}");
        assert!(
            r.set_cookie("remember_token").is_none(),
            "request {i}: {:?}",
            r.set_cookies()
        );
    }
    assert_eq!(events.count("session_protected"), 0, "{:?}", events.all());
}

#[actix_rt::test]
async fn test_session_protection_strong_deletes_session__flask_2_6_items_68_69_p34() {
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Strong, &events), store);
    c.get("/login/notch?remember=true").await;
    c.user_agent = "different".into();
    let r = c.get("/username").await;
    assert_eq!(r.body, "Anonymous");
    assert!(
        r.set_cookie("session").is_some_and(|s| is_removal(&s)),
        "{:?}",
        r.set_cookies()
    );
    assert!(r.set_cookie("remember_token").is_some_and(|s| is_removal(&s)));
    assert_eq!(events.count("session_protected"), 1);
    c.restart_browser();
    assert_eq!(
        c.get("/username").await.body,
        "Anonymous",
        "the remember cookie is gone"
    );
}

#[actix_rt::test]
async fn test_session_protection_skip_when_off_and_anonymous__flask_2_6_items_70_71() {
    for mode in [
        SessionProtection::Off,
        SessionProtection::Basic,
        SessionProtection::Strong,
    ] {
        let store = Store::new();
        let events = Events::new();
        let mut c = client!(protected(mode, &events), store);
        let r = c.get("/").await;
        assert_eq!(events.count("accessed"), 0, "{mode:?}");
        assert!(r.set_cookies().is_empty());
        let r = c.get("/username").await;
        assert_eq!(r.body, "Anonymous");
        assert_eq!(events.count("session_protected"), 0, "{mode:?}");
        assert!(r.set_cookies().is_empty(), "{mode:?}: the session stays empty");
    }
}

#[actix_rt::test]
async fn test_anonymous_session_never_trips_protection__flask_p7_569() {
    // An anonymous session with data (here a `next` kept in the session) and a changed client:
    // Flask-Login fires protection and, in strong mode, deletes a remember cookie that never
    // existed. We do neither, and the data survives.
    for mode in [SessionProtection::Basic, SessionProtection::Strong] {
        let store = Store::new();
        let events = Events::new();
        let manager = events
            .attach(builder())
            .session_protection(mode)
            .login_view("/login")
            .use_session_for_next(true)
            .build()
            .unwrap();
        let mut c = client!(manager, store);
        c.get("/secret").await;
        c.user_agent = "different".into();
        let r = c.get("/username").await;
        assert_eq!(r.body, "Anonymous");
        assert!(r.set_cookies().is_empty(), "{mode:?}: {:?}", r.set_cookies());
        assert_eq!(events.count("session_protected"), 0, "{mode:?}");
        assert_eq!(c.get("/next").await.body, "/secret", "{mode:?}");
    }
}

#[actix_rt::test]
async fn test_unknown_protection_mode_is_a_startup_error__flask_p27() {
    let err = "weird".parse::<SessionProtection>().unwrap_err().to_string();
    assert!(
        err.contains("`weird`") && err.contains("`basic`, `strong` or `off`"),
        "{err}"
    );
    assert_eq!(
        "strong".parse::<SessionProtection>(),
        Ok(SessionProtection::Strong)
    );
    assert_eq!("off".parse::<SessionProtection>(), Ok(SessionProtection::Off));
}

#[actix_rt::test]
async fn test_x_forwarded_for_is_ignored__flask_r2_r3_700() {
    // Flask-Login 0.6.3 read X-Forwarded-For, which clients can forge (#700); the peer address
    // is what counts.
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Strong, &events), store);
    c.send(
        TestRequest::get()
            .uri("/login/notch")
            .insert_header(("X-Forwarded-For", "10.1.1.1")),
    )
    .await;
    let r = c
        .send(
            TestRequest::get()
                .uri("/username")
                .insert_header(("X-Forwarded-For", "10.9.9.9, 10.1.1.2")),
        )
        .await;
    assert_eq!(r.body, "notch");
    assert_eq!(events.count("session_protected"), 0);
    let r = c
        .send(
            TestRequest::get()
                .uri("/username")
                .peer_addr("10.2.3.4:5000".parse().unwrap()),
        )
        .await;
    assert_eq!(
        r.body, "Anonymous",
        "a different peer address is a different client"
    );
    assert_eq!(events.count("session_protected"), 1);
}

#[actix_rt::test]
async fn test_confirm_login_from_another_client__flask_p30() {
    // A copied session cookie used by another client (basic mode) is demoted; confirming the
    // password there makes that client's copy fresh. The original client's own cookie is not
    // affected.
    let store = Store::new();
    let events = Events::new();
    let manager = protected(SessionProtection::Basic, &events);
    let mut a = client!(manager.clone(), store);
    let mut b = client!(manager, store);
    a.get("/login/notch").await;
    b.set_cookie("session", &a.cookie("session").unwrap());
    b.user_agent = "other browser".into();
    assert!(b.get("/state").await.body.starts_with("user=notch fresh=false"));
    assert!(b.get("/confirm").await.body.starts_with("confirmed=true"));
    assert_eq!(b.get("/fresh").await.status, 200);
    assert_eq!(
        a.get("/fresh").await.status,
        200,
        "the original client is still fresh"
    );
}

#[actix_rt::test]
async fn test_strong_protection_with_permanent_session_is_not_a_mode__flask_2_6_items_66_67() {
    // Flask-Login's strong mode only demotes a *permanent* session. Our session cookie has no
    // permanent variant: strong always logs out, and the signal fires once.
    let store = Store::new();
    let events = Events::new();
    let mut c = client!(protected(SessionProtection::Strong, &events), store);
    c.get("/login/notch").await;
    c.user_agent = "different".into();
    assert_eq!(c.get("/username").await.body, "Anonymous");
    assert_eq!(c.get("/username").await.body, "Anonymous");
    assert_eq!(events.count("session_protected"), 1);
}
