//! Signing and verifying the two cookies, through public behaviour only (the codecs are private
//! to the runtime):
//!
//! - sign: `LoginManager::test_login(&user).session_cookie()` and `.remember_cookie(..)` build the
//!   exact cookie a login sets (encode the state, HMAC-SHA256 it, base64url both);
//! - verify: a request to `/maybe` (a `MaybeUser` handler) carrying the cookie, next to the same
//!   request to `/bare`, which never reads it. The difference between the two rows is what reading
//!   the cookie costs: parse the `Cookie` header, base64-decode, verify the HMAC, decode the state,
//!   check the client fingerprint, and call the (in-memory) loader.
//!
//! - content: the same sign and verify rows for `CookieContent::Signed` and
//!   `CookieContent::Private` side by side (group `content`), so the cost of encrypting the
//!   cookies reads as the difference between two neighbouring rows.
//!
//! Run: `cargo bench -p login-benches --bench cookies`; the content rows only:
//! `cargo bench -p login-benches --bench cookies -- content --warm-up-time 1 --measurement-time 3`

#![allow(clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use actix_web::dev::Service;
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::{App, test};
use criterion::{Criterion, criterion_group, criterion_main};
use login_benches::{BENCH_USER, SECRET, User, cookie_header, find_user, log_in, manager, request, routes};
use login_runtime::{CookieContent, LoginManager};

const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);

fn sign(c: &mut Criterion) {
    let manager = manager();
    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let login = manager.test_login(&user).fresh(true);
    let mut group = c.benchmark_group("sign");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("session cookie", |b| b.iter(|| black_box(login.session_cookie())));
    group.bench_function("remember cookie", |b| {
        b.iter(|| black_box(login.remember_cookie(black_box(YEAR))))
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let sys = actix_rt::System::new();
    let app = sys.block_on(test::init_service(App::new().wrap(manager()).configure(routes)));
    let cookies = sys.block_on(log_in(&app, true));
    let find = |name: &str| {
        cookies
            .iter()
            .find(|c| c.name() == name)
            .unwrap_or_else(|| panic!("/login?remember=1 sets `{name}`"))
    };
    let session = find("session");
    let remember = find("remember_token");
    let mut forged = session.clone();
    let mut value = forged.value().to_owned();
    let last = if value.ends_with('A') { "B" } else { "A" };
    value.replace_range(value.len() - 1.., last);
    forged.set_value(value);

    let cases = [
        (
            "untouched route, session cookie",
            "/bare",
            cookie_header(std::slice::from_ref(session)),
            "hello bench",
        ),
        (
            "session cookie",
            "/maybe",
            cookie_header(std::slice::from_ref(session)),
            "hello bench",
        ),
        (
            "forged session cookie",
            "/maybe",
            cookie_header(std::slice::from_ref(&forged)),
            "hello anonymous",
        ),
        (
            "remember cookie, restores the session",
            "/maybe",
            cookie_header(std::slice::from_ref(remember)),
            "hello bench",
        ),
    ];
    let request = |uri: &str, cookie: &HeaderValue| request(uri, Some(cookie)).to_request();

    let mut group = c.benchmark_group("verify");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, uri, cookie, expected) in &cases {
        let body = sys.block_on(test::call_and_read_body(&app, request(uri, cookie)));
        assert_eq!(&body[..], expected.as_bytes(), "{name}");
        group.bench_function(*name, |b| {
            b.iter(|| {
                let res = sys.block_on(app.call(request(uri, cookie)));
                black_box(
                    res.map(|r| r.status())
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                )
            })
        });
    }
    group.finish();
}

/// The benchmark manager with cookies of `content`.
fn content_manager(content: CookieContent) -> LoginManager<User> {
    LoginManager::<User>::builder(SECRET)
        .secure_cookies(false)
        .cookie_content(content)
        .build()
        .unwrap_or_else(|e| panic!("the benchmark configuration is valid: {e}"))
}

/// Signed next to private: sealing both cookies, and a `/maybe` request reading each.
fn content(c: &mut Criterion) {
    let sys = actix_rt::System::new();
    let user = find_user(BENCH_USER).unwrap_or_else(|| panic!("the benchmark user exists"));
    let mut group = c.benchmark_group("content");
    group
        .sample_size(40)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (label, content) in [
        ("signed", CookieContent::Signed),
        ("private", CookieContent::Private),
    ] {
        let manager = content_manager(content);
        let login = manager.test_login(&user).fresh(true);
        group.bench_function(format!("{label}: seal session cookie"), |b| {
            b.iter(|| black_box(login.session_cookie()))
        });
        group.bench_function(format!("{label}: seal remember cookie"), |b| {
            b.iter(|| black_box(login.remember_cookie(black_box(YEAR))))
        });
        let app = sys.block_on(test::init_service(App::new().wrap(manager).configure(routes)));
        let cookies = sys.block_on(log_in(&app, true));
        for name in ["session", "remember_token"] {
            let cookie = cookies
                .iter()
                .find(|c| c.name() == name)
                .unwrap_or_else(|| panic!("/login?remember=1 sets `{name}`"));
            let header = cookie_header(std::slice::from_ref(cookie));
            let req = || request("/maybe", Some(&header)).to_request();
            let body = sys.block_on(test::call_and_read_body(&app, req()));
            assert_eq!(&body[..], b"hello bench", "{label} {name}");
            group.bench_function(format!("{label}: /maybe with {name} cookie"), |b| {
                b.iter(|| {
                    let res = sys.block_on(app.call(req()));
                    black_box(
                        res.map(|r| r.status())
                            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, sign, verify, content);
criterion_main!(benches);
