//! User ids that are not plain ASCII words round-trip through both cookies: a non-ASCII id
//! (Flask-Login §2.12 items 106-107, `佐藤`), whose cookies stay ASCII on the wire, and an id
//! containing `|` (P16).
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use login_tests::{Store, builder, client};

#[actix_rt::test]
async fn test_remember_me_username__flask_2_12_items_106_107() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    let r = c.get("/login/%E4%BD%90%E8%97%A4?remember=true").await;
    assert!(r.body.contains("user=佐藤"), "{}", r.body);
    // Both cookie values are plain ASCII on the wire.
    for name in ["session", "remember_token"] {
        let raw = r.raw_set_cookie(name).unwrap();
        assert!(raw.is_ascii(), "{raw}");
    }
    assert_eq!(
        c.get("/username").await.body,
        "佐藤",
        "through the session cookie"
    );
    c.restart_browser();
    let r = c.get("/state").await;
    assert_eq!(
        r.body, "user=佐藤 fresh=false remembered=true restored=true",
        "through the remember cookie"
    );
}

#[actix_rt::test]
async fn test_user_id_with_pipe_round_trips__flask_p16() {
    let store = Store::new();
    let mut c = client!(builder().build().unwrap(), store);
    c.get("/login/a%7Cb?remember=true").await;
    assert_eq!(c.get("/username").await.body, "a|b");
    c.restart_browser();
    assert_eq!(c.get("/username").await.body, "a|b");
}
