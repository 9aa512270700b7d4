//! Start-up validation of `LoginManager::builder(key)...build()`: each misconfiguration is a
//! `ConfigError` from `build()`, never a silent failure at request time, and its message names
//! the offending value and says how to fix it.
//!
//! Covered elsewhere: `login_view`/`refresh_view` (`url_helpers.rs`, `stale_cookie_cleanup.rs`),
//! the `__Host-`/`__Secure-` prefixes (`stale_cookie_cleanup.rs`), `force_host_for_redirects`
//! (`review_regressions.rs`), a zero remember duration (`persistence_and_freshness.rs`) and zero
//! timeouts (`timeouts_and_auth_hash.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::SameSite;
use login_runtime::{LoginManager, LoginManagerBuilder, MIN_KEY_LEN};
use login_tests::{TestUser, builder};

/// The message of the error `build()` returns for `b`; fails the test if it builds.
fn build_error(b: LoginManagerBuilder<TestUser>) -> String {
    match b.build() {
        Ok(manager) => panic!("expected a start-up error, but it built: {manager:?}"),
        Err(e) => e.to_string(),
    }
}

/// Asserts that `message` contains every one of `phrases`.
fn assert_says(message: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(
            message.contains(phrase),
            "the message does not say {phrase:?}:\n{message}"
        );
    }
}

#[test]
fn the_default_builder_with_a_32_byte_key_builds() {
    assert_eq!(MIN_KEY_LEN, 32);
    assert!(LoginManager::<TestUser>::builder([7u8; 32]).build().is_ok());
    assert!(
        LoginManager::<TestUser>::builder("a secret key of at least thirty-two bytes!")
            .fallback_keys([[1u8; 32], [2u8; 32]])
            .build()
            .is_ok()
    );
}

#[test]
fn a_secret_key_shorter_than_32_bytes_is_refused_with_its_length_and_how_to_make_one() {
    for (key, len) in [(&b""[..], "0"), (&b"short"[..], "5"), (&[7u8; 31][..], "31")] {
        let err = build_error(LoginManager::<TestUser>::builder(key));
        assert_says(
            &err,
            &[
                &format!("the secret key is {len} bytes long"),
                "at least 32 bytes",
                "generate one with `openssl rand -hex 32`",
            ],
        );
    }
}

#[test]
fn a_short_fallback_key_is_refused_naming_which_one_and_how_to_make_one() {
    let err = build_error(
        LoginManager::<TestUser>::builder([7u8; 32]).fallback_keys([&[1u8; 32][..], &b"old key"[..]]),
    );
    assert_says(
        &err,
        &[
            "fallback key #2 is 7 bytes long",
            "at least 32 bytes",
            "`openssl rand -hex 32`",
        ],
    );
    assert!(!err.contains("secret key"), "{err}");
}

#[test]
fn an_invalid_session_or_remember_cookie_name_is_refused_with_the_allowed_characters() {
    for bad in ["", "my session", "a;b", "a=b", "sess,ion", "\"quoted\"", "séance"] {
        let shown = bad.escape_debug();
        let err = build_error(builder().session_cookie(|c| c.name = bad.to_owned()));
        assert_says(
            &err,
            &[
                &format!("the session cookie name `{shown}` is not a valid cookie name"),
                "use letters, digits, `-` and `_`, for example `session`",
            ],
        );
        let err = build_error(builder().remember_cookie(|c| c.name = bad.to_owned()));
        assert_says(
            &err,
            &[
                &format!("the remember cookie name `{shown}` is not a valid cookie name"),
                "for example `remember_token`",
            ],
        );
    }
}

#[test]
fn session_and_remember_cookies_sharing_a_name_are_refused() {
    let err = build_error(builder().remember_cookie(|c| c.name = "session".to_owned()));
    assert_says(&err, &["both named `session`", "give them different names"]);
    let err = build_error(
        builder()
            .session_cookie(|c| c.name = "auth".to_owned())
            .remember_cookie(|c| c.name = "auth".to_owned()),
    );
    assert_says(&err, &["both named `auth`"]);
}

#[test]
fn an_empty_next_field_name_is_refused_with_an_example() {
    let err = build_error(builder().next_field(""));
    assert_says(&err, &["the next field name is empty", "use for example `next`"]);
    assert!(builder().next_field("continue").build().is_ok());
}

#[test]
fn a_www_authenticate_value_that_is_not_a_header_value_is_refused() {
    for (bad, shown) in [
        ("Bearer\nrealm=\"api\"", r#"`Bearer\nrealm=\"api\"`"#),
        ("Session\r\nSet-Cookie: x=1", r"`Session\r\nSet-Cookie: x=1`"),
        ("Ses\0sion", r"`Ses\0sion`"),
    ] {
        let err = build_error(builder().www_authenticate(bad));
        assert_says(
            &err,
            &[
                shown,
                "is not a valid WWW-Authenticate header value",
                "use visible ASCII without line breaks",
                "for example `Bearer realm=\"api\"`",
            ],
        );
    }
    assert!(builder().www_authenticate("Basic realm=\"api\"").build().is_ok());
}

#[test]
fn a_cookie_path_not_starting_with_a_slash_is_refused() {
    for bad in ["", "app", "app/", "./app"] {
        let err = build_error(builder().session_cookie(|c| c.path = bad.to_owned()));
        assert_says(
            &err,
            &[
                &format!("cookie `session` has path `{bad}`"),
                "a cookie path must start with `/`",
                "for example `/` or `/app`",
            ],
        );
    }
    let err = build_error(builder().remember_cookie(|c| c.path = "/app\n".to_owned()));
    assert_says(
        &err,
        &[
            r"cookie `remember_token` has path `/app\n`",
            "only printable ASCII without `;`",
        ],
    );
}

#[test]
fn a_cookie_domain_that_is_not_a_host_name_is_refused() {
    for (bad, shown) in [
        ("", "``"),
        (".", "`.`"),
        ("exa mple.com", "`exa mple.com`"),
        ("example.com; Secure", "`example.com; Secure`"),
        ("example.com\r\n", r"`example.com\r\n`"),
        ("évil.example", "`évil.example`"),
    ] {
        let err = build_error(builder().remember_cookie(|c| c.domain = Some(bad.to_owned())));
        assert_says(
            &err,
            &[
                &format!("cookie `remember_token` has domain {shown}"),
                "give a host name such as `example.com`",
                "punycode for other names",
                "or no domain for a host-only cookie",
            ],
        );
    }
    assert!(
        builder()
            .session_cookie(|c| c.domain = Some(".example.com".to_owned()))
            .build()
            .is_ok()
    );
}

#[test]
fn same_site_none_without_secure_is_refused_with_both_fixes() {
    let err = build_error(builder().session_cookie(|c| {
        c.same_site = SameSite::None;
        c.secure = false;
    }));
    assert_says(
        &err,
        &[
            "cookie `session` has SameSite=None without Secure",
            "browsers reject",
            "turn Secure on or use SameSite=Lax",
        ],
    );
    assert!(
        builder()
            .session_cookie(|c| c.same_site = SameSite::None)
            .build()
            .is_ok(),
        "SameSite=None with Secure (the default) is fine"
    );
}
