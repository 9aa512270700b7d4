//! The URL helpers of Flask-Login §2.9 and P21, through the public functions: `login_url` builds
//! the login view's URL with `next` (custom field, external views, the view's own query, a forced
//! host), and `make_next_param` shortens `next` to a path on the same origin. (Whether a `next`
//! is safe to follow: `open_redirect.rs`.)
// Test names read `<flask-login test>__flask_<section>_item_<n>` so the parity table can cite them.
#![allow(non_snake_case)]
// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use login_runtime::{login_url, make_next_param};

#[test]
fn test_make_next_param__flask_2_9_items_85_86_87() {
    assert_eq!(make_next_param("/login", "http://localhost/profile"), "/profile");
    assert_eq!(
        make_next_param("https://localhost/login", "http://localhost/profile"),
        "http://localhost/profile"
    );
    assert_eq!(
        make_next_param("http://accounts.localhost/login", "http://localhost/profile"),
        "http://localhost/profile"
    );
}

#[test]
fn test_make_next_param_drops_fragment__flask_p21() {
    assert_eq!(make_next_param("/login", "http://localhost/p?a=1#top"), "/p?a=1");
}

#[test]
fn test_login_url_generation__flask_2_9_items_88_89_90_91() {
    assert_eq!(
        login_url("/login", Some("http://localhost/protected"), "n", None),
        "/login?n=%2Fprotected"
    );
    assert_eq!(
        login_url("/login", Some("http://localhost/protected"), "next", None),
        "/login?next=%2Fprotected"
    );
    assert_eq!(
        login_url(
            "https://auth.localhost/login",
            Some("http://localhost/protected"),
            "next",
            None
        ),
        "https://auth.localhost/login?next=http%3A%2F%2Flocalhost%2Fprotected"
    );
    assert_eq!(
        login_url(
            "/login?affil=cgnu",
            Some("http://localhost/protected"),
            "next",
            None
        ),
        "/login?affil=cgnu&next=%2Fprotected"
    );
}

#[test]
fn test_login_url_generation_with_view__flask_2_9_item_92() {
    // No endpoint names in actix-web: a view is a path (checked at start-up), and a relative
    // current URL works like Flask's `url_for` result.
    assert_eq!(
        login_url("/login", Some("/protected"), "next", None),
        "/login?next=%2Fprotected"
    );
    let err = login_tests::builder()
        .login_view("login")
        .build()
        .unwrap_err()
        .to_string();
    assert!(err.contains("is not a URL"), "{err}");
}

#[test]
fn test_login_url_no_next_url__flask_2_9_item_93() {
    assert_eq!(login_url("/foo", None, "next", None), "/foo");
}

#[test]
fn test_login_url_edge_cases__flask_p21() {
    assert_eq!(
        login_url(
            "https://auth.example/login",
            Some("http://app.example/p?a=1"),
            "next",
            None
        ),
        "https://auth.example/login?next=http%3A%2F%2Fapp.example%2Fp%3Fa%3D1"
    );
    assert_eq!(
        login_url(
            "https://auth.example/login",
            Some("http://app.example/p?a=1"),
            "next",
            Some("good.com")
        ),
        "https://good.com/login?next=http%3A%2F%2Fapp.example%2Fp%3Fa%3D1"
    );
    assert_eq!(
        login_url("/login", Some("http://x/p?x=a%20b"), "next", None),
        "/login?next=%2Fp%3Fx%3Da%2520b"
    );
    assert_eq!(
        login_url("/login", Some("http://bad.com/secret"), "next", Some("good.com")),
        "//good.com/login?next=%2Fsecret"
    );
}
