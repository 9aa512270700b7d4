//! Start-up validation of `LoginManager::builder(key)...build()`: each misconfiguration is a
//! `ConfigError` from `build()`, never a silent failure at request time, and its message names
//! the offending value and says how to fix it.
//!
//! Covered elsewhere: a bare-name `login_view` (`login_url.rs`), the `__Host-`/`__Secure-`
//! prefixes (`cookie_attributes.rs`), a zero remember duration (`remember.rs`), zero timeouts
//! (`timeouts.rs`) and an unknown session protection mode (`session_protection.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::cookie::SameSite;
use actix_web::http::{StatusCode, header};
use actix_web::test::{TestRequest, call_service, init_service};
use actix_web::{App, web};
use login_runtime::{
    CurrentUser, LoginManager, LoginManagerBuilder, MIN_KEY_LEN, UserMixin, fresh_login_required, user_loader,
};
use login_tests::{TestUser, builder};

const KEY: &str = "the config errors test key, long enough to sign";

/// The user of the tests that build their own manager and app.
#[derive(Clone, Debug, UserMixin)]
struct Member {
    id: String,
}

#[user_loader]
async fn load_member(id: String) -> Option<Member> {
    (id == "ada").then_some(Member { id })
}

#[fresh_login_required]
async fn fresh_page(user: CurrentUser<Member>) -> String {
    format!("fresh {}", user.id)
}

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
fn a_config_error_becomes_an_invalid_input_io_error_with_the_same_message_for_main() {
    // What `async fn main() -> std::io::Result<()>` does with `build()?`.
    fn start(key: &str) -> std::io::Result<()> {
        LoginManager::<TestUser>::builder(key).build()?;
        Ok(())
    }
    let config_err = LoginManager::<TestUser>::builder("short").build().unwrap_err();
    let io_err = start("short").unwrap_err();
    assert_eq!(io_err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(io_err.to_string(), config_err.to_string());
    let inner = io_err
        .into_inner()
        .expect("the ConfigError is kept as the source");
    assert_eq!(
        *inner.downcast::<login_runtime::ConfigError>().unwrap(),
        config_err
    );
    assert!(start(KEY).is_ok());
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

/// `force_host_for_redirects` is checked by `build()`, like the views: a value that cannot be
/// part of a `Location` header would turn every refusal into a 500, and a value with `/` or `@`
/// would redirect elsewhere than intended. A valid host (with a port, an IP literal) is used.
#[actix_rt::test]
async fn a_bad_forced_host_is_a_start_up_error_not_a_500_on_every_refusal() {
    for bad in [
        "good.com\r\nSet-Cookie: x=y",
        "good.com/path",
        "user@good.com",
        "",
        "good com",
    ] {
        let built = LoginManager::<Member>::builder(KEY)
            .login_view("/login")
            .force_host_for_redirects(bad)
            .build();
        let err = built.expect_err(bad).to_string();
        assert!(err.contains("force_host_for_redirects"), "{bad:?}: {err}");
    }
    for good in [
        "good.com",
        "good.com:8443",
        "127.0.0.1:8080",
        "[::1]:8080",
        "my_host.internal",
    ] {
        let manager = LoginManager::<Member>::builder(KEY)
            .login_view("/login")
            .force_host_for_redirects(good)
            .build()
            .expect(good);
        let app = init_service(
            App::new()
                .wrap(manager)
                .route("/fresh", web::get().to(fresh_page)),
        )
        .await;
        let res = call_service(&app, TestRequest::get().uri("/fresh").to_request()).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{good}");
        assert_eq!(
            res.headers().get(header::LOCATION).unwrap(),
            &format!("//{good}/login?next=%2Ffresh")
        );
    }
}

/// A cookie `Path` or `Domain` with a control character or `;` is refused by `build()`: the
/// `Set-Cookie` header could not be built and would be silently dropped (logins that never
/// stick, logouts that never delete), or would carry extra attributes.
#[test]
fn cookie_paths_and_domains_that_cannot_be_written_are_start_up_errors() {
    let bad_paths = ["/app\n", "/app; Domain=evil.example", "/a\u{7f}"];
    for bad in bad_paths {
        let built = LoginManager::<Member>::builder(KEY)
            .session_cookie(|c| c.path = bad.to_owned())
            .build();
        assert!(built.is_err(), "path {bad:?} must be refused");
    }
    for bad in [
        "example.com\r\n",
        "example.com; Secure",
        "",
        "exa mple.com",
        "évil.example",
    ] {
        let built = LoginManager::<Member>::builder(KEY)
            .remember_cookie(|c| c.domain = Some(bad.to_owned()))
            .build();
        assert!(built.is_err(), "domain {bad:?} must be refused");
    }
    let ok = LoginManager::<Member>::builder(KEY)
        .session_cookie(|c| {
            c.path = "/app".to_owned();
            c.domain = Some(".example.com".to_owned());
        })
        .remember_cookie(|c| c.domain = Some("app.example.com".to_owned()))
        .build();
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn a_non_ascii_login_view_is_a_startup_error_that_says_to_percent_encode() {
    let err = builder().login_view("/登录").build().unwrap_err().to_string();
    assert!(
        err.contains("non-ASCII") && err.contains("percent-encode"),
        "{err}"
    );
    assert!(builder().login_view("/%E7%99%BB%E5%BD%95").build().is_ok());
}
